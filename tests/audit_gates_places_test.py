"""audit-gates: the fix in the words of the place, whole names, one finding per place.

* A pipe loses a gate's status the same way in a workflow step, a make recipe,
  a ``bash -c`` script (tox, pre-commit, an action input) and cibuildwheel's
  ``sh -c``, but ``shell: bash`` fixes only the step: each place gets its own
  fix, and applying it (the twin) makes the finding go.
* A later step reads a recorded failure only when it names it whole:
  ``env.HIGH`` is not ``env.HIGHER``.
* A function called twice loses the same gate once: one finding per place.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from audit_gates_model_c_test import CI, audit_ci
from audit_gates_model_test import audit_project, gate_rules, line_of, step
from quality_gates import cli
from quality_gates.guards.integrity.consumers import names
from quality_gates.guards.integrity.rules import RULES
from workflow_yaml import workflow

# ---- a later step reads a recorded failure only by its whole name ------------


@pytest.mark.parametrize(
    ("text", "ref", "named"),
    [
        ("if: env.HIGHER > 0", "env.HIGH", False),
        ("if: ${{ env.HIGH > 0 }}", "env.HIGH", True),
        ('test -n "$HIGH_X"', "$HIGH", False),
        ('test -n "$HIGH"', "$HIGH", True),
        ("echo ${HIGH}_x", "${HIGH}", True),
        ("steps.t.outputs.failed == '1'", "steps.t.outputs.fail", False),
        ("steps.t.outputs.fail == '1'", "steps.t.outputs.fail", True),
        ("steps.t.outputs.fail-fast", "steps.t.outputs.fail", False),
        ("steps.a.outcome", "steps.a.outcome", True),
        ("grep x reports/layout.txt", "out.txt", False),
        ("grep x reports/out.txt", "out.txt", True),
        ("cat 'out.txt'", "out.txt", True),
    ],
)
def test_names_matches_whole_names_only(text: str, ref: str, named: bool) -> None:
    assert names(text, ref) is named


_ENV_FLAG = """
- name: Types
  run: mypy src || echo "MYPY=1" >> "$GITHUB_ENV"
- name: Judge
  if: {cond}
  run: exit 1
"""


@pytest.mark.parametrize(
    ("cond", "lost"),
    [("env.MYPY_STRICT == '1'", True), ("env.MYPY == '1'", False)],
    ids=["longer-name-is-another-variable", "the-variable-itself"],
)
def test_an_environment_flag_is_read_only_by_its_whole_name(
    tmp_path: Path, cond: str, lost: bool
) -> None:
    text = workflow(_ENV_FLAG.replace("{cond}", cond))
    expected = [("QG101", CI, line_of(text, "mypy src"), True)] if lost else []
    assert audit_ci(tmp_path, text) == expected


_OUTPUT_FLAG = """
- id: t
  run: flake8 src || echo "fail=1" >> "$GITHUB_OUTPUT"
- if: {cond}
  run: exit 1
"""


@pytest.mark.parametrize(
    ("cond", "lost"),
    [("steps.t.outputs.failed == '1'", True), ("steps.t.outputs.fail == '1'", False)],
    ids=["longer-output-is-another", "the-output-itself"],
)
def test_a_step_output_is_read_only_by_its_whole_name(
    tmp_path: Path, cond: str, lost: bool
) -> None:
    text = workflow(_OUTPUT_FLAG.replace("{cond}", cond))
    expected = [("QG101", CI, line_of(text, "flake8 src"), True)] if lost else []
    assert audit_ci(tmp_path, text) == expected


_JOB_OUTPUT = """name: ci
on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    outputs:
      result: ${{ steps.t.outputs.%s }}
    steps:
      - id: t
        run: pytest || echo "fail=1" >> "$GITHUB_OUTPUT"
  gate:
    needs: test
    runs-on: ubuntu-latest
    if: needs.test.outputs.result == '1'
    steps:
      - run: exit 1
"""


@pytest.mark.parametrize(
    ("output", "lost"),
    [("failures", True), ("fail", False)],
    ids=["job-output-of-another", "job-output-of-the-flag"],
)
def test_a_job_output_carries_a_step_output_only_by_its_whole_name(
    tmp_path: Path, output: str, lost: bool
) -> None:
    text = _JOB_OUTPUT % output
    expected = [("QG101", CI, line_of(text, "pytest ||"), True)] if lost else []
    assert audit_ci(tmp_path, text) == expected
