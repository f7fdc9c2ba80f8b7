"""One line per finding, ``path:line:col: TOOL RULE message``, then counts."""

from __future__ import annotations

from quality_gates.report import Report


def line(finding_path: str, line_no: int, col: int, tool: str, rule: str, message: str) -> str:
    return f"{finding_path}:{line_no}:{col}: {tool} {rule} {message}"


def verdict(report: Report) -> str:
    """Counts by tool, errors, notes and the decision."""
    out: list[str] = []
    counts = report.counts_by_tool()
    if counts:
        out.append(
            f"{len(report.findings)} finding(s): "
            + ", ".join(f"{tool} {n}" for tool, n in counts.items())
        )
    summary = report.summary
    if summary.get("score") is not None:
        out.append(
            f"score {summary['score']} ({summary.get('rating')}), "
            f"debt {summary.get('debt', str(summary.get('debt_minutes')) + 'm')}"
        )
    for note in report.notes:
        out.append(f"note: {note}")
    for error in report.errors:
        out.append(f"error: {error}")
    word = {0: "passed", 1: "failed"}.get(report.exit_code, "error")
    out.append(f"{report.command}: {word}")
    return "\n".join(out) + "\n"


def render(report: Report) -> str:
    out = []
    for f in report.findings:
        mark = "" if f.new is not False else " [baselined]"
        out.append(line(f.path, f.line, f.column, f.tool, f.rule, f.message) + mark)
    body = "\n".join(out) + ("\n" if out else "")
    return body + verdict(report)
