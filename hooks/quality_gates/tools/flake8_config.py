"""flake8's config, read as flake8 reads it (and flake8-pyproject).

flake8 reads the first of ``setup.cfg``, ``tox.ini`` and ``.flake8`` with a
``[flake8]`` section; projects that keep it in pyproject.toml's
``[tool.flake8]`` run flake8 with the flake8-pyproject plugin, which then
takes that table in place of any other file.  The gate reads it the same way,
with or without the plugin beside it (``table_config``), and knows which
codes the installed plugins report.
"""

from __future__ import annotations

import atexit
import configparser
import dataclasses
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from quality_gates.atomic import write_atomic
from quality_gates.cache_files import cache_dir
from quality_gates.tools.base import Context, ToolCrashed, ini_has_section, read_ini
from quality_gates.tools.testdefaults import parse_mapping

DISPLAY = str(Path(__file__).resolve().parent.parent / "data" / "flake8-display.cfg")
_CODE = re.compile(r"[A-Z]{1,3}[0-9]{0,3}")
_SELECTING = ("select", "extend-select")


def plugins(group: str = "flake8.extension") -> list[str]:
    """Return the names of the installed flake8 plugins: code prefixes E, F, D...

    ``group``: ``flake8.report`` for the report plugins (flake8-pyproject).
    """
    from importlib.metadata import distributions  # only when a config selects

    # the path flake8 sees: ours without sys.path[0], as ``python -P`` starts it
    # (under ``python -m`` that entry is the project root, where an sdist's
    # own *.egg-info would pass for an installed plugin)
    path = sys.path if sys.flags.safe_path else sys.path[1:]
    return sorted(
        {
            ep.name
            for dist in distributions(path=path)
            for ep in dist.entry_points
            if ep.group == group
        }
    )


def unreported_codes(config: Flake8Config) -> dict[str, list[str]]:
    """By key (``select``, ``extend-select``): codes no installed plugin reports."""
    chosen: dict[str, list[str]] = {}
    for key, value in config.options.items():
        if key.replace("_", "-") in _SELECTING:
            codes = [c for c in re.split(r"[,\s]+", value) if _CODE.fullmatch(c)]
            chosen[key] = list(dict.fromkeys(codes))
    if not any(chosen.values()):
        return {}
    known = set(plugins()) | config.local_plugins
    missing = {
        key: [
            code
            for code in codes
            if not any(code.startswith(p) or p.startswith(code) for p in known)
        ]
        for key, codes in chosen.items()
    }
    return {key: codes for key, codes in missing.items() if codes}


@dataclasses.dataclass(frozen=True)
class Flake8Config:
    """The config flake8 reads here: its file, and its options as flake8's text.

    ``table``: pyproject.toml's ``[tool.flake8]``, which flake8 reads through
    flake8-pyproject (the plugin that projects with that table install); it
    then replaces every other config file, as the plugin makes it.
    """

    name: str
    options: dict[str, str]
    local_plugins: frozenset[str] = frozenset()
    table: bool = False

    @property
    def section(self) -> str:
        """The section or table that holds the options."""
        return "tool.flake8" if self.table else "flake8"

    @property
    def label(self) -> str:
        """Name the config for a person: the file, and the table when it is one."""
        return f"{self.name} [tool.flake8]" if self.table else self.name


def read_config(ctx: Context) -> Flake8Config | None:
    """Read [tool.flake8], else the first of flake8's own files with a section."""
    tool = ctx.config.pyproject.get("tool", {})
    table = tool.get("flake8") if isinstance(tool, dict) else None
    if isinstance(table, dict):
        options = {str(k): _text(v) for k, v in table.items()}
        return Flake8Config("pyproject.toml", options, table=True)
    name = ini_config(ctx.root)
    if name is None:
        return None
    ini = read_ini(ctx.root / name)
    options = dict(ini.items("flake8")) if ini.has_section("flake8") else {}
    return Flake8Config(name, options, _local_plugins(ini))


def ini_config(root: Path) -> str | None:
    """Name the first of setup.cfg, tox.ini and .flake8 with a flake8 section."""
    for name in CONFIG_FILES:
        if ini_has_section(root, name, "flake8", "flake8:local-plugins"):
            return name
    return None


