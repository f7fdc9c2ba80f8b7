#!/usr/bin/env python3
"""Measure what a pre-commit user installs: ``pre-commit install-hooks`` time and size.

For each git rev of this repository (default: ``main`` and ``HEAD``) it makes a
snapshot repository of that rev, a consumer whose ``.pre-commit-config.yaml``
pins it (the ``quality-gate`` hook), and runs ``pre-commit install-hooks`` in a
fresh ``PRE_COMMIT_HOME``: once to warm pip's cache, then ``--runs`` times
measured.  The environment's size is ``du`` of pre-commit's ``py_env-*``.

Beside each run, the floor: pip installing the pinned toolchain alone (the
package's dependencies, read from pyproject.toml, into a fresh virtual
environment, pip's cache as warm): what any install of the five tools costs.
Between the two, what pre-commit runs without pre-commit: a fresh virtualenv
and ``pip install .`` in the snapshot, which splits the difference into
pre-commit's own share (its start, the clone) and the package's (building
the suite's wheel, unpacking and compiling its modules).  The three
alternate, so all see the same load.  Each is timed in wall and in CPU
seconds (user + system of every process it started): on a shared machine
the load stretches the CPU-bound parts of an install and not its waits on
the index, so the wall ratio grows with the load; the CPU ratio does not.
It writes the ``hook-environment`` section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
from bench import sections  # noqa: E402  (this checkout's bench scripts)
from bench.sdists import commit_all, git  # noqa: E402

GOAL_MB = 160
# the install may take this much longer than pip installing the toolchain alone
GOAL_RATIO = 1.1


def snapshot(rev: str, dest: Path) -> tuple[Path, str]:
    """Make a one-commit repository of this repository at ``rev``."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = subprocess.run(  # nosec B603 B607
        ["git", "archive", rev], cwd=REPO, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x"], cwd=dest, input=archive, check=True)  # nosec
    git(dest, "init", "-q", "-b", "main")
    commit_all(dest, f"snapshot of {rev}")
    return dest, git(dest, "rev-parse", "HEAD").strip()


def consumer(dest: Path, repo: Path, rev: str) -> Path:
    """Make a consumer repository that pins ``repo`` at ``rev``."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    (dest / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {repo}\n  rev: {rev}\n  hooks:\n  - id: quality-gate\n"
    )
    git(dest, "init", "-q", "-b", "main")
    return dest


def size_mb(path: Path) -> float:
    """Return the disk usage of ``path`` in MB (du, apparent blocks)."""
    out = subprocess.run(  # nosec B603 B607
        ["du", "-sk", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return int(out.split()[0]) / 1024


Timing = tuple[float, float]


def timed(work: Callable[[], None]) -> Timing:
    """Return the wall and CPU seconds (every child process's) ``work`` took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    work()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def run(cmd: Sequence[str], cwd: Path | None = None, env: dict | None = None) -> None:
    """Run ``cmd``, quietly; a failure raises."""
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)  # nosec


def install_hooks(project: Path, home: Path) -> tuple[Timing, float]:
    """Run ``pre-commit install-hooks`` in a fresh home; return its timing and MB."""
    shutil.rmtree(home, ignore_errors=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    env.pop("PYTHONPATH", None)
    cmd = [sys.executable, "-m", "pre_commit", "install-hooks"]
    timing = timed(lambda: run(cmd, cwd=project, env=env))
    (venv,) = home.glob("repo*/py_env-*")
    return timing, size_mb(venv)


def fresh_venv(venv: Path) -> list[str]:
    """Make a fresh virtualenv as pre-commit does; return its pip command."""
    shutil.rmtree(venv, ignore_errors=True)
    # pre-commit makes its environments with virtualenv
    run([sys.executable, "-m", "virtualenv", "-q", str(venv)])
    return [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]


def pip_install_suite(suite: Path, work: Path) -> Timing:
    """Time what pre-commit runs, without it: a virtualenv, ``pip install .``."""
    copy = work / "suite-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(suite, copy, ignore=shutil.ignore_patterns(".git"))

    def install() -> None:
        run([*fresh_venv(work / "suite-venv"), "."], cwd=copy)

    return timed(install)


def floor(work: Path) -> Timing:
    """Time pip installing the package's dependencies into a fresh virtualenv."""
    import tomllib

    requirements = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]
    return timed(lambda: run([*fresh_venv(work / "floor-venv"), *requirements]))


