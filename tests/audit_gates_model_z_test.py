"""audit-gates on checker actions, judged by their documented inputs and defaults.

Not blind: each case is an action input that its own documentation says
keeps the action from failing, beside the twin that differs in the one value
that decides (the default, a failing value, an expression).  Real black and
isort show that an options input without a check flag exits 0 on unformatted
code; real sh runs docker-run-action's ``run`` as the action does.
"""

from __future__ import annotations

import subprocess  # nosec B404 - fixed argument lists
import sys
import textwrap
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of
from failing_checkers import run_failing
from quality_gates.guards.integrity import actionchecks

CI = ".github/workflows/ci.yml"


def _step(step: str, env: str = "") -> str:
    return _jobs(
        """
        lint:
          runs-on: ubuntu-latest
          <ENV>
          steps:
            - uses: actions/checkout@v4
            <STEP>
        """,
        ENV=env or "timeout-minutes: 10",
        STEP=step,
    )


def _audit(tmp_path: Path, text: str) -> list[tuple[str, str, int, bool]]:
    return gate_rules(audit_project(tmp_path, {CI: text}))


# ---- an input set to the value with which the action passes -----------------

_LOST = [
    ("aquasecurity/trivy-action@0.28.0", "exit-code: '0'", "exit-code"),
    ("bridgecrewio/checkov-action@v12", "soft_fail: true", "soft_fail"),
    ("hadolint/hadolint-action@v3.1.0", "no-fail: true", "no-fail"),
    (
        "pypa/gh-action-pip-audit@v1.1.0",
        "internal-be-careful-allow-failure: true",
        "internal-be-careful-allow-failure",
    ),
    ("TrueBrain/actions-flake8@v2", "only_warn: 1", "only_warn"),
    ("reviewdog/action-ruff@v1", "fail_on_error: false", "fail_on_error"),
    ("reviewdog/action-shellcheck@v1", "fail_level: none", "fail_level"),
    ("lycheeverse/lychee-action@v2", "fail: false", "fail"),
]


@pytest.mark.parametrize(("uses", "given", "key"), _LOST)
def test_an_input_set_to_pass_loses_the_gate(
    tmp_path: Path, uses: str, given: str, key: str
) -> None:
    text = _step(f"- uses: {uses}\n  with:\n    {given}")
    found = audit_project(tmp_path, {CI: text})
    assert gate_rules(found) == [("QG106", CI, line_of(text, given), True)]
    message = next(m for r, *_, m in found if r == "QG106")
    assert f"`{key}: " in message and uses.split("@")[0] in message


@pytest.mark.parametrize(
    ("uses", "given"),
    [
        # twins: the value with which it fails, or left at its default
        ("aquasecurity/trivy-action@0.28.0", "exit-code: '1'"),
        ("bridgecrewio/checkov-action@v12", "soft_fail: false"),
        ("bridgecrewio/checkov-action@v12", "framework: terraform"),
        ("hadolint/hadolint-action@v3.1.0", "dockerfile: Dockerfile"),
        ("pypa/gh-action-pip-audit@v1.1.0", "inputs: requirements.txt"),
        ("TrueBrain/actions-flake8@v2", "max_line_length: 100"),
        ("reviewdog/action-ruff@v1", "fail_on_error: true"),
        ("reviewdog/action-ruff@v1", "fail_level: error"),
        ("lycheeverse/lychee-action@v2", "args: --verbose ."),
        # a run-time value: a matrix cell, an event
        ("reviewdog/action-ruff@v1", "fail_on_error: ${{ matrix.strict }}"),
        ("bridgecrewio/checkov-action@v12", "soft_fail: ${{ inputs.soft }}"),
        # uploads and comments: their failing input is about the upload
        ("codecov/codecov-action@v4", "fail_ci_if_error: false"),
        ("coverallsapp/github-action@v2", "fail-on-error: false"),
        # a fixer's diff posted as review suggestions (fix mode)
        ("reviewdog/action-suggester@v1", "fail_on_error: false"),
        # verify-changed-files then only sets an output a later step reads
        ("tj-actions/verify-changed-files@v20", "fail-if-changed: false"),
    ],
)
def test_the_failing_value_or_the_default_loses_nothing(
    tmp_path: Path, uses: str, given: str
) -> None:
    text = _step(f"- uses: {uses}\n  with:\n    {given}")
    assert _audit(tmp_path, text) == []


