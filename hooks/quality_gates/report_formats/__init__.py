"""Report formats: text, json, sarif, github, markdown."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from quality_gates import closed_pipe
from quality_gates.atomic import write_file
from quality_gates.escape import terminal
from quality_gates.report import Report
from quality_gates.report_formats import github, json_report, markdown, sarif, text

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "github": github.render,
    "markdown": markdown.render,
}


def add_options(parser: argparse.ArgumentParser) -> None:
    """``--format`` and ``--output``, shared by every reporting subcommand."""
    parser.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="text",
        help="report format (default: text)",
    )
    parser.add_argument(
        "--output",
        metavar="PATH",
        help="write the report to PATH (atomically) instead of standard output",
    )


TextView = Callable[[Report], str]


def emit_verdict(
    report: Report, args: argparse.Namespace, *, text_view: TextView | None = None
) -> int:
    """Emit ``report`` as ``--format`` and ``--output`` say; return its exit code."""
    emit(report, args.format, args.output, text_view=text_view)
    return report.exit_code


def emit(
    report: Report, fmt: str, output: str | None, *, text_view: TextView | None = None
) -> None:
    """Render and write the report; a short text verdict still goes to stderr.

    ``text_view`` is the subcommand's own text format (score's table), if any.
    """
    view = text_view or text.render
    rendered = view(report) if fmt == "text" else FORMATS[fmt](report)
    if output:
        write_file(Path(output), rendered, what="--output")
        # the person at the terminal still sees the findings and the verdict
        sys.stderr.write(view(report) if fmt != "text" else text.verdict(report))
        terminal.say(
            f"quality-gates {report.command}: {fmt} report written to {output}",
            file=sys.stderr,
        )
    else:
        _write_stdout(rendered)
        if fmt != "text":
            # a machine format on stdout must not hide why the gate errored
            for error in report.errors:
                terminal.say(
                    f"quality-gates {report.command}: error: {error}", file=sys.stderr
                )


def _write_stdout(rendered: str) -> None:
    """Write the report; a reader that stopped early (``| head``) ends it quietly.

    The verdict was reached before the report was written: the exit code is
    still the gate's, whoever reads (or stops reading) the report.
    """
    try:
        sys.stdout.write(rendered)
        sys.stdout.flush()
    except BrokenPipeError:
        closed_pipe.silence(sys.stdout)
