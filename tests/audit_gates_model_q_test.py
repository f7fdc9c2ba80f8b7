"""audit-gates on the residual misses and false findings of the scored corpora.

Not blind: each case is the general form of a lost check (or of an honest
step the audit took for one) met in bench/audit_corpus_21g/_21h/_21i, beside
the twin that differs in the one thing that decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"


def _found(tmp_path: Path, text: str) -> list[tuple[str, str, int, bool]]:
    return gate_rules(audit_project(tmp_path, {CI: text}))


# ---- a ZAP scan that files an issue and passes whatever it finds -------------

_ZAP = """
zap:
  runs-on: ubuntu-latest
  steps:
    - uses: actions/checkout@v4
    - name: ZAP Baseline Scan
      uses: zaproxy/ACTION@v0.10.0
      <WITH>
"""


@pytest.mark.parametrize("action", ["action-baseline", "action-full-scan"])
@pytest.mark.parametrize(
    ("given", "rule"),
    [
        ("with:\n  target: https://example.org\n  fail_action: false", "QG106"),
        ("with:\n  target: https://example.org\n  fail_action: true", None),
        ("with:\n  target: https://example.org", None),
    ],
    ids=["fail-action-false", "fail-action-true", "default"],
)
def test_a_zap_scan_told_not_to_fail(
    tmp_path: Path, action: str, given: str, rule: str | None
) -> None:
    text = _jobs(_ZAP.replace("ACTION", action), WITH=given)
    expected = [(rule, CI, line_of(text, "fail_action"), True)] if rule else []
    assert _found(tmp_path, text) == expected


@pytest.mark.parametrize(
    ("given", "rule"),
    [("fail_action: true", "QG105"), ("fail_action: false", None)],
    ids=["failing-scan", "reporting-scan"],
)
def test_continue_on_error_loses_only_a_failing_zap_scan(
    tmp_path: Path, given: str, rule: str | None
) -> None:
    """At its default the scan passes anyway: continue-on-error loses nothing."""
    body = f"with:\n  target: https://example.org\n  {given}\ncontinue-on-error: true"
    text = _jobs(_ZAP.replace("ACTION", "action-baseline"), WITH=body)
    found = [f for f in _found(tmp_path, text) if f[0] == "QG105"]
    expected = [(rule, CI, line_of(text, "continue-on-error"), True)] if rule else []
    assert found == expected


# ---- find -exec CMD {} \; where CMD is a check by its target's name ----------

_DEMO = (
    '\tfind pkg -name "*.py" \\\n\t\t-exec echo ==== {} ==== \\; -exec python {} END\n'
)


@pytest.mark.parametrize(
    ("target", "end", "expected"),
    [
        ("demotest", "\\;", [("QG117", "Makefile", 2, False)]),
        ("demotest", "+", []),
        ("listing", "\\;", []),
    ],
    ids=["test-target-semicolon", "test-target-plus", "no-check-target"],
)
def test_find_exec_runs_a_check_by_its_target_name(
    tmp_path: Path, target: str, end: str, expected: list[tuple[str, str, int, bool]]
) -> None:
    r"""``\;`` throws each run's status away (a note: a check by name only)."""
    makefile = f"{target}:\n" + _DEMO.replace("END", end)
    assert gate_rules(audit_project(tmp_path, {"Makefile": makefile})) == expected


def test_find_exec_of_a_named_checker_still_fails(tmp_path: Path) -> None:
    makefile = 'demotest:\n\tfind tests -name "test_*.py" -exec pytest {} \\;\n'
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    assert found == [("QG117", "Makefile", 2, True)]


# ---- a step or job named in a language with accents -------------------------

