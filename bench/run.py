#!/usr/bin/env python3
"""Benchmark ``quality-gates run`` against the five tools run directly, on real sdists.

Downloads pinned source distributions from PyPI with pip, unpacks each into
``bench/work/`` (git-ignored), commits it to a fresh git repository (``--all-files``
reads git-tracked files), then measures, side by side in one run, the medians of
several runs:

1. cold cache: the gate against black, isort, flake8, mypy and bandit run one
   after the other with equivalent settings (every cache cleared);
2. warm, nothing changed: against the direct run and against ``ruff check``;
3. one file edited, rerun;
4. 1, 10 and 100 changed files, on the medium and the large tree;
5. peak memory of the whole process tree: the gate against the largest tool;
6. the ``quality-gate`` hook under ``pre-commit run`` against ``quality-gates run``.

It writes ``BENCHMARKS.md`` at the repository root and ``bench/results.png``.
Timings are wall-clock seconds; CPU seconds (user + system of every child
process) are recorded beside them because a shared machine makes wall time noisy.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import tarfile
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import sections  # noqa: E402  (bench/sections.py, beside this script)

REPO = HERE.parent
TOOLS = ("black", "isort", "flake8", "mypy", "bandit")
VERSIONED = (
    "black",
    "isort",
    "flake8",
    "flake8-docstrings",
    "mypy",
    "bandit",
    "ruff",
    "pre-commit",
)


@dataclasses.dataclass(frozen=True)
class Sdist:
    """A pinned source distribution from PyPI."""

    name: str
    version: str

    @property
    def requirement(self) -> str:
        """Pin for pip."""
        return f"{self.name}=={self.version}"


# ~28k, ~117k and ~492k lines of Python (counted with `wc -l` over *.py)
SMALL = Sdist("click", "8.5.1")
MEDIUM = Sdist("pytest", "9.2.0")
LARGE = Sdist("django", "5.2.19")

# (scenario, target, comparison) - ratio targets from issue 7
TARGETS = {
    "cold": 0.6,
    "warm": 0.03,
    "warm_vs_ruff": 10.0,
    "one_edit": 0.1,
    "scaling": 2.0,
    "memory": 1.5,
    # the hook under pre-commit against the command plus pre-commit's own floor
    # (a no-op hook on the same files): the issue sets no number; ours
    "pre_commit": 1.2,
}


# -- pure helpers -------------------------------------------------------------
def median(values: Iterable[float]) -> float:
    """Return the median, or NaN for no values."""
    data = [v for v in values if v == v]
    return statistics.median(data) if data else float("nan")


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``; NaN when either is missing or the base is 0."""
    if denominator != denominator or numerator != numerator or denominator <= 0:
        return float("nan")
    return numerator / denominator


def verdict(value: float, target: float) -> str:
    """``pass`` when ``value <= target``, ``fail`` above it, ``n/a`` when unknown."""
    if value != value:
        return "n/a"
    return "pass" if value <= target else "fail"


def fmt(value: float, unit: str = "") -> str:
    """Format a number for the table: 3 significant digits, ``-`` when unknown."""
    if value != value:
        return "-"
    if abs(value) >= 100:
        return f"{value:.0f}{unit}"
    if abs(value) >= 10:
        return f"{value:.1f}{unit}"
    if abs(value) >= 1:
        return f"{value:.2f}{unit}"
    return f"{value:.3f}{unit}"


@dataclasses.dataclass
class Row:
    """One line of the results table: a measurement, its baseline and the ratio."""

    scenario: str
    tree: str
    measured: str
    value: float
    baseline_name: str
    baseline: float
    target: float
    unit: str = "s"
    note: str = ""
    cpu_value: float = float("nan")
    cpu_baseline: float = float("nan")

    @property
    def ratio(self) -> float:
        """Value over baseline."""
        return ratio(self.value, self.baseline)

    @property
    def cpu_ratio(self) -> float:
        """CPU seconds over the baseline's CPU seconds (NaN when not recorded)."""
        return ratio(self.cpu_value, self.cpu_baseline)

    @property
    def verdict(self) -> str:
        """Pass or fail against the target."""
        return verdict(self.ratio, self.target)


