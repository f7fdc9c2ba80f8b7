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
rise it saw over the committed ratio, never under ``FLOOR``; it writes
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
# what the check measures on the medium tree: every committed row of these
# scenarios must come back measured, or the check fails
TREE = "medium"
SCENARIOS = (
    "1 cold cache",
    "2 warm, nothing changed",
    "3 one file edited",
    "5 peak memory (process tree)",
)
# the least a bound may be, and how far past the worst calibration run it sits:
# one machine's calibration cannot show how another machine (CI's: another
# CPU, where Python, mypyc-compiled mypy and Rust's ruff keep other ratios)
# shifts a ratio, and a false failure blocks every submission
FLOOR = 0.25
MARGIN = 2.0
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


class CheckError(Exception):
    """The check cannot judge: its results file or its measurements are wrong."""


def load(path: Path) -> dict[str, Any]:
    """Read results.json; a missing or malformed file is a one-line CheckError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckError(
            f"{path} does not exist: a full run (python bench/run.py) writes it"
        ) from None
    except (OSError, ValueError) as exc:
        raise CheckError(f"{path} is unreadable: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckError(f"{path} is not a results file of bench/run.py")
    if not isinstance(data.get("rows"), dict):
        raise CheckError(f"{path} has no rows")
    for key, row in data["rows"].items():
        if not isinstance(row, dict) or not is_number(row.get("compared")):
            raise CheckError(f"{path}: row {key!r} has no number 'compared'")
    bounds = data.setdefault("bounds", {})
    if not isinstance(bounds, dict):
        raise CheckError(f"{path}: 'bounds' is not a table")
    for key, entry in bounds.items():
        if not isinstance(entry, dict) or not valid_bound(entry.get("bound")):
            raise CheckError(f"{path}: bound of {key!r} is not a number from 0 to 10")
    return data


def is_number(value: object) -> bool:
    """Tell whether a JSON value is a number (NaN included: a row not measured)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def valid_bound(value: object) -> bool:
    """Tell whether a bound is a finite fraction from 0 to 10 (+1000%)."""
    return is_number(value) and 0 <= float(value) <= 10  # type: ignore[arg-type]


def save(path: Path, rows: Sequence[Row], machine: Mapping[str, str]) -> None:
    """Write a full run's rows, keeping the bounds a calibration wrote."""
    try:
        bounds = load(path).get("bounds", {})
    except CheckError:
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


def expected(data: Mapping[str, Any]) -> list[str]:
    """Return the committed rows the check measures: the medium tree's scenarios."""
    return [
        key
        for key in data["rows"]
        if key.split(" | ")[0] == TREE and key.split(" | ")[1] in SCENARIOS
    ]


def compare(rows: Iterable[Row], data: Mapping[str, Any]) -> list[Verdict]:
    """Compare each row the check measures with the committed one of the same key.

    A committed row the check measures that this run did not (or measured as
    NaN) is ``not measured``, which fails the check: never a silent pass.
    """
    committed = data["rows"]
    bounds = data.get("bounds", {})
    measured = {row_key(row): compared(row) for row in rows}
    keys = expected(data) + [k for k in measured if k in committed]
    verdicts = []
    for key in dict.fromkeys(keys):
        bound = bounds.get(key, {}).get("bound", FLOOR)
        verdicts.append(
            Verdict(
                key,
                float(committed[key]["compared"]),
                measured.get(key, math.nan),
                bound,
            )
        )
    return verdicts


def calibrate(
    runs: Sequence[Sequence[Row]], data: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Set each row's bound from the deviations of repeated checks on one commit."""
    deviations: dict[str, list[float]] = {}
    for rows in runs:
        for verdict in compare(rows, data):
            if verdict.status == "not measured":
                raise CheckError(f"a calibration run did not measure {verdict.key}")
            deviation = verdict.measured / verdict.committed - 1
            deviations.setdefault(verdict.key, []).append(deviation)
    return {key: bound_of(found) for key, found in deviations.items()}


def bound_of(deviations: Sequence[float]) -> dict[str, Any]:
    """Return a row's bound: ``MARGIN`` x its worst rise, at least ``FLOOR``.

    Only a ratio above the committed one fails the check, so only the runs
    that came out slower than committed (deviations above 0) set the bound;
    every deviation is kept beside it.
    """
    worst = max((d for d in deviations if d > 0), default=0.0)
    return {
        "bound": round(max(FLOOR, MARGIN * worst), 3),
        "deviations": [round(d, 3) for d in deviations],
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
    missing = [v for v in verdicts if v.status == "not measured"]
    if not verdicts:
        lines.append("\nno row of this run has a committed result to compare with")
    elif missing:
        lines.append(f"\n{len(missing)} row(s) not measured: the check cannot judge")
    elif failed:
        lines.append(f"\n{len(failed)} regression(s) beyond the noise bound")
    else:
        lines.append("\nno regression beyond the noise bound")
    return "\n".join(lines)


def render_bounds(data: Mapping[str, Any]) -> str:
    """Render the calibration: each row's deviations, its bound, and how it is set."""
    facts = data.get("calibration", {})
    bounds = data.get("bounds", {})
    runs = len(next(iter(bounds.values()), {}).get("deviations", []))
    lines = [
        "## Noise bounds of the check: `bench/run.py --calibrate`",
        "",
        f"Written by `python bench/run.py --calibrate {runs}`: the check's plan "
        f"(the medium tree: cold once; warm and one edited file {CHECK_RUNS} "
        f"times each, medians) run {runs} times on one commit "
        f"({facts.get('quality-gates commit', '?')}, "
        f"{facts.get('date (UTC)', '?')} UTC, {facts.get('cores', '?')} cores, "
        f"load average before / after {facts.get('load average before / after', '?')}"
        "). A deviation is a run's ratio over the committed one, minus 1 "
        f"(CPU ratios; peak memory for the memory row). Bound = {MARGIN:g} x the "
        f"largest rise (a run slower than committed: only that fails the check), "
        f"never under {FLOOR:.0%}: `--check` fails on a ratio above committed x "
        "(1 + bound).",
        "",
        "| row | committed | deviations | bound |",
        "|---|---:|---|---:|",
    ]
    for key, entry in bounds.items():
        committed = data["rows"].get(key, {}).get("compared", math.nan)
        seen = ", ".join(f"{d:+.1%}" for d in entry.get("deviations", []))
        lines.append(f"| {key} | {fmt(committed)} | {seen} | +{entry['bound']:.0%} |")
    return "\n".join(lines) + "\n"


def failed(verdicts: Sequence[Verdict]) -> bool:
    """Tell whether the check fails: a regression, a row not measured, or none."""
    return exit_code(verdicts) != 0


def exit_code(verdicts: Sequence[Verdict]) -> int:
    """Return 1 for a regression; 2 when a row or every row went unmeasured."""
    if not verdicts or any(v.status == "not measured" for v in verdicts):
        return 2
    return 1 if any(v.status == "regressed" for v in verdicts) else 0
