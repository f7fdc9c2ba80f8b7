"""Config that shadows config: the file a tool really reads, and the ones it ignores.

Each tool's discovery order is the one in its own source: pytest
(``_pytest/config/findpaths.py``), flake8 (``flake8/options/config.py``) and
mypy (``mypy/config_parser.py``).  The first file that configures the tool is
read; every later one that also configures it is silently ignored.
"""

from __future__ import annotations

import dataclasses

from quality_gates.findings import Finding
from quality_gates.guards.integrity.configfiles import Configs
from quality_gates.guards.integrity.rules import finding


@dataclasses.dataclass(frozen=True)
class Source:
    """One file's config for a tool: file, section as written, its line and keys."""

    path: str
    section: str
    line: int
    keys: tuple[str, ...]


def _ini_source(
    c: Configs, path: str, section: str, always: bool = False
) -> Source | None:
    if path not in c.ini:
        return None
    ini = c.ini[path]
    if section in ini.sections:
        keys = tuple(ini.sections[section])
        return Source(path, f"[{section}]", ini.line(section), keys)
    return Source(path, "(the whole file)", 1, ()) if always else None


def _toml_source(c: Configs, path: str, dotted: str, table: object) -> Source | None:
    if not isinstance(table, dict):
        return None
    return Source(path, f"[{dotted}]", c.toml_line(path, dotted), tuple(table))


def _pyproject_pytest(c: Configs) -> Source | None:
    table = c.tool("pyproject.toml", "pytest")
    if not isinstance(table, dict):
        return None
    native = {k: v for k, v in table.items() if k != "ini_options"}
    if native:
        return _toml_source(c, "pyproject.toml", "tool.pytest", native)
    return _toml_source(
        c, "pyproject.toml", "tool.pytest.ini_options", table.get("ini_options")
    )


def pytest_sources(c: Configs) -> list[Source]:
    """Return pytest's configs in its order.

    pytest.toml, .pytest.toml, pytest.ini, .pytest.ini (read even when empty),
    pyproject.toml, tox.ini [pytest], setup.cfg [tool:pytest].
    """
    found = [
        *(
            _toml_source(c, name, "pytest", c.toml[name].get("pytest", {}))
            for name in ("pytest.toml", ".pytest.toml")
            if name in c.toml
        ),
        _ini_source(c, "pytest.ini", "pytest", always=True),
        _ini_source(c, ".pytest.ini", "pytest", always=True),
        _pyproject_pytest(c),
        _ini_source(c, "tox.ini", "pytest"),
        _ini_source(c, "setup.cfg", "tool:pytest"),
    ]
    return [source for source in found if source is not None]


def flake8_sources(c: Configs) -> list[Source]:
    """Return flake8's configs in its order: setup.cfg, tox.ini, .flake8."""
    found = []
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        sections = c.sections(name)
        if "flake8" in sections or "flake8:local-plugins" in sections:
            section = "flake8" if "flake8" in sections else "flake8:local-plugins"
            found.append(_ini_source(c, name, section))
    return [source for source in found if source is not None]


def mypy_sources(c: Configs) -> list[Source]:
    """Return mypy's configs in its order.

    mypy.ini, .mypy.ini (read even without [mypy]), pyproject.toml [tool.mypy],
    setup.cfg [mypy].
    """
    found = [
        _ini_source(c, "mypy.ini", "mypy", always=True),
        _ini_source(c, ".mypy.ini", "mypy", always=True),
        _toml_source(
            c, "pyproject.toml", "tool.mypy", c.tool("pyproject.toml", "mypy")
        ),
        _ini_source(c, "setup.cfg", "mypy"),
    ]
    return [source for source in found if source is not None]


def _shadowed(rule: str, tool: str, sources: list[Source]) -> list[Finding]:
    if len(sources) < 2:
        return []
    winner = sources[0]
    out = []
    for loser in sources[1:]:
        keys = ", ".join(loser.keys[:4]) + (", ..." if len(loser.keys) > 4 else "")
        what = f" ({keys})" if keys else ""
        detail = (
            f"{tool} reads {winner.path} {winner.section} first, so {loser.path} "
            f"{loser.section}{what} is ignored"
        )
        out.append(finding(rule, loser.path, loser.line, detail))
    return out


def shadowing(c: Configs) -> list[Finding]:
    """QG120, QG122, QG124: a later config file the tool never reads."""
    return [
        *_shadowed("QG120", "pytest", pytest_sources(c)),
        *_shadowed("QG122", "flake8", flake8_sources(c)),
        *_shadowed("QG124", "mypy", mypy_sources(c)),
    ]
