"""safety as an optional source: no key, no network, not installed, its report.

safety's own service cannot be reached from the test machines; the tests
point every safety URL at a closed port on 127.0.0.1 so that real safety 3
fails the way it does without network, and check the gate says so clearly.
Its JSON report is parsed from a document shaped like ``safety check
--output json`` (safety/models/vulnerabilities.py), since no service here can
produce a real one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Project, cli
from quality_gates.errors import GateError
from quality_gates.security import safety
from quality_gates.security.deps import Dependency
from security_osv_standin import closed_port, requests_2018

RECORD = requests_2018()
SAFETY_URLS = (
    "PLATFORM_API_BASE_URL",
    "DATA_API_BASE_URL",
    "AUTH_SERVER_URL",
    "PLATFORM_URL",
    "PLATFORM_V2_URL",
    "FIREWALL_API_BASE_URL",
)


def offline_env(tmp_path: Path, key: str | None) -> dict[str, str]:
    """No network for safety: every one of its URLs is a refused port on 127.0.0.1."""
    port = closed_port()
    env = {f"SAFETY_{name}": f"http://127.0.0.1:{port}/" for name in SAFETY_URLS}
    env["HOME"] = str(tmp_path / "home")
    env["SAFETY_API_KEY"] = key or ""
    env["SAFETY_REQUEST_TIMEOUT"] = "5"
    return env


def make(project: Project) -> None:
    project.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1"\n')
    project.write("requirements.txt", "requests==2.19.0\n")
    project.write("osv/PYSEC-2018-28.json", json.dumps(RECORD))


def test_key_without_network_is_exit_2_with_a_clear_message(
    project: Project, tmp_path: Path
) -> None:
    make(project)
    proc = cli(
        project.root,
        "security",
        "--no-code",
        "-r",
        "requirements.txt",
        "--vuln-db",
        "osv",
        env=offline_env(tmp_path, "not-a-real-key"),
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    assert "safety failed" in out
    assert "safety needs network and a valid SAFETY_API_KEY" in out
    assert (
        "unset SAFETY_API_KEY to skip safety, and work offline with --vuln-db PATH"
        in out
    )
    assert "Traceback" not in out


def test_no_key_means_safety_is_not_run(project: Project, tmp_path: Path) -> None:
    make(project)
    proc = cli(
        project.root,
        "security",
        "--no-code",
        "-r",
        "requirements.txt",
        "--vuln-db",
        "osv",
        "--format",
        "json",
        env=offline_env(tmp_path, None),
    )
    assert proc.returncode == 1, proc.stderr  # the vuln-db still finds requests 2.19.0
    report = json.loads(proc.stdout)
    assert report["tools"]["dependency-audit"]["status"] == "ok"
    assert all("safety" not in source for source in report["summary"]["sources"])
    assert safety.installed()  # the test extra installs it: its note must show
    assert any("SAFETY_API_KEY is not set" in note for note in report["notes"])
    assert "Traceback" not in proc.stderr


def test_key_set_but_safety_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "installed", lambda: False)  # the extra not installed
    with pytest.raises(
        GateError,
        match=r"safety is not installed: pip install 'quality-gates\[safety\]'",
    ):
        safety.version()


@pytest.mark.parametrize(
    ("code", "stdout", "stderr", "message"),
    [
        (
            1,
            "",
            "Traceback (most recent call last):\nhttpx.ConnectError: [Errno -2] Name or service not known",
            "Name or service not known",
        ),
        (65, "", "", "the API key was refused"),
        (0, "not json", "", "unreadable JSON report"),
    ],
)
def test_parse_output_failures(
    code: int, stdout: str, stderr: str, message: str
) -> None:
    with pytest.raises(GateError, match=message):
        safety.parse_output(code, stdout, stderr)


def test_report_shaped_like_safety_check_json() -> None:
    report = {
        "report_meta": {"scan_target": "files"},
        "vulnerabilities": [
            {
                "vulnerability_id": "58755",
                "package_name": "requests",
                "ignored": False,
                "vulnerable_spec": ">=2.3.0,<2.31.0",
                "analyzed_version": "2.19.0",
                "advisory": "Affected versions of Requests leak Proxy-Authorization headers.",
                "fixed_versions": ["2.31.0"],
                "CVE": "CVE-2023-32681",
                "severity": {
                    "source": "CVE-2023-32681",
                    "cvssv2": None,
                    "cvssv3": {"base_score": 6.1, "base_severity": "MEDIUM"},
                },
                "more_info_url": "https://data.safetycli.com/v/58755/f17",
            },
            {
                "vulnerability_id": "1",
                "package_name": "requests",
                "ignored": True,
                "fixed_versions": [],
            },
        ],
    }
    data = safety.parse_output(64, "warning: deprecated\n" + json.dumps(report), "")
    dep = Dependency("requests", "2.19.0", "requirements.txt", 1)
    found = safety.advisories(data, [dep])
    advisories, upgrade = found[dep]
    assert [(a.id, a.aliases, a.fixed, a.score) for a in advisories] == [
        ("58755", ("CVE-2023-32681",), ("2.31.0",), "6.1")
    ]
    assert upgrade == "2.31.0"
