"""audit-gates on the CI of issue #21: every miss and false alarm, with its twin.

Each case was missed or wrongly flagged on CI the rules had never seen.  The
bad case asserts its exact rule, the line it points at and whether it fails
(certain) or is a note (plausible); the honest twin asserts silence.  The
shells are GitHub's: no ``shell:`` on Linux is ``bash -e {0}``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from quality_gates import cli
from quality_gates.guards.integrity import audit as integrity
from quality_gates.guards.integrity import makefiles
from quality_gates.guards.integrity.rules import RULES, fails
from quality_gates.guards.integrity.shell import script_audit, step_shell
from workflow_yaml import DIGEST, SHA, workflow


def step(script: str, *, name: str = "check", extra: str = "") -> str:
    """One step named ``name`` running ``script`` (``extra`` keys before ``run``)."""
    body = textwrap.indent(textwrap.dedent(script).strip("\n"), "    ")
    more = textwrap.indent(textwrap.dedent(extra).strip("\n"), "  ")
    return f"- name: {name}\n" + (more + "\n" if more else "") + f"  run: |\n{body}"


def audit_project(
    tmp_path: Path, files: dict[str, str]
) -> list[tuple[str, str, int, bool, str]]:
    """Audit a project of ``files``: (rule, path, line, fails, message) per finding."""
    (tmp_path / ".git").mkdir()
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"))
    found = integrity.run(tmp_path).findings
    return sorted((f.rule, f.path, f.line, fails(f), f.message) for f in found)


def gate_rules(
    found: list[tuple[str, str, int, bool, str]],
) -> list[tuple[str, str, int, bool]]:
    """Drop the hygiene rules (pins, permissions) from the findings."""
    return [
        (r, p, ln, failing)
        for r, p, ln, failing, _ in found
        if r not in ("QG110", "QG111")
    ]


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def run_workflow(tmp_path: Path, steps: str, **kwargs: str) -> tuple[str, list]:
    text = workflow(steps, **kwargs)
    return text, gate_rules(audit_project(tmp_path, {".github/workflows/ci.yml": text}))


# ---- missed: checks and lost failures the rules did not know ---------------

TOX_PYDOCTOR = """
    [tox]
    envlist = apidocs
    [testenv:apidocs]
    commands =
        {dash}pydoctor src/twisted
"""


@pytest.mark.parametrize(
    ("dash", "expected"), [("- ", [("QG101", "tox.ini", 5, True)]), ("", [])]
)
def test_tox_dash_on_a_docs_checker(tmp_path: Path, dash: str, expected: list) -> None:
    found = gate_rules(
        audit_project(tmp_path, {"tox.ini": TOX_PYDOCTOR.format(dash=dash)})
    )
    assert found == expected


@pytest.mark.parametrize(
    ("end", "rule"),
    [("\\;", "QG117"), ("+", None)],
    ids=["exec-semicolon-drops-status", "exec-plus-keeps-it"],
)
def test_find_exec(tmp_path: Path, end: str, rule: str | None) -> None:
    script = f"find tests -name '*.py' -exec python -m py_compile {{}} {end}"
    text, found = run_workflow(tmp_path, step(script))
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, "find tests"), True)]
    assert found == (expected if rule else [])


def test_find_exec_message_says_why(tmp_path: Path) -> None:
    text = workflow(step("find . -name '*.sh' -exec bash -n {} \\;"))
    (message,) = [
        m
        for r, *_, m in audit_project(tmp_path, {".github/workflows/ci.yml": text})
        if r == "QG117"
    ]
    assert "exits 0 whatever `bash` returns" in message
    assert RULES["QG117"].why in message


@pytest.mark.parametrize(
    ("name", "extra", "rule"),
    [
        ("Run fuzzer for 60 seconds", "continue-on-error: true", "QG105"),
        ("Run fuzz tests", "continue-on-error: true", "QG105"),
        ("Run fuzzer for 60 seconds", "id: fuzz\ncontinue-on-error: true", None),
    ],
    ids=["fuzzer-coe", "fuzz-tests-coe", "fuzzer-coe-outcome-checked"],
)
def test_fuzzer_steps(tmp_path: Path, name: str, extra: str, rule: str | None) -> None:
    steps = step(
        "python fuzz/fuzz_parser.py -max_total_time=60", name=name, extra=extra
    )
    if rule is None:
        steps += "\n- if: steps.fuzz.outcome == 'failure'\n  run: exit 1"
    text, found = run_workflow(tmp_path, steps)
    expected = [
        (rule, ".github/workflows/ci.yml", line_of(text, "continue-on-error"), True)
    ]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("script", "rule"),
    [
        ("python fuzz/fuzz_x.py -runs=1000 2>&1 | tail -80", "QG112"),
        ("set -o pipefail\npython fuzz/fuzz_x.py -runs=1000 2>&1 | tail -80", None),
    ],
    ids=["fuzz-piped-to-tail", "fuzz-piped-pipefail"],
)
def test_fuzzer_piped(tmp_path: Path, script: str, rule: str | None) -> None:
    text, found = run_workflow(tmp_path, step(script, name="Run fuzzer"))
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, "fuzz_x.py"), True)]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("import subprocess; subprocess.run(['pytest', '-q'])", "QG117"),
        ("import subprocess; subprocess.call(['flake8', 'src'])", "QG117"),
        ("import os; os.system('mypy src')", "QG117"),
        ("import pytest; pytest.main(['-q'])", "QG117"),
        ("import mypkg; mypkg.test(['--skip-slow'])", "QG117"),
        ("import subprocess; subprocess.run(['pytest', '-q'], check=True)", None),
        ("import sys, subprocess; sys.exit(subprocess.call(['pytest', '-q']))", None),
        ("import sys, pytest; sys.exit(pytest.main(['-q']))", None),
        ("import mypkg; mypkg.test(['--skip-slow'], exit=True)", None),
        ("import subprocess; subprocess.run(['git', 'fetch'])", None),
    ],
    ids=[
        "run-without-check",
        "call-dropped",
        "os-system",
        "pytest-main-dropped",
        "package-test-dropped",
        "run-with-check",
        "call-to-sys-exit",
        "pytest-main-to-sys-exit",
        "package-test-exit-true",
        "not-a-gate",
    ],
)
def test_python_c(tmp_path: Path, code: str, rule: str | None) -> None:
    text, found = run_workflow(tmp_path, step(f'python -c "{code}"', name="Run tests"))
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, "python -c"), True)]
    assert found == (expected if rule else [])


def test_python_c_in_tox_is_read_as_python(tmp_path: Path) -> None:
    tox = """
        [testenv:changelog-draft]
        commands =
          {envpython} -bb -I \\
            -c 'import subprocess; subprocess.run(["towncrier", "build", "--draft"])'
    """
    assert gate_rules(audit_project(tmp_path, {"tox.ini": tox})) == [
        ("QG117", "tox.ini", 3, True)
    ]


DEVCONTAINER = f"""
- uses: devcontainers/ci@{SHA}  # v0.3
  with:
    runCmd: |
      {{first}}pytest tests
      echo done
