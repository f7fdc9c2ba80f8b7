"""``Makefile`` recipes: gates whose failure make never sees.

make runs each recipe line with ``$(SHELL) $(.SHELLFLAGS)`` (``/bin/sh -c``:
no errexit, no pipefail, so in ``flake8 .; pytest`` only pytest decides and
in ``pytest | tee log`` only tee) and stops when the line fails, unless the
line starts with ``-`` (make ignores its status).  The target's name is the
recipe's context (``lint:``, ``test-readme:``).  ``-e`` or ``-o errexit`` in
``SHELL`` or ``.SHELLFLAGS`` (or ``.POSIX:``, whose default flags are
``-ec``) turns errexit on, ``-o pipefail`` pipefail.  With ``.ONESHELL:`` a
recipe is one script: its status is its last command's unless errexit is on,
make strips the ``@-+`` of every line but the first (for a POSIX shell), and
a ``-`` on the first line ignores the whole recipe's status.
"""

from __future__ import annotations

import dataclasses
import re
import shlex

from quality_gates.findings import Finding
from quality_gates.guards.integrity import catalogue as cat
from quality_gates.guards.integrity import (
    cmdwords,
    consumers,
    gatecmd,
    makevars,
    place,
    reportruns,
    scannerthresholds,
    stepnames,
)
from quality_gates.guards.integrity.rules import finding
from quality_gates.guards.integrity.shell import script_audit
from quality_gates.guards.integrity.shell.records import Shell

PATH = "Makefile"
_RULE = re.compile(r"^([^\s:=#][^:=#]*?)\s*::?(?!=)")
_PREFIX = re.compile(r"^[@+\-\s]*")
# Lines that do not end a rule's recipe: make's conditional directives, which
# make reads and keeps from the shell (``ifndef FILE`` ... ``endif`` around a
# recipe line), and lines of just a comment, which make ignores among recipe
# lines (GNU make manual, 5.1 Recipe Syntax and 7 Conditionals).
_IN_RECIPE = re.compile(r"^ *(#|(ifn?def|ifn?eq|else|endif)(\s|$))")


@dataclasses.dataclass
class Recipe:
    """One logical recipe line: its 1-based line, target, prefix and command."""

    line: int
    target: str
    prefix: str
    command: str


def _logical(lines: list[str]) -> list[tuple[int, str, str]]:
    """``(line, target, text)`` of each recipe line, continuations joined."""
    found: list[tuple[int, str, str]] = []
    target = ""
    index = 0
    while index < len(lines):
        raw = lines[index]
        start = index
        if raw.startswith("\t") and target:
            text = raw[1:]
            while text.endswith("\\") and index + 1 < len(lines):
                index += 1  # the shell reads `\<newline>` as a continuation
                text = text + "\n" + lines[index].lstrip("\t")
            found.append((start + 1, target, text))
        elif not _IN_RECIPE.match(raw):
            match = _RULE.match(raw)
            # blank lines and lines of just a comment may sit among the recipe
            # lines; make ignores them, and the recipe goes on (GNU make 5.1)
            between = not raw.strip() or raw.lstrip().startswith("#")
            target = match.group(1).strip() if match else (target if between else "")
        index += 1
    return found


def recipes(text: str) -> list[Recipe]:
    """Every recipe line, its own variables expanded and make's ``$$`` made ``$``."""
    out = []
    known = makevars.variables(text)
    for line, target, body in _logical(text.splitlines()):
        prefix = _PREFIX.match(body)
        cut = prefix.end() if prefix else 0
        command = makevars.expand(body[cut:], known).replace("$$", "$")
        out.append(Recipe(line, target, body[:cut].replace(" ", ""), command))
    return out


def _variable(text: str, name: str) -> str | None:
    """Return the last value given to a make variable (``SHELL := /bin/bash``)."""
    pattern = rf"^(?:override\s+|export\s+)*{re.escape(name)}\s*[:?+!]*=[ \t]*(.*)$"
    found = re.findall(pattern, text, re.M)
    return found[-1].split("#", 1)[0].strip() if found else None


def _special(text: str, name: str) -> bool:
    """Tell whether a special target (``.ONESHELL:``) is declared."""
    return re.search(rf"^{re.escape(name)}\s*:", text, re.M) is not None


