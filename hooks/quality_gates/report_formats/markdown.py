"""A job-summary table in GitHub-flavoured Markdown.

Everything a repository wrote (paths, messages, rules, notes, errors) goes
through ``escape.markdown``: shown as text, never as HTML or Markdown syntax.
"""

from __future__ import annotations

from quality_gates.escape.markdown import code, text
from quality_gates.report import BaselineCounts, Report
from quality_gates.report_formats.text import PARTS
from quality_gates.score import format_debt

MAX_ROWS = 200


def _count(value: object) -> str:
    """Format a summary cell; a count that does not apply is a dash."""
    return "-" if value is None else text(value)


def render(report: Report) -> str:
    """Render the verdict, score, tools and failing findings as Markdown tables."""
    word = {0: "passed", 1: "failed"}.get(report.exit_code, "error")
    out = [f"## quality-gates {report.command}: {word}", ""]
    out += _score(report)
    out += _split(report)
    out += _tools(report)
    out += _failing(report)
    for error in report.errors:
        out.append(f"- **error:** {text(error)}")
    for note in report.notes:
        out.append(f"- {text(note)}")
    return "\n".join(out).rstrip() + "\n"


def _score(report: Report) -> list[str]:
    s = report.summary
    out = []
    if s.score is not None:
        kept = s.baseline or BaselineCounts()
        row = (s.score, s.rating, s.debt, s.new, kept.baselined, kept.fixed)
        out += [
            "| score | rating | debt | new | baselined | fixed |",
            "|---|---|---|---|---|---|",
            "| " + " | ".join(_count(v) for v in row) + " |",
            "",
        ]
    out += [f"- {text(reason)}" for reason in s.reasons or ()]
    return out + [""] if s.reasons else out


def _split(report: Report) -> list[str]:
    """Show the findings and debt of the tests and the rest, and the test files."""
    s = report.summary
    if not s.split:
        return []
    out = ["| | files | findings | debt |", "|---|---|---|---|"]
    for name, label in PARTS.items():
        part = s.split[name]
        debt = format_debt(part["debt_minutes"])
        out.append(f"| {label} | {part['files']} | {part['findings']} | {debt} |")
    return out + ["", text(" ".join((s.test_files or "").split())), ""]


def _tools(report: Report) -> list[str]:
    if not report.tools:
        return []
    out = [
        "| tool | version | status | findings | cached / files | seconds |",
        "|---|---|---|---|---|---|",
    ]
    counts = report.counts_by_tool()
    for name, run in sorted(report.tools.items()):
        out.append(
            f"| {text(name)} | {text(run.version)} | {text(run.status)} "
            f"| {counts.get(name, 0)} | {run.cached} / {run.files} "
            f"| {run.seconds:.2f} |"
        )
    return out + [""]


def _failing(report: Report) -> list[str]:
    failing = report.failing
    if not failing:
        return []
    out = ["| file | line | tool | rule | message |", "|---|---|---|---|---|"]
    for f in failing[:MAX_ROWS]:
        out.append(
            f"| {code(f.path)} | {f.line} | {text(f.tool)} | {text(f.rule)} "
            f"| {text(f.message)} |"
        )
    if len(failing) > MAX_ROWS:
        out.append(f"\n{len(failing) - MAX_ROWS} more finding(s) not shown.")
    return out + [""]
