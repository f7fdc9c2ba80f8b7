"""JSON: score, rating, debt_minutes, findings (with ``new``), tools."""

from __future__ import annotations

import json

from quality_gates.escape import actions_log
from quality_gates.report import Report


def render(report: Report) -> str:
    """Render the report as indented JSON with sorted keys."""
    text = json.dumps(report.to_dict(), indent=2, sort_keys=True)
    return actions_log.inert_json(text) + "\n"
