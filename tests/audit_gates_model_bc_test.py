"""audit-gates on a scanner turned off in its config file, and npm's option order.

Not blind: each case is the general form of a shape of the twelfth corpus
(bench/audit_corpus_21l), beside the honest twin that differs in the one
thing that decides; real npm and bash run where they decide.
"""

from __future__ import annotations

import json
import shutil
import subprocess  # nosec B404 - fixed argument lists
from pathlib import Path

import pytest
from audit_gates_model_aq_test import _build_job
from audit_gates_model_test import audit_project, gate_rules, line_of
from workflow_yaml import workflow

CI = ".github/workflows/ci.yml"
_TRIVY = "aquasecurity/trivy-action@915b19bbe73b92a6cf82a1bc12b087c9a19a5fe2"
_OFF = {"trivy.yaml": "exit-code: 0\n"}


def _audit(tmp_path: Path, text: str, **files: str) -> list[tuple[str, int, bool]]:
    found = gate_rules(audit_project(tmp_path, {CI: text, **files}))
    return [(rule, line, fails) for rule, path, line, fails in found if path == CI]


def _action(withs: str, more: str = "") -> str:
    step = "- name: Run Trivy scan\n  uses: " + _TRIVY + "\n  with:\n"
    step += "".join(f"    {line}\n" for line in withs.splitlines())
    return workflow(step + more)


def _run(script: str, extra: str = "") -> str:
    lines = "\n".join(f"    {line}" for line in script.splitlines())
    return workflow(f"- name: Scan\n{extra}  run: |\n{lines}\n")


# ---- trivy-action: `exit-code: 0` in its config file, as in its input -------

_SCAN = 'scan-type: "fs"\ntrivy-config: "trivy.yaml"\n'


def test_the_input_exit_code_0_fails(tmp_path: Path) -> None:
    text = _action('scan-type: "fs"\nexit-code: "0"\n')
    assert _audit(tmp_path, text) == [("QG106", line_of(text, "exit-code"), True)]


def test_the_config_files_exit_code_0_fails_as_the_input_does(
    tmp_path: Path,
) -> None:
    text = _action(_SCAN)
    found = _audit(tmp_path, text, **_OFF)
    assert found == [("QG106", line_of(text, "trivy-config"), True)]


@pytest.mark.parametrize(
    ("withs", "config"),
    [
        (_SCAN, "timeout: 20m\n"),  # the tool's default left alone
        (_SCAN, "exit-code: 1\n"),
        (_SCAN + 'exit-code: "1"\n', "exit-code: 0\n"),  # the input decides
        (_SCAN + 'format: "cyclonedx"\n', "exit-code: 0\n"),  # an SBOM
    ],
    ids=["no-exit-code", "fails", "input-wins", "inventory"],
)
def test_a_config_that_does_not_turn_the_scan_off_is_honest(
    tmp_path: Path, withs: str, config: str
) -> None:
    assert _audit(tmp_path, _action(withs), **{"trivy.yaml": config}) == []


def test_a_strict_twin_in_the_job_keeps_the_config_turned_off_scan(
    tmp_path: Path,
) -> None:
    twin = (
        "- name: Gate\n  uses: " + _TRIVY + "\n  with:\n"
        '    scan-type: "fs"\n    trivy-config: "trivy.yaml"\n    exit-code: "1"\n'
    )
    text = _action(_SCAN + 'format: "sarif"\noutput: "trivy.sarif"\n', twin)
    assert _audit(tmp_path, text, **_OFF) == []


def test_a_step_env_threshold_keeps_the_scan(tmp_path: Path) -> None:
    text = _action(_SCAN, "  env:\n    TRIVY_EXIT_CODE: 1\n")
    assert _audit(tmp_path, text, **_OFF) == []


# ---- the trivy CLI: `--config FILE`, `-c FILE` or the default trivy.yaml ----


@pytest.mark.parametrize(
    ("script", "name"),
    [
        ("trivy fs .", "trivy.yaml"),
        ("trivy fs --config ci/trivy.yaml .", "ci/trivy.yaml"),
        ("trivy image -c=ci/trivy.yaml app:pr", "ci/trivy.yaml"),
        ("trivy fs --scanners vuln . || true", "trivy.yaml"),
    ],
    ids=["default", "config", "c-equals", "swallowed-too"],
)
def test_a_cli_scan_its_config_turns_off_fails(
    tmp_path: Path, script: str, name: str
) -> None:
    text = _run(script)
    found = _audit(tmp_path, text, **{name: "exit-code: 0\n"})
    assert ("QG106", line_of(text, "trivy"), True) in found


@pytest.mark.parametrize(
    ("script", "extra"),
    [
        ("trivy fs --exit-code 1 .", ""),  # the command line decides
        ("TRIVY_EXIT_CODE=1 trivy fs .", ""),  # the environment decides
        ("trivy fs .", "  env:\n    TRIVY_EXIT_CODE: 1\n"),
        ("cd sub\ntrivy fs .", ""),  # another folder's trivy.yaml
        ("trivy fs .", "  working-directory: sub\n"),
        ("trivy fs --format json -o report.json .", ""),  # a report read later
        ("trivy image --download-db-only", ""),  # no scan
    ],
    ids=["option", "assigned", "env", "cd", "workdir", "report", "db"],
)
def test_a_cli_scan_its_config_does_not_decide_is_not_judged_so(
    tmp_path: Path, script: str, extra: str
) -> None:
    found = _audit(tmp_path, _run(script, extra), **_OFF)
    assert [item for item in found if item[0] == "QG106"] == []


def test_a_cli_scan_whose_config_leaves_the_exit_code_is_honest(
    tmp_path: Path,
) -> None:
    text = _run("trivy fs .")
    assert _audit(tmp_path, text, **{"trivy.yaml": "severity: HIGH\n"}) == []


# ---- npm: `-w NAME` before or after `run`, the same workspace's script ------

_ORDERS = [
    "npm -w @acme/api run build || true",
    "npm run -w @acme/api build || true",
    "npm run build -w @acme/api || true",
    "npm --workspace=@acme/api run build || true",
]


@pytest.mark.parametrize("run", _ORDERS)
def test_a_workspace_build_lost_in_a_verifying_job_fails_in_any_order(
    tmp_path: Path, run: str
) -> None:
    text = _build_job("CI", run=run)
    assert _audit(tmp_path, text) == [("QG101", line_of(text, run), True)]


@pytest.mark.parametrize("run", _ORDERS)
def test_a_workspace_build_elsewhere_is_no_check_in_any_order(
    tmp_path: Path, run: str
) -> None:
    assert _audit(tmp_path, _build_job("Nightly", run=run)) == []


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_real_npm_runs_the_workspace_script_in_either_order(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "api").mkdir(parents=True)
    (root / "package.json").write_text(
        json.dumps({"name": "root", "private": True, "workspaces": ["api"]})
    )
    scripts = {"build": "node -e process.exit(3)"}
    (root / "api" / "package.json").write_text(
        json.dumps({"name": "@acme/api", "version": "1.0.0", "scripts": scripts})
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "npm_config_offline": "1"}
    bash = shutil.which("bash") or "bash"
    statuses = [
        subprocess.run(  # nosec B603 - fixed argument list
            [bash, "-e", "-c", script], cwd=root, env=env, capture_output=True
        ).returncode
        for script in ("npm -w @acme/api run build", "npm run -w @acme/api build")
    ]
    assert statuses[0] != 0 and statuses[1] != 0
