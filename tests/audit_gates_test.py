"""audit-gates: every neutralising pattern fails with its rule, and its honest twin passes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import REPO, InProcess, Project, cli, validate_sarif
from quality_gates.guards.integrity import audit as integrity
from quality_gates.guards.integrity import gatecmd
from quality_gates.guards.integrity.rules import RULES
from quality_gates.guards.integrity.shell import script_audit
from workflow_yaml import DIGEST, SHA, audit, run_step, workflow

# (shell script of one step, rule or None, text the message must contain)
SHELL_CASES = [
    pytest.param("flake8 . || true", "QG101", "`flake8 . || true`", id="or-true"),
    pytest.param("pytest -q || :", "QG101", "|| :", id="or-colon"),
    pytest.param("mypy src || exit 0", "QG101", "|| exit 0", id="or-exit-0"),
    pytest.param("cd src && pytest || true", "QG101", "pytest", id="list-or-true"),
    pytest.param("make lint || true", "QG101", "make lint", id="make-target"),
    pytest.param("python -m pytest || /bin/true", "QG101", "/bin/true", id="bin-true"),
    pytest.param(
        "bandit -r src || echo 'bandit found issues'", "QG102", "|| echo", id="or-echo"
    ),
    pytest.param(
        "pip-audit || printf 'vulnerable\\n'", "QG102", "pip-audit", id="or-printf"
    ),
    pytest.param(
        "set +e\npytest; exit 0", "QG103", "`pytest; exit 0`", id="exit-0-no-errexit"
    ),
    # under `bash -e {0}` (no shell:) pytest failing ends the script before exit 0
    pytest.param("pytest; exit 0", None, "", id="exit-0-under-errexit"),
    pytest.param(
        "set +e\npytest\necho done", "QG104", "`set +e` then `pytest`", id="set-e-off"
    ),
    pytest.param("set +e\nmypy .\nset -e", "QG104", "mypy", id="set-e-off-restored"),
    pytest.param("ruff check --exit-zero .", "QG106", "--exit-zero", id="exit-zero"),
    pytest.param(
        "flake8 \\\n  --exit-zero src", "QG106", "--exit-zero", id="exit-zero-continued"
    ),
    # the honest twins: same commands, failures kept
    pytest.param("flake8 . || exit 1", None, "", id="or-exit-1"),
    pytest.param("pytest || exit", None, "", id="or-bare-exit-keeps-status"),
    pytest.param(
        "pytest || { echo 'tests failed'; exit 1; }", None, "", id="echo-then-exit-1"
    ),
    pytest.param(
        "mypy . || (echo '::error::mypy'; false)", None, "", id="echo-then-false"
    ),
    pytest.param("rm -f build.log || true", None, "", id="non-gate-or-true"),
    pytest.param("pip cache purge || echo 'no cache'", None, "", id="non-gate-or-echo"),
    pytest.param('echo "never write pytest || true"', None, "", id="quoted-operator"),
    pytest.param("pytest  # not || true", None, "", id="commented-operator"),
    pytest.param("flake8 src  # never --exit-zero", None, "", id="commented-exit-zero"),
    pytest.param(
        "set +e\npytest\nstatus=$?\nset -e\nexit $status", None, "", id="set-e-checked"
    ),
    pytest.param(
        "set +e\npytest | tee log\nexit ${PIPESTATUS[0]}", None, "", id="pipestatus"
    ),
    pytest.param("set +e\nif ! pytest; then exit 1; fi", None, "", id="set-e-if"),
    pytest.param(
        "set +e; pytest; echo done", "QG104", "`pytest`", id="set-e-off-one-line"
    ),
    pytest.param(
        "set +e; pytest; rc=$?; exit $rc", None, "", id="set-e-one-line-checked"
    ),
    pytest.param(
        'if [ -z "$TOKEN" ]; then echo skip; exit 0; fi\npytest',
        None,
        "",
        id="early-exit-0",
    ),
    pytest.param("pytest\nexit 0", None, "", id="final-exit-0-under-errexit"),
]


@pytest.mark.parametrize(("script", "rule", "needle"), SHELL_CASES)
def test_run_scripts(script: str, rule: str | None, needle: str) -> None:
    found = audit(workflow(run_step(script)))
    if rule is None:
        assert found == []
        return
    assert [r for r, _, _ in found] == [rule]
    _, line, message = found[0]
    assert needle in message
    assert RULES[rule].why in message and "Fix:" in message
    flagged = workflow(run_step(script)).splitlines()[line - 1].strip()
    assert flagged in [part.strip() for part in script.splitlines()]
    if rule == "QG104":
        assert flagged.startswith("set +e")
    else:
        assert flagged == script.splitlines()[0] or needle.strip("`") in flagged


STEP_CASES = [
    pytest.param(
        "- run: pytest\n  continue-on-error: true", "", "QG105", id="coe-step"
    ),
    pytest.param(
        "- uses: pre-commit/action@" + SHA + "\n  continue-on-error: true",
        "",
        "QG105",
        id="coe-gate-action",
    ),
    pytest.param("- run: pytest", "continue-on-error: true", "QG105", id="coe-job"),
    pytest.param(
        "- uses: actions/upload-artifact@" + SHA + "\n  continue-on-error: true",
        "",
        None,
        id="coe-upload-is-fine",
    ),
    pytest.param(
        "- run: pytest",
        "continue-on-error: ${{ matrix.experimental }}",
        None,
        id="coe-matrix",
    ),
    pytest.param("- run: pytest\n  continue-on-error: false", "", None, id="coe-false"),
    pytest.param("- run: pytest", "if: false", "QG107", id="if-false-job"),
    pytest.param(
        "- run: pytest\n  if: ${{ false }}", "", "QG107", id="if-false-expr-step"
    ),
    pytest.param(
        "- run: pytest", "if: false && github.ref == 'x'", "QG107", id="if-false-and"
    ),
    pytest.param(
        "- run: pytest", "if: github.event_name == 'push'", None, id="if-real"
    ),
    pytest.param(
        "- run: pytest",
        "if: ${{ github.event.workflow_run.conclusion == 'success' && "
        "github.event.workflow_run.outputs.tests == 'true' }}",
        "QG107",
        id="if-workflow-run-outputs",
    ),
    pytest.param(
        "- name: Deploy\n  run: ./deploy.sh",
        "if: false",
        None,
        id="if-false-not-a-gate",
    ),
    pytest.param(
        "- name: Build and push the image\n  run: |\n    docker build -t app .\n"
        "    docker push app",
        "if: false",
        None,
        id="if-false-build-to-ship",
    ),
    pytest.param(
        "- name: Build the image\n  run: docker build -t app .",
        "if: false",
        "QG107",
        id="if-false-build-to-check",
    ),
    pytest.param(
        "- name: Build, test and push\n  run: |\n    docker build -t app .\n"
        "    docker push app",
        "if: false",
        "QG107",
        id="if-false-build-test-push",
    ),
    pytest.param(
        f"- uses: aquasecurity/trivy-action@{SHA}  # 0.28.0\n  with:\n"
        "    format: sarif\n    output: trivy.sarif\n  continue-on-error: true",
        "",
        None,
        id="coe-scanner-that-only-reports",
    ),
    pytest.param("- uses: actions/setup-python@v5", "", "QG110", id="tag"),
    pytest.param("- uses: actions/setup-python@main", "", "QG110", id="branch"),
    pytest.param("- uses: actions/setup-python@0b93645", "", "QG110", id="short-sha"),
    pytest.param("- uses: actions/setup-python", "", "QG110", id="no-ref"),
    pytest.param(f"- uses: actions/setup-python@{SHA} # v5", "", None, id="full-sha"),
    pytest.param("- uses: ./.github/actions/setup", "", None, id="local-action"),
    pytest.param("- uses: docker://alpine:3.20", "", "QG110", id="docker-tag"),
    pytest.param(f"- uses: docker://alpine@{DIGEST}", "", None, id="docker-digest"),
    pytest.param(
        "- uses: org/lint-action@" + SHA + "\n  with:\n    args: --exit-zero",
        "",
        "QG106",
        id="exit-zero-in-with",
    ),
    pytest.param(
        f"- uses: aquasecurity/trivy-action@{SHA}  # 0.28.0\n  with:\n"
        "    image-ref: app:ci\n    exit-code: 0",
        "",
        "QG106",
        id="scanner-exit-code-0",
    ),
    pytest.param(
        f"- uses: aquasecurity/trivy-action@{SHA}  # 0.28.0\n  with:\n"
        "    image-ref: app:ci\n    exit-code: '1'",
        "",
        None,
        id="scanner-exit-code-1",
    ),
    pytest.param(
        "- id: lint\n  run: ruff check .\n  continue-on-error: true\n"
        "- name: Fail when a check failed\n  if: always()\n  run: |\n"
        '    if [ "${{ steps.lint.outcome }}" != success ]; then exit 1; fi',
        "",
        None,
        id="coe-outcome-checked-later",
    ),
    pytest.param(
        "- id: lint\n  run: ruff check .\n  continue-on-error: true\n"
        "- name: Summary\n  if: always()\n  run: |\n"
        '    echo "lint: ${{ steps.lint.outcome }}" >> "$GITHUB_STEP_SUMMARY"',
        "",
        "QG105",
        id="coe-outcome-only-reported",
    ),
    pytest.param(
        "- name: Run tests\n  run: ./gradlew check\n  continue-on-error: true",
        "",
        "QG105",
        id="coe-build-tool-goal",
    ),
    pytest.param(
        "- name: Install butterfly-testing\n"
        "  run: mvn -f ../butterfly-testing/pom.xml install -DskipTests\n"
        "  continue-on-error: true",
        "",
        None,
        id="coe-setup-step",
    ),
]


@pytest.mark.parametrize(("steps", "job", "rule"), STEP_CASES)
def test_steps_and_jobs(steps: str, job: str, rule: str | None) -> None:
    found = audit(workflow(steps, job=job))
    assert [r for r, _, _ in found] == ([rule] if rule else [])


def test_line_points_at_the_key() -> None:
    text = workflow("- run: pytest\n  continue-on-error: true")
    ((rule, line, _),) = audit(text)
    assert text.splitlines()[line - 1].strip() == "continue-on-error: true"
    text = workflow("- uses: actions/setup-python@v5")
    ((_, line, message),) = audit(text)
    assert "actions/setup-python@v5" in text.splitlines()[line - 1]
    assert "is a tag or branch, not a commit SHA" in message


def test_reusable_workflow_must_be_pinned() -> None:
    text = (
        "on: push\npermissions: {}\njobs:\n"
        "  call:\n    uses: org/repo/.github/workflows/lint.yml@main\n"
        "  local:\n    uses: ./.github/workflows/lint.yml\n"
        "  same-repo:\n    uses: $/.github/workflows/plan.yml\n"
    )
    assert [(r, line) for r, line, _ in audit(text)] == [("QG110", 5)]


PERMISSION_CASES = [
    pytest.param("", ["QG111"], id="none"),
    pytest.param("permissions:\n  contents: read\n", [], id="top-level"),
    pytest.param("permissions: {}\n", [], id="empty-top-level"),
    pytest.param("permissions: write-all\n", ["QG114"], id="write-all"),
    pytest.param("permissions: read-all\n", [], id="read-all"),
]


@pytest.mark.parametrize(
    ("on", "rules"),
    [
        pytest.param("workflow_call", [], id="reusable-gets-the-callers-token"),
        pytest.param(
            "\n  workflow_call:\n    inputs:\n      python:\n        type: string",
            [],
            id="reusable-with-inputs",
        ),
        pytest.param("[workflow_call, push]", ["QG111"], id="reusable-and-push"),
    ],
)
def test_reusable_workflow_permissions(on: str, rules: list[str]) -> None:
    text = workflow(top="").replace("on: [push, pull_request]", f"on: {on}")
    assert [r for r, _, _ in audit(text)] == rules


def test_job_with_write_all() -> None:
    text = workflow(job="permissions: write-all")
    ((rule, line, message),) = audit(text)
    assert (rule, text.splitlines()[line - 1].strip()) == (
        "QG114",
        "permissions: write-all",
    )
    assert message.startswith("job `test`: `permissions: write-all`: every step")


@pytest.mark.parametrize(("top", "rules"), PERMISSION_CASES)
def test_permissions(top: str, rules: list[str]) -> None:
    assert [r for r, _, _ in audit(workflow(top=top))] == rules


def test_permissions_on_every_job_is_enough() -> None:
    text = workflow(top="", job="permissions:\n  contents: read")
    assert audit(text) == []
    two = text + "  other:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
    assert [(r, m.split(":")[0]) for r, _, m in audit(two)] == [
        ("QG111", "job `other` has no `permissions")
    ]


BROKEN_CASES = [
    pytest.param(b"", "QG108", 1, "workflow is empty", id="empty"),
    pytest.param(
        b"# only a comment\n\n", "QG108", 1, "workflow is empty", id="comments-only"
    ),
    pytest.param(
        b"on: push\njobs:\n  test:\n    steps:\n      - run: [pytest\n",
        "QG109",
        6,
        "invalid YAML",
        id="truncated",
    ),
    pytest.param(
        b"on: push\njobs: {\n  a: 1\n  b\n", "QG109", 5, "invalid YAML", id="bad-flow"
    ),
    pytest.param(b"on: push\n\tjobs: x\n", "QG109", 2, "invalid YAML", id="tab"),
    pytest.param(b"name: caf\xe9\n", "QG109", 1, "not UTF-8", id="latin-1"),
    pytest.param(b"on: push\n\x00\x01\x02", "QG109", 2, "binary", id="binary"),
    pytest.param(b"- a\n- b\n", "QG109", 1, "not a mapping", id="a-list"),
    pytest.param(b"on: push\n", "QG109", 1, "no `jobs:`", id="no-jobs"),
    pytest.param(b"a: 1\n---\nb: 2\n", "QG109", 2, "invalid YAML", id="two-documents"),
]


@pytest.mark.parametrize(("data", "rule", "line", "needle"), BROKEN_CASES)
def test_broken_workflows_are_findings(
    data: bytes, rule: str, line: int, needle: str
) -> None:
    found = audit(data)
    assert (found[0][0], found[0][1]) == (rule, line)
    assert needle in found[0][2]


def test_clean_workflow_is_quiet() -> None:
    text = workflow(f"""
        - uses: actions/setup-python@{SHA}  # v5.3.0
          with:
            python-version: "3.12"
        - run: pip install -e '.[test]' || true
        - name: tests
          run: |
            set -euo pipefail
            python -m pytest -q || {{ echo "::error::tests failed"; exit 1; }}
        - uses: actions/upload-artifact@{SHA}  # v4
          if: always()
          continue-on-error: true
          with:
            name: coverage
            path: .coverage
        """)
    assert audit(text) == []


@pytest.mark.parametrize(
    ("command", "gate"),
    [
        ("pytest -q", True),
        ("python3 -m pytest", True),
        ("FOO=1 sudo .venv/bin/flake8 src", True),
        ("uv run --frozen mypy .", True),
        ("poetry run black --check .", True),
        ("npx eslint .", True),
        ("make -C docs lint", True),
        ("npm run typecheck", True),
        ("pip check", True),
        ("./scripts/run-tests.sh", True),
        ("python tools/check_links.py", True),
        ("pip install pytest-xdist", False),
        ("rm -f coverage.xml", False),
        ("test -f setup.cfg", False),
        ("git checkout main", False),
        ("echo pytest", False),
        ("npm install", False),
    ],
)
def test_gate_commands(command: str, gate: bool) -> None:
    assert gatecmd.command_is_gate(command) is gate


def test_shell_masking_and_logical_lines() -> None:
    assert script_audit.mask("""echo "a || b" 'c' # x""") == "echo \"xxxxxx\" 'x' "
    assert script_audit.logical_lines("a \\\nb\nc") == [(0, "a  b"), (2, "c")]


