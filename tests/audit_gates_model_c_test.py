"""audit-gates on what the blind run of bench/audit_corpus_21c's test half lacked.

Written after that run (not blind): each case is the general form of a miss or
a false finding, beside the twin that differs in the one thing that decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_test import audit_project, gate_rules, line_of, step
from workflow_yaml import workflow

CI = ".github/workflows/ci.yml"


def audit_ci(tmp_path: Path, text: str) -> list[tuple[str, str, int, bool]]:
    return gate_rules(audit_project(tmp_path, {CI: text}))


# ---- a flag consumed only by a warning loses the failure --------------------

_FLAG = """
    FAIL=0
    for d in src app; do
      black --check "$d" || FAIL=1
    done
    {consumer}
"""


@pytest.mark.parametrize(
    ("consumer", "lost"),
    [
        ('if [ "$FAIL" -eq 1 ]; then\n  echo "::warning::run black"\nfi', True),
        ('if [ "$FAIL" -eq 1 ]; then\n  echo "::error::run black"\n  exit 1\nfi', False),
        ('[ "$FAIL" -eq 0 ]', False),
        ('exit "$FAIL"', False),
        ('echo "formatting failed: $FAIL"', True),
    ],
    ids=["warns-only", "fails", "bare-test", "exit-status", "echoed"],
)
def test_a_flag_carries_the_failure_only_to_a_consumer_that_fails(
    tmp_path: Path, consumer: str, lost: bool
) -> None:
    text = workflow(step(_FLAG.format(consumer=consumer.replace("\n", "\n    "))))
    expected = [("QG101", CI, line_of(text, "black --check"), True)] if lost else []
    assert audit_ci(tmp_path, text) == expected


def test_an_unrelated_exit_before_the_flag_is_read_carries_nothing(
    tmp_path: Path,
) -> None:
    script = _FLAG.format(
        consumer='test -d dist || exit 1\nif [ "$FAIL" = 1 ]; then echo "::warning::x"; fi'
    ).replace("\n    test", "\n    test").replace("\nif", "\n    if")
    text = workflow(step(script))
    assert audit_ci(tmp_path, text) == [("QG101", CI, line_of(text, "black"), True)]


# ---- a failure carried to an issue: an alert on a schedule ------------------

_AUDIT = """
- name: Audit dependencies
  id: audit
  run: |
    if pip-audit -r requirements.txt; then
      echo "status=success" >> "$GITHUB_OUTPUT"
    else
      echo "status=failure" >> "$GITHUB_OUTPUT"
    fi
- name: Open an issue
  if: steps.audit.outputs.status == 'failure'
  env:
    GH_TOKEN: ${{ github.token }}
  run: {consumer}
"""
_ON_SCHEDULE = "on:\n  schedule:\n    - cron: '0 9 * * 1'\n  workflow_dispatch:\n"


@pytest.mark.parametrize(
    ("schedule", "consumer", "expected"),
    [
        (True, 'gh issue create --title "audit failed" --body x', None),
        (False, 'gh issue create --title "audit failed" --body x', False),
        (True, 'echo "audit failed"', True),
        (True, 'gh issue comment 1 --body "audit failed"', True),
    ],
    ids=["issue-on-schedule", "issue-on-change", "echo-on-schedule", "comment"],
)
def test_a_failure_carried_to_an_issue_is_an_alert_on_a_schedule(
    tmp_path: Path, schedule: bool, consumer: str, expected: bool | None
) -> None:
    text = workflow(_AUDIT.format(consumer=consumer))
    if schedule:
        text = text.replace("on: [push, pull_request]\n", _ON_SCHEDULE)
    found = audit_ci(tmp_path, text)
    line = line_of(text, "pip-audit")
    assert found == ([] if expected is None else [("QG101", CI, line, expected)])
