"""What a ``python -c`` program runs, and whether it keeps the exit status.

``python -c 'import subprocess; subprocess.run(["pytest"])'`` exits 0 whatever
pytest returns: ``subprocess.run`` without ``check=True``, ``subprocess.call``,
``os.system``, ``pytest.main()`` and a package's ``test()`` (numpy-style
testers return the result) all hand back a status that the program must pass
to ``sys.exit``.  A call whose result is thrown away (a bare statement, or a
name never read again) loses it; ``sys.exit(subprocess.call(...))``,
``check=True``, ``check_call`` and ``raise SystemExit(pytest.main())`` keep it.
So do checkers' own Python APIs that return their verdict (``checkapi``):
twine's ``check()`` (True on failure), ``mypy.api.run()`` and pylint's
``Run(..., exit=False)``.
"""

from __future__ import annotations

import ast
import dataclasses
import shlex
import textwrap

from quality_gates.guards.integrity import checkapi

_SUBPROCESS = frozenset(("run", "call", "Popen"))
_TEST_RUNNERS = frozenset(("main",))


@dataclasses.dataclass(frozen=True)
class PyCall:
    """A command the program runs: 0-based line, its words, how, status kept."""

    line: int
    tokens: tuple[str, ...]
    how: str
    dropped: bool


def _literal_words(node: ast.expr) -> list[str]:
    """Words of a command given as a list or a string (``sys.executable``: python)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return shlex.split(node.value)
        except ValueError:
            return node.value.split()
    if not isinstance(node, (ast.List, ast.Tuple)):
        return []
    words = []
    for item in node.elts:
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            words.append(item.value)
        elif isinstance(item, ast.Attribute) and item.attr == "executable":
            words.append("python")
    return words


def _dotted(func: ast.expr) -> tuple[str, str]:
    """``subprocess.run`` -> (``subprocess``, ``run``); ``run`` -> ('', ``run``)."""
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return owner, func.attr
    if isinstance(func, ast.Name):
        return "", func.id
    return "", ""


def _keyword(call: ast.Call, name: str) -> bool:
    return any(
        k.arg == name and isinstance(k.value, ast.Constant) and bool(k.value.value)
        for k in call.keywords
    )


def _command(
    call: ast.Call, origins: dict[str, str] | None = None
) -> tuple[list[str], str] | None:
    """Return the command a call runs and how (None: none we know)."""
    api = checkapi.checker(call, origins or {})
    if api is not None:
        return api
    owner, name = _dotted(call.func)
    if name in _SUBPROCESS and owner in ("subprocess", "sp", ""):
        if name == "run" and _keyword(call, "check"):
            return None
        words = _literal_words(call.args[0]) if call.args else []
        return words, f"subprocess.{name}() without check=True"
    if owner == "os" and name == "system" and call.args:
        return _literal_words(call.args[0]), "os.system()"
    if owner == "pytest" and name in _TEST_RUNNERS:
        return ["pytest"], "pytest.main()"
    if name == "test" and owner and not _keyword(call, "exit"):
        return ["pytest"], f"{owner}.test()"
    if owner == "unittest" and name == "main" and _keyword_false(call, "exit"):
        return ["python", "-m", "unittest"], "unittest.main(exit=False)"
    return None


def _keyword_false(call: ast.Call, name: str) -> bool:
    return any(
        k.arg == name and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in call.keywords
    )


def _read_names(tree: ast.AST) -> set[str]:
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }


def _statement_call(stmt: ast.stmt, read: set[str]) -> tuple[ast.Call, bool] | None:
    """Return the call a statement makes, and whether its result is dropped."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return stmt.value, True
    if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
        targets = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
        return stmt.value, bool(targets) and not any(t in read for t in targets)
    return None


def calls(code: str) -> list[PyCall] | None:
    """Every command the program runs at its top level; None if it does not parse."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    read = _read_names(tree)
    origins = checkapi.origins(tree)
    found = []
    for stmt in tree.body:
        made = _statement_call(stmt, read)
        if made is None:
            continue
        command = _command(made[0], origins)
        if command is not None:
            words, how = command
            found.append(PyCall(stmt.lineno - 1, tuple(words), how, made[1]))
    return found


def commands_anywhere(code: str) -> list[tuple[str, ...]]:
    """Every command the program runs, wherever the call stands."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    origins = checkapi.origins(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            command = _command(node, origins) or _checked(node)
            if command is not None:
                found.append(tuple(command[0]))
    return found


def _checked(call: ast.Call) -> tuple[list[str], str] | None:
    """``subprocess.check_call`` and ``run(..., check=True)``: they raise."""
    owner, name = _dotted(call.func)
    keeps = name in ("check_call", "check_output") or (
        name == "run" and _keyword(call, "check")
    )
    if keeps and owner in ("subprocess", "sp", "") and call.args:
        return _literal_words(call.args[0]), name
    return None


_CATCH_ALL = frozenset(("BaseException", "SystemExit"))


def cannot_fail(code: str) -> bool:
    """Tell a program that exits 0 whatever it finds (its judgement is swallowed).

    Every top-level statement is an import or a ``try`` with a handler that
    catches everything (a bare ``except:``, ``BaseException``, ``SystemExit``)
    and neither raises nor exits: ``raise SystemExit('too many issues')``
    inside ``try: ... except: pass`` is caught, so the program never fails.
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return bool(tree.body) and all(_swallows(stmt) for stmt in tree.body)


def raises(code: str) -> bool:
    """Tell inline Python that fails on its own: an ``assert`` or ``raise``.

    Not one a catch-all handler swallows (``try: assert ... except: pass``,
    as for ``cannot_fail``).
    """
    try:
        tree = ast.parse(textwrap.dedent(code))
    except (SyntaxError, ValueError):
        return False
    kept = [stmt for stmt in tree.body if not _swallows(stmt)]
    return any(
        isinstance(node, (ast.Assert, ast.Raise))
        for stmt in kept
        for node in ast.walk(stmt)
    )


def _swallows(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Pass)):
        return True
    if not isinstance(stmt, ast.Try) or stmt.orelse or stmt.finalbody:
        return False
    catching = [h for h in stmt.handlers if _catches_all(h)]
    return bool(catching) and all(_quiet(h.body) for h in stmt.handlers)


def _catches_all(handler: ast.ExceptHandler) -> bool:
    kind = handler.type
    names = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return kind is None or any(
        isinstance(n, ast.Name) and n.id in _CATCH_ALL for n in names
    )


def _quiet(body: list[ast.stmt]) -> bool:
    """Tell a handler that neither raises nor exits (``pass``, a print)."""
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, ast.Raise):
            return False
        if isinstance(node, ast.Call) and _dotted(node.func)[1] in ("exit", "_exit"):
            return False
    return True
