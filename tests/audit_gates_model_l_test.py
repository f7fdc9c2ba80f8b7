"""audit-gates on what 21g's test half missed blind (not blind any more).

Each case is the general form of a miss, beside the twin that differs in
the one thing that decides: a matrix value no cell has, triggers that can
never fire, a YAML key written twice, a step PowerShell runs in the Windows
cells of a matrix.
"""

from __future__ import annotations

import subprocess  # nosec B404 - fixed argument lists
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from audit_gates_model_i_test import _jobs
from audit_gates_model_k_test import _bash_status
from audit_gates_model_test import audit_project, gate_rules, line_of
from workflow_yaml import SHA

CI = ".github/workflows/ci.yml"


def _matrix_job(matrix: str, condition: str) -> str:
    """Return a test job over ``matrix`` whose check runs under ``if: condition``."""
    text = _jobs(
        """
        tests:
          runs-on: ubuntu-latest
          strategy:
            matrix:
              <MATRIX>
          steps:
            - name: Run tests
              run: pytest
              if: IF
        """,
        MATRIX=textwrap.dedent(matrix),
    )
    return text.replace("if: IF", f"if: {condition}")


# ---- a step's `if:` tests a matrix value no cell has -------------------------

_VERSIONS = 'python: ["3.10", "3.11", "3.12"]'


@pytest.mark.parametrize(
    ("matrix", "condition", "never"),
    [
        # spaCy tests.yml: nine checks kept under a version the matrix dropped
        (_VERSIONS, "matrix.python == '3.9'", True),
        (_VERSIONS, "${{ matrix.python == '3.9' }}", True),
        (_VERSIONS, "${{ '3.9' == matrix.python }}", True),
        # GitHub reads a context's keys without regard to case
        (_VERSIONS, "matrix.Python == '3.9'", True),
        # one term of `&&` never true makes the whole never true
        (_VERSIONS, "matrix.python == '3.9' && github.event_name == 'push'", True),
        (_VERSIONS, "github.ref != 'x' && matrix.python == '3.9'", True),
        # twins: a cell has the value
        (_VERSIONS, "matrix.python == '3.10'", False),
        # strings compare without regard to case
        ("os: [Ubuntu-latest]", "matrix.os == 'ubuntu-latest'", False),
        # unquoted 3.10 is the number 3.1: '3.1' equals it
        ("python: [3.10, 3.11]", "matrix.python == '3.1'", False),
        # `include` adds the value to a cell
        (_VERSIONS + "\ninclude:\n  - python: '3.9'", "matrix.python == '3.9'", False),
        # the matrix, or the key's values, come from an expression: unknown
        ("${{ fromJSON(needs.plan.outputs.matrix) }}", "matrix.python == '3.9'", False),
        (
            "python: ${{ fromJSON('[\"3.10\"]') }}",
            "matrix.python == '3.9'",
            False,
        ),
        ('python: ["3.10", "${{ inputs.extra }}"]', "matrix.python == '3.9'", False),
        # `||` or a negation may make it true in another way
        (_VERSIONS, "matrix.python == '3.9' || github.event_name == 'push'", False),
        (_VERSIONS, "${{ !(matrix.python == '3.9') }}", False),
        (_VERSIONS, "matrix.python != '3.9'", False),
        # a key no cell has is not read (nothing to compare with)
        (_VERSIONS, "matrix.other == '3.9'", False),
        # pyramid: a key only `include` gives is null (so '') in other cells
        (
            _VERSIONS + "\ninclude:\n  - python: '3.10'\n    toxenv: py310",
            "${{ matrix.toxenv == '' }}",
            False,
        ),
    ],
)
def test_a_check_under_a_matrix_value_no_cell_has_never_runs(
    tmp_path: Path, matrix: str, condition: str, never: bool
) -> None:
    text = _matrix_job(matrix, condition)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG107", CI, line_of(text, "if: "), True)] if never else []
    assert found == expected


