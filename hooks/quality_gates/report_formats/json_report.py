"""JSON: score, rating, debt_minutes, findings (with ``new``), tools."""

from __future__ import annotations

import json
from typing import Any

from quality_gates.escape import actions_log
from quality_gates.report import Report

# a finding's JSON object, one level inside the list at the document's first level
_PAD = "\n" + " " * 6
# between two findings of the list, as the one-line encoder writes them and as
# indent=2 does: a raw line break is never inside a JSON string, so this is
# always the list's own separator
_BETWEEN = "}," + _PAD + "{"
_BETWEEN_INDENTED = "\n    },\n    {" + _PAD
_SCALARS = frozenset({str, int, float, bool, type(None)})


def render(report: Report) -> str:
    """Render the report as indented JSON with sorted keys."""
    text = dumps(report.to_dict())
    return actions_log.inert_json(text) + "\n"


def dumps(data: dict[str, Any]) -> str:
    """Write ``data`` as indented JSON with sorted keys, as the standard library does.

    The text is the same as ``json.dumps(data, indent=2, sort_keys=True)``.

    With ``indent`` the standard library encodes in Python, not C: 0.3 s for
    a large tree's 40k findings, after mypy ends.  Each finding is a flat
    object of scalars: the list is written by the C encoder on one line,
    with the indented form's separator between the fields, and the breaks
    around each object are put in after.
    """
    findings = data.get("findings")
    if not (isinstance(findings, list) and findings and all(map(_flat, findings))):
        return json.dumps(data, indent=2, sort_keys=True)
    rest = json.dumps({**data, "findings": []}, indent=2, sort_keys=True)
    one_line = json.JSONEncoder(sort_keys=True, separators=("," + _PAD, ": "))
    body = one_line.encode(findings)[2:-2].replace(_BETWEEN, _BETWEEN_INDENTED)
    listed = "[\n    {" + _PAD + body + "\n    }\n  ]"
    return rest.replace('\n  "findings": []', '\n  "findings": ' + listed, 1)


def _flat(value: object) -> bool:
    """Tell whether ``value`` is a non-empty object of scalars under text keys."""
    return (
        type(value) is dict
        and bool(value)
        and all(type(k) is str for k in value)
        and all(map(_SCALARS.__contains__, map(type, value.values())))
    )
