"""Whether a Lighthouse CI config file makes treosh/lighthouse-ci-action fail.

The action (its ``src/index.js`` and ``src/config.js``) runs ``lhci
assert`` only when ``budgetPath`` is given or the file ``configPath`` names
has a ``ci.assert`` section, and fails the step when an assertion of level
``error`` fails; a ``warn`` assertion only prints.  Lighthouse CI's
assertions (``docs/configuration.md``): ``assertions`` (``"audit":
"error"`` or ``["error", {...}]``), the ``lighthouse:*`` presets (which set
many audits to ``error``), ``budgetsFile`` (budgets fail as errors) and
``assertMatrix`` (a list of the same per URL pattern).

The file is JSON or YAML (a ``.js`` config runs code: not read).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LIMIT = 1 << 20


def asserts(path: Path) -> bool:
    """Tell whether the config at ``path`` makes a failed assertion an error."""
    if path.suffix not in (".json", ".yml", ".yaml") or not path.is_file():
        return False
    if path.stat().st_size > _LIMIT:
        return False
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    ci = data.get("ci") if isinstance(data, dict) else None
    section = ci.get("assert") if isinstance(ci, dict) else None
    if not isinstance(section, dict):
        return False
    matrix = section.get("assertMatrix")
    parts = [section] + (matrix if isinstance(matrix, list) else [])
    return any(_errors(part) for part in parts if isinstance(part, dict))


def _errors(part: dict[str, Any]) -> bool:
    """Tell whether one assertion set has an assertion of level ``error``."""
    preset = part.get("preset")
    if isinstance(preset, str) and preset.startswith("lighthouse:"):
        return True
    if part.get("budgetsFile"):
        return True
    found = part.get("assertions")
    if not isinstance(found, dict):
        return False
    return any(_level(item) == "error" for item in found.values())


def _level(item: object) -> str:
    """Return an assertion's level: ``"error"`` or ``["error", {...}]``."""
    if isinstance(item, list) and item:
        item = item[0]
    return item.strip().lower() if isinstance(item, str) else ""
