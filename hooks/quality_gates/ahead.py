"""Start a whole-program tool (mypy) before every file's syntax is judged.

A cold run judges each file's syntax before the tools get it: a file that
is not valid Python stops mypy, so it is kept out of mypy's run and reported
once.  mypy takes the longest, on one core, so the runner starts it at once,
on the files it gets if every file not judged yet is valid, and judges them
meanwhile on the other core, the smallest first (a file that is not valid
on purpose, a test's fixture, is small; an empty ``__init__.py`` costs
nothing).  When one of them is not valid, that run is stopped at once and
mypy starts again without it (at most ``RESTARTS`` times; then mypy starts
after the judging, as it would without this).

The run started ahead is taken only when the runner's own plan, made after
the judging, asks for the same tool on the same files under the same cache
keys: the same command, so the same result as mypy started after the judging.
Otherwise it is stopped and the plan's run is started instead.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from quality_gates import processes

RESTARTS = 3
# how long the caller waits for the runs started ahead to start their process
STARTING_SECONDS = 2.0


@dataclasses.dataclass
class Launch:
    """One run started ahead: its files, its result keys, processes and future.

    ``own`` is what the run gathered beside its result (its notes), kept
    apart until the run is taken.
    """

    files: list[str]
    keys: Mapping[str, str]
    group: processes.Group
    future: concurrent.futures.Future[Any]
    own: Any
    names: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        """Index the files, to tell at once whether a file is one of them."""
        self.names = frozenset(self.files)


class Ahead:
    """The runs started ahead, by tool: stopped, started again or taken."""

    def __init__(
        self, launch: Callable[[str], Launch | None], tools: Sequence[str]
    ) -> None:
        """Start each tool's run (``launch`` says None when there is none to start)."""
        self.launch = launch
        self.restarts = RESTARTS
        self.live: dict[str, Launch] = {}
        for tool in tools:
            self._start(tool)

    def _start(self, tool: str) -> None:
        started = self.launch(tool)
        if started is not None:
            self.live[tool] = started

    def started(self, timeout: float = STARTING_SECONDS) -> None:
        """Wait (at most ``timeout``) until each run's process is started.

        Starting it takes its thread some Python work (its command, the
        environment): what the caller does next, under the interpreter's
        lock, would hold that start back.  A run that ended without starting
        one (an error) does not hold up the wait.
        """
        deadline = time.monotonic() + timeout
        for run in self.live.values():
            while not run.future.done():
                left = deadline - time.monotonic()
                if left <= 0 or run.group.started(min(left, 0.01)):
                    break

    def invalid(self, name: str) -> None:
        """File ``name`` is not valid: stop each run given it, and start it again."""
        for tool, run in list(self.live.items()):
            if name not in run.names:
                continue
            run.group.stop()
            del self.live[tool]
            if self.restarts > 0:
                self.restarts -= 1
                self._start(tool)

    def take(
        self, tool: str, files: Sequence[str], keys: Mapping[str, str]
    ) -> Launch | None:
        """Return the tool's run when it is the run asked for; else stop it."""
        run = self.live.pop(tool, None)
        if run is None:
            return None
        if run.files == list(files) and dict(run.keys) == dict(keys):
            return run
        run.group.stop()
        return None

    def drop(self) -> None:
        """Stop every run not taken (the plan did not ask for it)."""
        for run in self.live.values():
            run.group.stop()
        self.live.clear()
