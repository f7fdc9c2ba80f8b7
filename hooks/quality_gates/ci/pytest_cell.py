"""One cell of a test matrix: choose its tests, run pytest with coverage.

The tests are run by the tested project's interpreter (``--python``), not by
the suite's own environment: the suite only chooses and reports.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess  # nosec B404 - fixed argument lists, never a shell
from pathlib import Path

from quality_gates.atomic import write_atomic
from quality_gates.ci import outputs, relative_coverage, shards
from quality_gates.errors import GateError
from quality_gates.escape.actions_log import command
from quality_gates.escape.terminal import say

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


def _python(
    cell: Cell,
    root: Path,
    *args: str,
    env: dict[str, str] | None = None,
    capture: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run the tested interpreter in ``root``; one that cannot start is a GateError."""
    try:
        return subprocess.run(  # nosec B603
            [cell.python, *args],
            cwd=root,
            capture_output=capture,
            text=True,
            check=False,
            env=env,
        )
    except OSError as exc:
        raise GateError(f"cannot run {cell.python}: {exc.strerror}")


def _pytest(
    cell: Cell, root: Path, *args: str, env: dict[str, str], capture: bool = False
) -> subprocess.CompletedProcess[str]:
    return _python(cell, root, "-m", "pytest", *args, env=env, capture=capture)


PLUGIN_DIR = Path(__file__).resolve().parent / "pytest_plugin"
PLUGIN = "quality_gates_shard"
SKIP_FOLDERS = {
    "tests",
    "test",
    "testing",
    "docs",
    "doc",
    "examples",
    "example",
    "benchmarks",
    "bench",
    "scripts",
    "build",
    "dist",
    "site",
}
SKIP_MODULES = {"setup.py", "conftest.py", "noxfile.py", "tasks.py", "fabfile.py"}


