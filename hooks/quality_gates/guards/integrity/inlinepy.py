"""Inline Python that can never fail, and where it drops what it found.

A program fails by an exception it does not catch (``raise``, ``assert``,
``subprocess.check_call``, ``run(check=True)``) or by exiting with a
status (``sys.exit(1)``, ``exit(n > 0)``, ``unittest.main()``).  Code with
none of them exits 0 whatever it finds, unless it crashes: the crash is not
a judgement of what it read, except where reading is the judgement: a
parser or loader (``yaml.safe_load(open('config.yaml'))``, ``json.load``,
``ast.parse``) raises on what it cannot read, which is a validation.
``if violations: print(...)`` with no exit in the branch reports a finding
and drops it.  Read from the syntax tree, so
``'assert'`` in a string or ``visit_Assert`` is no way to fail.
"""

from __future__ import annotations

import ast

_EXITS = frozenset(("exit", "_exit", "quit"))
_RAISING = frozenset(("check_call", "check_output"))
_SAYS = frozenset(("print", "warn", "warning", "error", "write"))
# Calls that raise on input they cannot read: a one-line validator's check.
_PARSES = frozenset(
    "load loads safe_load safe_load_all load_all full_load parse literal_eval "
    "fromstring import_module".split()
)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _quiet_exit(call: ast.Call) -> bool:
    """``exit()``, ``sys.exit(0)``, ``exit(None)``: a success."""
    if not call.args:
        return True
    first = call.args[0]
    return isinstance(first, ast.Constant) and first.value in (0, None)


def _fails(node: ast.AST) -> bool:
    """Tell a node that may end the program with a failure."""
    if isinstance(node, (ast.Raise, ast.Assert)):
        return True
    if not isinstance(node, ast.Call):
        return False
    name = _name(node.func)
    if name in _EXITS:
        return not _quiet_exit(node)
    if name in _RAISING:
        return True
    checked = any(k.arg == "check" for k in node.keywords)
    if name == "run" and checked:
        return True
    owner = node.func.value if isinstance(node.func, ast.Attribute) else None
    exits = not any(k.arg == "exit" for k in node.keywords)
    return (
        name == "main"
        and isinstance(owner, ast.Name)
        and owner.id == "unittest"
        and exits
    )


def never_fails(code: str) -> bool:
    """Tell code that parses and has no way to fail but a crash."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False  # it fails every time: not the case here
    return not any(_fails(node) for node in ast.walk(tree))


def validates_by_reading(code: str) -> bool:
    """``import yaml; yaml.safe_load(open('config.yaml'))``: a parse is the check.

    The parser raises on a file it cannot read, and the uncaught exception
    exits 1: the code judges the file by reading it.
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    return any(_name(call.func) in _PARSES for call in calls)


def dropped_finding(code: str) -> int | None:
    """Return the 0-based line of the first ``if`` that only reports what it found.

    Its branch prints or warns (``print``, ``warnings.warn``,
    ``sys.stderr.write``) and the code never fails; None when there is none.
    """
    if not never_fails(code):
        return None
    tree = ast.parse(code)
    lines = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _says(node.body)
    ]
    return min(lines) - 1 if lines else None


def _says(body: list[ast.stmt]) -> bool:
    calls = [n for stmt in body for n in ast.walk(stmt) if isinstance(n, ast.Call)]
    return any(_name(call.func) in _SAYS for call in calls)
