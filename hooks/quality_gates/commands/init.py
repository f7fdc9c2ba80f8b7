"""``quality-gates init``: adopt the suite in a project, keeping its settings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quality_gates import config as config_mod
from quality_gates.adopt import choose
from quality_gates.adopt import plan as plan_mod
from quality_gates.adopt import record as record_mod
from quality_gates.adopt import rev as rev_mod
from quality_gates.adopt import workflow
from quality_gates.errors import PASSED, GateError
from quality_gates.escape import terminal
from quality_gates.guards.integrity import audit as integrity
from quality_gates.report_formats import text as text_report

NAME = "init"
HELP = "adopt the suite: hooks, settings, a baseline and a workflow, from what is there"
DESCRIPTION = f"""\
Adopt quality-gates in the project at the current git repository's top:

- .pre-commit-config.yaml: the black, isort, flake8, mypy and bandit hooks
  (psf/black, black-pre-commit-mirror, pycqa/isort, pycqa/flake8 and
  pre-commit-hooks' old flake8 and pyflakes, mirrors-mypy, pycqa/bandit) are
  replaced by the suite's `quality-gate` hook, pinned to --rev; their
  files/exclude/stages and additional_dependencies go with it, and their args
  become the same settings in the tools' configs.
  Every other hook and every comment stays as it is.  ruff's hooks are kept.
- pyproject.toml: [tool.quality-gates] keys only where the suite would
  otherwise differ from what the project's configs say.
- .quality-gates-baseline.json: today's findings, so the gate fails only on new
  ones (an existing baseline is kept).
- {workflow.PATH}: the gate in GitHub Actions, at the same rev.
- {record_mod.PATH}: the hash of every file init wrote; a file
  changed since is not overwritten without --force.

A replaced bandit hook, or flake8 hook with flake8-docstrings, that ran on the
test files without a config of its own keeps doing so: init writes that config
([tool.bandit]; docstring-convention).  It prints which files are tests and what
the suite's defaults leave out there (assert, missing docstrings) in one line.

It also audits the gates already there (audit-gates) and prints what it finds.

exit codes: 0 written (or nothing to change), 2 usage, config or tool error
(nothing written)"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --dry-run, --force, --repo, --rev and --tools."""
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the diff of every file init would write, and write nothing",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite files changed since init wrote them",
    )
    parser.add_argument(
        "--repo",
        metavar="URL",
        help="the suite's repository for pre-commit: a URL, a fork, a mirror or a "
        "local checkout (default: what .quality-gates-init.json records, else where "
        "quality-gates was installed from, else its published home)",
    )
    parser.add_argument(
        "--rev",
        metavar="REV",
        help="tag, branch or commit of the repository to pin (default: the recorded "
        f"one, else the installed one, else the installed version's tag, "
        f"{rev_mod.default_rev()}); written as its commit SHA",
    )
    parser.add_argument(
        "--tools",
        metavar="LIST",
        help="comma-separated tools for the gate (default: configured, else all "
        "five, less those a kept ruff hook does)",
    )


def say(message: str) -> None:
    """Print one progress line on standard error."""
    terminal.say(f"quality-gates init: {message}", file=sys.stderr, flush=True)


def _audit(root: Path) -> None:
    audit = integrity.run(root)
    if not audit.findings:
        terminal.say(
            f"audit-gates: no problem in the {len(audit.files)} gate file(s) there"
        )
        return
    terminal.say(
        f"audit-gates: {len(audit.findings)} problem(s) in the gates already there:"
    )
    for f in audit.findings:
        terminal.say(
            "  " + text_report.line(f.path, f.line, f.column, f.tool, f.rule, f.message)
        )


def _summary(plan: plan_mod.Plan) -> None:
    report = plan.report
    counts = report.counts_by_tool()
    terminal.say(
        f"today's findings: {len(report.findings)}"
        + (
            " (" + ", ".join(f"{t} {n}" for t, n in counts.items()) + ")"
            if counts
            else ""
        )
    )
    summary = report.summary
    terminal.say(f"score {summary.score} ({summary.rating}), debt {summary.debt}")
    if summary.test_files:
        terminal.say(
            f"{summary.test_files} (`test-files` in [tool.quality-gates] changes it)"
        )
    if plan.new_against_baseline is not None:
        terminal.say(
            f"{plan.baseline} kept: "
            f"{plan.new_against_baseline} finding(s) are not in it"
            + (
                " (accept them with `quality-gates baseline --add-new`)"
                if plan.new_against_baseline
                else ""
            )
        )
    for note in plan.notes:
        terminal.say(f"note: {note}")
    for offer in plan.offers:
        terminal.say(f"offer: {offer}")


def _show_diffs(plan: plan_mod.Plan) -> None:
    """Print what init would change, file by file (the baseline by its count)."""
    for change in plan.changes:
        if change.path == plan.baseline:
            terminal.say(
                f"--- {change.path}: today's {len(plan.report.findings)} "
                "finding(s) (diff left out)"
            )
        else:
            sys.stdout.write(terminal.lines(change.diff().rstrip("\n").split("\n")))


def main(args: argparse.Namespace) -> int:
    """Plan, then print the diff (--dry-run) or write; report and audit."""
    tools = (
        config_mod.parse_tools(args.tools.split(","), "--tools") if args.tools else None
    )
    root = plan_mod.git_root(Path.cwd())
    request = plan_mod.Request(root, args.repo, args.rev, tools, args.force)
    try:
        plan = plan_mod.build(request, say)
    except choose.NothingToAdopt as exc:
        for offer in exc.offers:
            terminal.say(f"offer: {offer}")
        raise
    if args.dry_run:
        _show_diffs(plan)
    _summary(plan)
    _audit(root)
    if plan.refused:
        raise GateError(
            "; ".join(plan.refused)
            + ": not overwritten; see the diff with --dry-run, then use --force"
        )
    if args.dry_run:
        terminal.say(
            f"dry run: {len(plan.changes)} file(s) would change; nothing written"
        )
        return PASSED
    if not plan.changes:
        terminal.say("nothing to change: the project already has what init writes")
        return PASSED
    plan_mod.write(root, plan)
    for change in plan.changes:
        terminal.say(f"{'wrote' if change.old is None else 'updated'} {change.path}")
    terminal.say("next: `pre-commit install`, then commit these files")
    return PASSED
