"""audit-gates on the false findings and notes of the eighth corpus (not blind).

Each case is the general form of a finding that was wrong on a real
repository (bench/audit_corpus_21h), beside the honest twin that differs in
the one thing that decides; where a tool or the shell decides, the real one
runs (detect-secrets, bash).
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - fixed argument lists
import sys
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_k_test import _failing_tool
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"


def _step(name: str, script: str, job: str = "security", shell: str = "") -> str:
    return _jobs(
        f"""
        {job}:
          runs-on: ubuntu-latest
          steps:
            - name: {name}
              {shell or "shell: bash"}
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )


def _bash_passes(folder: Path, script: str, *flags: str) -> bool:
    """Run ``script`` with real bash (``flags``: -e, -o pipefail), pytest failing."""
    bash = shutil.which("bash")
    assert bash is not None
    (folder / "step.sh").write_text(script + "\n")
    done = subprocess.run(  # nosec B603
        [bash, "--noprofile", "--norc", *flags, "step.sh"],
        cwd=folder,
        env=_failing_tool(folder, "pytest"),
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


# ---- detect-secrets: `scan` writes a baseline, the hook is the check ---------


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # twins: the hook fails on a new secret; `|| true` loses it
        ("detect-secrets-hook --baseline .secrets.baseline app.py || true", "QG101"),
        # scan and audit --report exit 0 whatever they find: no check for
        # `|| true` to lose; the scan in a step named for detecting is at most
        # a note that the step's check cannot fail (21h read it as doubtful)
        ("detect-secrets scan --baseline .secrets.baseline || true", "note"),
        ("detect-secrets audit --report .secrets.baseline || true", ""),
    ],
)
def test_detect_secrets_checks_only_through_its_hook(
    tmp_path: Path, script: str, expected: str
) -> None:
    text = _step("Detect secrets", script)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "detect-secrets")
    want = {
        "QG101": [("QG101", CI, line, True)],
        "note": [("QG106", CI, line, False)],
        "": [],
    }
    assert found == want[expected]


def _detect_secrets(folder: Path, *args: str) -> tuple[int, str]:
    tool = Path(sys.executable).parent / "detect-secrets"
    if not tool.exists():
        pytest.skip("detect-secrets is not installed (pip install detect-secrets)")
    command = [str(tool), *args]
    if args[0] == "hook":
        command = [str(tool) + "-hook", *args[1:]]
    done = subprocess.run(  # nosec B603
        command, cwd=folder, capture_output=True, text=True, check=False
    )
    return done.returncode, done.stdout


def test_the_real_detect_secrets_fails_only_in_its_hook(tmp_path: Path) -> None:
    git = ["git", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)  # nosec B603 B607
    (tmp_path / "clean.py").write_text("x = 1\n")
    subprocess.run([*git, "add", "clean.py"], check=True)  # nosec B603 B607
    status, clean = _detect_secrets(tmp_path, "scan")
    assert status == 0 and '"results": {}' in clean
    baseline = tmp_path / ".secrets.baseline"
    (tmp_path / "app.py").write_text(
        'token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"\n'
    )
    subprocess.run([*git, "add", "app.py"], check=True)  # nosec B603 B607
    status, found = _detect_secrets(tmp_path, "scan")
    assert status == 0 and "app.py" in found  # finds the token, exits 0
    baseline.write_text(clean)
    assert _detect_secrets(tmp_path, "scan", "--baseline", baseline.name)[0] == 0
    assert "app.py" in baseline.read_text()  # rewrote the baseline instead
    assert _detect_secrets(tmp_path, "audit", "--report", baseline.name)[0] == 0
    baseline.write_text(clean)
    hook = _detect_secrets(tmp_path, "hook", "--baseline", baseline.name, "app.py")
    assert hook[0] == 1


# ---- a cloud CLI scans cloud resources, not the project ----------------------


