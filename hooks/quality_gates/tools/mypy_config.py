"""mypy's own config, read as mypy reads it: which files it checks, which plugins.

mypy reads the first of ``mypy.ini``, ``.mypy.ini``, ``pyproject.toml`` (with
``[tool.mypy]``) and ``setup.cfg`` (with ``[mypy]``).  With no files on its
command line it checks ``files``, ``packages`` and ``modules``; a folder is
walked without names that start with ``.``, ``__pycache__``, ``site-packages``
and ``node_modules``, and without paths that ``exclude`` (regular expressions
searched in the path from the root, folders ending with ``/``) or, with
``exclude_gitignore``, ``.gitignore`` match.  A file named in ``files`` is
checked even when excluded.  With none of them, the project is walked from
its root the same way (``mypy .``).

A pre-commit hook's flags are mypy's config keys (``hook_settings``).
"""

from __future__ import annotations

import dataclasses
import glob
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quality_gates.hook_args import Carried, attached, store, tokens, unknown
from quality_gates.tools.base import read_ini
from quality_gates.tools.walk import Walk, git_ignored

if TYPE_CHECKING:  # config validates against the registry: no import circle
    from quality_gates.config import Config

SKIPPED_NAMES = ("__pycache__", "site-packages", "node_modules")
SUFFIXES = (".py", ".pyi")


@dataclasses.dataclass
class Settings:
    """The settings of mypy's config that say what it checks and loads."""

    source: str | None = None
    files: list[str] = dataclasses.field(default_factory=list)
    packages: list[str] = dataclasses.field(default_factory=list)
    modules: list[str] = dataclasses.field(default_factory=list)
    exclude: list[str] = dataclasses.field(default_factory=list)
    mypy_path: list[str] = dataclasses.field(default_factory=list)
    plugins: list[str] = dataclasses.field(default_factory=list)
    exclude_gitignore: bool = False


def _split(value: Any, pattern: str = ",") -> list[str]:
    if isinstance(value, str):
        return [p.strip() for p in re.split(pattern, value) if p.strip()]
    if isinstance(value, list):
        return [str(p).strip() for p in value if str(p).strip()]
    return []


def _table(config: Config, root: Path) -> tuple[str | None, dict[str, Any]]:
    """Return the name of the file mypy would read, and its ``[mypy]`` settings."""
    for name in ("mypy.ini", ".mypy.ini"):
        if (root / name).is_file():
            ini = read_ini(root / name)
            return name, dict(ini.items("mypy")) if ini.has_section("mypy") else {}
    table = config.pyproject.get("tool", {}).get("mypy")
    if isinstance(table, dict):
        return "pyproject.toml", table
    ini = read_ini(root / "setup.cfg")
    if ini.has_section("mypy"):
        return "setup.cfg", dict(ini.items("mypy"))
    return None, {}


def table(config: Config, root: Path) -> tuple[str | None, dict[str, Any]]:
    """Return the file mypy reads here (None: none) and its ``[mypy]`` settings."""
    return _table(config, root)


def read(config: Config, root: Path) -> Settings:
    """Read the settings mypy itself would read for a run in ``root``."""
    source, table = _table(config, root)
    exclude = table.get("exclude")  # one regex (ini, TOML string) or a TOML list
    flag = str(table.get("exclude_gitignore", "false")).strip().lower()
    return Settings(
        source=source,
        files=_split(table.get("files")),
        packages=_split(table.get("packages")),
        modules=_split(table.get("modules")),
        exclude=(
            [exclude.strip()]
            if isinstance(exclude, str) and exclude.strip()
            else _split(exclude)
        ),
        mypy_path=[
            os.path.expandvars(p) for p in _split(table.get("mypy_path"), "[,:]")
        ],
        plugins=_split(table.get("plugins")),
        exclude_gitignore=flag in ("1", "yes", "true", "on"),
    )


def scope(
    settings: Settings, root: Path, files: Sequence[str]
) -> Callable[[str], bool]:
    """Tell whether mypy, run as configured in ``root``, checks a file of ``files``."""
    rules = _Rules(settings, root, files)
    if not (settings.files or settings.packages or settings.modules):
        return rules.walk_from("")
    explicit: set[str] = set()
    walks = []
    for entry in settings.files:
        for found in _glob(root, entry):
            if found.endswith(SUFFIXES) and (root / found).is_file():
                explicit.add(found)
            elif (root / found).is_dir():
                walks.append(rules.walk_from(found))
    for package in settings.packages:
        folder = _find(root, settings.mypy_path, package.replace(".", "/"))
        if folder is not None:
            walks.append(rules.walk_from(folder))
    for module in settings.modules:
        stem = module.replace(".", "/")
        for candidate in (f"{stem}.pyi", f"{stem}.py", f"{stem}/__init__.py"):
            found_file = _find(root, settings.mypy_path, candidate, folder=False)
            if found_file is not None:
                explicit.add(found_file)
                break
    return lambda path: path in explicit or any(walk(path) for walk in walks)


