"""audit-gates on the shapes left by sweeps issue-21av, -21aw, -21be and 21k.

Not blind: each case is the general form of a lost check (or of a setup
taken for one) read from bash's and the tools' documented behaviour, beside
the twin that differs in the one thing that decides.  Where bash decides,
real bash runs the script with failing checkers on the PATH: the script
passes exactly when the audit says the check is lost.
"""

from __future__ import annotations

import subprocess  # nosec B404 - fixed argument lists
import textwrap
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules
from failing_checkers import run_failing

CI = ".github/workflows/ci.yml"
_BASH = ["bash", "--noprofile", "--norc", "-e"]  # GitHub's `bash -e {0}`


def _step(script: str, name: str = "Run tests", job: str = "test") -> str:
    return _jobs(
        f"""
        {job}:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@0000000000000000000000000000000000000000
            - name: {name}
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )


def _passes(tmp_path: Path, script: str, tools: tuple[str, ...] = ("pytest",)) -> bool:
    """Run ``script`` as GitHub runs a step with ``tools`` failing: did it pass."""
    where = tmp_path / "run"
    where.mkdir()
    summary = "GITHUB_STEP_SUMMARY=summary.md\nGITHUB_OUTPUT=output.txt\n"
    return run_failing(where, _BASH, summary + script, tools) == 0


def _found(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, bool]]:
    where = tmp_path / "repo"
    where.mkdir()
    return [
        (r, line, fails)
        for r, _, line, fails in gate_rules(audit_project(where, files))
    ]


# ---- `export X=$(check)`: the builtin's status, 0, replaces the check's ------

_DECLARED_LOST = [
    'export OUT=$(pytest)\necho "$OUT"',
    'export OUT=$(pytest)\necho "::warning::$OUT"',
    'declare OUT=$(pytest)\necho "$OUT" >> "$GITHUB_STEP_SUMMARY"',
    'readonly OUT="$(pytest)"',
    'typeset OUT=$(pytest)\necho "$OUT"',
    # `$?` after it is `export`'s own 0
    "export OUT=$(pytest)\nif [ $? -ne 0 ]; then exit 1; fi",
    # tested by an `if` whose branch only warns
    'export OUT=$(pytest)\nif echo "$OUT" | grep -q failed; then\n'
    '  echo "::warning::tests failed"\nfi',
    # a value computed from it, then only shown
    'export OUT=$(pytest)\nN=$(echo "$OUT" | grep -c failed)\necho "$N failures"',
    # `local` in a function
    'run_tests() {\n  local OUT=$(pytest)\n  echo "$OUT"\n}\nrun_tests',
]
_DECLARED_KEPT = [
    # something fails on the value
    'export OUT=$(pytest)\nif echo "$OUT" | grep -q failed; then exit 1; fi',
    'export OUT=$(pytest)\ncase "$OUT" in *failed*) exit 1;; esac',
    'export OUT=$(pytest)\n[ -z "$(echo "$OUT" | grep failed)" ] || exit 1',
    # no builtin: the assignment's status is the substitution's
    'OUT=$(pytest)\necho "$OUT"',
    'export OUT\nOUT=$(pytest)\necho "$OUT"',
    'run_tests() {\n  local OUT\n  OUT=$(pytest)\n  echo "$OUT"\n}\nrun_tests',
]


@pytest.mark.parametrize(
    ("script", "lost"),
    [(s, True) for s in _DECLARED_LOST] + [(s, False) for s in _DECLARED_KEPT],
)
def test_a_declaring_builtin_masks_the_substitution(
    tmp_path: Path, script: str, lost: bool
) -> None:
    assert _passes(tmp_path, script) is lost
    found = _found(tmp_path, {CI: _step(script)})
    if lost:
        assert [(r, fails) for r, _, fails in found] == [("QG117", True)], found
    else:
        assert found == [], found


def test_a_swallowed_status_inside_the_substitution(tmp_path: Path) -> None:
    script = 'export OUT=$(pytest || true)\necho "$OUT"'
    assert _passes(tmp_path, script)
    found = _found(tmp_path, {CI: _step(script)})
    assert [(r, fails) for r, _, fails in found] == [("QG101", True)], found


def test_a_declared_value_carried_to_a_step_output_a_later_step_fails_on(
    tmp_path: Path,
) -> None:
    """The step output holds the report: a later step that fails on it keeps it."""
    text = _jobs("""
        test:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@0000000000000000000000000000000000000000
            - name: Run tests
              id: tests
              run: |
                export OUT=$(pytest)
                echo "report=$OUT" >> "$GITHUB_OUTPUT"
            - name: Judge
              if: contains(steps.tests.outputs.report, 'failed')
              run: exit 1
        """)
    assert _found(tmp_path, {CI: text}) == []


# ---- a coverage threshold whose below-threshold branch only warns -----------

_BELOW = "COVERAGE=35.5\nTHRESHOLD=40\n"
_THRESHOLDS_LOST = [
    # bc, as in `if (( $(echo "$COVERAGE < $THRESHOLD" | bc -l) ))`
    'if (( $(echo "$COVERAGE < $THRESHOLD" | bc -l) )); then\n'
    '  echo "::warning::Coverage $COVERAGE% is below $THRESHOLD%"\n'
    "  exit 0\nelse\n"
    '  echo "Coverage $COVERAGE% meets $THRESHOLD%"\nfi',
    # awk's own names for them
    "if awk -v c=\"$COVERAGE\" -v t=40 'BEGIN { exit !(c < t) }'; then\n"
    '  echo "::warning::coverage below 40"\nfi',
    # python -c, the passing case first
    'if python3 -c "import sys; sys.exit(0 if $COVERAGE >= $THRESHOLD else 1)"; then\n'
    '  echo "coverage ok"\nelse\n  echo "::warning::coverage below threshold"\nfi',
    # bash's own integer comparison
    'if [ "${COVERAGE%.*}" -lt "$THRESHOLD" ]; then\n'
    '  echo "Coverage below threshold" >> "$GITHUB_STEP_SUMMARY"\nfi',
]
_THRESHOLDS_KEPT = [
    # the failing branch fails
    'if (( $(echo "$COVERAGE < $THRESHOLD" | bc -l) )); then\n'
    '  echo "::error::Coverage below $THRESHOLD%"\n  exit 1\nfi',
    # a hard floor beside the soft target that only warns
    'if [ "${COVERAGE%.*}" -lt 30 ]; then exit 1; fi\n'
    'if [ "${COVERAGE%.*}" -lt 80 ]; then\n  echo "::warning::below the 80% target"\nfi\n'
    '[ "${COVERAGE%.*}" -ge "$THRESHOLD" ]',
]


@pytest.mark.parametrize(
    ("script", "lost"),
    [(s, True) for s in _THRESHOLDS_LOST] + [(s, False) for s in _THRESHOLDS_KEPT],
)
def test_a_threshold_whose_branches_only_warn(
    tmp_path: Path, script: str, lost: bool
) -> None:
    assert _passes(tmp_path, _BELOW + script) is lost
    found = _found(tmp_path, {CI: _step(_BELOW + script, "Check coverage threshold")})
    if lost:
        assert [(r, fails) for r, _, fails in found] == [("QG102", True)], found
    else:
        assert found == [], found


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # nothing printed says below: a note
        ('if [ "$COV" -lt 80 ]; then\n  echo "coverage: $COV"\nfi', [("QG102", False)]),
        # a badge's colour chosen by the threshold, not a check
        (
            "if (( COV >= 80 )); then\n  COLOR=green\nelse\n  COLOR=red\nfi\n"
            'echo "color=$COLOR" >> "$GITHUB_OUTPUT"',
            [],
        ),
        # a value chosen inside `$(...)`, or a grade ladder: printed, not warned
        (
            "COLOR=$(if (( COV >= 80 )); then echo green; else echo red; fi)\n"
            'echo "color=$COLOR" >> "$GITHUB_OUTPUT"',
            [],
        ),
        (
            'if [ "$COV" -ge 90 ]; then echo A; elif [ "$COV" -ge 70 ]; then echo B; fi',
            [],
        ),
        ('grade() {\n  if [ "$COV" -ge 90 ]; then echo good; fi\n}\nG=$(grade)', []),
        # a function that warns is called for its warning
        (
            'check() {\n  if [ "$COV" -lt 80 ]; then\n    echo "::warning::below 80"\n'
            "  fi\n}\ncheck",
            [("QG102", True)],
        ),
        # not a coverage: a count compared with zero
        ('if [ "$COUNT" -gt 0 ]; then\n  echo "::warning::found $COUNT"\nfi', []),
        # not a limit: two measurements compared
        (
            'if [ "$COV" -lt "$OLD_COV" ]; then\n  echo "::warning::coverage dropped"\nfi',
            [],
        ),
    ],
)
def test_how_sure_the_comparison_is_a_threshold(
    tmp_path: Path, script: str, expected: list
) -> None:
    script = "COV=$(coverage report --format=total)\n" + script
    found = _found(tmp_path, {CI: _step(script, "Coverage")})
    assert [(r, fails) for r, _, fails in found] == expected, found


# ---- readiness waits set up; a port probed after a deploy checks it ----------


@pytest.mark.parametrize(
    "script",
    [
        'pg_isready -h localhost -p 5432 || echo "db not ready"',
        "until pg_isready -h localhost; do sleep 1; done",
        "mysqladmin ping -h 127.0.0.1 --silent || true",
        "redis-cli ping || echo no redis",
        "for i in $(seq 1 30); do\n  nc -z localhost 5432 && break\n  sleep 1\ndone",
        "timeout 60 bash -c 'until nc -z localhost 6379; do sleep 1; done'",
        "for i in 1 2 3; do nc -z db 5432 && break || echo retry; sleep 1; done",
        "curl --retry 10 --retry-connrefused -sf http://localhost:8080/health",
    ],
)
def test_a_readiness_wait_sets_up(tmp_path: Path, script: str) -> None:
    assert _found(tmp_path, {CI: _step(script, "Check services")}) == []


_POST_DEPLOY = """
deploy:
  runs-on: ubuntu-latest
  steps:
    - run: ./deploy.sh
health-check:
  name: Post-Deploy Health Check
  runs-on: ubuntu-latest
  needs: deploy
  steps:
    - name: Check health endpoints
      run: |
        <SCRIPT>
"""


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # a port asked after the deploy, its answer only printed: a note
        (
            'nc -z -w5 "$HOST" 8765 && echo "  OK" || echo "  WARNING: not reachable"',
            [("QG102", False)],
        ),
        ('nc -z -w5 "$HOST" 8765 || true', [("QG101", False)]),
        # a request that fails on an HTTP error and keeps nothing else: lost
        # to the echo too, a note in a job after the deployment
        (
            'curl -f -o /dev/null "https://$HOST/" && echo OK || echo WARNING',
            [("QG102", False)],
        ),
        # twins: the failure fails the job
        ('nc -z -w5 "$HOST" 8765 && echo OK || { echo WARNING; exit 1; }', []),
        ('nc -z -w5 "$HOST" 8765', []),
    ],
)
def test_a_probe_after_a_deploy(tmp_path: Path, script: str, expected: list) -> None:
    lost = bool(expected)
    assert _passes(tmp_path, "HOST=app.example.net\n" + script, ("nc", "curl")) is lost
    found = _found(tmp_path, {CI: _jobs(_POST_DEPLOY, SCRIPT=script)})
    assert [(r, fails) for r, _, fails in found] == expected, found


def test_a_port_probe_in_a_test_job_is_setup(tmp_path: Path) -> None:
    script = "nc -z localhost 5432 && echo OK || echo WARNING\npytest"
    assert _found(tmp_path, {CI: _step(script)}) == []


# ---- shell: cmd, in a workflow and in a composite action -------------------

_CMAKE_CMD = r"""
call "C:\Program Files\Microsoft Visual Studio\2022\Enterprise\VC\Auxiliary\Build\vcvarsall.bat" x64

cmake ^
  -S cpp/examples/minimal_build ^
  -B cpp/examples/minimal_build.build ^
  -GNinja ^
  -DCMAKE_BUILD_TYPE=Release ^
  -DCMAKE_INSTALL_PREFIX=%CD%\cpp.install

cmake --build BUILT
cd cpp/examples/minimal_build
..\minimal_build.build\arrow-example
"""


def _windows(script: str, name: str = "Build example") -> str:
    return _jobs(
        f"""
        windows:
          runs-on: windows-latest
          steps:
            - uses: actions/checkout@0000000000000000000000000000000000000000
            - name: {name}
              shell: cmd
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )


