"""QG106 and QG107 where a tool runs in a mode that cannot fail.

Where a step is named for checking, ``isort --diff`` only shows,
``prettier --write`` only rewrites, ``gofmt -l`` only lists,
``detect-secrets scan`` only records and ``gradle build -x test`` leaves the
tests out; ``npm run lint`` whose package script only echoes is a stub.  The
walker reports each through these functions, each given the ``flow.Walker``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from quality_gates.guards.integrity import gatecmd, skipped_tests
from quality_gates.guards.integrity.shell import failure_sinks, records_only
from quality_gates.guards.integrity.shell.doomed import doomed
from quality_gates.guards.integrity.shell.parse import short
from quality_gates.guards.integrity.shell.records import Gate
from tree_sitter import Node

if TYPE_CHECKING:
    from quality_gates.guards.integrity.shell.flow import Walker

# A step named for checking (`Check frontend prettier`, `Lint`, `Verify format`)
_CHECK_MEANT = re.compile(r"(?i)\b(check|verif|lint|validat)")
# ... unless the name also says it fixes (`lint-fix`, `Format and lint`)
_FIX_MEANT = re.compile(
    r"(?i)(?<![a-z])(auto-?)?fix|(?<![a-z])(reformat|write|apply)"
    r"|(?<![a-z])format(ting)?\s*(&|and\b|\+|,)"
)


def stubbed(walker: Walker, node: Node, words: list[str], script: str) -> None:
    """QG107 for ``npm run lint`` whose package script only echoes."""
    gate = Gate(node.start_point[0], short(node, walker.source), words[-1])
    detail = (
        f"`{gate.text}` runs the package script `{script}`, which only prints "
        "or succeeds: the check it is named for never runs"
    )
    fix = f"make the `{words[-1]}` script run the checker, or drop the step"
    walker.hit("QG107", gate, detail, fix=fix)


def lost_by_mode(
    walker: Walker, node: Node, words: list[str], check: gatecmd.Check | None
) -> None:
    """Where the step checks: a tool run in a mode that cannot fail.

    ``isort --diff`` shows, ``detect-secrets scan`` records, and
    ``gradle build -x test`` leaves the tests out.
    """
    bare = gatecmd.strip_wrappers(words)
    moded = check is None and not doomed(node)  # not on a path to `exit 1`
    if moded and gatecmd.shows_diff_only(words, walker.config_checks):
        diff_only(walker, node, words)
    if moded and gatecmd.rewrites_only(words):
        rewrite_only(walker, node, words)
    if moded and gatecmd.lists_only(words):
        lists_only(walker, node, words)
    if records_only.records(bare):
        recorded(walker, node, words, bare)
    if skipped_tests.excludes_tests(bare):
        tests_left_out(walker, node, words)


def recorded(walker: Walker, node: Node, words: list[str], bare: list[str]) -> None:
    """QG106 for ``detect-secrets scan`` whose baseline nothing reads."""
    files = (records_only.baseline(bare), *failure_sinks.report_files(node, words))
    if records_only.read_later(node, walker.source, files):
        return
    gate = Gate(node.start_point[0], short(node, walker.source), "detect-secrets")
    detail = (
        f"`{gate.text}` records the secrets it finds in a baseline and exits 0 "
        "whatever it finds, and nothing reads the baseline after it"
    )
    fix = (
        "fail on new secrets: `detect-secrets-hook --baseline "
        ".secrets.baseline $(git ls-files)`, or `git diff --exit-code` on the "
        "baseline after the scan"
    )
    because = (
        "`scan` is how a baseline is made too; the step's name is the only "
        "sign that a failing check was meant"
    )
    walker.hit("QG106", gate, detail, because=because, fix=fix)


def diff_only(walker: Walker, node: Node, words: list[str]) -> None:
    """QG106 for ``isort --diff .`` where the step or target checks."""
    key = gatecmd.gate_key(words)
    gate = Gate(node.start_point[0], short(node, walker.source), key)
    detail = f"`{gate.text}`: `--diff` without a check flag only shows the diff"
    walker.hit("QG106", gate, detail)


def rewrite_only(
    walker: Walker, node: Node, words: list[str], packaged: bool = False
) -> None:
    """QG106 for ``prettier --write`` in a step named for checking.

    The formatter rewrites what a check would flag and exits 0; unless
    the job commits the change or reads the tree after (``git diff
    --exit-code``), the check the step is named for cannot fail.
    """
    step = walker.context.split(" / ", 1)[0]
    if walker.rewrites_caught or not _CHECK_MEANT.search(step):
        return
    if _FIX_MEANT.search(step):
        return  # `make lint-fix`: named for fixing as much as for checking
    if packaged and not walker.package_rewrites(words):
        return
    gate = Gate(node.start_point[0], short(node, walker.source), "format")
    detail = (
        f"`{gate.text}` rewrites the files a check would flag and exits 0 "
        "whatever it changed, and nothing in the job reads the tree after it"
    )
    fix = (
        "run the formatter in its check mode (`prettier --check`, `black "
        "--check`), or fail on `git diff --exit-code` after it"
    )
    walker.hit("QG106", gate, detail, fix=fix)


def lists_only(walker: Walker, node: Node, words: list[str]) -> None:
    """QG106 for ``gofmt -l .`` in a step named for checking.

    It prints the files it would change and exits 0 whatever it
    prints; where nothing tests its output, the check cannot fail.
    """
    step = walker.context.split(" / ", 1)[0]
    if not _CHECK_MEANT.search(step):
        return
    if size_tested(node, walker.source, failure_sinks.report_files(node, words)):
        return
    gate = Gate(node.start_point[0], short(node, walker.source), "format")
    detail = (
        f"`{gate.text}` only prints what it would change and exits 0 "
        "whatever it prints, and nothing tests its output"
    )
    fix = 'fail on its output: `test -z "$(gofmt -l .)"`'
    walker.hit("QG106", gate, detail, fix=fix)


# `[ -s out ]`, `test -s "$OUT"`: the file the listing went to is not empty
_SIZE_TEST = r"(?:\[\[?|\btest)\s+(?:!\s+)?-s\s+[\"']?{file}[\"']?(?=[\s\]])"
# a failure the script reaches on its own: `exit 1`, `false`
_FAILS = re.compile(
    r"(?m)(?:^|[;&|{(]|\bthen|\belse|\bdo)\s*(?:exit\s+[1-9]\d*|false)\b"
)


def size_tested(node: Node, source: bytes, files: tuple[str, ...]) -> bool:
    """``gofmt -l . > out`` then ``if [ -s out ]; then ...; exit 1; fi``.

    The list goes to a file; a later test of its size, with a failure
    after it (``exit 1``, ``false``), fails the script on a non-empty list.
    """
    whole = node
    while whole.parent is not None and whole.parent.type == "redirected_statement":
        whole = whole.parent
    after = source[whole.end_byte :].decode(errors="replace")
    for name in files:
        found = re.search(_SIZE_TEST.format(file=re.escape(name)), after)
        if found and _FAILS.search(after[found.end() :]):
            return True
    return False


def tests_left_out(walker: Walker, node: Node, words: list[str]) -> None:
    """QG107 for ``./gradlew build -x test`` in a step named for testing."""
    step = walker.context.split(" / ", 1)[0]
    if not skipped_tests.lost_in(step, walker.source.decode(errors="replace")):
        return
    gate = Gate(node.start_point[0], short(node, walker.source), "test")
    detail = (
        f"`{gate.text}` leaves the test task out of the build, so the tests "
        "this step is named for never run"
    )
    fix = (
        "drop `-x test` (`-DskipTests`) so the tests run, or run the test "
        "task in a step of its own"
    )
    walker.hit("QG107", gate, detail, fix=fix)
