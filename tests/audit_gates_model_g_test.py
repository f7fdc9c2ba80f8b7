"""audit-gates on what 21e's test half showed after its blind first run.

Written after that run (not blind): each case is the general form of a miss
or a false finding of the test half, beside the twin that differs in the one
thing that decides.  Where GNU make decides, the same Makefile is run by the
real ``make`` with a ``pytest`` that always fails, and the model's verdict
must agree with make's exit status.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # nosec B404 - fixed argument lists
from pathlib import Path

import pytest
from audit_gates_model_test import audit_project, gate_rules, line_of

# ---- make: .ONESHELL, SHELL, .SHELLFLAGS, .POSIX ----------------------------

_CHECK = "\t@echo '=> running tests'\n\t@pytest tests\n\t@echo '=> tests complete'\n"
_MAKEFILES = {
    # litestar: one bash script without -e, closed by an echo: the echo decides
    "oneshell-bash": ("SHELL := /bin/bash\n.ONESHELL:\n", _CHECK, "QG104"),
    "oneshell-sh": (".ONESHELL:\n", _CHECK, "QG104"),
    "oneshell-shellflags-e": (
        "SHELL := /bin/bash\n.ONESHELL:\n.SHELLFLAGS := -ec\n",
        _CHECK,
        None,
    ),
    "oneshell-shellflags-euo": (
        "SHELL := bash\n.SHELLFLAGS := -eu -o pipefail -c\n.ONESHELL:\n",
        _CHECK,
        None,
    ),
    "oneshell-posix": (".POSIX:\n.ONESHELL:\n", _CHECK, None),
    "oneshell-check-last": (
        "SHELL := /bin/bash\n.ONESHELL:\n",
        "\t@echo '=> running tests'\n\t@pytest tests\n",
        None,
    ),
    "no-oneshell": ("SHELL := /bin/bash\n", _CHECK, None),
    # a `-` on the first line ignores the whole script's status
    "oneshell-dash-first": (
        ".ONESHELL:\n.SHELLFLAGS := -ec\n",
        "\t-@echo '=> running tests'\n\t@pytest tests\n",
        "QG101",
    ),
    # make strips `-` from the lines after the first: it ignores nothing there
    "oneshell-dash-inside": (
        ".ONESHELL:\n.SHELLFLAGS := -ec\n",
        "\t@echo '=> running tests'\n\t-pytest tests\n",
        None,
    ),
    # a pipe in a recipe: `sh -c` has no pipefail unless SHELL or .SHELLFLAGS says
    "pipe": ("", "\tpytest tests | tee log.txt\n", "QG112"),
    "pipe-shellflags-pipefail": (
        "SHELL := /bin/bash\n.SHELLFLAGS := -o pipefail -c\n",
        "\tpytest tests | tee log.txt\n",
        None,
    ),
    "pipe-shell-pipefail": (
        "SHELL := /bin/bash -o pipefail\n",
        "\tpytest tests | tee log.txt\n",
        None,
    ),
}


def _run_make(folder: Path, target: str) -> int:
    """Run the real GNU make with a ``pytest`` on PATH that always fails."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("GNU make is not installed")
    tools = folder / "fake-bin"
    tools.mkdir()
    fake = tools / "pytest"
    fake.write_text("#!/bin/sh\necho 'pytest: 1 failed'\nexit 1\n")
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{tools}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(  # nosec B603
        [make, "--no-print-directory", target],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode


@pytest.mark.parametrize("case", sorted(_MAKEFILES))
def test_a_make_recipe_is_run_the_way_make_runs_it(tmp_path: Path, case: str) -> None:
    head, recipe, rule = _MAKEFILES[case]
    makefile = f"{head}.PHONY: test\ntest:\n{recipe}"
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    line = line_of(makefile, "pytest tests")
    assert found == ([(rule, "Makefile", line, True)] if rule else [])
    # the real make agrees: the check's failure is lost exactly when reported
    assert (_run_make(tmp_path, "test") == 0) == (rule is not None)


def test_a_oneshell_recipe_under_a_non_shell_is_not_read_as_shell(
    tmp_path: Path,
) -> None:
    makefile = "SHELL := python3\n.ONESHELL:\ntest:\n\timport sys\n\tpytest tests\n"
    assert gate_rules(audit_project(tmp_path, {"Makefile": makefile})) == []


@pytest.mark.parametrize(
    ("target", "failing"),
    [("mypy", True), ("mypy-nocache", True), ("serve", False)],
)
def test_an_unreached_target_named_for_a_checker_is_a_gate(
    tmp_path: Path, target: str, failing: bool
) -> None:
    """CI calls only `make docs`: a target named for a checker still gates."""
    makefile = (
        "SHELL := /bin/bash\n.ONESHELL:\n"
        f"{target}:\n\t@uv run dmypy run\n\t@echo done\n"
        "docs:\n\tsphinx-build -W docs out\n"
    )
    ci = (
        "on: push\npermissions: {}\njobs:\n  docs:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: make docs\n"
    )
    files = {"Makefile": makefile, ".github/workflows/ci.yml": ci}
    found = gate_rules(audit_project(tmp_path, files))
    assert found == [("QG104", "Makefile", 4, failing)]


@pytest.mark.parametrize(
    ("command", "gate"),
    [("dmypy run -- src", True), ("dmypy check src", True), ("dmypy stop", False)],
)
def test_dmypy_checks_through_run_and_check_only(
    tmp_path: Path, command: str, gate: bool
) -> None:
    makefile = f"types:\n\t{command} | tee log.txt\n"
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    assert found == ([("QG112", "Makefile", 2, True)] if gate else [])
