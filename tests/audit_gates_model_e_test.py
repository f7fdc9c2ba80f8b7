"""audit-gates on what the first run of bench/audit_corpus_21e's development half found.

Written after that run (not blind): each case is the general form of a miss or
a false finding, beside the twin that differs in the one thing that decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_c_test import CI, audit_ci
from audit_gates_model_test import audit_project, gate_rules, line_of, step
from quality_gates import textfile
from quality_gates.guards.integrity import workflows
from quality_gates.guards.integrity.shell import script_audit, step_shell
from workflow_yaml import SHA, workflow

# ---- a shell function's call carries what its body leaves in its status ----

_FUNCTION_FLAG = """
set +e
failed=0
lint_chart() {
  helm lint "$1" || failed=1
}
lint_chart ingress
lint_chart minio
exit "$failed"
"""

_FUNCTION_LOST = """
set +e
run_suite() {
  pytest "$1"
}
run_suite unit
run_suite e2e
echo done
"""


def test_a_function_whose_body_carries_the_failure_in_a_flag_is_honest(
    tmp_path: Path,
) -> None:
    """``lint_chart`` is named for linting, but its status is its body's: 0."""
    text = workflow(step(_FUNCTION_FLAG, name="Lint charts"))
    assert audit_ci(tmp_path, text) == []


def test_a_function_whose_body_leaves_the_check_in_its_status_loses_it(
    tmp_path: Path,
) -> None:
    """Twin: the body ends on pytest, so each call's lost status is pytest's.

    Both calls lose the same `pytest "$1"` after the same `set +e`: one finding.
    """
    text = workflow(step(_FUNCTION_LOST, name="Tests"))
    line = line_of(text, "set +e")
    assert audit_ci(tmp_path, text) == [("QG104", CI, line, True)]


def test_a_function_call_in_a_make_recipe_without_errexit(tmp_path: Path) -> None:
    """The corpus case: a Make recipe (``sh -c``, no ``-e``) calling the function."""
    recipe = (
        "helm-lint:\n"
        "\t@failed=0; \\\n"
        '\tlint_chart() { helm lint "$$1" || failed=1; }; \\\n'
        "\tlint_chart a; \\\n"
        "\tlint_chart b; \\\n"
        "\texit $$failed\n"
    )
    assert gate_rules(audit_project(tmp_path, {"Makefile": recipe})) == []


# ---- a program held in a variable is the program assigned to it ------------


@pytest.mark.parametrize(
    ("script", "name", "rule"),
    [
        (
            'helm_bin="$PWD/bin/helm"\n"$helm_bin" repo add stable https://e.org || true',
            "Lint charts",
            None,
        ),
        ('tool="$PWD/.venv/bin/ruff"\n"${tool}" check . || true', "Prepare", "QG101"),
        ('tool="$(command -v ruff)"\n"$tool" check . || true', "Prepare", None),
    ],
    ids=["setup-in-a-lint-step", "checker-in-a-setup-step", "not-a-plain-path"],
)
def test_a_command_held_in_a_variable_is_judged_by_its_value(
    tmp_path: Path, script: str, name: str, rule: str | None
) -> None:
    text = workflow(step(script, name=name))
    line = line_of(text, "|| true")
    assert audit_ci(tmp_path, text) == ([(rule, CI, line, True)] if rule else [])


# ---- "test" inside a word that is no test -----------------------------------


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("python -m pypi_attestations sign dist/*", None),
        ("./scripts/pull-latest.sh", None),
        ("python -m pytest_suite_runner", "QG105"),
        ("./scripts/run-tests.sh", "QG105"),
    ],
    ids=["attestations", "latest", "pytest-in-a-name", "tests"],
)
def test_test_inside_another_word_names_no_check(
    tmp_path: Path, command: str, rule: str | None
) -> None:
    text = workflow(
        step(command, name="Sign", extra="continue-on-error: true"), job="name: ship"
    )
    line = line_of(text, "continue-on-error")
    assert audit_ci(tmp_path, text) == ([(rule, CI, line, True)] if rule else [])


# ---- a checker asked to set itself up --------------------------------------


