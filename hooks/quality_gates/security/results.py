"""Vulnerable dependencies and bandit findings as finding records with SARIF rules."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

from quality_gates.findings import Finding
from quality_gates.report import RuleInfo
from quality_gates.security import ignores as ignores_mod
from quality_gates.security.advisory import UNKNOWN_SCORE, Advisory, Vulnerable
from quality_gates.security.deps import ENVIRONMENT, Dependency

TOOL = "dependency-audit"
BANDIT_SCORES = {"HIGH": "7.5", "MEDIUM": "5.0", "LOW": "2.0"}
_BANDIT_MESSAGE = re.compile(
    r"^(.*) \(severity (\w+), confidence (\w+); (\w+)\)$", re.S
)


@dataclasses.dataclass
class Outcome:
    """Findings that count, rule metadata, and what ignores and thresholds hid.

    ``below`` are the findings under the threshold: not reported, not fixed.
    """

    findings: list[Finding] = dataclasses.field(default_factory=list)
    rules: dict[str, RuleInfo] = dataclasses.field(default_factory=dict)
    ignored: list[str] = dataclasses.field(default_factory=list)
    below_threshold: list[str] = dataclasses.field(default_factory=list)
    below: list[Finding] = dataclasses.field(default_factory=list)


def location(root: Path, dep: Dependency) -> tuple[str, int]:
    """Point at a dependency: its requirement line, else pyproject.toml or root."""
    if dep.source != ENVIRONMENT:
        return dep.source, max(dep.line, 1)
    return ("pyproject.toml" if (root / "pyproject.toml").is_file() else "."), 1


def _names(adv: Advisory) -> str:
    return adv.id + (f" ({', '.join(adv.aliases)})" if adv.aliases else "")


def message(vuln: Vulnerable, adv: Advisory) -> str:
    """Say which advisory, what it is, what fixes it and the smallest upgrade."""
    dep = vuln.dependency
    fixed = ", ".join(adv.fixed) if adv.fixed else "no fixed version known"
    upgrade = (
        f"smallest upgrade that fixes every advisory on {dep.name}: {vuln.upgrade}"
        if vuln.upgrade
        else f"no version is known to fix every advisory on {dep.name}"
    )
    summary = adv.summary or "no summary"
    return (
        f"{dep.name} {dep.version}: {_names(adv)}: {summary}; "
        f"fixed in {fixed}; {upgrade}"
    )


def dependency_rule(vuln: Vulnerable, adv: Advisory) -> RuleInfo:
    """SARIF rule metadata for an advisory: help text and security-severity."""
    dep = vuln.dependency
    score = adv.score or UNKNOWN_SCORE
    known = "" if adv.score else " (the source gave no severity; assumed high)"
    lines = [
        f"{_names(adv)}: {adv.summary or 'no summary'}",
        f"Affects {dep.name} {dep.version}. "
        f"Fixed in: {', '.join(adv.fixed) or 'none known'}.",
        f"Smallest upgrade that fixes every advisory on {dep.name}: "
        f"{vuln.upgrade or 'none known'}.",
        f"Security severity {score}{known}; reported by {adv.source}.",
    ]
    return RuleInfo(
        id=adv.id,
        description=adv.summary or adv.id,
        help_uri=f"https://osv.dev/vulnerability/{adv.id}",
        extra={
            "help": "\n".join(lines),
            "properties": {
                "security-severity": score,
                "tags": ["security", "dependency", *adv.aliases],
            },
        },
    )


def dependency_findings(
    root: Path,
    vulnerable: Sequence[Vulnerable],
    active: Sequence[ignores_mod.Ignore],
    *,
    min_score: float,
) -> Outcome:
    """Make one finding per advisory, less ignores and the severity threshold."""
    out = Outcome()
    for vuln in vulnerable:
        for adv in vuln.advisories:
            entry = ignores_mod.for_advisory(active, adv.names)
            label = f"{vuln.dependency.name} {vuln.dependency.version}: {adv.id}"
            if entry is not None:
                entry.used += 1
                out.ignored.append(f"{label} ignored by {entry.describe()}")
                continue
            path, line = location(root, vuln.dependency)
            finding = Finding(TOOL, adv.id, "error", path, line, 1, message(vuln, adv))
            if adv.score is not None and float(adv.score) < min_score:
                out.below_threshold.append(f"{label} (severity {adv.score})")
                out.below.append(finding)
                continue
            out.findings.append(finding)
            out.rules.setdefault(adv.id, dependency_rule(vuln, adv))
    return out


def bandit_rule(finding: Finding) -> RuleInfo:
    """SARIF rule metadata for a bandit test: help text and security-severity."""
    match = _BANDIT_MESSAGE.match(finding.message)
    text, severity, confidence, name = (
        match.groups() if match else (finding.message, "MEDIUM", "MEDIUM", finding.rule)
    )
    score = BANDIT_SCORES.get(severity.upper(), "5.0")
    return RuleInfo(
        id=finding.rule,
        description=f"{finding.rule} {name}",
        help_uri="https://bandit.readthedocs.io/en/latest/plugins/index.html",
        extra={
            "help": (
                f"bandit {finding.rule} ({name}): {text}. "
                f"Severity {severity}, confidence "
                f"{confidence}. Fix the code, or mark a reviewed line with "
                f"`# nosec {finding.rule}`, or add an expiring "
                "[[tool.quality-gates.ignore]] "
                f'with id = "{finding.rule}" and a path.'
            ),
            "properties": {"security-severity": score, "tags": ["security", "bandit"]},
        },
    )


def code_findings(
    findings: Sequence[Finding], active: Sequence[ignores_mod.Ignore]
) -> Outcome:
    """Keep the bandit findings no ignore names, with rule metadata."""
    out = Outcome()
    for finding in findings:
        entry = ignores_mod.for_finding(active, finding)
        if entry is not None:
            entry.used += 1
            out.ignored.append(
                f"{finding.path}:{finding.line}: {finding.rule} "
                f"ignored by {entry.describe()}"
            )
            continue
        out.findings.append(finding)
        if finding.tool == "bandit":
            out.rules.setdefault(finding.rule, bandit_rule(finding))
    return out


def expired_rule() -> RuleInfo:
    """SARIF rule metadata for an expired ignore."""
    return RuleInfo(
        id="expired-ignore",
        description="An ignore in [[tool.quality-gates.ignore]] is past its until date",
        extra={
            "help": (
                "The ignore no longer applies and what it hid is reported again. "
                "Fix the "
                "finding, or, if the reason still holds, set a new until date."
            ),
            "properties": {"tags": ["security", "configuration"]},
        },
    )
