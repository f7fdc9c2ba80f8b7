"""audit-gates on what 21e's batches B and C (development half) showed.

Written after that run (not blind): each case is the general form of a false
finding in boromir674/cookiecutter-python-package, beside the twin that
differs in the one thing that decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_test import audit_project, gate_rules, line_of, step
from quality_gates.guards.integrity.shell import script_audit
from workflow_yaml import workflow

CI = ".github/workflows/ci.yml"


def audit_ci(tmp_path: Path, text: str) -> list[tuple[str, str, int, bool]]:
    return gate_rules(audit_project(tmp_path, {CI: text}))


def messages(tmp_path: Path, text: str, rule: str) -> list[str]:
    found = audit_project(tmp_path, {CI: text})
    return [message for r, _, _, _, message in found if r == rule]


# ---- a report named through an expression -----------------------------------

_BANDIT = """
- name: Bandit
  run: bandit -r src -f sarif -o "${{ env.SARIF }}" || true
- name: Parse
  run: |
    TOTALS=$(jq '.runs[0].properties.metrics._totals' "${{ env.SARIF }}")
    HIGH=$(echo "$TOTALS" | jq '.["SEVERITY.HIGH"]')
    echo HIGH=$HIGH >> "$GITHUB_ENV"
- name: Summary
  run: echo "HIGH $HIGH" >> "$GITHUB_STEP_SUMMARY"
- name: Judge
  if: ${{ env.HIGH > 0 }}
  run: |
    echo "bandit found HIGH issues"
    {end}
"""
_JOB_ENV = "env:\n  SARIF: results.sarif"


@pytest.mark.parametrize(
    ("end", "lost"),
    [("exit 1", False), ('echo "see the summary"', True)],
    ids=["if-env-fails", "if-env-echoes"],
)
def test_a_report_named_by_an_expression_is_followed_through_github_env(
    tmp_path: Path, end: str, lost: bool
) -> None:
    text = workflow(_BANDIT.replace("{end}", end), job=_JOB_ENV)
    expected = [("QG101", CI, line_of(text, "bandit -r"), True)] if lost else []
    assert audit_ci(tmp_path, text) == expected


def test_a_lost_report_named_by_an_expression_is_named_as_written(
    tmp_path: Path,
) -> None:
    text = workflow(_BANDIT.replace("{end}", "echo done"), job=_JOB_ENV)
    (message,) = messages(tmp_path, text, "QG101")
    assert "(recorded in `${{ env.SARIF }}, results.sarif`, which nothing" in message
    assert "__" not in message


_OUTPUT_HOP = """
- name: Bandit
  run: bandit -r src -f json -o "${{ env.REPORT }}" || true
- name: Count
  id: count
  run: echo "high=$(jq '.metrics._totals["SEVERITY.HIGH"]' "${{ env.REPORT }}")" >> "$GITHUB_OUTPUT"
- name: Judge
  if: steps.count.outputs.high != '0'
  run: {end}
"""


@pytest.mark.parametrize(
    ("end", "lost"),
    [("exit 1", False), ("echo high issues", True)],
    ids=["output-fails", "output-echoes"],
)
def test_a_value_derived_into_a_step_output_carries_the_report(
    tmp_path: Path, end: str, lost: bool
) -> None:
    text = workflow(
        _OUTPUT_HOP.replace("{end}", end), job="env:\n  REPORT: bandit.json"
    )
    expected = [("QG101", CI, line_of(text, "bandit -r"), True)] if lost else []
    assert audit_ci(tmp_path, text) == expected


_BY_VALUE = """
- name: Bandit
  {step_env}run: bandit -r src -f json -o "${{{{ env.REPORT }}}}" || true
- name: Judge
  run: python scripts/fail_on_findings.py {read}