"""


@pytest.mark.parametrize(("first", "rule"), [("", "QG104"), ("set -e\n      ", None)])
def test_devcontainers_run_cmd_is_bash_c(
    tmp_path: Path, first: str, rule: str | None
) -> None:
    text, found = run_workflow(tmp_path, DEVCONTAINER.format(first=first))
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, "pytest tests"), True)]
    assert found == (expected if rule else [])


RETRY = f"""
- uses: nick-fields/retry@{SHA}  # v3
  with:
    timeout_minutes: 10
    max_attempts: 3
    command: {{command}}
"""


@pytest.mark.parametrize(
    ("command", "rule", "needle"),
    [
        ("flake8 src; pytest", "QG104", "command:"),
        ("flake8 src && pytest", None, ""),
        ("pytest\n    continue_on_error: true", "QG105", "continue_on_error"),
    ],
    ids=["retry-sequence", "retry-and-chain", "retry-continue-on-error"],
)
def test_nick_fields_retry_command(
    tmp_path: Path, command: str, rule: str | None, needle: str
) -> None:
    text, found = run_workflow(tmp_path, RETRY.format(command=command))
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, needle), True)]
    assert found == (expected if rule else [])


COMPOSITE = """
name: run in the container
inputs:
  script:
    description: commands to run
runs:
  using: composite
  steps:
    - shell: bash
      env:
        SCRIPT: ${{ inputs.script }}
      run: docker exec app bash -c "$SCRIPT"
"""


@pytest.mark.parametrize(
    ("script", "rule"),
    [("pytest tests\n      echo finished", "QG104"), ("pytest tests", None)],
    ids=["multi-line-input-to-bash-c", "single-command-input"],
)
def test_local_action_running_an_input_with_bash_c(
    tmp_path: Path, script: str, rule: str | None
) -> None:
    caller = workflow(
        f"- uses: ./.github/actions/in-container\n  with:\n    script: |\n      {script}"
    )
    found = gate_rules(
        audit_project(
            tmp_path,
            {
                ".github/actions/in-container/action.yml": COMPOSITE,
                ".github/workflows/ci.yml": caller,
            },
        )
    )
    expected = [
        (rule, ".github/workflows/ci.yml", line_of(caller, "pytest tests"), True)
    ]
    assert found == (expected if rule else [])


def test_local_action_expanding_an_input_into_its_script(tmp_path: Path) -> None:
    action = """
        inputs:
          args: {description: extra arguments}
        runs:
          using: composite
          steps:
            - shell: bash
              run: pre-commit run ${{ inputs.args }}
    """
    caller = workflow("- uses: ./actions/lint\n  with:\n    args: --all-files || true")
    found = gate_rules(
        audit_project(
            tmp_path,
            {"actions/lint/action.yml": action, ".github/workflows/ci.yml": caller},
        )
    )
    assert found == [
        ("QG101", ".github/workflows/ci.yml", line_of(caller, "args: --all"), True)
    ]


@pytest.mark.parametrize(
    ("condition", "rule"),
    [
        ("secrets.CODECOV_TOKEN != ''", "QG109"),
        ("${{ secrets.DEPLOY_KEY }}", "QG109"),
        ("env.CODECOV_TOKEN != ''", None),
        ("contains(github.event.head_commit.message, 'secrets.')", None),
    ],
    ids=[
        "secrets-in-step-if",
        "secrets-in-expression",
        "env-in-step-if",
        "quoted-word",
    ],
)
def test_step_if_with_secrets_is_refused(
    tmp_path: Path, condition: str, rule: str | None
) -> None:
    text, found = run_workflow(tmp_path, f"- run: pytest\n  if: {condition}")
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, "if:"), True)]
    # GitHub refuses the whole workflow: its check never runs (QG107)
    never = ("QG107", ".github/workflows/ci.yml", line_of(text, "pytest"), True)
    assert found == (sorted([never, *expected]) if rule else [])


def test_job_if_with_matrix_is_refused(tmp_path: Path) -> None:
    text = workflow("- run: pytest", job="if: matrix.os == 'ubuntu'")
    found = audit_project(tmp_path, {".github/workflows/ci.yml": text})
    line = line_of(text, "if:")
    assert gate_rules(found) == [
        ("QG107", ".github/workflows/ci.yml", line_of(text, "pytest"), True),
        ("QG109", ".github/workflows/ci.yml", line, True),
    ]
    assert any("none of its gates ever runs" in m for *_, m in found)


# ---- flagged wrongly: setup, reports, control flow, carried failures ----------

ASV = """
- name: Run benchmarks
  shell: bash -l {0}
  run: |
    set -x
    python -m pip install virtualenv
    # ID this runner
    asv machine --yes
    ASV_OPTIONS="--split --show-stderr --factor $ASV_FACTOR"
    asv continuous $ASV_OPTIONS $BASE_SHA $GITHUB_SHA \\
        | sed "/Traceback \\|failed$\\|PERFORMANCE DECREASED/ s/^/::error::/" \\
        | tee benchmarks.log
    # Report and export results for subsequent steps
    if grep "Traceback \\|failed\\|PERFORMANCE DECREASED" benchmarks.log > /dev/null ; then
        exit 1
    fi
