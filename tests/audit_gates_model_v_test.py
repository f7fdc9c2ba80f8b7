"""audit-gates on shapes the eighth and ninth corpora left (bench/audit_corpus_21h, _21i).

Not blind: each case is the general form of a lost check those corpora
showed, beside the honest twin that differs in the one thing that decides;
the real black and isort run where their own behaviour decides.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - fixed argument lists
import sys
import textwrap
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"

# ---- a workflow GitHub refuses at start-up: none of its checks runs --------


def _refusable(condition: str, deploy: str = "./deploy.sh") -> str:
    return _jobs("""
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
        """.replace("<COND>", f"      if: {condition}").replace("<DEPLOY>", deploy))


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
    text = _jobs("""
        lint:
          runs-on: ubuntu-latest
          steps:
            - run: ruff check .
        lint:
          runs-on: ubuntu-latest
          steps:
            - run: flake8 src
        """)
    rules = gate_rules(audit_project(tmp_path, {CI: text}))
    assert ("QG107", CI, line_of(text, "flake8 src"), True) in rules
    assert any(r[0] == "QG109" for r in rules)


def test_refused_workflow_step_already_lost_is_one_finding(tmp_path: Path) -> None:
    text = _jobs("""
        test:
          runs-on: ubuntu-latest
          steps:
            - name: Tests
              continue-on-error: true
              run: |
                pytest -q
                mypy src
            - name: Deploy
              if: secrets.TOKEN
              run: ./deploy.sh
        """)
    rules = gate_rules(audit_project(tmp_path, {CI: text}))
    # the step's `continue-on-error` already reports both of its checks lost
    assert [r for r in rules if r[0] == "QG107"] == []
    assert ("QG105", CI, line_of(text, "continue-on-error"), True) in rules


def test_workflow_that_does_not_parse_is_reported_once(tmp_path: Path) -> None:
    text = _jobs("""
        test:
          runs-on: ubuntu-latest
          steps:
            - run: |
                pytest -q
                python - <<'PY'
                print("x")
        PY
        """)
    rules = gate_rules(audit_project(tmp_path, {CI: text}))
    assert [r[0] for r in rules] == ["QG109"]


# ---- an inverted failure flag carried through $GITHUB_OUTPUT ---------------

_BY_GATE = """
PASSED=true
if ! pytest -q; then
  echo "tests failed"
  PASSED=false
fi
echo "passed=$PASSED" >> "$GITHUB_OUTPUT"
"""
_BY_TEST = """
PASSED=true
if [ "$(cat coverage.txt)" -lt 80 ]; then
  echo "WARNING: coverage below 80%"
  PASSED=false
fi
echo "passed=$PASSED" >> "$GITHUB_OUTPUT"
"""
_SHOWN = """
    - name: Summary
      run: echo "quality gate passed ${{ steps.gate.outputs.passed }}"
"""
_FAILED_ON = """
    - name: Enforce
      run: |
        if [ "${{ steps.gate.outputs.passed }}" != "true" ]; then
          exit 1
        fi
"""
_FAILED_ON_FALSE = """
    - name: Enforce
      if: steps.gate.outputs.passed == 'false'
      run: exit 1
"""


def _flag_workflow(script: str, reader: str, later_job: str = "") -> str:
    return _jobs(
        """
        check:
          runs-on: ubuntu-latest
          outputs:
            passed: ${{ steps.gate.outputs.passed }}
          steps:
            - name: Quality gate
              id: gate
              run: |
                <SCRIPT>
        <READER>
        <LATER>
        """,
        SCRIPT=script,
        READER=reader.strip("\n") or "# nothing reads it here",
        LATER=later_job or "# no later job",
    )


_JOB_FAILS = """
verdict:
  runs-on: ubuntu-latest
  needs: check
  if: needs.check.outputs.passed != 'true'
  steps:
    - run: exit 1
"""
_JOB_SHOWS = """
report:
  runs-on: ubuntu-latest
  needs: check
  steps:
    - run: echo "passed ${{ needs.check.outputs.passed }}"
