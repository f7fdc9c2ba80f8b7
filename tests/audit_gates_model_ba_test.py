"""audit-gates on report runs beside their strict twins (bench/audit_corpus_21l).

Not blind: each case is the general form of a false finding of the test
half, beside the honest twin that differs in the one thing that decides; the
real bash runs the counting pipeline where the shell decides.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # nosec B404 - fixed argument lists
import textwrap
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"
TRIVY = "aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25"

# ---- a checker action let pass beside its strict twin in the same job -------


def _scan(name: str, exit_code: str, extra: str = "", severity: str = "HIGH") -> str:
    """Return a trivy-action step (``extra``: its own keys, one a line)."""
    sarif = exit_code == "0"
    lines = [
        f"- name: {name}",
        *(f"  {line}" for line in extra.splitlines()),
        f"  uses: {TRIVY}",
        "  with:",
        "    scan-type: fs",
        "    scan-ref: .",
        f"    severity: CRITICAL,{severity}",
        f'    exit-code: "{exit_code}"',
        f"    format: {'sarif' if sarif else 'table'}",
        f"    output: {'trivy.sarif' if sarif else 'trivy.txt'}",
    ]
    return "\n".join(lines) + "\n"


def _two_scans(gate_extra: str = "", severity: str = "HIGH") -> str:
    advisory = _scan("Scan (SARIF)", "0", "if: always()\ncontinue-on-error: true")
    return _jobs(
        """
        trivy:
          runs-on: ubuntu-latest
          steps:
            <GATE>
            <ADVISORY>
        """,
        GATE=_scan("Scan (hard gate)", "1", gate_extra, severity),
        ADVISORY=advisory,
    )


def test_an_advisory_scan_beside_its_strict_twin_loses_nothing(
    tmp_path: Path,
) -> None:
    found = gate_rules(audit_project(tmp_path, {CI: _two_scans()}))
    assert found == []


@pytest.mark.parametrize(
    ("gate_extra", "severity"),
    [
        ("", "MEDIUM"),  # the twin scans other severities: another scan
        ("continue-on-error: true", "HIGH"),  # the twin does not gate
        ("if: github.event_name == 'push'", "HIGH"),  # not on pull requests
    ],
)
def test_a_twin_that_does_not_gate_the_same_scan_keeps_the_finding(
    tmp_path: Path, gate_extra: str, severity: str
) -> None:
    text = _two_scans(gate_extra, severity)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, 'exit-code: "0"')
    assert ("QG106", CI, line, True) in found


def test_an_advisory_scan_alone_is_still_lost(tmp_path: Path) -> None:
    text = _jobs(
        """
        trivy:
          runs-on: ubuntu-latest
          steps:
            <ADVISORY>
        """,
        ADVISORY=_scan("Scan (SARIF)", "0"),
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert ("QG106", CI, line_of(text, 'exit-code: "0"'), True) in found


ACTION = ".github/actions/scan/action.yml"


def _composite(gate_exit: str) -> str:
    steps = _scan("Scan (hard gate)", gate_exit) + _scan("Scan (SARIF)", "0")
    return (
        "name: scan\ndescription: scan\nruns:\n  using: composite\n  steps:\n"
        + textwrap.indent(steps.strip("\n"), "    ")
        + "\n"
    )


def test_a_composite_actions_advisory_scan_beside_its_gate_loses_nothing(
    tmp_path: Path,
) -> None:
    found = gate_rules(audit_project(tmp_path, {ACTION: _composite("1")}))
    assert [f for f in found if f[0] == "QG106"] == []


def test_a_composite_action_whose_both_scans_pass_is_lost(tmp_path: Path) -> None:
    text = _composite("0")
    found = gate_rules(audit_project(tmp_path, {ACTION: text}))
    assert [f[0] for f in found].count("QG106") == 2


# ---- a checker's output counted and only shown is a report of how many ------

LINT = "lint:\n\tflake8 src/\n"


def _makefile(report_target: str, pipe: str, strict: bool) -> str:
    text = f"{report_target}:\n\t@flake8 src/ {pipe}\n"
    return text + (LINT if strict else "")


def test_a_report_target_counting_a_checker_kept_strictly_elsewhere(
    tmp_path: Path,
) -> None:
    text = _makefile("lint-report", '| wc -l | xargs -I {} echo "{} issues"', True)
    assert gate_rules(audit_project(tmp_path, {"Makefile": text})) == []


def test_a_report_target_teeing_a_checker_kept_strictly_elsewhere(
    tmp_path: Path,
) -> None:
    text = _makefile("lint-report", "| tee lint.txt", True)
    assert gate_rules(audit_project(tmp_path, {"Makefile": text})) == []


def test_a_checking_target_teeing_a_checker_is_lost_despite_a_twin(
    tmp_path: Path,
) -> None:
    text = _makefile("lint-all", "| tee lint.txt", True)
    found = gate_rules(audit_project(tmp_path, {"Makefile": text}))
    assert found == [("QG112", "Makefile", 2, True)]


def test_a_counted_checker_without_a_twin_is_a_note(tmp_path: Path) -> None:
    text = _makefile("lint-report", "| wc -l", False)
    found = gate_rules(audit_project(tmp_path, {"Makefile": text}))
    assert found == [("QG112", "Makefile", 2, False)]


def test_a_counted_checker_in_a_checking_target_is_a_note(tmp_path: Path) -> None:
    text = _makefile("lint", "| wc -l", False)
    found = audit_project(tmp_path, {"Makefile": text})
    assert gate_rules(found) == [("QG112", "Makefile", 2, False)]
    assert "counted" in found[0][4]


def test_a_counted_checker_whose_count_is_judged_is_not_lost(tmp_path: Path) -> None:
    text = 'lint:\n\ttest "$$(flake8 src/ | wc -l)" -eq 0\n'
    found = gate_rules(audit_project(tmp_path, {"Makefile": text}))
    assert [f for f in found if f[3]] == []


def test_bash_passes_a_failing_counted_checker(tmp_path: Path) -> None:
    """The shell loses the status: what makes it a report is the count."""
    bash = shutil.which("bash")
    assert bash is not None
    checker = tmp_path / "flake8"
    checker.write_text("#!/bin/sh\necho 'src/a.py:1:1: F401'\nexit 1\n")
    checker.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(  # nosec B603 - fixed argument list
        [bash, "-c", "flake8 src/ | wc -l"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "1")


def _steps(first: str) -> str:
    return _jobs(
        """
        lint:
          runs-on: ubuntu-latest
          steps:
            <FIRST>
            - name: Count lint issues
              run: flake8 . | wc -l
        """,
        FIRST=first,
    )


def test_a_step_counting_a_checker_the_job_runs_strictly(tmp_path: Path) -> None:
    text = _steps("- name: Lint\n  run: flake8 .")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


def test_a_step_counting_a_checker_alone_is_a_note(tmp_path: Path) -> None:
    text = _steps("- name: Install\n  run: pip install flake8")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG112", CI, line_of(text, "| wc -l"), False)]


# ---- a checker run with --exit-zero for its report beside its strict run -----


def _lint_steps(strict: str, extra: str = "") -> str:
    return _jobs(
        """
        lint:
          runs-on: ubuntu-latest
          steps:
            <STRICT>
            - name: Lint report
              run: flake8 --exit-zero --format json --output-file lint.json src/
        """,
        STRICT="- name: Lint\n" + extra + f"  run: {strict}",
    )


def test_an_exit_zero_report_run_beside_the_same_strict_run(tmp_path: Path) -> None:
    text = _lint_steps("flake8 src/")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


@pytest.mark.parametrize(
    ("strict", "extra"),
    [
        ("flake8 --select=E9,F63 src/", ""),  # a narrower lint: another check
        ("flake8 src/", "  continue-on-error: true\n"),  # the twin does not gate
        ("flake8 src/ || true", ""),  # the twin loses its status too
        ("flake8 src/", "  if: github.event_name == 'push'\n"),  # not on PRs
    ],
)
def test_an_exit_zero_run_without_a_strict_twin_is_lost(
    tmp_path: Path, strict: str, extra: str
) -> None:
    text = _lint_steps(strict, extra)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert ("QG106", CI, line_of(text, "--exit-zero"), True) in found
