"""Whether the script fails after a statement whatever that statement returns.

``dump() { jcmd "$pid" Thread.print || true; sample "$pid" 5 || true; exit 1; }``
and ``if [ "$n" -ge 720 ]; then jcmd -l || true; ...; exit 1; fi``: the
commands before the ``exit 1`` collect diagnostics on a path that ends the
script with a failure.  Their own status cannot make the step pass, so a
fallback or a pipe that drops it loses nothing.

The path is read from the parse tree, outwards: the statements after the
node in its block, then those after the block in the block around it, until
one of them is ``exit N`` (N a non-zero number).  It gives up (not doomed)
at a statement that may leave the path another way (any ``exit``,
``return``, ``break``, ``continue`` or ``exec``), at a subshell, a command
substitution or a pipeline (their ``exit`` ends only themselves), at a
function's body (the caller goes on), and at a condition or an alternative
branch (what runs after it is not certain).
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity.shell import parse
from tree_sitter import Node

# blocks whose statements run one after the other
_SEQUENTIAL = frozenset(("program", "compound_statement", "do_group", "case_item"))
# blocks whose statements after ``then`` run one after the other
_BRANCHES = frozenset(("if_statement", "elif_clause", "else_clause"))
# an ``exit`` below these ends only them; a function's caller goes on
_OWN_STATUS = frozenset(
    (
        "subshell",
        "command_substitution",
        "process_substitution",
        "pipeline",
        "function_definition",
    )
)
_LOOPS = frozenset(
    ("while_statement", "until_statement", "for_statement", "c_style_for_statement")
)
_LEAVES = frozenset(("exit", "return", "break", "continue", "exec"))
_FAILING = re.compile(r"[1-9][0-9]*")


def _words(node: Node) -> list[str]:
    return parse.words(node) if node.type == "command" else []


def _fails(node: Node) -> bool:
    """``exit 1`` (the statement itself, not a branch of it)."""
    words = _words(node)
    return len(words) == 2 and words[0] == "exit" and bool(_FAILING.fullmatch(words[1]))


def _leaves(node: Node) -> bool:
    """Tell whether the statement may leave the path (``exit 0``, ``return``...)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("command_substitution", "process_substitution"):
            continue
        if _words(current)[:1] and _words(current)[0] in _LEAVES:
            return True  # even `exit 1` in a branch: the path is not certain
        stack.extend(current.named_children)
    return False


def _following(block: Node, child: Node) -> list[Node] | None:
    """Return the statements run after ``child`` in ``block`` (None: not certain)."""
    siblings = list(block.children)
    index = next(i for i, node in enumerate(siblings) if node.id == child.id)
    if block.type in ("if_statement", "elif_clause"):
        if not any(node.type == "then" for node in siblings[:index]):
            return None  # a condition: the branch it selects is not certain
    after = []
    for node in siblings[index + 1 :]:
        if node.type in ("elif_clause", "else_clause"):
            break  # alternatives, not what follows
        if node.is_named and node.type != "comment":
            after.append(node)
    return after


def _ends_failing(statements: list[Node]) -> bool | None:
    """Say whether ``exit N`` comes first (True), a leave (False), or neither (None)."""
    for node in statements:
        if _fails(node):
            return True
        if _leaves(node):
            return False
    return None


def doomed(node: Node) -> bool:
    """Tell whether the script surely fails after ``node``, whatever it returns."""
    child = node
    block = node.parent
    while block is not None and block.type not in _OWN_STATUS:
        if block.type in _SEQUENTIAL or block.type in _BRANCHES:
            after = _following(block, child)
            if after is None:
                return False
            verdict = _ends_failing(after)
            if verdict is not None:
                return verdict
        elif block.type == "list":
            if _ends_failing(_following(block, child) or []) is False:
                return False  # `a || true && exit 0`
        elif block.type in _LOOPS:
            if child.type not in ("do_group", "compound_statement"):
                return False  # the loop's condition or its words
        child, block = block, block.parent
    return False


def doomed_from(following: Node) -> bool:
    """Tell whether the script surely fails from ``following`` on (``exit 1`` next)."""
    if _fails(following):
        return True
    return not _leaves(following) and doomed(following)
