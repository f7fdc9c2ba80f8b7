"""audit-gates on the shapes a census of lost-failure sites found (issue-21bn).

Not blind: a random sample of workflow sites over the mirrored CI was
labelled by hand before the audit ran; each case here is the general form of
a disagreement, beside the honest twin that differs in the one thing that
decides.  What decides is the action's documented behaviour
(treosh/lighthouse-ci-action's ``src/index.js`` and ``src/config.js``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from audit_gates_model_test import audit_project, gate_rules, line_of
from quality_gates.guards.integrity import lighthouserc

CI = ".github/workflows/ci.yml"
RC = "config/.lighthouserc.json"


def _lighthouse(given: str, coe: bool = True) -> str:
    """Return a push/PR job whose Lighthouse CI step may run under continue-on-error."""
    return (
        "name: ci\non: [push, pull_request]\npermissions:\n  contents: read\n"
        "jobs:\n  lighthouse:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - name: Run Lighthouse\n"
        "        uses: treosh/lighthouse-ci-action@v12\n"
        + ("        continue-on-error: true\n" if coe else "")
        + "        with:\n          urls: http://localhost:3000\n"
        + "".join(f"          {line}\n" for line in given.splitlines())
    )


def _rc(assertions: dict[str, object]) -> str:
    return json.dumps({"ci": {"collect": {"numberOfRuns": 1}, **assertions}})


_ERROR = {"assert": {"assertions": {"categories:seo": ["error", {"minScore": 0.9}]}}}
_WARN = {"assert": {"assertions": {"categories:seo": ["warn", {"minScore": 0.9}]}}}


@pytest.mark.parametrize(
    ("given", "rc", "lost"),
    [
        # the assertions of configPath's file fail at level error: a check
        (f"configPath: {RC}", _rc(_ERROR), True),
        (f"configPath: ./{RC}", _rc(_ERROR), True),
        (f"configPath: {RC}", _rc({"assert": {"preset": "lighthouse:no-pwa"}}), True),
        (f"configPath: {RC}", _rc({"assert": {"budgetsFile": "budget.json"}}), True),
        (
            f"configPath: {RC}",
            _rc({"assert": {"assertMatrix": [{"assertions": {"fcp": "error"}}]}}),
            True,
        ),
        # a performance budget: the action asserts it and fails on it
        ("budgetPath: ./budget.json", "", True),
        # twins: warnings only, no assert section, no config: it only collects
        (f"configPath: {RC}", _rc(_WARN), False),
        (f"configPath: {RC}", _rc({}), False),
        ("uploadArtifacts: true", _rc(_ERROR), False),
        # a config outside the project is not read
        ("configPath: ../elsewhere/.lighthouserc.json", _rc(_ERROR), False),
    ],
)
def test_lighthouse_ci_action_is_a_check_when_it_asserts(
    tmp_path: Path, given: str, rc: str, lost: bool
) -> None:
    text = _lighthouse(given)
    files = {CI: text, **({RC: rc} if rc else {})}
    found = gate_rules(audit_project(tmp_path, files))
    expected = [("QG105", CI, line_of(text, "continue-on-error"), True)]
    assert found == (expected if lost else [])


def test_a_lighthouse_check_that_keeps_its_status_is_no_finding(tmp_path: Path) -> None:
    text = _lighthouse(f"configPath: {RC}", coe=False)
    assert gate_rules(audit_project(tmp_path, {CI: text, RC: _rc(_ERROR)})) == []


@pytest.mark.parametrize(
    ("name", "content", "fails"),
    [
        (
            ".lighthouserc.yml",
            "ci:\n  assert:\n    assertions:\n      fcp: error\n",
            True,
        ),
        (
            ".lighthouserc.yaml",
            "ci:\n  assert:\n    assertions:\n      fcp: warn\n",
            False,
        ),
        (".lighthouserc.json", "{not json", False),  # unreadable: not known to fail
        ("lighthouserc.js", "module.exports = {ci: {assert: {preset: 'x'}}}", False),
        (".lighthouserc.json", '{"ci": {"assert": true}}', False),
        (".lighthouserc.json", '["ci"]', False),
    ],
)
def test_lighthouserc_reader(
    tmp_path: Path, name: str, content: str, fails: bool
) -> None:
    path = tmp_path / name
    path.write_text(content)
    assert lighthouserc.asserts(path) is fails


def test_lighthouserc_reader_missing_file(tmp_path: Path) -> None:
    assert lighthouserc.asserts(tmp_path / ".lighthouserc.json") is False
