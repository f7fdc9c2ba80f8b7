"""The security gate end to end with an offline vuln-db.

Every output format, SARIF against the official schema, damaged databases,
the environment as the source.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import InProcess, Project, cli, validate_sarif
from security_osv_standin import jinja_2019, osv_record, requests_2018

# real advisories (abridged OSV records as in OSV's PyPI/all.zip)
RECORDS: list[dict[str, Any]] = [
    requests_2018(
        severity=[
            {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}
        ],
    ),
    jinja_2019(
        severity=[
            {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}
        ],
    ),
    osv_record(
        "GHSA-h5c8-rqwp-cp95",
        ["CVE-2024-22195"],
        "jinja2",
        "0",
        "3.1.3",
        summary="Jinja vulnerable to HTML attribute injection when passing user input as keys to xmlattr filter",
        database_specific={"severity": "MODERATE"},
    ),
]


def make(project: Project, zipped: bool = True) -> str:
    project.write(
        "pyproject.toml",
        '[project]\nname = "demo"\nversion = "1"\ndependencies = [\n  "requests==2.19.0",\n  "jinja2==2.10",\n]\n',
    )
    project.write(
        "app.py",
        'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    return subprocess.call(cmd, shell=True)\n',
    )
    project.commit("project")
    if not zipped:
        for rec in RECORDS:
            project.write(f"osv/{rec['id']}.json", json.dumps(rec))
        return "osv"
    with zipfile.ZipFile(
        project.root / "all.zip", "w", compression=zipfile.ZIP_DEFLATED
    ) as zf:
        for rec in RECORDS:
            zf.writestr(f"{rec['id']}.json", json.dumps(rec))
    return "all.zip"


def test_pyproject_dependencies_against_zip_text(
    project: Project, qg: InProcess
) -> None:
    db = make(project)
    proc = qg(project.root, "security", "--vuln-db", db)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert (
        "pyproject.toml:5:1: dependency-audit PYSEC-2018-28 requests 2.19.0: PYSEC-2018-28 (CVE-2018-18074, GHSA-x84v-xcm2-53pg)"
        in out
    )
    assert (
        "jinja2 2.10: 2 advisory(ies) (GHSA-462w-v97r-4m45, GHSA-h5c8-rqwp-cp95); smallest fix: upgrade to 3.1.3"
        in out
    )
    assert "app.py:6:" in out and "bandit B602" in out
    assert "security: failed" in out


def test_sarif_is_valid_and_rules_carry_help_and_security_severity(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    db = make(project, zipped=False)
    target = tmp_path / "security.sarif"
    proc = qg(
        project.root,
        "security",
        "--vuln-db",
        db,
        "--format",
        "sarif",
        "--output",
        str(target),
    )
    assert proc.returncode == 1, proc.stderr
    assert "security: failed" in proc.stderr  # the verdict still reaches the terminal
    document = json.loads(target.read_text())
    validate_sarif(document)
    runs = {run["tool"]["driver"]["name"]: run for run in document["runs"]}
    assert set(runs) == {"bandit", "dependency-audit"}
    rules = {r["id"]: r for r in runs["dependency-audit"]["tool"]["driver"]["rules"]}
    assert rules["GHSA-462w-v97r-4m45"]["properties"]["security-severity"] == "9.8"
    assert rules["PYSEC-2018-28"]["properties"]["security-severity"] == "7.5"
    assert rules["GHSA-h5c8-rqwp-cp95"]["properties"]["security-severity"] == "5.5"
    assert (
        "Smallest upgrade that fixes every advisory on jinja2: 3.1.3"
        in rules["GHSA-h5c8-rqwp-cp95"]["help"]["text"]
    )
    assert (
        rules["PYSEC-2018-28"]["helpUri"]
        == "https://osv.dev/vulnerability/PYSEC-2018-28"
    )
    bandit_rules = {r["id"]: r for r in runs["bandit"]["tool"]["driver"]["rules"]}
    assert bandit_rules["B602"]["properties"]["security-severity"] in {
        "2.0",
        "5.0",
        "7.5",
    }
    assert "B602" in bandit_rules["B602"]["help"]["text"]
    for run in runs.values():
        for result in run["results"]:
            assert result["partialFingerprints"]["qualityGates/v1"]
            assert (
                run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"]
                == result["ruleId"]
            )


def test_sarif_with_expired_ignore_is_valid(project: Project, qg: InProcess) -> None:
    db = make(project)
    text = (project.root / "pyproject.toml").read_text()
    project.write(
        "pyproject.toml",
        text
        + '\n[[tool.quality-gates.ignore]]\nid = "CVE-2019-10906"\nreason = "r"\nuntil = 2020-01-01\n',
    )
    proc = qg(
        project.root, "security", "--vuln-db", db, "--no-code", "--format", "sarif"
    )
    assert proc.returncode == 1
    document = json.loads(proc.stdout)
    validate_sarif(document)
    assert any(
        r["ruleId"] == "expired-ignore"
        for run in document["runs"]
        for r in run["results"]
    )


def test_github_annotations_and_markdown(project: Project, qg: InProcess) -> None:
    db = make(project)
    github = qg(project.root, "security", "--vuln-db", db, "--format", "github")
    assert github.returncode == 1
    assert (
        "::error file=pyproject.toml,line=5,col=1,title=dependency-audit PYSEC-2018-28::requests 2.19.0"
        in github.stdout
    )
    markdown = qg(project.root, "security", "--vuln-db", db, "--format", "markdown")
    assert markdown.stdout.startswith("## quality-gates security: failed")
    assert (
        "| `pyproject.toml` | 6 | dependency-audit | GHSA-462w-v97r-4m45 |"
        in markdown.stdout
    )
    assert "smallest fix: upgrade to 3.1.3" in markdown.stdout


def test_json_summary_lists_each_vulnerable_dependency(
    project: Project, qg: InProcess
) -> None:
    db = make(project)
    proc = qg(
        project.root, "security", "--vuln-db", db, "--no-code", "--format", "json"
    )
    report = json.loads(proc.stdout)
    vulnerable = {v["name"]: v for v in report["summary"]["vulnerable"]}
    assert vulnerable["jinja2"]["installed"] == "2.10"
    assert vulnerable["jinja2"]["smallest_fix"] == "3.1.3"
    assert vulnerable["jinja2"]["declared_in"] == "pyproject.toml:6"
    advisory = {a["id"]: a for a in vulnerable["jinja2"]["advisories"]}[
        "GHSA-462w-v97r-4m45"
    ]
    assert advisory["aliases"] == ["CVE-2019-10906", "PYSEC-2019-217"]
    assert advisory["fixed_versions"] == ["2.10.1"]
    assert report["summary"]["dependencies_from"] == "pyproject.toml"
    assert report["tools"]["dependency-audit"]["message"].startswith("vuln-db ")


def test_severity_threshold_applies_to_advisories_with_a_score(
    project: Project, qg: InProcess
) -> None:
    db = make(project)
    proc = qg(
        project.root,
        "security",
        "--vuln-db",
        db,
        "--no-code",
        "--severity-threshold",
        "high",
        "--format",
        "json",
    )
    report = json.loads(proc.stdout)
    assert {f["rule"] for f in report["findings"]} == {
        "PYSEC-2018-28",
        "GHSA-462w-v97r-4m45",
    }
    assert report["summary"]["below_threshold"] == [
        "jinja2 2.10: GHSA-h5c8-rqwp-cp95 (severity 5.5)"
    ]


@pytest.mark.parametrize("damage", ["truncated-zip", "invalid-record", "missing"])
def test_damaged_vuln_db_is_exit_2_naming_the_file(
    project: Project, damage: str, qg: InProcess
) -> None:
    db = make(project)
    path = project.root / db
    if damage == "truncated-zip":
        path.write_bytes(path.read_bytes()[:100])
        expected = "all.zip: not a readable zip"
    elif damage == "invalid-record":
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("PYSEC-9999-1.json", '{"id": "PYSEC-9999-1", "affected": [')
        expected = "all.zip!PYSEC-9999-1.json: invalid JSON at line 1"
    else:
        path.unlink()
        expected = "all.zip: no such file or folder"
    proc = qg(project.root, "security", "--vuln-db", db, "--no-code")
    assert proc.returncode == 2
    out = proc.stdout + proc.stderr
    assert expected in out
    assert "Traceback" not in out


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_each_error_is_said_once(project: Project, fmt: str, qg: InProcess) -> None:
    """A machine format on stdout still names the error on stderr, but only once."""
    db = make(project)
    path = project.root / db
    path.write_bytes(path.read_bytes()[:100])
    proc = qg(project.root, "security", "--vuln-db", db, "--no-code", "--format", fmt)
    assert proc.returncode == 2
    said = (proc.stdout + proc.stderr).count(
        "error: --vuln-db all.zip: not a readable zip"
    )
    assert said == 1, proc.stdout + proc.stderr
    if fmt == "json":
        errors = json.loads(proc.stdout)["errors"]
        assert [e for e in errors if "all.zip: not a readable zip" in e] == errors


def test_the_activated_environment_is_the_source_when_nothing_is_declared(
    project: Project,
) -> None:
    """Audit the suite's own virtual environment only when it is activated.

    Otherwise it is not the project's, and the gate says so, exit 2.
    """
    project.write("pyproject.toml", "[tool.black]\nline-length = 88\n")
    project.write("osv/PYSEC-2018-28.json", json.dumps(RECORDS[0]))
    args = ("security", "--vuln-db", "osv", "--no-code", "--format", "json")
    assert sys.prefix != sys.base_prefix, "the tests run in a virtual environment"
    alone = cli(project.root, *args, env={"VIRTUAL_ENV": ""})
    assert alone.returncode == 2, alone.stdout + alone.stderr
    assert alone.stderr.splitlines()[-1:] == [
        "quality-gates security: error: nothing of the project to audit: no requirements file, no [project]"
        " dependencies in pyproject.toml and no project environment (.venv, an"
        " activated VIRTUAL_ENV, python-executable); the environment quality-gates"
        f" runs in ({sys.prefix}) is its own, not the project's: name the"
        " requirements files (-r; the action's requirements input), or scan the"
        " code only (--no-deps; scan: code)"
    ]
    active = cli(project.root, *args, env={"VIRTUAL_ENV": sys.prefix})
    assert active.returncode == 0, active.stdout + active.stderr  # no old requests
    report = json.loads(active.stdout)
    assert report["summary"]["dependencies_from"] == "environment"
    assert report["summary"]["dependencies"] > 10


def test_a_project_table_without_dependencies_declares_none(project: Project) -> None:
    project.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1"\n')
    project.write("osv/PYSEC-2018-28.json", json.dumps(RECORDS[0]))
    args = ("security", "--vuln-db", "osv", "--no-code", "--format", "json")
    proc = cli(project.root, *args, env={"VIRTUAL_ENV": ""})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["dependencies"] == 0
    assert "no dependencies declared in pyproject.toml" in report["notes"]
    project.write(
        "pyproject.toml",
        '[project]\nname = "demo"\nversion = "1"\ndynamic = ["dependencies"]\n',
    )
    computed = cli(project.root, *args, env={"VIRTUAL_ENV": ""})
    assert computed.returncode == 2, computed.stdout  # setup.py computes them
    assert "error: nothing of the project to audit" in computed.stderr


def test_vuln_db_from_config_relative_to_the_project(
    project: Project, qg: InProcess
) -> None:
    db = make(project)
    text = (project.root / "pyproject.toml").read_text()
    project.write(
        "pyproject.toml", text + f'\n[tool.quality-gates.security]\nvuln-db = "{db}"\n'
    )
    (project.root / "sub").mkdir()
    proc = qg(project.root / "sub", "security", "--no-code", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert len(json.loads(proc.stdout)["findings"]) == 3


def test_nothing_auditable_is_exit_2(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    project.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1"\n')
    project.write("requirements.txt", "surely-not-installed-package>=1\n")
    project.write("osv/PYSEC-2018-28.json", json.dumps(RECORDS[0]))
    proc = qg(
        project.root,
        "security",
        "-r",
        "requirements.txt",
        "--vuln-db",
        "osv",
        "--no-code",
    )
    assert proc.returncode == 2
    assert "none of the 1 dependencies can be audited" in proc.stderr