@pytest.mark.parametrize(
    ("command", "lost"),
    [
        ("semgrep scan --config auto --error src", True),
        ("aliyun accessanalyzer start-resource-scan --analyzer-arn x", False),
        ("oci cloud-guard problem list --compartment-id x", False),
        ("doctl apps list", False),
    ],
)
def test_a_cloud_cli_in_a_security_step_is_no_check(
    tmp_path: Path, command: str, lost: bool
) -> None:
    text = _step("Run security scan", f'{command} > out.json || echo "Scan completed"')
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG102", CI, line_of(text, command[:10]), True)] if lost else []
    assert found == expected


# ---- a `${{ }}` expression over several lines is one value -------------------

_SPLIT = """pytest ${{ github.event_name == 'push' &&
    '-m slow' ||
    '-m "not slow"' }}"""


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        # one command: pytest's status is the step's
        (_SPLIT, False),
        # twin: pytest then another command, under bash without -e
        ("pytest -m slow\necho done", True),
    ],
)
def test_an_expression_spanning_lines_is_one_word(
    tmp_path: Path, script: str, lost: bool
) -> None:
    text = _step("Run tests", script, job="test", shell="shell: bash -l {0}")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG104", CI, line_of(text, "pytest"), True)] if lost else []
    assert [f[:3] for f in found] == [f[:3] for f in expected]
    # the shell agrees: the expression's value is one line; a failing pytest
    # decides the step only when nothing runs after it
    value = "pytest -m slow" if script == _SPLIT else script
    assert _bash_passes(tmp_path, value) is lost


def test_cibuildwheel_test_command_chosen_by_an_expression_is_one_command(
    tmp_path: Path,
) -> None:
    text = _jobs("""
        wheels:
          runs-on: ubuntu-latest
          steps:
            - name: Build wheels
              uses: pypa/cibuildwheel@v3.4.0
              env:
                CIBW_TEST_COMMAND: >
                  ${{ github.event_name == 'push' &&
                      'python -m mypkg.test' ||
                      'python -c "import mypkg"' }}
        """)
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


# ---- a step named for changing files runs no check ---------------------------


@pytest.mark.parametrize(
    ("name", "lost"),
    [
        ("Modify documentation", False),
        ("Patch version strings", False),
        ("Rewrite links", False),
        # twin: the same scripts in a step named for building the docs
        ("Build documentation", True),
    ],
)
def test_a_step_named_for_changing_files_is_no_check(
    tmp_path: Path, name: str, lost: bool
) -> None:
    script = "python doc/suburl.py\npython doc/metatag.py"
    text = _step(name, script, job="doc", shell="shell: bash -l {0}")
    found = [f[:3] for f in gate_rules(audit_project(tmp_path, {CI: text}))]
    assert bool(found) is lost
    assert all(rule == "QG104" for rule, _, _ in found)


# ---- a script file named for benchmarking measures ---------------------------


@pytest.mark.parametrize(
    ("command", "lost"),
    [
        ("python benchmarks/bench_audit.py", False),
        ("python benchmarks/benchmark_slo.py", False),
        ("bash scripts/bench-kernel.sh", False),
        # twins: a file named for checking, and a checker by its own name
        ("python benchmarks/check_audit.py", True),
        ("pytest benchmarks/ --benchmark-only", True),
    ],
)
def test_a_benchmark_script_teed_to_an_artefact_is_no_check(
    tmp_path: Path, command: str, lost: bool
) -> None:
    text = _step(
        "Run audit benchmarks",
        f"{command} | tee /tmp/bench.json",
        job="benchmark",
        shell="shell: bash -e {0}",
    )
    found = [f[:3] for f in gate_rules(audit_project(tmp_path, {CI: text}))]
    assert found == ([("QG112", CI, line_of(text, command))] if lost else [])


# ---- `if ! cmd <<EOF`: the negation inside a redirection is still a negation --