def _text(value: object) -> str:
    """Write a TOML value as the text of an ini option: lists one item a line."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ",\n".join(str(item) for item in value)
    return str(value)


def _local_plugins(parser: configparser.RawConfigParser) -> frozenset[str]:
    """Codes of ``[flake8:local-plugins]``: ``extension = CODE = module:Class``."""
    if not parser.has_section("flake8:local-plugins"):
        return frozenset()
    lines = parser.get("flake8:local-plugins", "extension", fallback="").splitlines()
    return frozenset(line.split("=", 1)[0].strip() for line in lines if "=" in line)


# the flake8-pyproject plugin (a report plugin: it only changes config reading)
PYPROJECT_PLUGIN = "Flake8-pyproject"
# in check_args, where the config file made from [tool.flake8] goes
TABLE = "<pyproject.toml [tool.flake8]>"
PATH_OPTIONS = ("exclude", "extend-exclude", "extend_exclude")


# the config files this process wrote, by name: the batches of one run share one
_WRITTEN: dict[str, Path] = {}


def _private_folder() -> Path:
    """Make a folder of this process's own in the temporary folder, removed at exit.

    Never a fixed name there: anyone can place a file or a link under it first.
    """
    folder = tempfile.mkdtemp(prefix="quality-gates-flake8-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(folder)


def _table_options(root: Path, config: Flake8Config) -> dict[str, str]:
    """Return [tool.flake8]'s options, paths made absolute, display forced."""
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(Path(DISPLAY).read_text(encoding="utf-8"))
    display = dict(parser.items("flake8"))
    options = dict(config.options)
    for key in PATH_OPTIONS:
        if key in options:
            patterns = [p for p in re.split(r"[,\s]+", options[key]) if p]
            options[key] = ",\n".join(absolute(root, patterns))
    options.update(display)
    return options


def table_config(root: Path, config: Flake8Config) -> Path:
    """Write [tool.flake8] as the ini file flake8 would read; return its path.

    The display settings are forced as for any config.  flake8 takes the
    paths in ``exclude``/``extend-exclude`` from the config's folder, so those
    are made absolute from the project root, where pyproject.toml is.  The
    file is named by its content, in the suite's cache folder (else a private
    temporary folder); a TOML twin is written for flake8-pyproject.
    """
    options = _table_options(root, config)
    lines = ["[flake8]"]
    for key, value in options.items():
        lines.append(f"{key} = " + value.replace("\n", "\n    "))
    text = "\n".join(lines) + "\n"
    twin = "[tool.flake8]\n" + "".join(
        f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in options.items()
    )
    name = hashlib.sha256(text.encode()).hexdigest()[:16]
    if name in _WRITTEN:
        return _WRITTEN[name]
    for folder in (cache_dir() / "flake8", None):
        try:
            # written afresh by each process, never trusted as found
            path = (folder or _private_folder()) / f"{name}.cfg"
            write_atomic(path, text)
            write_atomic(path.with_suffix(".toml"), twin)
        except OSError:
            continue
        _WRITTEN[name] = path
        return path
    raise ToolCrashed(
        "flake8: cannot write the config made from [tool.flake8] in the cache "
        f"folder ({cache_dir()}) or the temporary folder"
    )


# where flake8 looks, in its order, and its default exclude (flake8/defaults.py)
CONFIG_FILES = ("setup.cfg", "tox.ini", ".flake8")
DEFAULT_EXCLUDE = (
    *(".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox"),
    *(".eggs", "*.egg"),
)


def option(options: dict[str, str], name: str, default: Sequence[str]) -> list[str]:
    """Read a list option of ``[flake8]``: commas or whitespace, ``-`` or ``_``."""
    for key in (name, name.replace("-", "_")):
        if key in options:
            return [p for p in re.split(r"[,\s]", options[key]) if p]
    return list(default)


def raw(options: dict[str, str], name: str) -> list[str]:
    """Return an option of ``[flake8]`` as written (``-`` or ``_``), or nothing."""
    for key in (name, name.replace("-", "_")):
        if key in options:
            return [options[key]]
    return []


def codes(options: dict[str, str], name: str) -> list[str]:
    """Return the codes an option names (``per-file-ignores``: by flake8's parser)."""
    text = "\n".join(raw(options, name))
    if name != "per-file-ignores":
        return [c for c in re.split(r"[,\s]+", text) if c]
    try:
        return [code for _name, codes in parse_mapping(text) for code in codes]
    except ValueError:  # flake8 itself says what is wrong with it
        return []


def absolute(root: Path, patterns: Sequence[str]) -> list[str]:
    """Make patterns with a ``/`` paths from the config's folder, as flake8 does."""
    return [
        (
            os.path.abspath(os.path.join(root, p)).rstrip("/")
            if "/" in p or p == "."
            else p
        )
        for p in patterns
    ]
