"""Scripts that actions run from their inputs, read with the shell they use.

Some actions run an input as a shell script: ``devcontainers/ci`` runs
``runCmd`` as ``bash -c`` (no errexit: only the last command decides),
``nick-fields/retry`` spawns ``command`` through ``bash`` the same way,
``pre-commit/action`` splices ``extra_args`` into ``pre-commit run ...``
under ``shell: bash``, and cibuildwheel runs ``CIBW_TEST_COMMAND`` through
the shell.  ``uses: docker://IMAGE`` hands ``args`` to the image's
entrypoint (or to ``entrypoint:``) without a shell: ``pytest || true`` there
passes ``||`` to pytest, while ``sh -c "..."`` runs a script of its own.
The repository's own composite actions are read the same way:
an input expanded into a ``run:`` script (``${{ inputs.X }}``) is part of
that script; one handed to ``bash -c "$VAR"`` or ``eval`` is a script of its
own.
"""

from __future__ import annotations

import dataclasses
import re
import shlex

import yaml
from quality_gates.guards.integrity.shell import step_shell
from quality_gates.guards.integrity.shell.records import Shell
from quality_gates.yamlnodes import mapping, scalar, sequence, value

BASH_C = Shell(errexit=False, pipefail=False, label="bash -c", kind="bash")
SH_C = Shell(errexit=False, pipefail=False, label="sh -c", kind="sh")


@dataclasses.dataclass(frozen=True)
class InputScript:
    """How an input becomes a script: text around it, shell, and who runs it."""

    shell: Shell
    runner: str
    before: str = ""
    after: str = ""
    # whether a gate it runs makes the step a gate (not for a formatter's
    # options, which the action's own rule judges: ``_runs_a_checker``)
    gates: bool = True
    # whether a command is a check by its own name only, not by the step's
    # (a remote deploy script: its service restarts are no checks)
    by_name_only: bool = False
    # why its findings are only plausible ('' when they are not)
    place: str = ""

    def script(self, text: str) -> str:
        """Return the script the action runs for input ``text``."""
        return f"{self.before}{text}{self.after}"


# A checker action that puts an input on its checker's command line runs
# only the words it is given: no shell between them.
ARGV = Shell(errexit=True, pipefail=False, label="argv", kind="none")
_PRE_COMMIT = InputScript(
    step_shell.resolve("bash", "") or BASH_C,
    "pre-commit/action splices it into `pre-commit run` (shell: bash)",
    "pre-commit run --show-diff-on-failure --color=always ",
)
KNOWN: dict[str, dict[str, InputScript]] = {
    "devcontainers/ci": {
        "runCmd": InputScript(BASH_C, "devcontainers/ci runs it as `bash -c`")
    },
    "nick-fields/retry": {
        "command": InputScript(
            BASH_C, "nick-fields/retry spawns it through bash (`bash -c`)"
        ),
        "new_command_on_retry": InputScript(
            BASH_C, "nick-fields/retry spawns it through bash"
        ),
    },
    "pre-commit/action": {"extra_args": _PRE_COMMIT},
    # its README: the image's `shell` (default sh) runs `-c "$run"`, newlines `;`
    "addnab/docker-run-action": {
        "run": InputScript(SH_C, "docker-run-action runs it as `sh -c` (its `shell`)")
    },
    # their action.yml: `black OPTIONS SRC` (default `--check --diff`) and
    # `isort CONFIGURATION PATHS` (default `--check-only --diff`)
    "psf/black": {
        "options": InputScript(
            ARGV, "psf/black runs `black OPTIONS SRC`, no shell", "black ", " .", False
        )
    },
    "isort/isort-action": {
        "configuration": InputScript(
            ARGV,
            "isort-action runs `isort CONFIGURATION`, no shell",
            "isort ",
            " .",
            False,
        )
    },
    # drone-ssh runs `script` in the remote user's shell, no errexit: the
    # last command decides (issue #359); `script_stop: true` (v0.x) stops at
    # the first failing line, an input v1.2 dropped (#367: add `set -e`)
    "appleboy/ssh-action": {
        "script": InputScript(
            dataclasses.replace(SH_C, label="the remote shell"),
            "appleboy/ssh-action runs it in the remote user's shell, without `-e`",
            by_name_only=True,
        )
    },
}
# `script_stop: true` on appleboy/ssh-action: read as errexit (whatever the
# version: a later one ignores it, and the script is then judged kindly)
_STOPS = {"appleboy/ssh-action": ("script_stop", "script")}
# Inputs that turn an action's failure into success.
SWALLOWS = {"nick-fields/retry": "continue_on_error"}
# An input whose own name says the action passes whatever fails (any action).
_IGNORES_FAILURE = re.compile(
    r"(ignore|continue|allow|suppress|skip)-?(on-)?(errors?|failures?|fail)"
)


