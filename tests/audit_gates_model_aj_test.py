"""audit-gates on an absence check judged by a quiet grep (issue-21bd sweep).

Not blind: ``if P | grep -q X; then exit 1; fi`` fails only when the pattern
shows up, so ``P`` failing (nothing printed, nothing matched) passes.  The
audit took ``grep -q`` for a judge that carries ``P``'s failure, which it is
only when a match is what passes.  Where ``P``'s errors also go to
``/dev/null`` its failure leaves no trace at all: that is noted.  Each case
stands beside the twin that differs in the one thing that decides, and the
real bash runs them with a producer that fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of
from failing_checkers import run_failing

CI = ".github/workflows/ci.yml"
_TREE = "cargo tree -i rustls -e features 2>/dev/null"


def _step(script: str) -> str:
    return _jobs(
        """
        invariants:
          runs-on: ubuntu-latest
          steps:
            - name: rustls stays off ring
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        # a match fails the step: the producer failing reads as "absent"
        (f"if {_TREE} | grep -q 'feature \"ring\"'; then\n  exit 1\nfi\necho ok", True),
        (f"{_TREE} | grep -q 'feature \"ring\"' && exit 1\necho ok", True),
        # twin: its errors reach the log, no evidence it is expected to fail
        (
            "if cargo tree -i rustls -e features | grep -q ring; then\n"
            "  exit 1\nfi\necho ok",
            False,
        ),
        # twin: a match is what passes, so nothing printed fails the step
        (f"{_TREE} | grep -q 'feature \"aws-lc-rs\"'\necho ok", False),
        # twin: a match only prints, nothing fails on it
        (f"if {_TREE} | grep -q 'feature \"ring\"'; then\n  echo ring\nfi", False),
        # twin: the producer cannot fail, its output is all there is
        ('if echo "$FEATURES" | grep -q ring; then\n  exit 1\nfi\necho ok', False),
    ],
)
def test_quiet_grep_that_fails_on_a_match_loses_the_producer(
    tmp_path: Path, script: str, lost: bool
) -> None:
    text = _step(script)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    first = script.splitlines()[0]
    # a note: whether the producer is meant as a check is not certain
    assert found == ([("QG112", CI, line_of(text, first), False)] if lost else [])
    if 'echo "$FEATURES"' in script:
        return
    # the real bash: with a cargo that prints nothing and exits 101, only the
    # positive twin fails the step (the visible-error twin passes too, its
    # message left in the log)
    assert (_bash(tmp_path, script) != 0) == ("aws-lc-rs" in script)


def _bash(folder: Path, script: str) -> int:
    """Run ``script`` as GitHub's ``bash -e {0}`` does, with a failing cargo."""
    says = "echo 'error: package ID specification' >&2"
    return run_failing(
        folder,
        ["bash", "--noprofile", "--norc", "-e"],
        script,
        tools=("cargo",),
        code=101,
        says=says,
    )
