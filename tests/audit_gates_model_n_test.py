"""audit-gates on what a broad precision sweep of mirrored CI showed (not blind).

Each case is the general form of a false finding met in the sweep
(bench/audit_sweep/issue-21aa.md), beside the twin that differs in the one
thing that decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"

# ---- a placeholder that only prints and exits is no check --------------------

_CODEQL = """
analyze:
  runs-on: ubuntu-latest
  strategy:
    matrix:
      include:
        - language: python
          build-mode: none
  steps:
    - uses: actions/checkout@v4
    - name: Run manual build steps
      if: matrix.build-mode == 'manual'
      shell: bash
      run: |
        <BODY>
"""


@pytest.mark.parametrize(
    ("body", "lost"),
    [
        # the CodeQL template's placeholder: it tells how to replace it, fails
        (
            "echo 'If you are using a \"manual\" build mode, replace this' \\\n"
            "  'with the commands to build your code, for example:'\n"
            "echo '  make bootstrap'\nexit 1",
            False,
        ),
        # twin: a hand-written check tests something before it exits
        ("if [ ! -f build/app ]; then\n  echo 'no app built'\n  exit 1\nfi", True),
        ("grep -q ok build.log || {\n  echo 'not built'\n  exit 1\n}", True),
    ],
)
def test_a_step_that_only_prints_and_exits_is_no_check(
    tmp_path: Path, body: str, lost: bool
) -> None:
    text = _jobs(_CODEQL, BODY=body)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG107", CI, line_of(text, "if: matrix"), True)] if lost else []
    assert found == expected


# ---- `--exit-zero` output judged by the script itself ------------------------

_SCORE = """
lint:
  runs-on: ubuntu-latest
  steps:
    - name: Lint (pylint score)
      run: |
        <BODY>
"""


@pytest.mark.parametrize(
    ("body", "lost"),
    [
        # the score the run prints is compared with a threshold: a failing test
        (
            "SCORE=$(pylint src --exit-zero | grep 'rated at' | awk '{print $7}')\n"
            'if (( $(echo "${SCORE%/*} < 8" | bc -l) )); then\n'
            '  echo "score $SCORE below 8"\n  exit 1\nfi',
            False,
        ),
        (
            "COUNT=$(flake8 --exit-zero --count src | tail -1)\n"
            '[ "$COUNT" -eq 0 ] || exit 1',
            False,
        ),
        # twin: the score is only printed
        (
            "SCORE=$(pylint src --exit-zero | grep 'rated at')\n"
            'echo "pylint: $SCORE"',
            True,
        ),
        # twin: tested, but the test only warns
        (
            "SCORE=$(pylint src --exit-zero | grep 'rated at' | awk '{print $7}')\n"
            'if [ "${SCORE%/*}" \\< 8 ]; then\n  echo "::warning::low score"\nfi',
            True,
        ),
    ],
)
def test_exit_zero_output_the_script_fails_on_keeps_the_check(
    tmp_path: Path, body: str, lost: bool
) -> None:
    text = _jobs(_SCORE, BODY=body)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG106", CI, line_of(text, "--exit-zero"), True)] if lost else []
    assert found == expected


# ---- `docker-compose` is the older spelling of `docker compose` --------------

_COMPOSE = """
deploy-staging:
  runs-on: ubuntu-latest
  steps:
    - name: Run health checks
      run: |
        if ! curl -fsS http://localhost:8080/health; then
          exit 1
        fi
        <BODY>
"""
# (after the health check, not before an `exit 1` in its failure branch: there
# the step fails whatever the command returns, tests/audit_gates_model_s_test.py)


@pytest.mark.parametrize(
    ("body", "lost"),
    [
        # the services' state and logs are shown, as `docker compose ps` is
        ("docker-compose ps web || true", False),
        ("docker-compose logs --tail=20 web || true", False),
        ("podman-compose logs web || true", False),
        # twin: a test run in a service container is a check in either spelling
        ("docker-compose run --rm web pytest || true", True),
        ("docker compose run --rm web pytest || true", True),
        # a compose file read, `config` fails on an invalid one: a check by the
        # step's name, the file option's value skipped in either spelling
        ("docker-compose -f docker-compose.yml config --quiet || true", True),
        ("docker compose -f compose.yml config -q || true", True),
        ("docker-compose -f docker-compose.yml ps || true", False),
    ],
)
def test_docker_compose_reads_as_docker_compose(
    tmp_path: Path, body: str, lost: bool
) -> None:
    text = _jobs(_COMPOSE, BODY=body)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG101", CI, line_of(text, body), True)] if lost else []
    assert found == expected


# ---- a `${{ }}` test as a command is the shell's true or false ---------------

_CHOOSE = """
deploy:
  runs-on: ubuntu-latest
  steps:
    - name: Check the deployment name
      shell: bash
      run: |
        if <TEST>; then
          NAME=main
        else
          NAME=review
        fi
        echo "NAME=$NAME" >> "$GITHUB_ENV"
