"""audit-gates on the misses and false findings of the eleventh corpus's development half.

Not blind (bench/audit_corpus_21k, development half): each case is the
general form of a shape the audit misread there, beside the twin that
differs in the one thing that decides.  Real bash runs the scripts where
bash decides: the step must fail (nothing lost) or pass (lost) as the
audit says.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules
from failing_checkers import run_failing

CI = ".github/workflows/ci.yml"

# ---- a retry with diagnostics on the path where the status is not 0 --------

_RETRY = """
set +e
pytest -x
rc=$?
if [ $rc -ne 0 ] && [ -n "$HOME" ]; then
  echo "=== retry with diagnostics ==="
  pytest -x -vv 2>&1 | tail -100 || true
  ruff check . || true
fi
exit $rc
"""
_RETRY_BRACES = """
set +e
pytest -x
status=$?
if [[ "${status}" != 0 ]]; then
  pytest -x -vv || true
fi
exit "$status"
"""
# twins: the path does not surely end failing
_RETRY_ELSE = """
set +e
echo "building"
rc=$?
if [ $rc -ne 0 ]; then
  echo "failed"
else
  ruff check . || true
fi
exit $rc
"""
_RETRY_OR = """
set +e
echo "building"
rc=$?
if [ $rc -ne 0 ] || [ -n "$HOME" ]; then
  pytest -x || true
fi
exit $rc
"""
_RETRY_RESET = """
set +e
ruff check .
rc=$?
if [ $rc -ne 0 ]; then
  rc=0
  pytest -x || true
fi
exit $rc
"""


def _script_step(script: str) -> str:
    return _jobs(
        """
        test:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@0000000000000000000000000000000000000000
            - name: Run tests
              shell: bash
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )


def _exit_status(tmp_path: Path, script: str, code: int = 1) -> int:
    """Run ``script`` as ``shell: bash`` runs a step, with failing checkers."""
    bash = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
    tools = ("pytest", "ruff")
    return run_failing(tmp_path, bash, textwrap.dedent(script), tools, code)


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        (_RETRY, False),
        (_RETRY_BRACES, False),
        (_RETRY_ELSE, True),
        (_RETRY_OR, True),
        (_RETRY_RESET, True),
    ],
)
def test_diagnostics_where_the_status_is_known_not_zero(
    tmp_path: Path, script: str, lost: bool
) -> None:
    """`if [ $rc -ne 0 ]; then diag || true; fi; exit $rc`: the step fails anyway."""
    assert (_exit_status(tmp_path, script) == 0) is lost
    found = gate_rules(audit_project(tmp_path, {CI: _script_step(script)}))
    failing = [rule for rule, _, _, fails in found if fails]
    assert bool(failing) is lost, found
    if not lost:
        assert found == [], found


# ---- a script named for what it sets up is no check ------------------------


def _matrix_step(script: str) -> str:
    return _jobs("""
        matrix:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@0000000000000000000000000000000000000000
            - id: set-matrix
              shell: bash -e {0}
              run: |
                TEMPFILE="$(mktemp)"
                python3 .github/scripts/SCRIPT | tee $TEMPFILE
                echo "matrix=$(cat $TEMPFILE)" >> $GITHUB_OUTPUT
        """.replace("SCRIPT", script))


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        ("set-pip-test-matrix.py", False),
        ("create_test_matrix.py", False),
        ("check-test-matrix.py", True),
    ],
)
def test_a_script_named_for_setting_up(tmp_path: Path, script: str, lost: bool) -> None:
    """`set-pip-test-matrix.py | tee`: it writes a matrix; `check-...` checks."""
    found = gate_rules(audit_project(tmp_path, {CI: _matrix_step(script)}))
    assert [rule for rule, _, _, fails in found if fails] == (
        ["QG112"] if lost else []
    ), found


# ---- bencher: `bencher run --err` fails on an alert; its action installs ----

_SHA = "0000000000000000000000000000000000000000"


def _bencher(run: str) -> str:
    return _jobs(f"""
        bench:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{_SHA}
            - uses: bencherdev/bencher@{_SHA}
              continue-on-error: true
            - name: Run Bencher
              run: {run}
        """)


@pytest.mark.parametrize(
    ("run", "lost"),
    [
        ('bencher run --project p --err "python bench.py" || true', True),
        ('bencher run --project p "python bench.py" || true', False),
        ('bencher run --project p --err "python bench.py"', False),
    ],
)
def test_bencher_checks_only_with_err(tmp_path: Path, run: str, lost: bool) -> None:
    """`--err` makes an alert fail the run; the action only installs the CLI."""
    found = gate_rules(audit_project(tmp_path, {CI: _bencher(run)}))
    failing = [(rule, line) for rule, _, line, fails in found if fails]
    assert failing == ([("QG101", 13)] if lost else []), found


# ---- `make GOAL`: a check when the recipes make runs for it run a checker ---

_QUALITY = """
lint: ## lint
\truff check .

typecheck:
\t@echo "types"

quality: lint typecheck ## lint + types

cov:
\t@mkdir -p reports
\tpytest --cov \\
\t    --cov-fail-under=80

skipped:
\t-ruff check .

hello:
\t@echo "hello"
"""


def _make_step(goal: str) -> str:
    return _jobs(f"""
        misc:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{_SHA}
            - name: Go
              run: make {goal} || true
        """)


@pytest.mark.parametrize(
    ("goal", "lost"),
    [("quality", True), ("cov", True), ("skipped", False), ("hello", False)],
)
def test_a_make_goal_whose_recipes_run_a_checker(
    tmp_path: Path, goal: str, lost: bool
) -> None:
    """`make quality || true`: make runs `ruff check` for `lint`, and fails with it."""
    (tmp_path / "Makefile").write_text(_QUALITY)
    status = _exit_status(tmp_path, f"make {goal}")
    assert (status == 0) is (goal in ("skipped", "hello"))  # real make decides
    found = gate_rules(audit_project(tmp_path, {CI: _make_step(goal)}))
    failing = [(rule, path) for rule, path, _, fails in found if fails]
    assert ((("QG101", CI)) in failing) is lost, found


def test_a_make_goal_of_another_folder_is_not_judged_here(tmp_path: Path) -> None:
    """`make -C docs quality`: another Makefile's rules; the goal's name decides."""
    (tmp_path / "Makefile").write_text(_QUALITY)
    found = gate_rules(audit_project(tmp_path, {CI: _make_step("-C docs quality")}))
    assert [f for f in found if f[1] == CI] == [], found


# ---- dependency-review-action fails on a vulnerable dependency by default ---


def _review(step: str) -> str:
    return _jobs(f"""
        review:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{_SHA}
            - uses: actions/dependency-review-action@{_SHA}
              with:
                fail-on-severity: high
        {step}
        """)


@pytest.mark.parametrize(
    ("step", "rules"),
    [
        ("      continue-on-error: true", ["QG105"]),
        ("        warn-only: true", ["QG106"]),
        ("        warn-only: false", []),
        ("", []),
    ],
)
def test_dependency_review_fails_unless_warn_only(
    tmp_path: Path, step: str, rules: list[str]
) -> None:
    """Its documented default fails the step; `warn-only: true` only reports."""
    found = gate_rules(audit_project(tmp_path, {CI: _review(step)}))
    assert [rule for rule, _, _, fails in found if fails] == rules, found
