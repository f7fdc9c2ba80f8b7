"""Formatters their own configuration turns into checks.

black reads every option of its command line from ``[tool.black]`` in
``pyproject.toml`` (the options' defaults, keys spelt as the long options):
``check = true`` there makes ``black --diff .`` exit 1 when a file would
change, so ``--diff`` without ``--check`` on the command line still checks.
isort is not so: ``check`` is an option of its command line only, and a
configuration that sets it is refused (isort stops with "isort was provided
settings that it doesn't support"), so ``--diff`` alone checks nothing.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

_LIMIT = 1 << 20  # a pyproject.toml larger than this is not read


def from_pyproject(data: dict[str, Any]) -> frozenset[str]:
    """Return the formatters a parsed ``pyproject.toml`` makes check."""
    tool = data.get("tool")
    black = tool.get("black") if isinstance(tool, dict) else None
    checks = isinstance(black, dict) and black.get("check") is True
    return frozenset(("black",)) if checks else frozenset()


def read(root: Path | None) -> frozenset[str]:
    """Return the formatters the project's ``pyproject.toml`` makes check."""
    path = root / "pyproject.toml" if root is not None else None
    if path is None or not path.is_file() or path.stat().st_size > _LIMIT:
        return frozenset()
    try:
        return from_pyproject(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return frozenset()