def problems(
    settings: Settings, root: Path, elsewhere: Sequence[Path] = ()
) -> list[tuple[str, str]]:
    """Find what mypy's own run stops at in ``files``, ``packages``, ``modules``.

    mypy exits 2 and checks nothing; the gate, which names the files, checks
    the rest.  ``elsewhere``: the project environment's folders (site-packages,
    editable installs), where mypy also finds packages and modules.
    """
    out = []
    if settings.files and (settings.packages or settings.modules):
        out.append(
            (
                "packages" if settings.packages else "modules",
                "mypy refuses `files` together with `packages` or `modules` "
                '("May only specify one of: module/package, files, or command") '
                "and checks nothing; the gate checks both: keep one of them",
            )
        )
    for entry in settings.files:
        if not any(os.path.exists(root / f) for f in _glob(root, entry)):
            out.append(("files", _stops(f"files names {entry!r}", "Cannot read file")))
    search = [root / p for p in settings.mypy_path] + [root, *elsewhere]
    for package in settings.packages:
        rel = package.replace(".", "/")
        if not any((base / rel).is_dir() for base in search):
            why = f"Can't find package '{package}'"
            out.append(("packages", _stops(f"packages names {package!r}", why)))
    for module in settings.modules:
        stem = module.replace(".", "/")
        names = (f"{stem}.pyi", f"{stem}.py", f"{stem}/__init__.py", stem)
        if not any((base / n).exists() for base in search for n in names):
            why = f'Cannot find module "{module}"'
            out.append(("modules", _stops(f"modules names {module!r}", why)))
    return out


def _stops(what: str, why: str) -> str:
    return (
        f"{what}, which is not there: mypy's own run stops at it ({why}) and "
        "checks nothing; the gate checks the rest. Fix the name or drop it"
    )


class _Rules:
    """mypy's walk of a folder (find_sources_in_dir), path by path."""

    def __init__(self, settings: Settings, root: Path, files: Sequence[str]) -> None:
        self.root = root
        self.excludes = [p for p in map(_compiled, settings.exclude) if p is not None]
        self.ignored = git_ignored(root, files) if settings.exclude_gitignore else set()
        self.listed: dict[str, dict[str, tuple[bool, bool]]] = {}

    def skipped(self, path: str, *, folder: bool) -> bool:
        name = path.rpartition("/")[2]
        if name in SKIPPED_NAMES or name.startswith("."):
            return True
        shown = path + "/" if folder else path
        return any(p.search(shown) for p in self.excludes) or path in self.ignored

    def kept(self, path: str) -> bool:
        """Tell whether mypy takes a file: a stub beats its module, a package a file."""
        if not path.endswith(SUFFIXES) or self.skipped(path, folder=False):
            return False
        # names from a listing: one per folder, and never one too long to stat
        folder, _, name = path.rpartition("/")
        listing = self.listing(folder)
        stem = name.rsplit(".", 1)[0]
        if path.endswith(".py") and listing.get(f"{stem}.pyi", (False,))[0]:
            return False
        return not listing.get(stem, (False, False))[1]

    def listing(self, folder: str) -> dict[str, tuple[bool, bool]]:
        """(is a file, is a folder) by name in ``folder``: one listing per folder."""
        if folder not in self.listed:
            found = {}
            try:
                with os.scandir(self.root / folder) as entries:
                    for entry in entries:
                        try:
                            found[entry.name] = (entry.is_file(), entry.is_dir())
                        except OSError:
                            continue
            except OSError:
                pass
            self.listed[folder] = found
        return self.listed[folder]

    def walk_from(self, base: str) -> Callable[[str], bool]:
        """Walk ``base`` (the root when empty) as mypy: what it checks below it."""
        above = {base.rsplit("/", i)[0] for i in range(base.count("/") + 1)} | {""}
        walk = Walk(
            prune=lambda folder: folder not in above
            and self.skipped(folder, folder=True),
            keep=self.kept,
        )
        prefix = base + "/" if base else ""
        return lambda path: path.startswith(prefix) and walk(path)


