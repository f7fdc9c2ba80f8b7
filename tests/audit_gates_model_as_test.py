"""audit-gates on the shapes of sweep issue-21bl (bench/audit_sweep/issue-21bl).

Not blind: each case is the general form of a false or missed finding of that
sweep's first run, beside the twin that differs in the one thing that decides.
"""

from __future__ import annotations

from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"

# ---- a preview piped to `head` on a path that ends `exit 1` decides nothing --

_LISTED = """
UNFORMATTED=$(gofmt -l .)
if [ -n "$UNFORMATTED" ]; then
  echo "unformatted files:"
  echo "$UNFORMATTED"
  gofmt -d . | head -200
  <END>
fi
echo "gofmt clean"
"""


def _gofmt_step(end: str) -> str:
    return _jobs(
        """
        fmt:
          runs-on: ubuntu-latest
          steps:
            - name: Check Go formatting
              run: |
                <SCRIPT>
        """,
        SCRIPT=_LISTED.replace("<END>", end),
    )


def test_a_piped_preview_before_exit_1_is_no_finding(tmp_path):
    text = _gofmt_step("exit 1")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == []


def test_a_piped_preview_without_the_exit_is_still_reported(tmp_path):
    text = _gofmt_step('echo "please run gofmt -w"')
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert ("QG106", CI, line_of(text, "gofmt -d"), True) in found


# ---- a Makefile target that rewrites beside one that checks: a fixer ----------

_LINT = """
.PHONY: lint lint-check
lint:
\tgofmt -w .
\tgo vet ./...
"""
_LINT_CHECK = """
lint-check:
\t@test -z "$$(gofmt -l .)"
\tgo vet ./...
"""


def test_a_rewriting_target_beside_its_checking_twin_is_a_fixer(tmp_path):
    found = gate_rules(audit_project(tmp_path, {"Makefile": _LINT + _LINT_CHECK}))
    assert [f for f in found if f[0] == "QG106"] == []


def test_a_rewriting_lint_target_alone_is_still_reported(tmp_path):
    found = gate_rules(audit_project(tmp_path, {"Makefile": _LINT}))
    assert ("QG106", "Makefile", line_of(_LINT.lstrip("\n"), "gofmt -w"), True) in found


# ---- `set +e` inside a function body acts only when the function runs ------

_TRAPPED = """
set -euo pipefail
rollback() {
  rc=$?
  set +e
  git push origin --delete "$BRANCH"
  exit "$rc"
}
<CALL>
pytest tests
echo "published"
"""


def _trap_step(call: str) -> str:
    return _jobs(
        """
        test:
          runs-on: ubuntu-latest
          steps:
            - name: Test and publish
              run: |
                <SCRIPT>
        """,
        SCRIPT=_TRAPPED.replace("<CALL>", call),
    )


def test_set_plus_e_in_a_trap_handler_leaves_the_script_strict(tmp_path):
    text = _trap_step("trap rollback EXIT")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert [f for f in found if f[0] == "QG104"] == []


def test_set_plus_e_in_a_function_that_runs_turns_errexit_off(tmp_path):
    text = _trap_step("relax() { set +e; }\nrelax")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert ("QG104", CI, line_of(text, "relax() {"), True) in found


# ---- a check after the delivery it would guard is a note, not a gate ---------

_SMOKE = """
deploy-staging:
  name: Deploy to staging
  runs-on: ubuntu-latest
  steps:
    - run: ./deploy.sh staging
smoke:
  name: Smoke test
  needs: deploy-staging
  runs-on: ubuntu-latest
  steps:
    - name: Health check
      run: |
        curl -f http://localhost/api/status || echo "status endpoint failed"
"""
_PROD = """
deploy-prod:
  name: Deploy to production
  needs: smoke
  runs-on: ubuntu-latest
  steps:
    - run: ./deploy.sh production
"""


def _smoke_finding(tmp_path, body: str) -> list[tuple[str, int, bool]]:
    """Return (rule, line is the curl's, fails) of each finding on the curl."""
    text = _jobs(body)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    return [(r, ln == line_of(text, "curl -f"), fails) for r, _, ln, fails in found]


def test_a_health_check_after_the_last_deploy_is_a_note(tmp_path):
    assert _smoke_finding(tmp_path, _SMOKE) == [("QG102", True, False)]


def test_a_health_check_a_later_deploy_needs_is_still_a_gate(tmp_path):
    assert _smoke_finding(tmp_path, _SMOKE + _PROD) == [("QG102", True, True)]
