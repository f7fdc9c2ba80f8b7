"""audit-gates on what 21f's test half showed on its first (blind) run.

Written after that run (not blind, and not counted as blind): each case is
the general form of a miss or a false finding there, beside the twin that
differs in the one thing that decides.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of
from workflow_yaml import SHA

CI = ".github/workflows/ci.yml"


def _step(name: str, script: str) -> str:
    """Return a workflow of one job whose one step runs ``script``."""
    return _jobs(
        f"""
        smoke:
          runs-on: ubuntu-latest
          steps:
            - name: {name}
              run: |
                <SCRIPT>
        """,
        SCRIPT=textwrap.dedent(script).strip("\n"),
    )


# ---- `out=$(check) || { echo ...; }`: the fallback of a captured value ------


@pytest.mark.parametrize(
    ("name", "script", "lost"),
    [
        # the brace group only echoes: the failing request passes
        (
            "Health check - Detailed",
            """
            response=$(curl -sf https://staging.example.org/health) || {
              echo "::warning::health check failed (non-blocking)"
            }
            echo "Response: $response"
            """,
            True,
        ),
        # the same with a named gate in the substitution, and a subshell
        (
            "Unit tests",
            'out=$(pytest -q) || ( echo "tests failed" )\necho "$out"',
            True,
        ),
        # the group ends in `exit 1`: the failure is carried
        (
            "Health check - Detailed",
            """
            response=$(curl -sf https://staging.example.org/health) || {
              echo "::error::health check failed"
              exit 1
            }
            """,
            False,
        ),
        (
            "Unit tests",
            'out=$(pytest -q) || { echo failed; false; }\necho "$out"',
            False,
        ),
        # the value is tested afterwards and an empty one fails the script
        (
            "Validate the auth configuration",
            """
            url=$(curl -sf https://example.org/api/login) || {
              echo "::warning::could not reach the API"
            }
            [ -n "$url" ] || exit 1
            """,
            False,
        ),
        # the value itself is the product, judged where it is used (grepped
        # into an output): a value, as before
        (
            "Check for breaking changes",
            """
            out=$(oasdiff breaking base.json head.json) || true
            if echo "$out" | grep -q ':x:'; then
              echo "has_breaking=true" >> "$GITHUB_OUTPUT"
            fi
            """,
            False,
        ),
        # a request not named a check: a value fetched, with its default
        (
            "Get the latest version",
            'v=$(curl -sf https://example.org/latest) || v=1.0\necho "$v"',
            False,
        ),
    ],
)
def test_a_captured_check_whose_fallback_only_echoes(
    tmp_path: Path, name: str, script: str, lost: bool
) -> None:
    text = _step(name, script)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "||")
    assert found == ([("QG102", CI, line, True)] if lost else [])


@pytest.mark.parametrize(
    ("fallback", "found_rule"),
    [
        # without pipefail `head` decides the pipe; the `||` that only warns
        # shows the author meant the request's failure to pass as well
        ('{ echo "::warning::API test failed (non-blocking)"; }', "QG102"),
        # a fallback that fails does not excuse the pipe: curl's failure is
        # still lost in it (a note, as any pipe without pipefail)
        ('{ echo "::error::API test failed"; exit 1; }', "QG112"),
    ],
)
def test_a_captured_pipe_whose_fallback_only_echoes(
    tmp_path: Path, fallback: str, found_rule: str
) -> None:
    script = (
        'response=$(curl -sf --max-time 30 "https://example.org/api" | head -c 500)'
        f" || {fallback}\n"
        'echo "Response: ${response:0:200}"'
    )
    text = _step("API smoke test", script)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "curl")
    assert found == [(found_rule, CI, line, found_rule != "QG112")]


# ---- continue-on-error on a test-report publisher ----------------------------


@pytest.mark.parametrize(
    ("uses", "swallowed"),
    [
        ("dorny/test-reporter", False),
        ("mikepenz/action-junit-report", False),
        ("EnricoMi/publish-unit-test-result-action", False),
        # twin: an action that runs the tests itself
        ("example/run-tests-action", True),
    ],
)
def test_continue_on_error_on_a_test_report_publisher(
    tmp_path: Path, uses: str, swallowed: bool
) -> None:
    text = _jobs(f"""
        test:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{SHA}
            - run: pytest --junitxml=results.xml
            - uses: {uses}@{SHA}
              continue-on-error: true
              with:
                path: results.xml
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "continue-on-error")
    assert found == ([("QG105", CI, line, True)] if swallowed else [])


# ---- continue-on-error / `if: false` on a job that only builds ---------------

