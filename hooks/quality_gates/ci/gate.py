"""The quality-gate action's run: mode, shard and base turned into ``run`` arguments."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from quality_gates import config as config_mod
from quality_gates import files as files_mod
from quality_gates.ci import fetch_base, shards
from quality_gates.errors import GateError

CHANGED_EVENTS = ("pull_request", "pull_request_target", "merge_group")
MODES = ("auto", "changed", "all")


@dataclasses.dataclass
class GateOptions:
    """The quality-gate action's inputs, validated."""

    mode: str = "auto"
    base: str = ""
    tools: str = ""
    baseline: str = ""
    fail_under: str = ""
    shard_index: int = 0
    shard_count: int = 1


def resolve_mode(mode: str, event_name: str) -> str:
    """``auto`` is ``changed`` on pull requests and ``all`` otherwise."""
    if mode not in MODES:
        raise GateError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if mode != "auto":
        return mode
    return "changed" if event_name in CHANGED_EVENTS else "all"


def file_arguments(root: Path, options: GateOptions) -> list[str]:
    """``--all-files``, or the files of this shard (none: an empty list)."""
    shards.check_shard(options.shard_index, options.shard_count)
    if options.shard_count == 1:
        return ["--all-files"]
    cfg = config_mod.load(root)
    names = files_mod.tracked_python_files(root, cfg.exclude)
    if not names:
        raise GateError(
            f"no git-tracked Python files under {root} to split into shards"
        )
    return shards.split_files(
        root, names, index=options.shard_index, count=options.shard_count
    )


def run_arguments(
    root: Path, options: GateOptions, *, mode: str, base: str
) -> list[str]:
    """Return the ``quality-gates run`` command line for these options."""
    argv = ["run", *file_arguments(root, options)]
    if len(argv) == 1:
        return []
    if options.tools:
        argv += ["--tools", options.tools]
    for option, value in (
        ("--diff-base", base if mode == "changed" else ""),
        ("--baseline", options.baseline),
        ("--fail-under", options.fail_under),
    ):
        if value:
            argv += [option, value]
    if options.shard_count > 1:
        # a shard's score is its part's: the merge applies the thresholds
        argv.append("--defer-thresholds")
    return argv


def base_commit(root: Path, options: GateOptions, *, mode: str) -> str:
    """In changed mode the base commit, fetched if the clone is shallow."""
    if mode != "changed":
        return ""
    base = fetch_base.from_environment(options.base)
    return fetch_base.ensure_base(root, base)


def coverage_arguments(
    *, fail_under: str, changed_fail_under: str, base: str
) -> list[str]:
    """Return the ``quality-gates coverage`` command line of the coverage-gate."""
    argv = ["coverage", "--combine"]
    if fail_under:
        argv += ["--fail-under", fail_under]
    if base:
        argv += ["--diff-base", base]
        if changed_fail_under:
            argv += ["--changed-fail-under", changed_fail_under]
    return argv


def coverage_base(root: Path, explicit: str, *, event_name: str) -> str:
    """Return the base of changed-lines coverage: given, or the PR's (fetched)."""
    if not explicit and event_name not in CHANGED_EVENTS:
        return ""
    return fetch_base.ensure_base(root, fetch_base.from_environment(explicit))


def anchor_coverage(root: Path) -> list[str]:
    """Anchor the relative paths of the matrix's ``.coverage.*`` files in ``root``."""
    from quality_gates.ci import relative_coverage

    found = sorted(p for p in root.glob(".coverage.*") if p.is_file())
    for path in found:
        relative_coverage.anchor(str(path), str(root))
    return [p.name for p in found]


def security_arguments(
    *,
    requirements: str,
    vuln_db: str,
    osv_url: str,
    severity: str,
    confidence: str,
    scan: str,
) -> list[str]:
    """Return the ``quality-gates security`` command line of the security-scan."""
    if scan not in ("all", "code", "dependencies"):
        raise GateError(f"scan must be all, code or dependencies, got {scan!r}")
    argv = ["security"]
    for name in requirements.split():
        argv += ["-r", name]
    for option, value in (
        ("--vuln-db", vuln_db),
        ("--osv-url", osv_url),
        ("--severity-threshold", severity),
        ("--confidence-threshold", confidence),
    ):
        if value:
            argv += [option, value]
    if scan == "code":
        argv.append("--no-deps")
    elif scan == "dependencies":
        argv.append("--no-code")
    return argv
