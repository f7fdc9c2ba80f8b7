"""Builtins that replace a command's exit status with their own, as bash does.

* ``export``, ``local``, ``readonly``, ``declare`` and ``typeset`` return
  their own status (0), not the status of a ``$(...)`` in the value they
  assign: ``export OUT=$(gate)`` loses the gate's failure even under
  errexit (``OUT=$(gate)`` alone keeps it);
* ``wait`` with no job id waits for every background job and returns 0:
  ``gate &`` ... ``wait`` loses the gate's failure (``wait $!`` keeps it);
* ``trap 'exit 0' EXIT`` (or ``ERR``) ends the script with success whatever
  failed before.
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity.shell import parse
from tree_sitter import Node

_DECLARES = frozenset(("export", "local", "readonly", "declare", "typeset"))
# what can reach a background job's status: `$!`, `jobs -p`, `fg`, `%1`
_JOB_STATUS = re.compile(r"\$!|\$\{!\}|\bjobs\b|\bfg\b|%[0-9+-]")
_FORCED = frozenset(("EXIT", "SIGEXIT", "0", "ERR"))
_EXIT_ZERO = re.compile(r"(^|[;\n])\s*exit\s+0\s*;?\s*$")


def declared(node: Node) -> list[tuple[str, str, Node]]:
    """``export OUT=$(gate)``: (builtin, name, ``$(...)``) of each masked value.

    Only a value that is the substitution alone (``$(gate)``, ``"$(gate)"``):
    its status is what the builtin masks.
    """
    if node.type != "declaration_command" or not node.children:
        return []
    builtin = parse.text(node.children[0])
    if builtin not in _DECLARES:
        return []
    found = []
    for item in node.named_children:
        name = item.child_by_field_name("name")
        value = item.child_by_field_name("value")
        if item.type != "variable_assignment" or name is None or value is None:
            continue
        if value.type == "string" and len(value.named_children) == 1:
            value = value.named_children[0]
        if value.type == "command_substitution":
            found.append((builtin, parse.text(name), value))
    return found


def lost_to_bare_wait(rest: list[Node]) -> Node | None:
    """Return the bare ``wait`` that loses a background job's status, if any.

    ``rest``: the statements after ``gate &``.  None when one of them may
    read the job's status (``wait $!``, ``wait -n``, ``jobs``, ``fg``) or
    none waits.
    """
    waits: list[Node] = []
    for node in rest:
        if _JOB_STATUS.search(parse.text(node)):
            return None
        for command in parse.descendants(node, "command"):
            words = parse.words(command)
            if words[:1] == ["wait"]:
                if len(words) > 1:
                    return None
                waits.append(command)
    return waits[0] if waits else None


def forces_success(words: list[str]) -> bool:
    """``trap 'exit 0' EXIT``: the script ends with 0 whatever failed."""
    if len(words) < 3 or words[0] != "trap":
        return False
    ends = _EXIT_ZERO.search(words[1]) is not None
    signals = {word.upper() for word in words[2:]}
    return ends and bool(signals & _FORCED)


def resets_forced(words: list[str]) -> bool:
    """``trap - EXIT`` or ``trap 'cleanup' EXIT``: a later trap replaces ``exit 0``."""
    signals = {word.upper() for word in words[2:]}
    return len(words) >= 3 and bool(signals & _FORCED)
