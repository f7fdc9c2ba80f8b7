"""audit-gates on a checker's output captured into a variable, its status dropped.

Not blind: ``OUT=$(npm audit || true)``, ``OUT=$(eslint -f json) || true`` and
``set +e; OUT=$(ruff check .); set -e`` keep the checker's output and drop its
status; the check survives only if something can fail on the output.  Each
case stands beside the twin that differs in the one thing that decides, and
real bash runs each script with failing checkers on the PATH: the script
passes (lost) or fails (kept) as the audit says.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of
from failing_checkers import run_failing

CI = ".github/workflows/ci.yml"

# ---- lost: the output is only shown, warned about or summarised --------------

_SWALLOWED_INSIDE = """
OUT=$(ruff check . || true)
echo "$OUT"
"""
_WARNED = """
OUT=$(ruff check .) || true
if echo "$OUT" | grep -q failed; then
  echo "::warning::ruff found problems"
fi
"""
_COUNTED = """
OUTPUT=$(eslint -f json .) || true
COUNT=$(echo "$OUTPUT" | grep -c failed || true)
echo "::warning::$COUNT problems"
printf '%s problems\\n' "$COUNT" >> "$GITHUB_STEP_SUMMARY"
"""
_ERREXIT_OFF = """
set +e
OUT=$(ruff check .)
set -e
echo "$OUT" >> "$GITHUB_STEP_SUMMARY"
"""
_NEVER_READ = """
OUT=$(eslint . || true)
echo "lint done"
"""
# ---- kept: something fails on the output or reads the status ----------------
_GREP_FAILS = """
OUT=$(ruff check . || true)
if echo "$OUT" | grep -q failed; then
  exit 1
fi
"""
_TEST_ALONE = """
OUT=$(ruff check .) || true
echo "$OUT"
[ -z "$OUT" ]
"""
_JQ_E = """
OUTPUT=$(eslint -f json . || true)
echo "$OUTPUT" | jq -e 'length == 0'
"""
_ERREXIT_ON = """
OUT=$(ruff check .)
echo "$OUT"
"""
_STATUS_READ = """
set +e
OUT=$(ruff check .)
rc=$?
set -e
echo "$OUT"
exit $rc
"""
_JUDGED_BY_PROGRAM = """
OUT=$(ruff check . || true)
python3 -c 'import sys; sys.exit(1 if sys.argv[1] else 0)' "$OUT"
"""

_PROGRAM_INPUT = """
LATEST=$(ruff check . | tail -1 || true)
JDK=$(ruff check --select "$LATEST" .)
echo "jdk=$JDK"
"""
_FLAG_FAILS = """
OUT=$(ruff check . || true)
clean=true
if echo "$OUT" | grep -q failed; then
  clean=false
fi
[ "$clean" = true ]
"""
_FLAG_WARNS = """
OUT=$(ruff check . || true)
clean=true
if echo "$OUT" | grep -q failed; then
  clean=false
