"""cibuildwheel's ``test-command`` in pyproject.toml, read as the shell runs it.

cibuildwheel runs ``[tool.cibuildwheel] test-command`` (and the per-platform
and ``overrides`` ones) through the shell after building each wheel; a list
is joined with ``&&``.  ``pytest {project}/tests || true`` there, or
``python -c 'import pkg; pkg.test()'`` whose result is dropped, cannot fail
the wheel build.  Windows runs it through ``cmd``, which is not read.
"""

from __future__ import annotations

from typing import Any

from quality_gates.findings import Finding
from quality_gates.guards.integrity import actioninputs
from quality_gates.guards.integrity.configfiles import Configs
from quality_gates.guards.integrity.rules import finding
from quality_gates.guards.integrity.shell import script_audit

PATH = "pyproject.toml"
_KEY = "test-command"
_POSIX = ("linux", "macos", "pyodide", "ios")


def _command(table: Any) -> str:
    command = table.get(_KEY) if isinstance(table, dict) else None
    if isinstance(command, list):
        command = " && ".join(str(part) for part in command)
    return command.strip() if isinstance(command, str) else ""


def commands(tool: dict[str, Any]) -> list[tuple[str, str]]:
    """``(table, command)`` for every test command cibuildwheel runs in a shell."""
    tables: list[tuple[str, Any]] = [("tool.cibuildwheel", tool)]
    tables += [(f"tool.cibuildwheel.{name}", tool.get(name)) for name in _POSIX]
    overrides = tool.get("overrides")
    if isinstance(overrides, list):
        tables += [("[tool.cibuildwheel.overrides]", item) for item in overrides]
    return [(name, _command(table)) for name, table in tables if _command(table)]


def _line(lines: list[str], snippet: str) -> int:
    """Return the line of ``snippet`` after the first ``test-command`` key."""
    keys = [n for n, text in enumerate(lines, 1) if text.lstrip().startswith(_KEY)]
    if not keys:
        return 1
    needle = " ".join(snippet.split())[:40]
    for number in range(keys[0], len(lines) + 1):
        if needle and needle in " ".join(lines[number - 1].split()):
            return number
    return keys[0]


def test_commands(configs: Configs) -> list[Finding]:
    """Findings in the test commands of ``[tool.cibuildwheel]``."""
    tool = configs.tool(PATH, "cibuildwheel")
    if not isinstance(tool, dict):
        return []
    lines = configs.texts.get(PATH, "").splitlines()
    found = []
    for table, command in commands(tool):
        audit = script_audit.audit_script(command, runs_with=actioninputs.CIBW.shell)
        for hit in audit.hits:
            detail = f"[{table}] `{_KEY}`: {hit.detail} ({actioninputs.CIBW.runner})"
            why = "" if hit.certain else hit.why
            line = _line(lines, hit.snippet)
            found.append(finding(hit.rule, PATH, line, detail, why, hit.fix))
    return found