"""


def test_asv_benchmark_script_is_honest(tmp_path: Path) -> None:
    _, found = run_workflow(tmp_path, ASV)
    assert found == []


def test_asv_twin_without_the_log_check(tmp_path: Path) -> None:
    broken = ASV.split("    # Report")[0]
    text, found = run_workflow(tmp_path, broken)
    line = line_of(text, "asv continuous")
    assert found == [("QG112", ".github/workflows/ci.yml", line, True)]


def test_continued_pipeline_then_comment_then_if_parses(tmp_path: Path) -> None:
    script = (
        "make lint \\\n  | sed 's/^/> /' \\\n  | tee lint.log\n# check the log\n"
        "if grep -q error lint.log; then\n  exit 1\nfi\n"
    )
    result = script_audit.audit_script(
        script, runs_with=step_shell.custom("bash {0}") or step_shell.DEFAULT_UNIX
    )
    assert result.note == ""
    assert result.hits == []


def test_asv_compare_is_a_report(tmp_path: Path) -> None:
    _, found = run_workflow(
        tmp_path, step("asv compare base head | tee out.txt", name="Compare benchmarks")
    )
    assert found == []


@pytest.mark.parametrize(
    ("job", "rule"),
    [("name: Deploy to PyPI", None), ("name: Test the package", "QG102")],
    ids=["build-in-deploy-job", "build-in-test-job"],
)
def test_a_build_where_it_ships(tmp_path: Path, job: str, rule: str | None) -> None:
    script = 'python setup.py sdist bdist_wheel || echo "No setup.py"'
    text, found = run_workflow(tmp_path, step(script, name="Build package"), job=job)
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, "setup.py"), True)]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("script", "rule"),
    [
        (
            "if git diff --exit-code CHANGELOG.md; then\n  changed=false\nelse\n"
            '  changed=true\nfi\necho "changed=$changed" >> "$GITHUB_OUTPUT"',
            None,
        ),
        ("if git apply --check fix.patch; then\n  git apply fix.patch\nfi", None),
        ("pkg_install curl jq || echo WARN", None),
        ("git diff --exit-code || echo 'please run make generate'", "QG102"),
    ],
    ids=[
        "git-diff-in-if",
        "git-apply-check-in-if",
        "installer-function",
        "git-diff-swallowed",
    ],
)
def test_control_flow_is_not_a_check(
    tmp_path: Path, script: str, rule: str | None
) -> None:
    text, found = run_workflow(tmp_path, step(script, name="Check generated files"))
    expected = (
        [(rule, ".github/workflows/ci.yml", line_of(text, "git diff"), True)]
        if rule
        else []
    )
    assert found == expected


CARRIED = """
  test:
    runs-on: ubuntu-latest
    outputs:
      failed: ${{{{ steps.tests.outputs.tests_failed }}}}
    steps:
      - id: tests
        run: |
          if ! pytest -q; then
            echo "tests_failed=true" >> "$GITHUB_OUTPUT"
          fi
  report:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - run: echo "tests failed={failed}"
{tail}"""


@pytest.mark.parametrize(
    ("tail", "rule"),
    [
        (
            "      - if: needs.test.outputs.failed == 'true'\n        run: exit 1\n",
            None,
        ),
        ("", "QG101"),
    ],
    ids=["job-output-read-and-failed", "job-output-never-failed-on"],
)
def test_failure_carried_through_a_job_output(
    tmp_path: Path, tail: str, rule: str | None
) -> None:
    text = "name: ci\non: push\npermissions: {}\njobs:\n" + CARRIED.format(
        failed="${{ needs.test.outputs.failed }}", tail=tail
    )
    found = gate_rules(audit_project(tmp_path, {".github/workflows/ci.yml": text}))
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, "if ! pytest"), True)]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("after", "rule"),
    [('if [ "$FAIL" -ne 0 ]; then\n  exit 1\nfi', None), ('echo "done"', "QG102")],
    ids=["flag-checked-after-loop", "flag-never-checked"],
)
def test_flag_set_in_a_loop(tmp_path: Path, after: str, rule: str | None) -> None:
    script = (
        'FAIL=0\nfor f in scripts/*.sh; do\n  if ! bash -n "$f"; then\n'
        '    echo "syntax error in $f"\n    FAIL=1\n  fi\ndone\n' + after
    )
    text, found = run_workflow(tmp_path, step(script, name="Check shell syntax"))
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, "bash -n"), True)]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("later", "rule"),
    [
        ("- if: steps.t.outputs.result == 'fail'\n  run: exit 1", None),
        ("- run: echo ${{ steps.t.outputs.result }}", "QG101"),
    ],
    ids=["step-output-failed-on", "step-output-only-printed"],
)
def test_failure_carried_through_a_step_output(
    tmp_path: Path, later: str, rule: str | None
) -> None:
    steps = (
        '- id: t\n  run: |\n    flake8 src || echo "result=fail" >> "$GITHUB_OUTPUT"\n'
        + later
    )
    text, found = run_workflow(tmp_path, steps)
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, "flake8"), True)]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("later", "rule"),
    [
        ('- run: |\n    if [ -n "$MYPY_FAILED" ]; then exit 1; fi', None),
        ('- run: echo "$MYPY_FAILED"', "QG101"),
    ],
    ids=["env-failed-on", "env-only-printed"],
)
def test_failure_carried_through_the_environment_file(
    tmp_path: Path, later: str, rule: str | None
) -> None:
    steps = '- run: mypy src || echo "MYPY_FAILED=1" >> "$GITHUB_ENV"\n' + later
    text, found = run_workflow(tmp_path, steps)
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, "mypy src"), True)]
    assert found == (expected if rule else [])


def test_continue_on_error_carried_to_a_later_job(tmp_path: Path) -> None:
    text = (
        "name: ci\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    outputs:\n      outcome: ${{ steps.t.outcome }}\n    steps:\n"
        "      - id: t\n        run: pytest\n        continue-on-error: true\n"
        "  gate:\n    needs: test\n    runs-on: ubuntu-latest\n"
        "    if: needs.test.outputs.outcome == 'failure'\n    steps:\n      - run: exit 1\n"
    )
    assert gate_rules(audit_project(tmp_path, {".github/workflows/ci.yml": text})) == []


# ---- confidence: certain findings fail, plausible ones are notes ------------


@pytest.mark.parametrize(
    ("script", "name", "rule", "failing"),
    [
        ("./ci/run-suite.sh\necho done", "Run e2e suite", None, None),
        ("./ci/run-suite.sh || true", "Run e2e suite", "QG101", True),
        ("./ci/run-suite.sh | tee suite.log", "Run e2e suite", "QG112", False),
        ("pytest | tee test.log", "Run e2e suite", "QG112", True),
        ("pylint src || true", "Lint", "QG101", True),
    ],
    ids=[
        "context-check-kept",
        "context-check-thrown-away-on-purpose",
        "context-check-lost-by-accident",
        "named-check-lost-by-accident",
        "named-check-thrown-away",
    ],
)
def test_certain_fails_plausible_is_a_note(
    tmp_path: Path, script: str, name: str, rule: str | None, failing: bool | None
) -> None:
    text, found = run_workflow(tmp_path, step(script, name=name))
    first = script.splitlines()[0].split()[0]
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, first), failing)]
    assert found == (expected if rule else [])


def test_a_note_says_why_and_does_not_fail_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = workflow(step("./ci/run-suite.sh | tee suite.log", name="Run e2e suite"))
    (tmp_path / ".git").mkdir()
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(text)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["audit-gates"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert (
        "QG112" in out
        and "a note, not certain: `run-suite.sh` counts as a check only" in out
    )
    assert "note: 1 finding(s) are notes (plausible, not certain)" in out
    assert out.rstrip().endswith("audit-gates: passed")


# ---- Makefile and noxfile ---------------------------------------------------

MAKEFILE = "lint:\n\t{line}\n\ntest:\n\tpytest tests\n"


@pytest.mark.parametrize(
    ("line", "rule", "failing"),
    [
        ("-flake8 src", "QG101", True),
        ("flake8 src || true", "QG101", True),
        ("flake8 src; mypy src", "QG104", True),
        ("python setup.py check --strict || echo 'bad markup'", "QG102", True),
        ("flake8 src && mypy src", None, None),
        ("-rm -rf build", None, None),
        ("@-find . -name '*.pyc' -delete", None, None),
    ],
    ids=[
        "dash",
        "or-true",
        "sequence",
        "setup-check-or-echo",
        "and-chain",
        "dash-cleanup",
        "at-dash-find",
    ],
)
def test_makefile_recipes(
    tmp_path: Path, line: str, rule: str | None, failing: bool | None
) -> None:
    found = gate_rules(
        audit_project(tmp_path, {"Makefile": MAKEFILE.format(line=line)})
    )
    assert found == ([(rule, "Makefile", 2, failing)] if rule else [])


NOXFILE = """
import nox

@nox.session
def tests(session):
    session.install("pytest")
    {call}
