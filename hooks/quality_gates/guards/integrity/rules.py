"""The rules of ``audit-gates``: stable ids, what each finds, why it matters, fix."""

from __future__ import annotations

import dataclasses

from quality_gates.findings import Finding
from quality_gates.guards.base import Rule, catalogue, make_finding

TOOL = "audit-gates"


RULES = catalogue(
    Rule(
        "QG101",
        "failure-swallowed",
        "error",
        "a gate whose failure goes to a fallback that always succeeds (`|| true`, "
        "`|| :`, `|| exit 0`, `|| { write a placeholder; }`), or a tox command "
        "with a `-` prefix",
        "the step succeeds whatever the gate finds, so the gate cannot fail",
        "remove the fallback; to adopt a gate on legacy code, use a baseline",
    ),
    Rule(
        "QG102",
        "failure-echoed",
        "error",
        "a gate whose failure goes to `echo`/`printf` only (`|| echo ...`, "
        "`if ! gate; then echo ...; fi`) with no `exit 1` after it, or a "
        "pre-commit hook's inline Python that only prints what it finds",
        "echo exits 0: the failure becomes a log line nobody reads and the step passes",
        "remove `|| echo`, or fail after the message: `|| { echo msg; exit 1; }`",
    ),
    Rule(
        "QG103",
        "forced-success",
        "error",
        "a gate followed by `; exit 0` where errexit is off (`bash -c`, `set +e`), "
        "or run after `trap '... exit 0' EXIT`",
        "the script ends with success whatever the gate returned",
        "remove `; exit 0`",
    ),
    Rule(
        "QG104",
        "errexit-off",
        "error",
        "a gate run with errexit off (`set +e`, or a custom `shell:` without `-e`) "
        "and no check of `$?` right after it",
        "failures no longer stop the script and nothing reads the exit status",
        "remove `set +e` (or give the shell `-e`), or keep the status and fail "
        "on it: `rc=$?` ... `exit $rc`",
    ),
    Rule(
        "QG105",
        "continue-on-error",
        "error",
        "`continue-on-error: true` on a step or job that runs a gate "
        "(or tox `ignore_outcome = true`)",
        "the job and the workflow turn green when the gate fails",
        "remove it (for an experimental matrix cell: "
        "`continue-on-error: ${{ matrix.experimental }}`)",
    ),
    Rule(
        "QG106",
        "exit-zero",
        "error",
        "`--exit-zero` on a linter, `--soft-fail`/`--no-fail`/`--exit-code 0` on a "
        "scanner, `--warn-only`/`--never-fail` on any program, or `exit-code: 0`/"
        "`soft_fail: true`/`no-fail: true` on a scanner action",
        "the checker prints its findings and exits 0, so the gate cannot fail",
        "remove the option; adopt the checker with a baseline instead",
    ),
    Rule(
        "QG107",
        "never-runs",
        "error",
        "a job or step running a gate whose `if:` can never be true (`if: false`, "
        "a context the event does not carry, a matrix value no cell has), or a "
        "workflow whose only triggers can never fire, or pre-commit hooks under a "
        "key written twice (only the later is read), or every check of a workflow "
        "GitHub refuses at start-up (a context an `if:` may not read, a key "
        "written twice), or a build that leaves out its tests (`gradle -x test`, "
        "`mvn -DskipTests`) in a step named for testing",
        "the gate is listed but can never run, so readers believe it runs",
        "remove the condition, or delete the job",
    ),
    Rule(
        "QG108",
        "empty-workflow",
        "error",
        "an empty workflow file",
        "a workflow emptied to nothing runs no gate, and GitHub reports it as invalid",
        "restore the workflow, or delete the file",
    ),
    Rule(
        "QG109",
        "does-not-parse",
        "error",
        "a workflow or config file that does not parse, or is not UTF-8 text",
        "GitHub runs no job of an invalid workflow, and the tools skip or misread "
        "a config they cannot parse",
        "fix the syntax at the line given",
    ),
    Rule(
        "QG110",
        "action-not-pinned",
        "error",
        "a third-party action or docker image not pinned to a full commit SHA (digest)",
        "a tag or branch can be moved: whoever controls it changes the code that "
        "runs with your token",
        "pin `uses: owner/repo@<40-hex commit sha> # vX.Y.Z` "
        "(docker: `docker://image@sha256:...`)",
    ),
    Rule(
        "QG111",
        "no-permissions",
        "warning",
        "a workflow without a `permissions:` block (top level or on every job)",
        "the GITHUB_TOKEN gets the repository default, often write access to "
        "everything",
        "add `permissions: {contents: read}` at the top and widen it per job",
    ),
    Rule(
        "QG112",
        "pipe-status-lost",
        "error",
        "a gate piped into another command (`pytest | tee log`) in a shell "
        "without pipefail (no `shell:` on Linux is `bash -e {0}`)",
        "a pipeline's exit status is its last command's, so the gate's failure is "
        "lost and the step passes",
        "turn pipefail on where the pipeline runs (`shell: bash` on a workflow "
        "step; `SHELL := /bin/bash` and `.SHELLFLAGS := -eo pipefail -c` in a "
        "Makefile; `set -o pipefail` first in a `bash -c` script), or check "
        "`${PIPESTATUS[0]}`",
    ),
    Rule(
        "QG113",
        "status-not-checked",
        "error",
        "a gate on the left of `&&`, or tested by `if` with no failing branch",
        "errexit does not apply there: the gate's failure only skips the next "
        "command, and the script goes on to pass",
        "run the gate as a command of its own, or fail in the branch: "
        "`if ! gate; then exit 1; fi`",
    ),
    Rule(
        "QG114",
        "permissions-write-all",
        "error",
        "`permissions: write-all` on a workflow or job",
        "every step, and every action it runs, gets a token that can push code, "
        "publish releases and change the repository's settings",
        "grant what the job needs only: `permissions: {contents: read}` and widen "
        "per job",
    ),
    Rule(
        "QG115",
        "plugin-codes-dropped",
        "error",
        "a flake8 `select` (or `ignore`) that drops the codes of a plugin the "
        "project installs (flake8-bugbear B, flake8-comprehensions C4, "
        "flake8-simplify SIM, ...)",
        "the plugin is installed and looks configured but none of its checks "
        "can report",
        "add the plugin's prefix to `select` (or use `extend-select`), or stop "
        "installing the plugin",
    ),
    Rule(
        "QG116",
        "mypy-errors-ignored",
        "error",
        "mypy `ignore_errors = true` for the whole project",
        "mypy checks and then discards every error, whatever `strict` says, so "
        "the type gate cannot fail",
        "remove `ignore_errors`; silence single modules in a "
        "`[[tool.mypy.overrides]]` section, or adopt with a baseline",
    ),
    Rule(
        "QG117",
        "status-discarded",
        "error",
        "a gate run by a command that throws its exit status away: `find -exec "
        "... \\;`, `export OUT=$(gate)` (`local`, `readonly`, `declare`), `gate &` "
        "then a bare `wait`, a `python -c` program (or `shell: python` step) "
        "calling it through `subprocess.run` without `check=True`, "
        "`subprocess.call` or `os.system` whose result is dropped, "
        "`pytest.main()` or a package's `test()` not passed to `sys.exit`",
        "the wrapper exits 0 whatever the gate returns, so the step passes",
        "let the status through: `find ... -exec CMD {} +` (or `| xargs CMD`), "
        "`subprocess.run(..., check=True)`, `sys.exit(pytest.main())`, "
        "`pkg.test(exit=True)`",
    ),
    Rule(
        "QG120",
        "pytest-config-shadowed",
        "error",
        "a pytest config that pytest never reads because another file comes first",
        "pytest reads only the first of pytest.toml, .pytest.toml, pytest.ini, "
        ".pytest.ini, pyproject.toml, tox.ini, setup.cfg that configures it; "
        "settings such as --cov-fail-under in the others are ignored",
        "keep one pytest config: move these settings there and delete the other",
    ),
    Rule(
        "QG121",
        "section-ignored",
        "error",
        "a config section its tool never reads (wrong header or wrong file, or "
        "a setting written twice in a YAML config: only the later is read)",
        "the options look configured but are silently not applied",
        "rename the section as the message says, or move it to a file the tool reads",
    ),
    Rule(
        "QG122",
        "flake8-config-shadowed",
        "error",
        "a flake8 config that flake8 never reads",
        "flake8 reads only the first of setup.cfg, tox.ini, .flake8 that has a "
        "[flake8] section; the others are ignored whole",
        "keep one [flake8] section: merge the settings and delete the other",
    ),
    Rule(
        "QG123",
        "docstring-codes-dropped",
        "error",
        "a flake8 `select`/`ignore` that drops the D codes while flake8-docstrings "
        "is in use",
        "the docstring checks look installed and configured but report nothing",
        "add D to `select` (or `extend-select = D`), or ignore single D codes only",
    ),
    Rule(
        "QG124",
        "mypy-config-shadowed",
        "error",
        "a mypy config that mypy never reads because another file comes first",
        "mypy reads only the first of mypy.ini, .mypy.ini, pyproject.toml "
        "[tool.mypy], setup.cfg [mypy]; strictness set in the others is ignored",
        "keep one mypy config: move these settings there and delete the other",
    ),
)


