"""QG116: mypy ``ignore_errors = true`` for the whole project.

mypy still checks every module and then throws the errors away, so a type
gate with it cannot fail; ``strict = true`` beside it only looks strict.  Only
the config mypy really reads counts (see ``shadowing``), and only its global
section: ``ignore_errors`` in a per-module section is the honest way to
silence one module.
"""

from __future__ import annotations

from quality_gates.findings import Finding
from quality_gates.guards.integrity.configfiles import Configs
from quality_gates.guards.integrity.rules import finding
from quality_gates.guards.integrity.shadowing import mypy_sources

_TRUE = ("true", "1", "yes", "on")


def _flag(value: object) -> bool:
    return value is True or str(value).strip().lower() in _TRUE


def _options(c: Configs, path: str) -> dict[str, object]:
    if path == "pyproject.toml":
        table = c.tool(path, "mypy")
        return dict(table) if isinstance(table, dict) else {}
    ini = c.ini.get(path)
    section = ini.sections.get("mypy", {}) if ini else {}
    return {key.replace("-", "_"): text for key, text in section.items()}


def _line(c: Configs, path: str) -> int:
    if path == "pyproject.toml":
        lines = c.texts.get(path, "").splitlines()
        start = c.toml_line(path, "tool.mypy")
        for number in range(start, len(lines) + 1):
            if lines[number - 1].strip().startswith(("ignore_errors", "ignore-errors")):
                return number
        return start
    ini = c.ini[path]
    return ini.line("mypy", "ignore_errors")


def ignored_errors(c: Configs) -> list[Finding]:
    """``ignore_errors = true`` in the global section of the config mypy reads."""
    sources = mypy_sources(c)
    if not sources:
        return []
    path = sources[0].path
    options = _options(c, path)
    if not _flag(options.get("ignore_errors", False)):
        return []
    strict = " next to `strict = true`" if _flag(options.get("strict", False)) else ""
    detail = f"{path} {sources[0].section}: `ignore_errors = true`{strict}"
    return [finding("QG116", path, _line(c, path), detail)]