"""


@pytest.mark.parametrize(
    ("call", "rule"),
    [
        ('session.run("pytest", success_codes=[0, 1])', "QG101"),
        ('session.run("pytest", success_codes=[0])', None),
        ('session.run("pytest")', None),
    ],
    ids=["success-codes", "success-code-zero", "plain"],
)
def test_noxfile_sessions(tmp_path: Path, call: str, rule: str | None) -> None:
    found = gate_rules(
        audit_project(tmp_path, {"noxfile.py": NOXFILE.format(call=call)})
    )
    assert found == ([(rule, "noxfile.py", 6, True)] if rule else [])


def test_noxfile_try_except_pass(tmp_path: Path) -> None:
    call = (
        'try:\n        session.run("mypy", "src")\n    except Exception:\n        pass'
    )
    found = gate_rules(
        audit_project(tmp_path, {"noxfile.py": NOXFILE.format(call=call)})
    )
    assert found == [("QG101", "noxfile.py", 7, True)]


# ---- the catalogue: evidence a command checks --------------------------------


@pytest.mark.parametrize(
    ("command", "named"),
    [
        ("pydoctor src/twisted", True),
        ("typos", True),
        ("python -m mypy.stubtest mypkg", True),
        ("uv lock --check", True),
        ("uv lock", False),
        ("uv sync --frozen", False),
        ("towncrier build --draft", True),
        ("towncrier build --yes", False),
        ("coverage report --fail-under=90", True),
        ("coverage report", False),
        ("coverage combine", False),
        ("asv continuous main HEAD", True),
        ("asv machine --yes", False),
        ("asv compare main HEAD", False),
        ("python manage.py test", True),
        ("python manage.py migrate", False),
        ("python setup.py check -r -s", True),
        ("$(PYTHON) -m pytest tests", True),
        ("python -bb -I -m towncrier build --draft --version X", True),
        ("some-linter --check src", True),
        ("sha256sum --check SUMS", False),
        ("black --diff .", False),
        ("ruff format --diff", True),
        ("git diff --exit-code", True),
        ("./scripts/setup-test-env.sh", False),
        ("python ci/test_report.py -o out.html", False),
        ("pkg_install curl", False),
        ("pytest --version", False),
        ("uv version", False),
    ],
)
def test_catalogue_and_arguments(command: str, named: bool) -> None:
    from quality_gates.guards.integrity import gatecmd

    assert gatecmd.named_gate(command.split()) is named


@pytest.mark.parametrize(
    ("script", "rule"),
    [
        ("bash -c 'flake8 src; pytest'", "QG104"),
        ("bash -ec 'flake8 src; pytest'", None),
        ("sh -e -c 'flake8 src; pytest'", None),
        ("bash -c 'set -e; flake8 src; pytest'", None),
        ("bash -c 'flake8 src || true'", "QG101"),
    ],
    ids=["bash-c-no-errexit", "bash-ec", "sh-e-c", "set-e-inside", "or-true-inside"],
)
def test_bash_c_options(tmp_path: Path, script: str, rule: str | None) -> None:
    text, found = run_workflow(tmp_path, step(script))
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, script[:8]), True)]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("python -c \"import mypkg; mypkg.test(['-q'])\"", "QG117"),
        ("python -c \"import mypkg, sys; sys.exit(mypkg.test(['-q']))\"", None),
        ("pytest --pyargs mypkg", None),
    ],
    ids=["dropped", "to-sys-exit", "plain"],
)
def test_cibuildwheel_test_command(
    tmp_path: Path, command: str, rule: str | None
) -> None:
    steps = f"- uses: pypa/cibuildwheel@{SHA}  # v3\n  env:\n    CIBW_TEST_COMMAND: >-\n      {command}"
    text, found = run_workflow(tmp_path, steps)
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, command[:12]), True)]
    assert found == (expected if rule else [])


def test_pre_commit_swallowed_in_an_autofix_job_is_a_note(tmp_path: Path) -> None:
    steps = (
        f"- uses: pre-commit/action@{SHA}  # v3\n  with:\n"
        "    extra_args: --all-files --hook-stage manual oxipng || true\n"
        f"- uses: stefanzweifel/git-auto-commit-action@{SHA}  # v5\n"
    )
    text, found = run_workflow(tmp_path, steps)
    assert found == [
        ("QG101", ".github/workflows/ci.yml", line_of(text, "extra_args"), False)
    ]
    check_only = steps.split("- uses: stefanzweifel")[0]
    (tmp_path / "b").mkdir()
    text, found = run_workflow(tmp_path / "b", check_only)
    assert found == [
        ("QG101", ".github/workflows/ci.yml", line_of(text, "extra_args"), True)
    ]


def test_a_report_workflow_makes_notes(tmp_path: Path) -> None:
    text = workflow(step("pylint src || true", name="Lint")).replace(
        "name: ci", "name: Weekly quality report", 1
    )
    found = gate_rules(audit_project(tmp_path, {".github/workflows/ci.yml": text}))
    assert found == [
        ("QG101", ".github/workflows/ci.yml", line_of(text, "pylint"), False)
    ]


def test_tox_references_are_expanded(tmp_path: Path) -> None:
    tox = """
        [testenv:pylint]
        commands = -pylint src
        [testenv:pep8]
        commands =
            flake8 src
            -{[testenv:pylint]commands}
    """
    found = gate_rules(audit_project(tmp_path, {"tox.ini": tox}))
    assert found == [("QG101", "tox.ini", 2, True), ("QG101", "tox.ini", 6, True)]


def test_makefile_shellflags_turn_errexit_on(tmp_path: Path) -> None:
    makefile = ".SHELLFLAGS := -ec\nlint:\n\tflake8 src; mypy src\n"
    assert gate_rules(audit_project(tmp_path, {"Makefile": makefile})) == []


def test_makefile_continued_recipe_line(tmp_path: Path) -> None:
    makefile = "check:\n\tflake8 src \\\n\t  --max-line-length=100 || true\n\tpytest\n"
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    assert found == [("QG101", "Makefile", 2, True)]


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("noxfile.py", "import nox\n\n@nox.session\ndef tests(session)\n    pass\n", 4),
        ("Makefile", b"lint:\n\tflake8 \xff\n", 2),
    ],
    ids=["noxfile-syntax-error", "makefile-not-utf8"],
)
def test_broken_script_files_are_findings(
    tmp_path: Path, name: str, content: str | bytes, line: int
) -> None:
    (tmp_path / ".git").mkdir()
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    found = integrity.run(tmp_path).findings
    assert [(f.rule, f.path, f.line) for f in found] == [("QG109", name, line)]


def test_python_c_that_does_not_parse_is_read_as_a_command(tmp_path: Path) -> None:
    _, found = run_workflow(tmp_path, step('python -c "import (" || true', name="Lint"))
    assert [r for r, *_ in found] == ["QG101"]  # a context check thrown away on purpose


# ---- found on the verification set (after its first run) ----------------------


def test_ignore_outcome_on_an_env_that_inherits_its_commands(tmp_path: Path) -> None:
    tox = """
        [testenv]
        commands = pytest {posargs}
        [testenv:py313-djangomain]
        ignore_outcome = true
        [testenv:docs]
        commands = echo building
        ignore_outcome = true
    """
    found = gate_rules(audit_project(tmp_path, {"tox.ini": tox}))
    assert found == [("QG105", "tox.ini", 4, True)]


@pytest.mark.parametrize(
    ("judge", "rule"),
    [
        ("python scripts/judge_reports.py found-*.json", None),
        ("cat found-*.json", "QG101"),
    ],
    ids=["report-judged-by-a-later-step", "report-only-shown"],
)
def test_report_read_by_a_later_step(
    tmp_path: Path, judge: str, rule: str | None
) -> None:
    steps = (
        "- name: Audit each category\n  run: |\n    for f in req-*.txt; do\n"
        '      pip-audit -r "$f" --format=json --output "found-${f%.txt}.json" || true\n'
        f"    done\n- name: Judge the reports\n  run: {judge}"
    )
    text, found = run_workflow(tmp_path, steps)
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, "pip-audit"), True)]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("body", "rule"),
    [("echo 'verified with the wrong identity'; exit 1", None), ("echo ok", "QG113")],
    ids=["expected-failure", "no-failing-branch"],
)
def test_if_whose_success_fails(tmp_path: Path, body: str, rule: str | None) -> None:
    script = f"if cosign verify-blob --bundle b.json sbom.json; then\n  {body}\nfi"
    text, found = run_workflow(tmp_path, step(script, name="Verify the signatures"))
    expected = [(rule, ".github/workflows/ci.yml", line_of(text, "if cosign"), False)]
    assert found == (expected if rule else [])


# ---- round 2: what round 1 left -------------------------------------------

WF = ".github/workflows/ci.yml"


@pytest.mark.parametrize(
    ("tail", "rule", "failing"),
    [
        ("", None, None),
        ("---\n", "QG109", True),
        ("---\n# nothing else\n", "QG109", True),
        ("...\n", None, None),
    ],
    ids=["one-document", "trailing-dashes", "trailing-dashes-comment", "end-marker"],
)
def test_a_trailing_document_marker_is_refused(
    tmp_path: Path, tail: str, rule: str | None, failing: bool | None
) -> None:
    """The parsers of GitHub want the stream to end after one document.

    The runner's ``YamlObjectReader.ValidateEnd`` throws "Expected stream end"
    and ``@actions/workflow-parser`` says "Source contains multiple documents"
    for a trailing ``---``; actionlint reads only the first document and is
    silent.  A leading ``---`` and a ``...`` end marker are valid.
    """
    text = "---\n" + workflow(step("pytest")) + tail
    found = audit_project(tmp_path, {WF: text})
    if rule is None:
        assert gate_rules(found) == []
        return
    second = len(text.splitlines()) - tail.count("\n") + 1
    assert gate_rules(found) == [(rule, WF, second, failing)]
    (message,) = [m for r, *_, m in found if r == "QG109"]
    assert "a second YAML document starts at this `---`" in message


@pytest.mark.parametrize(
    ("script", "shell_line", "rule"),
    [
        ("if ! pytest | tee log.txt; then\n  exit 1\nfi", "", "QG112"),
        ("if ! pytest | tee log.txt; then\n  exit 1\nfi", "shell: bash", None),
        ("! pytest tests/must_fail | tee log.txt\necho done", "shell: bash", "QG113"),
        ("echo start\n! pytest tests/must_fail | tee log.txt", "shell: bash", None),
        ("! pytest tests/must_fail\necho done", "", "QG113"),
        ("echo start\n! pytest tests/must_fail", "", None),
        ("! pytest tests | grep 'Critical error occurred'", "", None),
        ("pytest tests | grep -v DeprecationWarning\necho done", "", "QG112"),
        ("pytest tests | grep -q '1 passed'\necho done", "", None),
    ],
    ids=[
        "negated-pipeline-no-pipefail",
        "negated-pipeline-pipefail-honest",
        "negated-pipeline-mid-script",
        "negated-pipeline-last",
        "negated-mid-script",
        "negated-last",
        "negated-grep-judges-the-output",
        "grep-filter-loses-the-status",
        "grep-quiet-judges-the-output",
    ],
)
def test_a_negation_covers_the_whole_pipeline(
    tmp_path: Path, script: str, shell_line: str, rule: str | None
) -> None:
    """A ``!`` before ``a | b`` negates the pipeline (tree-sitter hangs it on ``a``).

    errexit never stops on a negated pipeline, so one in the middle of a
    script is lost; only the last, or one tested by ``if``, is seen.
    """
    text, found = run_workflow(tmp_path, step(script, extra=shell_line))
    expected = [(rule, WF, line_of(text, "pytest"), True)]
    assert found == (expected if rule else [])


JOB_COE = """\
name: ci
on: push
permissions: {{}}
jobs:
  lint:
    runs-on: ubuntu-latest
    continue-on-error: true
{outputs}    steps:
      - id: flake8
        run: flake8 src
  gate:
    needs: lint
    runs-on: ubuntu-latest
    if: always() && {condition}
    steps:
      - run: exit 1
