"""``quality-gates run``: the five tools, concurrent and cached, as one gate."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Collection, Mapping

from quality_gates import baseline as baseline_mod
from quality_gates import config as config_mod
from quality_gates import diffs
from quality_gates import files as files_mod
from quality_gates import report_formats, session, verdict
from quality_gates.commands._options import (
    add_baseline_option,
    add_runner_options,
    runner_limits,
)
from quality_gates.errors import GateError
from quality_gates.escape import terminal
from quality_gates.report import Report
from quality_gates.runner import Fixed, Outcome, Runner

NAME = "run"
HELP = "run black, isort, flake8, mypy and bandit as one cached, concurrent gate"
DESCRIPTION = """\
Run the chosen tools over the named files (or every git-tracked Python file with
--all-files), concurrently and through a content-hash cache, and report every
finding in one format, with the score, rating and debt of the checked files.

With a baseline (.quality-gates-baseline.json, `baseline` in config, or
--baseline) only new findings fail; with --diff-base REF only findings on lines
changed since the merge base with REF fail, and without named files the
changed Python files are checked.  --fail-under and --max-debt fail the gate on
the score and the debt (with --diff-base they only warn; with
--defer-thresholds, one shard of a split run, they are recorded for the merge);
the verdict lists every reason.

exit codes: 0 passed, 1 findings, 2 usage, config or tool error"""
TEXT_VIEW = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the files, tool, baseline, diff and threshold options."""
    parser.add_argument("filenames", nargs="*", metavar="FILES", help="files to check")
    parser.add_argument(
        "--all-files", action="store_true", help="check every git-tracked Python file"
    )
    parser.add_argument(
        "--tools",
        metavar="LIST",
        help="comma-separated tools (default: all five, or `tools` in config)",
    )
    parser.add_argument(
        "--fix",
        action="store_true",
        help="apply the fixers of the selected tools in place first (isort, black,"
        " ruff's safe fixes and format), then report what remains",
    )
    add_runner_options(parser)
    parser.add_argument(
        "--diff-base",
        metavar="REF",
        help="fail only on findings on lines changed since the merge base with REF",
    )
    add_baseline_option(parser)
    _add_threshold_options(parser)
    report_formats.add_options(parser)


def _add_threshold_options(parser: argparse.ArgumentParser) -> None:
    """Add --fail-under, --max-debt and --defer-thresholds (for a shard)."""
    parser.add_argument(
        "--fail-under",
        type=float,
        metavar="SCORE",
        help="fail when the score is under SCORE (0-100; default: `fail-under`)",
    )
    parser.add_argument(
        "--max-debt",
        type=int,
        metavar="MINUTES",
        help="fail when the debt is over MINUTES (default: `max-debt`)",
    )
    parser.add_argument(
        "--defer-thresholds",
        action="store_true",
        help="record fail-under and max-debt in the JSON report without applying"
        " them: the files are one shard of the tree, and `ci merge` applies them"
        " to the merged score",
    )


def progress(message: str) -> None:
    """Print one progress line on standard error."""
    terminal.say(f"quality-gates: {message}", file=sys.stderr, flush=True)


def select_files(
    args: argparse.Namespace,
    cfg: config_mod.Config,
    changed: Mapping[str, Collection[int]] | None = None,
    skipped: list[str] | None = None,
) -> list[str]:
    """Pick the files: named, every tracked one, or those changed since --diff-base.

    ``skipped`` gets a line for each tracked file that is not there to check.
    """
    if args.all_files and args.filenames:
        raise GateError("name files or use --all-files, not both")
    if changed is not None and not args.all_files and not args.filenames:
        return sorted(
            name
            for name in changed
            if files_mod.is_source(cfg.root, name)
            and not files_mod.excluded(name, cfg.exclude)
            and (cfg.root / name).is_file()
        )
    if args.all_files:
        found = files_mod.tracked_python_files(cfg.root, cfg.exclude, skipped)
        if not found:
            raise GateError(
                f"--all-files: no git-tracked Python files under {cfg.root}"
            )
        return found
    if not args.filenames:
        raise GateError("no files given: name files, or use --all-files")
    return files_mod.relative_files(cfg.root, args.filenames, cfg.exclude)