@pytest.mark.parametrize(
    ("built", "expected"),
    [
        # the same folder, named past the first 60 characters: redone
        ("cpp/examples/minimal_build.build", []),
        # another folder: the configure's failure is lost, and so is the build's
        ("cpp/examples/other.build", [("QG104", 15, False), ("QG104", 22, False)]),
    ],
)
def test_cmd_reads_the_whole_cmake_command(
    tmp_path: Path, built: str, expected: list
) -> None:
    text = _windows(_CMAKE_CMD.replace("BUILT", built))
    assert _found(tmp_path, {CI: text}) == expected


_USES = """
windows:
  runs-on: windows-latest
  steps:
    - uses: actions/checkout@0000000000000000000000000000000000000000
    - uses: ./.github/actions/test
"""
_ACTION = """
name: test
description: run the tests
runs:
  using: composite
  steps:
    - name: Run tests
      shell: SHELL
      run: |
        pytest tests
        LAST
"""


@pytest.mark.parametrize(
    ("shell", "last", "expected"),
    [
        ("cmd", "pip list", [("QG104", 9, True)]),
        ("pwsh", "pip list", [("QG104", 9, True)]),
        # cmd's echo is a built-in and leaves ERRORLEVEL as pytest set it
        ("cmd", "echo done", []),
        ("cmd", "if errorlevel 1 exit /b 1", []),
    ],
)
def test_cmd_in_a_composite_action(
    tmp_path: Path, shell: str, last: str, expected: list
) -> None:
    action = textwrap.dedent(_ACTION).replace("SHELL", shell).replace("LAST", last)
    files = {CI: _jobs(_USES), ".github/actions/test/action.yml": action}
    assert _found(tmp_path, files) == expected


