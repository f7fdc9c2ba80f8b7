"""The actions' inputs turned into the options of ``run``, ``coverage``, ``security``.

Each function returns the options to give (by their ``dest``), for
``commands.options`` to build the subcommand's namespace in code: no command
line is written or parsed.  An input left empty gives nothing, so the option
keeps its default (the project's config).
"""

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


def shard_files(root: Path, options: GateOptions) -> list[str] | None:
    """Return the files of this shard (maybe none), or None for every tracked file."""
    shards.check_shard(options.shard_index, options.shard_count)
    if options.shard_count == 1:
        return None
    cfg = config_mod.load(root)
    names = files_mod.tracked_python_files(root, cfg.exclude)
    if not names:
        raise GateError(
            f"no git-tracked Python files under {root} to split into shards"
        )
    return shards.split_files(
        root, names, index=options.shard_index, count=options.shard_count
    )


def _given(**values: object) -> dict[str, object]:
    """Keep the options the inputs give: an empty or false one leaves the default."""
    return {
        dest: value
        for dest, value in values.items()
        if value is not False and value not in ("", [])
    }


def run_options(
    root: Path, options: GateOptions, *, mode: str, base: str
) -> dict[str, object] | None:
    """Return the ``quality-gates run`` options; None for a shard with no files."""
    files = shard_files(root, options)
    if files == []:
        return None
    return _given(
        all_files=files is None,
        filenames=files or [],
        tools=options.tools,
        diff_base=base if mode == "changed" else "",
        baseline=options.baseline,
        fail_under=options.fail_under,
        # a shard's score is its part's: the merge applies the thresholds
        defer_thresholds=options.shard_count > 1,
    )


def base_commit(root: Path, options: GateOptions, *, mode: str) -> str:
    """In changed mode the base commit, fetched if the clone is shallow."""
    if mode != "changed":
        return ""
    base = fetch_base.from_environment(options.base)
    return fetch_base.ensure_base(root, base)


def coverage_options(
    *, fail_under: str, changed_fail_under: str, base: str
) -> dict[str, object]:
    """Return the ``quality-gates coverage`` options of the coverage-gate."""
    return _given(
        combine=True,
        fail_under=fail_under,
        diff_base=base,
        # without a base, changed lines mean nothing
        changed_fail_under=changed_fail_under if base else "",
    )


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


def security_options(
    *,
    requirements: str,
    vuln_db: str,
    osv_url: str,
    severity: str,
    confidence: str,
    scan: str,
) -> dict[str, object]:
    """Return the ``quality-gates security`` options of the security-scan."""
    if scan not in ("all", "code", "dependencies"):
        raise GateError(f"scan must be all, code or dependencies, got {scan!r}")
    return _given(
        requirements=requirements.split(),
        vuln_db=vuln_db,
        osv_url=osv_url,
        severity_threshold=severity,
        confidence_threshold=confidence,
        no_deps=scan == "code",
        no_code=scan == "dependencies",
    )