def _options(words: list[str]) -> tuple[bool, bool]:
    """``(errexit, pipefail)`` set by shell options (``-eu -o pipefail -c``)."""
    errexit = pipefail = False
    for index, word in enumerate(words):
        named = words[index + 1] if index + 1 < len(words) else ""
        if re.fullmatch(r"-[a-zA-Z]+", word):
            errexit = errexit or "e" in word
            if word.endswith("o"):
                errexit = errexit or named == "errexit"
                pipefail = pipefail or named == "pipefail"
    return errexit, pipefail


_NOT_POSIX = re.compile(r"^(python|pypy|perl|node|ruby|pwsh|powershell|cmd)")


def _shell(text: str) -> Shell | None:
    """How make runs a recipe line or script (None: not a POSIX shell)."""
    program = (_variable(text, "SHELL") or "/bin/sh").split()
    flags = _variable(text, ".SHELLFLAGS")
    if flags is None:
        flags = "-ec" if _special(text, ".POSIX") else "-c"
    words = [w for w in program[1:] if w.startswith("-") or w in _OPTION_NAMES]
    head = program[0].rsplit("/", 1)[-1] if program else "sh"
    if head == "env" and len(program) > 1:
        head = program[1].rsplit("/", 1)[-1]
    if _NOT_POSIX.match(head):
        return None
    errexit, pipefail = _options(words + flags.split())
    return Shell(errexit, pipefail, f"{head} {flags}", kind="make")


_OPTION_NAMES = frozenset(("errexit", "pipefail", "nounset"))


def _ignored(
    recipe: Recipe, checking: frozenset[str] = frozenset()
) -> list[tuple[str, str, str]]:
    """Report a ``-`` line that runs a gate: make goes on whatever it returns.

    ``checking``: the scanners whose config file sets their threshold.
    """
    if "-" not in recipe.prefix:
        return []
    context = stepnames.target_context(recipe.target)
    words = recipe.command.split()
    check = gatecmd.judge(words, context)
    if scannerthresholds.configured(words, {}, checking):
        check = gatecmd.Check("named", gatecmd.gate_key(words))
    if check is None:
        return []
    why = (
        ""
        if check.strength == "named"
        else (
            f"`{check.key}` counts as a check only because its target is "
            f"`{recipe.target}`"
        )
    )
    command = recipe.command.strip()[:60]
    detail = f"target `{recipe.target}`: `-{command}`: make ignores its exit code"
    return [("QG101", detail, why)]


def _fail_off(recipe: Recipe) -> list[Finding]:
    """QG106 for ``--soft-fail``, ``--exit-code 0`` and the like in a recipe."""
    off = script_audit.fail_off_flag(recipe.command)
    if off is None:
        return []
    detail = f"target `{recipe.target}`: `{off[1]}`"
    return [finding("QG106", PATH, recipe.line + off[0], detail)]


def _rerun_later(recipe: Recipe, every: list[Recipe], snippet: str) -> bool:
    """Tell whether a later line of the target runs exactly ``snippet`` alone."""
    wanted = " ".join(snippet.split())
    return any(
        other.target == recipe.target
        and other.line > recipe.line
        and " ".join(other.command.split()) == wanted
        for other in every
    )


# where one command of a recipe line starts (after `;`, `&&`, `|`, `$(`...)
_COMMAND_BREAK = re.compile(r"[;&|()`]|\$\$?\(")


def _checking_twin(recipe: Recipe, every: list[Recipe], snippet: str) -> bool:
    """Tell whether ``snippet`` rewrites with a formatter another target checks with.

    ``lint: gofmt -w .`` beside ``lint-check: test -z "$$(gofmt -l .)"``:
    the Makefile has the formatter's check run too, so the rewriting target
    is its fixer (run by hand to make the check pass), not a lost check.
    """
    words = _words(snippet)
    if not gatecmd.rewrites_only(words):
        return False
    tool = cmdwords.head(gatecmd.strip_wrappers(words)[0])
    for other in every:
        if other.target == recipe.target:
            continue
        for part in _COMMAND_BREAK.split(other.command):
            bare = gatecmd.strip_wrappers(_words(part))
            if bare and cmdwords.head(bare[0]) == tool:
                if not gatecmd.rewrites_only(bare):
                    return True
    return False


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


