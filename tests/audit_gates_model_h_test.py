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


# ---- a fixer hook run by id in a job that commits what changed ---------------

_COMMIT = step('git commit -am "fix whitespace" && git push', name="Commit")


@pytest.mark.parametrize(
    ("command", "commit", "expected"),
    [
        # dbt-core cut-release-branch.yml: the fixer's rewrite is committed
        ("pre-commit run trailing-whitespace --files CHANGELOG.md", True, None),
        ("hatch run pre-commit run end-of-file-fixer --files a.txt", True, None),
        # the same fixer with nothing committed: pre-commit's failure is the check
        ("pre-commit run trailing-whitespace --all-files", False, True),
        # every hook (flake8 too, perhaps), committed: a plausible fix run, a note
        ("pre-commit run --all-files", True, False),
        # a checking hook by id, committed: as plausible a fix run as every hook
        ("pre-commit run flake8 --all-files", True, False),
    ],
)
def test_a_fixer_hook_whose_rewrite_the_job_commits_is_no_check(
    tmp_path: Path, command: str, commit: bool, expected: bool | None
) -> None:
    steps = step(f"{command} || true", name="Fix") + ("\n" + _COMMIT if commit else "")
    text = workflow(steps)
    found = audit_ci(tmp_path, text)
    line = line_of(text, command)
    assert found == ([] if expected is None else [("QG101", CI, line, expected)])


# ---- a script named for preparing is setup, whatever its step ---------------


@pytest.mark.parametrize(
    ("script", "gate"),
    [
        # jupyterhealth-exchange ow-contract.yml: seeding the service under test
        ("scripts/init_provider_settings.py", False),
        ("scripts/init/seed_series_types.py", False),
        ("migrate.py", False),
        # the same step running a script not named for preparing checks by its name
        ("scripts/provider_settings.py", True),
        # a test of the init code is still a test
        ("tests/test_init.py", True),
    ],
)
def test_a_script_named_for_preparing_is_setup(
    tmp_path: Path, script: str, gate: bool
) -> None:
    command = f"uv run python {script} || echo skipped"
    text = workflow(step(command, name="Run contract test"))
    expected = [("QG102", CI, line_of(text, command), True)] if gate else []
    assert audit_ci(tmp_path, text) == expected


# ---- a listing is shown, not a check by its step's name ---------------------


@pytest.mark.parametrize(
    ("producer", "note"),
    [
        # inveniordm-jupyterlab-extension build.yml: grep judges the listing
        ("jupyter server extension list", False),
        ("jupyter labextension list", False),
        ("conda env list", False),
        # a build in a step named for building checks by that name: its pipe loses it
        ("jupyter lab build", True),
    ],
)
def test_a_listing_is_no_check_by_its_step_name(
    tmp_path: Path, producer: str, note: bool
) -> None:
    command = f'{producer} 2>&1 | grep -ie "myext.*OK"'
    text = workflow(step(command, name="Build the extension"))
    expected = [("QG112", CI, line_of(text, producer), False)] if note else []
    assert audit_ci(tmp_path, text) == expected


# ---- a runner's own options before `run` ------------------------------------


@pytest.mark.parametrize(
    ("command", "gate"),
    [
        # dbt-core update-test-durations.yml: a script named for generating data
        ("hatch -v run ci:integration-tests-generate-durations -- --group 1", False),
        ("hatch -v run ci:integration-tests -- --group 1", True),
        ("uv --directory sub run pytest", True),
        ("poetry -q run mypy src", True),
    ],
)
def test_a_runner_option_before_run_does_not_hide_what_it_runs(
    tmp_path: Path, command: str, gate: bool
) -> None:
    text = workflow(step(f"{command} || true", name="Run tests and store durations"))
    expected = [("QG101", CI, line_of(text, command), True)] if gate else []
    assert audit_ci(tmp_path, text) == expected


def test_a_runner_option_before_run_keeps_a_checker_named(tmp_path: Path) -> None:
    # in a step not named for checking, only the checker's own name makes it one
    text = workflow(step("hatch -v run types:check || true", name="Prepare"))
    line = line_of(text, "types:check")
    assert audit_ci(tmp_path, text) == [("QG101", CI, line, True)]


# ---- continue-on-error as an expression that is always true -----------------


@pytest.mark.parametrize(
    ("value", "lost"),
    [
        ("${{ true }}", True),
        ("${{ inputs.allow-failure || true }}", True),
        ("${{ github.event_name == 'schedule' || true }}", True),
        # may be false: an allowed-to-fail matrix cell, or a grouping not read
        ("${{ matrix.experimental }}", False),
        ("${{ inputs.allow-failure || true && false }}", False),
        ("${{ (inputs.a || true) && inputs.b }}", False),
    ],
)
@pytest.mark.parametrize("level", ["step", "job"])
def test_continue_on_error_always_true_as_an_expression(
    tmp_path: Path, value: str, lost: bool, level: str
) -> None:
    coe = f"continue-on-error: {value}"
    if level == "step":
        text = workflow(step("pytest tests", name="Run tests", extra=coe))
    else:
        text = workflow(step("pytest tests", name="Run tests"), job=coe)
    expected = [("QG105", CI, line_of(text, "continue-on-error"), True)]
    assert audit_ci(tmp_path, text) == (expected if lost else [])


# ---- an action input that says in its own words that failures pass -----------

_SHA = "0" * 40


