"""audit-gates on the misses and false findings of a sweep of well-known projects.

Not blind: each case is the general form of a shape the audit misread on
CI it had never seen (bench/audit_sweep/issue-21ap), beside the twin that
differs in the one thing that decides.
"""

from __future__ import annotations

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"


# ---- a PowerShell number is a value, not a native program -------------------


def _windows_test(script: str) -> str:
    return _jobs(
        """
        test:
          runs-on: windows-latest
          steps:
            - name: Test
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )


@pytest.mark.parametrize(
    "setting",
    [
        "$env:OPENBLAS_NUM_THREADS=1",
        "$env:WINDOWS_CI_LONG_TIMEOUT = 600",
        "$timeout = 1.5e3",
        "$env:LIMIT=2gb",
    ],
)
def test_pwsh_number_assignment_after_the_check_runs_nothing(
    tmp_path, setting: str
) -> None:
    text = _windows_test(f"spin test -j4\n{setting}")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


def test_pwsh_number_assignment_before_the_check_runs_nothing(tmp_path) -> None:
    text = _windows_test("$env:OPENBLAS_NUM_THREADS=1\npytest -q")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


def test_pwsh_native_program_after_the_check_still_loses_it(tmp_path) -> None:
    # twin: a program, not a number, runs after the check and sets the status
    text = _windows_test("pytest -q\n$out = python -m build")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == [
        ("QG104", CI, line_of(text, "pytest -q"), True)
    ]


# ---- a namespaced task that fetches is setup, in a step named for building --


def _build_step(script: str) -> str:
    return _jobs(
        """
        package:
          runs-on: ubuntu-latest
          steps:
            - name: Build
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )


@pytest.mark.parametrize(
    "fetch",
    [
        "rake -C dev/tasks/linux-packages/apache-arrow docker:pull:${TARGET} || :",
        "invoke docker.pull || true",
    ],
)
def test_namespaced_fetch_task_with_fallback_is_setup(tmp_path, fetch: str) -> None:
    text = _build_step(f"{fetch}\nrake -C dev/tasks/linux-packages apt:build")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


def test_namespaced_build_task_with_fallback_is_lost(tmp_path) -> None:
    # twin: the build itself, not a pull, is what the fallback swallows
    text = _build_step("rake -C dev/tasks/linux-packages apt:build || :")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == [
        ("QG101", CI, line_of(text, "apt:build"), True)
    ]


# ---- `shell: msys2 {0}` is setup-msys2's bash -leo pipefail -----------------


def _msys2_job(script: str, job_extra: str = "") -> str:
    return _jobs(
        """
        msys2:
          runs-on: windows-latest
        <EXTRA>
          defaults:
            run:
              shell: msys2 {0}
          steps:
            - uses: msys2/setup-msys2@v2
            - name: Run tests under MinGW
              run: |
                <SCRIPT>
        """.replace("<EXTRA>", job_extra),
        SCRIPT=script,
    )


def test_msys2_job_continuing_on_error_loses_its_tests(tmp_path) -> None:
    text = _msys2_job('nox --session "tests-3.12"', "  continue-on-error: true")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == [
        ("QG105", CI, line_of(text, "continue-on-error"), True)
    ]


def test_msys2_job_without_continue_on_error_is_honest(tmp_path) -> None:
    text = _msys2_job('nox --session "tests-3.12"')
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


def test_msys2_script_is_read_as_bash(tmp_path) -> None:
    text = _msys2_job("pytest -q || true")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == [
        ("QG101", CI, line_of(text, "pytest -q"), True)
    ]


def test_msys2_pipe_keeps_the_checks_status(tmp_path) -> None:
    # -o pipefail: a check piped to tee still fails the step
    text = _msys2_job("pytest -q | tee pytest.log")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


# ---- `script -e -c "bash ... {0}"` is read with the inner shell's flags ------


def _script_shell(shell: str, script: str) -> str:
    return _jobs(
        """
        simd:
          runs-on: ubuntu-latest
          defaults:
            run:
              shell: '<SHELL>'
          steps:
            - name: Test
              run: |
                <SCRIPT>
        """.replace("<SHELL>", shell),
        SCRIPT=script,
    )


_RECORDED = 'script -q -e -c "bash --noprofile --norc -eo pipefail {0}"'


def test_script_wrapper_script_is_read(tmp_path) -> None:
    text = _script_shell(_RECORDED, "spin test || true")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == [
        ("QG101", CI, line_of(text, "spin test"), True)
    ]


def test_script_wrapper_keeps_the_inner_pipefail(tmp_path) -> None:
    text = _script_shell(_RECORDED, "spin test | tee test.log")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


def test_script_wrapper_without_inner_pipefail_loses_the_pipe(tmp_path) -> None:
    # twin: the inner bash has errexit only, so the pipe's status is tee's
    # (a note: `spin test` is a check only by its step's name)
    text = _script_shell('script -q -e -c "bash -e {0}"', "spin test | tee test.log")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == [
        ("QG112", CI, line_of(text, "spin test"), False)
    ]


# ---- a composite action of the project that tests is the job's check --------

_MESON_ACTION = """
name: MesonBuildTest
runs:
  using: composite
  steps:
  - name: Build
    shell: bash
    run: spin build
  - name: Test
    shell: bash
    run: spin test -- --durations=10
"""
_SETUP_ACTION = """
name: Setup
runs:
  using: composite
  steps:
  - name: Install dependencies
    shell: bash
    run: pip install -r requirements.txt
"""


def _using(folder: str) -> str:
    return _jobs("""
        specialize:
          runs-on: ubuntu-latest
          continue-on-error: true
          steps:
            - uses: actions/checkout@v4
            - uses: ./<FOLDER>
        """.replace("<FOLDER>", folder))


def test_job_continuing_past_a_local_action_that_tests(tmp_path) -> None:
    text = _using(".github/meson_actions")
    files = {CI: text, ".github/meson_actions/action.yml": _MESON_ACTION}
    assert gate_rules(audit_project(tmp_path, files)) == [
        ("QG105", CI, line_of(text, "continue-on-error"), True)
    ]


def test_job_continuing_past_a_local_action_that_installs(tmp_path) -> None:
    # twin: the action only sets up, so the job runs no check to lose
    text = _using(".github/setup")
    files = {CI: text, ".github/setup/action.yml": _SETUP_ACTION}
    assert gate_rules(audit_project(tmp_path, files)) == []


# ---- a comment line among recipe lines does not end the recipe --------------

_DOCCHECK = """
.PHONY: doccheck
doccheck:
\t$(MAKE) doc
# Don't make our tests rely on the links in the docs being up every build.
\t$(MAKE) -C docs linkcheck<FALLBACK>
"""


def test_recipe_goes_on_after_a_comment_line(tmp_path) -> None:
    text = _DOCCHECK.replace("<FALLBACK>", " || true")
    assert gate_rules(audit_project(tmp_path, {"Makefile": text})) == [
        ("QG101", "Makefile", line_of(text.lstrip("\n"), "linkcheck"), True)
    ]


def test_recipe_after_a_comment_line_without_fallback(tmp_path) -> None:
    text = _DOCCHECK.replace("<FALLBACK>", "")
    assert gate_rules(audit_project(tmp_path, {"Makefile": text})) == []
