"""audit-gates on four shapes of the development half of bench/audit_corpus_21l.

Not blind: each case is the general form of a lost check the audit missed or
of an honest step it flagged there, beside the twin that differs in the one
thing that decides; the real bash runs the script where it decides.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # nosec B404 - fixed argument lists
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of
from quality_gates.guards.integrity.shell import script_audit, step_shell

CI = ".github/workflows/ci.yml"
BASH = shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")


def _step(name: str, run: str, extra: str = "") -> str:
    return _jobs(
        """
        check:
          runs-on: ubuntu-latest
          steps:
            - name: <NAME>
        <EXTRA>
              run: |
                <RUN>
        """.replace("<NAME>", name).replace("<EXTRA>", extra),
        RUN=run,
    )


def _audit(tmp_path: Path, text: str) -> list[tuple[str, str, int, bool]]:
    return gate_rules(audit_project(tmp_path, {CI: text}))


def _bash(script: str, tmp_path: Path, **env: str) -> int:
    """Exit status of ``script`` run by the real bash as GitHub runs a step."""
    assert BASH is not None
    path = tmp_path / "step.sh"
    path.write_text(script)
    done = subprocess.run(  # nosec B603 - fixed argument list
        [BASH, "-e", str(path)],
        cwd=tmp_path,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode


# ---- every `--exit-zero` run of a step is its own lost check ----------------

_STARTER = (
    "flake8 src --count --select=E9,F63,F7,F82 --show-source --statistics{FIRST}\n"
    "# exit-zero treats all errors as warnings\n"
    "flake8 src --count --exit-zero --max-complexity=15 --statistics\n"
)


@pytest.mark.parametrize(
    ("first", "lines"),
    [(" --exit-zero", ["--select", "--max-complexity"]), ("", ["--max-complexity"])],
    ids=["both-runs-exit-zero", "starter-with-strict-first-run"],
)
def test_each_exit_zero_run_of_a_step_is_reported(
    tmp_path: Path, first: str, lines: list[str]
) -> None:
    """flake8 documents ``--exit-zero``: exit 0 even with errors; each run loses its own."""
    text = _step("Lint with flake8", _STARTER.format(FIRST=first))
    assert _audit(tmp_path, text) == [
        ("QG106", CI, line_of(text, needle), True) for needle in lines
    ]


# ---- a coverage verdict captured, then only warned on -----------------------

_VERDICT = """\
COVERAGE=$(awk "BEGIN {printf \\"%.1f\\", ($HIT/$FOUND)*100}")
PASSES=$(echo "$COVERAGE ${{ env.MIN_COVERAGE }}" | awk '{print ($1 >= $2) ? "1" : "0"}')
if [ "$PASSES" = "1" ]; then
  echo "Coverage ${COVERAGE}% meets threshold"
else
  echo "::warning::Coverage ${COVERAGE}% is below threshold"
  <ELSE>
fi
"""


@pytest.mark.parametrize(
    ("below", "rules"),
    [("true", [("QG102", True)]), ("exit 1", [])],
    ids=["only-warns", "fails"],
)
def test_a_captured_coverage_verdict_that_only_warns_is_lost(
    tmp_path: Path, below: str, rules: list[tuple[str, bool]]
) -> None:
    """``PASSES=$(... awk '{print ($1 >= $2)}')``: awk's $1/$2 are the echoed words."""
    text = _step("Check coverage threshold", _VERDICT.replace("<ELSE>", below))
    found = _audit(tmp_path, text)
    where = line_of(text, 'if [ "$PASSES"')
    assert [(r, failing) for r, _, ln, failing in found if ln == where] == rules


def test_a_verdict_read_again_elsewhere_is_left_alone(tmp_path: Path) -> None:
    """Twin: the verdict goes to an output a later step may fail on."""
    run = _VERDICT.replace("<ELSE>", "true") + (
        'echo "passes=$PASSES" >> "$GITHUB_OUTPUT"\n'
    )
    assert _audit(tmp_path, _step("Check coverage threshold", run)) == []