fi
echo "clean: $clean"
"""


def _script_step(script: str, name: str = "Quality") -> str:
    return _jobs(
        """
        lint:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@0000000000000000000000000000000000000000
            - name: <NAME>
              run: |
                <SCRIPT>
        """.replace("<NAME>", name),
        SCRIPT=script,
    )


def _exit_status(tmp_path: Path, script: str) -> int:
    """Run ``script`` as GitHub runs a step (bash -e) with failing checkers."""
    bash = ["bash", "--noprofile", "--norc", "-e"]
    files = 'GITHUB_STEP_SUMMARY="$PWD/summary.md"\nGITHUB_OUTPUT="$PWD/out.txt"\n'
    script = files + textwrap.dedent(script)
    return run_failing(tmp_path, bash, script, ("ruff", "eslint"))


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        (_SWALLOWED_INSIDE, True),
        (_WARNED, True),
        (_COUNTED, True),
        (_ERREXIT_OFF, True),
        (_NEVER_READ, True),
        (_FLAG_WARNS, True),
        (_PROGRAM_INPUT, False),
        (_FLAG_FAILS, False),
        (_GREP_FAILS, False),
        (_TEST_ALONE, False),
        (_JQ_E, False),
        (_ERREXIT_ON, False),
        (_STATUS_READ, False),
        (_JUDGED_BY_PROGRAM, False),
    ],
)
def test_a_captured_output_is_lost_unless_something_fails_on_it(
    tmp_path: Path, script: str, lost: bool
) -> None:
    """The checker fails; the step passes exactly when the audit says it is lost."""
    assert (_exit_status(tmp_path, script) == 0) is lost
    text = _script_step(script)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    failing = [(rule, line) for rule, _, line, fails in found if fails]
    if lost:
        checker = "eslint" if "eslint" in script else "ruff"
        # errexit off: the finding stands at the `set +e` that loses the status
        at = "set +e" if "set +e" in script else f"=$({checker}"
        assert [line for _, line in failing] == [line_of(text, at)]
    else:
        assert found == [], found


def test_the_message_names_the_checker_and_how_it_is_lost(tmp_path: Path) -> None:
    """``OUT=$(npm audit --json || true)``: the fallback inside is named."""
    script = 'OUT=$(npm audit --json || true)\necho "::warning::$OUT"\n'
    found = audit_project(tmp_path, {CI: _script_step(script, "Audit")})
    messages = [m for rule, _, _, fails, m in found if fails and rule == "QG101"]
    assert len(messages) == 1, found
    assert "npm audit --json || true" in messages[0]


def test_a_check_only_by_its_step_name_is_not_judged_through_a_value(
    tmp_path: Path,
) -> None:
    """``V=$(./tools/version.sh || true)`` in a step named Check: no checker by name."""
    script = 'V=$(./tools/version.sh || true)\necho "version $V"\n'
    found = gate_rules(audit_project(tmp_path, {CI: _script_step(script, "Check")}))
    assert found == []


# ---- carried to a later step: that step decides ------------------------------

_CARRY = """
OUTPUT=$(eslint -f json .) || true
ERRORS=$(echo "$OUTPUT" | grep -c failed || true)
echo "errors=$ERRORS" >> "$GITHUB_OUTPUT"
"""


def _carried_then(read: str) -> str:
    return _jobs(
        """
        lint:
          runs-on: ubuntu-latest
          steps:
            - name: Lint
              id: lint
              run: |
                <CARRY>
            - name: Summary
              run: |
                <READ>
        """,
        CARRY=_CARRY,
        READ=read,
    )


@pytest.mark.parametrize(
    ("read", "lost"),
    [
        ('echo "ESLint errors: ${{ steps.lint.outputs.errors }}"', True),
        ('[ "${{ steps.lint.outputs.errors }}" -eq 0 ] || exit 1', False),
    ],
)
def test_an_output_carried_to_a_later_step_is_judged_there(
    tmp_path: Path, read: str, lost: bool
) -> None:
    """``errors=$ERRORS >> $GITHUB_OUTPUT``: lost only if no later step fails on it."""
    text = _carried_then(read)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    failing = [line for rule, _, line, fails in found if fails]
    assert failing == ([line_of(text, "=$(eslint")] if lost else []), found


_BRANCH_OUTPUT = """
OUT=$(ruff check . || true)
if echo "$OUT" | grep -q failed; then
  echo "::error::ruff found problems"
  echo "clean=false" >> "$GITHUB_OUTPUT"
fi
"""
_WRITTEN = """
OUT=$(ruff check . || true)
echo "$OUT" > ruff.txt
"""


def _then(first: str, read: str) -> str:
    return _jobs(
        """
        lint:
          runs-on: ubuntu-latest
          steps:
            - name: Lint
              id: lint
              run: |
                <FIRST>
            - name: Judge
              run: |
                <READ>
        """,
        FIRST=first,
        READ=read,
    )


@pytest.mark.parametrize(
    ("first", "read", "lost"),
    [
        (_BRANCH_OUTPUT, 'echo "${{ steps.lint.outputs.clean }}"', True),
        (
            _BRANCH_OUTPUT,
            'if [ "${{ steps.lint.outputs.clean }}" = false ]; then exit 1; fi',
            False,
        ),
        (_WRITTEN, "cat ruff.txt", True),
        (_WRITTEN, "if [ -s ruff.txt ]; then exit 1; fi", False),
    ],
)
def test_what_an_if_on_the_value_records_is_judged_where_it_is_read(
    tmp_path: Path, first: str, read: str, lost: bool
) -> None:
    """A flag output or a file written from the value: a later step may fail on it."""
    text = _then(first, read)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    failing = [line for rule, _, line, fails in found if fails]
    assert failing == ([line_of(text, "=$(ruff")] if lost else []), found
