"""A check run again to show its findings, after its status was read.

``set +e; out=$(npm audit --audit-level=high --json); rc=$?`` judges the
audit by ``$rc``; a later ``npm audit --audit-level=high || true`` in the
branch that waives what ``$rc`` said runs the same audit only to print it in
its usual format.  Its thrown-away status repeats one already read: whether
the waiver is right is a question about the branch, not a lost check, so the
finding is a note.  "The same" is the same words but the options that choose
an output format (``--json``, ``--format X``, ``-o FILE``).
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity.shell import parse
from tree_sitter import Node

# options that choose how findings are written, not which are checked
_FORMAT_FLAGS = frozenset(("--json", "--format", "--output-format", "--reporter"))
_FORMAT_VALUED = frozenset(
    ("--format", "--output-format", "--reporter", "--output", "-o")
)
_ASSIGNED = re.compile(r"^[A-Za-z_]\w*=\$\((.*)\)$")

WHY = (
    "the same command ran earlier in the script and its status was read; this "
    "run may only show its findings again"
)


def run_of(command: str) -> str:
    """``out=$(tool --json -o r.json x)`` -> ``tool x``: the check, any format."""
    assigned = _ASSIGNED.match(command.strip())
    words = (assigned.group(1) if assigned else command).split()
    kept: list[str] = []
    skip = False
    for word in words:
        name = word.split("=", 1)[0]
        if skip:
            skip = False
        elif name in _FORMAT_FLAGS or name in _FORMAT_VALUED:
            skip = "=" not in word and word in _FORMAT_VALUED
        else:
            kept.append(word)
    return " ".join(kept)


def run_again(check: str, rest: list[Node]) -> bool:
    """Tell a check whose lost status a later run of the same check repeats.

    Without ``-e``, ``flutter test --reporter json > r.json`` then ``flutter
    test`` as a later statement of the same list: the second run checks the
    same code again, and its status is judged where it stands (kept as the
    list's status, or reported there if that is lost too).  "The same" is
    the same words but the options that choose an output format.
    """
    again = run_of(check)
    for node in rest:
        if node.type == "redirected_statement":
            node = node.child_by_field_name("body") or node
        if node.type == "command" and run_of(parse.text(node)) == again:
            return True
    return False