def test_the_never_run_message_names_the_cells(tmp_path: Path) -> None:
    text = _matrix_job(_VERSIONS, "matrix.python == '3.9'")
    (message,) = [m for r, *_, m in audit_project(tmp_path, {CI: text}) if r == "QG107"]
    assert "`matrix.python == '3.9'`" in message
    assert "(`3.10`, `3.11`, `3.12`)" in message


# ---- a workflow whose only triggers can never fire ---------------------------

_IGNORE_ALL = "branches-ignore:\n      - '**'\n"


@pytest.mark.parametrize(
    ("on", "never"),
    [
        # zipline windows_ci.yml: both triggers ignore every branch
        (f"on:\n  push:\n    {_IGNORE_ALL}  pull_request:\n    {_IGNORE_ALL}", True),
        # a push filtering branches only runs for no tag either
        (f"on:\n  push:\n    {_IGNORE_ALL}", True),
        ("on:\n  push:\n    tags-ignore: ['**']\n", True),
        ("on:\n  pull_request_target:\n    branches-ignore: '**'\n", True),
        # twins: some ref can fire it
        ("on:\n  push:\n    branches-ignore: ['**']\n    tags: ['v*']\n", False),
        ("on:\n  push:\n    branches-ignore: ['*']\n", False),  # `*` stops at `/`
        (f"on:\n  push:\n    {_IGNORE_ALL}  workflow_dispatch:\n", False),
        (
            f"on:\n  push:\n    {_IGNORE_ALL}  schedule:\n    - cron: '0 0 * * *'\n",
            False,
        ),
        ("on:\n  push:\n    branches: [main]\n", False),
        ("on:\n  push:\n    branches: []\n", False),  # not a shape read
        ("on: [push]\n", False),
        # a push filtering paths only runs for every branch and tag
        ("on:\n  push:\n    paths: ['src/**']\n", False),
        ("on:\n  pull_request:\n    paths-ignore: ['**']\n", False),
    ],
)
def test_a_workflow_whose_triggers_never_fire_runs_no_check(
    tmp_path: Path, on: str, never: bool
) -> None:
    text = _jobs(
        """
        tests:
          runs-on: ubuntu-latest
          steps:
            - run: pytest
        """,
        top=on,
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == ([("QG107", CI, line_of(text, "on:"), True)] if never else [])


def test_a_workflow_that_never_fires_but_runs_no_check_is_not_reported(
    tmp_path: Path,
) -> None:
    text = _jobs(
        """
        greet:
          runs-on: ubuntu-latest
          steps:
            - run: echo hello
        """,
        top=f"on:\n  push:\n    {_IGNORE_ALL}",
    )
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


# ---- a YAML key written twice -----------------------------------------------

_PRECOMMIT = """
repos:
-   repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v5.0.0
    hooks:
    -   id: check-yaml
{second}
-   repo: https://github.com/PyCQA/flake8
    rev: 7.1.1
    hooks:
    -   id: flake8
"""


def _pyyaml_keeps(text: str) -> list[str]:
    """Return the hook ids PyYAML (pre-commit's loader) reads, in a new process."""
    code = (
        "import sys, yaml; c = yaml.safe_load(sys.stdin.read()); "
        "print(' '.join(h['id'] for r in c['repos'] for h in r['hooks']))"
    )
    done = subprocess.run(  # nosec B603
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


@pytest.mark.parametrize("twice", [True, False])
def test_a_precommit_key_written_twice_drops_the_first(
    tmp_path: Path, twice: bool
) -> None:
    text = _PRECOMMIT.format(second="repos:" if twice else "").lstrip("\n")
    found = gate_rules(audit_project(tmp_path, {".pre-commit-config.yaml": text}))
    expected = [("QG107", ".pre-commit-config.yaml", 1, True)] if twice else []
    assert found == expected
    # the loader pre-commit uses agrees: the first block's hook is gone
    kept = _pyyaml_keeps(text)
    assert ("check-yaml" not in kept) == twice
    assert "flake8" in kept


def test_a_precommit_setting_written_twice_is_never_read(tmp_path: Path) -> None:
    text = "fail_fast: true\nfail_fast: false\nrepos: []\n"
    found = gate_rules(audit_project(tmp_path, {".pre-commit-config.yaml": text}))
    assert found == [("QG121", ".pre-commit-config.yaml", 1, True)]


@pytest.mark.parametrize("key", ["run", "env", "<<"])
def test_a_workflow_key_written_twice_is_refused(tmp_path: Path, key: str) -> None:
    extra = {
        "run": "run: pytest\nrun: flake8",
        "env": "env: {A: 1}\nrun: pytest\nenv: {B: 2}",
        # a merge key GitHub does not take (`Unexpected value '<<'`), once or twice
        "<<": "<<: *a\n<<: *a\nrun: pytest",
    }[key]
    text = _jobs(
        """
        tests:
          runs-on: ubuntu-latest
          env: &a {X: 1}
          steps:
            - name: Unit tests
              <EXTRA>
        """,
        EXTRA=extra,
    )
    assert yaml.compose(text, Loader=yaml.SafeLoader) is not None  # PyYAML takes it
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    lines = [ln for ln, line in enumerate(text.splitlines(), 1) if f" {key}:" in line]
    expected = [("QG109", CI, lines[-1], True)]
    if key in ("env", "<<"):  # GitHub refuses the file: its check never runs
        expected.append(("QG107", CI, line_of(text, "run: pytest"), True))
    assert found == sorted(expected)


# ---- a step PowerShell runs in the Windows cells of a matrix -----------------


def _os_matrix(oses: str, script: str, extra: str = "") -> str:
    text = _jobs(
        """
        test:
          runs-on: ${{ matrix.os }}
          strategy:
            matrix:
              os: OSES
          steps:
            - name: Run tests
              <EXTRA>
              run: |
                <SCRIPT>
        """,
        EXTRA=extra or "env: {CI: 1}",
        SCRIPT=script,
    )
    return text.replace("os: OSES", f"os: {oses}")


_MUTAGEN = "uv run coverage run --branch -m pytest\nuv run coverage xml -i"


@pytest.mark.parametrize(
    ("oses", "script", "extra", "lost"),
    [
        # mutagen test.yml: pytest, then a report that ignores errors
        ("[ubuntu-latest, windows-latest]", _MUTAGEN, "", True),
        ("[windows-2022]", _MUTAGEN, "", True),
        # twins: no Windows cell; the check is last; a shell is named; the
        # step chooses its runner
        ("[ubuntu-latest, macos-latest]", _MUTAGEN, "", False),
        (
            "[ubuntu-latest, windows-latest]",
            "uv run coverage xml -i\npytest",
            "",
            False,
        ),
        ("[ubuntu-latest, windows-latest]", _MUTAGEN, "shell: bash", False),
        (
            "[ubuntu-latest, windows-latest]",
            _MUTAGEN,
            "if: runner.os != 'Windows'",
            False,
        ),
        ("${{ fromJSON(inputs.oses) }}", _MUTAGEN, "", False),
        # beets: an env set from the runner may choose the cells
        ("[ubuntu-latest, windows-latest]", _MUTAGEN, "if: env.MAIN == 'true'", False),
    ],
)
def test_a_check_not_last_in_the_windows_cells_of_a_matrix_is_lost(
    tmp_path: Path, oses: str, script: str, extra: str, lost: bool
) -> None:
    text = _os_matrix(oses, script, extra)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    first = script.splitlines()[0]
    assert found == ([("QG104", CI, line_of(text, first), True)] if lost else [])


# ---- a checker action told to print its version --------------------------------


def _black_exits(folder: Path, options: str) -> int:
    """Run real black as psf/black does (``black OPTIONS .``) on a bad file."""
    (folder / "bad.py").write_text("x=( 1,\n  2 )\n")
    done = subprocess.run(  # nosec B603
        [sys.executable, "-m", "black", *options.split(), "bad.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode


@pytest.mark.parametrize(
    ("uses", "options", "lost"),
    [
        # moviepy formatting_linting.yml: black's eager --version exits first
        ("psf/black", "--version --check --diff --color", True),
        ("psf/black", "--check --help", True),
        # twins: the options check; an action that runs no checker
        ("psf/black", "--check --diff --color", False),
        ("actions/setup-python", "--version", False),
        # sphinx lint.yml: `args: --version` alone only installs ruff
        ("astral-sh/ruff-action", "--version", False),
    ],
)
def test_a_checker_action_told_to_print_its_version_never_checks(
    tmp_path: Path, uses: str, options: str, lost: bool
) -> None:
    key = "options" if uses == "psf/black" else "args"
    text = _jobs(f"""
        black:
          runs-on: ubuntu-latest
          steps:
            - name: Run Black
              uses: {uses}@{SHA}
              with:
                {key}: "{options}"
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == ([("QG106", CI, line_of(text, f"{key}:"), True)] if lost else [])
    if uses == "psf/black":  # real black agrees: it passes exactly when lost
        assert (_black_exits(tmp_path, options) == 0) == lost


# ---- a log read only for what names no outcome --------------------------------


@pytest.mark.parametrize(
    ("reader", "lost"),
    [
        # aws-cloudformation-media-downloader unit-tests.yml: warnings only
        ('if grep -q "DEPRECATED" out.txt; then exit 1; fi', True),
        (
            'if grep -q \'"_aws".*"CloudWatchMetrics"\' out.txt 2>/dev/null; '
            "then exit 1; fi",
            True,
        ),
        # twins: the search names the outcome, or the log goes to a judge
        ("if grep -qi failed out.txt; then exit 1; fi", False),
        ("if grep -q -e DEPRECATED -e 'failed' out.txt; then exit 1; fi", False),
        ("if grep -qf patterns.txt out.txt; then exit 1; fi", False),
        ("python scripts/check_log.py out.txt", False),
    ],
)
def test_a_log_grepped_only_for_warnings_does_not_carry_the_failure(
    tmp_path: Path, reader: str, lost: bool
) -> None:
    run = "pytest 2>&1 | tee out.txt"
    text = _jobs(
        """
        test:
          runs-on: ubuntu-latest
          steps:
            - name: Run unit tests
              run: RUN
            - name: Validate test output
              if: always()
              run: |
                <READER>
        """,
        READER=reader,
    ).replace("run: RUN", f"run: {run}")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == ([("QG112", CI, line_of(text, run), True)] if lost else [])
    if reader.startswith("python"):
        return
    # real bash: both steps pass on a failing pytest exactly when lost
    (tmp_path / "patterns.txt").write_text("failed\n")
    statuses = [_bash_status(tmp_path, script) for script in (run, reader)]
    assert (statuses == [0, 0]) == lost


def test_an_arm_of_a_switch_over_the_cells_is_not_a_lost_check(
    tmp_path: Path,
) -> None:
    """pyproj: `== 'python'` and `== 'pypy'` steps; pypy's cells were dropped.

    The twin is the spaCy shape: no step tests a value the cells have.
    """
    steps = """
        - name: Test with coverage
          if: matrix.impl == 'python'
          run: pytest --cov
        - name: Test
          if: matrix.impl == 'pypy'
          run: pytest
    """
    (tmp_path / "switch").mkdir()
    text = _jobs(
        """
        tests:
          runs-on: ubuntu-latest
          strategy:
            matrix:
              impl: [python]
          steps:
            <STEPS>
        """,
        STEPS=textwrap.dedent(steps),
    )
    assert gate_rules(audit_project(tmp_path / "switch", {CI: text})) == []
    # twins: no arm for the cells there are, or an arm for some cells only
    alone = text.replace("if: matrix.impl == 'python'", "if: always()")
    some = text.replace("impl: [python]", "impl: [python, python3]")
    (tmp_path / "twin").mkdir()
    found = gate_rules(audit_project(tmp_path / "twin", {CI: alone}))
    assert found == [("QG107", CI, line_of(alone, "'pypy'"), True)]
    (tmp_path / "some").mkdir()
    found = gate_rules(audit_project(tmp_path / "some", {CI: some}))
    assert found == [("QG107", CI, line_of(some, "'pypy'"), True)]
