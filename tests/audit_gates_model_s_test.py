"""audit-gates on the false findings of sweep issue-21ag (bench/audit_sweep).

Not blind: each case is the general form of a finding the audit made there
on a check whose status cannot matter, beside the twins that differ in the
one thing that decides.  Real bash runs every script with a failing checker
on the PATH: the script must fail (nothing lost) or pass (lost) as the audit
says.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules
from failing_checkers import run_failing

CI = ".github/workflows/ci.yml"

# ---- diagnostics on a path that ends in `exit 1` lose nothing ---------------

_FUNCTION = """
dump_and_fail() {
  echo "::error::$1"
  pytest --collect-only -q || true
  pytest --collect-only -q 2>&1 | head -20
  exit 1
}
pytest -x || dump_and_fail "tests failed"
"""
_WATCHDOG = """
n=0
while [ "$n" -lt 3 ]; do
  n=$((n+1))
  if [ "$n" -ge 2 ]; then
    echo "::error::hangs"
    if [ -n "$n" ]; then
      pytest --collect-only -q || true
    fi
    ruff check . 2>&1 | head -5
    exit 1
  fi
done
"""
_TAIL = """
pytest --collect-only -q || true
exit 1
"""
_SEQUENCE = """
set +e
echo "collecting diagnostics"
pytest --collect-only -q
exit 1
"""
# twins: the path does not surely end failing
_EXIT_ZERO = """
pytest -x || true
exit 0
"""
_MAYBE = """
pytest -x || true
if [ -f stop ]; then
  exit 1
fi
"""
_SUBSHELL = """
( pytest -x || true; exit 1 ) || echo "tests skipped"
"""
_LEAVES_FIRST = """
for n in 1 2; do
  pytest -x || true
  continue
  exit 1
done
"""


def _script_step(script: str) -> str:
    return _jobs(
        """
        test:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@0000000000000000000000000000000000000000
            - name: Run tests
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )


def _exit_status(tmp_path: Path, script: str) -> int:
    """Run ``script`` as GitHub runs a step (bash -e) with failing checkers."""
    bash = ["bash", "--noprofile", "--norc", "-e"]
    return run_failing(tmp_path, bash, textwrap.dedent(script), ("pytest", "ruff"))


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        (_FUNCTION, False),
        (_WATCHDOG, False),
        (_TAIL, False),
        (_SEQUENCE, False),
        (_EXIT_ZERO, True),
        (_MAYBE, True),
        (_SUBSHELL, True),
        (_LEAVES_FIRST, True),
    ],
)
def test_a_check_on_a_path_that_ends_failing(
    tmp_path: Path, script: str, lost: bool
) -> None:
    """`diag || true; ...; exit 1`: the step fails whatever the diagnostic returns."""
    assert (_exit_status(tmp_path, script) == 0) is lost
    found = gate_rules(audit_project(tmp_path, {CI: _script_step(script)}))
    failing = [rule for rule, _, _, fails in found if fails]
    assert bool(failing) is lost, found
    if not lost:
        assert found == [], found
