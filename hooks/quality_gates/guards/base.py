"""A guard's rule (stable id, why it matters, the fix) and the findings it makes."""

from __future__ import annotations

import dataclasses

from quality_gates.findings import Finding
from quality_gates.report import RuleInfo


@dataclasses.dataclass(frozen=True)
class Rule:
    """One rule: id, short name, severity, and the why and fix every finding carries."""

    id: str
    name: str
    severity: str
    what: str
    why: str
    fix: str


def catalogue(*rules: Rule) -> dict[str, Rule]:
    """Index a gate's rules by id; an id given twice is a programming error."""
    table = {rule.id: rule for rule in rules}
    if len(table) != len(rules):
        raise ValueError("two rules share an id")
    return table


def make_finding(
    tool: str,
    rule: Rule,
    path: str,
    line: int,
    detail: str,
    column: int = 0,
    fix: str | None = None,
) -> Finding:
    """Make a finding whose message says what was found, why it matters and the fix.

    ``fix``: the rule's fix in the project's own words (its configured names).
    """
    return Finding(
        tool=tool,
        rule=rule.id,
        severity=rule.severity,
        path=path,
        line=max(line, 1),
        column=column,
        message=f"{detail}: {rule.why}. Fix: {fix or rule.fix}.",
    )


def rule_infos(rules: dict[str, Rule]) -> dict[str, RuleInfo]:
    """SARIF rule metadata: what the rule finds, why it matters and the fix."""
    return {
        rule.id: RuleInfo(
            id=rule.id,
            description=rule.what,
            extra={
                "help": f"Why: {rule.why}. Fix: {rule.fix}.",
                "properties": {"name": rule.name, "why": rule.why, "fix": rule.fix},
            },
        )
        for rule in rules.values()
    }
