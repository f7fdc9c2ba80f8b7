"""The suite's defaults for test files, said in each tool's own config.

Test code asserts, and its test functions, classes and modules carry no
docstrings, on purpose.  Where a project has no config of its own for those
checks, the suite tells the tools to leave them out of the test files
(``testfiles.py`` decides which those are):

- bandit: B101 through bandit's own ``[tool.bandit.assert_used] skips``, in a
  config file handed to it with ``--configfile`` (the project has none);
- flake8: D1 (D100-D107) through ``--per-file-ignores``, merged with the
  project's own ``per-file-ignores`` so its other ignores still hold there.

Each names the test files of the batch exactly, as literal patterns, so the
tool decides the very files pytest collects.  The tool itself leaves the
findings out, never a filter on its output: what the gate reports is what
the tool reports under a config anyone can write down, ``# noqa`` and
``# nosec`` keep their meaning, and a cached result is the tool's own.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import re
from collections.abc import Callable, Sequence
from typing import Any

from quality_gates.tools.base import Proc

BANDIT_RULE = "B101"
FLAKE8_CODE = "D1"
# one argument stays well under Linux's 128 KiB limit for a single argument
MAX_ARGUMENT = 100_000
_SEPARATORS = re.compile(r"[\s:,]")  # flake8 splits per-file-ignores on these


def _literal(path: str) -> str:
    """Return an fnmatch pattern that matches ``path`` only (``[``, ``*``, ``?``)."""
    return glob.escape(path)


def bandit_name(path: str) -> str:
    """Return bandit's name for a file the adapter names ``./path``.

    bandit names a file given on its command line ``os.path.join(".", name)``
    (``BanditManager.discover_files``), and a file its ``-r .`` walk finds
    ``./path``; ``assert_used.skips`` is matched (fnmatch) against that name.
    """
    return os.path.join(".", f"./{path}")


def bandit_config(names: Sequence[str]) -> str:
    """Return a bandit TOML config skipping B101 in the files bandit calls ``names``.

    Each name is a literal pattern; a character that UTF-8 cannot write (an
    undecodable file name) becomes ``?``.
    """
    lines = [
        "# quality-gates: the suite's default for test files, B101 (assert) skipped",
        "[tool.bandit.assert_used]",
        "skips = [",
    ]
    for name in names:
        pattern = _literal(name).encode("utf-8", "replace").decode("utf-8")
        lines.append(f"  {json.dumps(pattern, ensure_ascii=False)},")
    return "\n".join([*lines, "]", ""])


class PerFileIgnores:
    """flake8's ``per-file-ignores`` of the project, and the suite's D1 for tests.

    flake8 applies, to each file, only the entry with the longest pattern
    among those that match it (``StyleGuideManager.style_guide_for``).  So
    the entry for a test file carries the codes of the project's entry that
    would have applied, and is written longer than it.
    """

    def __init__(self, root: str, project: str) -> None:
        """Read the project's value (ValueError when flake8 would refuse it).

        ``root`` is the real path: flake8 makes patterns absolute from its
        working folder, which the kernel reports with links resolved.
        """
        self.root = root
        self.project = project.strip()
        self.entries = [
            (_normalize(name, root), codes)
            for name, codes in parse_mapping(self.project)
        ]

    def _applied(self, path: str) -> tuple[int, list[str]]:
        """Return the length and codes of the project's entry flake8 would apply."""
        name = path.rpartition("/")[2]
        best: tuple[int, list[str]] = (0, [])
        for pattern, codes in self.entries:
            if len(pattern) > best[0] and (
                fnmatch.fnmatch(name, pattern)
                or fnmatch.fnmatch(f"{self.root}/{path}", pattern)
            ):
                best = (len(pattern), codes)
        return best

    def entry(self, path: str) -> str:
        """Return ``PATTERN:D1,...`` for one test file (relative, posix)."""
        longest, codes = self._applied(path)
        pattern = _SEPARATORS.sub("?", _literal(f"{self.root}/{path}"))
        return f"{_longer(pattern, longest)}:{','.join([FLAKE8_CODE, *codes])}"

    def value(self, entries: Sequence[str]) -> str:
        """Return the whole option: the project's entries, then the tests'."""
        return "\n".join(filter(None, [self.project, *entries]))


def _flake8() -> tuple[Any, Any]:
    """Return flake8's ``utils`` and ``exceptions``, imported only when used."""
    from flake8 import exceptions, utils  # type: ignore[import-untyped]

    return utils, exceptions


def _normalize(pattern: str, root: str) -> str:
    """Return a pattern as flake8's ``utils.normalize_path`` makes it."""
    return str(_flake8()[0].normalize_path(pattern, root))


def parse_mapping(value: str) -> list[tuple[str, list[str]]]:
    """Parse a ``per-file-ignores`` value with flake8's own parser.

    ValueError when flake8 refuses it (flake8 then says so itself).
    """
    if not value.strip():
        return []  # flake8's own answer, without importing it
    utils, exceptions = _flake8()
    try:
        mapping = utils.parse_files_to_codes_mapping(value)
    except exceptions.ExecutionError as exc:
        raise ValueError(str(exc)) from None
    return [(str(name), [str(c) for c in codes]) for name, codes in mapping]


def _longer(pattern: str, length: int) -> str:
    """Lengthen ``pattern`` past ``length`` without changing what it matches.

    An ASCII letter or digit ``c`` becomes the one-character class ``[c]``.
    """
    out = []
    size = len(pattern)
    for char in pattern:
        if size <= length and char.isascii() and char.isalnum():
            out.append(f"[{char}]")
            size += 2
        else:
            out.append(char)
    return "".join(out)


def batches(
    files: Sequence[str],
    entry: Callable[[str], str | None],
    base: int,
) -> list[tuple[list[str], list[str]]]:
    """Split ``files`` so that each part's entries fit in one argument.

    ``entry`` gives a file's entry (None: not a test file); ``base`` is the
    length every part repeats (the project's own entries).
    """
    parts: list[tuple[list[str], list[str]]] = [([], [])]
    size = base
    for name in files:
        text = entry(name)
        if text is not None and parts[-1][1] and size + len(text) > MAX_ARGUMENT:
            parts.append(([], []))
            size = base
        parts[-1][0].append(name)
        if text is not None:
            parts[-1][1].append(text)
            size += len(text) + 1
    return parts


def joined(procs: Sequence[Proc]) -> Proc:
    """Return one process of several runs of a line-based tool on parts of a batch."""
    if len(procs) == 1:
        return procs[0]
    return Proc(
        max(p.returncode for p in procs),
        "".join(p.stdout for p in procs),
        "".join(p.stderr for p in procs),
    )


def real_root(root: os.PathLike[str] | str) -> str:
    """Return the root as the tool's own ``os.getcwd()`` sees it (links resolved)."""
    return os.path.realpath(root)