def test_a_declared_value_of_a_check_only_by_name_carried_on(tmp_path: Path) -> None:
    """``export TOTAL=$(python -c ...)`` in a coverage step, kept for later steps.

    Only the step's name makes the program a check, and its value is what the
    step was after: no finding (a value only echoed would be one).
    """
    read = "python -c \"import json; print(json.load(open('c.json'))['total'])\""
    kept = f'export TOTAL=$({read})\necho "total=$TOTAL" >> "$GITHUB_ENV"'
    assert _found(tmp_path, {CI: _step(kept, "Combine coverage")}) == []


# ---- a local Docker action's entrypoint script is its step's script ---------

_LINT_STEP = """
lint:
  runs-on: ubuntu-latest
  steps:
    - uses: actions/checkout@0000000000000000000000000000000000000000
    - name: Lint
      uses: ./.github/actions/lint
      with:
        path: src
"""
_DOCKER_ACTION = """
name: lint
description: lint a folder
inputs:
  path:
    description: the folder
runs:
  using: docker
  image: Dockerfile
"""
_DOCKERFILE = (
    "FROM python:3.12-slim\nCOPY entrypoint.sh /entrypoint.sh\n"
    'ENTRYPOINT ["/entrypoint.sh"]\n'
)


def _container_passes(tmp_path: Path, script: str, run_as: list[str]) -> bool:
    """Run the entrypoint as the container does (``[]``: by its shebang)."""
    where = tmp_path / "run"
    (where / "bin").mkdir(parents=True)
    fake = where / "bin" / "flake8"
    fake.write_text("#!/bin/sh\necho 'src/a.py:1:1: F401'\nexit 1\n")
    fake.chmod(0o755)
    entry = where / "entrypoint.sh"
    entry.write_text(script)
    entry.chmod(0o755)
    done = subprocess.run(  # nosec B603 - fixed argument list
        [*run_as, str(entry)],
        check=False,
        cwd=where,
        env={"PATH": f"{where / 'bin'}:/usr/bin:/bin", "INPUT_PATH": "src"},
        capture_output=True,
        timeout=30,
    )
    return done.returncode == 0


