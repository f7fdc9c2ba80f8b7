"""One checking session: config, limits, the cache's life and the runner, in one place.

``run``, ``score``, ``baseline``, ``dashboard`` (with the history of past
commits) and ``security`` all check files with the tools.  Each builds its
``Limits`` from its command line, ``configure`` loads the project's config with
them, and ``open`` yields a ``Session`` whose cache is closed (and pruned)
whatever happens; every check in it runs a fresh ``Runner`` and returns that
runner's immutable ``Outcome``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from quality_gates import config as config_mod
from quality_gates import files as files_mod
from quality_gates import verdict
from quality_gates.cache import Cache
from quality_gates.errors import GateError
from quality_gates.report import Report
from quality_gates.runner import Outcome, Runner
from quality_gates.tools.base import Context

Progress = Callable[[str], None]


@dataclasses.dataclass(frozen=True)
class Limits:
    """What the command line says about a session; None leaves it to the config."""

    jobs: int | None = None
    use_cache: bool = True
    max_file_kb: int | None = None
    tool_timeout: float | None = None

    def __post_init__(self) -> None:
        """Refuse limits no run can keep, before anything is read."""
        if self.jobs is not None and self.jobs < 1:
            raise GateError("--jobs must be at least 1")
        if self.max_file_kb is not None and self.max_file_kb < 0:
            raise GateError("--max-file-kb must be 0 (no limit) or more")
        if self.tool_timeout is not None and not 0 <= self.tool_timeout < math.inf:
            raise GateError("--tool-timeout must be 0 (no limit) or more seconds")


def configure(limits: Limits, root: Path | None = None) -> config_mod.Config:
    """Load the config of the project at ``root`` (or this one) with the limits."""
    cfg = config_mod.load(files_mod.project_root() if root is None else root)
    if limits.max_file_kb is not None:
        cfg.max_file_kb = limits.max_file_kb
    if limits.tool_timeout is not None:
        cfg.tool_timeout = limits.tool_timeout
    return cfg


class Session:
    """Checks that share one open cache and the command line's limits."""

    def __init__(
        self, limits: Limits, cache: Cache | None, progress: Progress | None
    ) -> None:
        """Use ``cache`` (None: no cache); ``progress`` hears the runners."""
        self.limits = limits
        self.cache = cache
        self.progress = progress

    def runner(
        self,
        cfg: config_mod.Config,
        tools: Sequence[str] | None = None,
        tracked: Sequence[str] | None = None,
    ) -> Runner:
        """Return a runner of ``tools`` (default: the config's) on ``cfg``'s project.

        ``tracked``: the git-tracked Python files when the caller listed them
        (mypy's whole program then needs no second ``git ls-files``).
        """
        listed = None if tracked is None else tuple(tracked)
        return Runner(
            Context(cfg.root, cfg, tracked=listed),
            cfg.tools if tools is None else tools,
            jobs=self.limits.jobs or cfg.jobs,
            cache=self.cache,
            progress=self.progress,
        )

    def check_project(self, cfg: config_mod.Config) -> Outcome:
        """Check every git-tracked Python file of ``cfg``'s project."""
        skipped: list[str] = []
        names = files_mod.tracked_python_files(cfg.root, cfg.exclude, skipped)
        if not names:
            raise GateError(f"no git-tracked Python files under {cfg.root}")
        return self.runner(cfg, tracked=names).check(names).noting(skipped)

    def project_report(
        self, command: str, cfg: config_mod.Config
    ) -> tuple[Report, Outcome]:
        """Check the whole project and build its report (score, debt; no baseline)."""
        outcome = self.check_project(cfg)
        return verdict.build_report(command, outcome, cfg), outcome


@contextmanager
def open_session(limits: Limits, progress: Progress | None = None) -> Iterator[Session]:
    """Yield a session; its cache (unless ``limits`` say none) is closed afterwards."""
    cache = Cache() if limits.use_cache else None
    try:
        yield Session(limits, cache, progress)
    finally:
        if cache:
            cache.close(prune=True)
