"""Which files: git-tracked, staged, or named on the command line."""

from __future__ import annotations

import fnmatch
import subprocess  # nosec B404 - git is run with fixed arguments, never a shell
from collections.abc import Iterable, Sequence
from pathlib import Path

from quality_gates.errors import GateError

PYTHON_SUFFIXES = (".py", ".pyi")


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` and return its output; a failure is a GateError."""
    try:
        proc = subprocess.run(  # nosec B603 B607
            ["git", *args], cwd=root, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise GateError("git: not found on PATH; install git or name the files")
    if proc.returncode != 0:
        detail = proc.stderr.strip().splitlines()
        raise GateError(f"git {' '.join(args)}: {detail[-1] if detail else 'failed'}")
    return proc.stdout


def project_root(start: Path | None = None) -> Path:
    """Return the nearest folder at or above ``start`` with pyproject.toml or .git.

    Like black's project root, so a project inside a larger repository (an
    example, a monorepo member) is checked with its own configuration.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() or (folder / ".git").exists():
            return folder
    return here


def is_python(path: str) -> bool:
    """Tell whether ``path`` names a Python source or stub file."""
    return path.endswith(PYTHON_SUFFIXES)


def excluded(path: str, patterns: Sequence[str]) -> bool:
    """Glob patterns match the relative path or any leading folder of it."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatch(prefix, pattern) for pattern in patterns for prefix in prefixes
    )


def tracked_python_files(root: Path, exclude: Sequence[str] = ()) -> list[str]:
    """Every git-tracked Python file (relative, posix), minus excludes."""
    out = git(root, "ls-files", "-z", "--cached", "--", "*.py", "*.pyi")
    names = sorted({name for name in out.split("\0") if name})
    return [
        name
        for name in names
        if is_python(name) and not excluded(name, exclude) and (root / name).is_file()
    ]


def relative_files(
    root: Path, names: Iterable[str], exclude: Sequence[str] = ()
) -> list[str]:
    """Named files made relative to ``root``; missing files are a GateError."""
    result: list[str] = []
    for name in names:
        path = Path(name)
        full = path if path.is_absolute() else Path.cwd() / path
        if not full.exists():
            raise GateError(f"{name}: no such file")
        if full.is_dir():
            raise GateError(f"{name}: is a folder; name files, or use --all-files")
        try:
            rel = full.resolve().relative_to(root).as_posix()
        except ValueError:
            raise GateError(f"{name}: outside the project at {root}")
        if is_python(rel) and not excluded(rel, exclude):
            result.append(rel)
    return sorted(dict.fromkeys(result))