# The fix in the words of the place a script runs in (``Shell.kind``): a
# pipe loses a status the same way everywhere, but `shell: bash` fixes a
# workflow step only.  QG104 here: errexit off because the shell starts
# without `-e` (a `set +e` has the rule's own fix: remove it).
_PLACE_FIXES = {
    ("QG112", "step"): "set `shell: bash` on the step (`-eo pipefail`), or "
    "`set -o pipefail` first, or check `${PIPESTATUS[0]}`",
    ("QG112", "make"): "run recipes with pipefail: `SHELL := /bin/bash` and "
    "`.SHELLFLAGS := -eo pipefail -c` in the Makefile (or, with a bash `SHELL`, "
    "start the recipe line with `set -o pipefail;` or check `$${PIPESTATUS[0]}`)",
    ("QG112", "bash"): "start the script with `set -o pipefail;` (or run it as "
    "`bash -o pipefail -c '...'`), or check `${PIPESTATUS[0]}`",
    ("QG112", "sh"): "`sh` may have no pipefail: run the script as "
    "`bash -o pipefail -c '...'`, or run the gate on its own, not piped",
    ("QG104", "step"): "add `-e` to the step's `shell:` (`bash -e {0}`; `shell: "
    "bash` also sets pipefail), or keep the status and fail on it: `rc=$?` ... "
    "`exit $rc`",
    ("QG104", "make"): "run recipes with errexit: `.SHELLFLAGS := -ec` in the "
    "Makefile (or `.POSIX:`), or join the commands with `&&`",
    ("QG104", "bash"): "start the script with `set -e;` (or run it as "
    "`bash -ec '...'`), or join the commands with `&&`",
    ("QG104", "sh"): "start the script with `set -e;` (or run it as "
    "`sh -ec '...'`), or join the commands with `&&`",
    ("QG105", "tox"): "remove `ignore_outcome`; adopt the env's checks with a "
    "baseline instead",
}


def place_fix(rule_id: str, kind: str) -> str:
    """Return the fix of ``rule_id`` where a ``kind`` shell runs ('': the rule's)."""
    return _PLACE_FIXES.get((rule_id, kind), "")


NOTE = "info"


def finding(
    rule_id: str, path: str, line: int, detail: str, why: str = "", fix: str = ""
) -> Finding:
    """Make an audit-gates finding of rule ``rule_id``.

    With ``why`` the evidence makes it plausible, not certain: the finding is a
    note (severity info) that says what is missing, and does not fail the gate.
    ``fix``: the fix in the words of the place found (default: the rule's).
    """
    rule = RULES[rule_id]
    if why:
        rule = dataclasses.replace(rule, severity=NOTE)
        detail = f"{detail} (a note, not certain: {why})"
    return make_finding(TOOL, rule, path, line, detail, fix=fix or None)


def fails(item: Finding) -> bool:
    """Tell whether a finding fails the gate (notes do not)."""
    return item.severity != NOTE
