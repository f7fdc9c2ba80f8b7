"""The text a reporting subcommand run by ``quality-gates ci`` writes to the job's log.

``quality-gates ci`` builds the subcommand's options in code and its report in
this process (``commands/ci.py``); the report is emitted in the subcommand's own
text format if it has one, else as ``log_text``.
"""

from __future__ import annotations

from quality_gates.report import Report
from quality_gates.report_formats import text


def log_text(report: Report) -> str:
    """Return the text report for a job's log: the failing findings and the verdict.

    A legacy project's thousands of baselined findings (or findings off the
    changed lines) would bury the few that fail; they are counted, and listed
    in the JSON and SARIF reports.
    """
    out = [
        text.line(f.path, f.line, f.column, f.tool, f.rule, f.message)
        for f in report.findings
        if f.new is not False
    ]
    hidden = len(report.findings) - len(out)
    if hidden:
        out.append(
            f"({hidden} finding(s) that are not new are not listed here: they are in"
            " the JSON and SARIF reports)"
        )
    return "".join(line + "\n" for line in out) + text.verdict(report)
