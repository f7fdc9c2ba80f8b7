"""audit-gates on the missed gates of the eighth corpus (bench/audit_corpus_21h).

Not blind: each case is the general form of a lost check the audit missed or
only noted there, beside the honest twin that differs in the one thing that
decides; the real GNU make runs the recipe where make decides.
"""

from __future__ import annotations

import subprocess  # nosec B404 - fixed argument lists
import sys
from pathlib import Path

import pytest
from audit_gates_model_g_test import _run_make
from audit_gates_model_i_test import _jobs
from audit_gates_model_k_test import _bash_status
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"

# ---- a loop over test scripts is judged by the scripts it runs ---------------

_LOOP = 'test-exports:\n\t@for f in <WORDS>; do /bin/bash "$$f"<END>; done\n'


def _scripts(folder: Path) -> None:
    """Two export test scripts: the first fails, the last passes."""
    tests = folder / "tests"
    tests.mkdir()
    (tests / "test_export_a.sh").write_text("echo 'a: FAILED'\nexit 1\n")
    (tests / "test_export_b.sh").write_text("echo 'b: ok'\n")


@pytest.mark.parametrize(
    ("words", "end", "found"),
    [
        # the loop's status is the last script's: the failing first one is lost
        ("./tests/test_export_*.sh", "", [("QG104", "Makefile", 2, True)]),
        (
            "tests/test_export_a.sh tests/test_export_b.sh",
            "",
            [("QG104", "Makefile", 2, True)],
        ),
        # twin: every failure stops the loop and fails the recipe
        ("./tests/test_export_*.sh", " || exit 1", []),
        # twin: the words name no check: the target's name alone makes it a note
        ("./tools/gen_*.sh", "", [("QG104", "Makefile", 2, False)]),
        # twin: one word names no check, so the loop is not a checker by name
        ("tests/test_export_a.sh tools/gen.sh", "", [("QG104", "Makefile", 2, False)]),
    ],
)
def test_a_loop_over_test_scripts_checks_by_their_names(
    tmp_path: Path, words: str, end: str, found: list[tuple[str, str, int, bool]]
) -> None:
    makefile = _LOOP.replace("<WORDS>", words).replace("<END>", end)
    assert gate_rules(audit_project(tmp_path, {"Makefile": makefile})) == found
    if "test_export" not in words or "gen" in words:
        return
    # the real make agrees: only the twin with `|| exit 1` fails the target
    _scripts(tmp_path)
    assert (_run_make(tmp_path, "test-exports") != 0) == (end != "")


# ---- a project's own `--exit-0` option says the status is always 0 ----------

_VERIFY = "verify:\n\t./verify.sh <OPTION> examples/a.pyv\n"
_VERIFY_SH = '#!/bin/sh\necho "a.pyv: verification error"\n<EXIT>\n'


@pytest.mark.parametrize(
    ("option", "found"),
    [
        ("--exit-0", [("QG106", "Makefile", 2, True)]),
        ("--exit_0", [("QG106", "Makefile", 2, True)]),
        # twins: options named for exiting that do not turn the failure off
        ("--exit-first", []),
        ("--exit-code 1", []),
        ("", []),
    ],
)
def test_an_exit_0_option_turns_a_projects_own_check_off(
    tmp_path: Path, option: str, found: list[tuple[str, str, int, bool]]
) -> None:
    makefile = _VERIFY.replace("<OPTION>", option)
    assert gate_rules(audit_project(tmp_path, {"Makefile": makefile})) == found
    # a script that honours the option the way mypyvy's `--exit-0` does
    honours = 'case "$*" in *--exit[-_]0*) exit 0;; esac\nexit 1'
    script = tmp_path / "verify.sh"
    script.write_text(_VERIFY_SH.replace("<EXIT>", honours))
    script.chmod(0o755)
    assert (_run_make(tmp_path, "verify") == 0) == bool(found)


# ---- a program's `check` or `lint` subcommand checks by its own name ----------


