"""Which files are tests: the files pytest collects, or ``test-files`` in config.

Test code does some things on purpose that the suite's defaults would report
as debt: it asserts, and its test functions, classes and modules carry no
docstrings.  Where a project has no config of its own for those checks, the
adapters leave them out of test files (``tools/bandit.py``, ``tools/flake8.py``),
and the reports split findings and debt between the tests and the rest.

Which files are tests is decided as ``pytest`` run from the project root with
no arguments decides: its config found in pytest's own order (``pytest.toml``,
``.pytest.toml``, ``pytest.ini``, ``.pytest.ini``, ``pyproject.toml``,
``tox.ini``, ``setup.cfg``; in the root, then each folder above), then
``testpaths``, ``python_files`` and ``norecursedirs`` as pytest reads them;
every ``conftest.py`` is test code too.  ``test-files`` in
``[tool.quality-gates]`` replaces all of that with glob patterns.
"""

from __future__ import annotations

import configparser
import dataclasses
import fnmatch
import glob
import json
import os
import shlex
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from quality_gates.errors import GateError
from quality_gates.files import excluded
from quality_gates.findings import Finding

# pytest's defaults (_pytest/python.py, _pytest/main.py)
PYTHON_FILES = ("test_*.py", "*_test.py")
NORECURSEDIRS = (
    *("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv"),
    "{arch}",
)
CONFTEST = "conftest.py"
SETTING = "test-files"
OPTIONS = ("testpaths", "python_files", "norecursedirs")


@dataclasses.dataclass(frozen=True)
class Rule:
    """Which files are tests, and where that was decided.

    ``globs`` (the project's ``test-files``) win; otherwise pytest's rule:
    a ``.py`` file under one of ``testpaths`` (the root when empty; a file
    named there is collected whatever its name) whose name matches
    ``python_files``, in no folder ``norecursedirs`` prunes; or a
    ``conftest.py`` anywhere.
    """

    root: Path
    source: str
    globs: tuple[str, ...] | None = None
    testpaths: tuple[str, ...] = ()
    python_files: tuple[str, ...] = PYTHON_FILES
    norecursedirs: tuple[str, ...] = NORECURSEDIRS
    _pruned: dict[str, bool] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    def __call__(self, path: str) -> bool:
        """Tell whether ``path`` (relative, posix) is a test file."""
        if self.globs is not None:
            return excluded(path, self.globs)
        folder, _, name = path.rpartition("/")
        if name == CONFTEST:
            return not self._pruned_below("", folder)
        if not name.endswith(".py"):
            return False
        for top in self.testpaths or ("",):
            if path == top:
                return True  # named in testpaths: collected whatever its name
            if top and not folder.startswith(top + "/") and folder != top:
                continue
            if not self._pruned_below(top, folder) and self._collects(path, name):
                return True
        return False

    def _collects(self, path: str, name: str) -> bool:
        return any(_fnmatch_ex(p, self.root, path, name) for p in self.python_files)

    def _pruned_below(self, top: str, folder: str) -> bool:
        """Tell whether a folder between ``top`` (excluded) and ``folder`` is pruned."""
        if folder == top or not folder:
            return False
        parent, _, name = folder.rpartition("/")
        if folder not in self._pruned:
            self._pruned[folder] = any(
                _fnmatch_ex(p, self.root, folder, name) for p in self.norecursedirs
            ) or _is_venv(self.root / folder)
        return self._pruned[folder] or self._pruned_below(top, parent)

    def key(self) -> str:
        """Return the rule as text for cache keys: what decides, not where from."""
        fields = [self.globs, self.testpaths, self.python_files, self.norecursedirs]
        return SETTING + "\0" + json.dumps(fields)

    def describe(self) -> str:
        """Say in a few words which files are tests and where that comes from."""
        if self.globs is not None:
            shown = ", ".join(self.globs) if self.globs else "none"
            return f"{SETTING} in [tool.quality-gates]: {shown}"
        where = f" under {', '.join(self.testpaths)}" if self.testpaths else ""
        pruned = ""
        if self.norecursedirs != NORECURSEDIRS:
            pruned = f", not in {' '.join(self.norecursedirs)}"
        return (
            f"{' '.join(self.python_files)}{where}{pruned}, and conftest.py "
            f"(as pytest finds them: {self.source})"
        )


def _fnmatch_ex(pattern: str, root: Path, path: str, name: str) -> bool:
    """Match as pytest's ``fnmatch_ex``: the name, or the whole path with a ``/``."""
    if "/" not in pattern:
        return fnmatch.fnmatch(name, pattern)
    if not os.path.isabs(pattern):
        pattern = "*/" + pattern
    return fnmatch.fnmatch(str(root / path), pattern)


def _is_venv(folder: Path) -> bool:
    """Tell whether ``folder`` is a virtual environment (pytest's ``_in_venv``)."""
    try:
        return (folder / "pyvenv.cfg").is_file() or (
            folder / "conda-meta" / "history"
        ).is_file()
    except OSError:
        return False


def load(root: Path, setting: tuple[str, ...] | None) -> Rule:
    """Return the project's rule: ``test-files`` if set, else pytest's config."""
    if setting is not None:
        return Rule(root, f"{SETTING} in [tool.quality-gates]", globs=setting)
    found = find_config(root)
    if found is None:
        return Rule(root, "pytest's defaults, no pytest config")
    base, name, options = found
    where = name if base == root else f"{base}/{name}"
    values = {k: _words(where, k, options[k]) for k in OPTIONS if k in options}
    testpaths = _testpaths(root, values.get("testpaths", [])) if base == root else ()
    return Rule(
        root,
        where,
        testpaths=testpaths,
        python_files=tuple(values.get("python_files", PYTHON_FILES)),
        norecursedirs=tuple(values.get("norecursedirs", NORECURSEDIRS)),
    )


