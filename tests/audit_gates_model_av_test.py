"""audit-gates on shapes of the twelfth corpus's development half (21l).

Not blind: each case is the general form of a gate the audit missed, or of
an honest step it flagged, beside the twin that differs in the one thing
that decides.  Real bash runs the scripts where the shell decides.
"""

from __future__ import annotations

import subprocess  # nosec B404 - fixed argument lists
import textwrap
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of
from quality_gates.guards.integrity import gatecmd

CI = ".github/workflows/ci.yml"


def _audit(tmp_path: Path, text: str) -> list[tuple[str, str, int, bool]]:
    return gate_rules(audit_project(tmp_path, {CI: text}))


# ---- a step under `contains(matrix.KEY, 'text')` no cell's value holds --------


def _versions(condition: str, values: str = '["1.5.6", "latest"]') -> str:
    return _jobs(
        """
        modules:
          runs-on: ubuntu-latest
          strategy:
            matrix:
              terraform: <VALUES>
          steps:
            - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
            - if: <COND>
              name: check terraform formatting
              run: terraform fmt -recursive -check=true -write=false
        """.replace("<VALUES>", values).replace("<COND>", condition),
    )


def test_contains_a_version_no_cell_has_never_runs(tmp_path: Path) -> None:
    text = _versions("contains(matrix.terraform, '1.3.')")
    line = line_of(text, "- if: contains")
    assert _audit(tmp_path, text) == [("QG107", CI, line, True)]


@pytest.mark.parametrize(
    "condition",
    ["contains(matrix.terraform, '1.5.')", "contains(matrix.terraform, 'LATEST')"],
)
def test_contains_a_value_some_cell_holds_runs(tmp_path: Path, condition: str) -> None:
    assert _audit(tmp_path, _versions(condition)) == []


def test_contains_reads_a_number_as_github_prints_it(tmp_path: Path) -> None:
    """``3.10`` unquoted is the number 3.1: ``contains(.., '3.1')`` holds."""
    text = _versions("contains(matrix.terraform, '3.1')", "[3.10]")
    assert _audit(tmp_path, text) == []


def test_negated_contains_is_not_read(tmp_path: Path) -> None:
    assert (
        _audit(tmp_path, _versions("${{ !contains(matrix.terraform, '1.3.') }}")) == []
    )


# ---- `-check=true`: a boolean flag given a value, as Go's flags take it ------


@pytest.mark.parametrize(
    ("command", "gate"),
    [
        ("terraform fmt -check=true -write=false", True),
        ("terraform fmt -recursive -check", True),
        ("terraform fmt -check=false", False),
        ("terraform fmt -recursive", False),
    ],
)
def test_check_flag_with_a_value(command: str, gate: bool) -> None:
    assert gatecmd.command_is_gate(command.split()) is gate


# ---- a `setup-` action installs a tool: it checks nothing itself ----------


def test_setup_action_under_a_dead_condition_is_no_lost_gate(tmp_path: Path) -> None:
    text = _jobs("""
        modules:
          runs-on: ubuntu-latest
          strategy:
            matrix:
              terraform: ["1.5.6", "latest"]
          steps:
            - if: contains(matrix.terraform, '1.3.')
              name: Setup TFLint
              uses: terraform-linters/setup-tflint@b480b8fcdaa6f2c577f8e4fa799e89e756bb7c93
            - if: contains(matrix.terraform, '1.3.')
              name: Run TFLint
              run: tflint -c .tflint.hcl
        """)
    assert _audit(tmp_path, text) == [
        ("QG107", CI, line_of(text, "Setup TFLint") + 2, True)
    ]


# ---- the same check let fail in one matrix cell, blocking in the others ---


def _cells(blocking: str) -> str:
    return _jobs(
        """
        root:
          runs-on: ubuntu-latest
          strategy:
            matrix:
              terraform: ["1.5.6", "latest"]
          steps:
            <BLOCKING>
            - if: contains(matrix.terraform, 'latest')
              name: check terraform formatting
              run: terraform fmt -recursive -check
              continue-on-error: true
        """,
        BLOCKING=blocking,
    )


def test_cell_let_fail_beside_a_blocking_twin_is_a_note(tmp_path: Path) -> None:
    twin = (
        "- if: contains(matrix.terraform, '1.5.')\n"
        "  name: check terraform formatting\n"
        "  run: terraform fmt -recursive -check\n"
    )
    text = _cells(twin)
    line = line_of(text, "continue-on-error: true")
    assert _audit(tmp_path, text) == [("QG105", CI, line, False)]


def test_cell_let_fail_alone_is_a_lost_gate(tmp_path: Path) -> None:
    text = _cells("- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n")
    line = line_of(text, "continue-on-error: true")
    assert _audit(tmp_path, text) == [("QG105", CI, line, True)]


def test_twin_that_continues_too_is_no_twin(tmp_path: Path) -> None:
    twin = (
        "- if: contains(matrix.terraform, '1.5.')\n"
        "  run: terraform fmt -recursive -check\n"
        "  continue-on-error: true\n"
    )
    found = _audit(tmp_path, _cells(twin))
    assert [(rule, failing) for rule, _, _, failing in found] == [
        ("QG105", True),
        ("QG105", True),
    ]


# ---- a step switched on by a matrix flag that no cell sets ----------------


