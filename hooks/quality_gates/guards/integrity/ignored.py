"""Config sections their tool never reads: a wrong header, or a file it never opens."""

from __future__ import annotations

from quality_gates.findings import Finding
from quality_gates.guards.integrity.configfiles import Configs
from quality_gates.guards.integrity.rules import finding

# (file, section as written, what the tool reads instead)
_WRONG_HEADERS = (
    (
        "setup.cfg",
        "pytest",
        "pytest reads [tool:pytest] in setup.cfg (and stops on [pytest])",
    ),
    ("tox.ini", "tool:pytest", "pytest reads only [pytest] in tox.ini"),
    ("setup.cfg", "tool:flake8", "flake8 reads only [flake8]"),
    ("tox.ini", "tool:flake8", "flake8 reads only [flake8]"),
    ("setup.cfg", "tool:mypy", "mypy reads only [mypy] and [mypy-*] sections"),
)
_FLAKE8_TOML_PLUGINS = ("flake8-pyproject", "pyproject-flake8", "flake8-toml")
_DEDICATED = (
    ("pytest.ini", "pytest", "pytest"),
    (".pytest.ini", "pytest", "pytest"),
    ("mypy.ini", "mypy", "mypy"),
    (".mypy.ini", "mypy", "mypy"),
)


def _wrong_headers(c: Configs) -> list[Finding]:
    out = []
    for path, section, reads in _WRONG_HEADERS:
        if section in c.sections(path):
            line = c.ini[path].line(section)
            detail = f"{path} [{section}] is never read: {reads}"
            out.append(finding("QG121", path, line, detail))
    return out


def _dedicated_files(c: Configs) -> list[Finding]:
    """pytest.ini or mypy.ini without its section: read (and winning), yet empty."""
    out = []
    for path, section, tool in _DEDICATED:
        sections = c.sections(path)
        if path not in c.ini or section in sections:
            continue
        others = [s for s in sections if not s.startswith(f"{section}-")]
        for other in others:
            detail = (
                f"{path} [{other}] is never read: {tool} reads only [{section}] in "
                f"{path}, yet still uses this file and ignores every other config"
            )
            out.append(finding("QG121", path, c.ini[path].line(other), detail))
    return out


def _flake8_in_pyproject(c: Configs) -> list[Finding]:
    if c.tool("pyproject.toml", "flake8") is None:
        return []
    text = "\n".join(c.texts.values()).lower()
    if any(plugin in text for plugin in _FLAKE8_TOML_PLUGINS):
        return []
    line = c.toml_line("pyproject.toml", "tool.flake8")
    detail = (
        "pyproject.toml [tool.flake8] is never read: flake8 does not read "
        "pyproject.toml; move it to .flake8 as [flake8]"
    )
    return [finding("QG121", "pyproject.toml", line, detail)]


def ignored_sections(c: Configs) -> list[Finding]:
    """QG121 for every section the tool it names will never read."""
    return [*_wrong_headers(c), *_dedicated_files(c), *_flake8_in_pyproject(c)]