# ``make lint test``, ``gmake -C docs html``, ``$(MAKE) check`` in a CI file or
# a recipe: the targets it asks for.
_MAKE_CALL = re.compile(
    r"(?:^|[\s;&|(`])(?:g?make|\$[({]MAKE[)}])"
    r"((?:[ \t]+(?:-[CfIjlo]\s*\S+|-[-\w=]+|[\w./=$(){}-]+))*)"
)
_TARGET = re.compile(r"^[A-Za-z0-9_][\w./-]*$")


def targets_called(texts: list[str]) -> set[str]:
    """Return the targets a ``make`` call in ``texts`` asks for.

    ``''`` stands for the default goal, ``*`` for a goal computed at run time
    (``make ${{ matrix.goal }}``).
    """
    found: set[str] = set()
    for text in texts:
        for match in _MAKE_CALL.finditer(text):
            words = match.group(1).split()
            if any(w.startswith(("-C", "--directory")) for w in words):
                continue  # another folder's Makefile
            named = [
                w
                for i, w in enumerate(words)
                if _TARGET.match(w)
                and not (i and words[i - 1] in _VALUE_FLAGS)
                and "=" not in w
            ]
            computed = any("$" in w for w in words)  # `make ${{ matrix.goal }}`
            found.update(named or [""])
            found.update(["*"] if computed else [])
    return found


_VALUE_FLAGS = frozenset("-C -f -I -j -l -o".split())


def reached(text: str, called: set[str]) -> set[str]:
    """Return the targets ``called`` runs, with their prerequisites and sub-makes."""
    needs: dict[str, set[str]] = {}
    first = ""
    for raw in text.splitlines():
        match = _RULE.match(raw)
        if match and not raw.startswith("\t") and not match.group(1).startswith("."):
            rest = raw[match.end() :].split("#", 1)[0].split(";", 1)[0]
            for name in match.group(1).split():
                first = first or name
                needs.setdefault(name, set()).update(rest.split())
    for recipe in recipes(text):
        needs.setdefault(recipe.target, set()).update(targets_called([recipe.command]))
    if "*" in called:
        return set(needs)  # a target computed at run time may be any of them
    todo = [first if name == "" else name for name in called]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += [first if n == "" else n for n in needs.get(name, ())]
    return seen


# A target named for CI or for the pre-commit run is a gate by its name, even
# when the CI that runs it is not GitHub's (``make ci`` on another service).
_GATE_TARGET = re.compile(r"(?i)(^|[-_.])(ci|pre-?commit|precommit)($|[-_.])")


def _names_checker(target: str) -> bool:
    """``mypy:``, ``pyright:``, ``mypy-nocache:``: a target named for a checker."""
    whole = target.lower()
    parts = [whole, *re.split(r"[-_.]", whole)]
    return any(part in cat.CHECKER_NAMES for part in parts)


def _unreached(target: str, runs: set[str] | None) -> str:
    """Say why a target's findings are plausible only: CI never runs it."""
    if runs is None or stepnames.target_context(target):
        return ""
    if _GATE_TARGET.search(target) or _names_checker(target):
        return ""
    return (
        f"no workflow or tox env runs `make {target}` (nor a target that needs "
        "it), and its name does not say it checks: a developer task, not a gate"
    )


def audit(
    text: str, runs: set[str] | None = None, checking: frozenset[str] = frozenset()
) -> list[Finding]:
    """Every neutralised gate in a Makefile's recipes.

    ``runs``: the targets CI runs (with what they need), when CI was read;
    ``checking``: formatters the project's configuration makes check.
    """
    runs_with = _shell(text)
    if runs_with is None:
        return []  # `SHELL := python3`: recipes are not shell scripts
    every = recipes(text)
    if _special(text, ".ONESHELL"):
        return [
            f
            for r in _scripts(every)
            for f in _audit_script(r, runs_with, runs, checking)
        ]
    audits = _audits(every, runs_with, checking)
    found: list[Finding] = []
    for recipe, audited in zip(every, audits):
        unreached = _why_unreached(recipe.target, runs)
        for rule, detail, why in _ignored(recipe, checking):
            found.append(finding(rule, PATH, recipe.line, detail, why or unreached))
        found += _fail_off(recipe)
        for hit in audited.hits:
            if _report_twin(recipe, hit, every, audits):
                continue  # `lint-report: flake8 | wc -l` beside `lint: flake8`
            if _rerun_later(recipe, every, hit.snippet):
                continue  # a fix run, the same line again gates
            if _checking_twin(recipe, every, hit.snippet):
                continue  # `lint: gofmt -w .` beside `lint-check: gofmt -l`
            if consumers.checked_in_script(
                recipe.command, hit.line, hit.sinks, hit.certain
            ):
                continue  # `gen > "$$tmp"; diff -u OUT "$$tmp" || exit 1`
            found.append(_from_hit(hit, recipe, recipe.line + hit.line, unreached))
    return found


