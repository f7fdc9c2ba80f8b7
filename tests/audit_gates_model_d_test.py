"""audit-gates against the real shell: a differential table of script shapes.

Not blind: each shape is a ``run:`` script whose checkers (``pytest``,
``flake8``, ``mypy``) fail.  The real shell runs it exactly as GitHub runs a
step of that ``shell:`` (the default ``bash -e {0}``, ``shell: bash``,
``shell: sh``, a custom string, ``defaults.run.shell`` of the job or of the
workflow, ``shell: python``): the check's failure is lost when the step exits
0.  The audit of the same step must report a failing finding on exactly the
lost ones and nothing on the honest ones.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess  # nosec B404 - fixed argument lists
import sys
import textwrap
from pathlib import Path
from typing import NamedTuple

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules

CI = ".github/workflows/ci.yml"
_CHECKERS = ("pytest", "flake8", "mypy")
_GITHUB = {
    "": "bash -e {0}",
    "bash": "bash --noprofile --norc -eo pipefail {0}",
    "sh": "sh -e {0}",
    "python": "python {0}",
}


class Shape(NamedTuple):
    """A script, the shell GitHub runs it with, and whether a failure is lost."""

    name: str
    script: str
    lost: bool
    shell: str = ""  # the step's ``shell:`` ("" none)
    defaults: str = ""  # "job: SHELL" or "workflow: SHELL"


_SHAPES = [
    # lists: only the last command of an && / || list is under errexit
    Shape("and-not-last", "pytest && echo ok\necho next", True),
    Shape("and-last", "echo start\npytest && echo ok", False),
    Shape("or-true", "pytest || true", True),
    Shape("or-echo-last", "mypy . || echo 'mypy failed'", True),
    Shape("or-exit", "flake8 . || exit 1\necho done", False),
    Shape("plain-then-echo", "pytest\necho done", False),
    # negation: errexit ignores `! cmd`; its status is inverted
    Shape("bang-not-last", "! pytest\necho next", True),
    # conditions
    Shape("if-no-else", "if pytest; then\n  echo ok\nfi", True),
    Shape(
        "if-failing-else",
        "if pytest; then\n  echo ok\nelse\n  echo failed\n  exit 1\nfi",
        False,
    ),
    Shape(
        "if-echo-else",
        "if pytest; then\n  echo ok\nelse\n  echo 'tests failed'\nfi",
        True,
    ),
    # assignments: a declaration builtin masks the substitution's status
    Shape("export-subst", 'export OUT=$(pytest)\necho "$OUT"', True),
    Shape("readonly-subst", 'readonly OUT=$(pytest)\necho "$OUT"', True),
    Shape("declare-subst", 'declare OUT=$(pytest)\necho "$OUT"', True),
    Shape(
        "local-subst",
        'run() {\n  local out=$(pytest)\n  echo "$out"\n}\nrun',
        True,
    ),
    Shape("plain-subst", 'OUT=$(pytest)\necho "$OUT"', False),
    Shape("split-export", 'OUT=$(pytest)\nexport OUT\necho "$OUT"', False),
    # background jobs: a bare `wait` returns 0
    Shape("bg-wait", "pytest &\nwait\necho done", True),
    Shape("bg-wait-pid", "pytest &\nwait $!\necho done", False),
    # time keeps the status
    Shape("time", "time pytest\necho done", False),
    # pipelines: the last command decides unless pipefail
    Shape("tee-default", "pytest | tee log.txt\necho done", True),
    Shape("tee-bash", "pytest | tee log.txt\necho done", False, shell="bash"),
    Shape(
        "tee-set-pipefail", "set -o pipefail\npytest | tee log.txt\necho done", False
    ),
    Shape("tee-pipestatus", "pytest | tee log.txt\nexit ${PIPESTATUS[0]}", False),
    # set +e ... set -e
    Shape("set-e-off", "set +e\npytest\nset -e\necho done", True),
    Shape(
        "set-e-off-kept",
        "set +e\npytest\nstatus=$?\nset -e\nexit $status",
        False,
    ),
    # subshells and groups inherit errexit
    Shape("subshell", "( pytest )\necho done", False),
    Shape("subshell-seq", "( pytest; echo inner )\necho done", False),
    Shape("group", "{ pytest; }\necho done", False),
    # an inner shell has no errexit of its own
    Shape("bash-c", 'bash -c "pytest; echo inner"\necho done', True),
    Shape("bash-ec", 'bash -ec "pytest; echo inner"\necho done', False),
    # custom shells without -e
    Shape("bash-l", "pytest\necho done", True, shell="bash -l {0}"),
    Shape("bash-el", "pytest\necho done", False, shell="bash -el {0}"),
    Shape("sh-e", "pytest\necho done", False, shell="sh -e {0}"),
    Shape("sh", "pytest\necho done", True, shell="sh {0}"),
    Shape("sh-last", "echo start\npytest", False, shell="sh {0}"),
    Shape("job-default-l", "pytest\necho done", True, defaults="job: bash -l {0}"),
    Shape(
        "workflow-default-l",
        "pytest\necho done",
        True,
        defaults="workflow: bash -l {0}",
    ),
    Shape("job-default-el", "pytest\necho done", False, defaults="job: bash -el {0}"),
    # python: a status the script drops is lost
    Shape(
        "python-run",
        'import subprocess\nsubprocess.run(["pytest"])\nprint("done")',
        True,
        shell="python",
    ),
    Shape(
        "python-check",
        'import subprocess\nsubprocess.run(["pytest"], check=True)\nprint("done")',
        False,
        shell="python",
    ),
    # functions: errexit holds in a plain call, not under || / if
    Shape("function", "run() {\n  pytest\n  echo inner\n}\nrun\necho done", False),
    Shape(
        "function-or",
        "run() {\n  pytest\n  echo inner\n}\nrun || exit 1\necho done",
        True,
    ),
    # traps
    Shape("trap-echo", "trap 'echo cleanup' EXIT\npytest\necho done", False),
    Shape("trap-exit-0", "trap 'exit 0' EXIT\npytest\necho done", True),
    # xargs and find
    Shape("xargs", "ls *.py | xargs flake8\necho done", False),
    Shape("find-exec-semi", "find . -name '*.py' -exec flake8 {} \\;\necho done", True),
    Shape("find-exec-plus", "find . -name '*.py' -exec flake8 {} +\necho done", False),
    # loops
    Shape(
        "while-read-pipe",
        'ls *.py | while read -r f; do\n  flake8 "$f"\ndone\necho done',
        False,
    ),
    Shape(
        "while-read-or",
        'ls *.py | while read -r f; do\n  flake8 "$f" || echo bad\ndone\necho done',
        True,
    ),
    Shape("for", 'for f in a b; do\n  pytest "$f"\ndone\necho done', False),
    Shape(
        "for-flag-exit",
        'for f in a b; do\n  pytest "$f" || failed=1\ndone\nexit "${failed:-0}"',
        False,
    ),
    Shape(
        "for-flag-dropped",
        'for f in a b; do\n  pytest "$f" || failed=1\ndone\necho "${failed:-0}"',
        True,
    ),
    # eval runs its text as a command
    Shape("eval", 'eval "pytest"\necho done', False),
    Shape("eval-or-true", 'eval "pytest || true"\necho done', True),
    Shape("eval-held", 'CMD="pytest"\neval "$CMD"\necho done', False),
    # twins of the masking builtins: the value judged, the status kept
    Shape(
        "export-grepped", 'export OUT=$(pytest)\necho "$OUT" | grep -q passed', False
    ),
    Shape(
        "local-split",
        'run() {\n  local out\n  out=$(pytest)\n  echo "$out"\n}\nrun',
        False,
    ),
    Shape("bg-two-wait", "flake8 . &\nmypy . &\nwait\necho done", True),
    Shape("bg-pid", "pytest &\npid=$!\nwait $pid\necho done", False),
    Shape("bg-wait-n", "pytest &\nwait -n\necho done", False),
    Shape("trap-cleanup-exit-0", "trap 'echo bye; exit 0' EXIT\npytest", True),
    Shape("trap-reset", "trap 'exit 0' EXIT\ntrap - EXIT\npytest\necho done", False),
    Shape("trap-rm", "trap 'rm -f log.txt' EXIT\npytest\necho done", False),
    Shape("trap-int-exit-0", "trap 'exit 0' INT\npytest\necho done", False),
    # a function whose status is tested: errexit ignored in its body
    Shape(
        "function-if",
        "run() {\n  pytest\n  echo inner\n}\nif ! run; then\n  exit 1\nfi",
        True,
    ),
    Shape(
        "function-or-last",
        "run() {\n  echo start\n  pytest\n}\nrun || exit 1\necho done",
        False,
    ),
    Shape(
        "function-piped-pipefail",
        "run() {\n  pytest\n  echo inner\n}\nrun | tee log.txt\necho done",
        False,
        shell="bash",
    ),
    Shape(
        "function-and",
        "run() {\n  pytest\n  echo inner\n}\nrun && echo ok\necho done",
        True,
    ),
    Shape(
        "python-os-system",
        'import os\nos.system("pytest")\nprint("done")',
        True,
        shell="python",
    ),
    Shape(
        "python-sys-exit",
        'import subprocess, sys\nsys.exit(subprocess.call(["pytest"]))',
        False,
        shell="python",
    ),
    Shape(
        "python-returncode",
        'import subprocess, sys\nr = subprocess.run(["pytest"])\n'
        "sys.exit(r.returncode)",
        False,
        shell="python",
    ),
    Shape("tee-sh", "pytest | tee log.txt\necho done", True, shell="sh"),
    Shape("set-o-errexit-off", "set +o errexit\npytest\necho done", True),
    Shape("or-exit-0", "pytest || exit 0\necho done", True),
    Shape("command-builtin", "command pytest\necho done", False),
    Shape("timeout", "timeout 600 pytest\necho done", False),
    Shape(
        "while-read-procsub",
        'while read -r f; do\n  flake8 "$f"\ndone < <(ls *.py)\necho done',
        False,
    ),
    Shape(
        "local-or-return",
        'run() {\n  local out\n  out=$(pytest) || return 1\n  echo "$out"\n}\n'
        "run\necho done",
        False,
    ),
    Shape("tee-bash-l", "pytest | tee log.txt", True, shell="bash -l {0}"),
    Shape("and-last-sh", "pytest && echo ok", False, shell="sh {0}"),
]


def _argv(shape: Shape, script: Path) -> list[str]:
    """Return the command GitHub runs a step of ``shape`` with (``{0}``: the script)."""
    spec = shape.defaults.split(":", 1)[1].strip() if shape.defaults else shape.shell
    words = shlex.split(_GITHUB.get(spec, spec))
    if words[0] == "python":
        words[0] = sys.executable
    if words[0] == "bash" and any("l" in w for w in words if w.startswith("-")):
        # a login shell: keep /etc/profile from resetting PATH (same flags)
        words.insert(1, "--noprofile")
    found = shutil.which(words[0])
    assert found is not None
    return [found] + [str(script) if w == "{0}" else w for w in words[1:]]


def _step_exit(tmp_path: Path, shape: Shape) -> int:
    """Run ``shape`` as GitHub runs its step, with failing checkers on PATH."""
    work = tmp_path / "work"
    bin_dir = work / ".bin"
    bin_dir.mkdir(parents=True)
    for tool in _CHECKERS:
        fake = bin_dir / tool
        fake.write_text("#!/bin/sh\necho 'E   1 failed'\nexit 1\n")
        fake.chmod(0o755)
    (work / "mod.py").write_text("x = 1\n")
    script = tmp_path / ("step.py" if shape.shell == "python" else "step.sh")
    script.write_text(shape.script + "\n")
    done = subprocess.run(  # nosec B603 - fixed argument list
        _argv(shape, script),
        check=False,
        cwd=work,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(work)},
        capture_output=True,
        timeout=30,
    )
    return done.returncode


def _workflow(shape: Shape) -> str:
    shell = f"  shell: {shape.shell}\n" if shape.shell else ""
    where, _, default = shape.defaults.partition(":")
    block = f"defaults:\n  run:\n    shell: {default.strip()}\n"
    job_defaults = textwrap.indent(block, "  ") if where == "job" else ""
    top = "on: [push, pull_request]\n" + (block if where == "workflow" else "")
    body = (
        "test:\n  runs-on: ubuntu-latest\n"
        + job_defaults
        + "  steps:\n"
        + "    - uses: actions/checkout@0000000000000000000000000000000000000000\n"
        + "    - name: Checks\n"
        + textwrap.indent(shell, "    ")
        + "      run: |\n"
        + "        <SCRIPT>\n"
    )
    return _jobs(body, top, SCRIPT=shape.script)


@pytest.mark.parametrize("shape", _SHAPES, ids=[s.name for s in _SHAPES])
def test_the_audit_agrees_with_the_real_shell(tmp_path: Path, shape: Shape) -> None:
    """A failing finding exactly where the real shell loses the failure."""
    assert (_step_exit(tmp_path, shape) == 0) is shape.lost
    project = tmp_path / "project"
    project.mkdir()
    found = gate_rules(audit_project(project, {CI: _workflow(shape)}))
    failing = [hit for hit in found if hit[3]]
    if shape.lost:
        assert failing, found
    else:
        assert found == [], found


# ---- Windows: pwsh decides (not installed here: the audit's model only) -----
#
# GitHub runs pwsh with `$ErrorActionPreference = 'stop'` prepended and
# `if ((Test-Path -LiteralPath variable:\LASTEXITCODE)) { exit $LASTEXITCODE }`
# appended: a native checker's failure is lost once another native program
# runs after it with nothing reading `$LASTEXITCODE`; cmdlets and their
# aliases (`echo`, `Write-Host`) leave `$LASTEXITCODE` as it was.

_NATIVE_AFTER = 'pytest\npython -c "print(1)"'
_CMDLET_AFTER = "pytest\necho done"
_READ_AFTER = 'pytest\nif ($LASTEXITCODE -ne 0) { exit 1 }\npython -c "print(1)"'


def _windows(script: str, runs_on: str) -> str:
    body = (
        "test:\n"
        "  strategy:\n"
        "    matrix:\n"
        "      os: [ubuntu-latest, windows-latest]\n"
        f"  runs-on: {runs_on}\n"
        "  steps:\n"
        "    - name: Checks\n"
        "      run: |\n"
        "        <SCRIPT>\n"
    )
    return _jobs(body, SCRIPT=script)


@pytest.mark.parametrize(
    ("script", "runs_on", "lost"),
    [
        (_NATIVE_AFTER, "windows-latest", True),
        (_CMDLET_AFTER, "windows-latest", False),
        (_READ_AFTER, "windows-latest", False),
        ("pytest\nexit 0", "windows-latest", True),
        # a matrix with a Windows cell: bash on Linux, pwsh on Windows
        (_NATIVE_AFTER, "${{ matrix.os }}", True),
        (_CMDLET_AFTER, "${{ matrix.os }}", False),
    ],
)
def test_the_pwsh_model_on_windows_runners(
    tmp_path: Path, script: str, runs_on: str, lost: bool
) -> None:
    """Windows' default shell is pwsh: the last native program's status decides."""
    found = gate_rules(audit_project(tmp_path, {CI: _windows(script, runs_on)}))
    failing = [hit for hit in found if hit[3]]
    if lost:
        assert failing, found
    else:
        assert found == [], found
