"""One cell of a test matrix: choose its tests, run pytest with coverage.

The tests are run by the tested project's interpreter (``--python``), not by
the suite's own environment: the suite only chooses and reports.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess  # nosec B404 - fixed argument lists, never a shell
from pathlib import Path

from quality_gates.atomic import write_atomic
from quality_gates.ci import relative_coverage, shards
from quality_gates.errors import GateError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclasses.dataclass
class Cell:
    """What one matrix cell runs."""

    python: str
    paths: list[str]
    marker: str = ""
    index: int = 0
    count: int = 1
    durations: Path = Path(".test_durations")
    cov: str = ""
    extra: list[str] = dataclasses.field(default_factory=list)
    name: str = ""


def cell_name(
    *,
    explicit: str,
    python_version: str,
    marker: str,
    index: int,
    count: int,
    paths: str = "",
) -> str:
    """Name the cell safely for artifact and file names, uniquely in a matrix.

    Without an explicit name: the Python version, the test paths, the marker
    and the shard, so cells that differ in any of them get different names.
    """
    if explicit:
        parts = [explicit]
    else:
        parts = [f"py{python_version}" if python_version else "py"]
        parts += [p for p in (paths.strip(), marker.strip()) if p]
        if count > 1:
            parts.append(f"{index + 1}of{count}")
    return _UNSAFE.sub("-", "-".join(parts)).strip("-") or "cell"


def _pytest(
    cell: Cell, root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(  # nosec B603
            [cell.python, "-m", "pytest", *args],
            cwd=root,
            capture_output=env is None,
            text=True,
            check=False,
            env=env,
        )
    except OSError as exc:
        raise GateError(f"cannot run {cell.python}: {exc.strerror}")


def collect(cell: Cell, root: Path) -> list[str]:
    """Collect the node ids of the cell's paths and marker, in ``root``."""
    marker = ["-m", cell.marker] if cell.marker else []
    proc = _pytest(
        cell,
        root,
        "--collect-only",
        "-q",
        "-p",
        "no:cacheprovider",
        *marker,
        *cell.paths,
    )
    if proc.returncode not in (0, 5):
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
        raise GateError("pytest could not collect the tests: " + " | ".join(tail))
    return [line.strip() for line in proc.stdout.splitlines() if "::" in line]


def selection(cell: Cell, root: Path, workdir: Path) -> tuple[list[str], str]:
    """Return the pytest arguments that select this shard, and how it was split."""
    if cell.count == 1:
        return list(cell.paths), "all"
    nodes = collect(cell, root)
    if not nodes:
        raise GateError("no tests collected to split into shards")
    chosen, how = shards.split_tests(
        nodes, shards.read_durations(cell.durations), index=cell.index, count=cell.count
    )
    if not chosen:
        raise GateError(
            f"shard {cell.index + 1} of {cell.count} has no tests ({len(nodes)} test(s)"
            f" split by {how}); lower shard-count or record durations"
        )
    argsfile = workdir / f"quality-gates-shard-{cell.index}.args"
    write_atomic(argsfile, "\n".join(chosen) + "\n")
    return [f"@{argsfile}"], how


def run(cell: Cell, *, root: Path, workdir: Path) -> tuple[int, str, str]:
    """Run the cell's tests; return pytest's exit code, the data file, the split."""
    args, how = selection(cell, root, workdir)
    data_file = f".coverage.{cell.name}"
    env = {**os.environ, "COVERAGE_FILE": str(root / data_file)}
    cov = f"--cov={cell.cov}" if cell.cov else "--cov"
    marker = ["-m", cell.marker] if cell.marker else []
    proc = _pytest(
        cell, root, cov, "--cov-report=", *marker, *cell.extra, *args, env=env
    )
    if (root / data_file).is_file():
        rel = subprocess.run(  # nosec B603
            [cell.python, relative_coverage.__file__, data_file, str(root)],
            cwd=root,
            check=False,
        )
        if rel.returncode != 0:
            raise GateError(f"{data_file}: could not make its paths relative")
    elif proc.returncode in (0, 1):
        raise GateError(
            f"pytest wrote no coverage data ({data_file}); is pytest-cov installed?"
        )
    return proc.returncode, data_file, how
