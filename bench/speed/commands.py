"""The measured command lines: the gate's, and each tool's as a user runs it.

Every command runs in ``environment(caches)``: each tool's cache (and the
gate's) lives in one folder of the run's own, so a cold run starts from
nothing and a warm run reuses exactly what the run before it left.
"""

from __future__ import annotations

import importlib
import os
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

TOOLS = ("black", "isort", "flake8", "mypy", "bandit")
# what a user's shell keeps out: another environment's, and bytecode switched off
# (a user's machine keeps .pyc files; without them every run recompiles the
# gate's own modules, ~0.2 s of a warm run)
DROPPED = ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONDONTWRITEBYTECODE")


def fresh_caches(work: Path) -> Path:
    """Make an empty folder for one run's caches."""
    path = work / "caches" / uuid.uuid4().hex[:8]
    path.mkdir(parents=True)
    return path


def environment(caches: Path) -> dict[str, str]:
    """Return the environment of every measured command: caches under ``caches``."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        QUALITY_GATES_CACHE_DIR=str(caches / "quality-gates"),
        BLACK_CACHE_DIR=str(caches / "black"),
        XDG_CACHE_HOME=str(caches / "xdg"),
        RUFF_CACHE_DIR=str(caches / "ruff"),
        PRE_COMMIT_HOME=str(caches.parent.parent / "pre-commit-home"),
    )
    return env


def gate_command(report: Path | None, tools: str | None = None) -> list[str]:
    """Build the gate's command line, as a user runs it (text report by default)."""
    exe = Path(sys.executable).with_name("quality-gates")
    head = [str(exe)] if exe.exists() else [sys.executable, "-m", "quality_gates"]
    chosen = ["--tools", tools] if tools else []
    extra = ["--format", "json", "--output", str(report)] if report else []
    return [*head, "run", "--all-files", *chosen, *extra]


class Chosen(NamedTuple):
    """What the gate's adapter gives one tool: its settings and its files."""

    settings: list[str]
    files: list[str]


def chosen(root: Path, names: Sequence[str]) -> dict[str, Chosen]:
    """Return each tool's settings and files, as the gate's adapters choose them.

    The gate gives a tool only the files the project's own run of it checks
    (its ``files``, ``exclude``...): the direct run gets the same.
    """
    from quality_gates import config
    from quality_gates.tools import load
    from quality_gates.tools.base import Context

    ctx = Context(root, config.load(root))
    return {
        name: Chosen(list(adapter.settings(ctx)), adapter.select(ctx, names))
        for name, adapter in load().items()
    }


def direct_commands(root: Path, names: list[str], caches: Path) -> dict[str, list[str]]:
    """Build the five tools' commands (a tool given no file is left out)."""
    tools = chosen(root, names)
    black, isort, flake8, bandit = (
        tools[t] for t in ("black", "isort", "flake8", "bandit")
    )
    py = [sys.executable, "-m"]
    commands = {
        "black": [*py, "black", "--check", "--quiet", *black.settings, *black.files],
        "isort": [*py, "isort", "--check-only", "--quiet", "--settings-path", "."]
        + [*isort.settings, *isort.files],
        "flake8": [*py, "flake8", *flake8.settings, *flake8.files],
        "mypy": mypy_command(tools["mypy"], caches),
        "bandit": [*py, "bandit", "--quiet", "-r", *bandit.settings, *bandit.files],
    }
    return {tool: cmd for tool, cmd in commands.items() if tools[tool].files}


def mypy_command(mypy: Chosen, caches: Path) -> list[str]:
    """Build mypy's command, its incremental cache in the run's folder."""
    cache = ["--cache-dir", str(caches / "mypy")]
    return [sys.executable, "-m", "mypy", *cache, *mypy.settings, *mypy.files]


def with_package_bases(cmd: list[str]) -> list[str]:
    """Add ``--explicit-package-bases`` to a mypy command (after ``python -m mypy``)."""
    return [*cmd[:3], "--explicit-package-bases", *cmd[3:]]


def ruff_binary() -> str:
    """Return the ruff binary of this environment (what ``ruff`` on PATH runs)."""
    ruff = importlib.import_module("ruff")  # untyped: its binary's finder
    return str(ruff.find_ruff_bin())


def ruff_commands(root: Path, skip: Sequence[str] = ()) -> dict[str, list[str]]:
    """Build ``ruff check .`` and ``ruff format --check .``, the gate's ruff settings.

    ruff finds the files itself and keeps its own cache (``RUFF_CACHE_DIR``);
    the settings are none when the project configures ruff, as the gate's.
    ``skip`` (files that are not valid Python: the gate gives them to no tool)
    is added to the project's own excludes.
    """
    settings = chosen(root, [])["ruff"].settings
    if skip:
        settings += ["--extend-exclude", ",".join(skip)]
    ruff = ruff_binary()
    return {
        "ruff-check": [ruff, "check", *settings, "."],
        "ruff-format": [ruff, "format", "--check", *settings, "."],
    }


def ruff_mypy_commands(
    root: Path, names: list[str], caches: Path, skip: Sequence[str] = ()
) -> dict[str, list[str]]:
    """Build ruff's two commands, and mypy's as in the five-tool run."""
    mypy = chosen(root, names)["mypy"]
    both = ruff_commands(root, skip)
    return {**both, "mypy": mypy_command(mypy, caches)} if mypy.files else both
