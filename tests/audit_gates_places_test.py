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

# ---- the fix in the words of the place ---------------------------------------

_STEP_FIX = "set `shell: bash` on the step"
_MAKE_FIX = "`SHELL := /bin/bash` and `.SHELLFLAGS := -eo pipefail -c` in the Makefile"
_BASH_FIX = "start the script with `set -o pipefail;`"
_SH_FIX = "run the script as `bash -o pipefail -c '...'`"


def _only(found: list[tuple[str, str, int, bool, str]], rule: str) -> str:
    """Return the message of the one finding of ``rule`` (there must be one)."""
    (message,) = [m for r, _, _, _, m in found if r == rule]
    return message


def _fix(message: str) -> str:
    return message.split(". Fix: ", 1)[1]


_PRE_COMMIT = """
repos:
- repo: local
  hooks:
  - id: tests
    name: tests
    entry: bash -c '{script}'
    language: system
"""
_TOX = "[tox]\nenvlist = py\n[testenv]\ncommands =\n    bash -c '{script}'\n"
_CIBW = '[tool.cibuildwheel]\ntest-command = "{script}"\n'
_PIPE = "pytest {project} | tee log.txt"


@pytest.mark.parametrize(
    ("name", "text", "fix"),
    [
        ("Makefile", "test:\n\tpytest | tee log.txt\n", _MAKE_FIX),
        (".pre-commit-config.yaml", _PRE_COMMIT.format(script=_PIPE), _BASH_FIX),
        ("tox.ini", _TOX.format(script=_PIPE), _BASH_FIX),
        ("pyproject.toml", _CIBW.format(script=_PIPE), _SH_FIX),
    ],
    ids=["make-recipe", "pre-commit-bash-c", "tox-bash-c", "cibuildwheel-sh-c"],
)
def test_a_lost_pipe_outside_a_workflow_gets_the_fix_of_its_place(
    tmp_path: Path, name: str, text: str, fix: str
) -> None:
    message = _only(audit_project(tmp_path, {name: text}), "QG112")
    assert fix in _fix(message)
    assert "shell: bash" not in message and "on the step" not in message


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "Makefile",
            "SHELL := /bin/bash\n.SHELLFLAGS := -eo pipefail -c\n"
            "test:\n\tpytest | tee log.txt\n",
        ),
        (
            "Makefile",
            "SHELL := /bin/bash\ntest:\n\tset -o pipefail; pytest | tee log\n",
        ),
        (
            ".pre-commit-config.yaml",
            _PRE_COMMIT.format(script="set -o pipefail; " + _PIPE),
        ),
        ("tox.ini", _TOX.format(script="set -o pipefail; " + _PIPE)),
    ],
    ids=["make-shellflags", "make-recipe-set", "pre-commit-set", "tox-set"],
)
def test_the_fix_each_place_is_given_makes_the_finding_go(
    tmp_path: Path, name: str, text: str
) -> None:
    """Twins: the advice applied is honest, so the advice is a real fix."""
    assert gate_rules(audit_project(tmp_path, {name: text})) == []


def test_a_workflow_step_keeps_the_step_fix(tmp_path: Path) -> None:
    text = workflow(step("pytest | tee log.txt", name="Tests"))
    message = _only(audit_project(tmp_path, {CI: text}), "QG112")
    assert _fix(message).startswith(_STEP_FIX)
    assert "(`shell: bash -e {0}`)" in message


@pytest.mark.parametrize("extra", ["shell: bash", ""], ids=["bash", "default"])
def test_bash_c_inside_a_step_is_fixed_inside_the_script_not_by_the_step_shell(
    tmp_path: Path, extra: str
) -> None:
    """``shell: bash`` on the step does not reach the ``bash -c`` it starts."""
    script = "bash -c 'pytest | tee log.txt'"
    text = workflow(step(script, name="Tests", extra=extra))
    message = _only(audit_project(tmp_path, {CI: text}), "QG112")
    assert _fix(message).startswith(_BASH_FIX)
    assert "(`bash -c`)" in message


def test_an_action_input_run_by_bash_c_gets_the_script_fix(tmp_path: Path) -> None:
    sha = "a" * 40
    steps = (
        f"- uses: devcontainers/ci@{sha}\n  with:\n"
        "    runCmd: pytest | tee log.txt\n"
    )
    message = _only(audit_project(tmp_path, {CI: workflow(steps)}), "QG112")
    assert _fix(message).startswith(_BASH_FIX)


def test_make_names_its_shell_not_a_workflow_shell(tmp_path: Path) -> None:
    message = _only(
        audit_project(tmp_path, {"Makefile": "test:\n\tpytest | tee log.txt\n"}),
        "QG112",
    )
    assert "runs without pipefail (make's `sh -c`)" in message


