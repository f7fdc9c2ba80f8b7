"""GitHub workflow commands: one ``::error``/``::warning``/``::notice`` per finding."""

from __future__ import annotations

from quality_gates.escape.actions_log import command
from quality_gates.report import Report

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def render(report: Report) -> str:
    """Render one annotation per failing finding and one per error."""
    out = []
    for f in report.findings:
        if f.new is False:
            continue
        props = {
            "file": f.path,
            "line": f.line,
            "col": f.column,
            "title": f"{f.tool} {f.rule}",
        }
        out.append(command(_LEVEL.get(f.severity, "error"), f.message, props))
    for error in report.errors:
        out.append(command("error", error, {"title": report.command}))
    return "\n".join(out) + ("\n" if out else "")
