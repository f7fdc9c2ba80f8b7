"""``quality-gates coverage``: threshold, ratchet and changed-lines coverage."""

from __future__ import annotations

import argparse

from quality_gates import config as config_mod
from quality_gates import files as files_mod
from quality_gates import report_formats
from quality_gates.errors import GateError
from quality_gates.guards.coverage import data as coverage_mod
from quality_gates.guards.coverage import policy
from quality_gates.guards.coverage import ratchet as ratchet_mod
from quality_gates.report import Report

NAME = "coverage"
HELP = "fail on low coverage: threshold, ratchet and coverage of changed lines"
DESCRIPTION = """\
Read pytest-cov's data (.coverage through coverage.py, or a Cobertura
coverage.xml) and fail when the total is under --fail-under, when it dropped
below the recorded ratchet by more than --tolerance, or when the lines changed
since the merge base with --diff-base REF are covered less than
--changed-fail-under (the uncovered changed lines are listed as file:line).
With --diff-base a total under --fail-under only warns: a change is judged by
its changed lines and the ratchet, the total fails runs of the whole tree.

Defaults come from [tool.quality-gates.coverage] (data, fail-under,
changed-fail-under, tolerance, ratchet); fail-under also from coverage.py's own
[report] fail_under.  The ratchet is on when --ratchet or `ratchet` is given or
.quality-gates-coverage.json exists; --update-ratchet records a higher total.

exit codes: 0 passed, 1 coverage too low, 2 missing/empty/corrupt data, a ref
not in the history, or nothing to check"""
TEXT_VIEW = None


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number")
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text} is not from 0 to 100")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the coverage options and the report options."""
    add = parser.add_argument
    add(
        "--data",
        metavar="FILE",
        help=".coverage or coverage.xml (default: found in root)",
    )
    add(
        "--combine",
        action="store_true",
        help="combine .coverage.* files into --data first",
    )
    add("--fail-under", type=_percent, metavar="N", help="minimum total coverage in %%")
    add("--diff-base", metavar="REF", help="also check the lines changed since REF")
    add(
        "--changed-fail-under",
        type=_percent,
        metavar="N",
        help="minimum coverage of changed lines in %% (default: fail-under, else 100)",
    )
    add(
        "--ratchet",
        metavar="FILE",
        help=f"ratchet record (default {ratchet_mod.DEFAULT_FILE})",
    )
    add(
        "--tolerance",
        type=_percent,
        metavar="X",
        help="allowed drop below the ratchet, in points",
    )
    add(
        "--update-ratchet",
        action="store_true",
        help="record the total when it is higher",
    )
    report_formats.add_options(parser)


def report(args: argparse.Namespace) -> Report:
    """Read (or combine, then read) the data and gate on it."""
    root = files_mod.project_root()
    table = coverage_mod.settings(config_mod.load(root).section("coverage"))
    path = policy.data_file(args, table, root)
    notes = []
    if args.combine:
        inputs = coverage_mod.parallel_files(path)
        if not inputs:
            raise GateError(f"--combine: no {path.name}.* files in {path.parent}")
        path = coverage_mod.combine(inputs, target=path, root=root)
        notes.append(
            f"combined {len(inputs)} data file(s) into {policy.display(path, root)}"
        )
    data = coverage_mod.read(path, root)
    built = policy.build_report(data, policy.options(args, table, data, root), root)
    built.notes[:0] = notes
    return built


def main(args: argparse.Namespace) -> int:
    """Gate on the coverage data and emit the report."""
    return report_formats.emit_verdict(report(args), args)
