"""Security findings are the common record: the ratchet baseline applies to them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Project, cli, cli_json
from quality_gates import baseline
from quality_gates.findings import Finding
from security_osv_standin import requests_2018

RECORD = requests_2018()
RISKY = 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    return subprocess.call(cmd, shell=True)\n'


def make(project: Project) -> None:
    project.write(
        "pyproject.toml",
        '[project]\nname = "demo"\nversion = "1"\n\n[tool.quality-gates]\ntools = ["bandit"]\n',
    )
    project.write("requirements.txt", "requests==2.19.0\n")
    project.write("osv/PYSEC-2018-28.json", json.dumps(RECORD))
    project.write("app.py", RISKY)
    project.commit("project")


def security(project: Project, *args: str) -> tuple[int, dict[str, Any]]:
    command = ("security", "-r", "requirements.txt", "--vuln-db", "osv")
    code, report, _ = cli_json(project.root, *command, *args)
    return code, report


def test_baseline_written_by_the_baseline_command_covers_bandit(
    project: Project,
) -> None:
    make(project)
    proc = cli(project.root, "baseline")
    assert proc.returncode == 0, proc.stderr
    code, report = security(project, "--no-deps")
    assert code == 0, report
    assert all(f["new"] is False for f in report["findings"])
    # moving the code down keeps the fingerprints; a new risky call is new
    project.write(
        "app.py",
        "\n\n"
        + RISKY
        + '\n\ndef again(cmd):\n    """Again."""\n    return subprocess.call(cmd, shell=True)\n',
    )
    code, report = security(project, "--no-deps")
    assert code == 1
    new = [f for f in report["findings"] if f["new"]]
    assert [(f["rule"], f["line"]) for f in new] == [("B602", 13)]


def test_dependency_findings_can_be_baselined(project: Project, tmp_path: Path) -> None:
    make(project)
    code, report = security(project, "--no-code")
    assert code == 1
    accepted = [Finding.from_dict(f) for f in report["findings"]]
    baseline.write(
        project.root / ".quality-gates-baseline.json",
        [baseline.Entry.of(f) for f in accepted],
    )
    code, report = security(project, "--no-code")
    assert code == 0, report
    assert report["summary"]["baselined"] == 1


def test_expired_ignore_is_never_baselined(project: Project) -> None:
    make(project)
    text = (project.root / "pyproject.toml").read_text()
    project.write(
        "pyproject.toml",
        text
        + '\n[[tool.quality-gates.ignore]]\nid = "CVE-2018-18074"\nreason = "r"\nuntil = 2020-01-01\n',
    )
    code, report = security(project, "--no-code")
    accepted = [Finding.from_dict(f) for f in report["findings"]]
    baseline.write(
        project.root / ".quality-gates-baseline.json",
        [baseline.Entry.of(f) for f in accepted],
    )
    code, report = security(project, "--no-code")
    assert code == 1
    assert [f["rule"] for f in report["findings"] if f["new"]] == ["expired-ignore"]
