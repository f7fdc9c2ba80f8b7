"""Build a reporting subcommand's Report in this process, from its command line.

The actions need one run to give every view of the result (JSON for merging,
SARIF, the job summary, annotations, outputs).  The inputs become the
subcommand's own command line, parsed by its own parser (so an input is
checked exactly as on the command line); its ``report`` builds the Report,
which is also emitted in the format the command line asks for (text in the
log by default, in the subcommand's own text format if it has one).
"""

from __future__ import annotations

from collections.abc import Sequence

from quality_gates import cli, reports
from quality_gates.errors import ERROR, GateError
from quality_gates.escape.terminal import say
from quality_gates.report import Report
from quality_gates.reports import text


def build(argv: Sequence[str]) -> Report:
    """Build and emit the report of ``quality-gates ARGV``.

    A GateError while building becomes a report of exit 2 carrying the error.
    """
    builder, args = cli.parse_reporting(argv)
    try:
        report = builder(args)
    except GateError as exc:
        say(f"quality-gates {args.command}: error: {exc}", flush=True)
        return Report(command=args.command, errors=[str(exc)], exit_code=ERROR)
    view = cli.text_view(args.command) or log_text
    reports.emit(report, args.format, args.output, text_view=view)
    return report


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
