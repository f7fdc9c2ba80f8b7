"""``quality-gates run``: the five tools, concurrent and cached, as one gate."""

from __future__ import annotations

import argparse
import sys

from quality_gates import config as config_mod
from quality_gates import files as files_mod
from quality_gates import gate, reports
from quality_gates.cache import Cache
from quality_gates.errors import ERROR, GateError
from quality_gates.runner import Runner
from quality_gates.tools.base import Context

NAME = "run"
HELP = "run black, isort, flake8, mypy and bandit as one cached, concurrent gate"
DESCRIPTION = """\
Run the chosen tools over the named files (or every git-tracked Python file with
--all-files), concurrently and through a content-hash cache, and report every
finding in one format.

exit codes: 0 passed, 1 findings, 2 usage, config or tool error"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("filenames", nargs="*", metavar="FILES", help="files to check")
    parser.add_argument("--all-files", action="store_true", help="check every git-tracked Python file")
    parser.add_argument("--tools", metavar="LIST", help="comma-separated tools (default: all five, or `tools` in config)")
    parser.add_argument("--fix", action="store_true", help="apply isort and black in place first, then report what remains")
    parser.add_argument("--jobs", type=int, metavar="N", help="parallel tool processes (default: all cores)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    reports.add_options(parser)


def progress(message: str) -> None:
    print(f"quality-gates: {message}", file=sys.stderr, flush=True)


def select_files(args: argparse.Namespace, cfg: config_mod.Config) -> list[str]:
    if args.all_files and args.filenames:
        raise GateError("name files or use --all-files, not both")
    if args.all_files:
        found = files_mod.tracked_python_files(cfg.root, cfg.exclude)
        if not found:
            raise GateError(f"--all-files: no git-tracked Python files under {cfg.root}")
        return found
    if not args.filenames:
        raise GateError("no files given: name files, or use --all-files")
    return files_mod.relative_files(cfg.root, args.filenames, cfg.exclude)


def main(args: argparse.Namespace) -> int:
    root = files_mod.project_root()
    cfg = config_mod.load(root)
    tools = config_mod.parse_tools(args.tools.split(","), "--tools") if args.tools else cfg.tools
    if args.jobs is not None and args.jobs < 1:
        raise GateError("--jobs must be at least 1")
    names = select_files(args, cfg)
    cache = None if args.no_cache else Cache()
    runner = Runner(Context(root, cfg), tools, jobs=args.jobs or cfg.jobs, cache=cache, progress=progress)
    fixed: list[str] = []
    if args.fix and names:
        fixed = runner.fix(names)
        for name in fixed:
            print(f"Fixing {name}", file=sys.stderr)
    if not names:
        progress(f"nothing to check: none of the {len(args.filenames)} named file(s) is Python")
        outcome_findings = 0
        return 0 if outcome_findings == 0 else ERROR
    outcome = runner.check(names)
    outcome.fixed = fixed
    report = gate.build_report(NAME, outcome, cfg)
    report.exit_code = gate.decide(report, cfg)
    reports.emit(report, args.format, args.output)
    if cache:
        cache.close()
    return report.exit_code
