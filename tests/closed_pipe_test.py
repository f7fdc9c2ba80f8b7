"""A reader that stops early (``| head``): a quiet end, never a traceback.

Each command runs for real with its standard output a pipe whose reading end
is already closed, so its first write fails as under ``| head`` (deterministic:
no race with how much the reader took).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HOOKS, Project

FINDING = '"""Doc."""\n\nimport os\n'
PYPROJECT = (
    '[project]\nname = "p"\nversion = "0"\n\n[tool.quality-gates]\ntools = ["flake8"]\n'
)


def closed_reader(cwd: Path, *args: str, merged: bool = False) -> tuple[int, str]:
    """Run ``quality-gates ARGS`` writing into a closed pipe: exit code, stderr."""
    env = {**os.environ, "PYTHONPATH": str(HOOKS)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "quality_gates", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merged else subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before the first write
    err = proc.stderr.read().decode() if proc.stderr else ""
    return proc.wait(timeout=300), err


@pytest.fixture
def flagged(project: Project) -> Project:
    project.write("pyproject.toml", PYPROJECT)
    project.write("a.py", FINDING)
    project.commit()
    return project


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["--version"], 1, id="version"),
        pytest.param(["--help"], 0, id="help"),
        pytest.param(["run", "--help"], 0, id="subcommand-help"),
        # the verdict is reached before the report is written: it is kept
        pytest.param(["run", "--all-files"], 1, id="run-text-failing"),
        pytest.param(["run", "--all-files", "--format", "json"], 1, id="run-json"),
        pytest.param(["run", "--all-files", "--format", "sarif"], 1, id="run-sarif"),
        pytest.param(["score"], 0, id="score"),
        pytest.param(["cache"], 1, id="cache"),
        pytest.param(["audit-gates"], 0, id="audit-gates"),
        pytest.param(["ci", "gate", "--mode", "all"], 1, id="ci-annotations"),
    ],
)
def test_a_closed_output_ends_quietly(
    flagged: Project, args: list[str], code: int
) -> None:
    returncode, err = closed_reader(flagged.root, *args)
    assert "Traceback" not in err and "Broken pipe" not in err, err
    assert "BrokenPipeError" not in err and "Exception ignored" not in err, err
    assert returncode == code


def test_a_passing_gate_still_passes_when_its_report_is_cut(
    flagged: Project,
) -> None:
    flagged.write("a.py", '"""Doc."""\n')
    flagged.commit()
    code, err = closed_reader(flagged.root, "run", "--all-files")
    assert code == 0
    # the progress line on standard error, and nothing else
    assert [line.split(" (")[0] for line in err.splitlines()] == [
        "quality-gates: checking 1 file(s) with flake8"
    ]


def test_standard_error_closed_too_stops_without_passing(flagged: Project) -> None:
    """``2>&1 | head``: the progress line is the first write; never exit 0."""
    flagged.write("a.py", '"""Doc."""\n')
    flagged.commit()
    assert closed_reader(flagged.root, "run", "--all-files", merged=True) == (1, "")
