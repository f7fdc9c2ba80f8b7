"""The suite's own code in every cache key: changed code never reads old results.

A cached result was produced by some of the suite's code: the adapter that ran
the tool and parsed its output, and the runner that fingerprints, encodes and
decodes findings.  ``identity(module, ...)`` hashes the suite's version and the
source of those modules and of every ``quality_gates`` module they import,
transitively (``from quality_gates.x import y``, ``import quality_gates.x``, at
any indentation).  A fixed parser, a new severity or a new fingerprint rule
changes the hash, so a warm cache misses after any upgrade that touches them,
with no constant to bump by hand; an edit to another adapter does not.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

import quality_gates

PACKAGE = Path(quality_gates.__file__).resolve().parent
_FROM = re.compile(
    r"^[ \t]*from[ \t]+(quality_gates(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)",
    re.M,
)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+(quality_gates(?:\.\w+)*)", re.M)


@functools.lru_cache(maxsize=None)
def module_file(name: str) -> Path | None:
    """Return the source file of a ``quality_gates`` module, or None if none."""
    parts = name.split(".")[1:]
    base = PACKAGE.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported(text: str) -> set[str]:
    """Return the ``quality_gates`` modules that ``text`` imports."""
    found = {m.group(1) for m in _IMPORT.finditer(text)}
    for m in _FROM.finditer(text):
        package = m.group(1)
        found.add(package)
        for name in re.findall(r"\w+", m.group(2).split("#")[0]):
            if module_file(f"{package}.{name}") is not None:
                found.add(f"{package}.{name}")
    return found


@functools.lru_cache(maxsize=None)
def _read(name: str) -> tuple[bytes, frozenset[str]] | None:
    path = module_file(name)
    if path is None:
        return None
    source = path.read_bytes()
    return source, frozenset(imported(source.decode("utf-8", "replace")))


def closure(roots: tuple[str, ...]) -> dict[str, bytes]:
    """Return the source of each module in ``roots`` and all they import."""
    sources: dict[str, bytes] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        found = None if name in sources else _read(name)
        if found is not None:
            sources[name] = found[0]
            todo.extend(found[1])
    return sources


@functools.lru_cache(maxsize=None)
def identity(*modules: str) -> str:
    """Hash the suite's version and the code of ``modules`` and their imports."""
    digest = hashlib.sha256(quality_gates.__version__.encode())
    for name, source in sorted(closure(modules).items()):
        digest.update(b"\0" + name.encode() + b"\0" + source)
    return digest.hexdigest()
