"""``[tool.quality-gates]`` in the consumer's pyproject.toml.

Defaults, validation, and one clear error for each wrong value.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from quality_gates.errors import GateError

CONVENTIONS = ("pep257", "numpy", "google")
SEVERITY_LEVELS = ("error", "warning", "info")

# Sub-tables and keys owned by other modules (score, baseline, guards, security):
# they validate their own contents; here we only know they may exist.
SECTIONS = ("protect", "coverage", "costs", "import-time", "docs", "security")
ARRAYS_OF_TABLES = ("ignore",)


@dataclasses.dataclass
class Config:
    """The validated settings of one project."""

    root: Path
    line_length: int = 88
    docstring_convention: str = "pep257"
    tools: tuple[str, ...] = dataclasses.field(default_factory=lambda: _tools()[1])
    exclude: tuple[str, ...] = ()
    # which files are tests (None: as pytest finds them; see testfiles.py)
    test_files: tuple[str, ...] | None = None
    jobs: int = 0
    python_executable: str | None = None
    baseline: str = ".quality-gates-baseline.json"
    baseline_required: bool = False
    fail_under: float | None = None
    max_debt: int | None = None
    cost_per_line: float = 30.0
    fail_on: str = "warning"
    # a file over this size is not checked but reported (0: no limit); black
    # alone needs minutes per megabyte of generated code
    max_file_kb: int = 1024
    # seconds one tool process may run before it is killed and reported (0: none)
    tool_timeout: float = 900.0
    raw: dict[str, Any] = dataclasses.field(default_factory=dict)
    pyproject: dict[str, Any] = dataclasses.field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        """Return a sub-table such as ``[tool.quality-gates.protect]`` (or {})."""
        value = self.raw.get(name, {})
        if not isinstance(value, dict):
            raise GateError(f"[tool.quality-gates.{name}] must be a table")
        return value


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every way it can be wrong into one line."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GateError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        raise GateError(f"{path}: cannot read: {exc.strerror}")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GateError(f"{path}: invalid TOML: {exc}")


def _expect(key: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if (
        isinstance(value, bool)
        and kind is not bool
        and bool not in (kind if isinstance(kind, tuple) else (kind,))
    ):
        raise GateError(f"[tool.quality-gates] {key}: expected {what}, got {value!r}")
    if not isinstance(value, kind):
        raise GateError(f"[tool.quality-gates] {key}: expected {what}, got {value!r}")
    return value


def _str_list(key: str, value: Any) -> tuple[str, ...]:
    _expect(key, value, list, "a list of strings")
    for item in value:
        _expect(key, item, str, "a list of strings")
    return tuple(value)


def _choice(key: str, value: Any, choices: tuple[str, ...]) -> str:
    _expect(key, value, str, "one of " + ", ".join(choices))
    if value not in choices:
        raise GateError(
            f"[tool.quality-gates] {key}: {value!r} is not one of " + ", ".join(choices)
        )
    return str(value)


def _tools() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return every registered tool and the default set (see ``tools/``)."""
    from quality_gates import tools  # the adapters import this module

    return tools.names(), tools.defaults()


def parse_tools(value: Any, key: str = "tools") -> tuple[str, ...]:
    """Validate a list of tool names (config list or ``--tools a,b``)."""
    names = _str_list(key, value)
    known = _tools()[0]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise GateError(
            f"{key}: unknown tool {unknown[0]!r}; choose from " + ", ".join(known)
        )
    if not names:
        raise GateError(f"{key}: the list of tools is empty")
    return tuple(dict.fromkeys(names))


def seconds(key: str, value: Any) -> float:
    """Validate a duration in seconds: a finite number, 0 meaning no limit."""
    _expect(key, value, (int, float), "seconds (a number, 0 for no limit)")
    if not 0 <= value < math.inf:
        raise GateError(f"[tool.quality-gates] {key}: must be 0 or more seconds")
    return float(value)


def tools_option(text: str) -> tuple[str, ...]:
    """Validate ``--tools a,b``; an empty list is an error, never the default set."""
    return parse_tools([n.strip() for n in text.split(",") if n.strip()], "--tools")


