"""import-time on real packages made in tmp_path, imported by real interpreters.

The slow package sleeps 0.2 s at import; budgets are far from it on either
side (0.05 s and 30 s), so the verdicts never depend on the machine's speed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from conftest import InProcess, Project, cli, run_hook, validate_sarif
from quality_gates.guards.import_time import measure as import_time

SLOW_INIT = "from slowpkg import heavy\n\n\ndef use():\n    return heavy.VALUE\n"
LAZY_INIT = "def use():\n    from slowpkg import heavy\n\n    return heavy.VALUE\n"
HEAVY = "import time\n\ntime.sleep(0.2)\nVALUE = 1\n"


def _slow_package(project: Project, init: str = SLOW_INIT) -> None:
    project.write("slowpkg/__init__.py", init)
    project.write("slowpkg/heavy.py", HEAVY)


def test_over_budget_fails_and_names_the_slow_import(project: Project) -> None:
    _slow_package(project)

    proc = cli(
        project.root, "import-time", "slowpkg", "--budget", "0.05", "--runs", "2"
    )

    assert proc.returncode == 1, proc.stderr
    assert (
        "slowpkg/__init__.py:1:0: import-time over-budget importing slowpkg takes"
        in proc.stdout
    )
    assert (
        "over its 0.050 s budget; make the slowest imports lazy: slowpkg.heavy"
        in proc.stdout
    )
    assert "note: slowest imports (cumulative s, self s, module):" in proc.stdout
    assert proc.stdout.rstrip().endswith("import-time: failed")


def test_sarif_report_is_valid(project: Project, tmp_path: Path) -> None:
    _slow_package(project)
    out = tmp_path / "import-time.sarif"

    proc = cli(
        project.root,
        "import-time",
        "slowpkg",
        "--budget",
        "0.05",
        "--runs",
        "1",
        "--format",
        "sarif",
        "--output",
        str(out),
    )

    assert proc.returncode == 1
    sarif = json.loads(out.read_text())
    validate_sarif(sarif)
    result = sarif["runs"][0]["results"][0]
    assert result["ruleId"] == "over-budget"
    assert (
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "slowpkg/__init__.py"
    )


def test_lazy_import_twin_passes_the_same_budget(project: Project) -> None:
    _slow_package(project, LAZY_INIT)

    proc = cli(
        project.root, "import-time", "slowpkg", "--budget", "0.05", "--runs", "2"
    )

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "slowpkg.heavy" not in proc.stdout
    assert proc.stdout.rstrip().endswith("import-time: passed")


def test_slow_package_within_a_generous_budget_passes(project: Project) -> None:
    _slow_package(project)

    proc = cli(
        project.root, "import-time", "slowpkg", "--budget", "30", "--format", "json"
    )

    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    summary = report["summary"]
    assert summary["runs"] == import_time.DEFAULT_RUNS
    assert len(summary["totals_seconds"]) == import_time.DEFAULT_RUNS
    assert summary["over_budget"] is False
    assert summary["slowest"][0]["module"] == "slowpkg.heavy"
    assert summary["median_seconds"] >= summary["slowest"][0]["cumulative_seconds"] > 0
    assert report["findings"] == []


def test_submodule_and_config_without_arguments(project: Project) -> None:
    _slow_package(project)
    project.write(
        "pyproject.toml",
        '[tool.quality-gates.import-time]\npackage = "slowpkg.heavy"\nbudget = 0.05\nruns = 1\n',
    )

    proc = cli(project.root, "import-time", "--format", "github")

    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith(
        "::error file=slowpkg/heavy.py,line=1,col=0,title=import-time over-budget::"
    )
    assert "(median of 1 runs)" in proc.stdout


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "import does_not_exist\n",
            "ModuleNotFoundError: No module named 'does_not_exist'",
            id="missing-dependency",
        ),
        pytest.param(
            "def broken(:\n", "SyntaxError: invalid syntax", id="syntax-error"
        ),
        pytest.param(
            "raise RuntimeError('boom at import')\n",
            "RuntimeError: boom at import",
            id="raises",
        ),
    ],
)
def test_import_failure_is_exit_2_with_the_error_line(
    project: Project, source: str, expected: str
) -> None:
    project.write("broken/__init__.py", source)

    proc = cli(project.root, "import-time", "broken", "--budget", "1", "--runs", "1")

    assert proc.returncode == 2
    assert "quality-gates import-time: error: cannot import broken with" in proc.stderr
    assert proc.stderr.rstrip().endswith(expected)
    assert "Traceback" not in proc.stderr.splitlines()[0]


def test_missing_package_is_exit_2(project: Project, qg: InProcess) -> None:
    proc = qg(project.root, "import-time", "nosuchpkg", "--budget", "1")
    assert proc.returncode == 2
    assert "ModuleNotFoundError: No module named 'nosuchpkg'" in proc.stderr


@pytest.mark.parametrize(
    ("args", "pyproject", "message"),
    [
        pytest.param(
            ["os; import x", "--budget", "1"],
            "",
            "'os; import x' is not an importable module name",
            id="not-a-name",
        ),
        pytest.param(
            ["slowpkg"], "", "no budget: give --budget SECONDS", id="no-budget"
        ),
        pytest.param(
            ["encodings", "--budget", "1", "--runs", "1"],
            "",
            "encodings is already imported when the interpreter starts: nothing to measure",
            id="start-up-module",
        ),
        pytest.param(["--budget", "1"], "", "no package: name it", id="no-package"),
        pytest.param(
            ["slowpkg", "--budget", "0"],
            "",
            "no budget: give --budget SECONDS (more than 0)",
            id="zero-budget",
        ),
        pytest.param(
            ["slowpkg", "--budget", "1", "--runs", "0"],
            "",
            "--runs must be at least 1",
            id="zero-runs",
        ),
        pytest.param(
            ["slowpkg", "--budget", "1", "--python", "/no/such/python"],
            "",
            "/no/such/python: no such interpreter",
            id="bad-python",
        ),
        pytest.param(
            [],
            '[tool.quality-gates.import-time]\nbudget = "fast"\n',
            "budget: expected a positive number of seconds, got 'fast'",
            id="bad-budget-config",
        ),
        pytest.param(
            [],
            "[tool.quality-gates.import-time]\nbudjet = 1\n",
            "unknown key 'budjet'",
            id="unknown-key",
        ),
        pytest.param(
            [],
            "[tool.quality-gates.import-time]\nruns = true\n",
            "runs: expected an integer of at least 1",
            id="bool-runs",
        ),
    ],
)
def test_usage_errors_are_exit_2(
    project: Project, args: list[str], pyproject: str, message: str, qg: InProcess
) -> None:
    _slow_package(project)
    if pyproject:
        project.write("pyproject.toml", pyproject)

    proc = qg(project.root, "import-time", *args)

    assert proc.returncode == 2, proc.stdout
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_project_interpreter_is_preferred(project: Project) -> None:
    """A project .venv is what the import uses (like the mypy adapter)."""
    _slow_package(project, LAZY_INIT)
    venv_python = project.root / ".venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    os.symlink(sys.executable, venv_python)

    proc = cli(project.root, "import-time", "slowpkg", "--budget", "5", "--runs", "1")

    assert proc.returncode == 0, proc.stderr
    assert f"imported with {venv_python}" in proc.stdout


def test_parse_importtime_counts_only_the_package() -> None:
    mark = import_time.MARK
    stderr = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:       100 |        100 | site",
            mark,
            "import time:       300 |        300 |     json.decoder",
            "import time:        50 |        350 |   json",
            "import time:      2000 |       2400 | pkg",
            "something the package printed",
            "import time:       100 |        100 | pkg.extra",
            mark,
            "import time:       999 |        999 | atexit_import",
        ]
    )

    entries = import_time.parse_importtime(stderr)

    assert [e.module for e in entries] == ["json.decoder", "json", "pkg", "pkg.extra"]
    assert import_time.total_us(entries) == 2500
    slowest = import_time.slowest([entries, entries], 2, package="pkg")
    assert [e.module for e in slowest] == ["json", "json.decoder"]


def test_measure_directly(tmp_path: Path) -> None:
    (tmp_path / "quick.py").write_text("VALUE = 1\n")
    measured = import_time.measure("quick", python=sys.executable, cwd=tmp_path, runs=3)
    assert measured.runs == 3 and len(measured.totals_us) == 3
    assert Path(measured.module_file) == tmp_path / "quick.py"
    assert measured.python_version == sys.version.split()[0]


@pytest.mark.slow
def test_hook_through_pre_commit(
    project: Project, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """The published hook, configured only in pyproject.toml, fails the commit."""
    _slow_package(project)
    project.write(
        "pyproject.toml",
        '[tool.quality-gates.import-time]\npackage = "slowpkg"\nbudget = 0.05\nruns = 1\n',
    )
    project.commit("slow package")

    proc = run_hook(
        project.root, pre_commit_home, hook_repo, "import-time", "--all-files"
    )

    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "import-time over-budget importing slowpkg takes" in out
    assert "make the slowest imports lazy: slowpkg.heavy" in out