@pytest.mark.parametrize(
    ("command", "lost"),
    [
        ("alembic check", True),  # fails when autogenerate finds model drift
        ("python tools/schema.py lint", True),
        ("alembic -c db/alembic.ini check", True),
        # twins: a subcommand that migrates or shows, not a check
        ("alembic upgrade head", False),
        ("alembic history", False),
        ("python tools/schema.py dump", False),
    ],
)
def test_a_check_subcommand_of_any_program_is_a_named_check(
    tmp_path: Path, command: str, lost: bool
) -> None:
    # the step's name (Korean for "migration drift") says nothing in English
    text = _jobs(
        """
        migrations:
          runs-on: ubuntu-latest
          steps:
            - name: 마이그레이션 드리프트
              continue-on-error: true
              run: |
                <COMMAND>
        """,
        COMMAND=command,
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "continue-on-error")
    assert found == ([("QG105", CI, line, True)] if lost else [])


# ---- a report tested by an `if` that never fails is not judged --------------

_FOUND = (
    "if [ -s rep.txt ]; then\n"
    '  echo "has-findings=true" >> "$GITHUB_OUTPUT"\n'
    '  { echo "### Findings"; cat rep.txt; } >> "$GITHUB_STEP_SUMMARY"\n'
    "<ELSE>"
    "fi"
)


def _scan_then(later: str, read: str = "") -> str:
    return _jobs(
        """
        scan:
          runs-on: ubuntu-latest
          steps:
            - id: dep
              run: |
                check-deps --strict . > rep.txt 2>&1 || true
                <LATER>
            - run: |
                <READ>
        """,
        LATER=later,
        READ=read or "echo done",
    )


@pytest.mark.parametrize(
    ("later", "read", "lost"),
    [
        # the findings only reach the summary and an output nothing reads
        (_FOUND.replace("<ELSE>", ""), "", True),
        (
            _FOUND.replace(
                "<ELSE>", 'else\n  echo "has-findings=false" >> "$GITHUB_OUTPUT"\n'
            ),
            "",
            True,
        ),
        # twins: a branch fails, or a later step fails on the output
        (_FOUND.replace("<ELSE>", "  exit 1\n"), "", False),
        ("[ -s rep.txt ] && exit 1 || echo clean", "", False),
        (
            _FOUND.replace("<ELSE>", ""),
            'if [ "${{ steps.dep.outputs.has-findings }}" = true ]; then exit 1; fi',
            False,
        ),
    ],
)
def test_a_report_tested_by_an_if_that_never_fails_is_lost(
    tmp_path: Path, later: str, read: str, lost: bool
) -> None:
    text = _scan_then(later, read)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG101", CI, line_of(text, "check-deps"), True)] if lost else []
    assert found == expected
    if read:
        return  # the later step reads what GitHub passes on: not a bash matter
    # the real bash agrees: with a checker that fails, only the twins fail
    script = "GITHUB_OUTPUT=out.txt\nGITHUB_STEP_SUMMARY=sum.md\n"
    script += "check-deps --strict . > rep.txt 2>&1 || true\n" + later
    assert (_bash_status(tmp_path, script, tool="check-deps") != 0) == (not lost)


# ---- a formatter asked only for its diff checks nothing ---------------------

_MISORDERED = "import sys\nimport os\n\nprint(os, sys)\n"