"""


@pytest.mark.parametrize(
    ("test", "lost"),
    [
        # GitHub writes `true` or `false` there: a choice, no program checked
        ("${{ env.GITHUB_REF_SLUG == 'main' }}", False),
        ("${{ github.ref != 'refs/heads/main' && inputs.review }}", False),
        ("${{ contains(github.ref, 'release') }}", False),
        # twin: a program runs, and its failing branch does not fail
        ("./scripts/check_name.sh", True),
    ],
)
def test_an_expression_test_as_a_command_is_no_check(
    tmp_path: Path, test: str, lost: bool
) -> None:
    text = _jobs(_CHOOSE.replace("<TEST>", test))
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG101", CI, line_of(text, "if "), True)] if lost else []
    assert found == expected


# ---- a step named for accepting, enabling or seeding sets up-----------------------

_ANDROID = """
build:
  runs-on: ubuntu-latest
  steps:
    - name: <NAME>
      run: yes | sdkmanager --licenses || true
"""


@pytest.mark.parametrize(
    ("name", "lost"),
    [
        # in a job named `build`, accepting the SDK's licenses prepares it
        ("Accept Android SDK licenses", False),
        ("Enable the SDK's licenses", False),
        # preparing the database the tests use: a seed or a migration
        ("Seed Test Database (if seed script exists)", False),
        ("Migrate the test database", False),
        # cleaning up after the tests
        ("Drop test schemas", False),
        ("Tear down the test cluster", False),
        # twin: acceptance tests are checks, in the same job
        ("Acceptance tests", True),
        ("Run SDK licenses", True),
    ],
)
def test_a_step_named_for_accepting_sets_up(
    tmp_path: Path, name: str, lost: bool
) -> None:
    text = _jobs(_ANDROID.replace("<NAME>", name))
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG101", CI, line_of(text, "sdkmanager"), True)] if lost else []
    assert [f for f in found if f[0] == "QG101"] == expected


# ---- PowerShell: a later CMake run on the same build folder redoes the build --

_WINDOWS = """
windows:
  runs-on: windows-latest
  steps:
    - name: Build and test
      run: |
        <BODY>
"""


@pytest.mark.parametrize(
    ("body", "lost"),
    [
        # the configure or build that failed is redone by the last run: it fails
        (
            "cmake -GNinja -B ./build-fips -DFIPS=1\n"
            "cmake --build ./build-fips\n"
            '$env:PATH = "$PWD\\build-fips;$env:PATH"\n'
            "cmake --build ./build-fips --target run_tests",
            False,
        ),
        ("cmake -B build\ncmake --build build --target run_tests", False),
        # twin: the last run builds another folder: the first failure is lost
        ("cmake -B build\ncmake --build other --target run_tests", True),
    ],
)
def test_powershell_cmake_rebuilding_the_folder_keeps_the_failure(
    tmp_path: Path, body: str, lost: bool
) -> None:
    text = _jobs(_WINDOWS, BODY=body)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert bool([f for f in found if f[0] == "QG104"]) == lost


# ---- a non-blocking variant of a blocking job is an early warning ------------

_CANARY = """
libssh2:
  runs-on: ubuntu-latest
  steps:
    - uses: actions/checkout@v4
    - name: Run libssh2 integration tests
      run: ./tests/ci/run_libssh2_integration.sh 'libssh2-1.11.1'
<VARIANT>:
  runs-on: ubuntu-latest
  continue-on-error: true
  steps:
    - uses: actions/checkout@v4
    - name: Run libssh2 integration tests (main)
      run: <SCRIPT>
"""


@pytest.mark.parametrize(
    ("variant", "script", "fails"),
    [
        # the pinned job blocks; the one against upstream's main only warns
        ("libssh2-main", "./tests/ci/run_libssh2_integration.sh", False),
        # twin: another script, not run blocking anywhere
        ("libssh2-main", "./tests/ci/run_openssh_integration.sh", True),
        # twin: the same script, but a job that is no variant of the other
        ("openssh", "./tests/ci/run_libssh2_integration.sh", True),
    ],
)
def test_a_variant_of_a_blocking_job_that_continues_is_a_note(
    tmp_path: Path, variant: str, script: str, fails: bool
) -> None:
    text = _jobs(_CANARY.replace("<VARIANT>", variant).replace("<SCRIPT>", script))
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "continue-on-error")
    assert found == [("QG105", CI, line, fails)]


# ---- a subcommand's help asked for is no listing -----------------------------

_SMOKE = """
package-test:
  runs-on: ubuntu-latest
  steps:
    - name: Test CLI functionality
      run: <CMD> || echo "command failed (expected in some cases)"
