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
        (
            'if [ "$FAIL" -eq 1 ]; then\n  echo "::error::run black"\n  exit 1\nfi',
            False,
        ),
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
    script = (
        _FLAG.format(
            consumer='test -d dist || exit 1\nif [ "$FAIL" = 1 ]; then echo "::warning::x"; fi'
        )
        .replace("\n    test", "\n    test")
        .replace("\nif", "\n    if")
    )
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


# ---- Makefile recipes: a formatter goal, a version query --------------------


@pytest.mark.parametrize(
    ("recipe", "rule"),
    [
        ('cd web && npm run format || echo "no format script"', None),
        ('cd web && npm run format:check || echo "no format script"', "QG102"),
        ('cd web && npm run format -- --check || echo "not formatted"', "QG102"),
        ("$(MAKE) format || true", None),
        ("$(MAKE) format-check || true", "QG101"),
    ],
    ids=["formats", "format-check", "format-with-check-flag", "make-fmt", "make-chk"],
)
def test_a_goal_named_only_for_formatting_runs_a_formatter(
    tmp_path: Path, recipe: str, rule: str | None
) -> None:
    makefile = f"style:\n\t{recipe}\n"
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    assert found == ([(rule, "Makefile", 2, True)] if rule else [])


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("import textual; print(textual.__version__)", None),
        ("import importlib.metadata as m; print(m.version('textual'))", None),
        ("import textual; assert textual.__version__ >= '1'; print('ok')", "QG102"),
        ("import textual, sys; sys.exit(textual.selftest())", "QG102"),
    ],
    ids=["prints-version", "prints-metadata-version", "asserts", "self-test"],
)
def test_a_program_that_prints_a_version_is_a_query(
    tmp_path: Path, code: str, rule: str | None
) -> None:
    makefile = f'check-venv:\n\t.venv/bin/python -c "{code}" || echo "not installed"\n'
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    assert found == ([(rule, "Makefile", 2, True)] if rule else [])


# ---- secret scanners of the catalogue: GitGuardian's ggshield ---------------


@pytest.mark.parametrize(
    ("uses", "rule"),
    [
        ("GitGuardian/ggshield-action@v1.20.0", "QG105"),
        ("gitleaks/gitleaks-action@v2", "QG105"),
        ("1password/load-secrets-action@v2", None),
    ],
    ids=["ggshield", "gitleaks", "loads-secrets"],
)
def test_a_secret_scanner_action_under_continue_on_error_is_lost(
    tmp_path: Path, uses: str, rule: str | None
) -> None:
    text = workflow(f"- name: Secrets\n  uses: {uses}\n  continue-on-error: true")
    line = line_of(text, "continue-on-error")
    assert audit_ci(tmp_path, text) == ([(rule, CI, line, True)] if rule else [])


@pytest.mark.parametrize(
    ("script", "rule"),
    [("ggshield secret scan repo . || true", "QG101"), ("ggshield --version", None)],
    ids=["scan-or-true", "version"],
)
def test_ggshield_is_a_checker(tmp_path: Path, script: str, rule: str | None) -> None:
    text = workflow(step(script, name="Run it"))
    line = line_of(text, "ggshield")
    assert audit_ci(tmp_path, text) == ([(rule, CI, line, True)] if rule else [])


# ---- an option that says, in its own words, that failures only warn ---------

_HOOK = """
repos:
  - repo: local
    hooks:
      - id: tests-for-scripts
        name: require tests
        entry: python3 scripts/hooks/require_tests.py --dirs scripts{flag}
        language: system
        types: [python]
"""


@pytest.mark.parametrize(
    ("flag", "rule"),
    [
        (" --warn-only", "QG106"),
        (" --warning-only", "QG106"),
        (" --never-fail", "QG106"),
        (" --strict", None),
        (" --warn-unused", None),
        ("", None),
    ],
    ids=["warn-only", "warning-only", "never-fail", "strict", "warn-unused", "none"],
)
def test_a_warn_only_option_on_a_projects_own_hook_is_lost(
    tmp_path: Path, flag: str, rule: str | None
) -> None:
    config = _HOOK.format(flag=flag)
    found = gate_rules(audit_project(tmp_path, {".pre-commit-config.yaml": config}))
    line = line_of(config.lstrip("\n"), "entry:")
    assert found == ([(rule, ".pre-commit-config.yaml", line, True)] if rule else [])


def test_a_warn_only_option_in_a_workflow_step_is_lost(tmp_path: Path) -> None:
    text = workflow(step("./scripts/check_deps.sh --warn-only", name="Deps"))
    line = line_of(text, "--warn-only")
    assert audit_ci(tmp_path, text) == [("QG106", CI, line, True)]


# ---- a loop's status is its last iteration's ---------------------------------


@pytest.mark.parametrize(
    ("loop", "lost"),
    [
        ("for d in a b; do \\\n\t\tpytest $$d; \\\n\tdone", True),
        ("for d in */; do \\\n\t\tcd $$d && pytest && cd ..; \\\n\tdone", False),
        (
            "for d in */; do \\\n\t\tcd $(CURDIR)/$$d && pytest && cd ..; \\\n\tdone",
            True,
        ),
        ("for d in a; do \\\n\t\tpytest $$d; \\\n\tdone", False),
        ("for d in a b; do \\\n\t\tpytest $$d || exit 1; \\\n\tdone", False),
        (
            "for d in */; do \\\n\t\tif [ -d $$d/tests ]; then \\\n"
            "\t\t\tcd $$d && pytest && cd ..; \\\n\t\tfi \\\n\tdone",
            True,
        ),
    ],
    ids=["list", "stranded", "anchored", "one-item", "exits", "if-then-fi-done"],
)
def test_a_gate_in_a_loop_without_errexit_decides_only_its_last_pass(
    tmp_path: Path, loop: str, lost: bool
) -> None:
    makefile = f"test:\n\t@{loop}\n"
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    line = line_of(makefile, "pytest")
    assert found == ([("QG104", "Makefile", line, True)] if lost else [])


@pytest.mark.parametrize(
    "script",
    [
        'for d in a b; do\n  pytest "$d"\ndone',
        'set -o pipefail\nls tests | while read -r d; do\n  pytest "$d"\ndone',
    ],
    ids=["loop", "piped-loop"],
)
def test_a_gate_in_a_loop_under_errexit_stops_the_script(
    tmp_path: Path, script: str
) -> None:
    assert audit_ci(tmp_path, workflow(step(script, name="Tests"))) == []


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("./scripts/format.sh || true", None),
        ("./scripts/format.sh --check || true", "QG101"),
        ("./scripts/check_format.sh || true", "QG101"),
        ("msgfmt --statistics messages.po || true", None),
    ],
    ids=["formats", "check-flag", "check-name", "msgfmt"],
)
def test_a_program_named_only_for_formatting_is_no_check(
    tmp_path: Path, command: str, rule: str | None
) -> None:
    text = workflow(step(command, name="Run it"))
    line = line_of(text, command)
    assert audit_ci(tmp_path, text) == ([(rule, CI, line, True)] if rule else [])