def test_two_inputs_one_fails_reviewdog_still_fails(tmp_path: Path) -> None:
    given = "fail_on_error: false\n    fail_level: warning"
    text = _step(f"- uses: reviewdog/action-ruff@v1\n  with:\n    {given}")
    assert _audit(tmp_path, text) == []


# ---- an environment input: super-linter's DISABLE_ERRORS ---------------------


@pytest.mark.parametrize(
    ("step_env", "job_env", "lost"),
    [
        ("DISABLE_ERRORS: true", "", True),
        ("", "DISABLE_ERRORS: 'true'", True),
        ("DISABLE_ERRORS: false", "", False),
        ("VALIDATE_ALL_CODEBASE: false", "", False),
        # the step's own value wins over the job's
        ("DISABLE_ERRORS: false", "DISABLE_ERRORS: true", False),
    ],
)
def test_super_linter_disable_errors(
    tmp_path: Path, step_env: str, job_env: str, lost: bool
) -> None:
    step = "- uses: super-linter/super-linter@v7\n  env:\n    " + (
        step_env or "DEFAULT_BRANCH: main"
    )
    env = f"env:\n  {job_env}" if job_env else ""
    text = _step(step, env)
    needle = "DISABLE_ERRORS: true" if "true" in step_env else "DISABLE_ERRORS"
    expected = [("QG106", CI, line_of(text, needle), True)] if lost else []
    assert _audit(tmp_path, text) == expected


# ---- a report by default: no gate, so its continue-on-error loses nothing ----


@pytest.mark.parametrize(
    ("uses", "given", "gate"),
    [
        ("reviewdog/action-flake8@v3", "", False),
        ("reviewdog/action-flake8@v3", "fail_on_error: true", True),
        ("reviewdog/action-suggester@v1", "fail_on_error: true", True),
        ("reviewdog/action-setup@v1", "", False),
        ("lycheeverse/lychee-action@v1", "", True),
        ("lycheeverse/lychee-action@v2", "", True),
        ("aquasecurity/trivy-action@0.28.0", "", False),
        ("aquasecurity/trivy-action@0.28.0", "exit-code: 1", True),
        ("aquasecurity/trivy-action@0.28.0", "exit-code: ''", False),
        ("tj-actions/verify-changed-files@v20", "fail-if-changed: true", True),
        ("py-cov-action/python-coverage-comment-action@v3", "MINIMUM_GREEN: 85", False),
        ("snyk/actions/setup@master", "", False),
        ("snyk/actions/python@master", "", True),
        ("snyk/actions/python@master", "command: monitor", False),
        ("snyk/actions/node@master", "args: --severity-threshold=high", True),
        ("bridgecrewio/checkov-action@v12", "", True),
    ],
)
def test_continue_on_error_only_on_an_action_that_fails(
    tmp_path: Path, uses: str, given: str, gate: bool
) -> None:
    inputs = f"\n  with:\n    {given}" if given else ""
    text = _step(f"- uses: {uses}\n  continue-on-error: true{inputs}")
    expected = [("QG105", CI, line_of(text, "continue-on-error"), True)]
    assert _audit(tmp_path, text) == (expected if gate else [])


def test_lychee_exit_code_read_and_failed_on_is_kept(tmp_path: Path) -> None:
    step = """
    - id: links
      uses: lycheeverse/lychee-action@v2
      with:
        fail: false
    - if: steps.links.outputs.exit_code != 0
      run: exit 1
    """
    assert _audit(tmp_path, _step(textwrap.dedent(step))) == []


@pytest.mark.parametrize(
    ("uses", "comment", "lost"),
    [
        ("lycheeverse/lychee-action@v2.8.0", "", True),
        ("lycheeverse/lychee-action@" + "8" * 40, "  # v2.8.0", True),
        ("lycheeverse/lychee-action@" + "8" * 40, "", True),
        # v1's `failIfEmpty` (default true) failed the run whatever `fail` said
        ("lycheeverse/lychee-action@v1.9.0", "", False),
        ("lycheeverse/lychee-action@" + "8" * 40, "  # v1.10.0", False),
    ],
)
def test_lychee_fail_false_by_version(
    tmp_path: Path, uses: str, comment: str, lost: bool
) -> None:
    text = _step(f"- uses: {uses}{comment}\n  with:\n    fail: false")
    found = [f for f in _audit(tmp_path, text) if f[0] == "QG106"]
    assert found == (
        [("QG106", CI, line_of(text, "fail: false"), True)] if lost else []
    )


