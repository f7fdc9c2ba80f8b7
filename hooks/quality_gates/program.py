"""What a whole-program tool may read: every module on its search path, stamped.

mypy follows imports, so the result for ``a.py`` depends on ``b.py`` whether
or not ``b.py`` is named, tracked by git, or inside the project at all.  The
stamp covers every file such a tool could import from the folders it searches
(the adapter names them: the project root, the folders of the named files,
and the tool's own search path).  A module name is a dotted path of
identifiers, so from each of those folders only identifier-named subfolders
can hold a module: those are walked, and each ``.py``/``.pyi`` file's relative
path and content enter the stamp, so an added, removed or edited file on the
search path misses the cache.  A search path too large to stamp is not
cached at all (``Uncovered``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

SUFFIXES = (".py", ".pyi")
# identifier-named folders that hold no project module: bytecode, JavaScript
# dependencies, and installed packages (their versions are in the adapter's key)
SKIPPED = frozenset({"__pycache__", "node_modules", "site-packages"})
MAX_FILES = 100_000


class Uncovered(Exception):
    """The stamp cannot cover everything the tool may read: do not cache."""


def ancestors(root: Path, files: Iterable[str]) -> list[Path]:
    """Return the root and every folder between it and a named file (import bases)."""
    found = {root}
    for name in files:
        for parent in Path(name).parents:
            found.add(root / parent)
    return sorted(found)


def _entries(folder: Path) -> list[os.DirEntry[str]] | None:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return None


def _holds_modules(entry: os.DirEntry[str]) -> bool:
    if not entry.name.isidentifier() or entry.name in SKIPPED:
        return False
    try:
        return entry.is_dir() and not os.path.exists(
            os.path.join(entry.path, "pyvenv.cfg")
        )
    except OSError:
        return False


def modules(top: Path, seen: set[tuple[int, int]]) -> Iterator[tuple[Path, bool]]:
    """Yield (path, readable) for each module file under ``top``, once per folder."""
    try:
        st = top.stat()
    except OSError:
        return
    if (st.st_dev, st.st_ino) in seen:
        return
    seen.add((st.st_dev, st.st_ino))
    entries = _entries(top)
    if entries is None:
        yield top, False  # an unreadable folder: whether it becomes readable counts
        return
    for entry in entries:
        if entry.name.endswith(SUFFIXES) and not entry.is_dir():
            yield Path(entry.path), True
        elif _holds_modules(entry):
            yield from modules(Path(entry.path), seen)


def _digest(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError as exc:
        return f"unreadable ({exc.strerror})"


def _shown(path: Path, root: Path) -> str:
    """Relative to the project root when inside it, so a moved checkout still hits."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def stamp(root: Path, folders: Sequence[Path]) -> str:
    """Hash every module file under ``folders``; raise Uncovered past MAX_FILES."""
    seen: set[tuple[int, int]] = set()
    lines: dict[str, str] = {}
    for folder in folders:
        lines.setdefault(f"root {_shown(folder, root)}", "")
        for path, readable in modules(folder, seen):
            lines[_shown(path, root)] = _digest(path) if readable else "unreadable"
            if len(lines) > MAX_FILES:
                raise Uncovered(
                    f"more than {MAX_FILES} Python files on its search path"
                )
    text = "\n".join(f"{name}={value}" for name, value in sorted(lines.items()))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