# ---- config files: shadowing, ignored sections, D codes -----------------------

PYPROJECT_PYTEST = '[project]\nname = "x"\n\n[tool.pytest.ini_options]\naddopts = "--cov-fail-under=90"\n'
PRECOMMIT_DOCSTRINGS = (
    "repos:\n  - repo: https://github.com/PyCQA/flake8\n    rev: 7.1.1\n    hooks:\n"
    "      - id: flake8\n        additional_dependencies: [flake8-docstrings==1.7.0]\n"
)

CONFIG_CASES = [
    pytest.param(
        {"pytest.ini": "[pytest]\naddopts = -q\n", "pyproject.toml": PYPROJECT_PYTEST},
        [("QG120", "pyproject.toml", 4)],
        "pytest reads pytest.ini [pytest] first",
        id="pytest-ini-beats-pyproject",
    ),
    pytest.param({"pyproject.toml": PYPROJECT_PYTEST}, [], "", id="pyproject-alone"),
    pytest.param(
        {
            "pytest.ini": "[tool:pytest]\naddopts = --cov-fail-under=90\n",
            "pyproject.toml": PYPROJECT_PYTEST,
        },
        [("QG120", "pyproject.toml", 4), ("QG121", "pytest.ini", 1)],
        "pytest reads only [pytest] in pytest.ini",
        id="pytest-ini-wrong-header",
    ),
    pytest.param(
        {"pytest.ini": "[pytest]\naddopts = -q\n"}, [], "", id="pytest-ini-alone"
    ),
    pytest.param(
        {"pytest.ini": "", "pyproject.toml": PYPROJECT_PYTEST},
        [("QG120", "pyproject.toml", 4)],
        "(the whole file)",
        id="empty-pytest-ini-still-wins",
    ),
    pytest.param(
        {"setup.cfg": "[metadata]\nname = x\n\n[pytest]\naddopts = -q\n"},
        [("QG121", "setup.cfg", 4)],
        "pytest reads [tool:pytest] in setup.cfg",
        id="setup-cfg-pytest",
    ),
    pytest.param(
        {"setup.cfg": "[tool:pytest]\naddopts = -q\n"},
        [],
        "",
        id="setup-cfg-tool-pytest",
    ),
    pytest.param(
        {"tox.ini": "[tox]\nenvlist = py\n[tool:pytest]\naddopts = -q\n"},
        [("QG121", "tox.ini", 3)],
        "pytest reads only [pytest] in tox.ini",
        id="tox-tool-pytest",
    ),
    pytest.param(
        {
            "tox.ini": "[pytest]\naddopts = -q\n",
            "setup.cfg": "[tool:pytest]\naddopts = -x\n",
        },
        [("QG120", "setup.cfg", 1)],
        "pytest reads tox.ini [pytest] first",
        id="tox-beats-setup-cfg",
    ),
    pytest.param(
        {
            "setup.cfg": "[flake8]\nmax-line-length = 120\n",
            ".flake8": "[flake8]\nmax-line-length = 88\n",
        },
        [("QG122", ".flake8", 1)],
        "flake8 reads setup.cfg [flake8] first, so .flake8 [flake8]",
        id="setup-cfg-beats-flake8",
    ),
    pytest.param(
        {
            "setup.cfg": "[metadata]\nname = x\n",
            ".flake8": "[flake8]\nmax-line-length = 88\n",
        },
        [],
        "",
        id="setup-cfg-without-flake8",
    ),
    pytest.param(
        {
            ".flake8": "[flake8]\nselect = E,F,W\n",
            ".pre-commit-config.yaml": PRECOMMIT_DOCSTRINGS,
        },
        [("QG123", ".flake8", 2)],
        "`select = E, F, W` has no D code",
        id="select-drops-d",
    ),
    pytest.param(
        {
            ".flake8": "[flake8]\nselect = E,F,W,D\n",
            ".pre-commit-config.yaml": PRECOMMIT_DOCSTRINGS,
        },
        [],
        "",
        id="select-keeps-d",
    ),
    pytest.param(
        {
            ".flake8": "[flake8]\nselect = E,F,W\nextend-select = D\n",
            "requirements-dev.txt": "flake8-docstrings\n",
        },
        [],
        "",
        id="extend-select-d",
    ),
    pytest.param(
        {
            "setup.cfg": "[flake8]\ndocstring-convention = google\nextend_ignore = E203, D\n"
        },
        [("QG123", "setup.cfg", 3)],
        "`D` in the ignore list",
        id="ignore-all-d",
    ),
    pytest.param(
        {
            "setup.cfg": "[flake8]\ndocstring-convention = google\nextend-ignore = D100,D104\n"
        },
        [],
        "",
        id="ignore-some-d",
    ),
    pytest.param(
        {".flake8": "[flake8]\nselect = E,F,W\n"}, [], "", id="select-without-plugin"
    ),
    pytest.param(
        {
            ".pre-commit-config.yaml": PRECOMMIT_DOCSTRINGS
            + "        args: [--select=E,F,W]\n",
        },
        [("QG123", ".pre-commit-config.yaml", 7)],
        "hook `flake8` args",
        id="hook-args-drop-d",
    ),
    pytest.param(
        {
            "mypy.ini": "[mypy]\nignore_missing_imports = True\n",
            "pyproject.toml": "[tool.mypy]\nstrict = true\n",
        },
        [("QG124", "pyproject.toml", 1)],
        "mypy reads mypy.ini [mypy] first",
        id="mypy-ini-beats-pyproject",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.mypy]\nstrict = true\n"},
        [],
        "",
        id="mypy-pyproject-alone",
    ),
    pytest.param(
        {"setup.cfg": "[tool:mypy]\nstrict = True\n"},
        [("QG121", "setup.cfg", 1)],
        "mypy reads only [mypy]",
        id="setup-cfg-tool-mypy",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.flake8]\nmax-line-length = 88\n"},
        [("QG121", "pyproject.toml", 1)],
        "flake8 does not read pyproject.toml",
        id="flake8-in-pyproject",
    ),
    pytest.param(
        {
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["Flake8-pyproject"]\n'
            "[tool.flake8]\nmax-line-length = 88\n"
        },
        [],
        "",
        id="flake8-pyproject-plugin",
    ),
    pytest.param(
        {"pyproject.toml": '[tool.pytest.ini_options]\naddopts = "-q\n'},
        [("QG109", "pyproject.toml", 2)],
        "invalid TOML",
        id="pyproject-invalid",
    ),
    pytest.param(
        {"setup.cfg": "[flake8]\nselect = E\nnot a key value\n"},
        [("QG109", "setup.cfg", 3)],
        "invalid INI",
        id="setup-cfg-invalid",
    ),
    pytest.param(
        {"tox.ini": b"[tox]\nenvlist = caf\xe9\n"},
        [("QG109", "tox.ini", 2)],
        "not UTF-8",
        id="tox-not-utf8",
    ),
    pytest.param(
        {
            ".pre-commit-config.yaml": "repos:\n- repo: local\n  hooks:\n  - id: lint\n    entry: bash -c 'flake8 . || true'\n"
        },
        [("QG101", ".pre-commit-config.yaml", 5)],
        "`flake8 . || true`",
        id="precommit-bash-or-true",
    ),
    pytest.param(
        {
            ".pre-commit-config.yaml": PRECOMMIT_DOCSTRINGS
            + "        args: [--exit-zero]\n"
        },
        [("QG106", ".pre-commit-config.yaml", 7)],
        "--exit-zero",
        id="precommit-exit-zero",
    ),
    pytest.param(
        {
            "tox.ini": "[testenv]\ncommands =\n    - pytest {posargs}\n    - rm -rf build\n"
        },
        [("QG101", "tox.ini", 3)],
        "tox ignores the exit code",
        id="tox-dash-prefix",
    ),
    pytest.param(
        {"tox.ini": "[testenv:lint]\ncommands = flake8 --exit-zero src\n"},
        [("QG106", "tox.ini", 2)],
        "--exit-zero",
        id="tox-exit-zero",
    ),
    pytest.param(
        {"tox.ini": "[testenv:lint]\nignore_outcome = true\ncommands = ruff check .\n"},
        [("QG105", "tox.ini", 2)],
        "`ignore_outcome = true`",
        id="tox-ignore-outcome",
    ),
    pytest.param(
        {"tox.ini": "[testenv:lint]\ncommands =\n    bash -c 'mypy src || true'\n"},
        [("QG101", "tox.ini", 3)],
        "`mypy src || true`",
        id="tox-bash-or-true",
    ),
    pytest.param(
        {
            "tox.ini": "[testenv]\nignore_errors = true\ncommands =\n    pytest\n    flake8\n"
        },
        [],
        "",
        id="tox-honest",
    ),
    pytest.param(
        {
            ".flake8": "[flake8]\nselect = E,F,W\n",
            ".pre-commit-config.yaml": PRECOMMIT_DOCSTRINGS.replace(
                "flake8-docstrings==1.7.0", "flake8-bugbear==24.12.12"
            ),
        },
        [("QG115", ".flake8", 2)],
        "`select = E, F, W` has no B code (flake8-bugbear is in use)",
        id="select-drops-bugbear",
    ),
    pytest.param(
        {
            ".flake8": "[flake8]\nselect = E,F,W\nextend-select = B\n",
            "requirements-dev.txt": "flake8-bugbear==24.12.12\n",
        },
        [],
        "",
        id="extend-select-bugbear",
    ),
    pytest.param(
        {
            "setup.cfg": "[flake8]\nselect = E,F,W,B\n",
            "requirements/lint.txt": "flake8\nflake8-comprehensions\n",
        },
        [("QG115", "setup.cfg", 2)],
        "has no C4 code (flake8-comprehensions is in use)",
        id="select-drops-comprehensions",
    ),
    pytest.param(
        {
            "setup.cfg": "[flake8]\nselect = C,E,F,W\n",
            "requirements-dev.txt": "flake8-comprehensions\n",
        },
        [],
        "",
        id="select-c-keeps-c4",
    ),
    pytest.param(
        {
            "tox.ini": "[flake8]\nextend-ignore = E203, SIM\n"
            "[testenv:lint]\ndeps = flake8-simplify\ncommands = flake8\n",
        },
        [("QG115", "tox.ini", 2)],
        "`SIM` in the ignore list turns off every SIM check",
        id="ignore-drops-simplify",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.mypy]\nstrict = true\nignore_errors = true\n"},
        [("QG116", "pyproject.toml", 3)],
        "`ignore_errors = true` next to `strict = true`",
        id="mypy-ignore-errors",
    ),
    pytest.param(
        {"mypy.ini": "[mypy]\nignore_errors = True\n"},
        [("QG116", "mypy.ini", 2)],
        "mypy.ini [mypy]: `ignore_errors = true`",
        id="mypy-ini-ignore-errors",
    ),
    pytest.param(
        {
            "pyproject.toml": "[tool.mypy]\nstrict = true\n\n[[tool.mypy.overrides]]\n"
            'module = ["legacy.*"]\nignore_errors = true\n'
        },
        [],
        "",
        id="mypy-ignore-errors-one-module",
    ),
    pytest.param(
        {
            ".github/actions/lint/action.yml": "runs:\n  using: composite\n  steps:\n"
            "    - run: ruff check . | tee ruff.txt\n      shell: sh\n"
        },
        [("QG112", ".github/actions/lint/action.yml", 4)],
        "without pipefail (`shell: sh -e {0}`)",
        id="composite-action-under-github",
    ),
    pytest.param(
        {".pre-commit-config.yaml": "repos: [\n"},
        [("QG109", ".pre-commit-config.yaml", 2)],
        "invalid YAML",
        id="precommit-invalid",
    ),
    pytest.param(
        {
            "actions/lint/action.yml": "runs:\n  using: composite\n  steps:\n"
            "    - uses: actions/setup-python@v5\n    - run: ruff check . || true\n      shell: bash\n"
        },
        [
            ("QG110", "actions/lint/action.yml", 4),
            ("QG101", "actions/lint/action.yml", 5),
        ],
        "ruff check . || true",
        id="composite-action",
    ),
]


