"""tox ``commands``: a ``-`` prefix, ``--exit-zero``, ``ignore_outcome`` on gates.

tox runs each command line without a shell; a leading ``-`` tells tox to
ignore its exit code, and ``ignore_outcome = true`` turns a failing
environment into a pass.  tox reads the first of ``tox.ini``, ``setup.cfg``
with a ``[tox:tox]`` section, and ``pyproject.toml`` whose ``[tool.tox]``
holds the INI text as ``legacy_tox_ini`` (tox 4 documentation,
Configuration: Discovery and file types); the INI forms are read here.
"""

from __future__ import annotations

import re

from quality_gates.findings import Finding
from quality_gates.guards.integrity import formatchecks
from quality_gates.guards.integrity.configfiles import Configs
from quality_gates.guards.integrity.gatecmd import (
    checking_env,
    runs_gate,
    shows_diff_only,
)
from quality_gates.guards.integrity.inifiles import Ini
from quality_gates.guards.integrity.precommit import inner_script
from quality_gates.guards.integrity.rules import finding, place_fix
from quality_gates.guards.integrity.shell import script_audit
from quality_gates.guards.integrity.shell.records import Shell
from quality_gates.guards.integrity.toxsources import ToxSource, tox_source

_KEYS = ("commands_pre", "commands", "commands_post")


def _line(ini: Ini, lines: list[str], section: str, key: str, command: str) -> int:
    start = ini.line(section, key)
    for number in range(start, len(lines) + 1):
        if command and command in lines[number - 1]:
            return number
    return start


# tox runs a command without a shell: its own status is the command's.
_NO_SHELL = Shell(errexit=True, pipefail=False, label="tox command", kind="none")
_SUBSTITUTIONS = re.compile(r"\{env(python|bindir)\}[/\\]?")


def _substituted(command: str) -> str:
    """``{envpython}`` runs python; ``{envbindir}/flake8`` runs flake8."""
    return _SUBSTITUTIONS.sub(
        lambda m: "python" if m.group(1) == "python" else "", command
    )


def _command(
    section: str, command: str, checking: frozenset[str] = frozenset()
) -> list[tuple[str, str, str, str]]:
    """``(rule, detail, why, fix)`` for one tox command line (``why``: a note)."""
    where = f"[{section}]"
    found = []
    if command.startswith("-") and runs_gate(_substituted(command[1:])):
        detail = f"{where} `{command}`: tox ignores the exit code"
        found.append(("QG101", detail, "", ""))
    if script_audit.exit_zero_line(command) is not None:
        found.append(("QG106", f"{where} `{command}`: `--exit-zero`", "", ""))
    bare = _substituted(command.lstrip("- "))
    if checking_env(section) and shows_diff_only(bare.split(), checking):
        detail = (
            f"{where} `{command}`: `--diff` without a check flag only shows the diff"
        )
        found.append(("QG106", detail, "", ""))
    script = inner_script(bare)
    if script is not None:
        hits = script_audit.audit(script)
    else:
        hits = [
            h
            for h in script_audit.audit_script(bare, runs_with=_NO_SHELL).hits
            if h.rule == "QG117"
        ]
    for hit in hits:
        why = "" if hit.certain else hit.why
        found.append((hit.rule, f"{where}: {hit.detail}", why, hit.fix))
    return found


def _logical(text: str) -> list[tuple[str, str]]:
    """Command lines with backslash continuations joined, with their first line."""
    lines: list[tuple[str, str]] = []
    pending = first = ""
    for raw in text.splitlines():
        line = raw.strip()
        first = first or line
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append((first, pending + line))
        pending = first = ""
    if pending:
        lines.append((first, pending))
    return lines


_REFERENCE = re.compile(r"^(-?)\s*\{\[([^\]]+)\]([\w-]+)\}$")


def _expanded(ini: Ini, command: str) -> list[str]:
    """``-{[testenv:pylint]commands}`` -> the lines it stands for (prefix kept)."""
    match = _REFERENCE.match(command)
    if not match:
        return [command]
    prefix, section, key = match.groups()
    lines = [line for _, line in _logical(ini.get(section, key) or "")]
    return [prefix + line if not line.startswith("-") else line for line in lines]


def _section_commands(
    src: ToxSource,
    section: str,
    out: list[Finding],
    checking: frozenset[str] = frozenset(),
) -> list[str]:
    """Audit a section's own command lines; return them, references expanded."""
    commands: list[str] = []
    ini = src.ini
    for key in _KEYS:
        for first, written in _logical(ini.get(section, key) or ""):
            for command in _expanded(ini, written):
                commands.append(command)
                for rule, detail, why, fix in _command(section, command, checking):
                    line = _line(ini, src.lines, section, key, first) + src.offset
                    out.append(finding(rule, src.path, line, detail, why, fix))
    return commands


def _runs(ini: Ini, section: str, own: list[str]) -> list[str]:
    """Return an env's own commands, else the ``[testenv]`` ones it inherits."""
    if own or section == "testenv" or ini.get(section, "commands") is not None:
        return own
    inherited = ini.get("testenv", "commands") or ""
    return [
        line for _, written in _logical(inherited) for line in _expanded(ini, written)
    ]


def tox_commands(c: Configs, checking: frozenset[str] | None = None) -> list[Finding]:
    """Every testenv's commands, and ``ignore_outcome`` on an env that runs gates.

    ``checking``: the formatters the project's configuration makes check
    (``formatchecks.read``); by default, those of ``pyproject.toml``.
    """
    src = tox_source(c)
    if src is None:
        return []
    ini = src.ini
    out: list[Finding] = []
    if checking is None:
        checking = formatchecks.from_pyproject(c.toml.get("pyproject.toml", {}))
    for section in ini.sections:
        if not section.startswith("testenv"):
            continue
        own = _section_commands(src, section, out, checking)
        commands = _runs(ini, section, own)
        outcome = (ini.get(section, "ignore_outcome") or "").strip().lower()
        if outcome in ("true", "1", "yes") and runs_gate("\n".join(commands)):
            detail = (
                f"[{section}] `ignore_outcome = true`: a failing run counts as a pass"
            )
            line = ini.line(section, "ignore_outcome") + src.offset
            fix = place_fix("QG105", "tox")
            out.append(finding("QG105", src.path, line, detail, fix=fix))
    return out
