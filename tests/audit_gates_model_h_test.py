"""audit-gates on what 21f's development half showed on its first run.

Written after that run (not blind): each case is the general form of a false
finding (or an out-of-model miss of an earlier corpus), beside the twin that
differs in the one thing that decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_test import audit_project, gate_rules, line_of, step
from workflow_yaml import workflow

CI = ".github/workflows/ci.yml"


def audit_ci(tmp_path: Path, text: str) -> list[tuple[str, str, int, bool]]:
    return gate_rules(audit_project(tmp_path, {CI: text}))


# ---- git: `--quiet` answers by status only for diff and grep -----------------


@pytest.mark.parametrize(
    ("command", "gate"),
    [
        # PyGithub ci.yml: `(cd head; git diff; git reset --hard --quiet HEAD)`
        ("git reset --hard --quiet HEAD", False),
        ('git -C "$dir" branch --quiet --set-upstream-to origin/main main', False),
        ("git fetch --quiet origin", False),
        ("git diff --quiet", True),
        ("git -C sub diff --quiet HEAD", True),
        ("git diff-index --quiet HEAD --", True),
    ],
)
def test_git_quiet_is_a_query_only_for_diff(
    tmp_path: Path, command: str, gate: bool
) -> None:
    text = workflow(step(f"{command} || true"))
    expected = [("QG101", CI, line_of(text, command), True)] if gate else []
    assert audit_ci(tmp_path, text) == expected
