"""audit-gates on the missed and false findings of a twelfth corpus' development half.

Not blind: each case is the general form of a lost check the audit missed (or
a report it took for a check), beside the honest twin that differs in the one
thing that decides; real npm and bash run where they decide.
"""

from __future__ import annotations

import json
import shutil
import subprocess  # nosec B404 - fixed argument lists
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"


def _step(run: str, job: str = "test", extra: str = "") -> str:
    body = f"""
        {job}:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@v4
            - name: The step
              run: |
                <RUN>
        """
    text = _jobs(body, RUN=run)
    if extra:
        text = text.replace("        run: |", f"        {extra}\n        run: |")
    return text


def _audit(tmp_path: Path, text: str) -> list[tuple[str, str, int, bool]]:
    return gate_rules(audit_project(tmp_path, {CI: text}))


_TO_SUMMARY = (
    'npm run -w @acme/api test:contract || echo failed >> "$GITHUB_STEP_SUMMARY"'
)

# ---- npm's `-w NAME` (`--workspace NAME`) takes the workspace as its value ----


@pytest.mark.parametrize(
    ("run", "rule"),
    [
        (_TO_SUMMARY, "QG102"),
        ("npm run -w @acme/web qa:a11y || true", "QG101"),
        ("npm -w @acme/api run test || true", "QG101"),
        ("npm run test:contract -w @acme/api || true", "QG101"),
        ("npm run --workspace @acme/api test:observability || true", "QG101"),
    ],
)
def test_npm_workspace_value_is_no_script(tmp_path: Path, run: str, rule: str) -> None:
    text = _step(run)
    assert _audit(tmp_path, text) == [(rule, CI, line_of(text, run), True)]


@pytest.mark.parametrize(
    "run",
    [
        # not `build`: a build in a job that verifies the change is a check
        "npm run -w @acme/api generate || true",
        "npm run -w @acme/api seed:dry-run || true",
        "npm -w @acme/test run generate || true",  # the workspace's name is no script
        "npm run -w @acme/web qa:report || true",
    ],
)
def test_npm_workspace_twin_runs_no_check(tmp_path: Path, run: str) -> None:
    assert _audit(tmp_path, _step(run)) == []


def _npm_workspace(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "api").mkdir(parents=True)
    (root / "package.json").write_text(
        json.dumps({"name": "root", "private": True, "workspaces": ["api"]})
    )
    scripts = {"test:contract": "node -e process.exit(3)"}
    (root / "api" / "package.json").write_text(
        json.dumps({"name": "@acme/api", "version": "1.0.0", "scripts": scripts})
    )
    return root


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_real_npm_reads_w_as_the_workspace(tmp_path: Path) -> None:
    root = _npm_workspace(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "npm_config_offline": "1"}
    bash = shutil.which("bash") or "bash"

    def status(script: str) -> int:
        done = subprocess.run(  # nosec B603 - fixed argument list
            [bash, "-e", "-c", script], cwd=root, env=env, capture_output=True
        )
        return done.returncode

    # `-w @acme/api` names the workspace: the script runs and fails
    assert status("npm run -w @acme/api test:contract") != 0
    # and `|| echo` drops that failure
    assert status("npm run -w @acme/api test:contract || echo failed >> out.md") == 0


# ---- trivy asked for an SBOM writes an inventory and exits 0 on findings -----


@pytest.mark.parametrize(
    "run",
    [
        "trivy image --format cyclonedx --output sbom.json app:pr || true",
        "trivy fs -f spdx-json -o sbom.spdx.json . || true",
        "trivy image --format=cyclonedx app:pr || true",
    ],
)
def test_trivy_sbom_in_a_scan_job_is_no_check(tmp_path: Path, run: str) -> None:
    assert _audit(tmp_path, _step(run, job="build-and-scan")) == []


@pytest.mark.parametrize(
    "run",
    [
        # told to fail on findings, the SBOM run checks (and the fallback loses it)
        "trivy image --exit-code 1 --format cyclonedx app:pr || true",
        # a findings table in a job that says it scans: a check by its job
        "trivy image --format table app:pr || true",
    ],
)
def test_trivy_scan_twin_is_found(tmp_path: Path, run: str) -> None:
    text = _step(run, job="build-and-scan")
    assert _audit(tmp_path, text) == [("QG101", CI, line_of(text, run), True)]


# ---- `nix flake check` evaluates the flake and runs its checks ---------------


@pytest.mark.parametrize(
    "run",
    [
        "nix flake check --no-build || true",
        "nix flake check -L --all-systems || true",
        "nix --print-build-logs flake check || true",
    ],
)
def test_nix_flake_check_is_a_checker(tmp_path: Path, run: str) -> None:
    text = _step(run, job="nix")
    assert _audit(tmp_path, text) == [("QG101", CI, line_of(text, run), True)]


def test_nix_flake_check_under_continue_on_error(tmp_path: Path) -> None:
    text = _step("nix flake check", job="nix", extra="continue-on-error: true")
    assert _audit(tmp_path, text) == [
        ("QG105", CI, line_of(text, "continue-on-error"), True)
    ]


@pytest.mark.parametrize(
    "run", ["nix flake update || true", "nix flake show || true", "nix build || true"]
)
def test_nix_flake_twin_is_no_check(tmp_path: Path, run: str) -> None:
    assert _audit(tmp_path, _step(run, job="setup")) == []


# ---- a workflow whose YAML does not parse, read as text for its permissions ---

_BROKEN = """
name: tester
on: workflow_dispatch
<TOP>
jobs:
  run:
    runs-on: ubuntu-latest
    <JOB>
    steps:
      - run: |
          python - <<'PY'
import sys
PY
"""


def _broken(top: str = "", job: str = "") -> str:
    return _BROKEN.replace("<TOP>", top).replace("<JOB>", job).lstrip("\n")


def _permissions(tmp_path: Path, text: str) -> list[tuple[str, int]]:
    found = audit_project(tmp_path, {CI: text})
    assert any(rule == "QG109" for rule, *_ in found)  # refused: invalid YAML
    return [(rule, line) for rule, _, line, _, _ in found if rule == "QG111"]


def test_unparsed_workflow_without_permissions(tmp_path: Path) -> None:
    assert _permissions(tmp_path, _broken()) == [("QG111", 1)]


@pytest.mark.parametrize(
    ("top", "job"),
    [
        ("permissions:\n  contents: read", ""),
        ("", "permissions: {contents: read}"),
        ("permissions: read-all", ""),
    ],
)
def test_unparsed_workflow_with_permissions_is_not_judged(
    tmp_path: Path, top: str, job: str
) -> None:
    assert _permissions(tmp_path, _broken(top, job)) == []


def test_unparsed_reusable_workflow_is_not_judged(tmp_path: Path) -> None:
    text = _broken().replace("on: workflow_dispatch", "on: workflow_call")
    assert _permissions(tmp_path, text) == []