@pytest.mark.parametrize(("files", "expected", "needle"), CONFIG_CASES)
def test_config_files(
    tmp_path: Path,
    files: dict[str, str | bytes],
    expected: list[tuple[str, str, int]],
    needle: str,
) -> None:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    found = integrity.run(tmp_path).findings
    assert sorted((f.rule, f.path, f.line) for f in found) == sorted(expected)
    if expected:
        assert any(needle in f.message for f in found)


# ---- the command -----------------------------------------------------------


def bad_project(project: Project) -> Project:
    project.write("pyproject.toml", PYPROJECT_PYTEST)
    project.write("pytest.ini", "[tool:pytest]\naddopts = -q\n")
    project.write(".github/workflows/ci.yml", workflow(run_step("flake8 . || true")))
    project.write(".github/workflows/empty.yaml", "")
    return project


def test_cli_reports_every_finding_with_file_and_line(
    project: Project, qg: InProcess
) -> None:
    bad_project(project)
    proc = qg(project.root, "audit-gates")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert any(
        line.startswith(
            ".github/workflows/ci.yml:12:0: audit-gates QG101 job `test`, step `gate`"
        )
        for line in lines
    ), proc.stdout
    assert any(
        line.startswith(".github/workflows/empty.yaml:1:0: audit-gates QG108")
        for line in lines
    )
    assert any(line.startswith("pytest.ini:1:0: audit-gates QG121") for line in lines)
    assert any(
        line.startswith("pyproject.toml:4:0: audit-gates QG120") for line in lines
    )
    assert lines[-1] == "audit-gates: failed"