def _positive_int(key: str, value: Any, *, minimum: int = 1) -> int:
    _expect(key, value, int, "an integer")
    if value < minimum:
        raise GateError(f"[tool.quality-gates] {key}: must be at least {minimum}")
    return int(value)


def _path(key: str, value: Any) -> str:
    path = _expect(key, value, str, "a path")
    if not path.strip():
        raise GateError(f"[tool.quality-gates] {key}: the path is empty")
    return str(path)


def _percent(key: str, value: Any) -> float:
    score = _expect(key, value, (int, float), "a number from 0 to 100")
    if not 0 <= score <= 100:
        raise GateError(f"[tool.quality-gates] {key}: must be from 0 to 100")
    return float(score)


def _per_line(key: str, value: Any) -> float:
    per_line = _expect(key, value, (int, float), "minutes per line (a number above 0)")
    if not 0 < per_line < math.inf:
        raise GateError(f"[tool.quality-gates] {key}: must be above 0 and finite")
    return float(per_line)


def _count(minimum: int) -> Callable[[str, Any], int]:
    return lambda key, value: _positive_int(key, value, minimum=minimum)


# key -> (Config attribute, parser of the value)
_SETTINGS: dict[str, tuple[str, Callable[[str, Any], Any]]] = {
    "line-length": ("line_length", _count(40)),
    "docstring-convention": (
        "docstring_convention",
        lambda key, value: _choice(key, value, CONVENTIONS),
    ),
    "tools": ("tools", lambda key, value: parse_tools(value)),
    "exclude": ("exclude", _str_list),
    "test-files": ("test_files", _str_list),
    "jobs": ("jobs", _count(1)),
    "python-executable": (
        "python_executable",
        lambda key, value: _expect(key, value, str, "a path"),
    ),
    "baseline": ("baseline", _path),
    "fail-under": ("fail_under", _percent),
    "max-debt": ("max_debt", _count(0)),
    "cost-per-line": ("cost_per_line", _per_line),
    "max-file-kb": ("max_file_kb", _count(0)),
    "tool-timeout": ("tool_timeout", seconds),
    "fail-on": ("fail_on", lambda key, value: _choice(key, value, SEVERITY_LEVELS)),
}


def _apply(config: Config, key: str, value: Any) -> None:
    if key in _SETTINGS:
        attribute, parse = _SETTINGS[key]
        setattr(config, attribute, parse(key, value))
        if key == "baseline":
            config.baseline_required = True
    elif key in SECTIONS:
        _expect(key, value, dict, "a table")
    elif key in ARRAYS_OF_TABLES:
        _expect(
            key, value, list, "an array of tables ([[tool.quality-gates.%s]])" % key
        )
    else:
        raise GateError(f"[tool.quality-gates] unknown key {key!r}")


def formatter_line_length(root: Path, pyproject: dict[str, Any]) -> int | None:
    """Return the project formatter's line length: black's, else ruff's, else None.

    The suite's defaults (flake8's E501, isort's wrapping) then agree with
    the formatter, so the gate never reports a long line ``--fix`` keeps.
    """
    tool = pyproject.get("tool", {})
    tables = [(tool.get("black"), "black"), (tool.get("ruff"), "ruff")]
    for name in ("ruff.toml", ".ruff.toml"):  # ruff's own files beat [tool.ruff]
        if (root / name).is_file():
            tables.insert(1, (read_toml(root / name), name))
    for table, where in tables:
        if not isinstance(table, dict):
            continue
        value = table.get("line-length", table.get("line_length"))
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise GateError(f"{where}: line-length {value!r} is not a positive integer")
        return value
    return None


def load(root: Path) -> Config:
    """Read and validate the project's settings; defaults where it has none."""
    config = Config(root=root)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        config.pyproject = read_toml(pyproject)
    config.line_length = formatter_line_length(root, config.pyproject) or 88
    table = config.pyproject.get("tool", {}).get("quality-gates", {})
    if not isinstance(table, dict):
        raise GateError("pyproject.toml: [tool.quality-gates] must be a table")
    config.raw = table
    for key, value in table.items():
        _apply(config, key, value)
    return config
