"""What the suite keeps in its cache folder, and only that: made, pruned, cleared.

The folder may be one the user named (``QUALITY_GATES_CACHE_DIR``) that holds
other things: the suite deletes only what it made.  The database is the
suite's when it is an SQLite file with the suite's ``meta`` table; a folder
under ``mypy/`` is the suite's when it holds the marker the suite writes on
making it (or, made by an older version, is named by 16 hex digits and holds
mypy's ``CACHEDIR.TAG``).  A symlink is never the suite's.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import time
from pathlib import Path

DATABASE = "results.sqlite3"
MYPY = "mypy"
MARKER = ".quality-gates"
MARKER_TEXT = "made by quality-gates: `quality-gates cache clear` removes it\n"
_LEGACY = re.compile(r"[0-9a-f]{16}")


def mypy_folder(directory: Path, name: str) -> Path:
    """Make (or reuse) ``directory/mypy/name``, marked as the suite's; return it."""
    directory.mkdir(parents=True, exist_ok=True)
    folder = directory / MYPY / name
    for path in (folder.parent, folder):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        (path / MARKER).write_text(MARKER_TEXT)
    return folder


def made_here(folder: Path) -> bool:
    """Tell whether the suite made ``folder`` (a real folder with its marker)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    if (folder / MARKER).is_file():
        return True
    return bool(_LEGACY.fullmatch(folder.name)) and (folder / "CACHEDIR.TAG").is_file()


def is_database(path: Path) -> bool:
    """Tell whether ``path`` is the suite's database (its ``meta`` table)."""
    if path.is_symlink() or not path.is_file():
        return False
    try:
        uri = f"{path.as_uri()}?mode=ro&immutable=1"  # makes no -wal, no -shm
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            row = conn.execute("SELECT v FROM meta WHERE k = 'format'").fetchone()
    except sqlite3.Error:
        return False
    return row is not None


def prune_folders(parent: Path, max_age_days: float) -> list[Path]:
    """Remove the suite's folders in ``parent`` unused for ``max_age_days``."""
    oldest = time.time() - max_age_days * 86400
    removed = []
    try:
        folders = [p for p in parent.iterdir() if made_here(p)]
    except OSError:
        return []
    for folder in folders:
        try:
            if folder.stat().st_mtime < oldest:
                shutil.rmtree(folder)
                removed.append(folder)
        except OSError:
            continue
    return removed


def clear(directory: Path) -> tuple[list[Path], list[Path]]:
    """Delete what the suite made in ``directory``; return it, and what was left."""
    removed: list[Path] = []
    left: list[Path] = []
    database = directory / DATABASE
    if is_database(database):
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{database}{suffix}")
            if path.is_file() and not path.is_symlink():
                path.unlink()
                removed.append(path)
    elif database.exists() or database.is_symlink():
        left.append(database)
    mypy = directory / MYPY
    if mypy.is_symlink():
        left.append(mypy)
    elif mypy.is_dir():
        for child in sorted(mypy.iterdir()):
            if made_here(child):
                shutil.rmtree(child)
                removed.append(child)
            elif child.name != MARKER:
                left.append(child)
        if (mypy / MARKER).is_file() and not left_in(mypy):
            (mypy / MARKER).unlink()
            mypy.rmdir()
            removed.append(mypy)
    return removed, left


def left_in(folder: Path) -> bool:
    """Tell whether ``folder`` holds anything but the suite's marker."""
    return any(p.name != MARKER for p in folder.iterdir())


def tree_size(path: Path) -> int:
    """Return the bytes of the files at or under ``path`` (0 when missing)."""
    if path.is_file():
        return path.stat().st_size
    total = 0
    for folder, _, names in os.walk(path):
        for name in names:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue
    return total
