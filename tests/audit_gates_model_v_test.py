"""audit-gates on shapes the eighth and ninth corpora left (bench/audit_corpus_21h, _21i).

Not blind: each case is the general form of a lost check those corpora
showed, beside the honest twin that differs in the one thing that decides;
the real black and isort run where their own behaviour decides.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - fixed argument lists
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"

# ---- a workflow GitHub refuses at start-up: none of its checks runs --------


def _refusable(condition: str, deploy: str = "./deploy.sh") -> str:
    return _jobs(
        """
        test:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
            - run: pytest -q
            - name: Lint
              run: mypy src || true
            - name: Run tests
              run: python tools/run_suite.py
        deploy:
          runs-on: ubuntu-latest
          needs: test
          steps:
            - name: Deploy
        <COND>
              run: <DEPLOY>
        """.replace("<COND>", f"      if: {condition}").replace("<DEPLOY>", deploy)
    )


def test_refused_workflow_reports_each_check_as_never_running(
    tmp_path: Path,
) -> None:
    text = _refusable("secrets.DEPLOY_KEY != ''")
    found = audit_project(tmp_path, {CI: text})
    rules = gate_rules(found)
    pytest_line = line_of(text, "pytest -q")
    assert ("QG109", CI, line_of(text, "if: secrets"), True) in rules
    # a check by its own name: certain that it never runs
    assert ("QG107", CI, pytest_line, True) in rules
    # a check only by its step's name: a note
    assert ("QG107", CI, line_of(text, "run_suite.py"), False) in rules
    # already reported as lost where it runs: one finding, not two
    mypy_line = line_of(text, "mypy src")
    assert [r for r in rules if r[2] == mypy_line] == [("QG101", CI, mypy_line, True)]
    message = next(m for r, _, ln, _, m in found if r == "QG107" and ln == pytest_line)
    assert "GitHub refuses the whole workflow" in message
    assert f"QG109, line {line_of(text, 'if: secrets')}" in message


def test_allowed_condition_leaves_the_checks_alone(tmp_path: Path) -> None:
    text = _refusable("github.ref == 'refs/heads/main'")
    rules = gate_rules(audit_project(tmp_path, {CI: text}))
    assert [r for r in rules if r[0] in ("QG107", "QG109")] == []


def test_key_written_twice_refuses_the_workflow_and_its_checks(
    tmp_path: Path,
) -> None:
    text = _jobs(
        """
        lint:
          runs-on: ubuntu-latest
          steps:
            - run: ruff check .
        lint:
          runs-on: ubuntu-latest
          steps:
            - run: flake8 src
        """
    )
    rules = gate_rules(audit_project(tmp_path, {CI: text}))
    assert ("QG107", CI, line_of(text, "flake8 src"), True) in rules
    assert any(r[0] == "QG109" for r in rules)


def test_workflow_that_does_not_parse_is_reported_once(tmp_path: Path) -> None:
    text = _jobs(
        """
        test:
          runs-on: ubuntu-latest
          steps:
            - run: |
                pytest -q
                python - <<'PY'
                print("x")
        PY
        """
    )
    rules = gate_rules(audit_project(tmp_path, {CI: text}))
    assert [r[0] for r in rules] == ["QG109"]