"""


@pytest.mark.parametrize(
    ("outputs", "condition", "rule"),
    [
        ("", "needs.lint.result == 'failure'", "QG105"),
        ("", "needs.lint.result != 'success'", "QG105"),
        (
            "    outputs:\n      lint: ${{ steps.flake8.outcome }}\n",
            "needs.lint.outputs.lint == 'failure'",
            None,
        ),
    ],
    ids=[
        "result-failure-never-seen",
        "result-not-success-never-seen",
        "outcome-output",
    ],
)
def test_job_continue_on_error_and_needs_result(
    tmp_path: Path, outputs: str, condition: str, rule: str | None
) -> None:
    """A job that continues on error has ``needs.J.result`` ``success``.

    (actions/runner#1161, actions/toolkit#581): a later job that fails on it
    never sees the failure.  A job output carrying the step's ``outcome``
    does carry it.
    """
    text = JOB_COE.format(outputs=outputs, condition=condition)
    found = audit_project(tmp_path, {WF: text})
    expected = [(rule, WF, line_of(text, "continue-on-error"), True)]
    assert gate_rules(found) == (expected if rule else [])
    if rule:
        (message,) = [m for r, *_, m in found if r == "QG105"]
        assert "`needs.lint.result` reads `success`" in message


REPORT_RUN = """\
name: Exhaustive package test
on:
{triggers}permissions:
  contents: read
jobs:
  all_packages:
    continue-on-error: true
    runs-on: ubuntu-latest
{job_if}    steps:
      - name: Execute tests
        continue-on-error: true
        run: nox --session test_all_packages
{upload}"""
UPLOAD = f"""\
      - uses: actions/upload-artifact@{SHA}  # v4
        with:
          name: reports
          path: reports
"""


@pytest.mark.parametrize(
    ("triggers", "job_if", "upload", "failing"),
    [
        ("  workflow_dispatch:\n", "", UPLOAD, False),
        (
            "  schedule:\n    - cron: '0 3 * * 1'\n  workflow_dispatch:\n",
            "",
            UPLOAD,
            False,
        ),
        (
            "  push:\n  schedule:\n    - cron: '0 3 * * 1'\n",
            "    if: github.event_name == 'schedule'\n",
            UPLOAD,
            False,
        ),
        ("  workflow_dispatch:\n", "", "", False),
        ("  schedule:\n    - cron: '0 3 * * 1'\n", "", "", True),
        ("  push:\n  workflow_dispatch:\n", "", UPLOAD, True),
        (
            "  schedule:\n    - cron: '0 3 * * 1'\n",
            "",
            UPLOAD.replace("reports", "coverage"),
            True,
        ),
        (
            "  push:\n  schedule:\n    - cron: '0 3 * * 1'\n",
            "    if: github.event_name == 'schedule' || github.ref == 'refs/heads/main'\n",
            UPLOAD,
            True,
        ),
    ],
    ids=[
        "manual-report-run",
        "scheduled-report-run",
        "job-only-on-schedule",
        "manual-without-artifacts-runs-only-by-hand",
        "schedule-alone-is-no-report",
        "also-on-push",
        "scheduled-coverage-is-no-report",
        "job-also-on-push",
    ],
)
def test_a_manual_or_scheduled_report_run_makes_continue_on_error_a_note(
    tmp_path: Path, triggers: str, job_if: str, upload: str, failing: bool
) -> None:
    """pypa/pipx's exhaustive package test: a run that produces a report.

    Run only by hand or on a schedule (the workflow's triggers, or a job
    ``if:`` that allows only those events) and uploading what it produced,
    its ``continue-on-error`` lets the run finish its report: a note.  A
    schedule alone is no such evidence (a nightly test run is still a gate),
    nor are artifacts on a workflow that also runs on push.  A run only by
    hand is a note without artifacts too (round 3): no change waits on it.
    """
    text = REPORT_RUN.format(triggers=triggers, job_if=job_if, upload=upload)
    found = audit_project(tmp_path, {WF: text})
    lines = [i for i, t in enumerate(text.splitlines(), 1) if "continue-on-error" in t]
    if failing:  # one finding per lost check: the step's, the job's adds nothing
        lines = lines[1:]
    assert gate_rules(found) == [("QG105", WF, line, failing) for line in lines]
    if not failing:
        reasons = ("a report run", "only by hand")
        assert all(
            any(reason in m for reason in reasons) for r, *_, m in found if r == "QG105"
        )


@pytest.mark.parametrize(
    ("with_", "rule"),
    [
        ('entrypoint: /bin/sh\n    args: -c "flake8 src || true"', "QG101"),
        ('entrypoint: /bin/sh\n    args: -c "flake8 src"', None),
        ('args: sh -c "pytest -q; echo done"', "QG104"),
        ('args: sh -ec "pytest -q; echo done"', None),
        ("args: pytest -q || true", None),
    ],
    ids=[
        "entrypoint-sh-or-true",
        "entrypoint-sh-honest",
        "args-sh-c-errexit-off",
        "args-sh-ec-honest",
        "no-shell-no-or",
    ],
)
def test_docker_action_args(tmp_path: Path, with_: str, rule: str | None) -> None:
    """A ``uses: docker://IMAGE`` step hands ``args`` to the entrypoint, no shell.

    ``pytest -q || true`` there passes ``||`` and ``true`` to pytest (which
    then fails): nothing is swallowed.  ``sh -c "..."`` runs a script of its
    own without errexit.
    """
    steps = f"- uses: docker://python@{DIGEST}\n  with:\n    " + textwrap.indent(
        with_, ""
    ).replace("\n", "\n")
    text, found = run_workflow(tmp_path, steps)
    needle = "args:"
    expected = [(rule, WF, line_of(text, needle), True)]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("script", "rule"),
    [
        (
            "python - <<'EOF'\nimport subprocess\nsubprocess.run(['pytest', 'tests'])\nEOF",
            "QG117",
        ),
        (
            "python - <<'EOF'\nimport subprocess, sys\n"
            "sys.exit(subprocess.call(['pytest', 'tests']))\nEOF",
            None,
        ),
        ("bash <<EOF\npytest tests\necho done\nEOF", "QG104"),
        ("bash -e <<EOF\npytest tests\necho done\nEOF", None),
        ("bash <<EOF || true\nset -e\npytest tests\nEOF", "QG101"),
        ("cat <<EOF > notes.txt\npytest tests || true\nEOF\necho written", None),
        (
            "cat <<-PY 2>&1 | tee out.log\n\tpytest || true\n\tPY\nflake8 src || true",
            "QG101",
        ),
    ],
    ids=[
        "python-heredoc-run-dropped",
        "python-heredoc-exit-kept",
        "bash-heredoc-errexit-off",
        "bash-e-heredoc-honest",
        "heredoc-then-or-true",
        "heredoc-is-data",
        "tab-heredoc-then-gate",
    ],
)
def test_heredoc_bodies(tmp_path: Path, script: str, rule: str | None) -> None:
    """A ``python -``/``bash`` here-document runs its body; ``cat <<EOF`` does not."""
    text, found = run_workflow(tmp_path, step(script, name="Run tests"))
    needle = {
        "QG117": "subprocess.run",
        "QG104": "pytest tests",
        "QG101": "pytest tests",
    }
    if "flake8" in script:
        needle["QG101"] = "flake8"
    expected = [(rule, WF, line_of(text, needle.get(rule or "", "")), True)]
    assert found == (expected if rule else [])


PYPROJECT_CIBW = """\
[project]
name = "pkg"

[tool.cibuildwheel]
test-requires = "pytest"
test-command = {command}
"""


@pytest.mark.parametrize(
    ("command", "rule", "needle"),
    [
        ('"pytest {project}/tests || true"', "QG101", "test-command"),
        ('"pytest {project}/tests"', None, ""),
        (
            '[\n  "python -c \'import pkg; pkg.test()\'",\n  "echo done",\n]',
            "QG117",
            "pkg.test()",
        ),
        ("[\n  \"python -c 'import pkg, sys; sys.exit(pkg.test())'\",\n]", None, ""),
    ],
    ids=["or-true", "plain", "list-test-dropped", "list-test-kept"],
)
def test_cibuildwheel_test_command_in_pyproject(
    tmp_path: Path, command: str, rule: str | None, needle: str
) -> None:
    """Cibuildwheel runs ``test-command`` in the shell (a list joined by ``&&``)."""
    text = PYPROJECT_CIBW.format(command=command)
    found = gate_rules(audit_project(tmp_path, {"pyproject.toml": text}))
    expected = [(rule, "pyproject.toml", line_of(text, needle) if needle else 0, True)]
    assert found == (expected if rule else [])


# ---- found by the blind run of bench/audit_corpus_21b (not blind after) -----


@pytest.mark.parametrize(
    ("branch", "rules"),
    [
        ("ruff check .; pytest tests; echo all passed", ["QG104", "QG104"]),
        ("ruff check . && pytest tests", []),
    ],
    ids=["errexit-off-branch", "last-command-decides"],
)
def test_a_branch_without_errexit_loses_its_inner_checks(
    tmp_path: Path, branch: str, rules: list[str]
) -> None:
    """Inside an ``if`` with errexit off only a branch's last command decides."""
    makefile = (
        f'quality:\n\t@if [ "$(OP)" = "lint" ]; then ruff check .; else {branch}; fi\n'
    )
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    assert [rule for rule, *_ in found] == rules


@pytest.mark.parametrize(
    ("script", "rule"),
    [
        ("uv tool run pip-audit -r reqs.txt || true", "QG101"),
        ("uv tool run pip-audit -r reqs.txt", None),
        (
            "docker run --rm ghcr.io/zaproxy/zaproxy zap-baseline.py -t http://x || true",
            "QG101",
        ),
        (
            "docker run --rm -v $PWD:/src bridgecrew/checkov -d /src --soft-fail",
            "QG106",
        ),
        (
            "docker run --rm -v $PWD:/src aquasec/trivy config --exit-code 0 /src",
            "QG106",
        ),
        ("docker run --rm -v $PWD:/src aquasec/trivy config --exit-code 1 /src", None),
    ],
    ids=[
        "uv-tool-run-or-true",
        "uv-tool-run",
        "zap-baseline-or-true",
        "checkov-soft-fail",
        "trivy-exit-code-0",
        "trivy-exit-code-1",
    ],
)
def test_scanners_and_the_flags_that_turn_them_off(
    tmp_path: Path, script: str, rule: str | None
) -> None:
    text, found = run_workflow(tmp_path, step(script, name="Security scan"))
    expected = [(rule, WF, line_of(text, script[:20]), True)]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("uses", "inputs", "rule"),
    [
        ("bridgecrewio/checkov-action", "soft_fail: true", "QG106"),
        ("bridgecrewio/checkov-action", "soft_fail: false", None),
        ("hadolint/hadolint-action", "no-fail: true", "QG106"),
        ("dependency-check/Dependency-Check_Action", "format: SARIF", None),
    ],
    ids=["checkov-soft-fail", "checkov-fails", "hadolint-no-fail", "dep-check"],
)
def test_scanner_action_inputs_that_turn_them_off(
    tmp_path: Path, uses: str, inputs: str, rule: str | None
) -> None:
    steps = f"- uses: {uses}@{SHA}  # v1\n  with:\n    {inputs}"
    text, found = run_workflow(tmp_path, steps)
    expected = [(rule, WF, line_of(text, inputs), True)]
    assert found == (expected if rule else [])


