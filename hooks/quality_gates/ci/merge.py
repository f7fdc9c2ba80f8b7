"""Merge the JSON reports of the shards of one gate into one report."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from quality_gates import verdict
from quality_gates.errors import ERROR, GateError
from quality_gates.findings import Finding
from quality_gates.report import BaselineCounts, Report, Summary, ToolRun

_TOOLRUN_FIELDS = (
    "version",
    "status",
    "seconds",
    "files",
    "cached",
    "message",
    "uri",
)


def read_report(path: Path) -> Report:
    """Read a Report from the JSON format; anything malformed is a GateError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GateError(f"{path}: not a readable JSON report ({exc})")
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise GateError(f"{path}: not a quality-gates JSON report (no findings list)")
    summary = data.get("summary") or {}
    if not isinstance(summary, dict):
        raise GateError(f"{path}: the summary is not an object")
    summary = {
        **summary,
        **{
            k: data[k]
            for k in ("score", "rating", "debt_minutes")
            if data.get(k) is not None
        },
    }
    tools = {
        name: ToolRun(name, **{k: v for k, v in run.items() if k in _TOOLRUN_FIELDS})
        for name, run in (data.get("tools") or {}).items()
    }
    try:
        findings = [Finding.from_dict(item) for item in data["findings"]]
    except TypeError as exc:
        raise GateError(f"{path}: malformed finding ({exc})")
    return Report(
        command=str(data.get("command") or "run"),
        findings=findings,
        tools=tools,
        errors=list(data.get("errors") or []),
        notes=list(data.get("notes") or []),
        summary=Summary.from_dict(summary),
        exit_code=int(data.get("exit_code", ERROR)),
    )


def _merge_tool(into: ToolRun | None, run: ToolRun) -> ToolRun:
    if into is None:
        return run
    merged = dataclasses.replace(
        into,
        seconds=into.seconds + run.seconds,
        files=into.files + run.files,
        cached=into.cached + run.cached,
    )
    if run.status != "ok":
        merged = dataclasses.replace(
            merged, status=run.status, message=into.message or run.message
        )
    return merged


def _empty(part: Summary) -> bool:
    """Tell a shard that had no files to check (it reports no score)."""
    return not part.files and not part.findings and part.lines_of_code is None


def _rescore(merged: Summary, parts: Sequence[Summary]) -> None:
    """Score the whole from the shards' debt and lines, as ``score`` documents.

    A shard with no files adds nothing; one that checked files without a score
    (a tool failed) leaves the whole unscored.
    """
    from quality_gates import score as score_mod

    parts = [p for p in parts if not _empty(p)]
    debt, loc = merged.debt_minutes, merged.lines_of_code
    per_line = parts[0].cost_per_line if parts else None
    if debt is None or loc is None or per_line is None:
        return
    if any(None in (p.debt_minutes, p.lines_of_code, p.cost_per_line) for p in parts):
        return
    ratio = score_mod.debt_ratio(debt, loc, per_line)
    merged.score = score_mod.score_from_ratio(ratio)
    merged.rating = score_mod.rating(ratio)
    merged.debt = score_mod.format_debt(debt)
    merged.debt_ratio = round(ratio, 6)
    merged.cost_per_line = float(per_line)


def _total(values: Iterable[int | None]) -> int | None:
    """Sum the counts that are there; ``None`` when none is."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _merge_summary(parts: Sequence[Summary]) -> Summary:
    counts = [p.baseline for p in parts if p.baseline is not None]
    merged = Summary(
        files=_total(p.files for p in parts),
        findings=_total(p.findings for p in parts),
        lines_of_code=_total(p.lines_of_code for p in parts),
        debt_minutes=_total(p.debt_minutes for p in parts),
        new=_total(p.new for p in parts),
    )
    baselined, fixed = _total(c.baselined for c in counts), _total(
        c.fixed for c in counts
    )
    if baselined is not None or fixed is not None:
        merged.baseline = BaselineCounts(baselined, fixed)
    _rescore(merged, parts)
    return merged


def merge(reports: Sequence[Report], *, expected: int = 0) -> Report:
    """One report: every finding, tool times added up, the worst exit code.

    The score is recomputed from the shards' added debt and lines of code (left
    out when a shard does not report them); ``expected`` shards missing is an
    error.
    """
    if not reports:
        raise GateError("no shard reports to merge")
    out = Report(command=reports[0].command)
    for report in reports:
        out.findings.extend(report.findings)
        out.errors.extend(report.errors)
        out.notes.extend(n for n in report.notes if n not in out.notes)
        for name, run in report.tools.items():
            out.tools[name] = _merge_tool(out.tools.get(name), run)
    out.findings.sort(key=Finding.sort_key)
    out.summary = (
        copy.deepcopy(reports[0].summary)
        if len(reports) == 1
        else _merge_summary([r.summary for r in reports])
    )
    if expected and len(reports) != expected:
        out.errors.append(f"expected {expected} shard report(s), found {len(reports)}")
    codes = [r.exit_code for r in reports]
    out.exit_code = ERROR if out.errors or ERROR in codes else max(codes)
    return out


def report_files(folder: Path) -> list[Path]:
    """Return the JSON reports in ``folder`` (recursively), sorted; none is an error."""
    if not folder.is_dir():
        raise GateError(f"{folder}: no such folder of shard reports")
    found = sorted(folder.rglob("*.json"))
    if not found:
        raise GateError(f"{folder}: no shard reports (*.json) found")
    return found


def fail_under_input(text: str) -> float | None:
    """Read the merge job's ``fail-under`` input: empty, or a score 0-100."""
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise GateError(f"--fail-under must be a score from 0 to 100, got {text!r}")
    return value


def deferred(reports: Sequence[Report]) -> verdict.Thresholds | None:
    """Return the thresholds the shards recorded; shards that disagree are an error.

    A shard without files records none; ``None`` when no shard recorded any.
    """
    found = {
        verdict.Thresholds.from_dict(r.summary.details[verdict.DEFERRED])
        for r in reports
        if verdict.DEFERRED in r.summary.details
    }
    if len(found) > 1:
        raise GateError(
            "the shards ran with different thresholds or modes: "
            + "; ".join(sorted(map(str, found)))
        )
    return found.pop() if found else None


def judge(
    merged: Report, parts: Sequence[Report], *, fail_under: float | None = None
) -> None:
    """Apply the whole tree's thresholds to the merged score, as ``run`` would.

    The shards recorded them (``fail-under``, ``max-debt``, changed-lines mode,
    ``fail-on``) instead of applying them to their parts; ``fail_under`` (the
    merge job's own input) overrides theirs.  In changed-lines mode a miss is
    a warning; on the whole tree it fails.
    """
    limits = deferred(parts)
    merged.summary.details.pop(verdict.DEFERRED, None)
    if limits is None:
        return
    merged.notes[:] = [n for n in merged.notes if n != verdict.deferred_note(limits)]
    if fail_under is not None:
        limits = dataclasses.replace(limits, fail_under=fail_under)
    verdict.apply_thresholds(merged, limits)
    code, merged.summary.reasons = verdict.judge(merged, limits.fail_on)
    merged.exit_code = max(merged.exit_code, code)
