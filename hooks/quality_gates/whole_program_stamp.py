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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from quality_gates.sources import digest

SUFFIXES = (".py", ".pyi")
# identifier-named folders that hold no project module: bytecode, JavaScript
# dependencies, and installed packages (their versions are in the adapter's key)
SKIPPED = frozenset({"__pycache__", "node_modules", "site-packages"})
MAX_FILES = 100_000


class Uncovered(Exception):
    """The stamp cannot cover everything the tool may read: do not cache."""


def ancestors(root: Path, files: Iterable[str]) -> list[Path]:
    """Return the root and every folder between it and a named file (import bases)."""
    found = {""}
    for name in files:
        folder = name.rpartition("/")[0]
        while folder not in found:  # each folder once: siblings share their parents
            found.add(folder)
            folder = folder.rpartition("/")[0]
    return [root / folder if folder else root for folder in sorted(found)]


def _entries(folder: str) -> list[os.DirEntry[str]] | None:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return None


def _may_hold_modules(entry: os.DirEntry[str]) -> bool:
    if not entry.name.isidentifier() or entry.name in SKIPPED:
        return False
    try:
        return entry.is_dir()
    except OSError:
        return False


def modules(
    top: str, seen: set[tuple[int, int]], *, named: bool = True
) -> Iterator[tuple[str, bool]]:
    """Yield (path, readable) for each module file under ``top``, once per folder.

    A folder below ``top`` that holds ``pyvenv.cfg`` is a virtual environment,
    not modules (its packages' versions are in the adapter's key); ``top``
    itself was named, and is walked whatever it holds.
    """
    try:
        st = os.stat(top)
    except OSError:
        return
    if (st.st_dev, st.st_ino) in seen:
        return
    entries = _entries(top)
    if entries is None:
        seen.add((st.st_dev, st.st_ino))
        yield top, False  # an unreadable folder: whether it becomes readable counts
        return
    if not named and any(e.name == "pyvenv.cfg" for e in entries):
        return
    seen.add((st.st_dev, st.st_ino))
    for entry in entries:
        if entry.name.endswith(SUFFIXES) and not entry.is_dir():
            yield entry.path, True
        elif _may_hold_modules(entry):
            yield from modules(entry.path, seen, named=False)


def _digest(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return digest(handle.read())
    except OSError as exc:
        return f"unreadable ({exc.strerror})"


def stamp(
    root: Path, folders: Sequence[Path], known: Mapping[str, str] | None = None
) -> str:
    """Hash every module file under ``folders``; raise Uncovered past MAX_FILES.

    ``known`` maps files already read this run (relative to ``root``) to their
    ``sources.digest``: those are not read again, so a warm run reads each file
    once.
    """
    known = known or {}
    base = f"{root}{os.sep}"
    seen: set[tuple[int, int]] = set()
    lines: dict[str, str] = {}
    for folder in folders:
        top = str(folder)
        lines.setdefault(f"root {_shown(top, root, base)}", "")
        for path, readable in modules(top, seen):
            name = _shown(path, root, base)
            if not readable:
                lines[name] = "unreadable"
            else:
                lines[name] = known.get(name) or _digest(path)
            if len(lines) > MAX_FILES:
                raise Uncovered(
                    f"more than {MAX_FILES} Python files on its search path"
                )
    text = "\n".join(f"{name}={value}" for name, value in sorted(lines.items()))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _shown(path: str, root: Path, base: str) -> str:
    """Relative to the project root when inside it, so a moved checkout still hits."""
    if path.startswith(base):
        return path[len(base) :].replace(os.sep, "/")
    return "." if path == str(root) else path
