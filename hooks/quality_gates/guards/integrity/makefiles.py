"""``Makefile`` recipes: gates whose failure make never sees.

make runs each recipe line with ``$(SHELL) -c`` (``/bin/sh -c``: no errexit,
so in ``flake8 .; pytest`` only pytest decides) and stops when the line
fails, unless the line starts with ``-`` (make ignores its status).  The
target's name is the recipe's context (``lint:``, ``test-readme:``).
``.SHELLFLAGS`` with ``-e`` turns errexit on; ``.ONESHELL`` runs a recipe as
one script.
"""

from __future__ import annotations

import dataclasses
import re

from quality_gates.findings import Finding
from quality_gates.guards.integrity import gatecmd
from quality_gates.guards.integrity.rules import finding
from quality_gates.guards.integrity.shell import script_audit
from quality_gates.guards.integrity.shell.records import Shell

PATH = "Makefile"
_RULE = re.compile(r"^([^\s:=#][^:=#]*?)\s*::?(?!=)")
_PREFIX = re.compile(r"^[@+\-\s]*")


@dataclasses.dataclass
class Recipe:
    """One logical recipe line: its 1-based line, target, prefix and command."""

    line: int
    target: str
    prefix: str
    command: str


def _logical(lines: list[str]) -> list[tuple[int, str, str]]:
    """``(line, target, text)`` of each recipe line, continuations joined."""
    found: list[tuple[int, str, str]] = []
    target = ""
    index = 0
    while index < len(lines):
        raw = lines[index]
        start = index
        if raw.startswith("\t") and target:
            text = raw[1:]
            while text.endswith("\\") and index + 1 < len(lines):
                index += 1  # the shell reads `\<newline>` as a continuation
                text = text + "\n" + lines[index].lstrip("\t")
            found.append((start + 1, target, text))
        else:
            match = _RULE.match(raw)
            target = (
                match.group(1).strip() if match else ("" if raw.strip() else target)
            )
        index += 1
    return found


def recipes(text: str) -> list[Recipe]:
    """Every recipe line, with make's ``$$`` made ``$``."""
    out = []
    for line, target, body in _logical(text.splitlines()):
        prefix = _PREFIX.match(body)
        cut = prefix.end() if prefix else 0
        command = body[cut:].replace("$$", "$")
        out.append(Recipe(line, target, body[:cut].replace(" ", ""), command))
    return out


def _shell(text: str) -> Shell:
    flags = re.search(r"^\.SHELLFLAGS\s*[:?+]?=\s*(.*)$", text, re.M)
    errexit = bool(flags and re.search(r"-\w*e", flags.group(1)))
    return Shell(errexit=errexit, pipefail=False, label="make recipe (sh -c)")


def _ignored(recipe: Recipe) -> list[tuple[str, str, str]]:
    """Report a ``-`` line that runs a gate: make goes on whatever it returns."""
    if "-" not in recipe.prefix:
        return []
    context = gatecmd.checking_context(recipe.target, "")
    check = gatecmd.judge(recipe.command.split(), context)
    if check is None:
        return []
    why = (
        ""
        if check.strength == "named"
        else (
            f"`{check.key}` counts as a check only because its target is "
            f"`{recipe.target}`"
        )
    )
    command = recipe.command.strip()[:60]
    detail = f"target `{recipe.target}`: `-{command}`: make ignores its exit code"
    return [("QG101", detail, why)]


def _fail_off(recipe: Recipe) -> list[Finding]:
    """QG106 for ``--soft-fail``, ``--exit-code 0`` and the like in a recipe."""
    off = script_audit.fail_off_flag(recipe.command)
    if off is None:
        return []
    detail = f"target `{recipe.target}`: `{off[1]}`"
    return [finding("QG106", PATH, recipe.line + off[0], detail)]


def _rerun_later(recipe: Recipe, every: list[Recipe], snippet: str) -> bool:
    """Tell whether a later line of the target runs exactly ``snippet`` alone."""
    wanted = " ".join(snippet.split())
    return any(
        other.target == recipe.target
        and other.line > recipe.line
        and " ".join(other.command.split()) == wanted
        for other in every
    )


def audit(text: str) -> list[Finding]:
    """Every neutralised gate in a Makefile's recipes."""
    found: list[Finding] = []
    runs_with = _shell(text)
    every = recipes(text)
    for recipe in every:
        for rule, detail, why in _ignored(recipe):
            found.append(finding(rule, PATH, recipe.line, detail, why))
        found += _fail_off(recipe)
        context = gatecmd.checking_context(recipe.target, "")
        audited = script_audit.audit_script(
            recipe.command, runs_with=runs_with, context=context
        )
        for hit in audited.hits:
            if _rerun_later(recipe, every, hit.snippet):
                continue  # a fix run, the same line again gates
            detail = f"target `{recipe.target}`: {hit.detail}"
            line = recipe.line + hit.line  # continuation lines are kept
            why = "" if hit.certain else hit.why
            found.append(finding(hit.rule, PATH, line, detail, why))
    return found