def _docker_files(script: str, dockerfile: str = _DOCKERFILE) -> dict[str, str]:
    return {
        CI: _jobs(_LINT_STEP),
        ".github/actions/lint/action.yml": _DOCKER_ACTION,
        ".github/actions/lint/Dockerfile": dockerfile,
        ".github/actions/lint/entrypoint.sh": script,
    }


_USES_LINE = 11  # `uses: ./.github/actions/lint`


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # sh, no errexit: only the last command decides
        ('#!/bin/sh\nflake8 "$INPUT_PATH"\necho done\n', [("QG104", True)]),
        ('#!/bin/sh\nflake8 "$INPUT_PATH" || true\n', [("QG101", True)]),
        (
            '#!/usr/bin/env bash\nflake8 "$INPUT_PATH" | tee lint.txt\n',
            [("QG112", True)],
        ),
        # twins: the shebang's -e, a `set -e`, the check last
        ('#!/bin/bash -e\nflake8 "$INPUT_PATH"\necho done\n', []),
        ('#!/bin/sh\nset -e\nflake8 "$INPUT_PATH"\necho done\n', []),
        ('#!/bin/sh\necho "linting $INPUT_PATH"\nflake8 "$INPUT_PATH"\n', []),
    ],
)
def test_a_docker_actions_entrypoint_script(
    tmp_path: Path, script: str, expected: list
) -> None:
    assert _container_passes(tmp_path, script, []) is bool(expected)
    found = _found(tmp_path, _docker_files(script))
    assert [(r, fails) for r, _, fails in found] == expected, found
    assert all(line == _USES_LINE for _, line, _ in found), found


