"""Checkers' own Python APIs that return their verdict instead of exiting.

Each documents that it hands the result back to the caller:
``twine.commands.check.check(dists)`` returns True when a distribution
fails the check, ``mypy.api.run(args)`` returns ``(stdout, stderr,
exit_status)``, and pylint's ``Run(args, exit=False)`` returns instead of
calling ``sys.exit``.  A program that drops the value exits 0 whatever the
checker found.  flake8's ``main()`` is left out: whether it returns or
exits depends on flake8's version.
"""

from __future__ import annotations

import ast

# Dotted origin of the callable -> (command words, how the status is handed back).
_APIS = {
    "twine.commands.check.check": (["twine", "check"], "twine's check() returns"),
    "mypy.api.run": (["mypy"], "mypy.api.run() returns"),
}
_PYLINT_RUN = ("pylint.lint.Run", "pylint.lint.run.Run")


def origins(tree: ast.AST) -> dict[str, str]:
    """Local names bound by imports -> their dotted origin."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = alias.name
    return found


def _dotted(func: ast.expr, names: dict[str, str]) -> str:
    """``api.run`` with ``from mypy import api`` -> ``mypy.api.run``."""
    if isinstance(func, ast.Name):
        return names.get(func.id, func.id)
    if isinstance(func, ast.Attribute):
        owner = _dotted(func.value, names)
        return f"{owner}.{func.attr}" if owner else ""
    return ""


def _exit_false(call: ast.Call) -> bool:
    return any(
        k.arg in ("exit", "do_exit")
        and isinstance(k.value, ast.Constant)
        and k.value.value is False
        for k in call.keywords
    )


def checker(call: ast.Call, names: dict[str, str]) -> tuple[list[str], str] | None:
    """Return the check a call runs through an API that returns its verdict."""
    dotted = _dotted(call.func, names)
    if dotted in _APIS:
        words, how = _APIS[dotted]
        return list(words), f"{how} the verdict"
    if dotted in _PYLINT_RUN and _exit_false(call):
        return ["pylint"], "pylint's Run(exit=False) returns the verdict"
    return None
