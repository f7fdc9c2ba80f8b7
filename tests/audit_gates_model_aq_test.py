"""audit-gates on shapes of the issue-21bj sweep (bench/audit_sweep).

Not blind: each case is the general form of a place the sweep read by
hand, beside the twins that differ in the one thing that decides.  Real
bash runs each retry script with failing checkers on the PATH: the step
must fail (nothing lost) or pass (lost) as the audit says.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of
from failing_checkers import run_failing

CI = ".github/workflows/ci.yml"

# ---- a retry: `if gate; then exit 0; fi` whose way on ends in `exit 1` ------

_RETRY = """
for attempt in 1 2; do
  if cargo test -p core; then
    exit 0
  fi
  echo "::warning::tests failed on attempt ${attempt}/2"
done
exit 1
"""
_RETRY_LIST = """
for attempt in 1 2; do
  if cargo test -p a && cargo test -p b; then
    exit 0
  fi
done
exit 1
"""
_RETRY_BARE_EXIT = """
for attempt in 1 2 3; do
  if pytest -x; then
    exit
  fi
  sleep 1
done
false
"""
_RETRY_GROUPED = """
{
  if pytest -x; then
    exit 0
  fi
  echo "tests failed"
}
exit 2
"""
# twins: the way on after the `if` does not surely fail
_NO_FINAL_EXIT = """
for attempt in 1 2; do
  if cargo test -p core; then
    exit 0
  fi
done
echo "gave up"
"""
_EXIT_ZERO_AFTER = """
for attempt in 1 2; do
  if cargo test -p core; then
    exit 0
  fi
done
exit 0
"""
_MAYBE_FAILS_AFTER = """
for attempt in 1 2; do
  if cargo test -p core; then
    exit 0
  fi
done
if [ -f strict ]; then
  exit 1
fi
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
    return run_failing(tmp_path, bash, textwrap.dedent(script), ("cargo", "pytest"))


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        (_RETRY, False),
        (_RETRY_LIST, False),
        (_RETRY_BARE_EXIT, False),
        (_RETRY_GROUPED, False),
        (_NO_FINAL_EXIT, True),
        (_EXIT_ZERO_AFTER, True),
        (_MAYBE_FAILS_AFTER, True),
    ],
)
def test_a_retry_whose_way_on_ends_failing(
    tmp_path: Path, script: str, lost: bool
) -> None:
    """A gate failing every attempt fails the step unless the way on passes."""
    assert (_exit_status(tmp_path, script) == 0) is lost
    found = gate_rules(audit_project(tmp_path, {CI: _script_step(script)}))
    failing = [rule for rule, _, _, fails in found if fails]
    assert bool(failing) is lost, found
    if not lost:
        assert found == [], found


def test_the_retry_is_judged_where_the_if_is(tmp_path: Path) -> None:
    """The hidden gate is the one in the ``if``, reported on its line."""
    text = _script_step(_NO_FINAL_EXIT)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG113", CI, line_of(text, "if cargo test"), True)]
