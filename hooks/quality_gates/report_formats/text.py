"""One line per finding, ``path:line:col: TOOL RULE message``, then counts.

Every line passes through ``escape.terminal.line``: what a repository wrote
(messages, paths, notes, errors) shows its control characters and never
becomes a workflow command in the Actions log.
"""

from __future__ import annotations

from quality_gates.escape import terminal
from quality_gates.report import Report, Summary
from quality_gates.score import format_debt


def line(
    finding_path: str, line_no: int, col: int, tool: str, rule: str, message: str
) -> str:
    """Format one finding as ``path:line:col: TOOL RULE message``, on one line.

    Every character a repository wrote that a terminal would obey, a line
    break in a message (a workflow step's name holds one) included, is shown
    as an escape (``escape.terminal``): one finding is one safe line.
    """
    return terminal.line(f"{finding_path}:{line_no}:{col}: {tool} {rule} {message}")


def verdict(report: Report) -> str:
    """Summarise: counts by tool, score, ratchet, notes, errors and the decision."""
    out: list[str] = []
    counts = report.counts_by_tool()
    if counts:
        out.append(
            f"{len(report.findings)} finding(s): "
            + ", ".join(f"{tool} {n}" for tool, n in counts.items())
        )
    summary = report.summary
    if summary.score is not None:
        debt = summary.debt or f"{summary.debt_minutes}m"
        out.append(f"score {summary.score} ({summary.rating}), debt {debt}")
    if summary.split is not None:
        out.append(split(summary.split))
    out.extend(ratchet(summary))
    for note in report.notes:
        out.append(f"note: {note}")
    for error in report.errors:
        out.append(f"error: {error}")
    word = {0: "passed", 1: "failed"}.get(report.exit_code, "error")
    reasons = summary.reasons or []
    out.append(
        f"{report.command}: {word}" + (": " + "; ".join(reasons) if reasons else "")
    )
    return terminal.lines(out)


PARTS = {"tests": "tests", "rest": "the rest"}


def split(parts: dict[str, dict[str, int]]) -> str:
    """Say the findings and debt of the tests and of the rest, in one line."""
    return "; ".join(
        f"{label}: {part['findings']} finding(s), debt "
        f"{format_debt(part['debt_minutes'])} in {part['files']} file(s)"
        for name, label in PARTS.items()
        if (part := parts.get(name)) is not None
    )


def ratchet(summary: Summary) -> list[str]:
    """List the baseline and diff counts, when the run used them."""
    out = []
    counts = summary.baseline
    if counts is not None and counts.baselined is not None:
        out.append(
            f"baseline: {summary.new} new, {counts.baselined} baselined, "
            f"{counts.fixed} fixed since the baseline"
        )
    if summary.outside_diff is not None:
        out.append(
            f"diff: {summary.outside_diff} finding(s) outside the changed lines "
            "do not fail the gate"
        )
    return out


def render(report: Report) -> str:
    """Render every finding on one line, then the verdict."""
    # ``line``'s format, inline, each line made safe once by ``terminal.lines``:
    # a legacy tree's run prints 74k of them
    out = [
        f"{f.path}:{f.line}:{f.column}: {f.tool} {f.rule} {f.message}"
        + ("" if f.new is not False else " [not new]")
        for f in report.findings
    ]
    return terminal.lines(out) + verdict(report)