def render_table(rows: Sequence[Row]) -> str:
    """Render the results as a Markdown table."""
    head = (
        "| scenario | tree | measured | value | baseline | baseline value "
        "| ratio | target | result | CPU ratio |"
        "\n|---|---|---|---:|---|---:|---:|---:|---|---:|"
    )
    lines = [head]
    for r in rows:
        lines.append(
            f"| {r.scenario} | {r.tree} | {r.measured} | {fmt(r.value, ' ' + r.unit)} "
            f"| {r.baseline_name} | {fmt(r.baseline, ' ' + r.unit)} | {fmt(r.ratio)} "
            f"| <= {fmt(r.target)} | {r.verdict}{' - ' + r.note if r.note else ''} "
            f"| {fmt(r.cpu_ratio)} |"
        )
    return "\n".join(lines)


def pick_spread(items: Sequence[str], count: int) -> list[str]:
    """``count`` items spread evenly over ``items`` (all of them when fewer)."""
    if count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


# -- measuring ------------------------------------------------------------------
@dataclasses.dataclass
class Sample:
    """One measured command: wall and CPU seconds, peak memory, exit code."""

    wall: float
    cpu: float
    tree_peak_mb: float
    largest_process_mb: float
    returncode: int
    log: str = ""


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


class TreeSampler(threading.Thread):
    """Samples the summed RSS of every descendant of ``pid`` (psutil, if present)."""

    def __init__(self, pid: int, interval: float) -> None:
        """Watch the descendants of ``pid`` every ``interval`` seconds."""
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        """Sample until told to stop."""
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
            total = 0
            try:
                for child in root.children(recursive=True):
                    try:
                        total += child.memory_info().rss
                    except psutil.Error:
                        continue
            except psutil.Error:
                return
            self.peak = max(self.peak, total)