def test_dependency_check_action_is_a_gate(tmp_path: Path) -> None:
    steps = (
        f"- uses: dependency-check/Dependency-Check_Action@{SHA}  # main\n"
        "  continue-on-error: true\n  with:\n    project: p"
    )
    text, found = run_workflow(tmp_path, steps)
    assert found == [("QG105", WF, line_of(text, "continue-on-error"), True)]


@pytest.mark.parametrize(
    ("name", "rule"),
    [("Create coverage summary", None), ("Run tests again", "QG112")],
    ids=["summary-step-after-the-gate", "plain-rerun"],
)
def test_a_report_step_rerunning_a_seen_checker(
    tmp_path: Path, name: str, rule: str | None
) -> None:
    """``pytest | tee | sed > summary.txt`` in a step that makes a summary."""
    steps = (
        step("pytest", name="Test with pytest")
        + "\n"
        + step(
            "python -m pytest | tee | sed -n '/coverage/,$p' > summary.txt", name=name
        )
    )
    text, found = run_workflow(tmp_path, steps)
    expected = [(rule, WF, line_of(text, "python -m pytest |"), True)]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("second", "rules"),
    [("\tpre-commit run --files CHANGES.rst\n", []), ("\techo done\n", ["QG101"])],
    ids=["fix-run-then-check-run", "fix-run-only"],
)
def test_makefile_fix_run_followed_by_the_same_check(
    tmp_path: Path, second: str, rules: list[str]
) -> None:
    makefile = "changes:\n\tpre-commit run --files CHANGES.rst || true\n" + second
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    assert [rule for rule, *_ in found] == rules