_MONITORING = """
monitoring:
  if: ${{ github.event.workflow_run.outputs.monitoring == 'true' }}
  runs-on: ubuntu-latest
  steps:
    - name: NAME
      run: ./scripts/prometheus_status.sh || true
"""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Vérification de Prometheus", ["QG101", "QG107"]),
        ("Verification de Prometheus", ["QG101", "QG107"]),
        ("Démarrage de Prometheus", []),
    ],
    ids=["accented-check", "plain-check", "accented-start"],
)
def test_an_accented_name_says_what_the_step_does(
    tmp_path: Path, name: str, expected: list[str]
) -> None:
    text = _jobs(_MONITORING.replace("NAME", name), top="on: [workflow_run]\n")
    assert sorted(f[0] for f in _found(tmp_path, text)) == expected


# ---- a request piped into grep: the grep fails on what a failure prints ------

_PROBE = """
monitoring:
  runs-on: ubuntu-latest
  steps:
    - name: Check Prometheus
      run: |
        <SCRIPT>
"""


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("curl -s http://localhost:9090/api/v1/status | grep prometheus", []),
        ("wget -qO- http://localhost:9090/ready | grep -c ready", []),
        ("curl -s http://localhost:9090/api/v1/status | tee s.json", ["QG112"]),
    ],
    ids=["curl-grep", "wget-grep-count", "curl-tee"],
)
def test_a_request_piped_into_grep_keeps_its_failure(
    tmp_path: Path, script: str, expected: list[str]
) -> None:
    """A failed request writes nothing, and grep exits 1 on no input."""
    text = _jobs(_PROBE, SCRIPT=script)
    assert [f[0] for f in _found(tmp_path, text)] == expected


@pytest.mark.parametrize(
    ("top", "fails"),
    [("on: [workflow_dispatch]\n", False), ("on: [push, workflow_dispatch]\n", True)],
    ids=["by-hand-only", "on-push"],
)
def test_a_scan_told_not_to_fail_is_a_note_when_run_by_hand(
    tmp_path: Path, top: str, fails: bool
) -> None:
    given = "with:\n  target: https://example.org\n  fail_action: false"
    text = _jobs(_ZAP.replace("ACTION", "action-full-scan"), top=top, WITH=given)
    assert _found(tmp_path, text) == [("QG106", CI, line_of(text, "fail_"), fails)]


# ---- a health endpoint asked without --fail, its failure dropped --------------


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("curl -sS ${N8N_BASE_URL}/rest/ping || true", [("QG101", False)]),
        ("curl -sS https://n8n.example.net/healthz || true", [("QG101", False)]),
        ("curl -sS https://n8n.example.net/api/items || true", []),
        ("curl -sS -o ping.json https://n8n.example.net/ping || true", []),
        ("curl -sS ${N8N_BASE_URL}/rest/ping", []),
    ],
    ids=["ping-env-url", "healthz", "data-url", "saved", "kept"],
)
def test_a_health_url_asked_in_a_smoke_step_is_a_probe(
    tmp_path: Path, script: str, expected: list[tuple[str, bool]]
) -> None:
    """A note: curl without ``--fail`` fails only when nothing answers."""
    text = _jobs(_PROBE.replace("Check Prometheus", "n8n ping"), SCRIPT=script)
    text = text.replace("monitoring:", "smoke:")
    found = [(f[0], f[3]) for f in _found(tmp_path, text)]
    assert found == expected


# ---- a check's failure shown, then the script fails anyway --------------------

_SHOW = 'curl -v "https://${APP_URL}/health" || true'


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("exit 1", []),
        ("# the script fails here\nexit 2", []),
        ("exit 0", [("QG101", False)]),
        ('echo "health check failed"\nexit 1', []),
        ('echo "done"', [("QG101", False)]),
    ],
    ids=[
        "then-exit-1",
        "comment-then-exit-2",
        "then-exit-0",
        "echo-then-exit-1",
        "then-echo",
    ],
)
def test_a_fallback_right_before_exit_1_loses_nothing(
    tmp_path: Path, after: str, expected: list[tuple[str, bool]]
) -> None:
    """``curl -v URL || true; exit 1``: the diagnostic's failure fails the step."""
    script = f"{_SHOW}\n{after}"
    text = _jobs(_PROBE.replace("Check Prometheus", "Health check"), SCRIPT=script)
    found = [(f[0], f[3]) for f in _found(tmp_path, text)]
    assert found == expected