class Baseline:
    """The run's baseline: found before any tool runs, read once while they run."""

    def __init__(self, args: argparse.Namespace, cfg: config_mod.Config) -> None:
        """Find the baseline file (a required one missing is an error at once)."""
        self.path = baseline_mod.locate(
            cfg.root, args.baseline, cfg.baseline, required=cfg.baseline_required
        )
        self.entries: set[baseline_mod.Entry] | None = None

    def read(self) -> None:
        """Read and check the file, once; every way it is wrong is a GateError."""
        if self.path is not None and self.entries is None:
            self.entries = baseline_mod.load(self.path)

    def options(self, options: verdict.Options) -> verdict.Options:
        """Return ``options`` with the baseline's entries (read now if not yet)."""
        self.read()
        return dataclasses.replace(options, baseline=self.entries)


def gate_options(
    args: argparse.Namespace, cfg: config_mod.Config
) -> tuple[verdict.Options, Baseline]:
    """Thresholds, the baseline's file and changed lines, before any tool runs.

    The baseline itself is read while the tools run (``Baseline``): on a
    large tree, reading it would hold back the start of mypy, the longest.
    """
    fail_under = cfg.fail_under if args.fail_under is None else args.fail_under
    if fail_under is not None and not 0 <= fail_under <= 100:
        raise GateError("--fail-under must be from 0 to 100")
    max_debt = cfg.max_debt if args.max_debt is None else args.max_debt
    if max_debt is not None and max_debt < 0:
        raise GateError("--max-debt must be 0 or more minutes")
    baseline = Baseline(args, cfg)
    options = verdict.Options(
        changed=(
            diffs.changed_lines(cfg.root, args.diff_base) if args.diff_base else None
        ),
        fail_under=fail_under,
        max_debt=max_debt,
        whole_project=bool(args.all_files),
        defer_thresholds=args.defer_thresholds,
    )
    return options, baseline


def nothing_to_check(args: argparse.Namespace) -> str:
    """Say why no file is checked (the run still reports, with nothing in it)."""
    if args.diff_base and not args.filenames:
        return f"nothing to check: no Python file changed since {args.diff_base}"
    return (
        f"nothing to check: none of the {len(args.filenames)} named file(s) is Python"
    )


def _outcome(
    args: argparse.Namespace, runner: Runner, names: list[str], baseline: Baseline
) -> Outcome:
    """Fix (with --fix), then check the files; nothing to check is an empty run.

    The baseline is read while the check runs, once mypy is started; with
    --fix, before any file is rewritten (a broken baseline touches nothing).
    """
    fixed = Fixed()
    if args.fix and names:
        baseline.read()
        fixed = runner.fix(names)
        for name in fixed.files:
            terminal.say(f"Fixing {name}", file=sys.stderr)
    if not names:
        progress(nothing_to_check(args))
        return Outcome()
    return runner.check(names, meanwhile=baseline.read).after(fixed)


def report(args: argparse.Namespace) -> Report:
    """Run the gate on the chosen files; the report carries its verdict."""
    limits = runner_limits(args)
    cfg = session.configure(limits)
    tools = cfg.tools if args.tools is None else config_mod.tools_option(args.tools)
    options, baseline = gate_options(args, cfg)
    skipped: list[str] = []
    names = select_files(args, cfg, options.changed, skipped)
    listed = names if args.all_files else None
    with session.open_session(limits, progress) as checking:
        runner = checking.runner(cfg, tools, tracked=listed)
        outcome = _outcome(args, runner, names, baseline)
    options = baseline.options(options)
    built = verdict.build_report(NAME, outcome.noting(skipped), cfg, options)
    built.exit_code, built.summary.reasons = verdict.verdict(built, cfg)
    return built


def main(args: argparse.Namespace) -> int:
    """Run the gate, emit its report and return the exit code."""
    return report_formats.emit_verdict(report(args), args)
