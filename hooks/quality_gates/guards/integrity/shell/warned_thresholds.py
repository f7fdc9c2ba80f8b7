"""A coverage threshold compared by hand whose below-threshold branch only warns.

``if (( $(echo "$COVERAGE < $THRESHOLD" | bc -l) )); then echo "::warning::
below"; exit 0; fi`` compares a measured coverage with a threshold (by
``bc``, ``awk``, ``python -c``, ``(( ))`` or ``[ -lt ]``) and then only
prints: ``echo`` and ``exit 0`` succeed, so no coverage can fail the step and
the threshold check is lost.  It is a check written by hand only when the
comparison is one: one side is named for coverage (``$COVERAGE``,
``$cov_pct``) and the other is a number or named as a limit (``$THRESHOLD``,
``$MIN_COVERAGE``); a value read again elsewhere (a hard floor beside a soft
target) may fail there, and the ``if`` is left alone.
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity.shell import parse
from quality_gates.guards.integrity.shell.compound import if_clauses
from quality_gates.guards.integrity.shell.records import Gate
from tree_sitter import Node

_OPERAND = r"""[\w$.{}'"()%#:*-]+"""
_COMPARISON = re.compile(rf"({_OPERAND})\s*(<=?|>=?|-lt|-le|-gt|-ge)\s*({_OPERAND})")
_VARIABLE = re.compile(r"\$\{?([A-Za-z_]\w*)|^[\"'(]*([A-Za-z_]\w*)")
_NUMBER = re.compile(r"""^["'(]*\d+(?:\.\d+)?["')]*$""")
_COVERAGE = re.compile(r"(?i)cov")
_LIMIT = re.compile(
    r"(?i)thresh|min|floor|limit|requir|target|expect|fail_?under|goal|baseline"
)
# `awk -v c="$COVERAGE" -v t=80 'BEGIN { exit !(c < t) }'`: what awk's names hold
_AWK_VALUE = re.compile(r"""-v\s+([A-Za-z_]\w*)=("[^"]*"|'[^']*'|\S+)""")
# what a branch may do and still not fail: print, or end with success
_QUIET = frozenset(("echo", "printf", "exit", ":", "true"))
_STDOUT = re.compile(r"^&?[12]$|GITHUB_STEP_SUMMARY|^/dev/std(out|err)$")
_WARNS = re.compile(r"(?i)::(warning|error|notice)|below|threshold|not met|too low")


def warned_threshold(node: Node, source: bytes) -> tuple[Gate, bool] | None:
    """Return the threshold an ``if`` compares without failing, and how sure.

    ``node``: an ``if_statement``.  The bool: whether the warning says so
    (``::warning::``, "below threshold") beside coverage and limit names;
    without it the comparison is a threshold only plausibly.
    """
    clauses = if_clauses(node)
    conditions = [c for condition, _ in clauses for c in condition]
    bodies = [n for _, body in clauses for n in body]
    if not conditions or not all(_quiet(body) for body in bodies):
        return None
    said = any(_WARNS.search(parse.text(body)) for body in bodies)
    held = _held(node)
    if held == "command_substitution" or (held and not said):
        return None  # `COLOR=$(if ...; then echo green; fi)`: a value chosen
    if not said and len([c for c, _ in clauses if c]) > 1:
        return None  # `-ge 90` then `-ge 70`: a grade printed, not a limit
    for condition in conditions:
        names = _compared(parse.text(condition))
        if names is None or _read_elsewhere(names[0], node, source):
            continue
        text = parse.short(condition, source)
        return Gate(condition.start_point[0], text, "coverage threshold"), said
    return None


def _held(node: Node) -> str:
    """Return what holds an ``if`` whose output may be a value ('' for none).

    Inside ``$(...)`` what it prints is captured; inside a function it may
    be (``color=$(grade)``), unless what it prints is a warning.
    """
    parent = node.parent
    while parent is not None:
        if parent.type in ("command_substitution", "function_definition"):
            return parent.type
        parent = parent.parent
    return ""


def _compared(condition: str) -> tuple[str, str] | None:
    """Return (coverage, limit) a condition compares, if it compares them."""
    held = {name: value.strip("\"'") for name, value in _AWK_VALUE.findall(condition)}
    for left, _, right in _COMPARISON.findall(condition):
        sides = [_side(left, held), _side(right, held)]
        for coverage, limit in (sides, sides[::-1]):
            if coverage and _COVERAGE.search(coverage) and _is_limit(limit):
                return coverage, limit
    return None


def _side(operand: str, held: dict[str, str]) -> str:
    """Name what an operand reads: its variable, a number, or ''."""
    operand = held.get(operand.strip("\"'()"), operand)
    if _NUMBER.match(operand):
        return operand.strip("\"'()")
    match = _VARIABLE.search(operand)
    return (match.group(1) or match.group(2)) if match else ""


def _is_limit(side: str) -> bool:
    return bool(side) and (bool(_NUMBER.match(side)) or bool(_LIMIT.search(side)))


def _quiet(statement: Node) -> bool:
    """Tell a statement that only prints or ends with success."""
    if parse.descendants(statement, "variable_assignment"):
        return False  # `COLOR=red`: a badge's colour, not a warning
    for redirect in parse.descendants(statement, "file_redirect"):
        target = redirect.child_by_field_name("destination")
        if target is None or not _STDOUT.search(parse.text(target)):
            return False
    for command in parse.descendants(statement, "command"):
        words = parse.words(command)
        if not words or words[0] not in _QUIET:
            return False
        if words[0] == "exit" and words[1:] not in ([], ["0"]):
            return False
    return statement.type in ("command", "redirected_statement", "comment")


def _read_elsewhere(name: str, node: Node, source: bytes) -> bool:
    """Tell whether the coverage is read outside the ``if`` but to print or set it."""
    word = re.compile(rf"(?<![\w-]){re.escape(name)}\b")
    before = source[: node.start_byte].decode(errors="replace")
    after = source[node.end_byte :].decode(errors="replace")
    for line in (before + "\n" + after).splitlines():
        if not word.search(line) or re.match(rf"\s*(export\s+)?{name}=", line):
            continue
        if not re.match(r"^\s*(echo|printf)\b[^|>;&]*$", line):
            return True
    return False