@pytest.mark.parametrize(
    ("uses", "given", "lost"),
    [
        # sanic: simple-tox-action turns `ignore-errors` into continue_on_error
        ("sanic-org/simple-tox-action", "ignore-errors: true", True),
        ("example/pytest-action", "allowFailure: true", True),
        ("example/lint-action", "continue_on_error: ${{ true }}", True),
        # may be false: the allowed-to-fail matrix cell, as `continue-on-error`
        (
            "sanic-org/simple-tox-action",
            "ignore-errors: ${{ matrix.c.ie || false }}",
            False,
        ),
        ("sanic-org/simple-tox-action", "ignore-errors: false", False),
        # an action that checks nothing may ignore what it likes
        ("example/cache-action", "ignore-errors: true", False),
        # nick-fields/retry swallows only through continue_on_error, and only
        # when its command is a check
        ("nick-fields/retry", "ignore-errors: true\ncommand: pytest", False),
    ],
)
def test_an_input_that_says_failures_pass_on_a_checking_action(
    tmp_path: Path, uses: str, given: str, lost: bool
) -> None:
    inputs = "\n".join(f"    {line}" for line in given.splitlines())
    text = workflow(f"- uses: {uses}@{_SHA}\n  with:\n{inputs}")
    key = given.split(":", 1)[0]
    # a note: what a third-party action does with its input is not read
    expected = [("QG105", CI, line_of(text, key), False)]
    assert audit_ci(tmp_path, text) == (expected if lost else [])


# ---- PowerShell: a native program's failure does not stop the script --------

_WINDOWS = "runs-on: windows-latest"


def _windows_ci(script: str, name: str = "Run tests", shell: str = "") -> str:
    extra = f"shell: {shell}" if shell else ""
    text = workflow(step(script, name=name, extra=extra))
    return text.replace("runs-on: ubuntu-latest", _WINDOWS)


@pytest.mark.parametrize(
    ("script", "shell", "expected"),
    [
        # biopython ci.yml (test_windows): the report decides the step
        ("coverage run run_tests.py\ncoverage xml", "", ("QG104", True)),
        ("python -m pytest tests\ncoverage xml", "pwsh", ("QG104", True)),
        ("pytest tests\nexit 0", "powershell", ("QG103", True)),
        # a check only by its step's name: a note (uv's `./uv run python -c ""`)
        ('./uv run python -c ""\n./uv run -p 3.13 python -c ""', "", ("QG104", False)),
        # honest twins: the check is the last native program, or its status is read
        ("coverage xml\ncoverage run run_tests.py", "", None),
        (
            "python -m pytest tests\nif ($LASTEXITCODE) { exit $LASTEXITCODE }\nx",
            "",
            None,
        ),
        (
            "$PSNativeCommandUseErrorActionPreference = $true\npytest\ncoverage xml",
            "",
            None,
        ),
        ("pytest tests\nWrite-Host done\necho done", "pwsh", None),
        # a dot-sourced script and its functions run in-process, not natively
        (". .\\ci\\windows_ci.ps1\nTest-kivy-benchmark", "", None),
        # a multi-line string is one statement, not commands
        ('python -c "\nimport sys\nsys.exit(0)\n"', "pwsh", None),
        # bash on Windows is read as bash: errexit stops on pytest
        ("pytest tests\ncoverage xml", "bash", None),
    ],
)
def test_a_powershell_check_that_is_not_the_last_native_program_is_lost(
    tmp_path: Path, script: str, shell: str, expected: tuple[str, bool] | None
) -> None:
    text = _windows_ci(script, shell=shell)
    first = script.splitlines()[0]
    found = audit_ci(tmp_path, text)
    if expected is None:
        assert found == []
    else:
        rule, certain = expected
        assert found == [(rule, CI, line_of(text, first), certain)]


def test_a_powershell_check_under_continue_on_error_is_a_gate(tmp_path: Path) -> None:
    extra = "shell: pwsh\ncontinue-on-error: true"
    text = workflow(step("python -m pytest tests", name="Run tests", extra=extra))
    text = text.replace("runs-on: ubuntu-latest", _WINDOWS)
    line = line_of(text, "continue-on-error")
    assert audit_ci(tmp_path, text) == [("QG105", CI, line, True)]


# ---- what the machine has is a report, not a check ---------------------------


@pytest.mark.parametrize(
    ("command", "gate"),
    [
        # helion test.yml: device diagnostics in a job named for testing
        ('nvidia-smi || echo "nvidia-smi not found"', False),
        ('rocminfo || echo "rocminfo not found"', False),
        ('xpu-smi discovery || echo "xpu-smi not found"', False),
        ('./run_gpu_suite.sh || echo "suite failed"', True),
    ],
)
def test_a_device_report_is_no_check_in_a_test_job(
    tmp_path: Path, command: str, gate: bool
) -> None:
    text = workflow(step(command, name="Run NVIDIA command")).replace(
        "jobs:\n  test:", "jobs:\n  test-gpu:"
    )
    expected = [("QG102", CI, line_of(text, command), True)] if gate else []
    assert audit_ci(tmp_path, text) == expected


# ---- a job that ships, continued on error ------------------------------------


@pytest.mark.parametrize(("job", "certain"), [("publish", False), ("tests", True)])
def test_continue_on_error_on_a_job_that_ships_is_a_note(
    tmp_path: Path, job: str, certain: bool
) -> None:
    # fastmcp-agents publish-to-pypi.yml: one project's failed publish must
    # not fail the others; its pytest still stops its own `uv publish`
    steps = step("uv run pytest", name="Test") + "\n" + step("uv publish", name="Up")
    text = workflow(steps, job="continue-on-error: true").replace(
        "jobs:\n  test:", f"jobs:\n  {job}:"
    )
    line = line_of(text, "continue-on-error")
    assert audit_ci(tmp_path, text) == [("QG105", CI, line, certain)]
