"""TOML files read one way: every way one can be wrong is one line (GateError)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from quality_gates.errors import GateError


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every way it can be wrong into one line."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GateError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        raise GateError(f"{path}: cannot read: {exc.strerror}")
    return parse_toml(text, str(path))


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """Parse TOML text read from ``where``; invalid TOML is a GateError."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GateError(f"{where}: invalid TOML: {exc}")
