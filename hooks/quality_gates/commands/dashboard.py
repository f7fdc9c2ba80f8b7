"""``quality-gates dashboard``: one offline HTML page: score, debt, their trend."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quality_gates import history, session
from quality_gates.atomic import write_file
from quality_gates.commands._options import add_runner_options, runner_limits
from quality_gates.errors import ERROR, PASSED, GateError
from quality_gates.escape import terminal
from quality_gates.report_formats import dashboard

NAME = "dashboard"
HELP = "write one self-contained HTML dashboard: score, debt, findings and their trend"
DESCRIPTION = """\
Check the working tree, then each of the last N commits (checked out into a
temporary git worktree; the content cache makes unchanged files free), and
write one HTML file that opens offline: score, rating, debt, findings by tool
and by rule, and a chart of score and debt over the commits.  Progress goes
to standard error.

exit codes: 0 written, 2 usage, config or tool error"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --output, --commits, --jobs and --no-cache."""
    parser.add_argument(
        "--output",
        metavar="PATH",
        default="quality-gates-dashboard.html",
        help="where to write the HTML (default: quality-gates-dashboard.html)",
    )
    parser.add_argument(
        "--commits",
        type=int,
        default=10,
        metavar="N",
        help="how many past commits the trend covers (default: 10; 0 for none)",
    )
    add_runner_options(parser)


def _progress(message: str) -> None:
    terminal.say(f"quality-gates dashboard: {message}", file=sys.stderr, flush=True)


def main(args: argparse.Namespace) -> int:
    """Score the working tree and the last commits, then write the HTML."""
    if args.commits < 0:
        raise GateError("--commits must be 0 or more")
    limits = runner_limits(args)
    missing = dashboard.missing_chart()
    if missing:
        raise GateError(missing)
    cfg = session.configure(limits)
    root = cfg.root
    # the runners say nothing: the page's progress is this command's own
    with session.open_session(limits) as checking:
        _progress("checking the working tree")
        report, _ = checking.project_report(NAME, cfg)
        points = []
        if args.commits:
            _progress(
                f"scoring the last {args.commits} commit(s) in a temporary worktree"
            )
            points = history.history(root, args.commits, checking, progress=_progress)
    title = f"quality-gates: {root.name}"
    page = dashboard.render(report, [p.to_dict() for p in points], title=title)
    write_file(Path(args.output), page, what="--output")
    for error in report.errors:
        terminal.say(f"error: {error}", file=sys.stderr)
    _progress(
        f"score {report.summary.score} ({report.summary.rating}), "
        f"debt {report.summary.debt}; written to {args.output}"
    )
    return ERROR if report.errors else PASSED