JOBS_REPORT = """\
name: ci
on: push
permissions: {{}}
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - name: Run bandit
        continue-on-error: true
        run: bandit -r src -f json -o reports/bandit.json
      - uses: actions/upload-artifact@{sha}  # v4
        with:
          name: bandit-report
          path: reports/bandit.json
  gate:
    needs: scan
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@{sha}  # v4
        with:
          name: {download}
      - name: Security gate
        run: python scripts/aggregate_results.py {judge}
"""


@pytest.mark.parametrize(
    ("download", "judge", "failing"),
    [
        ("bandit-report\n          path: reports", "--dir reports", None),
        ("bandit-report", "", False),
        ("bandit-report\n          path: all-reports", "--dir final/", True),
        ("other-report", "", True),
    ],
    ids=[
        "judge-reads-the-download",
        "judge-names-no-location-note",
        "judge-reads-elsewhere",
        "report-never-downloaded",
    ],
)
def test_a_report_carried_to_a_later_job(
    tmp_path: Path, download: str, judge: str, failing: bool | None
) -> None:
    """A continued scanner's report, uploaded and checked by a job that needs it.

    Carried when the check reads where the artifact landed; a note when the
    check names no location (it may read the reports by default); a finding
    when it reads somewhere else or nothing downloads the report.
    """
    text = JOBS_REPORT.format(sha=SHA, download=download, judge=judge)
    found = gate_rules(audit_project(tmp_path, {WF: text}))
    expected = [("QG105", WF, line_of(text, "continue-on-error"), failing)]
    assert found == (expected if failing is not None else [])


# ---- round 3: the development half of bench/audit_corpus_21c ------------------


@pytest.mark.parametrize(
    ("first", "rule"),
    [
        ('pytest -m "not simulationtest"', "QG101"),
        ("pytest -m simulationtest", None),
        ("pytest", None),
    ],
    ids=["complementary-selection", "same-selection-twin", "run-on-everything-twin"],
)
def test_a_report_run_has_a_twin_only_over_as_much(
    tmp_path: Path, first: str, rule: str | None
) -> None:
    """A report run's twin must check as much as it does.

    pi-top: ``pytest -m simulationtest --cov-report ... || true`` after
    ``pytest -m "not simulationtest"``: another selection is another check.
    """
    steps = (
        step(first, name="Run tests")
        + "\n"
        + step(
            "pytest -m simulationtest --cov-report term-missing --cov-append || true",
            name="Run simulation tests",
        )
    )
    text, found = run_workflow(tmp_path, steps)
    expected = [(rule, WF, line_of(text, "--cov-append"), True)]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("job", "failing"),
    [("test-and-upload-coverage-report", True), ("coverage-report", False)],
    ids=["tests-and-a-report", "a-report-only-note"],
)
def test_a_name_that_runs_tests_and_a_report_is_no_report_place(
    tmp_path: Path, job: str, failing: bool
) -> None:
    """A job named for a test run *and* a report is a gate.

    One named for a report alone still makes its findings notes.
    """
    text = (
        "name: ci\non: push\npermissions: {}\njobs:\n"
        f"  {job}:\n    runs-on: ubuntu-latest\n    steps:\n"
        + textwrap.indent(step("pytest || true", name="Run tests"), " " * 6)
        + "\n"
    )
    found = gate_rules(audit_project(tmp_path, {WF: text}))
    assert found == [("QG101", WF, line_of(text, "pytest ||"), failing)]