"""


@pytest.mark.parametrize(
    ("cmd", "lost"),
    [
        # the installed CLI's subcommand must start and print its help
        ("python -m orb templates list --help", True),
        ("orb templates --help", True),
        # twin: a listing is shown, no check by its step's name
        ("python -m orb templates list", False),
    ],
)
def test_a_subcommand_help_in_a_smoke_test_is_no_listing(
    tmp_path: Path, cmd: str, lost: bool
) -> None:
    text = _jobs(_SMOKE.replace("<CMD>", cmd))
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG102", CI, line_of(text, cmd), True)] if lost else []
    assert found == expected


@pytest.mark.parametrize(("coe", "rules"), [("true", [("QG105", True)]), ("", [])])
def test_exit_zero_output_failed_on_is_the_steps_named_check(
    tmp_path: Path, coe: str, rules: list[tuple[str, bool]]
) -> None:
    # the score check is pylint's: `continue-on-error` loses a named check,
    # even where a later step reads the step's outputs (a comment shows them)
    body = (
        "SCORE=$(pylint src --exit-zero | grep 'rated at' | awk '{print $7}')\n"
        'echo "score=$SCORE" >> "$GITHUB_OUTPUT"\n'
        'if (( $(echo "${SCORE%/*} < 8" | bc -l) )); then\n  exit 1\nfi'
    )
    step = _SCORE.replace("- name:", "- id: pylint\n      name:")
    if coe:
        step = step.replace("run: |", f"continue-on-error: {coe}\n      run: |")
    step += "    - run: echo 'pylint ${{ steps.pylint.outputs.score }}'\n"
    text = _jobs(step, BODY=body)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "continue-on-error") if coe else 0
    assert [(r, f) for r, _, ln, f in found if ln == line or not coe] == rules


# ---- a recorded failure that chooses to run a check is consumed --------------

_DETECT = """
validate-features:
  runs-on: ubuntu-latest
  steps:
    - name: Detect features in commit
      id: detect
      run: |
        python .hooks/feature_detector.py --commit "$SHA" \\
          || echo "feature_detected=true" >> "$GITHUB_OUTPUT"
    - name: Next
      if: steps.detect.outputs.feature_detected == 'true'
      run: <NEXT>
"""


@pytest.mark.parametrize(
    ("then", "lost"),
    [
        # the flag runs the integration check, which fails the job
        ("python .hooks/integration_checker.py --fail-on-unintegrated", False),
        ("pytest tests/integration", False),
        # twin: the flag only prints a notice
        ("echo '::notice::a feature was detected'", True),
    ],
)
def test_a_flag_that_chooses_a_check_carries_the_failure(
    tmp_path: Path, then: str, lost: bool
) -> None:
    text = _jobs(_DETECT.replace("<NEXT>", then))
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG101", CI, line_of(text, "feature_detector"), True)]
    assert found == (expected if lost else [])


# ---- "test" inside another word names no checking action --------------------

_ACTION = """
pypi-upload:
  runs-on: ubuntu-latest
  steps:
    - name: <NAME>
      continue-on-error: true
      uses: <USES>@0123456789abcdef0123456789abcdef01234567
"""


@pytest.mark.parametrize(
    ("uses", "lost"),
    [
        # attesting the build's provenance checks nothing of the change
        ("actions/attest-build-provenance", False),
        ("example/fetch-latest-release", False),
        # twin: an action named for testing
        ("example/test-action", True),
        ("example/pytest-action", True),
    ],
)
def test_test_inside_an_action_word_names_no_check(
    tmp_path: Path, uses: str, lost: bool
) -> None:
    text = _jobs(_ACTION.replace("<USES>", uses).replace("<NAME>", "Provenance"))
    text = text.replace("pypi-upload:", "checks:")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG105", CI, line_of(text, "continue-on-error"), True)]
    assert found == (expected if lost else [])


# ---- a make goal whose last word sets up or cleans is no check ---------------

_GOAL = "clean:\n\t$(MAKE) <GOAL> || true\n"


@pytest.mark.parametrize(
    ("goal", "lost"),
    [
        # "coverage" names a check, but the goal's last word cleans or installs
        ("coverage-clean", False),
        ("test-deps", False),
        # twin: the goal checks
        ("coverage-check", True),
        ("test", True),
    ],
)
def test_a_make_goal_ending_in_a_setup_word_is_no_check(
    tmp_path: Path, goal: str, lost: bool
) -> None:
    makefile = _GOAL.replace("<GOAL>", goal)
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    expected = [("QG101", "Makefile", 2, True)]
    assert found == (expected if lost else [])
