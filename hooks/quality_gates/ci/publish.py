"""Every view of one result: JSON, SARIF, job summary, annotations, step outputs."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from quality_gates.atomic import write_atomic
from quality_gates.ci import outputs
from quality_gates.errors import ERROR
from quality_gates.escape.terminal import say
from quality_gates.report import Report
from quality_gates.report_formats import json_report, markdown, sarif


@dataclasses.dataclass
class Targets:
    """Where the views go; an empty path means "not wanted"."""

    json: str = ""
    sarif: str = ""
    max_annotations: int = outputs.DEFAULT_MAX_ANNOTATIONS
    title: str = ""


def summary_markdown(report: Report, *, left_out: int, title: str) -> str:
    """Render the Markdown report, with a title and the annotations left out."""
    text = markdown.render(report)
    if title:
        text = text.replace(f"## quality-gates {report.command}:", f"## {title}:", 1)
    if left_out:
        text += (
            f"\n{left_out} finding(s) were not annotated (annotations are capped);"
            " all are listed above or in the SARIF file.\n"
        )
    return text


def step_outputs(report: Report, targets: Targets) -> dict[str, object]:
    """Return the outputs every action exposes: score, rating, new findings, files."""
    summary = report.summary
    return {
        "score": "" if summary.score is None else summary.score,
        "rating": summary.rating or "",
        "debt-minutes": "" if summary.debt_minutes is None else summary.debt_minutes,
        "new-findings": len(report.failing),
        "coverage": "" if summary.percent is None else summary.percent,
        "findings": len(report.findings),
        "exit-code": report.exit_code,
        "sarif-file": (
            str(Path(targets.sarif).resolve()) if sarif_wanted(report, targets) else ""
        ),
        "report-file": str(Path(targets.json).resolve()) if targets.json else "",
    }


def sarif_wanted(report: Report, targets: Targets) -> bool:
    """Write SARIF only for a run that completed.

    After an error (exit 2: bad config, a tool that crashed) the findings are
    partial or none, and code scanning closes every alert an upload leaves out.
    """
    return bool(targets.sarif) and report.exit_code != ERROR


def _write_sarif(report: Report, targets: Targets) -> None:
    if sarif_wanted(report, targets):
        write_atomic(Path(targets.sarif), sarif.render(report))
    elif targets.sarif:
        Path(targets.sarif).unlink(missing_ok=True)  # a stale one is not this run's
        say(
            f"quality-gates: no SARIF written to {targets.sarif}: the run ended in an"
            " error, and an upload of partial results would close alerts"
        )


def publish(report: Report, targets: Targets) -> int:
    """Write every view of ``report``; return its exit code."""
    if targets.json:
        write_atomic(Path(targets.json), json_report.render(report))
    _write_sarif(report, targets)
    commands, left_out = outputs.annotation_commands(
        report, limit=targets.max_annotations
    )
    sys.stdout.write(commands)
    sys.stdout.flush()
    outputs.write_summary(
        summary_markdown(report, left_out=left_out, title=targets.title)
    )
    outputs.write_outputs(step_outputs(report, targets))
    return report.exit_code
