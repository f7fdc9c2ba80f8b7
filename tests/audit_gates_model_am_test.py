"""audit-gates on the residual false findings of the tuned corpora.

Not blind: each case is the general form of a failing finding that was not
certain, beside the twin that differs in the one thing that decides.  A
check of a workflow GitHub refuses at start-up never runs; whether it is a
gate is certain only when a checker by its own name runs in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"

# ---- a refused workflow: a hand-written check that probes a deployed service

_PROBE = """
HTTP_CODE=$(curl -s -o /dev/null -w "%{http_code}" "https://erp.example.net/health" || echo 000)
if [[ "$HTTP_CODE" =~ ^(200|301|302)$ ]]; then
  echo "healthy"
  exit 0
else
  echo "unhealthy"
  exit 1
fi
"""


def _refused(check: str) -> str:
    return _jobs(
        """
        probe:
          runs-on: ubuntu-latest
          steps:
            - name: Check ERP (public)
              run: |
                <CHECK>
            - name: Notify
              if: ${{ secrets.SLACK_WEBHOOK_URL != '' }}
              run: echo notify
        """,
        CHECK=check,
    )


def _never_runs(tmp_path: Path, text: str) -> list[tuple[str, int, bool]]:
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    return [(rule, line, failing) for rule, _, line, failing in found]


def test_a_probe_of_a_deployed_service_in_a_refused_workflow_is_a_note(
    tmp_path: Path,
) -> None:
    text = _refused(_PROBE)
    found = _never_runs(tmp_path, text)
    assert ("QG109", line_of(text, "secrets.SLACK"), True) in found
    assert ("QG107", line_of(text, "Check ERP"), False) in found


def test_its_note_says_it_is_a_check_only_by_its_name(tmp_path: Path) -> None:
    text = _refused(_PROBE)
    found = audit_project(tmp_path, {CI: text})
    (message,) = [m for r, _, _, _, m in found if r == "QG107"]
    assert "only by its step's name" in message


@pytest.mark.parametrize("checker", ["pytest tests/", "ruff check ."])
def test_a_checker_by_its_own_name_in_a_refused_workflow_fails(
    tmp_path: Path, checker: str
) -> None:
    text = _refused(checker)
    found = _never_runs(tmp_path, text)
    assert ("QG107", line_of(text, checker), True) in found


def test_the_probe_in_a_workflow_github_accepts_is_no_finding(tmp_path: Path) -> None:
    text = _refused(_PROBE).replace("secrets.SLACK_WEBHOOK_URL != ''", "github.ref")
    assert _never_runs(tmp_path, text) == []


_SELF_CHECK = """
FOUND=$(grep -rn 'ref:.*head.sha' .github/workflows/*.yml || true)
if [ -n "$FOUND" ]; then
  echo "a workflow checks out the head ref"
  exit 1
fi
"""


@pytest.mark.parametrize(
    "check",
    [_SELF_CHECK, _PROBE.replace("https://erp.example.net", "http://localhost:8069")],
    ids=["the repository's files", "a service the job started"],
)
def test_a_hand_written_check_of_the_change_in_a_refused_workflow_fails(
    tmp_path: Path, check: str
) -> None:
    text = _refused(check)
    found = _never_runs(tmp_path, text)
    assert ("QG107", line_of(text, "Check ERP"), True) in found


# ---- a checker run again in a fallback that fails anyway is no check of its own


def _reprinted(end: str) -> str:
    return _refused(
        "bandit -r src/ -f json -o bandit-report.json || {\n"
        '  echo "security findings"\n'
        "  bandit -r src/ -f txt\n"
        f"{end}}}\n"
    )


def test_a_rerun_inside_a_failing_fallback_is_not_listed_again(tmp_path: Path) -> None:
    text = _reprinted("  exit 1\n")
    found = [item for item in _never_runs(tmp_path, text) if item[0] == "QG107"]
    assert found == [("QG107", line_of(text, "-f json"), True)]


def test_a_rerun_whose_status_decides_is_a_check_of_its_own(tmp_path: Path) -> None:
    text = _reprinted("")
    found = [item for item in _never_runs(tmp_path, text) if item[0] == "QG107"]
    assert ("QG107", line_of(text, "-f txt"), True) in found