MAKE_SAMPLE = """\
_sample_html:
\tcd ~/cog; coverage run -m pytest -k InMemory; coverage html
test-sample:
\tcoverage run -m pytest; coverage html
"""


@pytest.mark.parametrize(
    ("ci", "expected"),
    [
        ("make lint", [(2, False), (4, True), (9, True)]),
        ("make sample", [(2, True), (4, True), (9, True)]),
        (None, [(2, True), (4, True), (9, True)]),
    ],
    ids=["target-ci-never-runs-note", "reached-through-a-prerequisite", "no-ci-read"],
)
def test_makefile_target_ci_never_runs_is_a_note(
    tmp_path: Path, ci: str | None, expected: list
) -> None:
    """A lost status in a target CI never runs, not named for checking, is a note.

    coveragepy's ``_sample_cog_html`` is a developer task.  The same recipe in
    a target named for testing, or one CI reaches (here through ``sample:
    _sample_html``), fails.
    """
    files = {"Makefile": MAKE_SAMPLE + "sample: _sample_html\nlint:\n\truff check .\n"}
    files["Makefile"] += "ci:\n\tpytest; echo done\n"  # named for CI: a gate
    if ci is not None:
        files[WF] = workflow(step(ci, name="Lint"))
    found = gate_rules(audit_project(tmp_path, files))
    assert [(line, failing) for _, path, line, failing in found] == expected


@pytest.mark.parametrize(
    ("target", "rules"),
    [("test-cluster-shutdown", []), ("test-cluster", ["QG101"])],
    ids=["teardown-target", "test-target"],
)
def test_a_target_named_for_teardown_gives_no_checking_context(
    tmp_path: Path, target: str, rules: list[str]
) -> None:
    """A target named for teardown runs cleanup, not checks.

    oracle: ``${COMPOSE} ... down || true`` in ``test-cluster-shutdown``,
    though the name starts with test.
    """
    makefile = f"{target}:\n\tcd tests && ${{COMPOSE}} -f c.yaml down || true\n"
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    assert [rule for rule, *_ in found] == rules


@pytest.mark.parametrize(
    ("env", "rule"),
    [
        ("py313-profile-docs", None),
        ("py313-docs", "QG105"),
        ("coverage-report", "QG105"),
    ],
    ids=["profiling-env", "docs-env", "report-env-may-enforce"],
)
def test_tox_env_named_for_profiling_is_no_check(
    tmp_path: Path, env: str, rule: str | None
) -> None:
    """A tox env named for profiling is no check; other envs are.

    pydata-sphinx-theme: ``continue-on-error`` on ``tox run -e
    py313-profile-docs`` (py-spy's SVG).
    """
    steps = step(
        f"python -m tox run -e {env} -- -o profile.svg",
        name="Run it",
        extra="continue-on-error: true",
    )
    text, found = run_workflow(tmp_path, steps)
    expected = [(rule, WF, line_of(text, "continue-on-error"), True)]
    assert found == (expected if rule else [])


@pytest.mark.parametrize(
    ("calls", "reached"),
    [
        (["make -j4 test PYTHON=python3"], ["build", "test", "unit"]),
        (["uv run make lint", "make -C docs html"], ["lint"]),
        (["run: |\n  make\n  pytest"], ["all", "build", "lint", "test", "unit"]),
        (["make ${{ matrix.goal }}"], ["all", "build", "docs", "lint", "test", "unit"]),
        (["cmake --build .", "echo make sure"], ["sure"]),
    ],
    ids=[
        "options-and-variables",
        "wrapped-and-other-dir",
        "default-goal",
        "computed",
        "prose",
    ],
)
def test_makefile_targets_ci_reaches(calls: list[str], reached: list[str]) -> None:
    """Targets named by ``make`` calls, with prerequisites and ``$(MAKE)`` calls.

    ``make sure`` in prose reaches a target that does not exist: reaching too
    much only keeps findings certain.
    """
    makefile = (
        "all: lint test\nlint:\n\truff check .\ntest: build\n\t$(MAKE) unit\n"
        "unit:\n\tpytest\nbuild:\n\tpython -m build\ndocs:\n\tsphinx-build d o\n"
    )
    called = makefiles.targets_called(calls)
    assert sorted(makefiles.reached(makefile, called)) == reached


MANUAL = """\
name: evals
on: {on}
permissions: {{}}
jobs:
  evals:
    runs-on: ubuntu-latest
    {job_if}
    steps:
      - name: Run the eval
        run: python evals/check_drift.py --json-out r.json | tee out.txt
"""


@pytest.mark.parametrize(
    ("on", "job_if", "failing"),
    [
        ("workflow_dispatch", "", False),
        (
            "[push, workflow_dispatch]",
            "if: github.event_name == 'workflow_dispatch'",
            False,
        ),
        ("[push, workflow_dispatch]", "", True),
        ("schedule", "", True),
    ],
    ids=["dispatch-only-note", "job-if-dispatch-note", "also-on-push", "nightly"],
)
def test_a_run_only_by_hand_guards_no_change(
    tmp_path: Path, on: str, job_if: str, failing: bool
) -> None:
    """A lost status in a run only by hand is a note; on push or a schedule it fails.

    aiobotocore's manual evals (``check_*.py ... | tee``).
    """
    text = MANUAL.format(on=on, job_if=job_if or "timeout-minutes: 5")
    found = gate_rules(audit_project(tmp_path, {WF: text}))
    assert found == [("QG112", WF, line_of(text, "| tee"), failing)]


MANUAL_STEP = """\
name: sync
on:
  schedule:
    - cron: '0 10 * * 1'
  {extra}
jobs:
  sync:
    runs-on: ubuntu-latest
    steps:
      - name: Hash test sanity check
        if: {step_if}
        continue-on-error: true
        run: pytest tests/test_patches.py -x
"""


@pytest.mark.parametrize(
    ("extra", "step_if", "failing"),
    [
        ("workflow_dispatch:", "inputs.dry_run == true", False),
        ("workflow_dispatch:", "always()", True),
        ("workflow_call:", "inputs.dry_run == true", True),
    ],
    ids=["dispatch-input-note", "every-run", "a-caller-may-set-it"],
)
def test_a_step_that_needs_a_dispatch_input_runs_only_by_hand(
    tmp_path: Path, extra: str, step_if: str, failing: bool
) -> None:
    """A step whose ``if:`` needs a dispatch input to be true runs only by hand.

    aiobotocore's ``if: inputs.dry_run == true`` in a scheduled workflow.
    """
    text = "permissions: {}\n" + MANUAL_STEP.format(extra=extra, step_if=step_if)
    found = gate_rules(audit_project(tmp_path, {WF: text}))
    assert found == [("QG105", WF, line_of(text, "continue-on-error"), failing)]
