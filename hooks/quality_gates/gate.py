"""From the runner's outcome to a verdict: which findings fail the gate, and why."""

from __future__ import annotations

from quality_gates.config import SEVERITY_LEVELS, Config
from quality_gates.errors import ERROR, FAILED, PASSED
from quality_gates.report import Report
from quality_gates.runner import Outcome


def fails(severity: str, fail_on: str) -> bool:
    """True when ``severity`` is at or above the ``fail-on`` level."""
    return SEVERITY_LEVELS.index(severity) <= SEVERITY_LEVELS.index(fail_on)


def decide(report: Report, config: Config) -> int:
    """Exit code: errors beat findings; only failing findings at ``fail-on`` count."""
    if report.errors:
        return ERROR
    if any(fails(f.severity, config.fail_on) for f in report.failing):
        return FAILED
    if report.summary.get("threshold_failures"):
        return FAILED
    return PASSED


def build_report(command: str, outcome: Outcome, config: Config) -> Report:
    report = Report(
        command=command,
        findings=outcome.findings,
        tools=outcome.tools,
        errors=list(outcome.errors),
        notes=list(outcome.notes),
    )
    report.summary.update(
        files=len(outcome.sources),
        findings=len(outcome.findings),
        fixed_files=len(outcome.fixed),
    )
    return report