def _negated_heredoc(then: str, after: str) -> str:
    return (
        "V=0\n"
        "for f in a.json b.json; do\n"
        "  if ! pytest \"$f\" <<'PY' 2>/dev/null\n"
        "import sys\n"
        "PY\n"
        "  then\n"
        f"    {then}\n"
        "  fi\n"
        "done\n"
        f"{after}"
    )


@pytest.mark.parametrize(
    ("then", "after", "lost"),
    [
        # the failure is counted and the count fails the step
        ("V=$((V + 1))", 'if [ "$V" -gt 0 ]; then exit 1; fi\necho ok', False),
        ("exit 1", "echo ok", False),
        # twin: the failure branch only prints
        ('echo "violation: $f"', "echo ok", True),
    ],
)
def test_a_negated_condition_with_a_heredoc_takes_its_failure_branch(
    tmp_path: Path, then: str, after: str, lost: bool
) -> None:
    script = _negated_heredoc(then, after)
    text = _step("Run tests", script, job="test")
    found = [f[:3] for f in gate_rules(audit_project(tmp_path, {CI: text}))]
    assert bool(found) is lost
    # the shell agrees: with pytest failing, the step fails only when the
    # branch counts or exits
    assert _bash_passes(tmp_path, script, "-e", "-o", "pipefail") is lost


# ---- inline code is no script's name; a condition that selects checks ---------


@pytest.mark.parametrize(
    ("command", "lost"),
    [
        ('node -e "process.exit(pkg.scripts.test ? 0 : 1)"', False),
        ("perl -e 'print qq(lint/test)'", False),
        # twin: a script file named for testing
        ("node scripts/test.js", True),
    ],
)
def test_inline_code_is_not_judged_as_a_script_name(
    tmp_path: Path, command: str, lost: bool
) -> None:
    text = _step("Package info", f'{command} || echo "failed"', job="pkg")
    found = [f[:3] for f in gate_rules(audit_project(tmp_path, {CI: text}))]
    assert found == ([("QG102", CI, line_of(text, command[:8]))] if lost else [])


_HAS_TESTS = "node -e \"process.exit(require('./package.json').scripts.test ? 0 : 1)\""


@pytest.mark.parametrize(
    ("then", "lost"),
    [
        # the condition decides whether the tests run: control flow
        ("npm test", False),
        ("if [ -d test ]; then\n      npm test\n    fi", False),
        # twin: the condition is the only check and its failure only prints
        ('echo "ok"', True),
    ],
)
def test_a_condition_whose_branch_runs_the_checks_selects_them(
    tmp_path: Path, then: str, lost: bool
) -> None:
    script = (
        f'if {_HAS_TESTS}; then\n    {then}\nelse\n  echo "No tests configured"\nfi'
    )
    text = _step("Test package", script, job="build-npm")
    found = [f[:3] for f in gate_rules(audit_project(tmp_path, {CI: text}))]
    assert found == ([("QG102", CI, line_of(text, "node -e"))] if lost else [])


# ---- a Windows path names its program by its last part -----------------------

_VENV = '& "$env:RUNNER_TEMP\\test-venv\\Scripts\\'


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        # `test-venv` is a folder: the program is python, installing
        (
            f'{_VENV}python.exe" -m pip install -U pip\n{_VENV}python.exe" -m pip list',
            False,
        ),
        # twin: the program is pytest, then another native program decides
        (f'{_VENV}pytest.exe" -q\n{_VENV}python.exe" -m pip list', True),
    ],
)
def test_a_windows_path_names_its_program_by_its_last_part(
    tmp_path: Path, script: str, lost: bool
) -> None:
    text = _step("Run tools", script, job="release", shell="shell: pwsh")
    found = [f[:3] for f in gate_rules(audit_project(tmp_path, {CI: text}))]
    assert found == ([("QG104", CI, line_of(text, "pytest.exe"))] if lost else [])