def _compiled(pattern: str) -> re.Pattern[str] | None:
    """Compile an ``exclude`` regex; one Python rejects excludes nothing.

    mypy compiles ``exclude`` only while it walks a folder, so run on named
    files (as pre-commit's hook, and the suite, run it) it accepts a pattern
    Python's ``re`` rejects: the file is checked, as mypy would check it.
    """
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _glob(root: Path, entry: str) -> list[str]:
    """Expand a ``files`` entry as mypy does (recursive glob), relative to root."""
    pattern = os.path.expanduser(os.path.expandvars(entry))
    full = os.path.join(root, pattern)
    found = glob.glob(full, recursive=True) or [full]
    out = []
    for path in found:
        rel = os.path.relpath(os.path.normpath(path), root).replace(os.sep, "/")
        if not rel.startswith(".."):
            out.append("" if rel == "." else rel)
    return out


def _find(
    root: Path, mypy_path: Sequence[str], rel: str, *, folder: bool = True
) -> str | None:
    """Find a package folder or module file on mypy's search path (then the root)."""
    for base in [*mypy_path, "."]:
        path = (root / base / rel).resolve()
        if (path.is_dir() if folder else path.is_file()) and path.is_relative_to(
            root.resolve()
        ):
            return path.relative_to(root.resolve()).as_posix()
    return None


# a hook's options that take a value -> (config key, kind: hook_args.store)
HOOK_VALUES: dict[str, tuple[str, str]] = {
    "--python-version": ("python_version", "str"),
    "--platform": ("platform", "str"),
    "--follow-imports": ("follow_imports", "str"),
    "--exclude": ("exclude", "list"),
    "--disable-error-code": ("disable_error_code", "list"),
    "--enable-error-code": ("enable_error_code", "list"),
    "--always-true": ("always_true", "list"),
    "--always-false": ("always_false", "list"),
    "-p": ("packages", "list"),
    "--package": ("packages", "list"),
    "-m": ("modules", "list"),
    "--module": ("modules", "list"),
    "--custom-typeshed-dir": ("custom_typeshed_dir", "str"),
    "--plugins": ("plugins", "list"),
    "--config-file": ("", "config"),
    "--cache-dir": ("", "ignore-value"),
    "--python-executable": ("", "ignore-value"),
    "--junit-xml": ("", "ignore-value"),
    # reports written beside the check: they change no finding
    **{
        f"--{kind}-report": ("", "ignore-value")
        for kind in (
            "txt",
            "html",
            "xml",
            "cobertura-xml",
            "linecount",
            "linecoverage",
            "lineprecision",
            "any-exprs",
            "xslt-html",
            "xslt-txt",
        )
    },
}
HOOK_DISPLAY = {
    "--scroll-output",
    "--show-error-codes",
    "--hide-error-codes",
    "--pretty",
    "--no-pretty",
    "--show-column-numbers",
    "--show-error-context",
    "--hide-error-context",
    "--show-absolute-path",
    "--color-output",
    "--no-color-output",
    "--error-summary",
    "--no-error-summary",
    "--show-traceback",
    "--show-error-end",
    "--install-types",
    "--non-interactive",
    "--incremental",
    "--no-incremental",
    "--sqlite-cache",
    "--cache-fine-grained",
    "-v",
    "--verbose",
}


def _flag(out: Carried, option: str) -> None:
    from mypy.options import Options  # the pinned mypy: its option names

    name = option[2:].replace("-", "_")
    negative = name.startswith("no_") and hasattr(Options(), name[3:])
    key = name[3:] if negative else name
    if key == "strict" or hasattr(Options(), key):
        out.settings[key] = not negative
    else:
        unknown(out, option, None)


def _hook_option(out: Carried, option: str, word: str | None) -> int:
    """Read one of a hook's options; return how many words it took."""
    if option in HOOK_VALUES:
        key, kind = HOOK_VALUES[option]
        if kind == "config":
            out.config_file = word
        elif kind != "ignore-value":
            store(out, key, kind, word)
        return 2
    if option in HOOK_DISPLAY:
        pass
    elif option.startswith("--") and "\0" not in option:
        _flag(out, option)
    else:
        unknown(out, option.replace("\0", "="), word)
    return 1


def hook_settings(args: Sequence[str]) -> Carried:
    """Translate mypy's flags, which are its config keys."""
    out = Carried()
    pairs = tokens(attached(args, HOOK_VALUES))
    i = 0
    while i < len(pairs):
        i += _hook_option(out, *pairs[i])
    return out
