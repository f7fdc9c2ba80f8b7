"""audit-gates on what 21e's test half showed after its blind first run.

Written after that run (not blind): each case is the general form of a miss
or a false finding of the test half, beside the twin that differs in the one
thing that decides.  Where GNU make decides, the same Makefile is run by the
real ``make`` with a ``pytest`` that always fails, and the model's verdict
must agree with make's exit status.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess  # nosec B404 - fixed argument lists
import textwrap
from pathlib import Path

import pytest
from audit_gates_model_test import audit_project, gate_rules, line_of
from workflow_yaml import workflow

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


@functools.cache
def _gnu_make_or_none() -> str | None:
    """GNU make, if this machine has one that runs (not a shim that fails)."""
    make = shutil.which("make")
    if make is None:
        return None
    done = subprocess.run(  # nosec B603
        [make, "--version"], capture_output=True, text=True, check=False
    )
    return make if done.returncode == 0 and "GNU Make" in done.stdout else None


def _gnu_make() -> str:
    make = _gnu_make_or_none()
    if make is None:  # .ci/run installs it; under CI a skip fails
        pytest.skip("GNU make is not installed (or does not run)")
    return make


def _run_make(folder: Path, target: str) -> int:
    """Run the real GNU make with a ``pytest`` on PATH that always fails."""
    make = _gnu_make()
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


# ---- a pipeline judged by a grep whose match fails --------------------------

CI = ".github/workflows/ci.yml"


def _ci(run: str, name: str = "Check for secrets in diff", job: str = "") -> str:
    step = f"- name: {name}\n  run: |\n" + textwrap.indent(run, "    ")
    return workflow(step, job=job)


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        # the producer's failure (no such ref) reads as "nothing found": a note
        (
            "if git diff origin/main...HEAD | grep -iE 'api_key *='; then\n"
            "  exit 1\nfi\n",
            [("QG112", False)],
        ),
        (
            "git diff origin/main...HEAD | grep -iE 'api_key *=' && exit 1\n",
            [("QG112", False)],
        ),
        # a named checker judged through grep: plausible only
        (
            "npx eslint src 2>&1 | grep -E 'error' && exit 1 || exit 0\n",
            [("QG112", False)],
        ),
        # twins: pipefail on, a producer that cannot fail, no failing branch
        (
            "set -o pipefail\nif git diff origin/main...HEAD | grep -i key; then\n"
            "  exit 1\nfi\n",
            [],
        ),
        ('if echo "$MSG" | grep -qi wip; then\n  exit 1\nfi\n', []),
        ("if git diff | grep -q key; then\n  echo found\nfi\n", []),
    ],
    ids=["if-git-diff", "and-git-diff", "eslint-grep", "pipefail", "echo", "no-fail"],
)
def test_a_producer_feeding_a_failing_grep_is_a_note(
    tmp_path: Path, run: str, expected: list[tuple[str, bool]]
) -> None:
    text = _ci(run)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert [(rule, failing) for rule, _, _, failing in found] == expected


def test_a_pre_commit_hook_keeps_the_certainty_of_its_hits(tmp_path: Path) -> None:
    """A note in a hook's `bash -c` entry stays a note (it used to fail)."""
    hooks = (
        "repos:\n- repo: local\n  hooks:\n  - id: jsdoc\n    name: jsdoc\n"
        "    language: system\n    entry: bash -c 'npx eslint src 2>&1 | grep -E "
        '"error" && exit 1 || exit 0\'\n'
        "  - id: tests\n    name: tests\n    language: system\n"
        "    entry: bash -c 'pytest -q | tee log.txt'\n"
    )
    found = gate_rules(audit_project(tmp_path, {".pre-commit-config.yaml": hooks}))
    assert [(r, line, failing) for r, _, line, failing in found] == [
        ("QG112", 7, False),
        ("QG112", 11, True),
    ]


# ---- what a step's name, a fallback's message and its triggers say ----------


@pytest.mark.parametrize(
    ("name", "failing"),
    [("Roll up aged state (audit Ticket 6)", None), ("Audit aged state", True)],
)
def test_a_remark_in_parentheses_does_not_make_a_step_a_check(
    tmp_path: Path, name: str, failing: bool | None
) -> None:
    run = 'python3 scripts/rollup_state.py || echo "::warning::skipped"\n'
    text = _ci(run, name, job="name: daily")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == (
        [] if failing is None else [("QG102", CI, line_of(text, "rollup"), failing)]
    )


