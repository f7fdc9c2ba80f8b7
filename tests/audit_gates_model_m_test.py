"""audit-gates on what 21g's false findings showed (not blind).

Each case is the general form of a false finding on 21g, beside the twin
that differs in the one thing that decides; where the shell decides whether
a failure is lost, the real bash runs the script with a checker that fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of
from workflow_yaml import SHA

CI = ".github/workflows/ci.yml"

# ---- a status query whose flag chooses whether to commit ---------------------


def _diff_then(then: str, cond: str = "steps.diff.outputs.changed == 'true'") -> str:
    """Return a job that regenerates files, flags a `git diff`, reads it in `if:`."""
    return _jobs(
        f"""
        regen:
          runs-on: ubuntu-latest
          steps:
            - run: ./scripts/regenerate.sh
            - name: Check for changes
              id: diff
              run: git diff --exit-code docs/ || echo "changed=true" >> "$GITHUB_OUTPUT"
            - name: Next
              if: {cond}
              run: |
                <THEN>
        """,
        THEN=then,
    )


@pytest.mark.parametrize(
    ("then", "lost"),
    [
        # the flag chooses whether to commit the regenerated files: no check
        ("git add docs/\ngit commit -m 'regenerate docs'\ngit push", False),
        ("gh pr create --fill", False),
        # twin: the flag only prints a warning: a stale-docs check that passes
        ("echo '::warning::docs are stale'", True),
    ],
)
def test_a_diff_flag_that_chooses_a_commit_is_no_check(
    tmp_path: Path, then: str, lost: bool
) -> None:
    text = _diff_then(then)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG101", CI, line_of(text, "git diff"), True)] if lost else []
    assert found == expected


def test_a_checker_flag_read_by_a_committing_step_is_still_lost(
    tmp_path: Path,
) -> None:
    # twin: pytest is no status query; its failure only chooses a commit
    text = _diff_then("git commit -am wip\ngit push").replace(
        "git diff --exit-code docs/", "pytest"
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG101", CI, line_of(text, "pytest"), True)]


# ---- an action that sends data is no check -----------------------------------


@pytest.mark.parametrize(
    ("uses", "lost"),
    [
        ("advanced-security/spdx-dependency-submission-action", False),
        ("codecov/test-results-action", False),
        # twin: an action named for testing that runs the tests
        ("example/run-tests-action", True),
    ],
)
def test_continue_on_error_on_an_action_that_sends_data(
    tmp_path: Path, uses: str, lost: bool
) -> None:
    text = _jobs(f"""
        test:
          runs-on: ubuntu-latest
          steps:
            - run: pytest
            - uses: {uses}@{SHA}
              continue-on-error: true
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG105", CI, line_of(text, "continue-on-error"), True)]
    assert found == (expected if lost else [])
