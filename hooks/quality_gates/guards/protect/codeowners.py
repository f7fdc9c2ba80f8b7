"""CODEOWNERS: where GitHub reads it, its syntax, its owners, and who owns a path.

GitHub reads the first of ``.github/CODEOWNERS``, ``CODEOWNERS`` and
``docs/CODEOWNERS``; the last rule matching a path wins, and a rule without
owners leaves the path unowned.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pathspec
from quality_gates import textfile
from quality_gates.findings import Finding
from quality_gates.guards.protect.rules import finding

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
_USER = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
_TEAM = re.compile(r"@[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9][A-Za-z0-9._-]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z0-9-]+")


@dataclasses.dataclass(frozen=True)
class OwnerRule:
    """One CODEOWNERS line: its pattern and owners."""

    line: int
    pattern: str
    owners: tuple[str, ...]
    spec: pathspec.GitIgnoreSpec


@dataclasses.dataclass
class Codeowners:
    """The file GitHub uses (``path`` None when there is none) and its rules."""

    path: str | None = None
    rules: list[OwnerRule] = dataclasses.field(default_factory=list)
    findings: list[Finding] = dataclasses.field(default_factory=list)

    def rule_for(self, path: str) -> OwnerRule | None:
        """Return the last rule that matches ``path``, as GitHub decides."""
        for rule in reversed(self.rules):
            if rule.spec.match_file(path):
                return rule
        return None


def valid_owner(owner: str) -> bool:
    """Tell whether ``owner`` is ``@user``, ``@org/team`` or an email."""
    return any(p.fullmatch(owner) for p in (_USER, _TEAM, _EMAIL))


def _pattern_problem(pattern: str) -> str:
    if pattern.startswith("!"):
        return "negation (`!`) is not supported in CODEOWNERS"
    if "[" in pattern or "]" in pattern:
        return "character ranges (`[...]`) are not supported in CODEOWNERS"
    return ""


def _parse_line(path: str, number: int, line: str, result: Codeowners) -> None:
    tokens = line.split()
    for index, token in enumerate(tokens):
        if index and token.startswith("#"):
            tokens = tokens[:index]
            break
    pattern = (
        tokens[0].replace("\\#", "#", 1) if tokens[0].startswith("\\#") else tokens[0]
    )
    problem = _pattern_problem(pattern)
    if problem:
        result.findings.append(
            finding("QG003", path, number, f"`{pattern}`: {problem}")
        )
        return
    owners = tuple(tokens[1:])
    for owner in owners:
        if not valid_owner(owner):
            detail = (
                f"owner `{owner}` of `{pattern}` is not @user, @org/team or an email"
            )
            result.findings.append(finding("QG004", path, number, detail))
    if all(valid_owner(owner) for owner in owners):
        spec = pathspec.GitIgnoreSpec.from_lines([pattern])
        result.rules.append(OwnerRule(number, pattern, owners, spec))


def parse(path: str, text: textfile.Text) -> Codeowners:
    """Parse one CODEOWNERS text; every problem is a finding, never an exception."""
    result = Codeowners(path=path)
    if text.problem:
        detail = f"{path} is {text.problem}; GitHub cannot read it"
        result.findings.append(finding("QG003", path, text.line, detail))
        return result
    for number, raw in enumerate(text.text.splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            _parse_line(path, number, line, result)
    return result


def load(root: Path) -> Codeowners:
    """Load the CODEOWNERS GitHub uses, with a QG006 finding for each one it ignores."""
    present = [name for name in LOCATIONS if (root / name).is_file()]
    if not present:
        return Codeowners()
    result = parse(present[0], textfile.read(root / present[0]))
    for ignored in present[1:]:
        detail = f"{ignored} is ignored: GitHub reads {present[0]} first"
        result.findings.append(finding("QG006", ignored, 1, detail))
    return result
