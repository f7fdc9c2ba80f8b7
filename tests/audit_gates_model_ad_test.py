"""audit-gates on the misses and false findings of the issue-21av sweep.

Not blind: each case is the general form of a shape the audit got wrong on
that sweep's repositories, beside the twin that differs in the one thing that
decides.  Real black shows that a formatter run to rewrite exits 0 on the
code its check mode fails on.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404 - fixed argument lists
import sys
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"


def _one_step(name: str, run: str, job: str = "build") -> str:
    return _jobs(
        """
        <JOB>:
          runs-on: ubuntu-latest
          steps:
            - name: <NAME>
              run: |
                <RUN>
        """.replace("<JOB>", job).replace("<NAME>", name),
        RUN=run,
    )


def _audit(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int, bool]]:
    return gate_rules(audit_project(tmp_path, files))


# ---- cleanup that only looks like a check -------------------------------------


@pytest.mark.parametrize(
    ("name", "run", "lost"),
    [
        # a shell script whose last word says it tears down
        ("Teardown fixture", "bash scripts/test-fixture-down.sh || true", False),
        ("Teardown fixture", "bash scripts/e2e-teardown.sh || true", False),
        # twin: the script is named for testing, the step's name aside
        ("Teardown fixture", "bash scripts/test-fixture.sh || true", True),
        # a disk image detached after it was checked
        ("Verify notarization", 'hdiutil detach "$MP" || true', False),
        # twin: `hdiutil verify` checks the image's checksum
        ("Verify notarization", 'hdiutil verify "$DMG" || true', True),
        # a step named for unpacking what a later step uses
        ("Decompress fonts", "fonttools ttLib.woff2 decompress a.woff2 || true", False),
        ("Extract fixtures", "./tools/unpack.sh fixtures.tgz || true", False),
        # twin: a step whose name says nothing, in a job named for testing
        ("Fonts", "fonttools ttLib.woff2 decompress a.woff2 || true", True),
    ],
)
def test_cleanup_and_unpacking_are_no_checks(
    tmp_path: Path, name: str, run: str, lost: bool
) -> None:
    text = _one_step(name, run, job="build-and-test")
    found = _audit(tmp_path, {CI: text})
    expected = [("QG101", CI, line_of(text, "|| true"), True)] if lost else []
    assert found == expected


# ---- a formatter run to rewrite where the step is named for checking ---------

_PACKAGE = {
    "scripts": {
        "prettier": "prettier --config .prettierrc.js --write 'src/**/*.ts'",
        "prettier-check": "prettier --check 'src/**/*.ts'",
        "eslint": "eslint --fix 'src/**/*.ts'",
    }
}


@pytest.mark.parametrize(
    ("name", "run", "after", "lost"),
    [
        ("Check frontend prettier", "npm run prettier", "", True),
        ("Lint", "black .", "", True),
        ("Verify formatting", "ruff format .", "", True),
        # twins: the tree is read after the rewrite
        ("Check frontend prettier", "npm run prettier", "git diff --exit-code", False),
        ("Lint", "black .", 'test -z "$(git status --porcelain)"', False),
        # twin: the step is named for formatting, not for checking
        ("Format frontend", "npm run prettier", "", False),
        # twins: named for fixing as much as for checking
        ("Lint fix", "black .", "", False),
        ("Auto-fix lint errors", "black .", "", False),
        ("Format and lint", "black .", "", False),
        # ... but a name that checks the formatting still means the check
        ("Check formatting", "black .", "", True),
        # twin: the formatter in its check mode (a gate that fails)
        ("Check frontend prettier", "npm run prettier-check", "", False),
        # twin: `eslint --fix` still fails on what it cannot fix
        ("Check frontend eslint", "npm run eslint", "", False),
    ],
)
def test_formatter_rewriting_in_a_checking_step(
    tmp_path: Path, name: str, run: str, after: str, lost: bool
) -> None:
    steps = f"- name: {name}\n  run: {run}\n" + (f"- run: {after}\n" if after else "")
    text = _jobs(
        """
        lint:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@v4
            <STEPS>
        """,
        STEPS=steps,
    )
    files = {CI: text, "package.json": json.dumps(_PACKAGE)}
    found = _audit(tmp_path, files)
    expected = [("QG106", CI, line_of(text, f"run: {run}"), True)] if lost else []
    assert found == expected


@pytest.mark.parametrize(("target", "lost"), [("lint-fix", False), ("lint", True)])
def test_formatter_in_a_make_target(tmp_path: Path, target: str, lost: bool) -> None:
    """`make lint-fix` runs black to rewrite; a `lint` target doing so loses it."""
    text = f"{target}:\n\tpython3 -m black .\n"
    found = _audit(tmp_path, {"Makefile": text})
    assert found == ([("QG106", "Makefile", 2, True)] if lost else [])


def test_formatter_commit_job_is_an_autofix(tmp_path: Path) -> None:
    """A job that commits what the formatter changed fixes, it does not check."""
    text = _jobs("""
        lint:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@v4
            - name: Check formatting
              run: black .
            - uses: stefanzweifel/git-auto-commit-action@v5
        """)
    assert _audit(tmp_path, {CI: text}) == []


@pytest.mark.parametrize(("options", "status"), [([], 0), (["--check"], 1)])
def test_real_black_rewrites_and_passes(
    tmp_path: Path, options: list[str], status: int
) -> None:
    """``black .`` reformats and exits 0 where ``black --check .`` fails."""
    (tmp_path / "bad.py").write_text("x = {  'a':1 }\n")
    done = subprocess.run(  # nosec B603 - fixed argument list
        [sys.executable, "-m", "black", *options, "."],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == status


# ---- test results published after a continued test step ----------------------


def _published(publisher: str) -> str:
    return _jobs(
        """
        test:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@v4
            - name: Run tests
              id: test
              run: npm test -- --testResultsProcessor=jest-junit
              continue-on-error: true
            <PUBLISHER>
        """,
        PUBLISHER=publisher,
    )


_ENRICO = (
    "- uses: EnricoMi/publish-unit-test-result-action@v2\n"
    "  if: always()\n  with:\n    files: ./test-results/junit.xml\n"
)
_DORNY = (
    "- uses: dorny/test-reporter@v1\n  if: always()\n  with:\n"
    "    name: jest\n    path: ./test-results/junit.xml\n    reporter: jest-junit\n"
)


@pytest.mark.parametrize(
    ("publisher", "verdict"),
    [
        # a failed check run of its own, the job green: plausible only
        (_ENRICO, "note"),
        # the publisher fails its step on a failed test: carried on
        (_DORNY, "honest"),
        (_ENRICO + "    action_fail: true\n", "honest"),
        # told not to fail the step: the check run still fails
        (_DORNY + "    fail-on-error: false\n", "note"),
        (
            _DORNY.replace(
                "  if: always()", "  if: always()\n  continue-on-error: true"
            ),
            "note",
        ),
        # twin: a check run that passes whatever the results are
        (_ENRICO + "    fail_on: nothing\n", "error"),
        # twin: a publisher that runs only when the tests passed reads no failure
        (_DORNY.replace("if: always()", "if: success()"), "error"),
        # twin: no publisher at all
        ("- run: echo done\n", "error"),
    ],
)
def test_published_results_carry_a_continued_test(
    tmp_path: Path, publisher: str, verdict: str
) -> None:
    text = _published(publisher)
    found = _audit(tmp_path, {CI: text})
    line = line_of(text, "continue-on-error: true")
    expected = {
        "honest": [],
        "note": [("QG105", CI, line, False)],
        "error": [("QG105", CI, line, True)],
    }[verdict]
    assert found == expected