def _words(where: str, key: str, value: object) -> list[str]:
    """Read an ``args`` option: a list, or a string split as a shell would."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError as exc:
            raise GateError(_unreadable(where, f"{key}: {exc}"))
    raise GateError(_unreadable(where, f"{key}: expected a list of strings"))


def _testpaths(root: Path, patterns: Iterable[str]) -> tuple[str, ...]:
    """Glob ``testpaths`` from the root as pytest does; none found: the root."""
    found: list[str] = []
    for pattern in patterns:
        for match in sorted(glob.glob(pattern, root_dir=root, recursive=True)):
            full = os.path.normpath(os.path.join(root, match))
            relative = os.path.relpath(full, root).replace(os.sep, "/")
            if relative == ".":
                return ()  # the root itself: every folder
            if relative != ".." and not relative.startswith("../"):
                found.append(relative)
    return tuple(dict.fromkeys(found))


def _unreadable(where: str, why: str) -> str:
    return (
        f"{where}: pytest's config cannot be read ({why}), so the suite cannot "
        f"tell which files are tests; fix it, or set {SETTING} in [tool.quality-gates]"
    )


# pytest's config files, in its order of precedence (_pytest/config/findpaths.py)
CONFIG_FILES = (
    "pytest.toml",
    ".pytest.toml",
    "pytest.ini",
    ".pytest.ini",
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
)


class _Unreadable(Exception):
    """Why a config file cannot be read (the caller names the file)."""


def find_config(root: Path) -> tuple[Path, str, Mapping[str, Any]] | None:
    """Return the folder, the file and table, and the options pytest would use."""
    for base in (root, *root.parents):
        for name in CONFIG_FILES:
            try:
                if not (base / name).is_file():
                    continue
            except OSError:
                continue
            try:
                found = _LOADERS[name](base / name)
            except _Unreadable as exc:
                shown = name if base == root else str(base / name)
                raise GateError(_unreadable(shown, str(exc)))
            if found is not None:
                options, table = found
                return base, f"{name} {table}", options
    return None


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _Unreadable(str(exc))


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise _Unreadable(f"invalid TOML: {exc}")


def _table(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


Found = tuple[Mapping[str, Any], str]


def _ini(section: str, always: bool) -> Callable[[Path], Found | None]:
    """Read ``[section]`` of an ini file; ``always``: the file is pytest's own."""

    def load(path: Path) -> Found | None:
        parser = configparser.RawConfigParser(strict=False, interpolation=None)
        try:
            parser.read_string(_text(path))
        except configparser.Error as exc:
            raise _Unreadable(" ".join(str(exc).split()))
        if parser.has_section(section):
            return dict(parser.items(section)), f"[{section}]"
        return ({}, f"[{section}]") if always else None

    return load


def _pytest_toml(path: Path) -> Found:
    return _table(_toml(path).get("pytest")) or {}, "[pytest]"


def _pyproject(path: Path) -> Found | None:
    tool = _table(_toml(path).get("tool")) or {}
    pytest = _table(tool.get("pytest")) or {}
    native = {k: v for k, v in pytest.items() if k != "ini_options"}
    if native:
        return native, "[tool.pytest]"
    ini = _table(pytest.get("ini_options"))
    return None if ini is None else (ini, "[tool.pytest.ini_options]")


_LOADERS: dict[str, Callable[[Path], Found | None]] = {
    "pytest.toml": _pytest_toml,
    ".pytest.toml": _pytest_toml,
    "pytest.ini": _ini("pytest", always=True),
    ".pytest.ini": _ini("pytest", always=True),
    "pyproject.toml": _pyproject,
    "tox.ini": _ini("pytest", always=False),
    "setup.cfg": _ini("tool:pytest", always=False),
}


@dataclasses.dataclass
class Part:
    """Files, lines of code, findings and debt of the tests, or of the rest."""

    files: int = 0
    lines_of_code: int = 0
    findings: int = 0
    debt_minutes: int = 0


def split(
    findings: Iterable[Finding],
    loc: Mapping[str, int],
    is_test: Callable[[str], bool],
    cost: Callable[[Finding], int],
) -> dict[str, dict[str, int]]:
    """Split files, lines, findings and debt between ``tests`` and ``rest``."""
    parts = {"tests": Part(), "rest": Part()}
    tested: dict[str, bool] = {}

    def part(path: str) -> Part:
        if path not in tested:
            tested[path] = is_test(path)
        return parts["tests" if tested[path] else "rest"]

    for path, lines in loc.items():
        into = part(path)
        into.files += 1
        into.lines_of_code += lines
    for finding in findings:
        into = part(finding.path)
        into.findings += 1
        into.debt_minutes += cost(finding)
    return {name: dataclasses.asdict(p) for name, p in parts.items()}


def sentence(rule: Rule, defaults: Sequence[str], configs: Sequence[str] = ()) -> str:
    """Say in one line which files are tests and what the defaults leave out there.

    ``configs``: the project's own configs that decide there instead.
    """
    out = f"test files: {rule.describe()}"
    if defaults:
        out += "; left out there: " + ", ".join(defaults)
    if configs:
        out += "; as the project's own config says: " + ", ".join(configs)
    return out
