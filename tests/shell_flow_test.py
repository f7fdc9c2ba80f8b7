"""audit-gates on run: scripts: each neutralised gate with its honest twin.

Every case is one step in a workflow written the way real projects write it;
the expected rule is asserted exactly, with the line it points at, and the
rule's why and fix in the message.  The shells are GitHub's: no ``shell:`` on
Linux is ``bash -e {0}`` (no pipefail), ``shell: bash`` adds ``-o pipefail``.
"""

from __future__ import annotations

import textwrap

import pytest
from quality_gates.guards.integrity.rules import RULES, place_fix
from quality_gates.guards.integrity.shell import pwsh, script_audit, step_shell
from workflow_yaml import audit, workflow


def step(script: str, *, name: str = "check", shell_: str = "") -> str:
    """One step named ``name`` running ``script`` (with ``shell:`` when given)."""
    body = textwrap.indent(textwrap.dedent(script).strip("\n"), "    ")
    extra = f"  shell: {shell_}\n" if shell_ else ""
    return f"- name: {name}\n{extra}  run: |\n{body}"


# (step, rule or None, text of the line the finding points at)
CASES = [
    # a fallback over several lines
    pytest.param(
        step("flake8 src/ || {\n  echo 'lint failed'\n  echo 'see the log'\n}"),
        "QG102",
        "flake8 src/ || {",
        id="multi-line-echo-block",
    ),
    pytest.param(
        step("flake8 src/ || {\n  echo 'lint failed'\n  exit 1\n}"),
        None,
        "",
        id="multi-line-block-exits",
    ),
    pytest.param(
        step(
            "mkdocs build --strict || {\n  mkdir -p site\n"
            "  echo '<h1>Docs coming soon</h1>' > site/index.html\n}",
            name="Build docs",
        ),
        "QG101",
        "mkdocs build --strict || {",
        id="placeholder-page",
    ),
    pytest.param(
        step("mkdocs build --strict", name="Build docs"), None, "", id="docs-build"
    ),
    # checks that are not named tools
    pytest.param(
        step("python -m py_compile src/app.py || echo 'syntax errors'"),
        "QG102",
        "python -m py_compile",
        id="py-compile",
    ),
    # `find -exec ... \;` exits 0 whatever py_compile returns: the `|| echo`
    # never sees the failure; find itself drops it (#21)
    pytest.param(
        step("find . -name '*.py' -exec python -m py_compile {} \\; || echo 'bad'"),
        "QG117",
        "find . -name",
        id="find-exec",
    ),
    pytest.param(
        step("find . -name '*.py' -exec python -m py_compile {} +"),
        None,
        "",
        id="find-exec-honest",
    ),
    pytest.param(
        step(
            "python -c 'import mypkg' || echo 'import failed'",
            name="Verify the package imports",
        ),
        "QG102",
        "python -c 'import mypkg'",
        id="import-check-by-step-name",
    ),
    pytest.param(
        step("python -c 'import mypkg' || exit 1", name="Verify the package imports"),
        None,
        "",
        id="import-check-exits",
    ),
    pytest.param(
        step("make docs || echo 'docs failed'", name="Build documentation"),
        "QG102",
        "make docs",
        id="make-docs-by-step-name",
    ),
    pytest.param(
        step(
            'for f in scripts/*.sh; do\n  bash -n "$f" && echo "OK $f" || '
            'echo "FAIL $f"\ndone'
        ),
        "QG102",
        'bash -n "$f"',
        id="bash-n-loop",
    ),
    pytest.param(
        step('for f in scripts/*.sh; do\n  bash -n "$f"\ndone'),
        None,
        "",
        id="bash-n-loop-honest",
    ),
    pytest.param(
        step(
            './mytool pip install requests || echo "Failed as expected"',
            name="Install without a virtualenv",
        ),
        "QG102",
        "./mytool pip install",
        id="expected-failure-never-checked",
    ),
    pytest.param(
        step(
            './mytool pip install requests && exit 1 || echo "Failed as expected"',
            name="Install without a virtualenv",
        ),
        None,
        "",
        id="expected-failure-checked",
    ),
    pytest.param(
        step("docker run --rm app:ci pytest -q || true"),
        "QG101",
        "docker run --rm app:ci pytest",
        id="in-a-container",
    ),
    # exit status lost in a pipe
    pytest.param(
        step("pytest -q | tail -5"), "QG112", "pytest -q | tail -5", id="pipe-tail"
    ),
    pytest.param(
        step("pytest -q | tail -5", shell_="bash"), None, "", id="pipe-shell-bash"
    ),
    pytest.param(
        step("set -o pipefail\npytest -q | tail -5"), None, "", id="pipe-pipefail"
    ),
    pytest.param(
        step("pytest -q | tee log.txt", shell_="sh"),
        "QG112",
        "pytest -q | tee log.txt",
        id="pipe-sh",
    ),
    pytest.param(
        step("./bench compare base.json new.json | tee out.txt", name="Benchmarks"),
        "QG112",
        "./bench compare",
        id="pipe-own-tool-by-step-name",
    ),
    pytest.param(
        step("pytest -q 2>&1 | tee log.txt || true\ngrep '1 failed' log.txt"),
        None,
        "",
        id="teed-log-checked",
    ),
    # errexit
    pytest.param(
        step("pytest\necho done", shell_="bash {0}"),
        "QG104",
        "pytest",
        id="custom-shell-without-e",
    ),
    pytest.param(
        step("pytest\necho done", shell_="bash -e {0}"),
        None,
        "",
        id="custom-shell-with-e",
    ),
    pytest.param(
        step("pytest\nexit 0", shell_="bash {0}"),
        "QG103",
        "pytest",
        id="exit-0-without-errexit",
    ),
    pytest.param(
        step("pytest && echo 'tests passed'\necho 'next'"),
        "QG113",
        "pytest && echo",
        id="and-list-mid-script",
    ),
    pytest.param(
        step("cd src && pytest\necho 'next'"), None, "", id="and-list-gate-last"
    ),
    pytest.param(
        step("if pytest; then\n  echo ok\nfi"), "QG113", "if pytest", id="if-no-else"
    ),
    pytest.param(
        step("if ! pytest; then\n  echo 'tests failed'\nfi"),
        "QG102",
        "if ! pytest",
        id="if-not-echo",
    ),
    pytest.param(
        step("if ! pytest; then\n  echo 'tests failed'\n  exit 1\nfi"),
        None,
        "",
        id="if-not-exits",
    ),
    # expressions and indirection
    pytest.param(
        step("pytest --junitxml=r-${{ matrix.c }}.xml || true"),
        "QG101",
        "pytest --junitxml",
        id="expression-in-command",
    ),
    pytest.param(
        step("git ls-files '*.py' | xargs flake8 || true"),
        "QG101",
        "git ls-files '*.py' | xargs flake8",
        id="xargs",
    ),
    # honest patterns stay quiet
    pytest.param(
        step("bandit -r src -f json -o report.json || true\nbandit -r src"),
        None,
        "",
        id="report-then-gate",
    ),
    pytest.param(
        step("bandit -r src -f json -o report.json || true"),
        "QG101",
        "bandit -r src -f json",
        id="report-only",
    ),
    pytest.param(
        step(
            "ruff check --fix . || true\nruff format .\nblack . || true\nisort .",
            name="Fix style",
        ),
        None,
        "",
        id="fixers",  # named `check`, the rewrites would lose it (model_ad)
    ),
    pytest.param(
        step("black --check . || true"), "QG101", "black --check", id="black-check"
    ),
    pytest.param(
        step('flake8 src || FAILED=1\nmypy src || FAILED=1\n[ -z "$FAILED" ]'),
        None,
        "",
        id="failure-recorded-and-checked",
    ),
    pytest.param(
        step("flake8 src || FAILED=1"), "QG101", "flake8 src", id="failure-recorded"
    ),
    pytest.param(
        step("pip install -e . || true", name="Install"), None, "", id="setup"
    ),
    pytest.param(
        step("docker rm -f db || true", name="Run tests"), None, "", id="cleanup"
    ),
    pytest.param(
        step('VERSION=$(git describe --tags || echo "0.0.0")'),
        None,
        "",
        id="value-default",
    ),
    # PowerShell: a native program's failure does not stop the script, and the
    # step exits with the last one's status (read by shell/pwsh.py, not as bash)
    pytest.param(
        step("pytest; if ($LASTEXITCODE) { exit 1 }", shell_="pwsh"),
        None,
        "",
        id="pwsh-status-read",
    ),
]


