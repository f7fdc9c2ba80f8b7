"""A build told to leave out its tests, in a step that says it tests.

``./gradlew build -x test`` excludes Gradle's ``test`` task, and ``mvn
verify -DskipTests`` (or ``-Dmaven.test.skip=true``) Maven's test run: the
build succeeds without running a single test.  In a step named for testing
("Build and test") the tests the step promises can never fail it.  A deploy
step that builds with ``-x test`` ("Build project") promises no test, nor
does one whose name says it leaves them out ("Build without tests", "Build,
skip tests"), and a script that runs the tests by another command ("... -x
test" then ``./gradlew test``) loses nothing.
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity import catalogue as cat

_GRADLE = frozenset(("gradle", "gradlew", "gradlew.bat"))
_MAVEN = frozenset(("mvn", "mvnw", "mvnw.cmd"))
_EXCLUDE = frozenset(("-x", "--exclude-task"))
# `-DskipTests`, `-DskipTests=true`, `-Dmaven.test.skip`, `-Dmaven.test.skip=true`
_MAVEN_SKIP = re.compile(r"^-D(skipTests|maven\.test\.skip)(=true)?$")
_TEST_TASK = re.compile(r"^(:?[\w-]+:)*test$")
_NAMES_TESTS = re.compile(cat.TEST_WORD, re.IGNORECASE)
# "without tests", "no tests", "skip(ping) the tests", "excluding unit tests"
_NAMES_NO_TESTS = re.compile(
    r"(?i)\b(?:without|w/o|no|skip(?:s|ping)?|exclud(?:e|es|ing)|except)"
    r"[\s_-]+(?:the[\s_-]+|any[\s_-]+)?(?:unit[\s_-]+|integration[\s_-]+)?tests?\b"
)
_TEST_GOALS = frozenset(("test", "check", "verify"))
_OPERATORS = frozenset(("&&", "||", ";", "|", "&"))


def _program(word: str) -> str:
    return re.split(r"[/\\]", word)[-1]


def excludes_tests(words: list[str]) -> bool:
    """Tell a Gradle or Maven run told not to run the project's tests."""
    if not words:
        return False
    program, args = _program(words[0]), words[1:]
    if program in _GRADLE:
        given = [task for arg, task in zip(args, args[1:]) if arg in _EXCLUDE]
        given += [a.split("=", 1)[1] for a in args if a.startswith("--exclude-task=")]
        return any(_TEST_TASK.match(task) for task in given)
    if program in _MAVEN:
        return any(_MAVEN_SKIP.match(arg) for arg in args)
    return False


def lost_in(step: str, script: str) -> bool:
    """Tell whether a step named ``step`` loses its tests to such a build.

    ``step`` must say it tests (not that it leaves them out), and ``script``
    must not run them by another Gradle or Maven command (one without the
    exclusion).
    """
    if _NAMES_NO_TESTS.search(step):
        return False
    return bool(_NAMES_TESTS.search(step)) and not _runs_tests(script)


def _runs_tests(script: str) -> bool:
    """Tell a Gradle or Maven command of ``script`` that runs the tests."""
    for line in script.splitlines():
        words = line.split()
        for index, word in enumerate(words):
            if _program(word) not in _GRADLE | _MAVEN:
                continue
            run = _one_command(words[index:])
            goals = [w for w in run[1:] if not w.startswith("-")]
            tests = any(g in _TEST_GOALS or g.endswith(":test") for g in goals)
            if tests and not excludes_tests(run):
                return True
    return False


def _one_command(words: list[str]) -> list[str]:
    """``./gradlew test && ./gradlew build`` -> ``./gradlew test``."""
    for index, word in enumerate(words):
        if word in _OPERATORS:
            return words[:index]
        if word.endswith(";"):
            return [*words[:index], word[:-1]]
    return words
