"""Real pip-audit, pointed at a stand-in for OSV's query API on 127.0.0.1.

The stand-in (tests/security_osv_standin.py) replaces api.osv.dev, which the
test machines cannot reach; pip-audit itself runs for real as a subprocess.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import HOOKS, InProcess, Project
from security_osv_standin import (
    closed_port,
    requests_2018,
    requests_2023,
    serve,
)

NO_PROXY = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}

REQUESTS_2018 = requests_2018(
    versions=["2.18.4", "2.19.0", "2.19.1"],
)
REQUESTS_2023 = requests_2023(
    versions=["2.19.0", "2.20.0", "2.30.0"],
)
RECORDS = [REQUESTS_2018, REQUESTS_2023]


def setup(project: Project, requirements: str) -> None:
    project.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1"\n')
    project.write("requirements.txt", requirements)


def test_vulnerable_dependency_reported_with_smallest_upgrade(
    project: Project, qg: InProcess
) -> None:
    setup(project, "requests==2.19.0\nJinja2==3.1.6\n")
    with serve(RECORDS) as osv:
        proc = qg(
            project.root,
            "security",
            "--no-code",
            "-r",
            "requirements.txt",
            "--osv-url",
            osv.url,
            "--format",
            "json",
            env=NO_PROXY,
        )
    assert proc.returncode == 1, proc.stderr
    queried = {(q["package"]["name"], q["version"]) for q in osv.queries}
    assert queried == {("requests", "2.19.0"), ("jinja2", "3.1.6")}
    assert all(
        q["path"] == "/v1/query" and q["package"]["ecosystem"] == "PyPI"
        for q in osv.queries
    )
    report = json.loads(proc.stdout)
    findings = {f["rule"]: f for f in report["findings"]}
    # pip-audit names an advisory by its PYSEC id when it has one; the others are aliases
    assert set(findings) == {"PYSEC-2018-28", "PYSEC-2023-74"}
    assert "GHSA-j8r2-6x86-q33q" in findings["PYSEC-2023-74"]["message"]
    first = findings["PYSEC-2018-28"]
    assert (first["tool"], first["path"], first["line"], first["severity"]) == (
        "dependency-audit",
        "requirements.txt",
        1,
        "error",
    )
    assert (
        "CVE-2018-18074" in first["message"]
        and "GHSA-x84v-xcm2-53pg" in first["message"]
    )
    assert "fixed in 2.20.0" in first["message"]
    assert (
        "smallest upgrade that fixes every advisory on requests: 2.31.0"
        in first["message"]
    )
    (vulnerable,) = report["summary"]["vulnerable"]
    assert (
        vulnerable["installed"] == "2.19.0" and vulnerable["smallest_fix"] == "2.31.0"
    )
    assert {a["id"] for a in vulnerable["advisories"]} == {
        "PYSEC-2018-28",
        "PYSEC-2023-74",
    }
    aliases = {a["id"]: set(a["aliases"]) for a in vulnerable["advisories"]}
    assert aliases["PYSEC-2023-74"] == {"GHSA-j8r2-6x86-q33q", "CVE-2023-32681"}
    assert report["tools"]["dependency-audit"]["version"].startswith("pip-audit 2.")


def test_clean_dependencies_pass(project: Project, qg: InProcess) -> None:
    setup(project, "requests==2.31.0\n")
    with serve(RECORDS) as osv:
        proc = qg(
            project.root,
            "security",
            "--no-code",
            "-r",
            "requirements.txt",
            env={**NO_PROXY, "PIP_AUDIT_OSV_URL": osv.url},
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # PIP_AUDIT_OSV_URL honoured: the stand-in was asked about the one pin
    queried = [(q["path"], q["package"]["name"], q["version"]) for q in osv.queries]
    assert queried == [("/v1/query", "requests", "2.31.0")]
    assert proc.stdout.splitlines()[-1] == (
        "security: passed: no finding(s) at or above fail-on=warning; thresholds met"
    )


def test_unreachable_osv_is_exit_2_with_offline_hint(
    project: Project, qg: InProcess
) -> None:
    setup(project, "requests==2.19.0\n")
    url = f"http://127.0.0.1:{closed_port()}/v1/query"
    proc = qg(
        project.root,
        "security",
        "--no-code",
        "-r",
        "requirements.txt",
        "--osv-url",
        url,
        env=NO_PROXY,
    )
    assert proc.returncode == 2
    out = proc.stdout + proc.stderr
    assert f"pip-audit could not reach OSV at {url}" in out
    assert "(connection refused)" in out
    assert "--vuln-db" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("mode", ["http-500", "not-json"])
def test_broken_osv_answers_are_exit_2(
    project: Project, mode: str, qg: InProcess
) -> None:
    setup(project, "requests==2.19.0\n")
    with serve(RECORDS) as osv:
        if mode == "http-500":
            osv.fail_with = 500
        else:
            osv.garbage = True
        proc = qg(
            project.root,
            "security",
            "--no-code",
            "-r",
            "requirements.txt",
            "--osv-url",
            osv.url,
            env=NO_PROXY,
        )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    error, verdict = proc.stdout.splitlines()
    head = f"error: pip-audit failed querying OSV at {osv.url} ("
    tail = "); work offline with --vuln-db PATH (a folder or zip of OSV records)"
    assert error.startswith(head) and error.endswith(tail), error
    # what pip-audit raised on each broken answer
    detail = error.removeprefix(head).removesuffix(tail)
    assert detail.split(":")[0].rsplit(".", 1)[-1] == (
        "ServiceError" if mode == "http-500" else "JSONDecodeError"
    )
    assert verdict == "security: error: 1 error(s): nothing that failed to run can pass"
    assert "Traceback" not in out


def test_parse_output_rejects_what_is_not_a_report() -> None:
    from quality_gates.errors import GateError
    from quality_gates.security import pip_audit

    with pytest.raises(GateError, match="unreadable JSON"):
        pip_audit.parse_output(0, "", "", url="u")
    with pytest.raises(GateError, match="failed querying OSV"):
        pip_audit.parse_output(2, "", "error: something", url="u")
    good: dict[str, Any] = pip_audit.parse_output(
        0, '{"dependencies": [], "fixes": []}', "", url="u"
    )
    assert good["dependencies"] == []


def _linked_site(tmp_path: Path, modules: tuple[str, ...]) -> Path:
    """Make a folder holding only ``modules`` (links to this interpreter's packages)."""
    site = tmp_path / "site"
    site.mkdir()
    for name in modules:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, name
        origin = Path(spec.origin)
        target = origin.parent if origin.name == "__init__.py" else origin
        (site / target.name).symlink_to(target)
    return site


def test_missing_pip_audit_is_exit_2_naming_the_extra(
    project: Project, tmp_path: Path
) -> None:
    """pip-audit is the `audit` extra: an install without it says what to install.

    An interpreter with the suite and its other dependencies but no pip-audit
    (a bare venv; the hooks' environment of every hook but dependency-audit).
    """
    venv = tmp_path / "bare"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True
    )
    site = _linked_site(tmp_path, ("packaging", "yaml", "pathspec"))
    setup(project, "requests==2.19.0\n")
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "quality_gates", "security"]
        + ["--no-code", "-r", "requirements.txt"],
        cwd=project.root,
        env={"PYTHONPATH": f"{HOOKS}:{site}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert "pip-audit is not installed" in out
    assert "pip install 'quality-gates[audit]'" in out
