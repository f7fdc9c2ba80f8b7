"""The security gate's code scan: real bandit, thresholds, bandit's own config."""

from __future__ import annotations

import json

import pytest
from conftest import InProcess, Project

RISKY = '''\
import hashlib
import subprocess


def run(command):
    """Run a shell command."""
    return subprocess.call(command, shell=True)


def digest(data):
    """Hash the data."""
    return hashlib.md5(data).hexdigest()


def scratch():
    """A scratch file."""
    return open("/tmp/scratch.txt", "w")


def check(value):
    """Check the value."""
    assert value
'''
# bandit on RISKY: B404 (LOW/HIGH), B602 (HIGH/HIGH), B324 (HIGH/HIGH),
# B108 (MEDIUM/MEDIUM), B101 (LOW/HIGH)


def rules(stdout: str) -> set[str]:
    return {f["rule"] for f in json.loads(stdout)["findings"]}


def make(project: Project, pyproject: str = "") -> None:
    project.write(
        "pyproject.toml", '[project]\nname = "demo"\nversion = "1"\n' + pyproject
    )
    project.write("app.py", RISKY)
    project.commit("app")


def test_bandit_findings_fail_the_gate(project: Project, qg: InProcess) -> None:
    make(project)
    proc = qg(project.root, "security", "--no-deps", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert rules(proc.stdout) == {"B404", "B602", "B324", "B108", "B101"}
    report = json.loads(proc.stdout)
    assert report["tools"]["bandit"]["status"] == "ok"
    assert all(f["fingerprint"] for f in report["findings"])


@pytest.mark.parametrize(
    ("args", "config", "expected"),
    [
        pytest.param(
            ["--severity-threshold", "medium"],
            "",
            {"B602", "B324", "B108"},
            id="severity-medium-cli",
        ),
        pytest.param(
            ["--severity-threshold", "high"],
            "",
            {"B602", "B324"},
            id="severity-high-cli",
        ),
        pytest.param(
            ["--confidence-threshold", "high"],
            "",
            {"B404", "B602", "B324", "B101"},
            id="confidence-high-cli",
        ),
        pytest.param(
            [],
            '[tool.quality-gates.security]\nseverity-threshold = "high"\n',
            {"B602", "B324"},
            id="severity-high-config",
        ),
        pytest.param(
            ["--severity-threshold", "low"],
            '[tool.quality-gates.security]\nseverity-threshold = "high"\n',
            {"B404", "B602", "B324", "B108", "B101"},
            id="cli-beats-config",
        ),
    ],
)
def test_thresholds(
    project: Project, args: list[str], config: str, expected: set[str], qg: InProcess
) -> None:
    make(project, config)
    proc = qg(project.root, "security", "--no-deps", "--format", "json", *args)
    assert proc.returncode == 1, proc.stderr
    assert rules(proc.stdout) == expected


def test_threshold_high_on_clean_code_passes(project: Project, qg: InProcess) -> None:
    project.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1"\n')
    project.write("app.py", 'def check(value):\n    """Check."""\n    assert value\n')
    project.commit("app")
    low = qg(project.root, "security", "--no-deps", "--format", "json")
    assert low.returncode == 1  # B101 is LOW
    assert rules(low.stdout) == {"B101"}
    proc = qg(project.root, "security", "--no-deps", "--severity-threshold", "medium")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_tool_bandit_skips_in_pyproject_are_honoured(
    project: Project, qg: InProcess
) -> None:
    make(project, '[tool.bandit]\nskips = ["B101", "B404", "B602"]\n')
    proc = qg(project.root, "security", "--no-deps", "--format", "json")
    assert proc.returncode == 1
    assert rules(proc.stdout) == {"B324", "B108"}


def test_dot_bandit_ini_is_honoured(project: Project, qg: InProcess) -> None:
    make(project)
    project.write(".bandit", "[bandit]\nskips = B101,B108\n")
    proc = qg(project.root, "security", "--no-deps", "--format", "json", "app.py")
    assert rules(proc.stdout) == {"B404", "B602", "B324"}


def test_invalid_threshold_in_config_is_exit_2(project: Project, qg: InProcess) -> None:
    make(project, '[tool.quality-gates.security]\nseverity-threshold = "critical"\n')
    proc = qg(project.root, "security", "--no-deps")
    assert proc.returncode == 2
    assert (
        "severity-threshold: 'critical' is not one of low, medium, high" in proc.stderr
    )


def test_unknown_security_key_is_exit_2(project: Project, qg: InProcess) -> None:
    make(project, '[tool.quality-gates.security]\nseverity = "high"\n')
    proc = qg(project.root, "security", "--no-deps")
    assert proc.returncode == 2
    assert "unknown key 'severity'" in proc.stderr


def test_syntax_error_is_a_finding_not_a_pass(project: Project, qg: InProcess) -> None:
    project.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1"\n')
    project.write("broken.py", "def f(:\n")
    project.commit("broken")
    proc = qg(project.root, "security", "--no-deps", "--format", "json")
    assert proc.returncode == 1
    assert rules(proc.stdout) == {"E999"}


def test_run_bandit_hook_uses_the_same_thresholds(
    project: Project, qg: InProcess
) -> None:
    make(project, '[tool.quality-gates.security]\nseverity-threshold = "high"\n')
    proc = qg(project.root, "run", "--tools", "bandit", "--format", "json", "app.py")
    assert rules(proc.stdout) == {"B602", "B324"}
