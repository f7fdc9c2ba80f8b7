"""audit-gates on the misses and false findings of sweep issue-21aw.

Not blind: each case is the general form of a shape the sweep's hand-read
truth (bench/audit_sweep/issue-21aw) showed, beside the honest twin that
differs in the one thing that decides; real bash runs the scripts where the
shell decides.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - fixed argument lists
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"


def _findings(tmp_path: Path, text: str) -> list[tuple[str, str, int, bool]]:
    return gate_rules(audit_project(tmp_path, {CI: text}))


# ---- a workflow run only after another workflow guards no change ------------

_PIPELINE = """
stage:
  runs-on: ubuntu-latest
  steps:
    - uses: actions/checkout@v4
    - name: Run the nightly eval stage (optional)
      continue-on-error: true
      run: python -u scripts/stock_eval.py --window-hours 24
"""

_AFTER_CRAWL = (
    "on:\n  workflow_run:\n    workflows: [Crawler]\n    types: [completed]\n"
)


@pytest.mark.parametrize(
    ("top", "fails"),
    [
        # workflow_run runs on the default branch's last commit, never on a change
        (_AFTER_CRAWL, False),
        (_AFTER_CRAWL + "  workflow_dispatch:\n", False),
        # twin: the same step on push is judged as before, a gate lost
        ("on: [push, pull_request]\n", True),
        # twin: a change can start it too
        (_AFTER_CRAWL + "  pull_request:\n", True),
    ],
)
def test_workflow_run_only_step_by_name_is_a_note(
    tmp_path: Path, top: str, fails: bool
) -> None:
    text = _jobs(_PIPELINE, top=top)
    line = line_of(text, "continue-on-error")
    assert _findings(tmp_path, text) == [("QG105", CI, line, fails)]


def test_workflow_run_named_checker_is_still_a_gate(tmp_path: Path) -> None:
    text = _jobs(
        _PIPELINE.replace("python -u scripts/stock_eval.py", "pytest"), top=_AFTER_CRAWL
    )
    line = line_of(text, "continue-on-error")
    assert _findings(tmp_path, text) == [("QG105", CI, line, True)]


# ---- a build step whose name says it leaves the tests out -------------------

_GRADLE = """
build:
  runs-on: ubuntu-latest
  steps:
    - uses: actions/checkout@v4
    - name: <NAME>
      run: ./gradlew build buildDeb -x test
"""


@pytest.mark.parametrize(
    ("name", "lost"),
    [
        ("Build and test", True),
        ("Build without tests", False),
        ("Build (skip tests)", False),
        ("Compile, no unit tests", False),
    ],
)
def test_step_named_without_tests_promises_none(
    tmp_path: Path, name: str, lost: bool
) -> None:
    text = _jobs(_GRADLE.replace("<NAME>", name))
    found = _findings(tmp_path, text)
    line = line_of(text, "./gradlew")
    assert found == ([("QG107", CI, line, True)] if lost else [])


# ---- a negated quiet grep in the middle of a script -------------------------

_MODULE = "src/Module.php"


def _bash(tmp_path: Path, script: str) -> int:
    """Run ``script`` as GitHub runs a step (bash -e), in a folder with the module."""
    bash = shutil.which("bash")
    assert bash is not None
    work = tmp_path / "work"
    (work / "src").mkdir(parents=True, exist_ok=True)
    (work / _MODULE).write_text("<?php\nuse WPDevFramework\\Core;\n")
    proc = subprocess.run(  # nosec B603 - fixed argument list
        [bash, "--noprofile", "--norc", "-e", "-c", script], cwd=work, check=False
    )
    return proc.returncode


_FORBIDS = f"! grep -qE '^use WPDevFramework' {_MODULE}"


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        # the assertion fails (the module does import it), the script goes on
        (f"{_FORBIDS}\nphp_lint_ok=1\necho done", True),
        (f"test -f {_MODULE}\n{_FORBIDS}\n! test -f {_MODULE}\necho done", True),
        # twins: the last command's status is the step's
        (f"echo start\n{_FORBIDS}", False),
        # a condition, not an assertion
        (f"if {_FORBIDS}; then echo clean; fi\necho done", False),
        # failed on explicitly, or its status read
        (f"{_FORBIDS} || exit 1\necho done", False),
        (f"{_FORBIDS}\nrc=$?\n[ $rc -eq 0 ]", False),
        # without the `!` errexit stops on it
        (f"grep -qE '^use Other' {_MODULE}\necho done", False),
    ],
)
def test_negated_quiet_grep_mid_script_is_lost(
    tmp_path: Path, script: str, lost: bool
) -> None:
    text = _jobs(
        """
        smoke:
          runs-on: ubuntu-latest
          steps:
            - name: Generated module must not import the framework
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )
    found = [f for f in _findings(tmp_path, text) if f[0] == "QG113"]
    assert bool(found) is lost
    if lost:
        assert found[0] == ("QG113", CI, line_of(text, _FORBIDS), True)
        assert _bash(tmp_path, script) == 0  # the failed assertion is lost
    elif "|| exit 1" in script or script.endswith(_FORBIDS) or "^use Other" in script:
        assert _bash(tmp_path, script) != 0  # the twin fails the step


# ---- a package script named for a check that only echoes --------------------


@pytest.mark.parametrize(
    ("run", "script", "stub"),
    [
        ("npm run lint", "echo 'Skipping linting for now'", True),
        ("pnpm run typecheck", "echo skipped && exit 0", True),
        # twins: npm init's default fails; a real linter checks
        ("npm run lint", 'echo "Error: no linter yet" && exit 1', False),
        ("npm run lint", "eslint src/", False),
        # a script named for no check; yarn's own `check` command
        ("npm run build", "echo building", False),
        ("yarn check", "true", False),
    ],
)
def test_package_script_stub_of_a_check(
    tmp_path: Path, run: str, script: str, stub: bool
) -> None:
    name = run.split()[-1]
    package = '{"scripts": {"%s": %s}}' % (name, _json_string(script))
    text = _jobs("""
        build:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@v4
            - name: Lint
              run: <RUN>
        """.replace("<RUN>", run))
    found = gate_rules(audit_project(tmp_path, {CI: text, "package.json": package}))
    stubs = [f for f in found if f[0] == "QG107"]
    assert stubs == ([("QG107", CI, line_of(text, run), True)] if stub else [])


def _json_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
