"""How long importing a package takes, measured with ``python -X importtime``.

The package is imported in a fresh interpreter ``runs`` times (after one
unmeasured warm-up run that also writes the bytecode cache, as a user's second
import would find it).  The total of a run is the sum of the cumulative times
of the top-level imports made by ``__import__(PACKAGE)``: interpreter start-up
imports (``site``, ``encodings``) are excluded.  The verdict uses the median of
the totals, so one slow run on a busy machine does not fail the gate.  Every
module's median cumulative time is kept, so the report can name the imports
worth making lazy.
"""

from __future__ import annotations

import dataclasses
import os
import re
import statistics
import subprocess  # nosec B404 - the interpreter runs with an argument list
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from quality_gates.errors import GateError

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S.*)$")
MARK = "--quality-gates-import-time--"
# The child imports the package by name from argv: no code is built from input.
_PROGRAM = (
    "import sys\n"
    f"sys.stderr.write('\\n{MARK}\\n'); sys.stderr.flush()\n"
    "__import__(sys.argv[1])\n"
    f"sys.stderr.write('\\n{MARK}\\n'); sys.stderr.flush()\n"
    "print(getattr(sys.modules[sys.argv[1]], '__file__', None) or '')\n"
    "print(sys.version.split()[0])\n"
)
DEFAULT_RUNS = 5
TIMEOUT = 300.0


@dataclasses.dataclass
class ImportEntry:
    """One line of ``-X importtime``: times in microseconds."""

    module: str
    self_us: int
    cumulative_us: int
    depth: int


@dataclasses.dataclass
class Measurement:
    """The outcome of all runs: median total and per-module medians."""

    package: str
    python: str
    runs: int
    totals_us: list[int]
    module_file: str
    python_version: str
    slowest: list[ImportEntry]

    @property
    def median_s(self) -> float:
        """Median total in seconds."""
        return statistics.median(self.totals_us) / 1e6

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the JSON report's summary."""
        return {
            "package": self.package,
            "python": self.python,
            "python_version": self.python_version,
            "runs": self.runs,
            "median_seconds": round(self.median_s, 6),
            "totals_seconds": [round(t / 1e6, 6) for t in self.totals_us],
            "slowest": [
                {
                    "module": e.module,
                    "cumulative_seconds": round(e.cumulative_us / 1e6, 6),
                    "self_seconds": round(e.self_us / 1e6, 6),
                }
                for e in self.slowest
            ],
        }


def check_package_name(name: str) -> str:
    """Accept a dotted module name; anything else is a GateError."""
    if not _NAME.match(name):
        raise GateError(f"{name!r} is not an importable module name (like pkg.sub)")
    return name


def parse_importtime(stderr: str) -> list[ImportEntry]:
    """Parse the entries printed between the two marks (the package's import)."""
    parts = stderr.split(MARK)
    if len(parts) < 3:
        return []
    entries = []
    for line in parts[1].splitlines():
        match = _LINE.match(line)
        if match:
            self_us, cum_us, indent, name = match.groups()
            entries.append(
                ImportEntry(name.strip(), int(self_us), int(cum_us), len(indent) // 2)
            )
    return entries


def total_us(entries: Sequence[ImportEntry]) -> int:
    """Sum the top-level entries' cumulative times: the package's import time."""
    if not entries:
        return 0
    top = min(e.depth for e in entries)
    return sum(e.cumulative_us for e in entries if e.depth == top)


def _error_line(stderr: str) -> str:
    lines = [
        line
        for line in stderr.splitlines()
        if line.strip() and not line.startswith("import time:") and MARK not in line
    ]
    return lines[-1].strip() if lines else "no error output"


def run_once(package: str, python: str, cwd: Path) -> tuple[list[ImportEntry], str]:
    """Import once in a fresh interpreter; a failed import is a GateError.

    Returns the entries and the child's stdout: the module's file, then the
    interpreter's version.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPROFILEIMPORTTIME"}
    try:
        proc = subprocess.run(  # nosec B603 - fixed program, name passed in argv
            [python, "-X", "importtime", "-c", _PROGRAM, package],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise GateError(
            f"{python}: no such interpreter; fix --python or python-executable"
        )
    except subprocess.TimeoutExpired:
        raise GateError(f"importing {package} did not finish in {TIMEOUT:.0f} s")
    if proc.returncode != 0 or proc.stderr.count(MARK) < 2:
        raise GateError(
            f"cannot import {package} with {python}: {_error_line(proc.stderr)}"
        )
    return parse_importtime(proc.stderr), proc.stdout


def slowest(
    runs: Sequence[Sequence[ImportEntry]], count: int, *, package: str = ""
) -> list[ImportEntry]:
    """Each module's median times over the runs, slowest cumulative first.

    The package itself is left out: its cumulative time is the total.
    """
    by_module: dict[str, list[ImportEntry]] = {}
    for entries in runs:
        for entry in entries:
            if entry.module != package:
                by_module.setdefault(entry.module, []).append(entry)
    merged = [
        ImportEntry(
            module=name,
            self_us=int(statistics.median(e.self_us for e in seen)),
            cumulative_us=int(statistics.median(e.cumulative_us for e in seen)),
            depth=min(e.depth for e in seen),
        )
        for name, seen in by_module.items()
    ]
    merged.sort(key=lambda e: (-e.cumulative_us, e.module))
    return merged[:count]


def measure(
    package: str, *, python: str, cwd: Path, runs: int = DEFAULT_RUNS, top: int = 10
) -> Measurement:
    """Warm up once, then import ``runs`` times and keep the medians."""
    check_package_name(package)
    if runs < 1:
        raise GateError("--runs must be at least 1")
    _, out = run_once(package, python, cwd)
    lines = out.splitlines()
    module_file, version = (lines[-2], lines[-1]) if len(lines) >= 2 else ("", "")
    results = [run_once(package, python, cwd)[0] for _ in range(runs)]
    if not all(results):
        raise GateError(
            f"{package} is already imported when the interpreter starts: "
            "nothing to measure; name your own package"
        )
    return Measurement(
        package=package,
        python=python,
        runs=runs,
        totals_us=[total_us(entries) for entries in results],
        module_file=module_file,
        python_version=version,
        slowest=slowest(results, top, package=package),
    )


def _table_error(key: str, what: str, value: object) -> GateError:
    return GateError(
        f"[tool.quality-gates.import-time] {key}: expected {what}, got {value!r}"
    )


def settings(section: dict[str, Any]) -> dict[str, Any]:
    """Validate ``[tool.quality-gates.import-time]``: package, budget, runs."""
    known = {"package", "budget", "runs"}
    for key in section:
        if key not in known:
            raise GateError(f"[tool.quality-gates.import-time] unknown key {key!r}")
    out: dict[str, Any] = {}
    if "package" in section:
        package = section["package"]
        if not isinstance(package, str):
            raise _table_error("package", "a module name", package)
        out["package"] = package
    if "budget" in section:
        budget = section["budget"]
        if (
            isinstance(budget, bool)
            or not isinstance(budget, (int, float))
            or budget <= 0
        ):
            raise _table_error("budget", "a positive number of seconds", budget)
        out["budget"] = float(budget)
    if "runs" in section:
        runs = section["runs"]
        if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
            raise _table_error("runs", "an integer of at least 1", runs)
        out["runs"] = runs
    return out
