"""INI files (setup.cfg, tox.ini, .flake8, pytest.ini, mypy.ini) with line numbers."""

from __future__ import annotations

import configparser
import dataclasses
import re

_HEADER = re.compile(r"^\[([^\]]+)\]")
_KEY = re.compile(r"^([^=:\s][^=:]*?)\s*[=:]")


@dataclasses.dataclass
class Ini:
    """Sections with their values and the line of every header and key."""

    sections: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)
    section_lines: dict[str, int] = dataclasses.field(default_factory=dict)
    key_lines: dict[tuple[str, str], int] = dataclasses.field(default_factory=dict)

    def get(self, section: str, key: str) -> str | None:
        """Return a value by normalised key (``extend_ignore`` is ``extend-ignore``)."""
        values = self.sections.get(section, {})
        for name, text in values.items():
            if norm(name) == norm(key):
                return text
        return None

    def line(self, section: str, key: str | None = None) -> int:
        """Return the line of a key, else of its section header, else 1."""
        if key is not None:
            for (sec, name), line in self.key_lines.items():
                if sec == section and norm(name) == norm(key):
                    return line
        return self.section_lines.get(section, 1)


class IniError(Exception):
    """An INI file that does not parse, with the 1-based line of the problem."""

    def __init__(self, message: str, line: int) -> None:
        """Keep the message and the line."""
        super().__init__(message)
        self.line = line


def norm(key: str) -> str:
    """Normalise an option name as flake8 does."""
    return key.strip().lower().replace("_", "-")


def _lines(text: str, ini: Ini) -> None:
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip()[:1] in "#;":
            continue
        header = _HEADER.match(raw)
        if header:
            section = header.group(1).strip()
            ini.section_lines.setdefault(section, number)
        elif section and not raw[:1].isspace():
            key = _KEY.match(raw)
            if key:
                ini.key_lines.setdefault(
                    (section, key.group(1).strip().lower()), number
                )


def _error_line(exc: configparser.Error) -> int:
    line = getattr(exc, "lineno", None)
    errors = getattr(exc, "errors", None)
    if line is None and errors:
        line = errors[0][0]
    return int(line) if isinstance(line, int) else 1


def parse(text: str) -> Ini:
    """Parse like flake8 and mypy do (``RawConfigParser``); IniError on bad syntax."""
    parser = configparser.RawConfigParser(strict=True)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid INI"
        errors = getattr(exc, "errors", None)
        if errors:
            first = f"cannot parse line {errors[0][0]}: {errors[0][1]}"
        raise IniError(
            first.replace("While reading from '<string>' ", ""), _error_line(exc)
        )
    ini = Ini()
    for name in parser.sections():
        ini.sections[name] = dict(parser.items(name))
    _lines(text, ini)
    return ini
