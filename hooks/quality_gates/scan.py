"""Check a whole project once: every git-tracked Python file with the configured tools.

``score``, ``baseline`` and ``dashboard`` (and the history of past commits)
all need the same thing: the findings of the whole project and the lines of
code they were found in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from quality_gates import config as config_mod
from quality_gates import gate
from quality_gates.cache import Cache
from quality_gates.errors import GateError
from quality_gates.files import tracked_python_files
from quality_gates.report import Report
from quality_gates.runner import Outcome, Runner
from quality_gates.tools.base import Context


def check_project(
    root: Path,
    cfg: config_mod.Config,
    *,
    cache: Cache | None,
    jobs: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Run the configured tools over every tracked Python file of ``root``."""
    skipped: list[str] = []
    names = tracked_python_files(root, cfg.exclude, skipped)
    if not names:
        raise GateError(f"no git-tracked Python files under {root}")
    runner = Runner(
        Context(root, cfg),
        cfg.tools,
        jobs=jobs or cfg.jobs,
        cache=cache,
        progress=progress,
    )
    runner.notes.extend(skipped)
    return runner.check(names)


def project_report(
    command: str,
    root: Path,
    cfg: config_mod.Config,
    *,
    cache: Cache | None,
    jobs: int = 0,
    progress: Callable[[str], None] | None = None,
) -> tuple[Report, Outcome]:
    """Check the whole project and build its report (score, debt; no baseline)."""
    outcome = check_project(root, cfg, cache=cache, jobs=jobs, progress=progress)
    return gate.build_report(command, outcome, cfg), outcome
