"""Security findings are the common record: the ratchet baseline applies to them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import InProcess, Project
from gate_json import qg_json
from quality_gates import baseline
from quality_gates.findings import Finding
from security_osv_standin import jinja_2019, requests_2018

RECORD = requests_2018()
JINJA = jinja_2019(
    severity=[
        {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}
    ],
)
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


def security(qg: InProcess, project: Project, *args: str) -> tuple[int, dict[str, Any]]:
    command = ("security", "-r", "requirements.txt", "--vuln-db", "osv")
    code, report, _ = qg_json(qg, project.root, *command, *args)
    return code, report


def test_baseline_written_by_the_baseline_command_covers_bandit(
    project: Project, qg: InProcess
) -> None:
    make(project)
    proc = qg(project.root, "baseline")
    assert proc.returncode == 0, proc.stderr
    code, report = security(qg, project, "--no-deps")
    assert code == 0, report
    assert all(f["new"] is False for f in report["findings"])
    # moving the code down keeps the fingerprints; a new risky call is new
    project.write(
        "app.py",
        "\n\n"
        + RISKY
        + '\n\ndef again(cmd):\n    """Again."""\n    return subprocess.call(cmd, shell=True)\n',
    )
    code, report = security(qg, project, "--no-deps")
    assert code == 1
    new = [f for f in report["findings"] if f["new"]]
    assert [(f["rule"], f["line"]) for f in new] == [("B602", 13)]


def test_dependency_findings_can_be_baselined(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    make(project)
    code, report = security(qg, project, "--no-code")
    assert code == 1
    accepted = [Finding.from_dict(f) for f in report["findings"]]
    baseline.write(
        project.root / ".quality-gates-baseline.json",
        [baseline.Entry.of(f) for f in accepted],
    )
    code, report = security(qg, project, "--no-code")
    assert code == 0, report
    assert report["summary"]["baselined"] == 1


def test_expired_ignore_is_never_baselined(project: Project, qg: InProcess) -> None:
    make(project)
    text = (project.root / "pyproject.toml").read_text()
    project.write(
        "pyproject.toml",
        text
        + '\n[[tool.quality-gates.ignore]]\nid = "CVE-2018-18074"\nreason = "r"\nuntil = 2020-01-01\n',
    )
    code, report = security(qg, project, "--no-code")
    accepted = [Finding.from_dict(f) for f in report["findings"]]
    baseline.write(
        project.root / ".quality-gates-baseline.json",
        [baseline.Entry.of(f) for f in accepted],
    )
    code, report = security(qg, project, "--no-code")
    assert code == 1
    assert [f["rule"] for f in report["findings"] if f["new"]] == ["expired-ignore"]


# bandit on RISKY: B404 (import subprocess, LOW) and B602 (shell=True, HIGH)
BELOW = (
    "1 bandit finding(s) under the severity or confidence threshold not reported:"
    " still there, so not fixed since the baseline"
)


def test_findings_under_the_threshold_are_not_fixed_since_the_baseline(
    project: Project, qg: InProcess
) -> None:
    make(project)
    assert qg(project.root, "baseline").returncode == 0
    code, report = security(qg, project, "--no-deps", "--severity-threshold", "high")
    assert code == 0, report
    assert [f["rule"] for f in report["findings"]] == ["B602"]
    assert (report["summary"]["baselined"], report["summary"]["fixed"]) == (1, 0)
    assert BELOW in report["notes"]
    # the same through `run`, with the threshold in the config
    text = (project.root / "pyproject.toml").read_text()
    project.write(
        "pyproject.toml",
        text + '\n[tool.quality-gates.security]\nseverity-threshold = "high"\n',
    )
    code, report, _ = qg_json(qg, project.root, "run", "--all-files")
    assert code == 0, report
    assert (report["summary"]["baselined"], report["summary"]["fixed"]) == (1, 0)
    assert BELOW in report["notes"]


def test_the_baseline_keeps_findings_under_the_threshold(
    project: Project, qg: InProcess
) -> None:
    make(project)
    assert qg(project.root, "baseline").returncode == 0
    written = (project.root / ".quality-gates-baseline.json").read_text()
    text = (project.root / "pyproject.toml").read_text()
    high = text + '\n[tool.quality-gates.security]\nseverity-threshold = "high"\n'
    project.write("pyproject.toml", high)
    proc = qg(project.root, "baseline")
    assert proc.returncode == 0, proc.stderr
    assert "2 finding(s); 0 fixed one(s) removed" in proc.stderr
    assert "1 kept: still found, under the severity or confidence threshold" in (
        proc.stderr
    )
    assert (project.root / ".quality-gates-baseline.json").read_text() == written
    # back at the default threshold, B404 is still baselined, not new
    project.write("pyproject.toml", text)
    code, report = security(qg, project, "--no-deps")
    assert code == 0, report
    assert (report["summary"]["baselined"], report["summary"]["fixed"]) == (2, 0)


def test_advisories_under_the_threshold_are_not_fixed(
    project: Project, qg: InProcess
) -> None:
    """The advisory of requests (5.5) is under high; jinja2's (9.8) is not."""
    make(project)
    moderate = requests_2018(database_specific={"severity": "MODERATE"})
    project.write("osv/PYSEC-2018-28.json", json.dumps(moderate))
    project.write("osv/GHSA-462w-v97r-4m45.json", json.dumps(JINJA))
    project.write("requirements.txt", "requests==2.19.0\njinja2==2.10\n")
    code, report = security(qg, project, "--no-code")
    assert code == 1
    baseline.write(
        project.root / ".quality-gates-baseline.json",
        [baseline.Entry.of(Finding.from_dict(f)) for f in report["findings"]],
    )
    code, report = security(qg, project, "--no-code", "--severity-threshold", "high")
    assert code == 0, report
    assert [f["rule"] for f in report["findings"]] == ["GHSA-462w-v97r-4m45"]
    assert report["summary"]["below_threshold"] == [
        "requests 2.19.0: PYSEC-2018-28 (severity 5.5)"
    ]
    assert (report["summary"]["baselined"], report["summary"]["fixed"]) == (1, 0)
