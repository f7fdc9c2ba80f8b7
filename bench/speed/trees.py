"""The pinned trees: sdists from PyPI, unpacked and committed to git."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from bench.sdists import Sdist, download, unpack

# ~28k, ~117k and ~492k lines of Python (counted with `wc -l` over *.py)
SMALL = Sdist("click", "8.5.1")
MEDIUM = Sdist("pytest", "9.2.0")
LARGE = Sdist("django", "5.2.19")


@dataclasses.dataclass
class Tree:
    """One unpacked sdist: where it is, what it holds."""

    key: str
    sdist: Sdist
    root: Path
    files: list[str]
    valid: list[str]
    lines: int
    # the caches of the last cold gate run: what the warm scenarios start from
    warm_caches: Path | None = None
    # how many files each direct command checks (ruff: its own discovery)
    checked: dict[str, int] = dataclasses.field(default_factory=dict)


def prepare(key: str, sdist: Sdist, work: Path) -> Tree:
    """Download, unpack and commit one sdist under ``work``."""
    archive = download(sdist, work / "sdists")
    root = work / "trees" / f"{sdist.name}-{sdist.version}"
    unpack(archive, root, f"{sdist.requirement} sdist")
    names, valid = python_files(root)
    return Tree(key, sdist, root, names, valid, count_lines(root, names))


def python_files(root: Path) -> tuple[list[str], list[str]]:
    """Return the files ``--all-files`` checks, and those the tools are given.

    The gate reports a file that is not valid Python itself and gives it to no
    tool; the direct run gets the same valid files, so both do the same work.
    """
    from quality_gates import config, files, sources

    cfg = config.load(root)
    names = files.tracked_python_files(root, cfg.exclude)
    valid = []
    for name in names:
        src, text = sources.read(root, name)
        if src.problem is None and sources.syntax_problem(name, text) is None:
            valid.append(name)
    return names, valid


def count_lines(root: Path, names: Sequence[str]) -> int:
    """Count the lines of ``names``."""
    total = 0
    for name in names:
        with open(root / name, "rb") as handle:
            total += sum(1 for _ in handle)
    return total