@pytest.mark.parametrize(("steps", "rule", "flagged"), CASES)
def test_flow(steps: str, rule: str | None, flagged: str) -> None:
    text = workflow(steps)
    found = audit(text)
    if rule is None:
        assert found == []
        return
    assert [r for r, _, _ in found] == [rule]
    _, line, message = found[0]
    assert text.splitlines()[line - 1].strip().startswith(flagged)
    fix = place_fix(rule, "step") or RULES[rule].fix  # the fix of a workflow step
    assert RULES[rule].why in message and f"Fix: {fix}." in message


def test_a_pwsh_check_before_another_native_program_is_lost() -> None:
    # PowerShell: a native program's failure does not stop the script, and the
    # step exits with the last one's status (shell/pwsh.py), with its own fix
    found = audit(workflow(step("pytest; flake8", shell_="pwsh")))
    assert [(rule, "`pytest` then `flake8`" in m) for rule, _, m in found] == [
        ("QG104", True)
    ]
    assert f"Fix: {pwsh.FIX}." in found[0][2]


def test_defaults_run_shell_counts_at_workflow_and_job_level() -> None:
    piped = step("pytest -q | tail -5")
    top = "permissions: {}\ndefaults:\n  run:\n    shell: bash\n"
    assert audit(workflow(piped, top=top)) == []
    job = "defaults:\n  run:\n    shell: bash"
    assert audit(workflow(piped, job=job)) == []
    custom = "defaults:\n  run:\n    shell: bash {0}"
    rules = [r for r, _, _ in audit(workflow(step("pytest\necho x"), job=custom))]
    assert rules == ["QG104"]