"""


@pytest.mark.parametrize("script", [_BY_GATE, _BY_TEST], ids=["gate", "test"])
@pytest.mark.parametrize(
    ("reader", "later", "lost"),
    [
        pytest.param(_SHOWN, "", True, id="shown"),
        pytest.param("", _JOB_SHOWS, True, id="job-shows"),
        pytest.param(_FAILED_ON, "", False, id="step-fails"),
        pytest.param(_FAILED_ON_FALSE, "", False, id="step-if-false"),
        pytest.param("", _JOB_FAILS, False, id="job-fails"),
    ],
)
def test_inverted_flag_in_an_output_is_lost_unless_read_and_failed_on(
    tmp_path: Path, script: str, reader: str, later: str, lost: bool
) -> None:
    text = _flag_workflow(script, reader, later)
    found = audit_project(tmp_path, {CI: text})
    failing = [f for f in found if f[0] in ("QG101", "QG102", "QG113") and f[3]]
    if not lost:
        assert failing == []
        return
    needle = "pytest -q" if script is _BY_GATE else "PASSED=false"
    assert [(r, ln) for r, _, ln, _, _ in failing] == [
        ("QG102" if script is _BY_GATE else "QG101", line_of(text, needle))
    ]
    assert "recorded in `passed`, which nothing reads and fails on" in failing[0][4]


_TO_ENV = """
GATE_PASSED=true
if ! pytest -q; then
  echo "tests failed"
  GATE_PASSED=false
fi
echo "GATE_PASSED=$GATE_PASSED" >> "$GITHUB_ENV"
"""
_ENV_FAILED_ON = """
    - name: Enforce
      if: env.GATE_PASSED != 'true'
      run: exit 1
"""


@pytest.mark.parametrize(("reader", "lost"), [(_ENV_FAILED_ON, False), (_SHOWN, True)])
def test_inverted_flag_in_the_environment_file(
    tmp_path: Path, reader: str, lost: bool
) -> None:
    text = _flag_workflow(_TO_ENV, reader)
    found = audit_project(tmp_path, {CI: text})
    assert any(f[0] == "QG102" and f[3] for f in found) is lost


def test_flag_never_set_true_first_is_no_pass_flag(tmp_path: Path) -> None:
    # `OK=false` alone in a branch, never cleared first: a setting, not a tally
    script = _BY_TEST.replace("PASSED=true\n", "").replace("PASSED", "OK")
    text = _flag_workflow(script, _SHOWN.replace("passed", "ok"))
    found = audit_project(tmp_path, {CI: text})
    assert [f for f in found if f[0] == "QG101"] == []


# ---- a local pre-commit hook whose inline Python cannot fail ---------------

_DOCSTRINGS = """
import ast
import sys

missing = []
for path in sys.argv[1:]:
    tree = ast.parse(open(path).read())
    for node in ast.walk(tree):
        # 'assert' in a string, visit_Assert: no way to fail
        if isinstance(node, ast.FunctionDef) and not ast.get_docstring(node):
            missing.append(f"{path}:{node.lineno} {node.name}")
if missing:
    print("functions without a docstring:")
    print("\\n".join(missing))
<FAIL>
"""


def _hook(code: str, name: str = "Docstring check", extra: str = "") -> str:
    body = textwrap.indent(code.strip("\n"), " " * 12)
    return (
        "repos:\n  - repo: local\n    hooks:\n      - id: docstrings\n"
        f"        name: {name}\n        entry: python\n        language: system\n"
        f"        types: [python]\n{extra}        args:\n          - -c\n"
        f"          - |\n{body}\n"
    )


def _code(fail: str) -> str:
    return _DOCSTRINGS.replace("<FAIL>", fail)


def _status(tmp_path: Path, code: str) -> int:
    """Run the hook's code as pre-commit would: python -c CODE FILES."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    return 1\n")
    run = [sys.executable, "-c", code, str(sample)]
    return subprocess.run(run, check=False, capture_output=True).returncode  # nosec


@pytest.mark.parametrize(
    ("fail", "lost"),
    [
        ("# only warn", True),
        ("sys.exit(0)", True),
        ("    sys.exit(1)", False),
        ("assert not missing", False),
        ("raise SystemExit(len(missing))", False),
    ],
)
def test_inline_python_hook_that_only_reports_is_lost(
    tmp_path: Path, fail: str, lost: bool
) -> None:
    code = _code(fail)
    text = _hook(code)
    found = audit_project(tmp_path, {".pre-commit-config.yaml": text})
    hits = [(r, ln, f) for r, _, ln, f, _ in found if r == "QG102"]
    assert hits == ([("QG102", line_of(text, "if missing:"), True)] if lost else [])
    # the real python agrees: only the twins exit non-zero on a finding
    assert (_status(tmp_path, code) == 0) is lost


def test_inline_python_hook_entry_on_one_line(tmp_path: Path) -> None:
    entry = (
        'python -c \'import sys; bad = [f for f in sys.argv[1:] if "pdb" in '
        "open(f).read()]; print(bad)'"
    )
    text = (
        "repos:\n  - repo: local\n    hooks:\n      - id: no-pdb\n"
        f"        name: Check for pdb\n        entry: {entry}\n"
        "        language: system\n"
    )
    found = audit_project(tmp_path, {".pre-commit-config.yaml": text})
    # it tests nothing it could fail on: a note
    assert [(r, ln, f) for r, _, ln, f, _ in found] == [
        ("QG102", line_of(text, "entry:"), False)
    ]


