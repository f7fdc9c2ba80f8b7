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