def plugin_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Return the environment of the tested pytest: the shard plugin importable."""
    env = {**os.environ, **(extra or {})}
    paths = [str(PLUGIN_DIR), *filter(None, [env.get("PYTHONPATH", "")])]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def probe(cell: Cell, root: Path) -> dict[str, object]:
    """Ask the tested interpreter for pytest, pytest-cov and coverage's source.

    A missing pytest or pytest-cov is a GateError naming it, before any run.
    """
    proc = _python(
        cell, root, str(PLUGIN_DIR / f"{PLUGIN}.py"), "--probe", capture=True
    )
    try:
        found: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise GateError(
            f"{cell.python} could not run the suite's probe: "
            + outputs.last_lines(proc.stdout + proc.stderr)
        )
    for module, what in (("pytest", "pytest"), ("pytest_cov", "pytest-cov")):
        if found.get(module):
            raise GateError(
                f"{what} is not installed for {cell.python} ({found[module]}): add it"
                " to install-command"
            )
    return found


def project_packages(root: Path) -> list[str]:
    """Return the project's own code, for when no coverage source is configured.

    Packages (folders with ``__init__.py``) in ``src/``, else at the root but
    for tests, docs and the like; else the root's modules but for setup.py,
    conftest.py and test files.
    """
    src = root / "src"
    found = sorted(
        f"src/{p.parent.name}" for p in src.glob("*/__init__.py") if src.is_dir()
    )
    found = found or sorted(
        p.parent.name
        for p in root.glob("*/__init__.py")
        if p.parent.name not in SKIP_FOLDERS
        and not p.parent.name.startswith((".", "_"))
    )
    return found or sorted(
        p.stem
        for p in root.glob("*.py")
        if p.name not in SKIP_MODULES
        and not p.name.startswith("test")
        and not p.stem.endswith("_test")
    )


def coverage_source(cell: Cell, root: Path, found: dict[str, object]) -> list[str]:
    """Return the ``--cov`` options of the cell.

    ``cov``, else the coverage config's source, else the project's packages, so
    that modules no test imports count, at 0 %, instead of being left out.
    """
    if cell.cov:
        return [f"--cov={value}" for value in cell.cov.split()]
    if found.get("config_error"):
        raise GateError(f"coverage config: {found['config_error']}")
    if found.get("source"):
        say(f"coverage source: {found['source']} (the coverage config's)")
        return ["--cov"]
    packages = project_packages(root)
    if packages:
        say(
            f"coverage source: {' '.join(packages)} (found in the project; set cov to"
            " choose)"
        )
        return [f"--cov={name}" for name in packages]
    print(
        command(
            "warning",
            "no coverage source: set cov (or [run] source in the coverage config);"
            " modules no test imports are not counted",
            {"title": "coverage source"},
        )
    )
    return ["--cov"]


def collect(cell: Cell, root: Path, workdir: Path) -> list[str]:
    """Collect the node ids of the cell's tests, in pytest's order.

    The plugin writes them as JSON, so the project's ``-v`` or ``--color`` in
    ``addopts`` cannot change what is read; coverage is off while collecting.
    """
    marker = ["-m", cell.marker] if cell.marker else []
    listing = workdir / f"quality-gates-collected-{cell.name}.json"
    listing.unlink(missing_ok=True)
    proc = _pytest(
        cell,
        root,
        "--collect-only",
        "-p",
        PLUGIN,
        f"--qg-shard-collect={listing}",
        "-p",
        "no:cacheprovider",
        "--no-cov",
        *marker,
        *cell.extra,
        *cell.paths,
        env=plugin_env(),
        capture=True,
    )
    if proc.returncode not in (0, 5) or (
        proc.returncode == 0 and not listing.is_file()
    ):
        raise GateError(
            "pytest could not collect the tests: "
            + outputs.last_lines(proc.stdout + proc.stderr)
        )
    if not listing.is_file():
        return []
    nodes: list[str] = json.loads(listing.read_text(encoding="utf-8"))
    return nodes


def selection(cell: Cell, root: Path, workdir: Path) -> tuple[list[str], str]:
    """Return the pytest arguments that select this shard, and how it was split."""
    if cell.count == 1:
        return list(cell.paths), "all"
    nodes = collect(cell, root, workdir)
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
    listed = workdir / f"quality-gates-shard-{cell.name}.json"
    write_atomic(listed, json.dumps({"shard": chosen, "all": nodes}))
    say(
        f"shard {cell.index + 1} of {cell.count}: {len(chosen)} of {len(nodes)}"
        f" test(s), split by {how}"
    )
    plugin = ["-p", PLUGIN, f"--qg-shard-select={listed}"]
    return [*plugin, f"--qg-shard={cell.index}/{cell.count}", *cell.paths], how


def run(cell: Cell, *, root: Path, workdir: Path) -> tuple[int, str, str]:
    """Run the cell's tests; return pytest's exit code, the data file, the split.

    Thresholds belong to the coverage-gate, on the combined data: a project's
    ``--cov-fail-under`` in ``addopts`` would fail every partial cell, so the
    cell sets it to 0 (``pytest-args`` can still set it).
    """
    found = probe(cell, root)
    cov = coverage_source(cell, root, found)
    args, how = selection(cell, root, workdir)
    data_file = f".coverage.{cell.name}"
    data = {"COVERAGE_FILE": str(root / data_file)}
    # the plugin's folder on PYTHONPATH only when a shard needs it
    env = plugin_env(data) if cell.count > 1 else {**os.environ, **data}
    marker = ["-m", cell.marker] if cell.marker else []
    proc = _pytest(
        cell,
        root,
        *cov,
        "--cov-report=",
        "--cov-fail-under=0",
        *marker,
        *cell.extra,
        *args,
        env=env,
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
            f"pytest wrote no coverage data ({data_file}): did a --no-cov or -p"
            " no:pytest_cov in addopts or pytest-args turn coverage off?"
        )
    return proc.returncode, data_file, how
