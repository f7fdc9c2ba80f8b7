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
The two alternate, so both see the same load.  It writes the
``hook-environment`` section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import time
from collections.abc import Sequence
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


def install_hooks(project: Path, home: Path) -> tuple[float, float]:
    """Run ``pre-commit install-hooks`` in a fresh home; return (seconds, MB)."""
    shutil.rmtree(home, ignore_errors=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    env.pop("PYTHONPATH", None)
    start = time.perf_counter()
    subprocess.run(  # nosec B603
        [sys.executable, "-m", "pre_commit", "install-hooks"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    (venv,) = home.glob("repo*/py_env-*")
    return seconds, size_mb(venv)


def floor(work: Path) -> float:
    """Time pip installing the package's dependencies into a fresh virtualenv."""
    import tomllib

    requirements = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]
    venv = work / "floor-venv"
    shutil.rmtree(venv, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(  # nosec B603 - pre-commit makes its environments with virtualenv
        [sys.executable, "-m", "virtualenv", "-q", str(venv)], check=True
    )
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, *requirements], check=True, capture_output=True)  # nosec
    return time.perf_counter() - start


def measure(rev: str, work: Path, runs: int) -> dict[str, float | str]:
    """Measure one rev: median seconds and size after a warm-up install; the floor."""
    label = git(REPO, "rev-parse", "--short", rev).strip()
    repo, sha = snapshot(rev, work / f"suite-{label}")
    project = consumer(work / f"consumer-{label}", repo, sha)
    install_hooks(project, work / "home")  # warms pip's cache
    floor(work)
    samples, floors = [], []
    for _ in range(runs):
        samples.append(install_hooks(project, work / "home"))
        floors.append(floor(work))
    return {
        "rev": f"{rev} ({label})",
        "seconds": statistics.median(s for s, _ in samples),
        "mb": statistics.median(m for _, m in samples),
        "floor": statistics.median(floors),
    }


def render(rows: Sequence[dict[str, float | str]], runs: int) -> str:
    """Render the section: a table and the goals."""
    out = [
        "## Hook environment: `pre-commit install-hooks`",
        "",
        f"Written by `python bench/hook_env.py`. A fresh `PRE_COMMIT_HOME`, pip's "
        f"cache warm; median of {runs} run(s); size is `du` of the hook's "
        "environment. Floor: pip installing the pinned toolchain alone (the "
        "package's dependencies into a fresh virtualenv), run alternately with "
        f"it. Goal: at most {GOAL_MB} MB and {GOAL_RATIO:g}x the floor.",
        "",
        "| rev | install-hooks | floor | ratio | environment |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        seconds, base = float(row["seconds"]), float(row["floor"])
        out.append(
            f"| {row['rev']} | {seconds:.1f} s | {base:.1f} s | {seconds / base:.2f} "
            f"| {row['mb']:.0f} MB |"
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
