"""audit-gates on the shapes a full-read sweep of unseen CI showed (issue-21ai).

Not blind: each case is the general form of a false finding or a miss of
bench/audit_sweep/issue-21ai, beside the twin that differs in the one thing
that decides.
"""

from __future__ import annotations

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"

# ---- a CodeQL job builds for the analyser, not to check the project --------

_INIT = """
- uses: github/codeql-action/init@v3
  with:
    languages: cpp
"""
_ANALYZE = "- uses: github/codeql-action/analyze@v3"


def _analyze_job(init: str, run: str, step: str = "Build C/C++ projects") -> str:
    return _jobs(
        """
        analyze:
          name: Analyze
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@v4
            <INIT>
            - name: <STEP>
              run: |
                cd firmware
                <RUN>
            <ANALYZE>
        """.replace("<STEP>", step),
        INIT=init or "- run: echo no analyser here",
        RUN=run,
        ANALYZE=_ANALYZE if init else "- run: echo done",
    )


@pytest.mark.parametrize(
    "run",
    ["make all || true", "cmake --build build || true", "make -k || exit 0"],
)
def test_a_build_that_feeds_codeql_loses_no_check(tmp_path, run):
    text = _analyze_job(_INIT, run)
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


@pytest.mark.parametrize("run", ["make all || true", "cmake --build build || true"])
def test_the_same_build_in_a_job_named_analyze_without_codeql_is_lost(tmp_path, run):
    text = _analyze_job("", run)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG101", CI, line_of(text, run), True)]


def test_a_named_checker_in_a_codeql_job_is_still_a_lost_gate(tmp_path):
    text = _analyze_job(_INIT, "pytest tests/ || true", step="Run the unit tests")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG101", CI, line_of(text, "pytest tests/"), True)]


def test_a_step_named_for_testing_in_a_codeql_job_still_checks(tmp_path):
    text = _analyze_job(_INIT, "./run-suite.sh || true", step="Run the test suite")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert [(rule, line) for rule, _, line, _ in found] == [
        ("QG101", line_of(text, "./run-suite.sh"))
    ]
