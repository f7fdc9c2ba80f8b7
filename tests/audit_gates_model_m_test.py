"""audit-gates on what 21g's false findings showed (not blind).

Each case is the general form of a false finding on 21g, beside the twin
that differs in the one thing that decides; where the shell decides whether
a failure is lost, the real bash runs the script with a checker that fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_k_test import _bash_status
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


@pytest.mark.parametrize(
    ("then", "fails"),
    [
        # a checker's flag that chooses a commit: a fix offered, a note
        ("git commit -am regenerate\ngit push", False),
        # twin: read only by a warning, the failure is lost
        ("echo '::warning::docs are stale'", True),
    ],
)
def test_a_checker_flag_read_by_a_committing_step_is_a_note(
    tmp_path: Path, then: str, fails: bool
) -> None:
    # pytest is no status query: a lost check, certain or plausible
    text = _diff_then(then).replace("git diff --exit-code docs/", "pytest")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG101", CI, line_of(text, "pytest"), fails)]


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


# ---- a command checked only by its step's name, beside the named checker -----


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        # the debug header is hidden; pytest, the check the step is named
        # for, runs with its failure seen
        ("myapp -v || true\npytest tests/", False),
        ("pytest tests/\nmyapp -v || true", False),
        # twin: nothing named for checking runs with its failure seen
        ("myapp -v || true", True),
        ("myapp -v || true\npytest tests/ || true", True),
        # twin: pytest's failure is carried to the command that reads its
        # report, which is then the check
        ("pytest tests/ --junitxml=r.xml || true\nmyapp -v r.xml || true", True),
    ],
)
def test_a_command_checked_by_the_step_name_beside_a_named_checker(
    tmp_path: Path, script: str, lost: bool
) -> None:
    text = _jobs(
        """
        tests:
          runs-on: ubuntu-latest
          steps:
            - name: Run tests
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    flagged = {ln for rule, _, ln, _ in found if rule == "QG101"}
    assert (line_of(text, "myapp") in flagged) == lost
    # the real shell: the step fails on pytest's failure exactly when it runs plainly
    assert (_bash_status(tmp_path, script) != 0) == ("pytest tests/\n" in script + "\n")


# ---- one finding per lost check: a job's continue-on-error over its steps ----


