"""The INI text tox reads its environments from, and where it sits.

tox 4 looks, in this order, for ``tox.ini``; ``setup.cfg`` with a
``[tox:tox]`` section (otherwise tox ignores it); and ``pyproject.toml``
whose ``[tool.tox]`` table has ``legacy_tox_ini``, a string of INI text
(tox 4 documentation, Configuration: Discovery and file types).  The first
found is the one tox uses.  A finding in the inline INI text is placed on
its line of ``pyproject.toml``.  The native TOML forms (``[tool.tox]``
tables, ``tox.toml``) are not read here.
"""

from __future__ import annotations

import dataclasses
import re

from quality_gates.guards.integrity import inifiles
from quality_gates.guards.integrity.configfiles import Configs

_LEGACY = re.compile(r"^\s*legacy_tox_ini\s*=\s*(\"{3}|'{3})(.*)$")


@dataclasses.dataclass(frozen=True)
class ToxSource:
    """The parsed INI, its file, its lines and the file line before its line 1."""

    path: str
    ini: inifiles.Ini
    lines: list[str]
    offset: int = 0


def _legacy_offset(text: str) -> int | None:
    """Return the ``pyproject.toml`` line just before the inline INI text."""
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LEGACY.match(line)
        if match:  # TOML drops a newline right after the opening quotes
            return number if not match.group(2).strip() else number - 1
    return None


def _legacy(c: Configs) -> ToxSource | None:
    """``[tool.tox] legacy_tox_ini`` of ``pyproject.toml``, parsed as tox would."""
    text = c.tool("pyproject.toml", "tox", "legacy_tox_ini")
    offset = _legacy_offset(c.texts.get("pyproject.toml", ""))
    if not isinstance(text, str) or offset is None:
        return None
    try:
        ini = inifiles.parse(text)
    except inifiles.IniError:
        return None  # tox would refuse it: no environment runs
    return ToxSource("pyproject.toml", ini, text.splitlines(), offset)


def tox_source(c: Configs) -> ToxSource | None:
    """Return the INI configuration tox reads (None: none in an INI form)."""
    if "tox.ini" in c.texts:
        ini = c.ini.get("tox.ini")
        lines = c.texts["tox.ini"].splitlines()
        return ToxSource("tox.ini", ini, lines) if ini is not None else None
    setup = c.ini.get("setup.cfg")
    if setup is not None and "tox:tox" in setup.sections:
        return ToxSource("setup.cfg", setup, c.texts["setup.cfg"].splitlines())
    return _legacy(c)