def test_an_entrypoint_run_by_a_named_shell_ignores_its_shebang(
    tmp_path: Path,
) -> None:
    """``ENTRYPOINT ["bash", "/entrypoint.sh"]``: the shebang's ``-e`` is a comment."""
    script = '#!/bin/bash -e\nflake8 "$INPUT_PATH"\necho done\n'
    dockerfile = _DOCKERFILE.replace('["/entrypoint.sh"]', '["bash", "/entrypoint.sh"]')
    assert _container_passes(tmp_path, script, ["bash"])
    found = _found(tmp_path, _docker_files(script, dockerfile))
    assert found == [("QG104", _USES_LINE, True)]


@pytest.mark.parametrize(
    ("action", "dockerfile", "expected"),
    [
        # `runs.entrypoint` replaces the Dockerfile's, copied under its own name
        (
            _DOCKER_ACTION + "  entrypoint: /usr/local/bin/check.sh\n",
            'FROM alpine\nCOPY check.sh /usr/local/bin/\nENTRYPOINT ["/other"]\n',
            [("QG104", _USES_LINE, True)],
        ),
        # a program that is not a shell script: not read
        (
            _DOCKER_ACTION,
            'FROM python:3.12\nCOPY check.sh /check.py\nENTRYPOINT ["python", "/check.py"]\n',
            [],
        ),
        # a published image: nothing of the repository runs
        (_DOCKER_ACTION.replace("Dockerfile", "docker://alpine:3.20"), "", []),
    ],
)
def test_which_entrypoint_a_docker_action_runs(
    tmp_path: Path, action: str, dockerfile: str, expected: list
) -> None:
    files = {
        CI: _jobs(_LINT_STEP),
        ".github/actions/lint/action.yml": action,
        ".github/actions/lint/Dockerfile": dockerfile,
        ".github/actions/lint/check.sh": '#!/bin/sh\nflake8 "$INPUT_PATH"\necho done\n',
    }
    assert _found(tmp_path, files) == expected


def test_an_entrypoint_run_to_deploy_is_a_note(tmp_path: Path) -> None:
    """A check in what a deploying step runs guards the delivery: a note."""
    files = _docker_files(
        "#!/bin/bash\niotedgedev genconfig --fail-on-validation-error\naz iot edge deployment create\n"
    )
    files[CI] = files[CI].replace("name: Lint", "name: Iot Edge Deploy")
    assert _found(tmp_path, files) == [("QG104", _USES_LINE, False)]