# errexit off because the shell starts without -e: the fix is `-e` there
@pytest.mark.parametrize(
    ("name", "text", "fix"),
    [
        (
            "Makefile",
            ".ONESHELL:\ntest:\n\tpytest tests\n\techo done\n",
            "run recipes with errexit: `.SHELLFLAGS := -ec` in the Makefile",
        ),
        (
            CI,
            workflow(step("pytest\necho done", extra="shell: bash {0}")),
            "add `-e` to the step's `shell:`",
        ),
        (
            "tox.ini",
            _TOX.format(script="pytest; echo done"),
            "start the script with `set -e;`",
        ),
        (
            CI,
            workflow(step("set +e\npytest\necho done", name="Tests")),
            RULES["QG104"].fix,
        ),
    ],
    ids=["make-oneshell", "step-custom-shell", "tox-bash-c", "set-plus-e"],
)
def test_errexit_off_gets_the_fix_of_what_turned_it_off(
    tmp_path: Path, name: str, text: str, fix: str
) -> None:
    message = _only(audit_project(tmp_path, {name: text}), "QG104")
    assert _fix(message).startswith(fix)
    if name != CI:
        assert "shell:" not in message and "set +e" not in _fix(message)


def test_tox_ignore_outcome_is_not_told_about_continue_on_error(
    tmp_path: Path,
) -> None:
    text = "[tox]\nenvlist = lint\n[testenv:lint]\nignore_outcome = true\ncommands = flake8\n"
    message = _only(audit_project(tmp_path, {"tox.ini": text}), "QG105")
    assert _fix(message).startswith("remove `ignore_outcome`")
    assert "continue-on-error" not in _fix(message)


def test_sarif_keeps_the_places_fix_in_the_result_and_every_place_in_the_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "Makefile").write_text("test:\n\tpytest | tee log.txt\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["audit-gates", "--format", "sarif"]) == 1
    run = json.loads(capsys.readouterr().out)["runs"][0]
    (result,) = [r for r in run["results"] if r["ruleId"] == "QG112"]
    assert _MAKE_FIX in result["message"]["text"]
    (rule,) = [r for r in run["tool"]["driver"]["rules"] if r["id"] == "QG112"]
    for place in ("`shell: bash` on a workflow step", ".SHELLFLAGS", "`bash -c`"):
        assert place in rule["help"]["text"]


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
_OUTPUT_FLAG = """
- id: t
  run: mypy src || echo "fail=1" >> "$GITHUB_OUTPUT"
- if: {cond}
  run: exit 1
"""


@pytest.mark.parametrize(
    ("steps", "cond", "lost"),
    [
        (_ENV_FLAG, "env.MYPY_STRICT == '1'", True),
        (_ENV_FLAG, "env.MYPY == '1'", False),
        (_OUTPUT_FLAG, "steps.t.outputs.failed == '1'", True),
        (_OUTPUT_FLAG, "steps.t.outputs.fail == '1'", False),
    ],
    ids=[
        "longer-name-is-another-variable",
        "the-variable-itself",
        "longer-output-is-another",
        "the-output-itself",
    ],
)
def test_a_recorded_flag_is_read_only_by_its_whole_name(
    tmp_path: Path, steps: str, cond: str, lost: bool
) -> None:
    text = workflow(steps.replace("{cond}", cond))
    expected = [("QG101", CI, line_of(text, "mypy src"), True)] if lost else []
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


# ---- one finding per place ---------------------------------------------------

_FUNCTION = 'check() {\n  pytest "$1"\n}\n'


@pytest.mark.parametrize(
    ("calls", "rule", "at"),
    [
        ("set +e\ncheck a\ncheck b\necho done", "QG104", "set +e"),
        ("check a || true\ncheck b || true", "QG101", 'pytest "$1"'),
        ("check a || echo bad\ncheck b || echo bad", "QG102", 'pytest "$1"'),
        ("check a && echo ok\ncheck b && echo ok\necho end", "QG113", 'pytest "$1"'),
    ],
    ids=["errexit-off", "or-true", "or-echo", "and-and"],
)
def test_a_function_called_twice_loses_its_gate_in_one_finding(
    tmp_path: Path, calls: str, rule: str, at: str
) -> None:
    text = workflow(step(_FUNCTION + calls, name="Tests"))
    assert audit_ci(tmp_path, text) == [(rule, CI, line_of(text, at), True)]


def test_a_function_piped_twice_names_both_pipelines_in_one_finding(
    tmp_path: Path,
) -> None:
    calls = "check a | tail -5\ncheck b | tail -5\ncheck c | tail -5"
    text = workflow(step(_FUNCTION + calls, name="Tests"))
    found = audit_project(tmp_path, {CI: text})
    assert gate_rules(found) == [("QG112", CI, line_of(text, 'pytest "$1"'), True)]
    message = _only(found, "QG112")
    assert "`check a | tail -5` runs without pipefail" in message
    assert "; also `check b | tail -5` runs without pipefail" in message
    assert "; and 1 more like it:" in message


def test_two_gates_after_one_set_plus_e_stay_two_findings(tmp_path: Path) -> None:
    """Twin: two different gates lost after one ``set +e`` are two problems."""
    text = workflow(step("set +e\npytest\necho a\nflake8 src\necho b", name="Tests"))
    line = line_of(text, "set +e")
    assert audit_ci(tmp_path, text) == [("QG104", CI, line, True)] * 2
