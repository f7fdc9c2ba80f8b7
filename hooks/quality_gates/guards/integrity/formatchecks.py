"""Formatters their own configuration turns into checks.

black reads every option of its command line from ``[tool.black]`` in
``pyproject.toml`` (the options' defaults, keys spelt as the long options):
``check = true`` there makes ``black --diff .`` exit 1 when a file would
change, so ``--diff`` without ``--check`` on the command line still checks.
isort is not so: ``check`` is an option of its command line only, and a
configuration that sets it is refused (isort stops with "isort was provided
settings that it doesn't support"), so ``--diff`` alone checks nothing.

autopep8 (2.x) takes the defaults of its options from the sections
``[pep8]``, ``[pycodestyle]`` and ``[flake8]`` of the first directory, from
the files' own upwards, holding ``setup.cfg``, ``tox.ini``, ``.pep8`` or
``.flake8``, then from ``[tool.autopep8]`` of the nearest ``pyproject.toml``
(keys spelt as the long options, ``-`` or ``_``): ``exit-code = true`` there
makes ``autopep8 --diff`` exit 2 on a file it would change.  A file it cannot
read leaves the question open: autopep8 counts as checking then.
"""

from __future__ import annotations

import configparser
import tomllib
from pathlib import Path
from typing import Any

_LIMIT = 1 << 20  # a configuration file larger than this is not read
_AUTOPEP8_INI = ("setup.cfg", "tox.ini", ".pep8", ".flake8")
_AUTOPEP8_SECTIONS = ("pep8", "pycodestyle", "flake8")
_EXIT_CODE = frozenset(("exit-code", "exit_code", "--exit-code", "--exit_code"))


def from_pyproject(data: dict[str, Any]) -> frozenset[str]:
    """Return the formatters a parsed ``pyproject.toml`` makes check."""
    tool = data.get("tool")
    black = tool.get("black") if isinstance(tool, dict) else None
    autopep8 = tool.get("autopep8") if isinstance(tool, dict) else None
    found = set()
    if isinstance(black, dict) and black.get("check") is True:
        found.add("black")
    if isinstance(autopep8, dict) and any(autopep8.get(k) for k in _EXIT_CODE):
        found.add("autopep8")  # autopep8 takes any true value
    return frozenset(found)


def autopep8_ini(texts: dict[str, str]) -> bool:
    """Tell whether autopep8's INI files (by name) turn ``exit-code`` on."""
    parser = configparser.ConfigParser()
    try:
        for name in _AUTOPEP8_INI:
            if name in texts:
                parser.read_string(texts[name], source=name)
        return any(
            parser.getboolean(section, key)
            for section in _AUTOPEP8_SECTIONS
            if parser.has_section(section)
            for key in parser.options(section)
            if key in _EXIT_CODE
        )
    except (configparser.Error, ValueError):
        return True  # not read as autopep8 would: not judged


def _text(path: Path) -> str | None:
    if not path.is_file() or path.stat().st_size > _LIMIT:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def read(root: Path | None) -> frozenset[str]:
    """Return the formatters the project's configuration at ``root`` makes check."""
    if root is None:
        return frozenset()
    found = frozenset[str]()
    text = _text(root / "pyproject.toml")
    try:
        found = from_pyproject(tomllib.loads(text)) if text is not None else found
    except tomllib.TOMLDecodeError:
        found = frozenset(("autopep8",))  # black stops on it; autopep8 unknown
    texts = {n: t for n in _AUTOPEP8_INI if (t := _text(root / n)) is not None}
    return found | ({"autopep8"} if autopep8_ini(texts) else set())