def test_windows_default_shell_is_pwsh() -> None:
    text = workflow(step("pytest | tail -5")).replace("ubuntu-latest", "windows-latest")
    assert audit(text) == []


def test_a_script_that_does_not_parse_is_audited_line_by_line() -> None:
    result = script_audit.audit_script(
        "if [ -f x ]; then\n  flake8 . || true\n", runs_with=step_shell.DEFAULT_UNIX
    )
    assert [(h.rule, h.line) for h in result.hits] == [("QG101", 1)]
    assert result.note.startswith("not parsed as a shell script (line")


def test_absurd_nesting_falls_back_instead_of_crashing() -> None:
    script = "(" * 400 + "flake8 . || true" + ")" * 400
    result = script_audit.audit_script(script, runs_with=step_shell.DEFAULT_UNIX)
    assert [h.rule for h in result.hits] == ["QG101"]
    assert "audited line by line" in result.note


@pytest.mark.parametrize(
    ("text", "errexit", "pipefail"),
    [
        ("bash", True, True),
        ("sh", True, False),
        ("bash {0}", False, False),
        ("bash -e {0}", True, False),
        ("bash -el {0}", True, False),
        ("bash --noprofile --norc -euxo pipefail {0}", True, True),
        ("/usr/bin/bash -o errexit {0}", True, False),
    ],
)
def test_github_shells(text: str, errexit: bool, pipefail: bool) -> None:
    resolved = step_shell.resolve(text, "ubuntu-latest")
    assert resolved is not None
    assert (resolved.errexit, resolved.pipefail) == (errexit, pipefail)


@pytest.mark.parametrize("text", ["pwsh", "powershell", "python", "cmd", "nu {0}"])
def test_non_posix_shells_are_not_parsed_as_bash(text: str) -> None:
    assert step_shell.resolve(text, "ubuntu-latest") is None
    assert step_shell.resolve(None, "windows-2022") is None
    assert step_shell.resolve(None, "${{ matrix.os }}") == step_shell.DEFAULT_UNIX
