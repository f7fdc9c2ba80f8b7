"""audit-gates on ``shell: cmd`` steps (a shape of the issue-21bh sweep).

Not blind: the sweep's one Windows ``cmd`` step (build, installer build,
then the test binary) showed that cmd scripts were not read at all.  GitHub
saves a ``shell: cmd`` script as a ``.cmd`` file and runs it with ``cmd /D
/E:ON /V:OFF /S /C "CALL "{0}""``: cmd goes on after a failing program and
the step exits with the ERRORLEVEL the script ends with.  Each case beside
its honest twin that differs in the one thing that decides.  cmd.exe does
not run here, so the cases are in-process.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"


def _cmd_step(script: str, *, defaults: bool = False) -> str:
    """Return a Windows job whose one step runs ``script`` with cmd."""
    lines = ["win:", "  runs-on: windows-latest"]
    if defaults:
        lines += ["  defaults:", "    run:", "      shell: cmd"]
    lines += ["  steps:", "    - name: Build and test"]
    if not defaults:
        lines.append("      shell: cmd")
    lines.append("      run: |")
    lines += [f"        {line}" for line in script.strip().splitlines()]
    return _jobs("\n".join(lines) + "\n")


def _found(tmp_path: Path, text: str) -> list[tuple[str, str, int, bool]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    return gate_rules(audit_project(tmp_path, {CI: text}))


@pytest.mark.parametrize("defaults", [False, True])
def test_a_check_followed_by_another_program_is_lost(
    tmp_path: Path, defaults: bool
) -> None:
    text = _cmd_step(
        "pytest -q\ncmake --build build --target package", defaults=defaults
    )
    assert _found(tmp_path, text) == [("QG104", CI, line_of(text, "pytest -q"), True)]


@pytest.mark.parametrize(
    "after",
    [
        "pytest -q || exit /b 1\ncmake --build build --target package",
        "pytest -q\nif errorlevel 1 exit /b 1\ncmake --build build --target package",
        "pytest -q\nif %ERRORLEVEL% neq 0 exit /b %ERRORLEVEL%\ncmake --build build",
        "pip install -e .\npytest -q",
        "pytest -q\necho tests done\nmkdir reports",
        "pytest -q && cmake --build build --target package",
    ],
)
def test_a_check_whose_status_survives_is_kept(tmp_path: Path, after: str) -> None:
    assert _found(tmp_path, _cmd_step(after)) == []


def test_a_successful_set_resets_errorlevel_in_a_cmd_file(tmp_path: Path) -> None:
    text = _cmd_step("pytest -q\nset DONE=1")
    assert _found(tmp_path, text) == [("QG104", CI, line_of(text, "pytest -q"), True)]


def test_a_pipe_keeps_only_the_last_command_status(tmp_path: Path) -> None:
    text = _cmd_step("pytest -q | findstr /v DEBUG")
    assert _found(tmp_path, text) == [("QG104", CI, line_of(text, "pytest -q"), True)]


def test_exit_0_after_a_check_loses_it(tmp_path: Path) -> None:
    text = _cmd_step("pytest -q\nexit /b 0")
    assert _found(tmp_path, text) == [("QG103", CI, line_of(text, "pytest -q"), True)]


def test_or_exit_0_loses_the_check(tmp_path: Path) -> None:
    text = _cmd_step("pytest -q || exit /b 0")
    assert _found(tmp_path, text) == [("QG101", CI, line_of(text, "pytest -q"), True)]


def test_a_batch_file_without_call_ends_the_script(tmp_path: Path) -> None:
    """``npm`` is ``npm.cmd``: without ``call`` cmd never comes back to the script."""
    ended = _cmd_step("npm test\ncmake --build build --target package")
    assert _found(tmp_path / "ended", ended) == []
    called = _cmd_step("call npm test\ncmake --build build --target package")
    assert _found(tmp_path / "called", called) == [
        ("QG104", CI, line_of(called, "call npm test"), True)
    ]


def test_cmake_redoing_a_failed_configure_or_build_keeps_it(tmp_path: Path) -> None:
    """``cmake ..`` configures the current folder; ``cmake --build .`` fails again."""
    text = _cmd_step("mkdir build && cd build\ncmake .. -G Ninja\ncmake --build . -j4")
    assert _found(tmp_path, text) == []


def test_a_block_ends_the_reading(tmp_path: Path) -> None:
    text = _cmd_step("pytest -q\nif exist dist (\n  twine check dist/*\n)")
    assert _found(tmp_path, text) == []


@pytest.mark.parametrize(
    "script",
    [
        # `^|` is an escaped pipe inside the value: `set` runs, no pipe
        "set exclude=a-test\nset exclude=%exclude%^|b-join-node-test\nctest -E %exclude%",
        # a `|` or `&` inside double quotes is text
        'ctest -E "a-test|b-test" --output-on-failure',
        'pytest -k "x & y" -q',
        # an environment script and a `#` line (a failing program, no check)
        "call vcvarsall.bat x64\n# For ORC\nset TZDIR=C:\\tz\nctest --test-dir build",
    ],
)
def test_escaped_and_quoted_separators_and_setup_are_no_checks(
    tmp_path: Path, script: str
) -> None:
    assert _found(tmp_path, _cmd_step(script)) == []


def test_an_unescaped_pipe_still_loses_the_check(tmp_path: Path) -> None:
    """Twin of the escaped pipe: ``pytest | findstr`` keeps findstr's status."""
    text = _cmd_step('pytest -q "a|b" | findstr /v DEBUG')
    assert _found(tmp_path, text) == [("QG104", CI, line_of(text, "pytest -q"), True)]