@pytest.mark.parametrize(
    ("command", "rule"),
    [("vale sync", None), ("vale docs/", "QG105"), ("semgrep login", None)],
    ids=["vale-sync", "vale-checks", "semgrep-login"],
)
def test_a_checker_running_a_setup_subcommand_checks_nothing(
    tmp_path: Path, command: str, rule: str | None
) -> None:
    text = workflow(step(command, name="Styles", extra="continue-on-error: true"))
    line = line_of(text, "continue-on-error")
    assert audit_ci(tmp_path, text) == ([(rule, CI, line, True)] if rule else [])


# ---- an action named for moving results is no check ------------------------


@pytest.mark.parametrize(
    ("uses", "rule"),
    [
        ("v1v/otel-upload-test-artifact-action", None),
        ("example/publish-test-report", None),
        ("example/run-tests-action", "QG105"),
        ("lycheeverse/lychee-action", "QG105"),
    ],
    ids=["uploads-test-artifacts", "publishes-a-report", "runs-tests", "lychee"],
)
def test_an_action_named_for_uploading_is_no_check(
    tmp_path: Path, uses: str, rule: str | None
) -> None:
    text = workflow(f"- uses: {uses}@{SHA}\n  continue-on-error: true")
    line = line_of(text, "continue-on-error")
    assert audit_ci(tmp_path, text) == ([(rule, CI, line, True)] if rule else [])


# ---- a shell running an uploader ---------------------------------------------


@pytest.mark.parametrize(
    ("command", "rule"),
    [("bash codacy final || :", None), ("bash ./run-suite.sh || :", "QG101")],
    ids=["codacy-uploader", "a-suite"],
)
def test_a_shell_running_an_uploader_in_a_coverage_job(
    tmp_path: Path, command: str, rule: str | None
) -> None:
    text = workflow(step(command, name="Finish"), job="name: pytest cov")
    line = line_of(text, "|| :")
    assert audit_ci(tmp_path, text) == ([(rule, CI, line, True)] if rule else [])


# ---- the pull request's base, built to compare with -------------------------

_BASELINE = f"""
- uses: actions/checkout@{SHA}
  with:
    ref: ${{{{ github.event.pull_request.{{ref}} }}}}
    path: base
- name: Build + measure BASE
  working-directory: base
  run: |
    npm run build
    node scripts/check-bundle-size.mjs --json ../sizes/base.json
  continue-on-error: true
"""


@pytest.mark.parametrize(
    ("ref", "rule"),
    [("base.sha", None), ("head.sha", "QG105")],
    ids=["base", "head"],
)
def test_a_build_of_the_base_checkout_is_a_baseline_not_a_gate(
    tmp_path: Path, ref: str, rule: str | None
) -> None:
    text = workflow(_BASELINE.format(ref=ref))
    line = line_of(text, "continue-on-error")
    assert audit_ci(tmp_path, text) == ([(rule, CI, line, True)] if rule else [])


# ---- a comment script's `false` is JavaScript, not a failing command ----------

_COMMENTED = """
- name: Run Vale
  id: vale
  run: vale --output=JSON docs/ > vale.json
  continue-on-error: true
- name: Comment
  if: steps.vale.outcome == 'failure'
  uses: actions/github-script@{sha}
  with:
    script: |
      let hasErrors = false;
      {tail}
"""


@pytest.mark.parametrize(
    ("tail", "rule"),
    [
        ("console.log(hasErrors);", "QG105"),
        ("core.setFailed('vale found errors');", None),
        ("throw new Error('vale found errors');", None),
    ],
    ids=["comments-only", "set-failed", "throws"],
)
def test_a_github_script_fails_by_set_failed_not_by_the_word_false(
    tmp_path: Path, tail: str, rule: str | None
) -> None:
    text = workflow(_COMMENTED.format(sha=SHA, tail=tail))
    line = line_of(text, "continue-on-error")
    assert audit_ci(tmp_path, text) == ([(rule, CI, line, True)] if rule else [])


# ---- a command name with `@` is a word (pipx's suffixed apps) ---------------


