"""``quality-gates protect``: changes to protected paths need an explicit approval."""

from __future__ import annotations

import argparse
import os
import tomllib
from pathlib import Path

from quality_gates import __version__
from quality_gates import config as config_mod
from quality_gates import diffs
from quality_gates import files as files_mod
from quality_gates import report_formats, textfile
from quality_gates.errors import FAILED, PASSED, GateError
from quality_gates.findings import fingerprint_findings
from quality_gates.guards.base import rule_infos
from quality_gates.guards.protect import changes as changes_mod
from quality_gates.guards.protect import check as protect
from quality_gates.guards.protect import settings as protect_settings
from quality_gates.guards.protect import trailers
from quality_gates.guards.protect.rules import RULES, TOOL
from quality_gates.guards.protect.settings import ProtectConfig
from quality_gates.report import Report, Summary, ToolRun

NAME = "protect"
HELP = "refuse changes to protected paths without an approval; check CODEOWNERS"
DESCRIPTION = """\
Check changes against the layers of path patterns in
[tool.quality-gates.protect].  A change to a protected path (added, modified,
deleted, renamed from or to) fails unless approved: QUALITY_GATES_APPROVE
names its pattern or layer, or the commit carries a `Protected-change: <reason>`
trailer.  Also checks that CODEOWNERS is valid and owns every protected path.

  protect                      the staged changes (git diff --cached -M)
  protect --commit-msg-file F  the staged changes; a trailer in F approves them
  protect --diff-base REF      every commit since the merge base with REF
                               (also PRE_COMMIT_FROM_REF under pre-commit)
  protect FILES...             the named files, as modified

exit codes: 0 passed, 1 findings, 2 usage or config error"""
TEXT_VIEW = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """FILES, ``--diff-base``, ``--commit-msg-file``, ``--format``, ``--output``."""
    parser.add_argument("filenames", nargs="*", metavar="FILES", help="files to check")
    parser.add_argument(
        "--diff-base",
        metavar="REF",
        help="check every commit since the merge base with REF (CI)",
    )
    parser.add_argument(
        "--commit-msg-file",
        metavar="PATH",
        help="the commit message (commit-msg stage): its trailer approves",
    )
    report_formats.add_options(parser)


def _base_config(root: Path, base: str) -> ProtectConfig | None:
    try:
        text = files_mod.git(
            root, "show", "--end-of-options", f"{base}:./pyproject.toml"
        )
        table = tomllib.loads(text).get("tool", {}).get("quality-gates", {})
        return protect_settings.parse(table.get("protect", {}))
    except (GateError, tomllib.TOMLDecodeError, AttributeError):
        return None


def _message_reason(path: str, trailer: str) -> str | None:
    text = textfile.read(Path(path))
    if text.problem:
        raise GateError(f"--commit-msg-file {path}: {text.problem}")
    return trailers.reason(text.text, trailer)


def _files(root: Path, names: list[str]) -> list[changes_mod.Change]:
    result = []
    for name in names:
        full = (Path(name) if Path(name).is_absolute() else Path.cwd() / name).resolve()
        try:
            rel = full.relative_to(root).as_posix()
        except ValueError:
            raise GateError(f"{name}: outside the project at {root}")
        result.append(changes_mod.Change("M", rel))
    return result


def _check(
    args: argparse.Namespace, root: Path, config: ProtectConfig, out: protect.Outcome
) -> ProtectConfig:
    base_ref = args.diff_base or (
        None
        if args.filenames or args.commit_msg_file
        else os.environ.get("PRE_COMMIT_FROM_REF")
    )
    if base_ref:
        return _check_commits(root, base_ref, config, out)
    reason = None
    if args.commit_msg_file:
        reason = _message_reason(args.commit_msg_file, config.trailer)
        if reason == "":
            out.notes.append(
                f"the {config.trailer} trailer has no reason: not an approval"
            )
    changes = (
        _files(root, args.filenames) if args.filenames else changes_mod.staged(root)
    )
    out.scope = "the named files" if args.filenames else out.scope
    approved = protect.approved_names(os.environ, config.approval_env)
    protect.check_changes(
        changes, config, approved=approved, trailer=reason, outcome=out
    )
    return config


def _check_commits(
    root: Path, base_ref: str, config: ProtectConfig, out: protect.Outcome
) -> ProtectConfig:
    """Check each commit since the merge base, under the base's config as well."""
    base = diffs.merge_base(root, base_ref)
    config = protect_settings.merge(config, _base_config(root, base))
    approved = protect.approved_names(os.environ, config.approval_env)
    commits = changes_mod.commits_since(root, base)
    out.scope = f"{len(commits)} commit(s) since the merge base with {base_ref}"
    for commit in commits:
        reason = trailers.reason(commit.message, config.trailer)
        where = f" in commit {commit.sha[:10]} ({commit.subject[:60]})"
        protect.check_changes(
            commit.changes,
            config,
            approved=approved,
            trailer=reason,
            context=where,
            outcome=out,
        )
    return config


def _validate(args: argparse.Namespace) -> None:
    if args.diff_base and args.filenames:
        raise GateError("name files or use --diff-base, not both")
    if args.diff_base and args.commit_msg_file:
        raise GateError(
            "--commit-msg-file is for the commit being made, not --diff-base"
        )


def report(args: argparse.Namespace) -> Report:
    """Check the changes and CODEOWNERS."""
    _validate(args)
    root = files_mod.project_root()
    config = protect_settings.parse(config_mod.load(root).section("protect"))
    if not config.layers:
        raise GateError(
            "nothing is protected: add [tool.quality-gates.protect] to pyproject.toml "
            'with a layer of path patterns, e.g. ci = [".github/workflows/"]'
        )
    try:
        files_mod.git(root, "rev-parse", "--git-dir")
    except GateError:
        raise GateError(
            f"{root} is not in a git repository: protect reads git's changes"
        )
    outcome = protect.Outcome()
    config = _check(args, root, config, outcome)
    lines = textfile.read(root / "pyproject.toml").lines
    if config.codeowners:
        outcome.findings += protect.ownership(root, config, lines)
    return _report(config, outcome, lines)


def _report(config: ProtectConfig, out: protect.Outcome, lines: list[str]) -> Report:
    approved = protect.approved_names(os.environ, config.approval_env)
    for name in protect.unknown_names(approved, config):
        out.notes.append(
            f"{config.approval_env} names {name!r}: no such pattern or layer"
        )
    out.notes.insert(
        0,
        f"checked {out.scope}: {out.changes} change(s), "
        f"{out.protected} to protected paths",
    )
    if out.approved:
        out.notes.append(f"{out.approved} protected change(s) approved")
    built = Report(
        command=NAME,
        findings=fingerprint_findings(out.findings, {"pyproject.toml": lines}),
        tools={TOOL: ToolRun(name=TOOL, version=__version__)},
        rules={TOOL: rule_infos(RULES)},
        notes=out.notes,
        summary=Summary(
            details={
                "changes": out.changes,
                "protected": out.protected,
                "approved": out.approved,
            }
        ),
    )
    built.exit_code = FAILED if built.findings else PASSED
    return built


def main(args: argparse.Namespace) -> int:
    """Check the changes, emit the report and return the exit code."""
    return report_formats.emit_verdict(report(args), args)
