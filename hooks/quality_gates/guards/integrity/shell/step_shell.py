"""The shell GitHub Actions runs a ``run:`` step with, as GitHub documents it.

* no ``shell:`` on Linux or macOS: ``bash -e {0}`` (errexit, no pipefail);
  on Windows: ``pwsh``;
* ``shell: bash``: ``bash --noprofile --norc -eo pipefail {0}``;
* ``shell: sh``: ``sh -e {0}``;
* a custom string (``bash {0}``, ``bash -euxo pipefail {0}``) as written;
* ``msys2 {0}``: msys2/setup-msys2's wrapper, ``bash -leo pipefail``;
* ``pwsh``, ``powershell``, ``cmd``, ``python``: not a POSIX shell; only their
  options (``--exit-zero``) are audited.

``defaults.run.shell`` of the job, then of the workflow, applies when a step
names none.
"""

from __future__ import annotations

import re
import shlex

from quality_gates.guards.integrity.shell.flow import Shell

DEFAULT_UNIX = Shell(errexit=True, pipefail=False, label="bash -e {0}")
_NAMED = {
    "bash": Shell(True, True, "bash --noprofile --norc -eo pipefail {0}"),
    "sh": Shell(True, False, "sh -e {0}"),
}
# msys2/setup-msys2 installs `msys2` (msys2.cmd), which runs the script with
# MSYS2's `bash.exe -leo pipefail`: errexit and pipefail, as `shell: bash`.
_MSYS2 = Shell(True, True, "msys2 {0} (bash -leo pipefail)")
_NOT_POSIX = frozenset(("pwsh", "powershell", "cmd", "python"))
_SHELL_BINARY = re.compile(r"^(ba|z|da|k|)sh$")


def custom(text: str) -> Shell | None:
    """Read a custom ``shell:`` string (``bash {0}``): its flags as written."""
    try:
        tokens = shlex.split(text)
    except ValueError:
        return None
    for index, token in enumerate(tokens):
        if _SHELL_BINARY.match(token.rsplit("/", 1)[-1]):
            return _flags(tokens[index + 1 :], text)
    return _recorded(tokens, text)


def _recorded(tokens: list[str], text: str) -> Shell | None:
    """``script -q -e -c "bash -eo pipefail {0}"``: the shell ``script`` runs.

    util-linux ``script`` runs its ``-c`` command in a pseudo-terminal and,
    with ``-e`` (``--return``), exits with that command's status; without
    it the status is not the script's, and the shell is not read here.
    """
    if not tokens or tokens[0].rsplit("/", 1)[-1] != "script":
        return None
    command = [i for i, t in enumerate(tokens) if re.fullmatch(r"-[a-zA-Z]*c", t)]
    if not command or command[0] + 1 >= len(tokens):
        return None
    options = tokens[1 : command[0] + 1]
    returns = "--return" in options or any(
        re.fullmatch(r"-[a-zA-Z]*e[a-zA-Z]*", o) for o in options
    )
    inner = custom(tokens[command[0] + 1]) if returns else None
    return Shell(inner.errexit, inner.pipefail, text) if inner else None


def _flags(args: list[str], label: str) -> Shell:
    errexit = pipefail = False
    for index, arg in enumerate(args):
        following = args[index + 1] if index + 1 < len(args) else ""
        if re.fullmatch(r"-[a-zA-Z]+", arg):
            errexit = errexit or "e" in arg
            if arg.endswith("o") and following == "pipefail":
                pipefail = True
            if arg.endswith("o") and following == "errexit":
                errexit = True
    return Shell(errexit=errexit, pipefail=pipefail, label=label)


_WINDOWS_ONLY = re.compile(r"""runner\.os\s*==\s*['"]Windows['"]""")


def resolve(shell: str | None, runs_on: str, condition: str = "") -> Shell | None:
    """Return the shell of a step (``None``: not a POSIX shell script).

    A step whose ``if:`` lets it run only on Windows (``runner.os ==
    'Windows'`` in a matrix job) gets Windows' default shell, ``pwsh``.
    """
    name = (shell or "").strip()
    if not name:
        windows = "windows" in runs_on.lower() and "${{" not in runs_on
        windows = windows or (
            bool(_WINDOWS_ONLY.search(condition)) and "||" not in condition
        )
        return None if windows else DEFAULT_UNIX
    if name in _NAMED:
        return _NAMED[name]
    if name in _NOT_POSIX:
        return None
    if name.split()[0] == "msys2":
        return _MSYS2
    return custom(name)


def powershell(shell: str | None, runs_on: str, condition: str = "") -> bool:
    """Tell a step GitHub runs with PowerShell (named, or Windows' default)."""
    name = (shell or "").strip()
    if name:
        return name in ("pwsh", "powershell")
    return resolve(shell, runs_on, condition) is None
