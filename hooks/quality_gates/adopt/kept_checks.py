"""A replaced hook that checked the test files with its tool's defaults keeps doing so.

The suite's defaults leave B101 (bandit) and D1 (flake8-docstrings) out of
test files where the project has no config of its own for them.  A project
whose own bandit hook, or flake8 hook with flake8-docstrings, ran on its
tests without such a config did check them: the project's choice, which
init writes down as the tool's own config, so the gate keeps it (an empty
``[tool.bandit]``; ``docstring-convention`` in flake8's config).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from quality_gates import files as files_mod
from quality_gates import tools as tools_mod
from quality_gates.adopt import carried_settings
from quality_gates.adopt.hooks import Found, Replaced, distribution
from quality_gates.adopt.workspace import PYPROJECT, Workspace
from quality_gates.hook_args import Value
from quality_gates.tools.base import Context

DOCSTRING_PLUGINS = ("flake8-docstrings",)


def _matches(pattern: str | None, path: str, default: bool) -> bool:
    """pre-commit's ``files``/``exclude``: ``re.search``; unreadable: ``default``."""
    if not pattern:
        return default
    try:
        return re.search(pattern, path) is not None
    except re.error:
        return default


def _saw(hook: Replaced, top_exclude: str | None, path: str) -> bool:
    files, exclude, _stages = hook.filters()
    return (
        _matches(files, path, True)
        and not _matches(exclude, path, False)
        and not _matches(top_exclude, path, False)
    )


def _tested(ws: Workspace, hooks: Sequence[Replaced], top: str | None) -> bool:
    """Tell whether one of ``hooks`` ran on a test file of the project."""
    rule = ws.ctx.tests
    tests = [p for p in files_mod.tracked_python_files(ws.root) if rule(p)]
    return any(_saw(hook, top, path) for hook in hooks for path in tests)


def _runs_docstrings(hook: Replaced) -> bool:
    deps = hook.hook.strings("additional_dependencies") or []
    return any(distribution(d) in DOCSTRING_PLUGINS for d in deps)


def keep(ws: Workspace, found: Found, top_exclude: str | None) -> None:
    """Write the tool's own config where a replaced hook checked the tests."""
    bandit = [r for r in found.replaced if r.tool == "bandit"]
    if bandit and not _bandit_config(ws) and _tested(ws, bandit, top_exclude):
        table = ws.table("tool", "bandit")
        table.comment("bandit's defaults, tests included, as the replaced hook ran")
        ws.notes.append(
            "bandit: the replaced hook checked the test files with bandit's "
            f"defaults: [tool.bandit] in {PYPROJECT} keeps that (without it the "
            "suite leaves B101 out of test files)"
        )
    flake8 = [r for r in found.replaced if r.tool == "flake8" and _runs_docstrings(r)]
    if flake8 and not _docstring_config(ws) and _tested(ws, flake8, top_exclude):
        where = carried_settings.own_config(ws, "flake8") or _started(ws)
        values: dict[str, Value] = {"docstring-convention": ws.cfg.docstring_convention}
        if where is None:
            where = tools_mod.get("flake8").new_config
            values = {**carried_settings.suite_defaults(ws, "flake8"), **values}
        carried_settings.write(ws, "flake8", where, values)
        ws.notes.append(
            "flake8: the replaced hook checked docstrings in the test files: "
            f"docstring-convention in {where} keeps that (without a docstring "
            "setting the suite leaves D1 out of test files)"
        )


def _bandit_config(ws: Workspace) -> bool:
    """Tell whether bandit has the project's config, as planned so far."""
    planned = ws.lookup("tool", "bandit") is not None
    return planned or carried_settings.own_config(ws, "bandit") is not None


def _started(ws: Workspace) -> str | None:
    """Return the flake8 config init has started so far, if any."""
    name = tools_mod.get("flake8").new_config
    return name if name in ws.texts else None


def _docstring_config(ws: Workspace) -> bool:
    """Tell whether flake8's config, as planned, configures docstring checks.

    The adapter decides (``Flake8.docstring_config``), on a copy of the
    planned file: the one rule, wherever it is asked.
    """
    where = carried_settings.own_config(ws, "flake8") or _started(ws)
    if where is None:
        return False
    with tempfile.TemporaryDirectory(prefix="quality-gates-init-") as tmp:
        (Path(tmp) / where).write_text(ws.text(where) or "", encoding="utf-8")
        ctx = Context(Path(tmp), ws.cfg)
        return tools_mod.get("flake8").test_defaults(ctx) is None
