#!/usr/bin/env python3
"""Measure what a pre-commit user installs: ``pre-commit install-hooks`` time and size.

For each git rev of this repository (default: ``main`` and ``HEAD``) it makes a
snapshot repository of that rev, a consumer whose ``.pre-commit-config.yaml``
pins it (the ``quality-gate`` hook), and runs ``pre-commit install-hooks`` in a
fresh ``PRE_COMMIT_HOME``: once to warm pip's cache, then ``--runs`` times
measured.  The environment's size is ``du`` of pre-commit's ``py_env-*``.  It
writes the ``hook-environment`` section of BENCHMARKS.md.
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

GOAL_MB, GOAL_S = 160, 15.0


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


def measure(rev: str, work: Path, runs: int) -> dict[str, float | str]:
    """Measure one rev: median seconds and size after a warm-up install."""
    label = git(REPO, "rev-parse", "--short", rev).strip()
    repo, sha = snapshot(rev, work / f"suite-{label}")
    project = consumer(work / f"consumer-{label}", repo, sha)
    install_hooks(project, work / "home")  # warms pip's cache
    samples = [install_hooks(project, work / "home") for _ in range(runs)]
    return {
        "rev": f"{rev} ({label})",
        "seconds": statistics.median(s for s, _ in samples),
        "mb": statistics.median(m for _, m in samples),
    }


def render(rows: Sequence[dict[str, float | str]], runs: int) -> str:
    """Render the section: a table and the goal."""
    out = [
        "## Hook environment: `pre-commit install-hooks`",
        "",
        f"Written by `python bench/hook_env.py`. A fresh `PRE_COMMIT_HOME`, pip's "
        f"cache warm; median of {runs} run(s); size is `du` of the hook's "
        f"environment. Goal: at most {GOAL_MB} MB and {GOAL_S:g} s.",
        "",
        "| rev | install-hooks | environment |",
        "|---|---:|---:|",
    ]
    for row in rows:
        out.append(f"| {row['rev']} | {row['seconds']:.1f} s | {row['mb']:.0f} MB |")
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