def test_spec_names() -> None:
    assert actionchecks.major_of("o/r@v1.8.0") == 1
    assert actionchecks.major_of("o/r@" + "a" * 40, "uses: o/r@aaa # v3") == 3
    assert actionchecks.major_of("o/r@main") is None
    assert actionchecks.spec_of("ReviewDog/action-Black@v1") is not None
    assert actionchecks.spec_of("someone/action-flake8@v1") is None


# ---- golangci-lint's --issues-exit-code=0 ------------------------------------


@pytest.mark.parametrize(
    ("args", "lost"),
    [
        ("--issues-exit-code=0", True),
        ("--timeout=5m --issues-exit-code 0", True),
        ("--issues-exit-code=2", False),
        ("--timeout=5m", False),
    ],
)
def test_golangci_issues_exit_code(tmp_path: Path, args: str, lost: bool) -> None:
    text = _step(f"- uses: golangci/golangci-lint-action@v6\n  with:\n    args: {args}")
    expected = [("QG106", CI, line_of(text, "args:"), True)] if lost else []
    assert _audit(tmp_path, text) == expected


def test_golangci_issues_exit_code_in_a_run_step(tmp_path: Path) -> None:
    text = _step("- run: golangci-lint run --issues-exit-code=0 ./...")
    assert _audit(tmp_path, text) == [("QG106", CI, line_of(text, "golangci"), True)]


# ---- a formatter action's options without a check flag -----------------------


@pytest.mark.parametrize(
    ("uses", "key", "options", "lost"),
    [
        ("psf/black@stable", "options", "--diff", True),
        ("psf/black@stable", "options", "--check --diff", False),
        ("psf/black@stable", "options", "--check", False),
        ("isort/isort-action@v1", "configuration", "--diff", True),
        ("isort/isort-action@v1", "configuration", "--check-only --diff", False),
    ],
)
def test_formatter_action_asked_only_for_its_diff(
    tmp_path: Path, uses: str, key: str, options: str, lost: bool
) -> None:
    step = f"- name: Check formatting\n  uses: {uses}\n  with:\n    {key}: '{options}'"
    text = _step(step)
    expected = [("QG106", CI, line_of(text, f"{key}:"), True)] if lost else []
    assert _audit(tmp_path, text) == expected


@pytest.mark.parametrize(
    ("tool", "options", "status"),
    [
        ("black", ["--diff"], 0),
        ("black", ["--check", "--diff"], 1),
        ("isort", ["--diff"], 0),
        ("isort", ["--check-only", "--diff"], 1),
    ],
)
def test_real_formatter_with_the_action_options(
    tmp_path: Path, tool: str, options: list[str], status: int
) -> None:
    """What psf/black and isort-action run: ``TOOL OPTIONS .`` on unformatted code."""
    (tmp_path / "bad.py").write_text("import sys\nimport os\nx = {  'a':1 }\n")
    done = subprocess.run(  # nosec B603 - fixed argument list
        [sys.executable, "-m", tool, *options, "."],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == status


# ---- docker-run-action runs `run` with `sh -c` ---------------------------------


def _sh_c(tmp_path: Path, script: str) -> int:
    """Run ``script`` as docker-run-action does: ``sh -c``, newlines made ``;``."""
    return run_failing(tmp_path, ["sh", "-c"], script.strip().replace("\n", ";"))


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        ("pytest tests\necho done", True),
        ("set -e\npytest tests\necho done", False),
        ("echo start\npytest tests", False),
    ],
)
def test_docker_run_action_run_is_sh_c(tmp_path: Path, script: str, lost: bool) -> None:
    block = "\n".join(f"      {line}" for line in script.splitlines())
    step = (
        "- uses: addnab/docker-run-action@v3\n  with:\n    image: python:3.12\n"
        f"    run: |\n{block}"
    )
    text = _step(step)
    found = _audit(tmp_path, text)
    assert bool(found) == lost
    if lost:
        assert found == [("QG104", CI, line_of(text, "pytest tests"), True)]
    assert (_sh_c(tmp_path, script) == 0) == lost
