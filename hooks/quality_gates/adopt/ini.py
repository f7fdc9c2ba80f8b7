"""Set keys in one section of an ini file (setup.cfg, tox.ini, .flake8, mypy.ini).

A line edit, like the tools' own readers see the file: the section's other
lines, every comment and every other section keep their bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from quality_gates.adopt.precommit_file import split_lines

_HEADER = re.compile(r"^\s*\[([^\]]+)\]")
_KEY = re.compile(r"^([A-Za-z0-9_.\-]+)\s*[=:]")


def _norm(key: str) -> str:
    return key.strip().lower().replace("-", "_")


def section_bounds(lines: list[str], section: str) -> tuple[int, int] | None:
    """Return the header's index and the end of ``[section]``, if present."""
    start = None
    for index, line in enumerate(lines):
        match = _HEADER.match(line)
        if match and start is not None:
            return start, index
        if match and match.group(1).strip() == section:
            start = index
    return (start, len(lines)) if start is not None else None


def _key_lines(
    lines: list[str], first: int, stop: int, key: str
) -> tuple[int, int] | None:
    for index in range(first + 1, stop):
        match = _KEY.match(lines[index])
        if match and _norm(match.group(1)) == _norm(key):
            end = index + 1
            while end < stop and lines[end][:1] in (" ", "\t") and lines[end].strip():
                end += 1
            return index, end
    return None


def set_keys(text: str, section: str, values: Mapping[str, str]) -> str:
    """Return ``text`` with each key of ``values`` set in ``[section]``."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = split_lines(text)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    bounds = section_bounds(lines, section)
    if bounds is None:
        gap = [newline] if lines and lines[-1].strip() else []
        rows = [f"{k} = {v}{newline}" for k, v in values.items()]
        return "".join(lines + gap + [f"[{section}]{newline}"] + rows)
    for key, item in values.items():
        first, stop = section_bounds(lines, section) or bounds
        row = f"{key} = {item}{newline}"
        found = _key_lines(lines, first, stop, key)
        if found:
            lines[found[0] : found[1]] = [row]
            continue
        last = stop
        while last - 1 > first and not lines[last - 1].strip():
            last -= 1
        lines.insert(last, row)
    return "".join(lines)


def ini_value(item: object) -> str:
    """Return a value as ini files write it (lists with commas, True/False)."""
    if isinstance(item, bool):
        return "True" if item else "False"
    if isinstance(item, (list, tuple)):
        return ",".join(str(i) for i in item)
    return str(item)
