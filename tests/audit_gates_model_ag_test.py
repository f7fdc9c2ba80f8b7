"""audit-gates on checks known by their step's purpose, and on twin runs.

Not blind: each case is the general form of a lost check the audit missed
(a step named for setup *and* a check, a script named for verifying a
release, a build job whose build nothing uses, a check run strictly in
another workflow), beside the twin that differs in the one thing that
decides.  Real bash runs the twin's command where its status decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of
from failing_checkers import run_failing
from quality_gates.guards.integrity import gatecmd, stepnames

CI = ".github/workflows/ci.yml"
OTHER = ".github/workflows/security.yml"

# ---- a step named for setup and a check beside it ---------------------------


@pytest.mark.parametrize(
    ("name", "checks"),
    [
        ("Install project and test cli", True),
        ("Setup and run tests", True),
        ("Install dependencies, then lint", True),
        ("Install & verify the wheel", True),
        # twins: every part of the name sets up, or only builds
        ("Install project", False),
        ("Install test dependencies", False),
        ("Setup Python and install test deps", False),
        ("Install and checkout", False),
        ("Install and build", False),
        ("test-cluster-shutdown", False),
    ],
)
def test_a_name_joining_setup_and_a_check(name: str, checks: bool) -> None:
    assert bool(stepnames.checking_context(name, "job")) is checks


def _grep_step(name: str) -> str:
    return _jobs("""
        cli:
          runs-on: ubuntu-latest
          steps:
            - name: <NAME>
              run: |
                mytool init -y
                ./bin/cli run demo || echo "demo failed"
        """.replace("<NAME>", name))


@pytest.mark.parametrize(
    ("name", "found"),
    [("Install project and test cli", True), ("Install project", False)],
)
def test_setup_and_test_step_loses_its_cli_run(
    tmp_path: Path, name: str, found: bool
) -> None:
    text = _grep_step(name)
    rules = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "./bin/cli")
    assert rules == ([("QG102", CI, line, True)] if found else [])


# ---- a script named for checking what a setup word names --------------------


@pytest.mark.parametrize(
    ("script", "checks"),
    [
        ("dev/release/verify-release-candidate.sh", True),
        ("scripts/check_install.sh", True),
        ("ci/validate-deploy.sh", True),
        # twins: named for setting up, or for a report
        ("dev/release/release-candidate.sh", False),
        ("scripts/install-deps.sh", False),
        ("test-setup.sh", False),
        ("verify_report.py", False),
    ],
)
def test_a_script_named_for_checking_a_setup_word(script: str, checks: bool) -> None:
    assert gatecmd.named([script, "1.0"]) is checks


@pytest.mark.parametrize(
    ("script", "rule"),
    [
        ("dev/release/verify-release-candidate.sh", "QG105"),
        ("dev/release/01-prepare.sh", None),
    ],
)
def test_verify_step_continuing_on_error(
    tmp_path: Path, script: str, rule: str | None
) -> None:
    text = _jobs(
        """
        apt:
          runs-on: ubuntu-latest
          steps:
            - name: Verify the previous version
              continue-on-error: true
              run: |
                git checkout "apache-arrow-$PREVIOUS"
                <SCRIPT> "$PREVIOUS"
        """.replace("<SCRIPT>", script),
        top="on:\n  push:\n    tags: ['*-rc*']\n  pull_request:\n",
    )
    rules = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "continue-on-error")
    assert rules == ([(rule, CI, line, True)] if rule else [])


# ---- a check lost in one workflow, kept strictly in another -----------------

_EVENTS = "on:\n  push:\n    branches: [main]\n  pull_request:\n    branches: [main]\n"


def _lint(step: str, events: str = _EVENTS) -> str:
    return _jobs(
        """
        lint:
          runs-on: ubuntu-latest
          steps:
            - name: Install
              run: pip install -e ".[dev]"
            <STEP>
        """,
        top=events,
        STEP=step,
    )


_LOST_COE = "- name: pip-audit\n  continue-on-error: true\n  run: pip-audit"
_LOST_OR = "- name: pip-audit\n  run: pip-audit || true"
_STRICT = "- name: Run pip-audit\n  run: |\n    mkdir -p reports\n    pip-audit"


@pytest.mark.parametrize(
    ("lost", "twin", "events", "failing"),
    [
        # the twin runs on the same push and pull_request events: a note
        (_LOST_COE, _STRICT, _EVENTS, False),
        (_LOST_OR, _STRICT, _EVENTS, False),
        # ... and on more events (a schedule beside them): still a note
        (_LOST_COE, _STRICT, _EVENTS + "  schedule:\n    - cron: '0 6 * * 1'\n", False),
        # twins that do not cover the pull requests: the loss stands
        (_LOST_COE, _STRICT, "on:\n  schedule:\n    - cron: '0 6 * * 1'\n", True),
        (_LOST_COE, _STRICT, "on:\n  push:\n    branches: [main]\n", True),
        (
            _LOST_COE,
            _STRICT,
            "on:\n  push:\n    branches: [main]\n  pull_request:\n"
            "    paths: ['requirements.txt']\n",
            True,
        ),
        # the twin itself is not strict
        (_LOST_COE, _STRICT + " || true", _EVENTS, True),
        (
            _LOST_COE,
            _STRICT.replace("run: |", "continue-on-error: true\n  run: |"),
            _EVENTS,
            True,
        ),
        (
            _LOST_COE,
            _STRICT.replace("run: |", "if: github.ref == 'refs/heads/main'\n  run: |"),
            _EVENTS,
            True,
        ),
        # another command: no twin
        (
            _LOST_COE,
            _STRICT.replace("    pip-audit", "    pip-audit --strict"),
            _EVENTS,
            True,
        ),
    ],
)
def test_twin_in_another_workflow(
    tmp_path: Path, lost: str, twin: str, events: str, failing: bool
) -> None:
    files = {CI: _lint(lost), OTHER: _lint(twin, events)}
    found = audit_project(tmp_path, files)
    ours = [
        (r, fails, msg)
        for r, p, _, fails, msg in found
        if p == CI and r in ("QG101", "QG105")
    ]
    assert len(ours) == 1
    rule, fails, message = ours[0]
    assert fails is failing
    assert ("security.yml runs the same `pip-audit`" in message) is not failing


def test_twin_needs_another_file(tmp_path: Path) -> None:
    """The same workflow's other job is judged as it was: no repository twin."""
    text = _jobs("""
        lint:
          runs-on: ubuntu-latest
          steps:
            - name: pip-audit
              continue-on-error: true
              run: pip-audit
        audit:
          runs-on: ubuntu-latest
          steps:
            - name: Run pip-audit
              run: pip-audit
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG105", CI, line_of(text, "continue-on-error"), True)]


@pytest.mark.parametrize(
    ("script", "code"), [("pip-audit\n", 1), ("pip-audit || true\n", 0)]
)
def test_the_twin_fails_where_the_copy_passes(
    tmp_path: Path, script: str, code: int
) -> None:
    """Real bash: the strict twin's step fails on the audit, the copy does not."""
    shell = ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail"]
    assert (
        run_failing(tmp_path, shell, "mkdir -p reports\n" + script, ("pip-audit",))
        == code
    )


# ---- a name that asks whether something changed is no check -----------------


@pytest.mark.parametrize(
    "name",
    ["Update schema and check for changes", "Install and check if changed"],
)
def test_a_question_beside_setup_is_no_check(name: str) -> None:
    assert stepnames.checking_context(name, "job") == ""


# ---- a build whose product nothing uses, on pull requests -------------------

_STORYBOOK = """
storybook:
  name: Storybook Build
  runs-on: ubuntu-latest
  continue-on-error: true
  steps:
    - uses: actions/checkout@v4
    - name: Setup Node.js environment
      uses: ./.github/actions/setup-node-env
    - name: Build Storybook
      run: cd frontend && npm run build-storybook
<AFTER>
    - name: Add build summary
      if: always()
      run: echo "## Storybook Build" >> "$GITHUB_STEP_SUMMARY"
"""
_UPLOAD = (
    "    - uses: actions/upload-artifact@v4\n"
    "      with:\n        name: storybook\n        path: frontend/storybook-static"
)
_PACKED = "    - name: Pack\n      run: tar czf storybook.tgz frontend/storybook-static"


@pytest.mark.parametrize(
    ("top", "after", "lost"),
    [
        ("on: [push, pull_request]\n", "", True),
        # a build in a job that verifies the change, on pull requests or
        # pushes, is a check also when a later step packs what it built
        # (the truth rules of corpus 21l: a plain build is a check there)
        ("on: [push, pull_request]\n", _PACKED, True),
        ("on: [push]\n", "", True),
        # twins: the build is uploaded (shipped on), or started by hand only
        ("on: [push, pull_request]\n", _UPLOAD, False),
        ("on: [workflow_dispatch]\n", "", False),
    ],
    ids=["build-check", "used-after", "push-only", "uploaded", "by-hand"],
)
def test_a_build_nothing_uses(tmp_path: Path, top: str, after: str, lost: bool) -> None:
    text = _jobs(
        _STORYBOOK.replace("<AFTER>\n", after + "\n" if after else ""), top=top
    )
    found = [
        (rule, line, failing)
        for rule, path, line, failing in gate_rules(audit_project(tmp_path, {CI: text}))
        if rule == "QG105"
    ]
    assert found == (
        [("QG105", line_of(text, "continue-on-error"), True)] if lost else []
    )


@pytest.mark.parametrize(
    ("workflow", "lost"), [("ci", True), ("Frontend pipeline", False)]
)
def test_a_build_in_a_job_not_named_for_building(
    tmp_path: Path, workflow: str, lost: bool
) -> None:
    """A job named for nothing it verifies, in a workflow named for nothing.

    In a workflow named ``ci`` the job verifies the change: its build is a
    check (corpus 21l's rule), lost with the job's ``continue-on-error``.
    """
    story = _STORYBOOK.replace("Storybook Build", "Frontend").replace("<AFTER>\n", "")
    text = _jobs(story, top="on: [push, pull_request]\n").replace(
        "name: ci\n", f"name: {workflow}\n", 1
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG105", CI, line_of(text, "continue-on-error"), True)]
    assert found == (expected if lost else [])


@pytest.mark.parametrize(
    ("words", "build"),
    [
        (["npm", "run", "build-storybook"], True),
        (["yarn", "build:docs"], True),
        (["pnpm", "--filter", "web", "run", "build"], True),
        (["npm", "run", "start"], False),
        (["npm", "ci"], False),
        (["npx", "vite", "build"], False),
    ],
)
def test_a_package_script_named_for_building(words: list[str], build: bool) -> None:
    assert gatecmd.runs_build_script(words) is build