def test_a_command_named_with_an_at_sign_is_parsed() -> None:
    """tree-sitter-bash refuses ``poetry@build``; bash runs it as a plain word."""
    script = "poetry@build --version | grep 2.1\npytest | tail -5\n"
    audit = script_audit.audit_script(script, runs_with=step_shell.DEFAULT_UNIX)
    assert (audit.note, [(h.rule, h.line) for h in audit.hits]) == ("", [("QG112", 1)])


def test_a_script_that_is_not_bash_is_still_not_parsed() -> None:
    """Twin: the retry fixes only the `@`, not a script bash would refuse."""
    script = "poetry@build --version | grep 2.1\nif then fi fi\n"
    audit = script_audit.audit_script(script, runs_with=step_shell.DEFAULT_UNIX)
    assert audit.note.startswith("not parsed as a shell script (line")


# ---- a step that runs only on Windows runs in pwsh ---------------------------

_WINDOWS_STEP = """
- name: Setup GnuPG
  if: {condition}
  run: |
    $env:PATH = "C:\\Program Files\\Git\\bin"
    choco install gnupg -y
    if ($LASTEXITCODE -ne 0) {{ exit 1 }}
"""


@pytest.mark.parametrize(
    ("condition", "parsed_as_bash"),
    [("runner.os == 'Windows'", False), ("runner.os != 'Windows'", True)],
    ids=["windows-only", "not-windows"],
)
def test_a_step_that_runs_only_on_windows_uses_pwsh(
    tmp_path: Path, condition: str, parsed_as_bash: bool
) -> None:
    text = workflow(
        _WINDOWS_STEP.format(condition=condition),
        job="strategy:\n  matrix:\n    os: [ubuntu-latest, windows-latest]",
    ).replace("runs-on: ubuntu-latest", "runs-on: ${{ matrix.os }}")
    notes = workflows.audit_workflow("ci.yml", textfile.decode(text.encode())).notes
    assert any("not parsed as a shell script" in n for n in notes) == parsed_as_bash


# ---- a report read by a program that swallows its own verdict ---------------

_SWALLOWED = """
flake8 src --format=json --output-file=flake8.json || true
python -c "
import json
try:
    with open('flake8.json') as f:
        if len(json.load(f)) > 50:
            raise SystemExit('Too many Flake8 issues')
{handler}
"
"""


@pytest.mark.parametrize(
    ("handler", "rule"),
    [
        ("except: pass", "QG101"),
        ("except BaseException:\n    print('unreadable')", "QG101"),
        ("except ValueError: pass", None),
        ("except:\n    sys.exit(1)", None),
    ],
    ids=["bare-except", "base-exception", "narrow-except", "handler-exits"],
)
def test_a_report_read_by_a_program_that_swallows_its_verdict_is_lost(
    tmp_path: Path, handler: str, rule: str | None
) -> None:
    """A bare ``except`` catches the SystemExit the threshold raises."""
    text = workflow(step(_SWALLOWED.format(handler=handler), name="Run Flake8"))
    line = line_of(text, "flake8 src")
    assert audit_ci(tmp_path, text) == ([(rule, CI, line, True)] if rule else [])


def test_a_report_shown_and_then_judged_is_carried(tmp_path: Path) -> None:
    """Twin: ``cat`` shows it, a script of its own may fail on it."""
    script = (
        "bandit -r src -f json -o bandit.json || true\n"
        "cat bandit.json\n"
        "python scripts/gate.py bandit.json\n"
    )
    assert audit_ci(tmp_path, workflow(step(script, name="Security"))) == []


def test_a_value_computed_from_the_report_and_failed_on_later_is_carried(
    tmp_path: Path,
) -> None:
    """Twin: ``echo "status=$(... [ -s r.txt ] ...)"`` carries it to a step output."""
    steps = (
        "- name: Scan\n"
        "  id: scan\n"
        "  run: |\n"
        "    bandit -r src -o r.txt || true\n"
        '    echo "status=$(if [ -s r.txt ]; then echo failed; fi)" >> "$GITHUB_OUTPUT"\n'
        "- name: Fail on findings\n"
        "  if: steps.scan.outputs.status == 'failed'\n"
        "  run: exit 1\n"
    )
    assert audit_ci(tmp_path, workflow(steps)) == []
