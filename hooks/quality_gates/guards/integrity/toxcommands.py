"""tox.ini ``commands``: a ``-`` prefix, ``--exit-zero``, ``ignore_outcome`` on gates.

tox runs each command line without a shell; a leading ``-`` tells tox to
ignore its exit code, and ``ignore_outcome = true`` turns a failing
environment into a pass.
"""

from __future__ import annotations

from quality_gates.findings import Finding
from quality_gates.guards.integrity import shell
from quality_gates.guards.integrity.configfiles import Configs
from quality_gates.guards.integrity.gatecmd import runs_gate
from quality_gates.guards.integrity.inifiles import Ini
from quality_gates.guards.integrity.precommit import inner_script
from quality_gates.guards.integrity.rules import finding

PATH = "tox.ini"
_KEYS = ("commands_pre", "commands", "commands_post")


def _line(ini: Ini, lines: list[str], section: str, key: str, command: str) -> int:
    start = ini.line(section, key)
    for number in range(start, len(lines) + 1):
        if command and command in lines[number - 1]:
            return number
    return start


def _command(section: str, command: str) -> list[tuple[str, str]]:
    """``(rule, detail)`` for one tox command line."""
    where = f"[{section}]"
    found = []
    if command.startswith("-") and runs_gate(command[1:]):
        found.append(("QG101", f"{where} `{command}`: tox ignores the exit code"))
    if shell.exit_zero_line(command) is not None:
        found.append(("QG106", f"{where} `{command}`: `--exit-zero`"))
    script = inner_script(command.lstrip("- "))
    for hit in shell.audit(script or ""):
        found.append((hit.rule, f"{where}: {hit.detail}"))
    return found


def tox_commands(c: Configs) -> list[Finding]:
    """Every testenv's commands, and ``ignore_outcome`` on an env that runs gates."""
    ini = c.ini.get(PATH)
    if ini is None:
        return []
    lines = c.texts.get(PATH, "").splitlines()
    out = []
    for section in ini.sections:
        if not section.startswith("testenv"):
            continue
        commands: list[str] = []
        for key in _KEYS:
            for command in (ini.get(section, key) or "").splitlines():
                command = command.strip()
                commands.append(command)
                for rule, detail in _command(section, command):
                    line = _line(ini, lines, section, key, command)
                    out.append(finding(rule, PATH, line, detail))
        outcome = (ini.get(section, "ignore_outcome") or "").strip().lower()
        if outcome in ("true", "1", "yes") and runs_gate("\n".join(commands)):
            detail = (
                f"[{section}] `ignore_outcome = true`: a failing run counts as a pass"
            )
            out.append(
                finding("QG105", PATH, ini.line(section, "ignore_outcome"), detail)
            )
    return out