_BUILD_JOB = """
build:
  runs-on: ubuntu-latest
  <HEAD>
  steps:
    - uses: actions/checkout@{sha}
    - name: Build the wheel (${{{{ matrix.build-type }}}})
      run: ./scripts/build_wheel.sh
    - uses: actions/upload-artifact@{sha}
      with:
        name: wheel-${{{{ matrix.python }}}}
        path: dist/*.whl
"""


def _build_then(head: str, later: str) -> str:
    """Return the build job (with ``head`` at job level), then ``later`` jobs."""
    return _jobs(_BUILD_JOB.format(sha=SHA) + textwrap.dedent(later), HEAD=head)


_DOWNLOADS = f"""
test:
  needs: build
  runs-on: ubuntu-latest
  steps:
    - uses: actions/download-artifact@{SHA}
      with:
        <GIVEN>
    - run: pip install dist/*.whl && pytest
"""


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # the test job takes the wheel by the same name: a missing one fails it
        ("name: wheel-${{ matrix.python }}", []),
        # twin: the test job downloads every artifact there is, and passes
        # with none: the build's failure is lost (a note: it is a build)
        ("path: dist", [False]),
        ("name: another-artifact", [False]),
    ],
)
def test_continue_on_error_on_a_build_job_whose_artifact_is_taken(
    tmp_path: Path, given: str, expected: list[bool]
) -> None:
    later = _DOWNLOADS.replace("<GIVEN>", given)
    text = _build_then("continue-on-error: true", later)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "continue-on-error")
    assert found == [("QG105", CI, line, fails) for fails in expected]


def test_continue_on_error_on_a_build_job_that_uploads_from_one_cell(
    tmp_path: Path,
) -> None:
    """Twin: only one matrix cell uploads (`if:`); the others' failures are lost."""
    text = _build_then("continue-on-error: true", _DOWNLOADS).replace(
        "- uses: actions/upload-artifact",
        "- if: matrix.python == '3.13'\n        uses: actions/upload-artifact",
    )
    text = text.replace("<GIVEN>", "name: wheel-${{ matrix.python }}")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG105", CI, line_of(text, "continue-on-error"), False)]


def test_continue_on_error_on_a_job_that_tests_and_uploads(tmp_path: Path) -> None:
    """Twin: a job named for testing that uploads its report is a check."""
    text = _jobs(f"""
        tests:
          runs-on: ubuntu-latest
          continue-on-error: true
          steps:
            - uses: actions/checkout@{SHA}
            - name: Run the tests
              run: pytest --junitxml=results.xml
            - uses: actions/upload-artifact@{SHA}
              with:
                name: results
                path: results.xml
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG105", CI, line_of(text, "continue-on-error"), True)]


@pytest.mark.parametrize(
    ("step", "fails"),
    [
        ("Build the library (${{ matrix.library-type }})", False),
        # twin: the job also tests
        ("Build and test the library", True),
    ],
)
def test_if_false_on_a_job_that_only_builds(
    tmp_path: Path, step: str, fails: bool
) -> None:
    text = _jobs(f"""
        build-macos:
          if: false
          runs-on: macos-14
          steps:
            - uses: actions/checkout@{SHA}
            - name: {step}
              run: cmake .. && make -j
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG107", CI, line_of(text, "if: false"), fails)]


# ---- continue-on-error on a fix run in a job that commits what changed -------


@pytest.mark.parametrize(
    ("run", "commit", "expected"),
    [
        # a linter in fix mode, its rewrite committed by autofix.ci: honest
        ("eslint --fix .", "uses: autofix-ci/action@" + SHA, []),
        ("prettier --write .", "run: git commit -am fix && git push", []),
        ("ruff format .", "uses: autofix-ci/action@" + SHA, []),
        # a package script named for the linter: its mode is in package.json
        ("npm run eslint", "uses: autofix-ci/action@" + SHA, [False]),
        # twin: the same linter checking, in the committing job
        ("eslint .", "uses: autofix-ci/action@" + SHA, [True]),
        # twin: a fix run in a job that commits nothing
        ("npm run eslint", "uses: actions/cache@" + SHA, [True]),
    ],
)
def test_continue_on_error_on_a_fix_run_in_a_committing_job(
    tmp_path: Path, run: str, commit: str, expected: list[bool]
) -> None:
    text = _jobs(f"""
        autofix:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{SHA}
            - run: {run}
              working-directory: web
              continue-on-error: true
            - {commit}
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "continue-on-error")
    assert found == [("QG105", CI, line, fails) for fails in expected]