@needs_bash
@pytest.mark.parametrize(("below", "status"), [("true", 0), ("exit 1", 1)])
def test_bash_runs_a_warned_verdict_to_success(
    tmp_path: Path, below: str, status: int
) -> None:
    """The real bash: 40% below a threshold of 70 ends the step 0 when it only warns."""
    script = _VERDICT.replace("<ELSE>", below).replace("${{ env.MIN_COVERAGE }}", "70")
    assert _bash(script, tmp_path, HIT="40", FOUND="100") == status


# ---- pub fetching or reporting packages is no check --------------------------


@pytest.mark.parametrize(
    ("command", "rules"),
    [
        ("flutter pub outdated --json > outdated.json 2>&1 || true", []),
        ("dart pub get", []),
        ("flutter test", [("QG105", True)]),
    ],
    ids=["pub-outdated", "pub-get", "flutter-test"],
)
def test_pub_setup_and_reports_are_no_check(
    tmp_path: Path, command: str, rules: list[tuple[str, bool]]
) -> None:
    """``pub get`` fetches, ``pub outdated`` reports (exit 0): a check only by twin."""
    text = _step(
        "Check for outdated dependencies", command, "      continue-on-error: true"
    )
    assert [(r, failing) for r, _, _, failing in _audit(tmp_path, text)] == rules


# ---- a lost run repeated later by the same check -----------------------------

_RERUN = 'bash -c "\n  flutter test --coverage --reporter json > r.json\n  {AGAIN}\n"\n'


@pytest.mark.parametrize(
    ("again", "rules"),
    [("flutter test --coverage", []), ("flutter test test/other", ["QG104"])],
    ids=["same-check-again", "another-check"],
)
def test_a_run_repeated_later_without_e_is_not_lost(
    tmp_path: Path, again: str, rules: list[str]
) -> None:
    """Without ``-e``, the later run of the same tests decides the status."""
    text = _step("Run Flutter unit tests", _RERUN.format(AGAIN=again))
    found = [r for r, _, ln, _ in _audit(tmp_path, text) if ln == line_of(text, "json")]
    assert found == rules


@needs_bash
def test_bash_ends_with_the_repeated_run(tmp_path: Path) -> None:
    """The real bash: failing tests fail both runs, and the last one is the status."""
    tool = tmp_path / "bin" / "flutter"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\necho run >> runs.txt\nexit 1\n")
    tool.chmod(0o755)
    script = _RERUN.format(AGAIN="flutter test --coverage")
    path = f"{tool.parent}:{os.environ['PATH']}"
    assert _bash(script, tmp_path, PATH=path) == 1
    assert (tmp_path / "runs.txt").read_text() == "run\nrun\n"


# ---- literal parens in an expansion's alternative word -----------------------

_ALTERNATIVE = 'pytest || true\necho "done${VERSION:+ (version: $VERSION)}"\n'


def test_parens_in_an_alternative_word_are_parsed() -> None:
    """tree-sitter-bash refuses ``${V:+ (v: $V)}``; bash reads the parens as text."""
    audit = script_audit.audit_script(_ALTERNATIVE, runs_with=step_shell.DEFAULT_UNIX)
    assert (audit.note, [(h.rule, h.line) for h in audit.hits]) == ("", [("QG101", 0)])


def test_a_command_substitution_in_an_alternative_keeps_its_parens() -> None:
    """Twin: ``${V:-$(cmd)}`` holds code; the retry leaves it, the grammar still fails."""
    script = 'echo "x${V:- ($(date) $V)}"\npytest || true\n'
    audit = script_audit.audit_script(script, runs_with=step_shell.DEFAULT_UNIX)
    assert audit.note.startswith("not parsed as a shell script")


@needs_bash
def test_bash_prints_the_alternative_word(tmp_path: Path) -> None:
    """The real bash accepts the word: the step is bash, not a syntax error."""
    script = 'echo "done${VERSION:+ (version: $VERSION)}" > out.txt\n'
    assert _bash(script, tmp_path, VERSION="1.2") == 0
    assert (tmp_path / "out.txt").read_text() == "done (version: 1.2)\n"
