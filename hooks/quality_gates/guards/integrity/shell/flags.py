"""Failure flags a script sets on a finding and never fails on.

``FAIL=0`` ... ``if [ -n "$MATCHES" ]; then FAIL=1; fi`` ... and no ``exit
$FAIL``: the script was written to fail on what it found, and forgot to.
So is the inverted flag, ``PASSED=true`` ... ``PASSED=false`` on a
finding.  A flag set by a fallback (``pytest || FAILED=1``) is judged with
its gate; this is the flag a branch sets, whose condition is the check.
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity.shell import failure_sinks, parse
from quality_gates.guards.integrity.shell.parse import text
from tree_sitter import Node

# `FAIL`, `FAILED`, `failures`, `ERRORS`, `HAS_ERRORS`, `lint_failed`
_FLAG = re.compile(r"(?i)^(?:\w+_)?(?:fail(?:ed|ures?)?|errors?)$")
# a value that says "failed": 1, true, or a count raised by one
_RAISED = re.compile(r"^(?:1|true|yes|\$\(\(\s*\$?\w+\s*\+\s*1\s*\)\))$")
_CLEARED = re.compile(r"^(?:0|false|no|)$")
# the inverted flag: `PASSED`, `SUCCESS`, `all_ok`, `GATE_PASSING`, set
# true first and false on a finding
_PASS_FLAG = re.compile(r"(?i)^(?:\w+_)?(?:pass(?:ed|es|ing)?|success(?:ful)?|ok)$")
_TRUE = re.compile(r"^(?:1|true|yes)$")
_FALSE = re.compile(r"^(?:0|false|no)$")
_ENDS_IN_BRANCH = ("if_statement", "elif_clause", "else_clause")


def unread_flags(root: Node, source: bytes) -> list[tuple[Node, str, tuple[str, ...]]]:
    """Return each ``FLAG=1`` set in an ``if`` branch that nothing fails on.

    The flag must be cleared first (``FAIL=0``, or ``PASSED=true`` for the
    inverted one): a name set only once may be a setting, not a tally.  A
    flag written to a step output or the environment file as ``key=$FLAG``
    is returned with those sinks, for a later step to consume; one passed
    on otherwise (``if [ "$FAIL" = 1 ]; then echo status=failure >>
    "$GITHUB_OUTPUT"``) is left to it.
    """
    found: list[tuple[Node, str, tuple[str, ...]]] = []
    assignments = parse.descendants(root, "variable_assignment")
    for node in assignments:
        name = _name(node)
        if not _raised(node, name, assignments) or not _in_branch(node):
            continue
        after = source[node.end_byte :].decode(errors="replace")
        sinks = failure_sinks.carried(name, after)
        if failure_sinks.read_later(name, after):
            continue
        if not sinks and _passed_on(name, after):
            continue
        if any(seen == name for _, seen, _ in found):
            continue
        found.append((node, name, sinks))
    return found


def _raised(node: Node, name: str, assignments: list[Node]) -> bool:
    """Tell ``FAIL=1`` after ``FAIL=0``, or ``PASSED=false`` after ``PASSED=true``."""
    values = [_value(a) for a in assignments if _name(a) == name]
    if _FLAG.match(name):
        cleared = any(_CLEARED.match(v) for v in values)
        return cleared and bool(_RAISED.match(_value(node)))
    if _PASS_FLAG.match(name):
        cleared = any(_TRUE.match(v) for v in values)
        return cleared and bool(_FALSE.match(_value(node)))
    return False


def _name(node: Node) -> str:
    name = node.child_by_field_name("name")
    return text(name) if name is not None else ""


def _value(node: Node) -> str:
    value = node.child_by_field_name("value")
    return parse.unquote(text(value)) if value is not None else ""


def _in_branch(node: Node) -> bool:
    """Tell an assignment standing as a statement of an ``if`` branch."""
    parent = node.parent
    return parent is not None and parent.type in _ENDS_IN_BRANCH


def _passed_on(name: str, after: str) -> bool:
    """Tell a flag read before something is written for later steps.

    ``if [ "$FAILED" = true ]; then echo status=failure >> $GITHUB_OUTPUT``
    passes the verdict on, as ``echo "failed=$FAILED" >> $GITHUB_ENV`` does.
    """
    read = re.search(rf"\$\{{?{re.escape(name)}\b", after)
    return read is not None and bool(
        re.search(r"GITHUB_(OUTPUT|ENV)\b|\bexport\b", after[read.start() :])
    )
