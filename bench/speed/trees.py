"""The pinned trees: sdists from PyPI, unpacked and committed to git."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from bench.sdists import Sdist, commit_all, download, unpack

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


# Sdists on which mypy stops (two files map to one module name) unless
# explicit_package_bases is set: the first thing their users do, so both sides of
# every comparison get it (in the project's mypy config, or a new mypy.ini that
# holds the gate's defaults too), and neither pays for a failed first attempt.
PACKAGE_BASES = ("django", "pytest")
MYPY_INI = """[mypy]
ignore_missing_imports = True
check_untyped_defs = True
explicit_package_bases = True
"""


def prepare(key: str, sdist: Sdist, work: Path) -> Tree:
    """Download, unpack and commit one sdist under ``work``."""
    archive = download(sdist, work / "sdists")
    root = work / "trees" / f"{sdist.name}-{sdist.version}"
    unpack(archive, root, f"{sdist.requirement} sdist")
    if sdist.name in PACKAGE_BASES:
        set_package_bases(root)
        commit_all(root, "mypy: explicit_package_bases")
    names, valid = python_files(root)
    return Tree(key, sdist, root, names, valid, count_lines(root, names))


def set_package_bases(root: Path) -> None:
    """Set ``explicit_package_bases`` in ``[tool.mypy]``, else in a new mypy.ini."""
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    if "\n[tool.mypy]\n" in text:
        head = "\n[tool.mypy]\n"
        pyproject.write_text(
            text.replace(head, head + "explicit_package_bases = true\n")
        )
    else:
        (root / "mypy.ini").write_text(MYPY_INI)


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
