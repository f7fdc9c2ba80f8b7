"""The coverage ratchet: a recorded total that coverage may not drop below.

The record is a small JSON file (``.quality-gates-coverage.json`` by default),
``{"coverage": 87.53, "version": 1}``, committed with the project and written
atomically, only when asked (``--update-ratchet``) and only upwards.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from quality_gates.atomic import write_atomic
from quality_gates.errors import GateError

DEFAULT_FILE = ".quality-gates-coverage.json"


def floor2(percent: float) -> float:
    """Round down to 2 decimals, so a run always passes against its own record."""
    return math.floor(percent * 100 + 1e-9) / 100


def read(path: Path) -> float | None:
    """Return the recorded percentage, None when there is no record yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise GateError(f"{path}: cannot read the coverage ratchet: {exc}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GateError(f"{path}: corrupt coverage ratchet (invalid JSON: {exc})")
    value = data.get("coverage") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GateError(f'{path}: corrupt coverage ratchet: expected {{"coverage": N}}')
    if not 0 <= value <= 100:
        raise GateError(f"{path}: corrupt coverage ratchet: {value} is not 0-100")
    return float(value)


def write(path: Path, percent: float) -> float:
    """Record ``percent`` (rounded down to 2 decimals); returns what was written."""
    value = floor2(percent)
    write_atomic(path, json.dumps({"coverage": value, "version": 1}, indent=2) + "\n")
    return value


def dropped(percent: float, recorded: float, tolerance: float) -> bool:
    """Tell whether ``percent`` is below the record by more than ``tolerance``."""
    return percent < recorded - tolerance - 1e-9
