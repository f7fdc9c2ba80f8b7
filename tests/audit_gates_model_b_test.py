"""audit-gates on the cases of bench/audit_corpus_21c's batch B development half.

Each case is written from what that CI does, in general terms, beside an
honest twin (or a guilty one) that differs in the one thing that decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_test import (
    audit_project,
    gate_rules,
    line_of,
    run_workflow,
    step,
)
from workflow_yaml import workflow

CI = ".github/workflows/ci.yml"


def assert_continued(tmp_path: Path, steps: str, rule: str | None) -> None:
    """Assert the steps' one ``continue-on-error`` gives ``rule`` (failing) or nothing."""
    text, found = run_workflow(tmp_path, steps, job="name: models")
    expected = [(rule, CI, line_of(text, "continue-on-error"), True)]
    assert found == (expected if rule else [])


# ---- CodeQL: set-up and an analysis that does not fail on alerts ------------


@pytest.mark.parametrize(
    ("uses", "rule"),
    [
        ("github/codeql-action/init@v3", None),
        ("github/codeql-action/analyze@v3", None),
        ("github/codeql-action/autobuild@v3", None),
        ("aquasecurity/trivy-action@0.31.0\n  with:\n    exit-code: '1'", "QG105"),
    ],
    ids=["codeql-init", "codeql-analyze", "codeql-autobuild", "failing-scanner"],
)
def test_codeql_action_is_no_gate(tmp_path: Path, uses: str, rule: str | None) -> None:
    steps = f"- uses: {uses}\n  continue-on-error: true"
    assert_continued(tmp_path, steps, rule)


@pytest.mark.parametrize(
    ("name", "rule"),
    [("Build for CodeQL (Java)", None), ("Build (Java)", "QG105")],
    ids=["build-for-the-analyser", "build-of-its-own"],
)
def test_a_build_for_an_analyser_is_set_up(
    tmp_path: Path, name: str, rule: str | None
) -> None:
    steps = f"- name: {name}\n  run: ./ci/build.sh\n  continue-on-error: true"
    assert_continued(tmp_path, steps, rule)


# ---- continue-on-error on a check known by its name only, outputs read on ----

_WRAPPED = (
    "- name: Run tests\n  id: t\n  run: ./ci/run-suite.sh --github-output\n"
    "  continue-on-error: true\n"
)


@pytest.mark.parametrize(
    ("first", "later", "expected"),
    [
        (
            _WRAPPED,
            "- run: ./ci/summary.sh\n  env:\n    N: ${{ steps.t.outputs.failed }}",
            False,
        ),
        (_WRAPPED, "- run: ./ci/summary.sh", True),
        (_WRAPPED, "- if: steps.t.outputs.failed != '0'\n  run: exit 1", None),
        (
            _WRAPPED.replace("./ci/run-suite.sh", "pytest"),
            "- run: ./ci/summary.sh\n  env:\n    N: ${{ steps.t.outputs.failed }}",
            True,
        ),
    ],
    ids=[
        "by-name-outputs-read-note",
        "by-name-outputs-unread-fails",
        "outputs-read-and-failed-on",
        "named-checker-outputs-read-fails",
    ],
)
def test_continue_on_error_with_outputs_read_on(
    tmp_path: Path, first: str, later: str, expected: bool | None
) -> None:
    text, found = run_workflow(tmp_path, first + later)
    line = line_of(text, "continue-on-error")
    assert found == ([] if expected is None else [("QG105", CI, line, expected)])


def test_outputs_read_note_says_why(tmp_path: Path) -> None:
    later = "- run: ./ci/summary.sh\n  env:\n    N: ${{ steps.t.outputs.failed }}"
    text = workflow(_WRAPPED + later)
    found = audit_project(tmp_path, {CI: text})
    messages = [m for r, _, _, failing, m in found if r == "QG105" and not failing]
    assert len(messages) == 1
    assert "a later step reads its outputs" in messages[0]
    assert gate_rules(found) == [("QG105", CI, line_of(text, "continue-on"), False)]


# ---- a request whose only product is its status checks where its step does --


@pytest.mark.parametrize(
    ("name", "script", "rule"),
    [
        (
            "Check site accessibility",
            'curl -f -s -o /dev/null "$URL" || echo wait',
            "QG102",
        ),
        ("Smoke test", "wget -q --spider $URL || true", "QG101"),
        ("Install tools", 'curl -f -s -o /dev/null "$URL" || echo wait', None),
        ("Check site accessibility", 'curl -fsSL "$URL" -o tool.sh || echo no', None),
        ("Check site accessibility", 'curl -s -o /dev/null "$URL" || echo wait', None),
        ("Smoke test", "until curl -f -o /dev/null $URL; do sleep 1; done", None),
        ("Check site accessibility", 'curl -f -o /dev/null "$URL"', None),
    ],
    ids=[
        "probe-in-a-check-step-or-echo",
        "wget-spider-or-true",
        "probe-in-a-setup-step",
        "download-in-a-check-step",
        "no-fail-flag-never-fails",
        "probe-as-loop-condition",
        "probe-kept",
    ],
)
def test_http_probe(tmp_path: Path, name: str, script: str, rule: str | None) -> None:
    text, found = run_workflow(tmp_path, step(script, name=name))
    expected = [(rule, CI, line_of(text, script.split()[0]), True)]
    assert found == (expected if rule else [])


# ---- a report handed to a program named for summarising is not judged -------

_SCAN = (
    "- uses: aquasecurity/trivy-action@0.31.0\n  with:\n    format: json\n"
    "    output: trivy.json\n    exit-code: '0'\n"
)


@pytest.mark.parametrize(
    ("reader", "rule"),
    [
        ("- run: python -m hub ci trivy-summary --json trivy.json", "QG106"),
        ("- run: python scripts/report.py trivy.json --github-summary", "QG106"),
        ("- run: python -m hub ci trivy-gate --json trivy.json", None),
        ("- run: python scripts/check_report.py trivy.json", None),
    ],
    ids=["summary-reader", "report-reader", "gate-reader", "check-reader"],
)
def test_summary_reader_does_not_judge(
    tmp_path: Path, reader: str, rule: str | None
) -> None:
    text, found = run_workflow(tmp_path, _SCAN + reader)
    expected = [(rule, CI, line_of(text, "exit-code"), True)]
    assert found == (expected if rule else [])


# ---- a command run in the background is a service, its status never read -----

_INTEGRATION = "test-integration:\n\t{line}\n\tpytest tests/integration\n"


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("./bin/db-proxy --port 5433 > /tmp/proxy.log 2>&1 & echo $$! > pid", None),
        ("./bin/db-proxy --port 5433 > /tmp/proxy.log 2>&1; echo started", "QG104"),
    ],
    ids=["service-in-the-background", "same-in-the-foreground"],
)
def test_background_command_is_a_service(
    tmp_path: Path, line: str, rule: str | None
) -> None:
    makefile = _INTEGRATION.format(line=line)
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    assert found == ([(rule, "Makefile", 2, False)] if rule else [])


# ---- an evaluation with thresholds is a check by its step's name -------------


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("Run eval matrix (scripted)", "QG105"),
        ("Evaluate the model", "QG105"),
        ("Refresh the retrieval index", None),
        ("Run matrix (scripted)", None),
    ],
    ids=["eval", "evaluate", "retrieval-is-no-eval", "no-check-word"],
)
def test_evaluation_step(tmp_path: Path, name: str, rule: str | None) -> None:
    steps = f"- name: {name}\n  run: make matrix RUNS=1\n  continue-on-error: true"
    assert_continued(tmp_path, steps, rule)
