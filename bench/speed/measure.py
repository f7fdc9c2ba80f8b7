"""One measured command: wall and CPU seconds, and the peak memory of its process tree.

Each command runs in a fresh child (``WRAPPER``) so that ``RUSAGE_CHILDREN``
covers it alone; a thread samples the summed RSS of every descendant meanwhile.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.speed.stats import median

# Runs the measured command in a fresh child so that RUSAGE_CHILDREN covers it alone.
WRAPPER = r"""
import json, resource, subprocess, sys, time
cmd, log = json.loads(sys.argv[1]), sys.argv[2]
with open(log + ".out", "wb") as out, open(log + ".err", "wb") as err:
    start = time.perf_counter()
    rc = subprocess.call(cmd, stdout=out, stderr=err)
    wall = time.perf_counter() - start
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
                  "maxrss_kb": ru.ru_maxrss}))
"""


@dataclasses.dataclass
class Sample:
    """One measured command: wall and CPU seconds, peak memory, exit code."""

    wall: float
    cpu: float
    tree_peak_mb: float
    largest_process_mb: float
    returncode: int
    log: str = ""


class TreeSampler(threading.Thread):
    """Samples the summed RSS of every descendant of ``pid`` (psutil, if present)."""

    def __init__(self, pid: int, interval: float) -> None:
        """Watch the descendants of ``pid`` every ``interval`` seconds."""
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        """Sample until told to stop; the peak stays -1 without psutil."""
        try:
            import psutil  # type: ignore[import-untyped]
        except ImportError:
            self.peak = -1
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.wait(self.interval):
            total = tree_rss(root)
            if total is None:
                return
            self.peak = max(self.peak, total)


def tree_rss(root: Any) -> int | None:
    """Sum the RSS of the descendants of a ``psutil.Process``; None once it is gone."""
    import psutil

    total = 0
    try:
        children = root.children(recursive=True)
    except psutil.Error:
        return None
    for child in children:
        try:
            total += int(child.memory_info().rss)
        except psutil.Error:
            continue
    return total


class Bench:
    """Runs and records measured commands under labels; the scenarios use it."""

    def __init__(self, work: Path, *, interval: float, verbose: bool) -> None:
        """Keep logs under ``work``."""
        self.work = work
        self.logs = work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.interval = interval
        self.verbose = verbose
        self.started = time.perf_counter()
        self.samples: dict[str, list[Sample]] = {}
        self.warnings: list[str] = []
        self.gate_tools: dict[str, dict[str, Any]] = {}
        # the last run of a label: how many findings, by what reported them
        self.findings: dict[str, dict[str, int]] = {}

    def say(self, message: str) -> None:
        """Print a progress line with the elapsed time."""
        spent = time.perf_counter() - self.started
        print(f"[bench {spent:6.0f}s] {message}", file=sys.stderr, flush=True)

    def log_path(self, label: str, suffix: str = "") -> Path:
        """Return a fresh log path for ``label``."""
        return self.logs / f"{label.replace('/', '_')}-{uuid.uuid4().hex[:6]}{suffix}"

    def measure(
        self, label: str, cmd: Sequence[str], *, cwd: Path, env: dict[str, str]
    ) -> Sample:
        """Run ``cmd`` once in a fresh child and record it under ``label``."""
        log = str(self.log_path(label))
        data, peak = self._spawn(cmd, log, cwd, env)
        sample = Sample(
            wall=data["wall"],
            cpu=data["cpu"],
            tree_peak_mb=peak / 2**20 if peak > 0 else float("nan"),
            largest_process_mb=data["maxrss_kb"] / 1024,
            returncode=data["rc"],
            log=log,
        )
        self.samples.setdefault(label, []).append(sample)
        if self.verbose:
            self.say(
                f"{label}: {sample.wall:.2f}s wall, {sample.cpu:.2f}s cpu, "
                f"{sample.tree_peak_mb:.0f} MB, exit {sample.returncode}"
            )
        return sample

    def _spawn(
        self, cmd: Sequence[str], log: str, cwd: Path, env: dict[str, str]
    ) -> tuple[dict[str, Any], int]:
        """Run the wrapper around ``cmd``; return its report and the peak RSS."""
        proc = subprocess.Popen(  # nosec B603
            [sys.executable, "-c", WRAPPER, json.dumps(list(cmd)), log],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        sampler = TreeSampler(proc.pid, self.interval)
        sampler.start()
        out, _ = proc.communicate()
        sampler.done.set()
        sampler.join()
        data: dict[str, Any] = json.loads(out)
        return data, sampler.peak

    def wall(self, label: str) -> float:
        """Return the median wall seconds of ``label``."""
        return median(s.wall for s in self.samples.get(label, []))

    def cpu(self, label: str) -> float:
        """Return the median CPU seconds of ``label``."""
        return median(s.cpu for s in self.samples.get(label, []))

    def peak(self, label: str) -> float:
        """Return the median peak memory of ``label``, in MB."""
        return median(s.tree_peak_mb for s in self.samples.get(label, []))
