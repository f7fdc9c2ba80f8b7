"""Which files a tool checks when it walks the project itself, asked of one path.

The runner names files (pre-commit does too), and most tools apply their
exclusions only while walking folders: ``black .``, ``flake8``, ``isort .``,
``bandit -r .``, ``mypy`` with ``files``.  ``Walk`` answers for one named file
what that walk from the project root would have decided: a file is checked
when no folder above it was pruned and the file itself is kept.  Each adapter
gives the two rules, in its tool's own terms; verdicts on folders are
remembered, so a tree of thousands of files costs one decision per folder.
"""

from __future__ import annotations

import fnmatch
import re
import subprocess  # nosec B404 - git with fixed arguments, never a shell
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec


class Walk:
    """The tool's own walk from the root, asked about one relative posix path."""

    def __init__(
        self, prune: Callable[[str], bool], keep: Callable[[str], bool]
    ) -> None:
        """``prune(folder)``: the walk skips it; ``keep(file)``: the walk checks it."""
        self.prune = prune
        self.keep = keep
        self.pruned: dict[str, bool] = {"": False}

    def __call__(self, path: str) -> bool:
        """Tell whether the tool, walking from the root, would check ``path``."""
        return not self._pruned(path.rpartition("/")[0]) and self.keep(path)

    def _pruned(self, folder: str) -> bool:
        if folder not in self.pruned:
            parent = folder.rpartition("/")[0]
            self.pruned[folder] = self._pruned(parent) or self.prune(folder)
        return self.pruned[folder]


def any_glob(patterns: Iterable[str]) -> Callable[[str], bool]:
    """One matcher for fnmatch patterns (``*`` crosses ``/``, as in fnmatch)."""
    globs = list(patterns)
    if not globs:
        return lambda text: False
    regex = re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in globs))
    return lambda text: regex.match(text) is not None


def git_ignored(root: Path, paths: Sequence[str]) -> set[str]:
    """Return the paths that the project's ``.gitignore`` files match, tracked or not.

    What black (with its default ``exclude``) and mypy's ``exclude_gitignore``
    skip.  Asked of git (``check-ignore --no-index``, a path inside an ignored
    folder included, the user's global excludes file left out), one process
    for every path; outside a git repository the files are read as black does.
    """
    if not paths:
        return set()
    try:
        proc = subprocess.run(  # nosec B603 B607
            [
                *("git", "-c", "core.excludesFile=/dev/null", "check-ignore"),
                *("--no-index", "--stdin", "-z"),
            ],
            cwd=root,
            input="\0".join(paths) + "\0",
            capture_output=True,
            text=True,
            errors="surrogateescape",  # names that are not UTF-8, both ways
            check=False,
        )
    except OSError:
        proc = None
    if proc is not None and proc.returncode in (0, 1):  # 1: none ignored
        return set(filter(None, proc.stdout.split("\0")))
    ignores = GitIgnores(root)
    return {path for path in paths if ignores.ignored(path)}


class GitIgnores:
    """The ``.gitignore`` files of the project's folders, read as black reads them.

    A path is ignored when the ``.gitignore`` of the root or of any folder
    above it matches it or one of its folders, relative to that ``.gitignore``.
    """

    def __init__(self, root: Path) -> None:
        """Read ``.gitignore`` files under ``root`` on first use, once each."""
        self.root = root
        self.specs: dict[str, pathspec.GitIgnoreSpec | None] = {}

    def spec(self, folder: str) -> pathspec.GitIgnoreSpec | None:
        """Return the patterns of ``folder/.gitignore`` (None when it has none)."""
        if folder not in self.specs:
            self.specs[folder] = _read_gitignore(self.root / folder / ".gitignore")
        return self.specs[folder]

    def ignored(self, path: str) -> bool:
        """Tell whether the file ``path``, or a folder above it, is ignored."""
        parts = path.split("/")
        for end in range(1, len(parts) + 1):
            folder = end < len(parts)
            for depth in range(end):
                spec = self.spec("/".join(parts[:depth]))
                rest = "/".join(parts[depth:end]) + ("/" if folder else "")
                if spec is not None and spec.match_file(rest):
                    return True
        return False


def _read_gitignore(path: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        with path.open(encoding="utf-8-sig") as lines:  # as black and git: no BOM
            patterns = lines.readlines()
    except (OSError, UnicodeDecodeError):
        return None
    import pathspec  # only for a project that has .gitignore files

    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except ValueError:
        return None