def test_cli_clean_project_passes(project: Project, qg: InProcess) -> None:
    project.write("pyproject.toml", PYPROJECT_PYTEST + "\n[tool.mypy]\nstrict = true\n")
    project.write(".flake8", "[flake8]\nmax-line-length = 88\n")
    project.write(
        ".github/workflows/ci.yml", workflow(run_step("flake8 . || exit 1\npytest"))
    )
    proc = qg(project.root, "audit-gates")
    assert (proc.returncode, proc.stdout) == (0, "audit-gates: passed\n"), proc.stderr


def test_cli_files_limit_the_report(project: Project, qg: InProcess) -> None:
    bad_project(project)
    proc = qg(project.root, "audit-gates", "pytest.ini", "--format", "json")
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert {f["path"] for f in report["findings"]} == {"pytest.ini"}
    missing = qg(project.root, "audit-gates", "nope.yml")
    assert missing.returncode == 2
    assert "nope.yml: no such file" in missing.stderr


def test_cli_sarif_carries_why_and_fix(project: Project, qg: InProcess) -> None:
    bad_project(project)
    proc = qg(project.root, "audit-gates", "--format", "sarif")
    assert proc.returncode == 1
    document = json.loads(proc.stdout)
    validate_sarif(document)
    (run,) = document["runs"]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert set(rules) == set(RULES)
    assert rules["QG101"]["help"]["text"].startswith("Why: the step succeeds whatever")
    assert rules["QG101"]["properties"]["fix"] == RULES["QG101"].fix
    assert {r["ruleId"] for r in run["results"]} == {
        "QG101",
        "QG108",
        "QG111",
        "QG120",
        "QG121",
    } - {"QG111"}