@pytest.mark.parametrize(
    ("env", "command", "lost"),
    [
        ("lint", "isort --diff --atomic .", True),
        ("codestyle", "black --diff .", True),
        # twins: a check flag makes the diff a check; a format env shows it
        ("lint", "isort --check-only --diff .", False),
        ("lint", "black --check --diff .", False),
        ("format", "isort --diff .", False),
    ],
)
def test_a_formatters_diff_without_a_check_flag_cannot_fail(
    tmp_path: Path, env: str, command: str, lost: bool
) -> None:
    tox = f"[tox]\nenvlist = {env}\n\n[testenv:{env}]\ncommands =\n    {command}\n"
    found = gate_rules(audit_project(tmp_path, {"tox.ini": tox}))
    assert found == ([("QG106", "tox.ini", 6, True)] if lost else [])
    # the real formatter agrees: on a file it would change, only a check
    # flag fails, and `--diff` leaves the file as it was
    target = tmp_path / "mod.py"
    target.write_text(_MISORDERED if "isort" in command else "x = ( 1 )\n")
    before = target.read_text()
    tool = Path(sys.executable).parent / command.split()[0]
    done = subprocess.run(  # nosec B603
        [str(tool), *command.split()[1:-1], str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode == 0) == (lost or env == "format")
    assert target.read_text() == before


@pytest.mark.parametrize(("name", "lost"), [("Lint", True), ("Show the diff", False)])
def test_a_formatters_diff_in_a_lint_step_cannot_fail(
    tmp_path: Path, name: str, lost: bool
) -> None:
    def step(name: str) -> str:
        return _jobs("""
            style:
              runs-on: ubuntu-latest
              steps:
                - name: <NAME>
                  run: |
                    black --diff .
            """).replace("<NAME>", name)

    # twin: a step named only for showing the diff, in a job named for style
    text = step(name)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG106", CI, line_of(text, "black --diff"), True)]
    assert found == (expected if lost else [])


# ---- a failure flag set on a finding and never failed on --------------------

_SCAN = (
    "FAIL=0\n"
    "for pattern in 'event.issue.title' 'event.comment.body'; do\n"
    '  MATCHES=$(grep -rn "$pattern" workflows/ || true)\n'
    '  if [ -n "$MATCHES" ]; then\n'
    '    echo "Potential injection: $pattern"\n'
    "    FAIL=1\n"
    "  fi\n"
    "done\n"
)


@pytest.mark.parametrize(
    ("end", "lost"),
    [
        ('if [ "$FAIL" -eq 0 ]; then echo "clean"; fi', True),
        ('echo "fail=$FAIL"', True),
        # twins: the flag fails the step, or goes to a later step
        ('exit "$FAIL"', False),
        ('[ "$FAIL" -eq 0 ]', False),
        ('if [ "$FAIL" -ne 0 ]; then exit 1; fi', False),
        # written to an output that no later step reads: lost (a later step
        # failing on it is audit_gates_model_v_test's inverted-flag twin)
        ('echo "fail=$FAIL" >> "$GITHUB_OUTPUT"', True),
        (
            'if [ "$FAIL" = 1 ]; then echo "status=failure" >> "$GITHUB_OUTPUT"; fi',
            False,
        ),
    ],
)
def test_a_failure_flag_nothing_fails_on_is_lost(
    tmp_path: Path, end: str, lost: bool
) -> None:
    script = _SCAN + end
    text = _jobs(
        """
        injection:
          runs-on: ubuntu-latest
          steps:
            - name: Check for unsafe expression interpolation
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == ([("QG101", CI, line_of(text, "FAIL=1"), True)] if lost else [])
    # the real bash agrees: with a finding, only the twins' script fails
    (tmp_path / "workflows").mkdir()
    (tmp_path / "workflows" / "ci.yml").write_text(
        "run: echo ${{ event.issue.title }}\n"
    )
    status = _bash_status(tmp_path, "GITHUB_OUTPUT=out.txt\n" + script, tool="none")
    # the output twin passes in bash too: its flag fails a later step, if any
    assert (status != 0) == (not lost and "GITHUB_OUTPUT" not in end)


def test_a_report_tested_for_existence_carries_a_step_named_checks_crash(
    tmp_path: Path,
) -> None:
    """Twin: a command that checks only by its step's name may only make a file.

    ``analyze.py --output a.json || true`` then ``if [ -f a.json ]``: whether
    the file is there is what the run produced, so its crash is recorded.
    """
    text = _jobs("""
        migrations:
          runs-on: ubuntu-latest
          steps:
            - name: Check migrations
              id: analyze
              run: |
                python tools/analyze.py --output a.json || true
                if [ -f a.json ]; then echo "found=true" >> "$GITHUB_OUTPUT"; fi
        """)
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []
