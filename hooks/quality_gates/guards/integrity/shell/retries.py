"""Retries: ``if gate; then exit 0; fi`` whose way on ends in ``exit 1``.

``for i in 1 2; do if cargo test; then exit 0; fi; echo retry; done; exit 1``
leaves the script at once when the gate passes; when it fails, bash goes on
after the ``if``: to the next attempt, and after the last one to ``exit 1``.
A gate that fails every attempt fails the step: the ``if`` without ``else``
hides nothing.  Only statements the failure surely reaches count: the ones
after the ``if`` in its own list and, leaving a loop or a ``{ }`` group, in
the lists around them; a nested compound on the way may go either way and is
passed over, and a function or subshell body ends the search (``exit`` there
leaves only the subshell, ``return`` only the function).
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity.shell import parse
from tree_sitter import Node

# Where the statements after a node run on in the enclosing list.
_THROUGH = frozenset("""do_group compound_statement if_statement elif_clause else_clause
    for_statement c_style_for_statement while_statement case_item case_statement
    redirected_statement""".split())
_ZERO = re.compile(r"0+")


def leaves_on_success(body: list[Node]) -> bool:
    """Tell a ``then`` branch that ends the script: ``exit 0`` or a bare ``exit``.

    After the condition passed, a bare ``exit`` keeps its status, 0.
    """
    if not body or body[-1].type != "command":
        return False
    words = parse.words(body[-1])
    return words[:1] == ["exit"] and (
        len(words) == 1 or bool(_ZERO.fullmatch(words[1]))
    )


def fails_after(statement: Node) -> bool:
    """Tell whether the way on after ``statement`` ends in a failure first.

    The first plain ``exit N`` (N not 0) or ``false`` met decides yes; a plain
    ``exit 0`` or bare ``exit`` met first, or the end of the script, no.
    """
    node: Node | None = statement
    while node is not None and node.type != "program":
        parent = node.parent
        if parent is None or (parent.type not in _THROUGH and parent.type != "program"):
            return False
        verdict = _first_end(_after(parent, node))
        if verdict is not None:
            return verdict
        node = parent
    return False


def _after(parent: Node, node: Node) -> list[Node]:
    """Return the named statements that follow ``node`` among its siblings."""
    siblings = [c for c in parent.named_children if c.type != "comment"]
    return siblings[siblings.index(node) + 1 :] if node in siblings else []


def _first_end(nodes: list[Node]) -> bool | None:
    """Judge the first plain statement that ends the script (None: none)."""
    for node in nodes:
        if node.type != "command":
            continue
        words = parse.words(node)
        if words[:1] == ["false"]:
            return True
        if words[:1] == ["exit"]:
            return len(words) > 1 and not _ZERO.fullmatch(words[1])
    return None