def test_cli_github_format(project: Project, qg: InProcess) -> None:
    bad_project(project)
    proc = qg(project.root, "audit-gates", "--format", "github")
    assert proc.returncode == 1
    assert (
        "::error file=.github/workflows/ci.yml,line=12,col=0,title=audit-gates QG101::"
        in proc.stdout
    )


def test_cli_output_file_and_nothing_to_audit(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    out = tmp_path / "r.md"
    proc = qg(project.root, "audit-gates", "--format", "markdown", "--output", str(out))
    assert proc.returncode == 0
    assert "no workflow, action or tool config file found" in proc.stderr
    assert out.read_text().startswith("## quality-gates audit-gates: passed")


def test_unreadable_workflow_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "dir.yml").mkdir()  # a folder named like a workflow is skipped
    (folder / "bin.yml").write_bytes(bytes(range(256)))
    found = integrity.run(tmp_path).findings
    assert [(f.rule, f.path) for f in found] == [("QG109", ".github/workflows/bin.yml")]
    assert "binary file" in found[0].message


# ---- hostile workflows ------------------------------------------------------


def alias_bomb(levels: int = 9) -> str:
    """About 700 bytes whose `with:` expands to 10**9 scalars if aliases are copied."""
    rows = ['l0: &l0 ["--exit-zero", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    rows += [
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels)
    ]
    return workflow(
        f"- uses: org/lint-action@{SHA}\n  with:\n"
        + textwrap.indent("\n".join(rows), "    ")
    )