class Bench:
    """Runs and records measured commands; the scenarios live in functions below."""

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

    def say(self, message: str) -> None:
        """Print a progress line with the elapsed time."""
        spent = time.perf_counter() - self.started
        print(f"[bench {spent:6.0f}s] {message}", file=sys.stderr, flush=True)

    def measure(
        self, label: str, cmd: Sequence[str], *, cwd: Path, env: dict[str, str]
    ) -> Sample:
        """Run ``cmd`` once in a fresh child and record it under ``label``."""
        log = str(self.logs / f"{label.replace('/', '_')}-{uuid.uuid4().hex[:6]}")
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
        data = json.loads(out)
        sample = Sample(
            wall=data["wall"],
            cpu=data["cpu"],
            tree_peak_mb=sampler.peak / 2**20 if sampler.peak > 0 else float("nan"),
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

    def wall(self, label: str) -> float:
        """Return the median wall seconds of ``label``."""
        return median(s.wall for s in self.samples.get(label, []))

    def cpu(self, label: str) -> float:
        """Return the median CPU seconds of ``label``."""
        return median(s.cpu for s in self.samples.get(label, []))

    def peak(self, label: str) -> float:
        """Return the median peak memory of ``label``, in MB."""
        return median(s.tree_peak_mb for s in self.samples.get(label, []))


# -- the trees -------------------------------------------------------------------
def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` with a fixed identity."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }
    return subprocess.run(  # nosec B603 B607
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def download(sdist: Sdist, dest: Path) -> Path:
    """Return the sdist archive, downloaded with pip unless already there."""
    dest.mkdir(parents=True, exist_ok=True)
    prefix = f"{sdist.name}-{sdist.version}".lower()
    found = [p for p in dest.iterdir() if p.name.lower().startswith(prefix)]
    if not found:
        subprocess.run(  # nosec B603
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
            + ["--no-binary", ":all:", sdist.requirement, "-d", str(dest)],
            check=True,
        )
        found = [p for p in dest.iterdir() if p.name.lower().startswith(prefix)]
    if not found:
        raise SystemExit(f"bench: pip did not download {sdist.requirement}")
    return found[0]


def unpack(archive: Path, trees: Path, sdist: Sdist) -> Path:
    """Make a fresh git repository holding the sdist's files, committed."""
    root = trees / f"{sdist.name}-{sdist.version}"
    if root.exists():
        shutil.rmtree(root)
    staging = trees / f".staging-{uuid.uuid4().hex[:6]}"
    with tarfile.open(archive) as tar:
        tar.extractall(staging, filter="data")  # nosec B202 - the data filter
    (top,) = list(staging.iterdir())
    top.rename(root)
    staging.rmdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"{sdist.requirement} sdist")
    return root


def python_files(root: Path) -> tuple[list[str], list[str]]:
    """Return the files ``--all-files`` checks, and those the tools are given.

    The gate reports a file that is not valid Python itself and gives it to no
    tool; the direct run gets the same valid files, so both do the same work.
    """
    from quality_gates import config, files, sources

    cfg = config.load(root)
    names = files.tracked_python_files(root, cfg.exclude)
    valid = []
    for name in names:
        src, text = sources.read(root, name)
        if src.problem is None and sources.syntax_problem(name, text) is None:
            valid.append(name)
    return names, valid


def count_lines(root: Path, names: Sequence[str]) -> int:
    """Count the lines of ``names``."""
    total = 0
    for name in names:
        with open(root / name, "rb") as handle:
            total += sum(1 for _ in handle)
    return total


# -- commands ---------------------------------------------------------------------
def fresh_caches(work: Path) -> Path:
    """Make an empty folder for one run's caches."""
    path = work / "caches" / uuid.uuid4().hex[:8]
    path.mkdir(parents=True)
    return path


def environment(caches: Path) -> dict[str, str]:
    """Return the environment of every measured command: caches under ``caches``."""
    # no PYTHONDONTWRITEBYTECODE: a user's machine keeps .pyc files, and without
    # them every run recompiles the gate's own modules (~0.2 s of a warm run)
    dropped = ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        QUALITY_GATES_CACHE_DIR=str(caches / "quality-gates"),
        BLACK_CACHE_DIR=str(caches / "black"),
        XDG_CACHE_HOME=str(caches / "xdg"),
        RUFF_CACHE_DIR=str(caches / "ruff"),
        PRE_COMMIT_HOME=str(caches.parent.parent / "pre-commit-home"),
    )
    return env


def gate_command(report: Path | None) -> list[str]:
    """Build the gate's command line, as a user runs it (text report by default)."""
    exe = Path(sys.executable).with_name("quality-gates")
    head = [str(exe)] if exe.exists() else [sys.executable, "-m", "quality_gates"]
    extra = ["--format", "json", "--output", str(report)] if report else []
    return [*head, "run", "--all-files", *extra]


def direct_commands(root: Path, names: list[str], caches: Path) -> dict[str, list[str]]:
    """Each tool as a user runs it, with the settings the gate's adapters choose."""
    from quality_gates import config
    from quality_gates.tools import load
    from quality_gates.tools.base import Context

    ctx = Context(root, config.load(root))
    adapters = load()
    py = [sys.executable, "-m"]

    def settings(tool: str) -> list[str]:
        return list(adapters[tool].settings(ctx))

    return {
        "black": [*py, "black", "--check", "--quiet", *settings("black"), *names],
        "isort": [*py, "isort", "--check-only", "--quiet", "--settings-path", "."]
        + [*settings("isort"), *names],
        "flake8": [*py, "flake8", *settings("flake8"), *names],
        "mypy": [*py, "mypy", "--cache-dir", str(caches / "mypy"), *settings("mypy")]
        + names,
        "bandit": [*py, "bandit", "--quiet", "-r", *settings("bandit"), *names],
    }


# -- scenarios ----------------------------------------------------------------------
@dataclasses.dataclass
class Tree:
    """One unpacked sdist: where it is, what it holds."""

    key: str
    sdist: Sdist
    root: Path
    files: list[str]
    valid: list[str]
    lines: int
    warm_caches: Path | None = None


def run_gate(
    bench: Bench, tree: Tree, label: str, caches: Path, *, breakdown: bool = False
) -> Sample:
    """Run the gate once, as ``quality-gates run --all-files`` (text report).

    With ``breakdown`` (the cold runs) it writes the JSON report instead, for the
    per-tool seconds; rendering it is under 2% of a cold run.
    """
    report = bench.logs / f"{label.replace('/', '_')}-{uuid.uuid4().hex[:6]}.json"
    command = gate_command(report if breakdown else None)
    sample = bench.measure(label, command, cwd=tree.root, env=environment(caches))
    try:
        data = json.loads(report.read_text()) if breakdown else {}
    except (OSError, ValueError):
        data = {}
    if breakdown:
        bench.gate_tools[label] = data.get("tools", {})
    errors = data.get("errors") or []
    if sample.returncode == 2 or errors:
        bench.warnings.append(
            f"{label} on {tree.key}: exit {sample.returncode}: "
            + ("; ".join(map(str, errors))[:300] or _tail(sample.log))
        )
    return sample


def _tail(log: str) -> str:
    try:
        lines = Path(log + ".err").read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no log"
    return lines[-1][:300] if lines else "no message"


def run_direct(bench: Bench, tree: Tree, prefix: str, caches: Path) -> float:
    """Run the five tools one after the other; record each and return the total."""
    total = 0.0
    cpu = 0.0
    peaks = []
    for tool, cmd in direct_commands(tree.root, tree.valid, caches).items():
        label = f"{prefix}/{tool}"
        sample = bench.measure(label, cmd, cwd=tree.root, env=environment(caches))
        if tool == "mypy" and mypy_needs_bases(sample):
            # what a user does next: map files to modules by path; the failed
            # attempt is not counted against the direct run
            bench.samples[label].pop()
            cmd = [*cmd[:3], "--explicit-package-bases", *cmd[3:]]
            sample = bench.measure(label, cmd, cwd=tree.root, env=environment(caches))
        if sample.returncode not in (0, 1):
            bench.warnings.append(
                f"direct {tool} on {tree.key}: exit {sample.returncode}: "
                + _tail(sample.log)
            )
        total += sample.wall
        cpu += sample.cpu
        peaks.append(sample.tree_peak_mb)
    bench.samples.setdefault(f"{prefix}/total", []).append(
        Sample(total, cpu, max(peaks), float("nan"), 0)
    )
    return total


def mypy_needs_bases(sample: Sample) -> bool:
    """Tell whether mypy stopped before checking: two files map to one module."""
    if sample.returncode != 2:
        return False
    try:
        out = Path(sample.log + ".out").read_text(errors="replace")
    except OSError:
        return False
    return "Duplicate module named" in out or "found twice under different" in out


def cold(
    bench: Bench, tree: Tree, runs: int, *, direct: bool = True, warm: bool = True
) -> None:
    """Gate and direct run alternately, every cache fresh; keeps one warm cache."""
    for i in range(runs):
        bench.say(f"{tree.key}: cold run {i + 1}/{runs}")
        caches = fresh_caches(bench.work)
        run_gate(bench, tree, f"{tree.key}/gate-cold", caches, breakdown=True)
        if tree.warm_caches is not None:
            shutil.rmtree(tree.warm_caches, ignore_errors=True)
        tree.warm_caches = caches
        if direct:
            other = fresh_caches(bench.work)
            run_direct(bench, tree, f"{tree.key}/direct-cold", other)
            if warm and i == runs - 1:
                bench.say(f"{tree.key}: direct run with the tools' own caches warm")
                run_direct(bench, tree, f"{tree.key}/direct-warm", other)
            shutil.rmtree(other, ignore_errors=True)


def warm(bench: Bench, tree: Tree, runs: int) -> None:
    """Nothing changed: the gate, and ruff with its cache warm and without."""
    assert tree.warm_caches is not None  # nosec B101 - cold() ran first
    caches = tree.warm_caches
    env = environment(caches)
    ruff = [sys.executable, "-m", "ruff", "check", "--quiet", "--exit-zero", "."]
    bench.measure(f"{tree.key}/ruff-prime", ruff, cwd=tree.root, env=env)
    for _ in range(runs):
        run_gate(bench, tree, f"{tree.key}/gate-warm", caches)
        bench.measure(f"{tree.key}/ruff", ruff, cwd=tree.root, env=env)
        bench.measure(
            f"{tree.key}/ruff-no-cache", [*ruff, "--no-cache"], cwd=tree.root, env=env
        )


class Edits:
    """Appends a unique comment to files, and puts them back as they were."""

    def __init__(self, root: Path) -> None:
        """Edit files under ``root``."""
        self.root = root
        self.saved: dict[str, bytes] = {}

    def apply(self, names: Iterable[str]) -> None:
        """Append a new comment to each of ``names``."""
        token = uuid.uuid4().hex
        for name in names:
            path = self.root / name
            data = self.saved.setdefault(name, path.read_bytes())
            sep = b"" if data.endswith(b"\n") or not data else b"\n"
            path.write_bytes(data + sep + f"# bench edit {token}\n".encode())

    def restore(self) -> None:
        """Put every edited file back."""
        for name, data in self.saved.items():
            (self.root / name).write_bytes(data)
        self.saved.clear()


def edited(bench: Bench, tree: Tree, runs: int, counts: Sequence[int]) -> None:
    """Edit k files (a new comment each run) and rerun the gate."""
    assert tree.warm_caches is not None  # nosec B101 - cold() ran first
    edits = Edits(tree.root)
    candidates = [n for n in tree.files if (tree.root / n).stat().st_size > 0]
    for count in counts:
        chosen = pick_spread(candidates, count)
        label = f"{tree.key}/gate-edit-{count}"
        bench.say(f"{tree.key}: {len(chosen)} file(s) edited, {runs} run(s)")
        # the last, untimed run of each count writes JSON: where the time went
        for i in range(runs + 1):
            edits.apply(chosen)
            try:
                if i < runs:
                    run_gate(bench, tree, label, tree.warm_caches)
                else:
                    run_gate(
                        bench, tree, f"{label}-json", tree.warm_caches, breakdown=True
                    )
            finally:
                edits.restore()


PRE_COMMIT_CONFIG = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: quality-gate
  - repo: local
    hooks:
      - id: noop
        name: no-op (pre-commit's own floor)
        entry: "true"
        language: system
        types_or: [python, pyi]
        require_serial: true
"""


def pre_commit(bench: Bench, tree: Tree, runs: int) -> None:
    """Time the published hook under pre-commit against the command, both warm."""
    assert tree.warm_caches is not None  # nosec B101 - cold() ran first
    rev = git(REPO, "rev-parse", "HEAD").strip()
    config = tree.root / ".pre-commit-config.yaml"
    config.write_text(PRE_COMMIT_CONFIG.format(repo=REPO, rev=rev))
    git(tree.root, "add", ".pre-commit-config.yaml")
    git(tree.root, "commit", "-q", "-m", "pre-commit config")
    env = environment(tree.warm_caches)
    bench.say(f"pre-commit: installing the hook at {rev[:10]} (not timed)")
    subprocess.run(  # nosec B603
        [sys.executable, "-m", "pre_commit", "install-hooks"],
        cwd=tree.root,
        env=env,
        check=True,
        capture_output=True,
    )
    hook = [sys.executable, "-m", "pre_commit", "run", "quality-gate", "--all-files"]
    bench.measure(f"{tree.key}/pre-commit-prime", hook, cwd=tree.root, env=env)
    noop = [sys.executable, "-m", "pre_commit", "run", "noop", "--all-files"]
    for _ in range(runs):
        bench.measure(f"{tree.key}/pre-commit-warm", hook, cwd=tree.root, env=env)
        bench.measure(f"{tree.key}/pre-commit-noop", noop, cwd=tree.root, env=env)
        run_gate(bench, tree, f"{tree.key}/gate-warm-pc", tree.warm_caches)


# -- the report ---------------------------------------------------------------------
def tool_versions() -> dict[str, str]:
    """Return the installed version of every tool."""
    import importlib.metadata

    found = {}
    for name in VERSIONED:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def cpu_model() -> str:
    """Return the CPU model name."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    """Return the load averages."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def rows_for(
    bench: Bench, trees: dict[str, Tree], scaling_counts: Sequence[int]
) -> list[Row]:
    """Build every comparison the issue asks for, from the recorded samples."""
    rows: list[Row] = []
    for tree in trees.values():
        rows.extend(tree_rows(bench, tree.key))
    rows.extend(scaling_rows(bench, trees, scaling_counts))
    return rows


def tree_rows(bench: Bench, t: str) -> list[Row]:
    """Build the rows of scenarios 1, 2, 3, 5 and 6 for the tree ``t``."""
    direct = f"{t}/direct-cold/total"

    def row(scenario: str, label: str, base_name: str, base: str, target: str) -> Row:
        return Row(
            scenario,
            t,
            "gate" if label.startswith(f"{t}/gate") else label.split("/", 1)[1],
            bench.wall(label),
            base_name,
            bench.wall(base),
            TARGETS[target],
            cpu_value=bench.cpu(label),
            cpu_baseline=bench.cpu(base),
        )

    wanted = [
        (
            "1 cold cache",
            f"{t}/gate-cold",
            "5 tools one after the other",
            direct,
            "cold",
        ),
        ("2 warm, nothing changed", f"{t}/gate-warm", "5 tools, cold", direct, "warm"),
        (
            "2 warm, nothing changed",
            f"{t}/gate-warm",
            "ruff check (cache warm)",
            f"{t}/ruff",
            "warm_vs_ruff",
        ),
        ("3 one file edited", f"{t}/gate-edit-1", "5 tools, cold", direct, "one_edit"),
    ]
    rows = [row(*w) for w in wanted if w[1] in bench.samples and w[3] in bench.samples]
    peak = bench.peak(f"{t}/gate-cold")
    known = {x: bench.peak(f"{t}/direct-cold/{x}") for x in TOOLS}
    known = {x: v for x, v in known.items() if v == v}
    if known and peak == peak:
        top = max(known, key=lambda x: known[x])
        rows.append(
            Row(
                "5 peak memory (process tree)",
                t,
                "gate, cold",
                peak,
                f"largest tool ({top})",
                known[top],
                TARGETS["memory"],
                unit="MB",
            )
        )
    hook = f"{t}/pre-commit-warm"
    if hook in bench.samples:
        floor = bench.wall(f"{t}/pre-commit-noop")
        rows.append(
            Row(
                "6 pre-commit hook, warm",
                t,
                "pre-commit run quality-gate",
                bench.wall(hook),
                "quality-gates run + no-op hook's floor",
                bench.wall(f"{t}/gate-warm-pc") + floor,
                TARGETS["pre_commit"],
                note=f"floor {fmt(floor, ' s')}, command alone "
                f"{fmt(bench.wall(f'{t}/gate-warm-pc'), ' s')}",
            )
        )
    return rows


def scaling_rows(
    bench: Bench, trees: dict[str, Tree], counts: Sequence[int]
) -> list[Row]:
    """Compare k changed files on the large tree with the same k on the medium tree."""
    if "large" not in trees or "medium" not in trees:
        return []
    big, small = trees["large"], trees["medium"]
    size = big.lines / max(small.lines, 1)
    rows = []
    for count in counts:
        rows.append(
            Row(
                f"4 {count} changed file(s)",
                big.key,
                "gate",
                bench.wall(f"{big.key}/gate-edit-{count}"),
                f"same on {small.key} ({size:.1f}x fewer lines)",
                bench.wall(f"{small.key}/gate-edit-{count}"),
                TARGETS["scaling"],
            )
        )
    return rows


def detail_table(bench: Bench, trees: dict[str, Tree]) -> str:
    """Every recorded label: median wall, median CPU, peak tree memory, runs."""
    lines = [
        "| measurement | runs | wall (median) | CPU (median) "
        "| peak RSS, process tree |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, samples in bench.samples.items():
        if label.endswith(("-prime", "-json")):
            continue
        lines.append(
            f"| {label} | {len(samples)} | {fmt(bench.wall(label), ' s')} "
            f"| {fmt(bench.cpu(label), ' s')} | {fmt(bench.peak(label), ' MB')} |"
        )
    return "\n".join(lines)


def gate_breakdown(bench: Bench) -> str:
    """Per tool inside the gate (last run of each label): seconds and cached files."""
    lines = [
        "| gate run | tool | status | seconds (sum of its batches) | cached / files |",
        "|---|---|---|---:|---:|",
    ]
    for label, tools in bench.gate_tools.items():
        if not label.endswith(("gate-cold", "-json")):
            continue
        for name, info in sorted(tools.items()):
            lines.append(
                f"| {label} | {name} | {info.get('status')} "
                f"| {fmt(float(info.get('seconds', 0)))} "
                f"| {info.get('cached')} / {info.get('files')} |"
            )
    return "\n".join(lines)


def floor_notes(bench: Bench, trees: Sequence[Tree], cores: int) -> list[str]:
    """Explain the cold ratio: the best a gate on ``cores`` cores could do."""
    notes = []
    for tree in trees:
        t = tree.key
        gate_cpu, direct = bench.cpu(f"{t}/gate-cold"), bench.wall(
            f"{t}/direct-cold/total"
        )
        if gate_cpu == gate_cpu and direct == direct:
            floor = gate_cpu / cores
            notes.append(
                f"{t}, cold: the gate needs {fmt(gate_cpu, ' s')} of CPU (the tools' "
                f"own work: {fmt(bench.cpu(f'{t}/direct-cold/total'), ' s')}); on "
                f"{cores} cores that is at least {fmt(floor, ' s')}, a ratio of "
                f"{fmt(ratio(floor, direct))} to the direct run, which already runs "
                "black and flake8 on every core."
            )
    return notes


def render_markdown(
    rows: Sequence[Row],
    *,
    machine: dict[str, str],
    trees: Sequence[Tree],
    details: str,
    breakdown: str,
    warnings: Sequence[str],
    command: str,
    notes: Sequence[str] = (),
) -> str:
    """Render the whole BENCHMARKS.md."""
    out = ["# Benchmarks", "", f"Written by `{command}`; do not edit by hand.", ""]
    out += ["## Machine", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in machine.items()]
    out += ["", "## Trees (pinned sdists from PyPI, unpacked and committed to git)", ""]
    out += ["| tree | sdist | Python files | lines |", "|---|---|---:|---:|"]
    out += [
        f"| {t.key} | `{t.sdist.requirement}` | {len(t.files)} | {t.lines:,} |"
        for t in trees
    ]
    passed = sum(r.verdict == "pass" for r in rows)
    out += ["", f"## Results: {passed} of {len(rows)} targets met", ""]
    out += [
        "Medians of the runs; times are wall-clock seconds. Ratio = value / baseline.",
        "",
        render_table(rows),
        "",
        "## Every measurement",
        "",
        details,
        "",
        "## Inside the gate",
        "",
        breakdown,
    ]
    if notes:
        out += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    if warnings:
        out += ["", "## Warnings", ""] + [f"- {w}" for w in warnings]
    return "\n".join(out) + "\n"


def plot(
    rows: Sequence[Row],
    bench: Bench,
    trees: dict[str, Tree],
    counts: Sequence[int],
    path: Path,
) -> None:
    """Ratios against targets, and time against changed files, as a PNG."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    shown = [r for r in rows if r.ratio == r.ratio]
    names = [f"{r.scenario} ({r.tree})\nvs {r.baseline_name}" for r in shown]
    scores = [r.ratio / r.target for r in shown]
    colors = ["tab:green" if r.verdict == "pass" else "tab:red" for r in shown]
    left.barh(range(len(shown)), scores, color=colors)
    left.set_yticks(range(len(shown)), names, fontsize=7)
    left.axvline(1.0, color="black", linestyle="--")
    left.set_xscale("log")
    left.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    left.set_xlabel("ratio / target (left of the line: target met)")
    left.invert_yaxis()
    for tree in trees.values():
        xs = [c for c in counts if bench.samples.get(f"{tree.key}/gate-edit-{c}")]
        ys = [bench.wall(f"{tree.key}/gate-edit-{c}") for c in xs]
        if xs:
            right.plot(xs, ys, marker="o", label=f"{tree.key} ({tree.lines:,} lines)")
        warm_s = bench.wall(f"{tree.key}/gate-warm")
        if warm_s == warm_s:
            right.axhline(warm_s, linestyle=":", alpha=0.5)
    right.set_xscale("log")
    right.set_xlabel("changed files")
    right.set_ylabel("gate, seconds (dotted: nothing changed)")
    right.legend()
    fig.suptitle("quality-gates run: ratios to targets, and time against changed files")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


# -- main ---------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="Needs the dev venv "
        "(`pip install -e '.[test]' -r bench/requirements.txt`). "
        "The default run takes about 20 minutes on 2 cores; --quick about 3.",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per measurement (median; default 3)"
    )
    parser.add_argument(
        "--large-runs",
        type=int,
        default=1,
        help="cold runs on the large tree (default 1)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: {SMALL.requirement} only, 1 run",
    )
    parser.add_argument(
        "--skip-pre-commit", action="store_true", help="skip scenario 6"
    )
    parser.add_argument(
        "--skip-large-direct",
        action="store_true",
        help="no direct cold run on the large tree",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=HERE / "work",
        help="downloads and trees (default bench/work)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO / "BENCHMARKS.md",
        help="the Markdown report",
    )
    parser.add_argument(
        "--plot", type=Path, default=HERE / "results.png", help="the PNG plot"
    )
    parser.add_argument(
        "--interval", type=float, default=0.05, help="memory sampling interval, seconds"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="print every measurement"
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.large_runs < 1:
        parser.error("--runs and --large-runs must be at least 1")
    return args


def prepare(bench: Bench, key: str, sdist: Sdist) -> Tree:
    """Download, unpack and commit one sdist."""
    bench.say(f"{key}: {sdist.requirement}: download and unpack")
    archive = download(sdist, bench.work / "sdists")
    root = unpack(archive, bench.work / "trees", sdist)
    names, valid = python_files(root)
    return Tree(key, sdist, root, names, valid, count_lines(root, names))


def main(argv: Sequence[str] | None = None) -> int:
    """Run every scenario and write the report."""
    args = parse_args(argv)
    runs = 1 if args.quick else args.runs
    bench = Bench(args.work.resolve(), interval=args.interval, verbose=args.verbose)
    shutil.rmtree(bench.work / "caches", ignore_errors=True)
    shutil.rmtree(bench.logs, ignore_errors=True)
    bench.logs.mkdir(parents=True)
    load_before = load_average()
    trees: dict[str, Tree] = {}
    counts = (1, 10) if args.quick else (1, 10, 100)
    medium = prepare(
        bench, "medium" if not args.quick else "small", SMALL if args.quick else MEDIUM
    )
    trees[medium.key] = medium
    cold(bench, medium, runs)
    warm(bench, medium, runs)
    edited(bench, medium, runs, counts)
    if not args.skip_pre_commit:
        pre_commit(bench, medium, runs)
    if not args.quick:
        large = prepare(bench, "large", LARGE)
        trees["large"] = large
        cold(
            bench,
            large,
            args.large_runs,
            direct=not args.skip_large_direct,
            warm=False,
        )
        warm(bench, large, runs)
        edited(bench, large, runs, counts)
    rows = rows_for(bench, trees, counts)
    machine = {
        "cores": str(os.cpu_count()),
        "CPU": cpu_model(),
        "Python": platform.python_version(),
        "OS": platform.platform(),
        "load average before / after": f"{load_before} / {load_average()}",
        "date (UTC)": datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M"
        ),
        "quality-gates commit": git(REPO, "rev-parse", "--short", "HEAD").strip()
        + (
            " + uncommitted changes"
            if git(REPO, "status", "--porcelain", "--", "hooks").strip()
            else ""
        ),
        "runs per measurement": str(runs),
        **{f"{k} version": v for k, v in tool_versions().items()},
    }
    command = "python bench/run.py" + (
        " " + " ".join(argv) if argv else " " + " ".join(sys.argv[1:])
    )
    text = render_markdown(
        rows,
        machine=machine,
        trees=list(trees.values()),
        details=detail_table(bench, trees),
        breakdown=gate_breakdown(bench),
        warnings=bench.warnings,
        command=command.strip(),
        notes=floor_notes(bench, list(trees.values()), os.cpu_count() or 1),
    )
    # sections other scripts write (bench/hook_env.py, bench/ci_cache.py) stay
    args.output.write_text(text + sections.kept(args.output))
    try:
        plot(rows, bench, trees, counts, args.plot)
    except ImportError:
        bench.warnings.append("matplotlib not installed: no plot")
    shutil.rmtree(bench.work / "caches", ignore_errors=True)
    print(render_table(rows))
    print(f"wrote {args.output} and {args.plot}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
