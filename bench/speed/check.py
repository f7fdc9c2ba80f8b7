"""``bench/run.py --check``: this checkout's ratios against the committed results.

A full run writes ``bench/results.json`` beside BENCHMARKS.md: every row of
the results table, its wall and CPU ratio.  The check measures the medium
tree again, a few minutes' worth (cold once; warm and one edited file
``CHECK_RUNS`` times each, medians), and fails when a ratio is worse than the
committed one by more than that row's noise bound.

It compares CPU ratios (user + system seconds of the whole process tree): on
a shared machine other work stretches wall time by whatever the load is, and
CPU seconds far less (measured: see ``bounds``).  Memory rows compare peak
memory, when psutil is there to sample it.

The bounds come from repeated runs: ``--calibrate N`` runs the check N times
on one commit and sets each row's bound to ``MARGIN`` times the largest
deviation it saw from the committed ratio, never under ``FLOOR``; it writes
them, with every deviation, into ``bench/results.json``.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.speed.rows import Row
from bench.speed.stats import fmt

CHECK_RUNS = 5
# the least a bound may be, and how far past the worst calibration run it sits
FLOOR = 0.10
MARGIN = 1.5
FORMAT = "quality-gates-bench-results"


def row_key(row: Row) -> str:
    """Name a row the same way in every run: tree, scenario, baseline."""
    return f"{row.tree} | {row.scenario} | {row.baseline_name}"


def compared(row: Row) -> float:
    """Return the ratio the check compares: CPU for times when recorded, else value."""
    if row.unit == "s" and not math.isnan(row.cpu_ratio):
        return row.cpu_ratio
    return row.ratio


def rows_record(rows: Sequence[Row]) -> dict[str, dict[str, float]]:
    """Return what results.json keeps of each row: both ratios and the compared one."""
    return {
        row_key(r): {
            "ratio": r.ratio,
            "cpu_ratio": r.cpu_ratio,
            "compared": compared(r),
            "value": r.value,
            "baseline": r.baseline,
        }
        for r in rows
    }


def load(path: Path) -> dict[str, Any]:
    """Read results.json; a missing or malformed file is a one-line SystemExit."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SystemExit(
            f"bench: {path} does not exist: a full run (python bench/run.py) "
            "writes it"
        ) from None
    except (OSError, ValueError) as exc:
        raise SystemExit(f"bench: {path} is unreadable: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SystemExit(f"bench: {path} is not a results file of bench/run.py")
    if not isinstance(data.get("rows"), dict):
        raise SystemExit(f"bench: {path} has no rows")
    return data


def save(path: Path, rows: Sequence[Row], machine: Mapping[str, str]) -> None:
    """Write a full run's rows, keeping the bounds a calibration wrote."""
    try:
        bounds = load(path).get("bounds", {})
    except SystemExit:
        bounds = {}
    data = {
        "format": FORMAT,
        "machine": dict(machine),
        "rows": rows_record(rows),
        "bounds": bounds,
    }
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


@dataclasses.dataclass(frozen=True)
class Verdict:
    """One row of the check: the committed ratio, this run's, and the bound."""

    key: str
    committed: float
    measured: float
    bound: float

    @property
    def limit(self) -> float:
        """The highest ratio that is still within the noise."""
        return self.committed * (1 + self.bound)

    @property
    def status(self) -> str:
        """``regressed`` past the bound, ``improved`` past it the other way."""
        if math.isnan(self.measured) or math.isnan(self.committed):
            return "not measured"
        if self.measured > self.limit:
            return "regressed"
        if self.measured < self.committed * (1 - self.bound):
            return "improved"
        return "ok"


def compare(rows: Iterable[Row], data: Mapping[str, Any]) -> list[Verdict]:
    """Compare each measured row with the committed one of the same key."""
    committed = data["rows"]
    bounds = data.get("bounds", {})
    verdicts = []
    for row in rows:
        key = row_key(row)
        if key not in committed:
            continue
        bound = bounds.get(key, {}).get("bound", FLOOR)
        verdicts.append(
            Verdict(key, float(committed[key]["compared"]), compared(row), bound)
        )
    return verdicts


def calibrate(
    runs: Sequence[Sequence[Row]], data: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Set each row's bound from the deviations of repeated checks on one commit."""
    deviations: dict[str, list[float]] = {}
    for rows in runs:
        for verdict in compare(rows, data):
            if verdict.status != "not measured":
                deviation = verdict.measured / verdict.committed - 1
                deviations.setdefault(verdict.key, []).append(deviation)
    return {
        key: {
            "bound": round(max(FLOOR, MARGIN * max(abs(d) for d in found)), 3),
            "deviations": [round(d, 3) for d in found],
        }
        for key, found in deviations.items()
    }


def render(verdicts: Sequence[Verdict]) -> str:
    """Tabulate the verdicts (Markdown) and end with the outcome."""
    lines = [
        "| row | committed | this run | bound | limit | result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for v in verdicts:
        lines.append(
            f"| {v.key} | {fmt(v.committed)} | {fmt(v.measured)} "
            f"| +{v.bound:.0%} | {fmt(v.limit)} | {v.status} |"
        )
    failed = [v for v in verdicts if v.status == "regressed"]
    if not verdicts:
        lines.append("\nno row of this run has a committed result to compare with")
    elif failed:
        lines.append(f"\n{len(failed)} regression(s) beyond the noise bound")
    else:
        lines.append("\nno regression beyond the noise bound")
    return "\n".join(lines)


def failed(verdicts: Sequence[Verdict]) -> bool:
    """Tell whether the check fails: a regression, or nothing to compare."""
    return not verdicts or any(v.status == "regressed" for v in verdicts)