"""


@pytest.mark.parametrize(
    ("where", "read", "lost"),
    [
        ("workflow", "bandit.json", False),
        ("job", "bandit.json", False),
        ("step", "bandit.json", False),
        ("job", "other.json", True),
        ("from-secret", "bandit.json", True),
        ("none", "bandit.json", True),
    ],
    ids=["workflow-env", "job-env", "step-env", "other-file", "not-literal", "unset"],
)
def test_a_report_named_through_env_is_known_by_its_literal_value(
    tmp_path: Path, where: str, read: str, lost: bool
) -> None:
    step_env = "env:\n    REPORT: bandit.json\n  " if where == "step" else ""
    steps = _BY_VALUE.format(step_env=step_env, read=read)
    job = {
        "job": "env:\n  REPORT: bandit.json",
        "from-secret": "env:\n  REPORT: ${{ secrets.NAME }}",
    }.get(where, "")
    top = "permissions:\n  contents: read\n"
    if where == "workflow":
        top += "env:\n  REPORT: bandit.json\n"
    text = workflow(steps, job=job, top=top)
    expected = [("QG101", CI, line_of(text, "bandit -r"), True)] if lost else []
    assert audit_ci(tmp_path, text) == expected


def test_report_files_named_by_expressions_of_one_length_keep_their_order() -> None:
    script = 'pytest --junitxml "${{ env.AA }}" -o "${{ env.BB }}" || true\n'
    audit = script_audit.audit_script(script, runs_with=script_audit.BASH_C)
    assert audit.reports == ("${{ env.AA }}", "${{ env.BB }}")
    (hit,) = audit.hits
    assert hit.sinks == ("file:${{ env.AA }}", "file:${{ env.BB }}")


def test_an_assignment_from_jq_shows_a_report_and_does_not_judge_it(
    tmp_path: Path,
) -> None:
    text = workflow("""
        - name: Bandit
          run: bandit -r src -f json -o bandit.json || true
        - name: Count
          run: |
            HIGH=$(jq '[.results[] | select(.issue_severity == "HIGH")] | length' bandit.json)
            echo "HIGH: $HIGH"
        """)
    assert audit_ci(tmp_path, text) == [("QG101", CI, line_of(text, "bandit -r"), True)]


# ---- a check piped to tee: its result goes to the file ----------------------

_PYLINT = """
- name: Pylint
  run: pylint src | tee pylint-result.txt
- run: cat pylint-result.txt
{judge}
"""
_SCORE = """
- name: Check the score
  run: |
    SCORE=`sed -n 's/^Your code has been rated at \\([-0-9.]*\\)\\/.*/\\1/p' pylint-result.txt`
    if awk "BEGIN {exit !($SCORE >= 8.0)}"; then
      echo "passed: $SCORE"
    else
      echo "failed: $SCORE"
      exit 1
    fi
"""


@pytest.mark.parametrize(
    ("judge", "lost"),
    [
        (_SCORE, False),
        ("- run: tail -n 5 pylint-result.txt", True),
        ("- run: echo done", True),
    ],
    ids=["score-threshold", "shown-only", "never-read"],
)
def test_a_check_piped_to_tee_is_carried_by_a_step_that_fails_on_the_file(
    tmp_path: Path, judge: str, lost: bool
) -> None:
    text = workflow(_PYLINT.format(judge=judge))
    expected = [("QG112", CI, line_of(text, "pylint src"), True)] if lost else []
    assert audit_ci(tmp_path, text) == expected


def test_a_tee_file_nobody_fails_on_is_named_in_the_finding(tmp_path: Path) -> None:
    text = workflow(_PYLINT.format(judge=""))
    (message,) = messages(tmp_path, text, "QG112")
    assert "(recorded in `pylint-result.txt`, which nothing reads and fails on)" in (
        message
    )


@pytest.mark.parametrize(
    ("run", "reader", "lost"),
    [
        ("pylint src | sort > lint.txt", "test ! -s lint.txt || exit 1", False),
        ("pylint src | sort > lint.txt", "cat lint.txt", True),
        (
            'pylint src | tee "${{ env.LOG }}"',
            'grep -q "10.00/10" "$LOG" || exit 1',
            True,
        ),
        (
            'pylint src | tee "${{ env.LOG }}"',
            'grep -q "10.00/10" lint.log || exit 1',
            False,
        ),
    ],
    ids=["redirect-judged", "redirect-shown", "other-name", "tee-env-literal"],
)
def test_a_pipelines_file_is_followed_as_written(
    tmp_path: Path, run: str, reader: str, lost: bool
) -> None:
    text = workflow(
        f"- name: Lint\n  run: {run}\n- name: Judge\n  run: {reader}",
        job="env:\n  LOG: lint.log",
    )
    expected = [("QG112", CI, line_of(text, "pylint src"), True)] if lost else []
    assert audit_ci(tmp_path, text) == expected


@pytest.mark.parametrize(
    ("reader", "lost"),
    [("grep -q 'rated at 10' pylint.txt || exit 1", False), ("cat pylint.txt", True)],
    ids=["judged", "shown"],
)
def test_a_check_sent_to_a_file_with_errexit_off_is_carried_by_its_reader(
    tmp_path: Path, reader: str, lost: bool
) -> None:
    text = workflow(
        step("pylint src > pylint.txt\necho done", name="Lint", extra="shell: bash {0}")
        + f"\n- name: Judge\n  run: {reader}"
    )
    expected = [("QG104", CI, line_of(text, "pylint src"), True)] if lost else []
    assert audit_ci(tmp_path, text) == expected
