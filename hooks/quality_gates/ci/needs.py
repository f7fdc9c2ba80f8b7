"""``needs-json: ${{ toJSON(needs) }}``: every needed job must have succeeded."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from quality_gates.errors import GateError

RESULTS = ("success", "failure", "cancelled", "skipped")


def parse(text: str) -> dict[str, str]:
    """Job id -> result from the JSON of the ``needs`` context."""
    if not text.strip():
        raise GateError(
            "needs-json is empty: pass `needs-json: ${{ toJSON(needs) }}` and list the"
            " matrix job in `needs:`"
        )
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GateError(f"needs-json is not JSON ({exc.msg} at line {exc.lineno})")
    if not isinstance(data, dict):
        raise GateError("needs-json must be the JSON object of the needs context")
    if not data:
        raise GateError(
            "needs-json names no job: add the matrix job to `needs:` so this gate"
            " waits for it"
        )
    results = {}
    for job, value in data.items():
        result = value.get("result") if isinstance(value, Mapping) else None
        if result not in RESULTS:
            raise GateError(f"needs-json: job {job!r} has no known result ({result!r})")
        results[str(job)] = str(result)
    return results


def problems(
    results: Mapping[str, str], *, allow_skipped: Collection[str] = ()
) -> list[str]:
    """One line per needed job that did not succeed (skips allowed by name)."""
    out = []
    for job, result in sorted(results.items()):
        if result == "success":
            continue
        if result == "skipped" and (job in allow_skipped or "*" in allow_skipped):
            continue
        words = {
            "failure": "failed",
            "cancelled": "was cancelled",
            "skipped": "was skipped",
        }
        hint = "; allow it with allow-skipped" if result == "skipped" else ""
        out.append(f"needed job {job!r} {words[result]}{hint}")
    return out
