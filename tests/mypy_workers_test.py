"""mypy's worker processes on a cold run: same findings, asked only where they pay.

The real mypy checks a small program with errors across several modules,
serial and parallel (``-n 2``), directly and through the gate; the gate's
argv to mypy is counted (``--num-workers``), never timed.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import InProcess, Project
from quality_gates import processes
from quality_gates.config import Config
from quality_gates.tools import mypy_workers
from quality_gates.tools.base import Proc

# errors in every module, some across module boundaries
MODULES = {
    "pkg/__init__.py": "",
    "pkg/a.py": "def count() -> int:\n    return 'one'\n",
    "pkg/b.py": "from pkg.a import count\n\nname: str = count()\n",
    "pkg/c.py": (
        "from pkg.b import name\n\n\ndef f(x: int) -> None:\n    x.upper()\n\n\n"
        "f(name)\n"
    ),
    "pkg/d.py": "import pkg.c\n\npkg.c.f(None)\nz: list[int] = [pkg.c]\n",
    "main.py": "from pkg import a, d\n\na.count() + 'x'\nd.missing\n",
}
DIRECT = [
    sys.executable, "-m", "mypy", "--output", "json", "--no-error-summary",
    "--show-column-numbers", "--config-file=", "--check-untyped-defs",
]  # fmt: skip


def write_program(project: Project) -> None:
    for name, text in MODULES.items():
        project.write(name, text)
    project.commit()


def records(out: str) -> list[dict[str, Any]]:
    found = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return sorted(found, key=lambda r: json.dumps(r, sort_keys=True))


@pytest.mark.cold_mypy
def test_mypy_finds_the_same_serial_and_parallel(project: Project) -> None:
    """Run mypy itself cold: ``-n 0`` and ``-n 2`` print the same errors."""
    write_program(project)
    out = {}
    for n in ("0", "2"):
        cache = project.root.parent / f"cache-{n}"
        argv = [*DIRECT, "--cache-dir", str(cache), "-n", n, "pkg", "main.py"]
        proc = subprocess.run(  # nosec B603
            argv, cwd=project.root, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 1, proc.stdout + proc.stderr
        out[n] = records(proc.stdout)
    assert len({r["file"] for r in out["0"]}) == 5  # every module but __init__
    assert out["2"] == out["0"]


class MypyArgv:
    """The argv of every mypy process the gate starts (``processes.run``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: list[list[str]] = []
        # whether each run's workers did not start in time
        self.late: list[bool] = []
        real = processes.run

        def spy(argv: list[str], *args: Any, **kwargs: Any) -> Any:
            if "mypy" in " ".join(argv[:4]):
                self.seen.append(list(argv))
                done = real(argv, *args, **kwargs)
                said = Proc(done.returncode, done.stdout, done.stderr)
                self.late.append(mypy_workers.failed_to_start(said))
                return done
            return real(argv, *args, **kwargs)

        monkeypatch.setattr(processes, "run", spy)
        # as on a machine of 4 idle cores, whatever this one has
        monkeypatch.setattr(mypy_workers.os, "cpu_count", lambda: 4)
        monkeypatch.setattr(mypy_workers.os, "getloadavg", lambda: (0.0, 0.0, 0.0))

    def workers(self) -> list[str | None]:
        """``--num-workers``' value of each mypy run (None: serial)."""
        return [
            argv[argv.index("--num-workers") + 1] if "--num-workers" in argv else None
            for argv in self.seen
        ]

    def asked(self) -> list[str | None]:
        """``workers``, less the reruns of runs whose workers did not start in time.

        On a loaded machine mypy's workers may start too late, and the gate
        checks that run again in one process (``mypy_worker_start_test``).
        """
        late = [False, *self.late]
        return [count for count, rerun in zip(self.workers(), late) if not rerun]


def gate_findings(qg: InProcess, root: Path, jobs: str) -> list[tuple[Any, ...]]:
    proc = qg(root, "run", "--all-files", "--tools", "mypy", "--jobs", jobs,
              "--format", "json")  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    return sorted(
        (f["path"], f["line"], f["column"], f["rule"], f["message"])
        for f in report["findings"]
    )


@pytest.mark.cold_mypy
def test_the_gate_runs_cold_mypy_parallel_with_the_same_findings(
    tmp_path: Path, qg: InProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cold with 3 jobs: 3 workers; one job: serial; the findings are the same.

    Then one edited file (mypy's cache warm): serial.
    """
    spy = MypyArgv(monkeypatch)
    found = {}
    for jobs in ("1", "3"):
        (tmp_path / f"p{jobs}").mkdir()
        project = Project(tmp_path / f"p{jobs}")
        write_program(project)
        # a result cache of its own: the same program's findings are cached
        monkeypatch.setenv("QUALITY_GATES_CACHE_DIR", str(tmp_path / f"c{jobs}"))
        found[jobs] = gate_findings(qg, project.root, jobs)
    assert spy.asked() == [None, "3"]
    assert len(found["3"]) == 8
    assert found["3"] == found["1"]
    project.write("pkg/d.py", MODULES["pkg/d.py"] + "w: int = ''\n")
    assert len(gate_findings(qg, project.root, "3")) == 9
    assert spy.asked() == [None, "3", None]


@pytest.mark.cold_mypy
def test_a_config_parallel_mode_refuses_runs_serial(
    project: Project, qg: InProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``local_partial_types = False`` would stop ``mypy -n 2``: the gate runs serial."""
    spy = MypyArgv(monkeypatch)
    project.write("mypy.ini", "[mypy]\nlocal_partial_types = False\n")
    write_program(project)
    assert len(gate_findings(qg, project.root, "2")) == 8
    assert spy.asked() == [None]


CACHE = "cache"


@pytest.fixture
def idle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the machine idle, whatever the load of this one (``test_a_busy_machine``)."""
    monkeypatch.setattr(mypy_workers.os, "getloadavg", lambda: (0.0, 0.0, 0.0))


@pytest.mark.parametrize(
    ("name", "text", "args", "expected"),
    [
        ("mypy.ini", "[mypy]\nstrict = True\n", [], ["--num-workers", "2"]),
        ("mypy.ini", "[mypy]\nnum_workers = 1\n", [], []),
        ("mypy.ini", "[mypy]\nhtml_report = out\n", [], []),
        ("setup.cfg", "[mypy]\n[mypy-pkg.*]\nlocal_partial_types = false\n", [], []),
        (
            "pyproject.toml",
            '[tool.mypy]\n[[tool.mypy.overrides]]\nmodule = "x"\n'
            "local_partial_types = false\n",
            [],
            [],
        ),
        (
            "pyproject.toml",
            "[tool.mypy]\nlocal_partial_types = true\n",
            [],
            ["--num-workers", "2"],
        ),
        ("mypy.ini", "[mypy]\n", ["--xml-report", "out"], []),
        ("mypy.ini", "[mypy]\n", ["-n", "1"], []),
    ],
)
def test_the_project_config_decides_first(
    tmp_path: Path, name: str, text: str, args: list[str], expected: list[str],
    monkeypatch: pytest.MonkeyPatch, idle: None,
) -> None:  # fmt: skip
    """A config that sets workers is left to mypy; one parallel mode refuses: serial."""
    monkeypatch.setattr(mypy_workers.os, "cpu_count", lambda: 2)
    (tmp_path / name).write_text(text)
    table = tomllib.loads(text) if name == "pyproject.toml" else {}
    config = Config(root=tmp_path, pyproject=table)
    cache = ["--cache-dir", str(tmp_path / CACHE)]
    assert mypy_workers.workers(config, tmp_path, [*args, *cache], 8) == expected


def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Config, list[str]]:
    """Return a project without config, and mypy's cache folder (no workers set)."""
    monkeypatch.delenv("MYPY_NUM_WORKERS", raising=False)
    return Config(root=tmp_path), ["--cache-dir", str(tmp_path / CACHE)]


def test_no_workers_on_one_core_without_a_cache_or_when_warm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, idle: None
) -> None:
    config, cache = bare(tmp_path, monkeypatch)
    monkeypatch.setattr(mypy_workers.os, "cpu_count", lambda: 1)
    assert mypy_workers.workers(config, tmp_path, cache, 4) == []
    monkeypatch.setattr(mypy_workers.os, "cpu_count", lambda: 8)
    assert mypy_workers.workers(config, tmp_path, cache, 1) == []
    assert mypy_workers.workers(config, tmp_path, cache, 4) == ["--num-workers", "4"]
    assert mypy_workers.workers(config, tmp_path, ["--cache-dir", "/dev/null"], 4) == []
    monkeypatch.setenv("MYPY_NUM_WORKERS", "3")
    assert mypy_workers.workers(config, tmp_path, cache, 4) == []
    monkeypatch.delenv("MYPY_NUM_WORKERS")
    (tmp_path / CACHE / "3.11").mkdir(parents=True)
    assert mypy_workers.workers(config, tmp_path, cache, 4) == ["--num-workers", "4"]
    (tmp_path / CACHE / "3.11" / "pkg.meta.ff").write_bytes(b"x")
    assert mypy_workers.workers(config, tmp_path, cache, 4) == []


def test_a_busy_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, idle: None
) -> None:
    """No workers once the load average reaches the cores; any load when none is known."""
    config, cache = bare(tmp_path, monkeypatch)
    monkeypatch.setattr(mypy_workers.os, "cpu_count", lambda: 4)
    for load, expected in ((3.9, ["--num-workers", "2"]), (4.0, [])):
        monkeypatch.setattr(mypy_workers.os, "getloadavg", lambda: (load, 0.0, 0.0))
        assert mypy_workers.workers(config, tmp_path, cache, 2) == expected

    def unknown() -> tuple[float, float, float]:
        raise OSError("no load average")  # as where the system has none

    monkeypatch.setattr(mypy_workers.os, "getloadavg", unknown)
    assert mypy_workers.workers(config, tmp_path, cache, 2) == ["--num-workers", "2"]


def test_a_run_without_a_cache_drops_the_workers() -> None:
    args = ["--output", "json", "--num-workers", "2", "--cache-dir", "c"]
    assert mypy_workers.without(args) == ["--output", "json", "--cache-dir", "c"]


@pytest.mark.cold_mypy
@pytest.mark.parametrize(
    ("beside", "workers"), [("ruff", "3"), ("isort", "3"), ("flake8", None)]
)
def test_workers_only_beside_light_tools(
    project: Project,
    qg: InProcess,
    monkeypatch: pytest.MonkeyPatch,
    beside: str,
    workers: str | None,
) -> None:
    """Cold, 3 jobs: workers beside ruff or isort; serial beside flake8.

    flake8 (like black and bandit) keeps every core busy through a cold run:
    mypy's workers would only add processes and memory there.
    """
    spy = MypyArgv(monkeypatch)
    write_program(project)
    proc = qg(project.root, "run", "--all-files", "--tools", f"mypy,{beside}",
              "--jobs", "3", "--format", "json")  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["errors"] == []
    assert spy.asked() == [workers]