@pytest.mark.parametrize(
    ("scripts", "job_level"),
    [
        # the one check is lost at its step already: reported there only
        (["mypy src/ || true"], False),
        (["mypy src/ || true", "pytest || true"], False),
        # twin: a check the job's continue-on-error alone hides
        (["mypy src/"], True),
        (["mypy src/ || true", "pytest"], True),
    ],
)
def test_a_job_continue_on_error_over_steps_already_reported(
    tmp_path: Path, scripts: list[str], job_level: bool
) -> None:
    steps = "\n".join(f"- name: Check {i}\n  run: {s}" for i, s in enumerate(scripts))
    text = _jobs(
        """
        legacy:
          runs-on: ubuntu-latest
          continue-on-error: true
          steps:
            <STEPS>
        """,
        STEPS=steps,
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    hidden = [
        ("QG101", CI, line_of(text, s), True) for s in scripts if s.endswith("true")
    ]
    job = [("QG105", CI, line_of(text, "continue-on-error"), True)]
    assert found == sorted(hidden + (job if job_level else []))


# ---- a delivery's guards and its secrets are no checks -----------------------


@pytest.mark.parametrize(
    ("job", "lost"),
    [
        # a disabled deployment: its `exit 1` guards the delivery
        ("Deploy Production", False),
        ("Rollback ${{ inputs.environment }}", False),
        # twin: a disabled job that checks by hand
        ("Configuration audit", True),
    ],
)
def test_a_disabled_job_whose_only_check_is_a_guard_written_by_hand(
    tmp_path: Path, job: str, lost: bool
) -> None:
    text = _jobs(
        f"""
        main:
          if: false
          name: {job}
          runs-on: ubuntu-latest
          steps:
            - name: Validate manual trigger
              run: |
                <SCRIPT>
            - run: ./bin/release.sh
        """,
        SCRIPT='if [ "$CONFIRM" != deploy ]; then\n  exit 1\nfi',
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == ([("QG107", CI, line_of(text, "if: false"), True)] if lost else [])


@pytest.mark.parametrize(
    ("step", "lost"),
    [
        # decrypting secrets sets the job up, whatever "secrets" says
        ("Decrypt secrets", False),
        ("Encrypt the secrets bundle", False),
        # twin: a step named for verifying them runs a check by its name
        ("Verify secrets", True),
    ],
)
def test_a_step_named_for_decrypting_secrets_sets_up(
    tmp_path: Path, step: str, lost: bool
) -> None:
    text = _jobs(f"""
        ship:
          runs-on: ubuntu-latest
          steps:
            - name: {step}
              run: sops --decrypt secrets.enc.yaml > secrets.yaml || true
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == ([("QG101", CI, line_of(text, "sops"), True)] if lost else [])


# ---- a flag carried to an alert through a step that looks for an issue -------

_LOOK_AND_ALERT = """\
- name: Check vectors are up to date
  id: check
  run: |
    if python3 ./sync.py --check; then
      echo "outdated=false" >> "$GITHUB_OUTPUT"
    else
      echo "outdated=true" >> "$GITHUB_OUTPUT"
    fi
- name: Look for an open issue
  id: issues
  if: steps.check.outputs.outdated == 'true'
  run: |
    n=$(gh issue list --label vectors --json number --jq '.[0].number')
    if [ -z "$n" ]; then echo "none=true" >> "$GITHUB_OUTPUT"; fi
- name: Open an issue
  if: steps.issues.outputs.none == 'true'
  run: gh issue create --title "Update the vectors" --body "outdated"
"""


@pytest.mark.parametrize(
    ("triggers", "alert", "found"),
    [
        # a weekly check that speaks by opening an issue
        ("on:\n  schedule:\n    - cron: '0 18 * * 3'\n  workflow_dispatch:\n", "", []),
        # twin: the same on every push, where a change waits on the run: a note
        ("on: [push]\n", "", [False]),
        # twin: the issue step reads nothing the check wrote: lost
        (
            "on:\n  schedule:\n    - cron: '0 18 * * 3'\n",
            "steps.issues.outputs.none == 'true'",
            [True],
        ),
    ],
)
def test_a_flag_carried_to_an_issue_through_a_second_output(
    tmp_path: Path, triggers: str, alert: str, found: list[bool]
) -> None:
    steps = _LOOK_AND_ALERT
    if alert:
        steps = steps.replace(alert, "github.event_name == 'schedule'")
    text = _jobs(
        """
        vectors:
          runs-on: ubuntu-latest
          steps:
            <STEPS>
        """,
        top=triggers,
        STEPS=steps,
    )
    rules = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "sync.py")
    assert rules == [("QG101", CI, line, fails) for fails in found]


# ---- a license lister checks only when told which licenses fail --------------


@pytest.mark.parametrize(
    ("command", "lost"),
    [
        # an inventory: it exits 0 whatever licenses it lists
        ("license-checker --json --out npm-licenses.json", False),
        ("pip-licenses --format=json --output-file=licenses.json", False),
        # twin: told which licenses fail, it is a check
        ("license-checker --onlyAllow 'MIT;Apache-2.0'", True),
        ("pip-licenses --fail-on=GPL", True),
    ],
)
def test_a_license_lister_checks_only_with_its_fail_options(
    tmp_path: Path, command: str, lost: bool
) -> None:
    text = _jobs(f"""
        licenses:
          runs-on: ubuntu-latest
          steps:
            - name: Check licenses
              run: {command} || true
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == ([("QG101", CI, line_of(text, "|| true"), True)] if lost else [])


# ---- a step that runs only once the job has failed ---------------------------


@pytest.mark.parametrize(
    ("cond", "lost"),
    [
        # the job is red already: what the step hides turns nothing green
        ("failure()", False),
        ("${{ failure() }}", False),
        ("github.event_name == 'pull_request' && failure()", False),
        # twins: the step runs after a success too
        ("success() || failure()", True),
        ("always()", True),
        ("!failure()", True),
        # a string (`${{ }}` only in part): always true
        ("${{ failure() }} && runner.os == 'Linux'", True),
    ],
)
def test_a_step_run_only_after_a_failure_hides_no_check(
    tmp_path: Path, cond: str, lost: bool
) -> None:
    text = _jobs(f"""
        test:
          runs-on: ubuntu-latest
          steps:
            - run: ./build.sh
            - name: Check dependencies
              if: "{cond}"
              continue-on-error: true
              run: pip check || true
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    lines = {ln for _, _, ln, _ in found}
    assert bool(lines & {line_of(text, "pip check"), line_of(text, "continue-on")}) == (
        lost
    )


# ---- a command that only prints a setting ------------------------------------


@pytest.mark.parametrize(
    ("command", "lost"),
    [
        # the runner's toolchain paths, shown
        ("xcode-select --print-path | ls", False),
        ("xcrun --show-sdk-path | ls", False),
        # twin: the same tool asked to run something, in a step named for checking
        ("xcrun simctl boot iPhone | ls", True),
    ],
)
def test_a_command_that_only_prints_a_setting_is_no_check(
    tmp_path: Path, command: str, lost: bool
) -> None:
    text = _jobs(f"""
        sdk:
          runs-on: macos-latest
          steps:
            - name: Check macos.sdk
              run: {command}
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert bool(found) == lost


# ---- a report run whose check ran in a job it needs ---------------------------


@pytest.mark.parametrize(
    ("needs", "lost"),
    [
        # it runs only after `strict` saw mypy's failure: a report of a check
        ("needs: strict", False),
        ("needs: [strict]", False),
        # twin: a job running beside it, whose failure this one does not wait on
        ("", True),
    ],
)
def test_a_report_run_whose_check_ran_in_a_job_it_needs(
    tmp_path: Path, needs: str, lost: bool
) -> None:
    text = _jobs(
        """
        strict:
          runs-on: ubuntu-latest
          steps:
            - run: mypy src/
        metrics:
          runs-on: ubuntu-latest
          <NEEDS>
          steps:
            - name: Generate type coverage report
              run: mypy src/ --any-exprs-report=. || true
        """,
        NEEDS=needs,
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert bool(found) == lost


_SCAN_AND_FLAG = """\
- name: Run Safety check
  run: |
    if [ -f requirements.txt ]; then
      safety check -r requirements.txt --json --output safety.json || true
      VULNS=$(cat safety.json | jq '.vulnerabilities | length')
      if [ "$VULNS" -gt 0 ]; then
        echo "found=true" >> $GITHUB_ENV
      fi
    fi
- name: Open an issue
  if: env.found == 'true'
  run: gh issue create --title "Vulnerabilities" --body "see the run"
"""


@pytest.mark.parametrize(
    ("triggers", "read", "found"),
    [
        # a nightly scan whose own step flags the issue step
        ("on:\n  schedule:\n    - cron: '0 2 * * *'\n", "env.found", []),
        # twin: on push, a change waits on it: a note
        ("on: [push]\n", "env.found", [False]),
        # twin: the issue step reads another flag: lost
        ("on:\n  schedule:\n    - cron: '0 2 * * *'\n", "env.other", [True]),
    ],
)
def test_a_report_flagged_in_its_own_step_for_an_issue(
    tmp_path: Path, triggers: str, read: str, found: list[bool]
) -> None:
    text = _jobs(
        """
        scan:
          runs-on: ubuntu-latest
          steps:
            <STEPS>
        """,
        top=triggers,
        STEPS=_SCAN_AND_FLAG.replace("env.found", read),
    )
    rules = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "safety check")
    assert rules == [("QG101", CI, line, fails) for fails in found]


def test_a_command_checked_by_the_step_name_lost_by_accident_stays_a_note(
    tmp_path: Path,
) -> None:
    # twin: without `-e` the build's failure is lost by accident, not thrown
    # away on purpose; the named link check after it does not make it auxiliary
    text = _jobs("""
        docs:
          runs-on: ubuntu-latest
          steps:
            - name: Build documentation
              shell: bash -l {0}
              run: |
                make html
                make linkcheck
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG104", CI, line_of(text, "make html"), False)]
