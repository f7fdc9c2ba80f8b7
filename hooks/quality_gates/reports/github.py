"""GitHub workflow commands: one ``::error``/``::warning``/``::notice`` per finding."""

from __future__ import annotations

from quality_gates.report import Report

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    """Escape a workflow command's message (``%``, CR and LF)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command's property value (also ``:`` and ``,``)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    """Render one annotation per failing finding and one per error."""
    out = []
    for f in report.findings:
        if f.new is False:
            continue
        props = ",".join(
            (
                f"file={escape_property(f.path)}",
                f"line={f.line}",
                f"col={f.column}",
                f"title={escape_property(f'{f.tool} {f.rule}')}",
            )
        )
        out.append(
            f"::{_LEVEL.get(f.severity, 'error')} {props}::{escape_data(f.message)}"
        )
    for error in report.errors:
        out.append(
            f"::error title={escape_property(report.command)}::{escape_data(error)}"
        )
    return "\n".join(out) + ("\n" if out else "")
