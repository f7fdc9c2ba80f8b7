"""audit-gates on the misses and false findings of a sweep of well-known projects.

Not blind: each case is the general form of a shape the audit misread on
CI it had never seen (bench/audit_sweep/issue-21ap), beside the twin that
differs in the one thing that decides.
"""

from __future__ import annotations

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"


# ---- a PowerShell number is a value, not a native program -------------------


def _windows_test(script: str) -> str:
    return _jobs(
        """
        test:
          runs-on: windows-latest
          steps:
            - name: Test
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )


@pytest.mark.parametrize(
    "setting",
    [
        "$env:OPENBLAS_NUM_THREADS=1",
        "$env:WINDOWS_CI_LONG_TIMEOUT = 600",
        "$timeout = 1.5e3",
        "$env:LIMIT=2gb",
    ],
)
def test_pwsh_number_assignment_after_the_check_runs_nothing(
    tmp_path, setting: str
) -> None:
    text = _windows_test(f"spin test -j4\n{setting}")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


def test_pwsh_number_assignment_before_the_check_runs_nothing(tmp_path) -> None:
    text = _windows_test("$env:OPENBLAS_NUM_THREADS=1\npytest -q")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


def test_pwsh_native_program_after_the_check_still_loses_it(tmp_path) -> None:
    # twin: a program, not a number, runs after the check and sets the status
    text = _windows_test("pytest -q\n$out = python -m build")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == [
        ("QG104", CI, line_of(text, "pytest -q"), True)
    ]
