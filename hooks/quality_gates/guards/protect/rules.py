"""The rules of ``protect``: stable ids, why each matters, and the fix."""

from __future__ import annotations

from quality_gates.findings import Finding
from quality_gates.guards.base import Rule, catalogue, make_finding

TOOL = "protect"


def approval_fix(approval_env: str, trailer: str) -> str:
    """Say QG001's fix with the project's approval variable and trailer."""
    return (
        "approve it for this commit: name the pattern or layer in the approval "
        f"variable ({approval_env}='pattern,layer'), or add a "
        f"`{trailer}: <reason>` trailer to the commit message"
    )


RULES = catalogue(
    Rule(
        "QG001",
        "protected-change",
        "error",
        "a change to a protected path (added, modified, deleted, renamed from or to) "
        "without an approval",
        "protected paths (gates, CI, release config) change only on purpose and "
        "with a recorded reason",
        approval_fix("QUALITY_GATES_APPROVE", "Protected-change"),
    ),
    Rule(
        "QG002",
        "codeowners-missing",
        "error",
        "paths are protected but the repository has no CODEOWNERS file",
        "without code owners nobody is asked to review a change to a protected path",
        "add .github/CODEOWNERS with an owner for every protected pattern",
    ),
    Rule(
        "QG003",
        "codeowners-syntax",
        "error",
        "a CODEOWNERS line GitHub cannot use (negation, character range, bad bytes)",
        "GitHub skips an invalid line, so the paths it names get no owner",
        "write the line as `pattern @owner ...` with a gitignore-style pattern "
        "without `!` or `[...]`",
    ),
    Rule(
        "QG004",
        "codeowners-owner",
        "error",
        "a CODEOWNERS owner that is not `@user`, `@org/team` or an email",
        "GitHub skips a line with an owner it cannot parse, so its paths get no "
        "review from it",
        "write each owner as `@user`, `@org/team` or `name@example.com`",
    ),
    Rule(
        "QG005",
        "protected-path-unowned",
        "error",
        "a protected pattern whose paths no CODEOWNERS rule gives an owner",
        "a protected path without an owner gets no required review",
        "add a CODEOWNERS line `pattern @owner` after any broader rule",
    ),
    Rule(
        "QG006",
        "codeowners-shadowed",
        "error",
        "a CODEOWNERS file GitHub never reads because another location comes first",
        "GitHub uses only the first of .github/CODEOWNERS, CODEOWNERS, "
        "docs/CODEOWNERS; owners written in the others are ignored",
        "merge the rules into the first file and delete this one",
    ),
)


def finding(
    rule_id: str, path: str, line: int, detail: str, fix: str | None = None
) -> Finding:
    """Make a protect finding of rule ``rule_id`` (``fix``: in the project's names)."""
    return make_finding(TOOL, RULES[rule_id], path, line, detail, fix=fix)
