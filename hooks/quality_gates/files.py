"""Which files: git-tracked, staged, or named on the command line."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import subprocess  # nosec B404 - git is run with fixed arguments, never a shell
from collections.abc import Iterable, Sequence
from pathlib import Path

from quality_gates.errors import GateError

PYTHON_SUFFIXES = (".py", ".pyi")
# Cython sources, whose imports isort sorts too (``isort .`` checks them)
CYTHON_SUFFIXES = (".pyx", ".pxd")
# isort also checks a file of any other name whose first line is this
# (isort/settings.py: is_supported_filetype), but never these
PYTHON_SHEBANG = re.compile(rb"^#!.*\bpython[23w]?\b")
NOT_SCRIPTS = (".pex", "~")


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` and return its output; a failure is a GateError."""
    try:
        proc = subprocess.run(  # nosec B603 B607
            ["git", *args],
            cwd=root,
            capture_output=True,
            text=True,
            # a file name that is not UTF-8 keeps its bytes (os.fsdecode's way)
            errors="surrogateescape",
            check=False,
        )
    except FileNotFoundError:
        raise GateError("git: not found on PATH; install git or name the files")
    if proc.returncode != 0:
        raise GateError(f"git {' '.join(args)}: {git_message(proc)}")
    return proc.stdout


def git_message(proc: subprocess.CompletedProcess[str]) -> str:
    """Return git's whole message on one line (its hints too), with the exit code."""
    lines = [ln.strip() for ln in proc.stderr.splitlines() if ln.strip()]
    return " | ".join(lines or ["failed"]) + f" (exit {proc.returncode})"


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


def is_source(root: Path, path: str, executable: bool | None = None) -> bool:
    """Tell whether some tool checks ``path``: Python, Cython, or a Python script.

    A script is a file of another name whose first line is a ``python``
    shebang: isort checks it, as pre-commit's ``python`` type includes it.
    Only a file with no extension, or executable, is opened to look: a data
    file (``setup.cfg``, ``logo.png``) never is.  ``executable``: as git
    records it (its mode), or None to ask the file system.
    """
    if is_python(path) or path.endswith(CYTHON_SUFFIXES):
        return True
    if path.endswith(NOT_SCRIPTS):
        return False
    extension = os.path.splitext(path.rpartition("/")[2])[1]
    if extension and executable is False:
        return False
    full = os.path.join(root, path)
    try:
        mode = os.stat(full).st_mode
        if not stat.S_ISREG(mode):
            return False  # never open a FIFO or a device a tracked link points to
        if extension and not mode & 0o111:
            return False
        with open(full, "rb") as handle:
            first = handle.readline(100)
    except OSError:
        return False
    return PYTHON_SHEBANG.match(first) is not None


def excluded(path: str, patterns: Sequence[str]) -> bool:
    """Glob patterns match the relative path or any leading folder of it."""
    if not patterns:
        return False
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatch(prefix, pattern) for pattern in patterns for prefix in prefixes
    )


def tracked_python_files(
    root: Path, exclude: Sequence[str] = (), skipped: list[str] | None = None
) -> list[str]:
    """Every git-tracked file some tool checks (relative, posix), minus excludes.

    Python sources and stubs, Cython sources and Python scripts (``is_source``):
    each tool then takes the kinds its own run checks.  A tracked name with no
    file behind it (deleted from the working tree, a dangling symlink, a
    symlink loop) is left out; ``skipped`` gets one line for each, saying why,
    and one line for all those a sparse checkout left out (git's skip-worktree
    bit, ``ls-files -t`` tag ``S``).
    """
    out = git(root, "ls-files", "-z", "-t", "-s", "--cached")
    # "TAG MODE OBJECT STAGE\tPATH" per entry
    tagged = {
        name: head
        for head, _, name in (entry.partition("\t") for entry in out.split("\0"))
        if name
    }
    found: list[str] = []
    sparse = 0
    for name in sorted(tagged):
        head = tagged[name]
        if excluded(name, exclude):
            continue
        if not is_source(root, name, executable=head[2:8] == "100755"):
            continue
        if os.path.isfile(os.path.join(root, name)):
            found.append(name)
        elif head[:1] == "S":
            sparse += 1
        elif skipped is not None:
            skipped.append(f"{name}: {_why_missing(root / name)}; not checked")
    if sparse and skipped is not None:
        skipped.append(sparse_note(sparse))
    return found


def sparse_note(count: int) -> str:
    """Say, once, that a sparse checkout left ``count`` tracked files out."""
    return (
        f"{count} tracked Python file(s) outside the sparse checkout (not in the "
        "working tree) are not checked; `git sparse-checkout add FOLDER` or "
        "`git sparse-checkout disable` to check them"
    )


def _why_missing(path: Path) -> str:
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except FileNotFoundError:
            return f"a dangling symlink (to {os.readlink(path)})"
        except (OSError, RuntimeError):
            return "a symlink loop"
        return "a symlink to a folder"
    if not path.exists():
        return "tracked by git but not in the working tree (deleted?)"
    return "not a regular file"


def outside_link(root: Path, name: str) -> Path | None:
    """Where the symlink ``name`` leads when that is outside ``root``, else None.

    Such a file is not the project's: checking it reports on another tree,
    and ``--fix`` would rewrite a file outside the repository.
    """
    path = root / name
    if not path.is_symlink():
        return None
    target = path.resolve()
    return None if target.is_relative_to(root.resolve()) else target


def outside_message(name: str, target: Path) -> str:
    """Return the one line that refuses a symlink to outside the project."""
    return (
        f"{name}: a symlink to {target}, outside the project: not checked; "
        "exclude it (`exclude` in [tool.quality-gates]) or check the file where it is"
    )


LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def line_break_in(name: str) -> str | None:
    """Return the line that refuses a file name holding a line break, else None.

    Every tool reports one line per finding: such a name would split a
    finding in two and file it under a wrong path.
    """
    if LINE_BREAKS.isdisjoint(name):
        return None
    return (
        f"{name!r}: a file name with a line break cannot be checked (the tools "
        "report one line per finding); rename the file"
    )


def not_utf8(name: str) -> str | None:
    """Return the line that refuses a file name that is not UTF-8, else None.

    git lists it as bytes (kept here with ``surrogateescape``), but flake8
    cannot print it and mypy stops with an internal error on it.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return (
            f"{name}: a file name that is not UTF-8 cannot be checked (flake8 "
            "and mypy fail on it); rename the file, or exclude it (`exclude` in "
            "[tool.quality-gates])"
        )
    return None


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
            if full.absolute().is_relative_to(root) and full.is_symlink():
                raise GateError(outside_message(name, full.resolve()))
            raise GateError(f"{name}: outside the project at {root}")
        if is_source(root, rel) and not excluded(rel, exclude):
            result.append(rel)
    return sorted(dict.fromkeys(result))