def load_average() -> str:
    """Return the 1, 5 and 15 minute load averages."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def measure(rev: str, work: Path, runs: int) -> dict[str, float | str]:
    """Measure one rev: medians after a warm-up install; pip alone; the floor."""
    label = git(REPO, "rev-parse", "--short", rev).strip()
    repo, sha = snapshot(rev, work / f"suite-{label}")
    project = consumer(work / f"consumer-{label}", repo, sha)
    install_hooks(project, work / "home")  # warms pip's cache
    floor(work)
    load = load_average()
    hooks, sizes, alone, floors = [], [], [], []
    for _ in range(runs):
        timing, mb = install_hooks(project, work / "home")
        hooks.append(timing)
        sizes.append(mb)
        alone.append(pip_install_suite(repo, work))
        floors.append(floor(work))
    row: dict[str, float | str] = {
        "rev": f"{rev} ({label})",
        "mb": statistics.median(sizes),
        "load": f"{load} / {load_average()}",
    }
    for name, timings in (("hooks", hooks), ("alone", alone), ("floor", floors)):
        row[name] = statistics.median(w for w, _ in timings)
        row[f"{name}_cpu"] = statistics.median(c for _, c in timings)
    return row


def render(rows: Sequence[dict[str, float | str]], runs: int) -> str:
    """Render the section: a table and the goals."""
    out = [
        "## Hook environment: `pre-commit install-hooks`",
        "",
        f"Written by `python bench/hook_env.py`. A fresh `PRE_COMMIT_HOME`, pip's "
        f"cache warm; median of {runs} run(s), wall seconds (CPU seconds of "
        "every process started, in brackets); size is `du` of the hook's "
        "environment. Floor: pip installing the pinned toolchain alone (the "
        "package's dependencies into a fresh virtualenv). Between them, "
        "`pip install .` of the suite into a fresh virtualenv, what pre-commit "
        "runs, without pre-commit. The three alternate. Goal: at most "
        f"{GOAL_MB} MB and {GOAL_RATIO:g}x the floor.",
        "",
        "| rev | install-hooks | `pip install .` | floor | ratio | CPU ratio "
        "| environment | load before / after |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        f = {k: float(v) for k, v in row.items() if k not in ("rev", "load")}
        out.append(
            f"| {row['rev']} | {f['hooks']:.1f} s ({f['hooks_cpu']:.1f}) "
            f"| {f['alone']:.1f} s ({f['alone_cpu']:.1f}) "
            f"| {f['floor']:.1f} s ({f['floor_cpu']:.1f}) "
            f"| {f['hooks'] / f['floor']:.2f} | {f['hooks_cpu'] / f['floor_cpu']:.2f} "
            f"| {f['mb']:.0f} MB | {row['load']} |"
        )
    out.append("")
    for row in rows:
        f = {k: float(v) for k, v in row.items() if k not in ("rev", "load")}
        out.append(
            f"{row['rev']}: of the {f['hooks_cpu'] - f['floor_cpu']:.1f} CPU seconds "
            f"over the floor, pre-commit's own (its start, the clone) "
            f"{f['hooks_cpu'] - f['alone_cpu']:.1f}, the suite's (building its "
            f"wheel, unpacking and compiling its modules) "
            f"{f['alone_cpu'] - f['floor_cpu']:.1f}."
        )
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each rev and write the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revs", nargs="*", default=["main", "HEAD"], help="git revs")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per rev")
    parser.add_argument("--work", type=Path, default=HERE / "work" / "hook-env")
    parser.add_argument("--output", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    rows = [measure(rev, args.work, args.runs) for rev in args.revs]
    text = render(rows, args.runs)
    sections.update(args.output, "hook-environment", text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
