"""The machine a run measured on: cores, CPU, load, versions, this checkout's commit."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
from pathlib import Path

from bench.sdists import git

REPO = Path(__file__).resolve().parents[2]
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


def tool_versions(names: tuple[str, ...] = VERSIONED) -> dict[str, str]:
    """Return the installed version of each of ``names``."""
    found = {}
    for name in names:
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


def commit() -> str:
    """Return this checkout's short commit, and whether the package has changes."""
    head = git(REPO, "rev-parse", "--short", "HEAD").strip()
    dirty = git(REPO, "status", "--porcelain", "--", "hooks").strip()
    return head + (" + uncommitted changes" if dirty else "")


def now() -> str:
    """Return the time in UTC, to the minute."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")


def machine(
    load_before: str, runs: int, versions: tuple[str, ...] = VERSIONED
) -> dict[str, str]:
    """Return the machine table: what the numbers were measured on."""
    return {
        "cores": str(os.cpu_count()),
        "CPU": cpu_model(),
        "Python": platform.python_version(),
        "OS": platform.platform(),
        "load average before / after": f"{load_before} / {load_average()}",
        "date (UTC)": now(),
        "quality-gates commit": commit(),
        "runs per measurement": str(runs),
        **{f"{k} version": v for k, v in tool_versions(versions).items()},
    }
