"""``quality-gates score``: score, rating and debt of the whole project."""

from __future__ import annotations

import argparse
import sys

from quality_gates import config as config_mod
from quality_gates import report_formats, session
from quality_gates.commands._options import add_runner_options, runner_limits
from quality_gates.errors import ERROR, PASSED
from quality_gates.escape import terminal
from quality_gates.report import Report
from quality_gates.report_formats.text import PARTS
from quality_gates.score import format_debt

NAME = "score"
HELP = "score (0-100), rating (A-E) and technical debt of the whole project"
DESCRIPTION = """\
Check every git-tracked Python file with the configured tools and report the
score, the rating, the technical debt (remediation minutes), the lines of
code, the findings by tool and the rules that cost most.  The formula is in
docs/score.md ("Score, debt and the ratchet"); costs per rule are set in
[tool.quality-gates.costs], the cost of a line with `cost-per-line`.

exit codes: 0 scored, 2 usage, config or tool error"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --jobs, --no-cache, --format and --output."""
    add_runner_options(parser)
    parser.add_argument(
        "--tools",
        metavar="LIST",
        help="comma-separated tools (default: all five, or `tools` in config)",
    )
    report_formats.add_options(parser)


def _row(name: str, row: dict[str, int]) -> str:
    debt = format_debt(row["debt_minutes"])
    return f"  {name:<24} {row['findings']:>5} finding(s) {debt:>9}"


def render_text(report: Report) -> str:
    """Score, debt, lines of code, findings by tool and the costliest rules."""
    s = report.summary
    out = [
        f"score {s.score}/100, rating {s.rating}",
        f"debt {s.debt} ({s.debt_minutes} min) = {s.debt_ratio or 0.0:.2%} of "
        f"{s.lines_of_code} lines of code x {s.cost_per_line or 0.0:g} min per line",
        f"{s.findings} finding(s) in {s.files} file(s)",
    ]
    if s.split:
        out.append("tests and the rest:")
        for name, label in PARTS.items():
            part = s.split[name]
            out.append(_row(f"{label} ({part['files']} files)", part))
        out.append(f"  {s.test_files}")
    if s.by_tool:
        out.append("by tool:")
        for tool, row in s.by_tool.items():
            out.append(_row(tool, row))
    if s.top_rules:
        out.append("rules that cost most:")
        for row in s.top_rules:
            name = f"{row['tool']} {row['rule']}"
            out.append(_row(name, row))
    out.extend(f"error: {e}" for e in report.errors)
    if report.errors:
        out.append("note: the score covers only the tools that ran without error")
    out.extend(f"note: {n}" for n in report.notes)
    return terminal.lines(out)


TEXT_VIEW = render_text


def report(args: argparse.Namespace) -> Report:
    """Check every tracked file and score the project."""
    limits = runner_limits(args)
    cfg = session.configure(limits)
    if args.tools is not None:
        cfg.tools = config_mod.tools_option(args.tools)
    with session.open_session(limits, _progress) as checking:
        built, _ = checking.project_report(NAME, cfg)
    built.exit_code = ERROR if built.errors else PASSED
    return built


def main(args: argparse.Namespace) -> int:
    """Score the project, print or write the report, return the exit code."""
    return report_formats.emit_verdict(report(args), args, text_view=render_text)


def _progress(message: str) -> None:
    terminal.say(f"quality-gates: {message}", file=sys.stderr, flush=True)
