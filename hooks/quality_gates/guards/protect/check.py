"""protect-files: protected paths change only when approved, and have owners.

An approval is either the approval variable (``QUALITY_GATES_APPROVE`` by
default) naming the pattern or layer, or a ``Protected-change: <reason>``
trailer on the commit.  In CI (``--diff-base``) every commit since the merge
base is checked on its own, so one approved commit does not approve the rest.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pathspec
from quality_gates.findings import Finding
from quality_gates.guards.protect import changes as changes_mod
from quality_gates.guards.protect import codeowners as codeowners_mod
from quality_gates.guards.protect import settings as protect_settings
from quality_gates.guards.protect.changes import Change
from quality_gates.guards.protect.rules import approval_fix, finding
from quality_gates.guards.protect.settings import ProtectConfig


@dataclasses.dataclass
class Outcome:
    """Findings, and counts of what was seen and approved."""

    findings: list[Finding] = dataclasses.field(default_factory=list)
    changes: int = 0
    protected: int = 0
    approved: int = 0
    notes: list[str] = dataclasses.field(default_factory=list)
    scope: str = "the staged changes"


def approved_names(environ: Mapping[str, str], variable: str) -> frozenset[str]:
    """Return the patterns and layers named in the approval variable."""
    text = environ.get(variable, "")
    return frozenset(name for name in re.split(r"[,\s]+", text) if name)


def check_changes(
    changes: Iterable[Change],
    config: ProtectConfig,
    *,
    approved: frozenset[str],
    trailer: str | None,
    context: str = "",
    outcome: Outcome,
) -> None:
    """Add a QG001 finding for every unapproved side of every protected change."""
    for change in changes:
        outcome.changes += 1
        for path, how in change.sides():
            hits = config.matches(path)
            if not hits:
                continue
            outcome.protected += 1
            if trailer or any(layer in approved or p in approved for layer, p in hits):
                outcome.approved += 1
                continue
            outcome.findings.append(_unapproved(path, how, hits, config, context))


def _unapproved(
    path: str,
    how: str,
    hits: list[tuple[str, str]],
    config: ProtectConfig,
    context: str,
) -> Finding:
    what = "; ".join(f"layer `{layer}`, pattern `{p}`" for layer, p in hits)
    detail = (
        f"protected path {how}{context}, {what}, not approved by "
        f"{config.approval_env} or a `{config.trailer}:` trailer"
    )
    fix = approval_fix(config.approval_env, config.trailer)
    return finding("QG001", path, 1, detail, fix)


def unknown_names(approved: frozenset[str], config: ProtectConfig) -> list[str]:
    """Approval names that are no protected pattern or layer (likely typos)."""
    known = {layer.name for layer in config.layers}
    known |= {p for layer in config.layers for p in layer.patterns}
    return sorted(approved - known)


def _sample(pattern: str) -> str:
    """Make up a path the pattern matches, for a pattern without tracked files."""
    text = pattern.strip("/").replace("**/", "").replace("/**", "/x")
    text = text.replace("*", "x").replace("?", "x")
    return f"{text}/x" if pattern.endswith("/") else text


def ownership(
    root: Path, config: ProtectConfig, pyproject_lines: list[str]
) -> list[Finding]:
    """QG002-QG006: CODEOWNERS found, valid, and owning every protected pattern."""
    owners = codeowners_mod.load(root)
    found = list(owners.findings)
    patterns = config.patterns()
    if owners.path is None:
        detail = (
            f"{len(patterns)} protected pattern(s) and no CODEOWNERS in "
            + ", ".join(codeowners_mod.LOCATIONS)
        )
        line = protect_settings.section_line(pyproject_lines)
        return found + [finding("QG002", "pyproject.toml", line, detail)]
    tracked = changes_mod.tracked(root)
    for layer, pattern in patterns:
        spec = pathspec.GitIgnoreSpec.from_lines([pattern])
        paths = [p for p in tracked if spec.match_file(p)] or [_sample(pattern)]
        unowned = [p for p in paths if not _owned(owners, p)]
        if unowned:
            found.append(
                _unowned(owners.path, layer, pattern, unowned, pyproject_lines)
            )
    return found


def _owned(owners: codeowners_mod.Codeowners, path: str) -> bool:
    rule = owners.rule_for(path)
    return rule is not None and bool(rule.owners)


def _unowned(
    codeowners: str, layer: str, pattern: str, unowned: list[str], lines: list[str]
) -> Finding:
    example = ", ".join(unowned[:3]) + (", ..." if len(unowned) > 3 else "")
    detail = (
        f"protected pattern `{pattern}` (layer `{layer}`): {len(unowned)} path(s) "
        f"without an owner in {codeowners} ({example})"
    )
    line = protect_settings.pattern_line(
        lines, pattern
    ) or protect_settings.section_line(lines)
    return finding("QG005", "pyproject.toml", line, detail)
