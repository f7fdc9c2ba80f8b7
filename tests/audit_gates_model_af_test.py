"""audit-gates on checks set up outside the command line, and commands in others.

Not blind: each case is a general shape read from shell semantics or a tool's
documented (and here run) behaviour, beside the honest twin that differs in
the one thing that decides; the real tool runs where it decides.
"""

from __future__ import annotations

import subprocess  # nosec B404 - fixed argument lists
import sys
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"


def _audit(folder: Path, files: dict[str, str]) -> list[tuple[str, str, int, bool]]:
    folder.mkdir()
    return gate_rules(audit_project(folder, files))

# ---- autopep8 --diff: a check only with --exit-code, on the line or configured

_UNFORMATTED = "import os\nx=1\nprint(os, x)\n"


def _lint_step(command: str) -> str:
    return _jobs("""
        lint:
          runs-on: ubuntu-latest
          steps:
            - name: Lint
              run: <COMMAND>
        """.replace("<COMMAND>", command))


def _autopep8_status(folder: Path, files: dict[str, str], options: str) -> int:
    """Run the real autopep8 with ``options`` on an unformatted file."""
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    (folder / "bad.py").write_text(_UNFORMATTED)
    program = Path(sys.executable).parent / "autopep8"
    run = [str(program), *options.split(), "bad.py"]
    env = {"PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": str(folder / "no-user")}
    done = subprocess.run(  # nosec B603 - fixed argument list
        run, cwd=folder, check=False, capture_output=True, env=env
    )
    return done.returncode


_PEP8 = "[pycodestyle]\nmax-line-length = 100\n"


@pytest.mark.parametrize(
    ("name", "config", "lost"),
    [
        ("pyproject.toml", "[project]\nname = 'x'\n", True),
        ("pyproject.toml", "[tool.autopep8]\nexit-code = true\n", False),
        ("pyproject.toml", "[tool.autopep8]\nexit_code = true\n", False),
        ("pyproject.toml", "[tool.autopep8]\nmax_line_length = 100\n", True),
        ("setup.cfg", "[pycodestyle]\nexit-code = true\n", False),
        ("setup.cfg", "[pep8]\nexit_code = 1\n", False),
        ("tox.ini", "[flake8]\nexit-code = yes\n", False),
        (".flake8", "[flake8]\nexit-code = on\n", False),
        (".pep8", "[pep8]\nexit-code = true\n", False),
        # autopep8 reads only its own sections, and a false value is false
        ("setup.cfg", "[tool:pytest]\nexit-code = true\n" + _PEP8, True),
        ("setup.cfg", "[pycodestyle]\nexit-code = false\n", True),
    ],
)
def test_autopep8_diff_and_its_configuration(
    tmp_path: Path, name: str, config: str, lost: bool
) -> None:
    text = _lint_step("autopep8 --diff --recursive .")
    files = {CI: text, name: config}
    rules = _audit(tmp_path / "project", files)
    assert (("QG106", CI, line_of(text, "--diff"), True) in rules) is lost
    # the real autopep8: `--diff` exits 2 on a change under exit-code, else 0
    status = _autopep8_status(tmp_path / "run", {name: config}, "--diff")
    assert status == (0 if lost else 2)


@pytest.mark.parametrize(
    ("options", "status"),
    [("--diff --exit-code", 2), ("-d --exit-code", 2), ("-i --exit-code", 2)],
)
def test_autopep8_exit_code_on_the_line_checks(
    tmp_path: Path, options: str, status: int
) -> None:
    text = _lint_step(f"autopep8 {options} -r . || true")
    rules = _audit(tmp_path / "project", {CI: text})
    assert rules == [("QG101", CI, line_of(text, "autopep8"), True)]
    assert _autopep8_status(tmp_path / "run", {}, options) == status


def test_autopep8_told_to_ignore_its_configuration(tmp_path: Path) -> None:
    config = {"setup.cfg": "[pycodestyle]\nexit-code = true\n"}
    options = "--diff --ignore-local-config"
    text = _lint_step(f"autopep8 {options} -r .")
    rules = _audit(tmp_path / "project", {CI: text, **config})
    assert rules == [("QG106", CI, line_of(text, "--diff"), True)]
    assert _autopep8_status(tmp_path / "run", config, options) == 0


def test_autopep8_diff_in_tox_and_make_reads_the_ini_files(tmp_path: Path) -> None:
    tox = "[tox]\nenvlist = lint\n[testenv:lint]\ncommands =\n    autopep8 -d -r src\n"
    make = "lint:\n\tautopep8 --diff -r src\n"
    files = {"tox.ini": tox, "Makefile": make}
    rules = _audit(tmp_path / "plain", files)
    assert [(r, p) for r, p, _, _ in rules] == [("QG106", "Makefile"), ("QG106", "tox.ini")]
    files["setup.cfg"] = "[pycodestyle]\nexit-code = true\n"
    assert _audit(tmp_path / "configured", files) == []


def test_a_configuration_autopep8_cannot_read_is_not_judged(tmp_path: Path) -> None:
    text = _lint_step("autopep8 --diff -r .")
    files = {CI: text, "setup.cfg": "[pycodestyle]\nexit-code = maybe\n"}
    assert gate_rules(audit_project(tmp_path, files)) == []