def _flagged(condition: str, include: str) -> str:
    return _jobs(
        """
        build:
          runs-on: ubuntu-latest
          defaults:
            run:
              shell: bash -l {0}
          strategy:
            matrix:
              os: [ubuntu-latest]
              include:
                <INCLUDE>
          steps:
            - name: Build documentation
              if: <COND>
              run: |
                make -C doc/OnlineDocs html
                make -C doc/OnlineDocs latexpdf
                pytest doc/OnlineDocs
        """.replace("<COND>", condition),
        INCLUDE=include,
    )


_SETS_FLAG = "- os: ubuntu-latest\n  build_docs: 1\n"
_NO_FLAG = "- os: ubuntu-latest\n  test_docs: 1\n"


@pytest.mark.parametrize(
    "condition", ["matrix.build_docs != 0", "matrix.build_docs == 1"]
)
def test_flag_no_cell_sets_switches_the_step_off(
    tmp_path: Path, condition: str
) -> None:
    assert _audit(tmp_path, _flagged(condition, _NO_FLAG)) == []


@pytest.mark.parametrize(
    "condition", ["matrix.build_docs != 0", "matrix.build_docs == 1"]
)
def test_flag_a_cell_sets_runs_the_docs_build(tmp_path: Path, condition: str) -> None:
    """``make -C doc/... html`` is a sphinx-build: lost without errexit, certain."""
    text = _flagged(condition, _SETS_FLAG)
    assert _audit(tmp_path, text) == [
        ("QG104", CI, line_of(text, "OnlineDocs html"), True),
        ("QG104", CI, line_of(text, "OnlineDocs latexpdf"), True),
    ]


def test_unset_flag_compared_with_null_is_not_switched_off(tmp_path: Path) -> None:
    """``matrix.build_docs != 1``: null is 0, not 1, so the step runs."""
    text = _flagged("matrix.build_docs != 1", _NO_FLAG)
    assert [rule for rule, *_ in _audit(tmp_path, text)] == ["QG104", "QG104"]


def test_bash_login_shell_without_e_keeps_only_the_last_status(tmp_path: Path) -> None:
    """``bash -l {0}``: the step's status is the last command's, as GitHub runs it."""
    script = tmp_path / "step.sh"
    script.write_text("false\ntrue\n")
    done = subprocess.run(  # nosec B603 B607
        ["bash", "--noprofile", "-l", str(script)],
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0
    with_e = subprocess.run(  # nosec B603 B607
        ["bash", "--noprofile", "-l", "-e", str(script)],
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert with_e.returncode == 1


@pytest.mark.parametrize(
    ("command", "gate"),
    [
        ("make -C doc/OnlineDocs html", True),
        ("make -C docs clean html", True),
        ("make -f docs/Makefile latexpdf", True),
        ("make html", False),
        ("make -C src html", False),
        ("make -C docs clean", False),
    ],
)
def test_sphinx_make_goal_in_a_docs_folder(command: str, gate: bool) -> None:
    assert bool(gatecmd.command_is_gate(command.split())) is gate


# ---- a step named for setting something up, in a job named for checking ----


def _lint_job(step_name: str) -> str:
    return _jobs("""
        lint:
          runs-on: ubuntu-latest
          defaults:
            run:
              shell: bash -l {0}
          steps:
            - name: <NAME>
              run: |
                sudo resolvectl dns eth0 1.1.1.1
                sudo resolvectl flush-caches
                sudo resolvectl status
        """.replace("<NAME>", step_name))


def test_set_step_in_a_lint_job_checks_nothing(tmp_path: Path) -> None:
    assert _audit(tmp_path, _lint_job("Set DNS server")) == []


def test_check_step_in_a_lint_job_is_still_read(tmp_path: Path) -> None:
    found = _audit(tmp_path, _lint_job("Check DNS server"))
    assert found and all(
        rule == "QG104" and not failing for rule, _, _, failing in found
    )


# ---- a folder the continuing step makes, read later and failed on ----------


def _capture(fail_step: str) -> str:
    return textwrap.dedent("""\
        name: capture
        on: [push, pull_request]
        permissions:
          contents: read
        jobs:
          capture:
            runs-on: ubuntu-latest
            steps:
              - run: echo "OUT=$RUNNER_TEMP/out" >> "$GITHUB_ENV"
              - name: Capture
                continue-on-error: true
                run: |
                  mkdir -p "$OUT"
                  pytest --junitxml=report.xml
              - name: Summarize manifest
                id: summary
                if: always()
                run: |
                  ERR=$(jq .summary.error "$OUT/manifest.json")
                  echo "error=$ERR" >> "$GITHUB_OUTPUT"
        """) + textwrap.indent(textwrap.dedent(fail_step), "      ")


_FAILS = """\
- name: Fail job if capture had errors
  if: steps.summary.outputs.error != '0'
  run: exit 1
"""


def test_folder_made_then_read_and_failed_on_is_consumed(tmp_path: Path) -> None:
    assert _audit(tmp_path, _capture(_FAILS)) == []


def test_folder_made_then_only_read_is_lost(tmp_path: Path) -> None:
    text = _capture("- run: echo done\n")
    line = line_of(text, "continue-on-error: true")
    assert _audit(tmp_path, text) == [("QG105", CI, line, True)]
