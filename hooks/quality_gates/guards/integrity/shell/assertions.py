"""A negated quiet test written as a statement: an assertion and nothing else.

``! grep -qE '^use Framework' Module.php`` prints nothing (``-q``) and
changes nothing: its exit status is all it yields, so as a statement of its
own it can only be an assertion ("the file must not import the framework").
So is ``! test -f legacy.cfg`` (``[ ... ]``).  bash's errexit never stops on a
negated command, so such an assertion is seen only when it is the script's
last command or something reads its status; in the middle of a script its
failure is lost, like ``! pytest``'s.  Without the ``!`` errexit does stop
on it, and a grep that prints its matches may be a report, not a check:
both are left alone.
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity.shell import parse
from quality_gates.guards.integrity.shell.records import Gate
from tree_sitter import Node

_GREPS = frozenset(("grep", "egrep", "fgrep", "rg"))
_TESTS = frozenset(("test", "["))
_QUIET = re.compile(r"-[a-zA-Z]*q[a-zA-Z]*")


def negated_assertion(parts: list[Node], source: bytes) -> Gate | None:
    """Return the assertion a negated one-command pipeline makes, if it is one.

    ``parts`` are the pipeline's commands after the ``!``: one quiet grep
    (``-q``, ``--quiet``, ``--silent``) or one ``test``/``[``.
    """
    if len(parts) != 1 or parts[0].type != "command":
        return None
    words = parse.words(parts[0])
    if not words:
        return None
    if words[0] in _TESTS:
        key = "test"
    elif words[0] in _GREPS and any(_quiet(w) for w in words[1:]):
        key = "grep"
    else:
        return None
    node = parts[0]
    return Gate(node.start_point[0], parse.short(node, source), key)


def _quiet(word: str) -> bool:
    return word in ("--quiet", "--silent") or bool(_QUIET.fullmatch(word))