def _audits(
    every: list[Recipe], runs_with: Shell, checking: frozenset[str]
) -> list[script_audit.ScriptAudit]:
    """Audit each recipe line as the script make runs, read by its target's name."""
    return [
        script_audit.audit_script(
            recipe.command,
            runs_with=runs_with,
            context=stepnames.target_context(recipe.target),
            config_checks=checking,
        )
        for recipe in every
    ]


def _report_twin(
    recipe: Recipe,
    hit: script_audit.Hit,
    every: list[Recipe],
    audits: list[script_audit.ScriptAudit],
) -> bool:
    """Tell a report target's checker run whose failure another target keeps.

    ``lint-report: flake8 . | wc -l`` beside ``lint: flake8 .``: a target
    named for reporting runs the checker for its report, while the check
    itself fails where the Makefile runs it strictly.
    """
    if not place.demotion("", recipe.target):
        return False
    observed = set().union(
        *(a.observed for r, a in zip(every, audits) if r.target != recipe.target)
    )
    return reportruns.report_with_twin(hit, observed, reporting=True)


def _why_unreached(target: str, runs: set[str] | None) -> str:
    return "" if runs is None or target in runs else _unreached(target, runs)


def _from_hit(hit: script_audit.Hit, recipe: Recipe, line: int, why: str) -> Finding:
    """Make a finding of one hit of a recipe (``line``: continuation lines are kept)."""
    detail = f"target `{recipe.target}`: {hit.detail}"
    why = (hit.why if not hit.certain else "") or why
    return finding(hit.rule, PATH, line, detail, why, hit.fix)


@dataclasses.dataclass
class Script:
    """A ``.ONESHELL`` recipe: its recipe lines, the script, each line's place."""

    parts: list[Recipe]
    text: str
    lines: list[int]  # the Makefile line of each script line

    @property
    def first(self) -> Recipe:
        """The first recipe line: its prefix applies to the whole script."""
        return self.parts[0]


def _scripts(every: list[Recipe]) -> list[Script]:
    """Join each target's recipe lines into the one script make runs."""
    found: list[Script] = []
    for recipe in every:
        lines = [recipe.line + k for k in range(recipe.command.count("\n") + 1)]
        last = found[-1] if found else None
        if last and last.first.target == recipe.target and lines[0] > last.lines[-1]:
            last.parts.append(recipe)
            last.text += "\n" + recipe.command
            last.lines += lines
        else:
            found.append(Script([recipe], recipe.command, lines))
    return found


def _audit_script(
    script: Script,
    runs_with: Shell,
    runs: set[str] | None,
    checking: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Audit a ``.ONESHELL`` recipe as one script; a first-line ``-`` ignores it."""
    target = script.first.target
    unreached = _why_unreached(target, runs)
    context = stepnames.target_context(target)
    audited = script_audit.audit_script(
        script.text, runs_with=runs_with, context=context, config_checks=checking
    )
    found = [
        _from_hit(hit, script.first, script.lines[hit.line], unreached)
        for hit in audited.hits
        if hit.line < len(script.lines)
        and not consumers.checked_in_script(
            script.text, hit.line, hit.sinks, hit.certain
        )
    ]
    found += [f for part in script.parts for f in _fail_off(part)]
    if "-" not in script.first.prefix:
        return found
    for gate in audited.last:
        why = (
            ""
            if gate.strength == "named"
            else (
                f"`{gate.key}` counts as a check only because its target is `{target}`"
            )
        )
        detail = (
            f"target `{target}`: `{gate.text}` ends a `.ONESHELL` recipe whose "
            "first line starts with `-`: make ignores the recipe's exit code"
        )
        line = script.lines[min(gate.line, len(script.lines) - 1)]
        found.append(finding("QG101", PATH, line, detail, why or unreached))
    return found
