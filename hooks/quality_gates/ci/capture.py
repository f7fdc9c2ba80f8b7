"""Run a reporting subcommand in this process and keep the Report it emits.

The actions need one run to give every view of the result (JSON for merging,
SARIF, the job summary, annotations, outputs).  The subcommand still emits the
format it was asked for; ``reports.emit`` is wrapped for the duration of the
call so the Report object is kept as well.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
from collections.abc import Iterator, Sequence

from quality_gates import reports
from quality_gates.errors import ERROR, GateError
from quality_gates.report import Report


@dataclasses.dataclass
class Captured:
    """The exit code of a subcommand and the Report it emitted (if any)."""

    exit_code: int
    report: Report | None


@contextlib.contextmanager
def _keeping(kept: list[Report]) -> Iterator[None]:
    original = reports.emit

    def emit(report: Report, fmt: str, output: str | None) -> None:
        kept.append(report)
        original(report, fmt, output)

    reports.emit = emit
    try:
        yield
    finally:
        reports.emit = original


def has_option(command: str, option: str) -> bool:
    """Tell whether ``quality-gates COMMAND`` accepts ``option`` in this version."""
    from quality_gates import cli

    parser, _ = cli.build_parser(command)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return option in action.choices[command]._option_string_actions
    return False


def run_subcommand(argv: Sequence[str]) -> Captured:
    """Run ``quality-gates ARGV`` here; a GateError becomes exit 2 with a report."""
    from quality_gates import cli

    parser, modules = cli.build_parser(argv[0] if argv else None)
    args = parser.parse_args(list(argv))
    kept: list[Report] = []
    with _keeping(kept):
        try:
            code = int(modules[args.command].main(args))
        except GateError as exc:
            report = Report(command=args.command, errors=[str(exc)], exit_code=ERROR)
            print(f"quality-gates {args.command}: error: {exc}", flush=True)
            return Captured(ERROR, report)
    return Captured(code, kept[-1] if kept else None)
