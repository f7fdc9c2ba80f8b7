"""The project's tool config files, parsed once, with what could not be parsed."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path
from typing import Any

from quality_gates import textfile
from quality_gates.findings import Finding
from quality_gates.guards.integrity import inifiles
from quality_gates.guards.integrity.rules import finding

INI_FILES = (
    "setup.cfg",
    "tox.ini",
    ".flake8",
    "pytest.ini",
    ".pytest.ini",
    "mypy.ini",
    ".mypy.ini",
)
TOML_FILES = ("pyproject.toml", "pytest.toml", ".pytest.toml")
_TOML_LINE = re.compile(r"at line (\d+)")
_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")


@dataclasses.dataclass
class Configs:
    """Parsed INI and TOML files by name; ``texts`` keeps every readable text."""

    ini: dict[str, inifiles.Ini] = dataclasses.field(default_factory=dict)
    toml: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    texts: dict[str, str] = dataclasses.field(default_factory=dict)

    def sections(self, name: str) -> dict[str, dict[str, str]]:
        """Sections of a parsed INI file (empty when absent or broken)."""
        ini = self.ini.get(name)
        return ini.sections if ini else {}

    def tool(self, name: str, *keys: str) -> Any:
        """``tool.<keys>`` of a TOML file, or None."""
        node: Any = self.toml.get(name, {}).get("tool")
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        return node

    def toml_line(self, name: str, dotted: str) -> int:
        """Line of the ``[dotted]`` header (or of its first sub-table), else 1."""
        fallback = 1
        for number, line in enumerate(self.texts.get(name, "").splitlines(), start=1):
            match = _HEADER.match(line)
            if not match:
                continue
            header = re.sub(r"[\s\"']", "", match.group(1))
            if header == dotted:
                return number
            if header.startswith(dotted + ".") and fallback == 1:
                fallback = number
        return fallback


def _load_toml(configs: Configs, name: str, text: str) -> Finding | None:
    try:
        configs.toml[name] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        line = int(match.group(1)) if match else 1
        return finding("QG109", name, line, f"{name}: invalid TOML: {exc}")
    return None


def _load_ini(configs: Configs, name: str, text: str) -> Finding | None:
    try:
        configs.ini[name] = inifiles.parse(text)
    except inifiles.IniError as exc:
        return finding("QG109", name, exc.line, f"{name}: invalid INI: {exc}")
    return None


def load(root: Path) -> tuple[Configs, list[Finding]]:
    """Every config file present at ``root``; a broken one is a QG109 finding."""
    configs = Configs()
    found: list[Finding] = []
    for name in (*TOML_FILES, *INI_FILES):
        path = root / name
        if not path.is_file():
            continue
        text = textfile.read(path)
        if text.problem:
            found.append(finding("QG109", name, text.line, f"{name} is {text.problem}"))
            continue
        configs.texts[name] = text.text
        loader = _load_toml if name in TOML_FILES else _load_ini
        problem = loader(configs, name, text.text)
        if problem:
            found.append(problem)
    return configs, found