def ignores_failure(key: str) -> bool:
    """``ignore-errors``, ``continue_on_error``, ``allow-failure``, ``allowFailure``."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", "-", key).lower().replace("_", "-")
    return _IGNORES_FAILURE.fullmatch(words) is not None


# Environment variables whose value an action runs as a command.
ENV_COMMANDS = {
    "pypa/cibuildwheel": (
        "CIBW_TEST_COMMAND",
        "CIBW_TEST_COMMAND_LINUX",
        "CIBW_TEST_COMMAND_MACOS",
        "CIBW_TEST_COMMAND_PYODIDE",
    ),
}
CIBW = InputScript(
    SH_C, "cibuildwheel runs the test command through the shell (`sh -c`)"
)

_EXPANDED = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")
_HANDED = re.compile(r"\b(?:(?:ba)?sh\s+(?:-\w+\s+)*-\w*c|eval)\s+[\"']?\$\{?(\w+)")


def for_step(
    name: str, specs: dict[str, InputScript], given: dict[str, str]
) -> dict[str, InputScript]:
    """Return ``specs`` as the step's inputs set them (``script_stop: true``)."""
    stop = _STOPS.get(name)
    if stop is None or given.get(stop[0], "").strip().lower() != "true":
        return specs
    spec = specs[stop[1]]
    stopped = InputScript(
        dataclasses.replace(spec.shell, errexit=True),
        spec.runner,
        spec.before,
        spec.after,
        spec.gates,
        spec.by_name_only,
    )
    return {**specs, stop[1]: stopped}


def action_name(uses: str) -> str:
    """``owner/repo@ref`` -> ``owner/repo`` (a subfolder kept: ``o/r/sub``)."""
    return uses.split("@", 1)[0].strip()


def _expanded(run: str, shell: Shell, found: dict[str, InputScript]) -> None:
    for match in _EXPANDED.finditer(run):
        before, after = run[: match.start()], run[match.end() :]
        runner = "the action expands it into a `run:` script"
        found.setdefault(match.group(1), InputScript(shell, runner, before, after))


def _handed(step: yaml.Node, run: str, found: dict[str, InputScript]) -> None:
    env = {k: scalar(v) or "" for k, (_, v) in mapping(value(step, "env")).items()}
    for match in _HANDED.finditer(run):
        source = _EXPANDED.search(env.get(match.group(1), ""))
        if source:
            runner = f"the action runs it with `{match.group(0).split()[0]}`"
            found.setdefault(source.group(1), InputScript(BASH_C, runner))


def local_inputs(root: yaml.Node | None) -> dict[str, InputScript]:
    """Find the inputs of a composite action that its steps run as scripts."""
    found: dict[str, InputScript] = {}
    for step in sequence(value(value(root, "runs"), "steps")):
        run = scalar(value(step, "run"))
        resolved = step_shell.resolve(scalar(value(step, "shell")), "")
        if not run or resolved is None:
            continue
        _handed(step, run, found)
        _expanded(run, resolved, found)
    return found


def local_key(uses: str) -> str:
    """``./.github/actions/lint/`` -> ``.github/actions/lint``."""
    return uses.strip().removeprefix("./").rstrip("/")


# A container's command runs without a shell: only the words it is given.
DOCKER = InputScript(
    dataclasses.replace(ARGV, label="docker"),
    "the runner hands `args` to the container's entrypoint, without a shell",
)


def docker_command(uses: str, with_: yaml.Node | None) -> tuple[yaml.Node, str] | None:
    """Return the command a ``uses: docker://IMAGE`` container runs, as one line.

    ``entrypoint:`` and ``args:`` replace the image's; ``args`` starting with
    an option goes to the image's own entrypoint, named after the image.
    """
    if not uses.startswith("docker://"):
        return None
    given = mapping(with_)
    args = given.get("args")
    entrypoint = given.get("entrypoint")
    node = args[1] if args else entrypoint[1] if entrypoint else None
    if node is None:
        return None
    text = (scalar(args[1]) if args else "") or ""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    if entrypoint and scalar(entrypoint[1]):
        command = [scalar(entrypoint[1]) or "", *words]
    elif words and not words[0].startswith("-"):
        command = words
    else:
        image = uses.removeprefix("docker://").split("@")[0].split(":")[0]
        command = [image.rsplit("/", 1)[-1], *words]
    return node, shlex.join(command)