@pytest.mark.parametrize(
    ("message", "failing"),
    [
        ("some scenes invalid, the renderer will fall back", False),
        ("scenes invalid", True),
    ],
)
def test_a_fallback_announced_by_its_message_is_a_note(
    tmp_path: Path, message: str, failing: bool
) -> None:
    run = f'python scripts/validate_scenes.py || echo "::warning::{message}"\n'
    text = _ci(run, "Generate scenes")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG102", CI, line_of(text, "validate_scenes"), failing)]


_RETRO = """on:
  schedule:
    - cron: '15 23 * * *'
  workflow_dispatch:
  push:
    branches: [main]
permissions: {}
jobs:
  retro:
    runs-on: ubuntu-latest
    steps:
      - name: Build the brief
        if: github.event_name != '{event}'
        continue-on-error: true
        run: python3 scripts/make_brief.py
"""


@pytest.mark.parametrize(("event", "failing"), [("push", False), ("schedule", True)])
def test_a_name_only_check_that_no_change_waits_on_is_a_note(
    tmp_path: Path, event: str, failing: bool
) -> None:
    text = _RETRO.replace("{event}", event)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG105", CI, line_of(text, "continue-on-error"), failing)]


_PWSH = """
- name: {name}
  shell: powershell
  continue-on-error: true
  run: |
    try {
      Invoke-RestMethod -Uri http://localhost:8000/health -Method Get
    } catch {
      Write-Error "API tests failed"
      {end}
    }
"""


@pytest.mark.parametrize(
    ("name", "end", "lost"),
    [
        ("Run API tests", "exit 1", True),
        ("Run API tests", 'Write-Host "ignored"', False),
        ("Start the API", "exit 1", False),
    ],
    ids=["test-exit-1", "test-no-exit", "setup-exit-1"],
)
def test_a_check_step_that_fails_on_purpose_is_a_gate_in_any_shell(
    tmp_path: Path, name: str, end: str, lost: bool
) -> None:
    text = workflow(_PWSH.replace("{name}", name).replace("{end}", end))
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "continue-on-error")
    assert found == ([("QG105", CI, line, True)] if lost else [])


@pytest.mark.parametrize(
    ("code", "gate"),
    [
        ("import geopandas; geopandas.show_versions()", False),
        ("import numpy; numpy.show_config()", False),
        ("import geopandas; geopandas.read_file('x')", True),
    ],
)
def test_show_versions_is_a_query(tmp_path: Path, code: str, gate: bool) -> None:
    run = f'python -V\npython -c "{code}"\nmicromamba list\n'
    text = workflow(
        "- name: Check and Log Environment\n  shell: bash -l {0}\n  run: |\n"
        + textwrap.indent(run, "    ")
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == ([("QG104", CI, line_of(text, "python -c"), False)] if gate else [])


# ---- a request to a local service, only shown -------------------------------


@pytest.mark.parametrize(
    ("recipe", "expected"),
    [
        # CheikhAiLabs: a dead API (curl exit 7) is lost in the pipe: a note
        ("curl -sS http://localhost:8001/health | cat", [("QG112", False)]),
        # thrown away on purpose, still a note: only the target says it probes
        ("curl -sS http://127.0.0.1:8001/health || true", [("QG101", False)]),
        # twins: a download saved to a file is setup; a remote URL is no probe
        ("curl -sS -o out.json http://localhost:8001/health | cat", []),
        ("curl -sS https://example.org/install.sh | cat", []),
        # `--fail -o /dev/null` is a probe by its own options, as before
        (
            "curl -fsS -o /dev/null http://localhost:8001/health || true",
            [("QG101", True)],
        ),
    ],
    ids=["pipe", "or-true", "saved", "remote", "strict"],
)
def test_a_local_request_only_shown_is_a_probe_by_its_target_only(
    tmp_path: Path, recipe: str, expected: list[tuple[str, bool]]
) -> None:
    makefile = f"smoke:\n\t{recipe}\n"
    found = gate_rules(audit_project(tmp_path, {"Makefile": makefile}))
    assert [(rule, failing) for rule, _, _, failing in found] == expected
