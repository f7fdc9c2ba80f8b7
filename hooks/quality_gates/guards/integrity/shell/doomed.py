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
``return``, ``break``, ``continue`` or ``exec``), at a subshell or a command
substitution (their ``exit`` ends only themselves), at a function's body
(the caller goes on), and at a condition or an alternative branch (what
runs after it is not certain).  A pipeline the node is part of is stepped
over: whatever its elements return or exit ends only them, and the script
goes on after the pipeline (or stops there with its last element's
non-zero status under ``-e``), so ``gofmt -d . | head -200; exit 1`` is
doomed as ``gofmt -d .; exit 1`` is.

Inside the ``then`` of ``if [ $rc -ne 0 ]`` (alone or joined by ``&&``) the
variable is known non-zero, so ``exit $rc`` on that path fails as ``exit 1``
does (a retry with diagnostics, ``cmd || true``, then ``fi; exit $rc``),
unless the path assigns the variable again first.
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
        "function_definition",
    )
)
_LOOPS = frozenset(
    ("while_statement", "until_statement", "for_statement", "c_style_for_statement")
)
_LEAVES = frozenset(("exit", "return", "break", "continue", "exec"))
_FAILING = re.compile(r"[1-9][0-9]*")
# `[ $rc -ne 0 ]`, `[[ "${rc}" != 0 ]]`, `[ $rc -gt 0 ]`: the variable is not 0
_NONZERO = re.compile(r'^\[\[?\s*"?\$\{?(\w+)\}?"?\s+(?:-ne|-gt|!=)\s+"?0"?\s*\]\]?$')
_VARIABLE = re.compile(r'^"?\$\{?(\w+)\}?"?$')


def _words(node: Node) -> list[str]:
    return parse.words(node) if node.type == "command" else []


def _fails(node: Node, nonzero: frozenset[str] = frozenset()) -> bool:
    """``exit 1``, or ``exit $rc`` with ``rc`` known non-zero (the statement itself)."""
    words = _words(node)
    if len(words) != 2 or words[0] != "exit":
        return False
    if _FAILING.fullmatch(words[1]):
        return True
    named = _VARIABLE.match(parse.text(node.named_children[-1]))
    return named is not None and named.group(1) in nonzero


def _nonzero(branch: Node, child: Node) -> frozenset[str]:
    """Return the variables the ``if`` condition before ``child`` says are not 0."""
    if child.type in ("elif_clause", "else_clause"):
        return frozenset()  # the path where the condition was false
    siblings = list(branch.children)
    index = next(i for i, node in enumerate(siblings) if node.id == child.id)
    heads = [i for i, node in enumerate(siblings) if node.type == "then"]
    if not heads or heads[0] > index:
        return frozenset()
    tests = [n for n in siblings[: heads[0]] if n.is_named and n.type != "comment"]
    while len(tests) == 1 and tests[0].type == "list":
        if any(not n.is_named and parse.text(n) != "&&" for n in tests[0].children):
            return frozenset()  # `a || b`: neither is certain
        tests = [n for n in tests[0].children if n.is_named]
    found = (_NONZERO.match(parse.text(t)) for t in tests if t.type == "test_command")
    names = frozenset(match.group(1) for match in found if match)
    if any(_assigns(node, names) for node in siblings[heads[0] : index]):
        return frozenset()  # `rc=0` in the branch before it
    return names


def _assigns(node: Node, names: frozenset[str]) -> bool:
    """Tell whether the statement assigns one of ``names`` anywhere in it."""
    found = parse.descendants(node, "variable_assignment")
    return any(parse.text(item.named_children[0]) in names for item in found)


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


def _ends_failing(
    statements: list[Node], nonzero: frozenset[str] = frozenset()
) -> bool | None:
    """Say whether ``exit N`` comes first (True), a leave (False), or neither (None)."""
    for node in statements:
        if _fails(node, nonzero):
            return True
        if _leaves(node) or _assigns(node, nonzero):
            return False
    return None


def doomed(node: Node) -> bool:
    """Tell whether the script surely fails after ``node``, whatever it returns."""
    child = node
    block = node.parent
    nonzero: frozenset[str] = frozenset()
    while block is not None and block.type not in _OWN_STATUS:
        if block.type in ("if_statement", "elif_clause"):
            nonzero |= _nonzero(block, child)
        if block.type in _SEQUENTIAL or block.type in _BRANCHES:
            after = _following(block, child)
            if after is None:
                return False
            verdict = _ends_failing(after, nonzero)
            if verdict is not None:
                return verdict
        elif block.type == "list":
            if _ends_failing(_following(block, child) or []) is False:
                return False  # `a || true && exit 0`
        elif block.type in _LOOPS:
            if child.type not in ("do_group", "compound_statement"):
                return False  # the loop's condition or its words
        # a `pipeline` is stepped over: the script goes on after it
        child, block = block, block.parent
    return False


def doomed_from(following: Node) -> bool:
    """Tell whether the script surely fails from ``following`` on (``exit 1`` next)."""
    if _fails(following):
        return True
    return not _leaves(following) and doomed(following)
