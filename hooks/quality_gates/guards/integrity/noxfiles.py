"""``noxfile.py``: sessions that run a gate and accept its failure.

``session.run("pytest", success_codes=[0, 1])`` makes nox treat a failing
test run as a success, and ``try: session.run("mypy", ...) except
CommandFailed: pass`` (or ``except Exception``) swallows it.  A session named
or documented for checking (``def secrets``: "Check for accidentally
committed secrets") that runs ``detect-secrets scan``, which exits 0 whatever
it finds, and nothing after it that judges the baseline, cannot fail: a note,
as for a step.  The file is read as Python (``ast``), never imported or run.
"""

from __future__ import annotations

import ast

from quality_gates.findings import Finding
from quality_gates.guards.integrity import gatecmd, stepnames
from quality_gates.guards.integrity.rules import finding
from quality_gates.guards.integrity.shell import records_only

PATH = "noxfile.py"
_RUNS = frozenset(("run", "run_always"))


def _words(call: ast.Call) -> list[str]:
    return [
        arg.value
        for arg in call.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    ]


def _session_runs(node: ast.AST, gates: bool = True) -> list[ast.Call]:
    """``session.run(...)`` calls under ``node`` (of gates only, by default)."""
    return [
        call
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in _RUNS
        and (not gates or gatecmd.named_gate(_words(call)))
    ]


_RECORDS_WHY = (
    "`scan` is how a baseline is made too; the session's name is the only "
    "sign that a failing check was meant"
)


def _recorded(tree: ast.Module) -> list[Finding]:
    """QG106 notes: ``detect-secrets scan`` in a session named for checking."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        said = (ast.get_docstring(node) or "").strip().split("\n", 1)[0]
        if not stepnames.checking_context(said or node.name, node.name):
            continue
        runs = sorted(_session_runs(node, gates=False), key=lambda c: c.lineno)
        for index, call in enumerate(runs):
            words = gatecmd.strip_wrappers(_words(call))
            later = " ".join(" ".join(_words(c)) for c in runs[index + 1 :])
            if records_only.records(words) and not records_only.judged(later):
                detail = (
                    f"session `{node.name}`: `{' '.join(_words(call))}` records the "
                    "secrets it finds and exits 0 whatever it finds, and nothing "
                    "after it judges the baseline"
                )
                found.append(finding("QG106", PATH, call.lineno, detail, _RECORDS_WHY))
    return found


def _accepts_failure(call: ast.Call) -> bool:
    """``success_codes`` that lists a non-zero code (or is not a plain list)."""
    for keyword in call.keywords:
        if keyword.arg != "success_codes":
            continue
        if not isinstance(keyword.value, (ast.List, ast.Tuple, ast.Set)):
            return True
        return any(
            not (isinstance(e, ast.Constant) and e.value == 0)
            for e in keyword.value.elts
        )
    return False


def _swallowed(handler: ast.ExceptHandler) -> bool:
    """Tell a handler that neither re-raises nor fails the session."""
    text = ast.unparse(handler)
    return not any(
        word in text for word in ("raise", "session.error", "sys.exit", ".error(")
    )


def audit(text: str) -> list[Finding]:
    """Every nox session run of a gate whose failure nox accepts."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 1
        detail = f"noxfile does not parse as Python: {exc}"
        return [finding("QG109", PATH, line, detail)]
    found = []
    for call in _session_runs(tree):
        if _accepts_failure(call):
            args = ", ".join(map(repr, _words(call)))
            detail = f"`session.run({args}, success_codes=...)`"
            found.append(
                finding(
                    "QG101", PATH, call.lineno, f"{detail}: nox accepts a failing run"
                )
            )
    for node in ast.walk(tree):
        if isinstance(node, ast.Try):
            for call in _session_runs(ast.Module(body=node.body, type_ignores=[])):
                if any(_swallowed(h) for h in node.handlers):
                    detail = (
                        f"`session.run({_words(call)[0]!r}, ...)` in a `try` whose "
                        "`except` swallows its failure"
                    )
                    found.append(finding("QG101", PATH, call.lineno, detail))
    return found + _recorded(tree)
