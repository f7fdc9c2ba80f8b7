"""audit-gates on four shapes of the test half of bench/audit_corpus_21l.

Not blind: each case is the general form of a lost check the audit missed or
of an honest step it flagged there, beside the twin that differs in the one
thing that decides; the real coverage.py shows what its report decides.
"""

from __future__ import annotations

import os
import subprocess  # nosec B404 - fixed argument lists
import sys
from pathlib import Path

import pytest
from audit_gates_model_ay_test import _audit, _step
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import line_of
from quality_gates.guards.integrity import gatecmd

CI = ".github/workflows/ci.yml"


_SOFT = "      continue-on-error: true"

# ---- a container's command decides, not the container's or image's name ----

_EXEC = "docker exec app_${{ github.run_id }} "
_RUN = "docker run --rm -v $PWD:/src ghcr.io/acme/coverage:7 "


@pytest.mark.parametrize(
    ("command", "lost"),
    [
        (_EXEC + "/opt/venv/bin/coverage combine", False),
        (_EXEC + "/opt/venv/bin/coverage xml", False),
        (_EXEC.replace("exec", "exec -t") + "/opt/venv/bin/coverage report -i", False),
        (_RUN + "coverage combine", False),
        (_EXEC + "/opt/venv/bin/coverage report --fail-under=80", True),
        (_EXEC + "/opt/venv/bin/pytest tests", True),
        (_RUN + "coverage report --fail-under 90", True),
    ],
    ids=[
        "exec-combine",
        "exec-xml",
        "exec-report-no-threshold",
        "run-image-combine",
        "exec-report-threshold",
        "exec-pytest",
        "run-image-report-threshold",
    ],
)
def test_a_contained_command_decides_whether_a_container_run_checks(
    tmp_path: Path, command: str, lost: bool
) -> None:
    """``docker exec CONTAINER coverage combine || true`` merges data: no check.

    After ``exec`` come a container and a command, after ``run`` an image
    and a command: the command run decides, whatever the step is named.
    """
    text = _step("Check result", f"{command} || true")
    expected = [("QG101", CI, line_of(text, "|| true"), True)] if lost else []
    assert _audit(tmp_path, text) == expected
    words = command.replace("${{ github.run_id }}", "1").split()
    assert gatecmd.named(words) is lost


def test_a_checker_image_with_no_command_of_its_own_still_checks() -> None:
    """``docker run hadolint/hadolint < Dockerfile``: the image's own command."""
    assert gatecmd.named("docker run --rm -i hadolint/hadolint".split()) is True


def test_coverage_report_fails_only_on_a_threshold(tmp_path: Path) -> None:
    """The real coverage.py: ``report`` exits 0 at any coverage, 2 below ``--fail-under``."""
    (tmp_path / "mod.py").write_text(
        "def f(x):\n    if x:\n        return 1\n    return 2\n"
    )
    (tmp_path / "main.py").write_text("import mod\n")
    env = {**os.environ, "COVERAGE_FILE": str(tmp_path / ".coverage")}

    def coverage(*args: str) -> int:
        done = subprocess.run(  # nosec B603 - fixed argument list
            [sys.executable, "-m", "coverage", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.returncode

    assert coverage("run", "main.py") == 0
    assert coverage("report") == 0
    assert coverage("xml") == 0
    assert coverage("report", "--fail-under=100") == 2


# ---- `cargo llvm-cov report` reports on profiles collected before ----------


@pytest.mark.parametrize(
    ("command", "lost"),
    [
        ('cargo llvm-cov report --lcov > "lcov.${GROUP}.info"', False),
        ("cargo llvm-cov show-env --export-prefix", False),
        ("cargo llvm-cov clean --workspace", False),
        ("cargo llvm-cov report --fail-under-lines 80", True),
        ("cargo llvm-cov report --fail-uncovered-regions=10", True),
        ("cargo llvm-cov --lcov --output-path lcov.info", True),
        ("cargo llvm-cov nextest --workspace", True),
    ],
    ids=[
        "report-lcov",
        "show-env",
        "clean",
        "report-fail-under",
        "report-fail-uncovered",
        "runs-the-tests",
        "nextest",
    ],
)
def test_cargo_llvm_cov_report_checks_only_with_a_threshold(
    tmp_path: Path, command: str, lost: bool
) -> None:
    """cargo-llvm-cov documents ``report`` as a report of collected profiles.

    Its ``--fail-under-*``/``--fail-uncovered-*`` make it fail; the default
    subcommand (``test``) and ``nextest`` run the tests.
    """
    text = _step("Generate combined coverage lcov", command, _SOFT)
    expected = [("QG105", CI, line_of(text, "continue-on-error"), True)]
    assert _audit(tmp_path, text) == (expected if lost else [])


# ---- `uv audit` fails on a known vulnerability ---------------------------


@pytest.mark.parametrize(
    ("command", "extra", "lost"),
    [
        ("uv audit", _SOFT, True),
        ("uv audit --no-group dev --verbose", _SOFT, True),
        ("uv audit", "", False),
        ("uv lock", _SOFT, False),
    ],
    ids=["soft", "soft-with-options", "honest", "lock-is-setup"],
)
def test_uv_audit_is_a_check_by_its_subcommand(
    tmp_path: Path, command: str, extra: str, lost: bool
) -> None:
    """The ``uv audit`` of uv's docs exits non-zero on a known vulnerability."""
    text = _step("Run", command, extra)
    found = _audit(tmp_path, text)
    assert found == (
        [("QG105", CI, line_of(text, "continue-on"), True)] if lost else []
    )
    assert gatecmd.named(command.split()) is (command.startswith("uv audit"))


# ---- trivy-action asked for an SBOM scans nothing -----------------------

_TRIVY = """
scan:
  runs-on: ubuntu-latest
  steps:
    - name: Trivy
      uses: aquasecurity/trivy-action@57a97c7e7821a5776cebc9bb87c984fa69cba8f1 # v0.35.0
      with:
        scan-type: image
        scan-ref: app:latest
        format: <FORMAT>
        output: out.json
        exit-code: "0"
"""


@pytest.mark.parametrize(
    ("fmt", "lost"),
    [
        ("cyclonedx", False),
        ("spdx-json", False),
        ("'github'", False),
        ("table", True),
        ("json", True),
    ],
)
def test_trivy_action_writing_an_inventory_turns_off_no_check(
    tmp_path: Path, fmt: str, lost: bool
) -> None:
    """``format: cyclonedx`` writes an SBOM: ``exit-code: 0`` loses no finding.

    trivy-action hands ``format`` to ``trivy --format``; an SBOM or a
    dependency snapshot is an inventory, as on the command line.
    """
    text = _jobs(_TRIVY.replace("<FORMAT>", fmt))
    found = _audit(tmp_path, text)
    assert [(rule, line) for rule, _, line, _ in found] == (
        [("QG106", line_of(text, "exit-code"))] if lost else []
    )


def test_trivy_cli_github_format_is_an_inventory() -> None:
    """``trivy fs --format github``: a dependency snapshot, no check."""
    assert gatecmd.named("trivy fs --format github .".split()) is False
    assert gatecmd.named("trivy fs --format github --exit-code 1 .".split()) is True