def test_yaml_alias_bomb_is_read_once_per_node(project: Project, qg: InProcess) -> None:
    text = alias_bomb()
    assert len(text.encode()) < 1200
    project.write(".github/workflows/ci.yml", text)
    proc = qg(project.root, "audit-gates", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    found = json.loads(proc.stdout)["findings"]
    assert [(f["rule"], f["line"]) for f in found] == [("QG106", 12)]
    assert 'l0: &l0 ["--exit-zero"' in text.splitlines()[11]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("x: " + "[" * 500 + "]" * 500, id="flow"),
        pytest.param(
            "\n".join("  " * depth + f"k{depth}:" for depth in range(500)) + " 1",
            id="block",
        ),
    ],
)
def test_workflow_nested_500_deep_is_a_finding(project: Project, body: str) -> None:
    """A process of its own: the stack depth is the command's, not the test's."""
    project.write(".github/workflows/deep.yml", "on: push\n" + body + "\n")
    proc = cli(project.root, "audit-gates")
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0].startswith(
        ".github/workflows/deep.yml:1:0: audit-gates QG109 workflow: invalid YAML: "
        "nested too deeply to read"
    )


def test_every_rule_is_documented_on_its_page() -> None:
    section = (REPO / "docs" / "gate-integrity.md").read_text()
    for rule in RULES:
        assert f"| `{rule}` |" in section, rule