@pytest.mark.parametrize(
    ("name", "extra", "expected"),
    [
        # shown by design: a warning the project chose
        ("Docstring check", "        verbose: true\n", False),
        # not named for checking: a helper, not a check
        ("List functions", "", None),
    ],
)
def test_inline_python_hook_twins(
    tmp_path: Path, name: str, extra: str, expected: bool | None
) -> None:
    text = _hook(_code("# only warn"), name, extra)
    found = audit_project(tmp_path, {".pre-commit-config.yaml": text})
    hits = [f for r, _, _, f, _ in found if r == "QG102"]
    assert hits == ([] if expected is None else [expected])


def test_inline_python_hook_that_does_not_parse_is_not_judged(tmp_path: Path) -> None:
    text = _hook("if missing print('x')")
    found = audit_project(tmp_path, {".pre-commit-config.yaml": text})
    assert [f for f in found if f[0] == "QG102"] == []


# ---- `--diff` without `--check`, and the formatter's own configuration -----

_UNSORTED = "import sys\nimport os\n\nx=1\nprint(os, sys, x)\n"
_BLACK_CHECKS = "[tool.black]\ncheck = true\n"
_ISORT_CHECKS = "[tool.isort]\ncheck = true\n"


def _lint_step(command: str) -> str:
    return _jobs("""
        lint:
          runs-on: ubuntu-latest
          steps:
            - name: Lint
              run: <COMMAND>
        """.replace("<COMMAND>", command))


def _tool_status(tmp_path: Path, tool: str, config: str) -> int:
    """Run the real formatter with ``--diff`` on an unformatted file."""
    folder = tmp_path / f"run-{tool}"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(config)
    (folder / "bad.py").write_text(_UNSORTED)
    program = shutil.which(tool) or str(Path(sys.executable).parent / tool)
    run = [program, "--diff", "bad.py"]
    done = subprocess.run(run, cwd=folder, check=False, capture_output=True)  # nosec
    return done.returncode


@pytest.mark.parametrize(
    ("tool", "config", "lost"),
    [
        ("black", "", True),
        # black reads every option from [tool.black]: `check = true` checks
        ("black", _BLACK_CHECKS, False),
        # isort takes `check` from its command line only
        ("isort", _ISORT_CHECKS, True),
        ("isort", "", True),
    ],
)
def test_diff_only_formatter_and_its_configuration(
    tmp_path: Path, tool: str, config: str, lost: bool
) -> None:
    text = _lint_step(f"{tool} --diff .")
    files = {CI: text, "pyproject.toml": config or "[project]\nname = 'x'\n"}
    rules = gate_rules(audit_project(tmp_path, files))
    assert (("QG106", CI, line_of(text, "--diff"), True) in rules) is lost
    # the real tool: black under `check = true` exits 1 on a file it would
    # change; isort refuses a configuration that sets `check` (it stops with
    # an error whatever the files say), so `--diff` alone never checks
    status = _tool_status(tmp_path, tool, config)
    if tool == "black":
        assert (status == 0) is lost
    if tool == "isort" and config:
        assert status != 0


def test_diff_only_in_tox_and_make_under_black_check(tmp_path: Path) -> None:
    tox = "[tox]\nenvlist = lint\n[testenv:lint]\ncommands =\n    black --diff src\n"
    make = "lint:\n\tblack --diff src\n"
    files = {"tox.ini": tox, "Makefile": make, "pyproject.toml": _BLACK_CHECKS}
    assert gate_rules(audit_project(tmp_path, files)) == []
    files["pyproject.toml"] = "[tool.black]\nline-length = 100\n"
    (tmp_path / "plain").mkdir()
    rules = gate_rules(audit_project(tmp_path / "plain", files))
    assert [(r, p) for r, p, _, _ in rules] == [
        ("QG106", "Makefile"),
        ("QG106", "tox.ini"),
    ]


def test_inline_python_hook_already_reported_is_one_finding(tmp_path: Path) -> None:
    entry = 'python -c \'import subprocess; subprocess.run(["flake8", "src"])\''
    text = (
        "repos:\n  - repo: local\n    hooks:\n      - id: lint\n"
        f"        name: Lint\n        entry: {entry}\n        language: system\n"
    )
    found = audit_project(tmp_path, {".pre-commit-config.yaml": text})
    # subprocess.run without check=True loses flake8's status: that finding only
    assert [r for r, *_ in found] == ["QG117"]
