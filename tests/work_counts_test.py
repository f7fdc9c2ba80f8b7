"""The work a run does, counted: processes, files opened and stat'ed, listings.

Timings are noise on a shared machine; counts are not.  A warm run (nothing
changed) on a legacy tree must cost a few system calls per file and nothing
per finding: a per-finding walk of the tools package once made django's warm
run 20 s.  Each test runs the real gate in this process on a real git
repository, grows it, and compares what each run did as a function of its
files and findings.  The counters watch the real calls: Python's audit
events (``open``, ``subprocess.Popen``, ``os.scandir``, ``os.listdir``) and
``os.stat``/``os.lstat`` wrapped to count and call through.
"""

from __future__ import annotations

import json
import os
import pkgutil
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Project
from quality_gates import cli, tools

# Python cannot remove an audit hook: one hook, installed once, records only
# while a test holds the recorder.
_RECORDERS: list[Work] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _RECORDERS:
        _RECORDERS[-1].event(event, args)


class Work:
    """What one run did: processes started, files opened, stat'ed and listed."""

    def __init__(self, root: Path) -> None:
        self.root = str(root) + os.sep
        self.processes: list[list[str]] = []
        self.opened: Counter[str] = Counter()
        self.stats = 0
        self.listings = 0
        self.registry_walks = 0  # the tools package (``tools.load``)

    def event(self, event: str, args: tuple[Any, ...]) -> None:
        if event == "subprocess.Popen":
            self.processes.append([os.fsdecode(a) for a in args[1]])
        elif event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            if path.startswith(self.root):
                self.opened[path[len(self.root) :]] += 1
        elif event in ("os.scandir", "os.listdir") and args[0] is not None:
            if os.path.abspath(os.fsdecode(args[0])).startswith(self.root):
                self.listings += 1

    @property
    def python_reads(self) -> Counter[str]:
        return Counter({n: c for n, c in self.opened.items() if n.endswith(".py")})


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Work]]:
    """Yield a list that gets one ``Work`` per counted run (``run_counted``)."""
    if _audit not in _INSTALLED:
        sys.addaudithook(_audit)
        _INSTALLED.append(_audit)
    for name in ("stat", "lstat"):
        monkeypatch.setattr(os, name, _counting(getattr(os, name)))
    real_walk = pkgutil.iter_modules

    def walk(path: Any = None, prefix: str = "") -> Any:
        if _RECORDERS and path is not None and list(path) == list(tools.__path__):
            _RECORDERS[-1].registry_walks += 1
        return real_walk(path, prefix)

    monkeypatch.setattr(pkgutil, "iter_modules", walk)
    runs: list[Work] = []
    yield runs
    _RECORDERS.clear()


_INSTALLED: list[Any] = []


def _counting(real: Any) -> Any:
    def stat(*args: Any, **kwargs: Any) -> Any:
        if _RECORDERS:
            _RECORDERS[-1].stats += 1
        return real(*args, **kwargs)

    return stat


def run(*argv: str) -> int:
    return cli.main(["run", *argv])


def run_counted(
    project: Project, runs: list[Work], capsys: pytest.CaptureFixture[str]
) -> dict[str, Any]:
    """Run the gate warm in ``project``, counting; return its JSON report."""
    capsys.readouterr()
    work = Work(project.root)
    _RECORDERS.append(work)
    try:
        code = run("--all-files", "--format", "json")
    finally:
        _RECORDERS.clear()
    runs.append(work)
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert code == 0, report["summary"]
    return report


# every default tool finds something in each module: D100/D103/E302/F401
# (flake8), I001 (isort), BLK100 (black), B101 (bandit), return-value (mypy);
# each function adds a D103, an E302, a B101, a return-value
HEAD = "import sys\nimport os\n"
FUNCTION = """def f{n}(x: int) -> str:
    assert x
    return x
"""
PACKAGES = ("alpha", "beta", "gamma")
# the only processes of a warm run, one each: git's list of the tracked files,
# and which of them .gitignore matches (black's default exclude)
GIT_LS_FILES = ["git", "ls-files", "-z", "-t"]
BLACK_IGNORED = ["git", "-c", "core.excludesFile=/dev/null", "check-ignore"]


def write_modules(project: Project, numbers: range, functions: int = 1) -> None:
    """Write module ``n`` for each of ``numbers``, spread over three packages."""
    for n in numbers:
        body = "".join(FUNCTION.format(n=f"{n}_{i}") for i in range(functions))
        project.write(f"{PACKAGES[n % len(PACKAGES)]}/mod{n}.py", HEAD + body)
    for package in PACKAGES:
        project.write(f"{package}/__init__.py", '"""A package."""\n')
    project.write("pyproject.toml", "[tool.quality-gates]\n")
    project.commit("modules")


def warm_run(
    project: Project,
    counted: list[Work],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, Any]:
    """Check and baseline every file (the cache fills), then count a second run.

    The second run starts with a fresh registry; nothing changed since the first.
    """
    assert cli.main(["baseline", "--add-new"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(tools, "_walked", [])  # as in a fresh process
    return run_counted(project, counted, capsys)


def others(work: Work) -> dict[str, int]:
    """How often each file that is not Python (configs, the baseline) was read."""
    return {n: c for n, c in work.opened.items() if not n.endswith(".py")}


@pytest.fixture
def in_project(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.chdir(project.root)
    return project


def test_twice_the_files_twice_the_reads_and_the_same_processes(
    in_project: Project,
    counted: list[Work],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A warm run reads each file once, stats it at most twice, starts no tool.

    Its processes (git's), folder listings (mypy's walk) and config reads do
    not grow with the files.
    """
    reports = []
    for numbers in (range(6), range(6, 12)):
        write_modules(in_project, numbers)
        reports.append(warm_run(in_project, counted, capsys, monkeypatch))
    small, large = counted
    assert [len(w.python_reads) for w in counted] == [3 + 6, 3 + 12]
    for work in counted:
        assert work.registry_walks == 1
        assert set(work.python_reads.values()) == {1}
        assert [cmd[:4] for cmd in work.processes] == [GIT_LS_FILES, BLACK_IGNORED]
    # is it still there (git's list), a symlink or too big (one lstat)
    assert large.stats - small.stats <= 2 * 6
    assert large.listings == small.listings
    assert others(small) == others(large)
    assert others(small)[".quality-gates-baseline.json"] == 1
    found = [r["summary"]["findings"] for r in reports]
    assert found[1] == 2 * found[0] > 0
    assert [r["summary"]["new"] for r in reports] == [0, 0]


def test_ten_times_the_findings_the_same_work(
    in_project: Project,
    counted: list[Work],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same files with 10x the findings: the same work.

    Not one more process, read, stat or listing; the tools package is walked
    once per run.
    """
    reports = []
    for functions in (1, 10):
        write_modules(in_project, range(6), functions)
        reports.append(warm_run(in_project, counted, capsys, monkeypatch))
    few, many = counted
    assert few.registry_walks == many.registry_walks == 1
    found = [r["summary"]["findings"] for r in reports]
    assert found[1] >= 5 * found[0] > 0
    assert many.processes == few.processes
    assert (many.opened, many.stats, many.listings) == (
        few.opened,
        few.stats,
        few.listings,
    )
