"""Technical debt, rating and score: pure functions on findings and lines of code.

Every finding costs remediation minutes: a default by its category (which the
tool and rule decide) and severity, overridable per rule in
``[tool.quality-gates.costs]``.  The debt ratio is the debt divided by the
cost of writing the code again (``cost-per-line`` minutes per line of code,
SQALE's default 30).  The rating is the SQALE grid on that ratio and the score
interpolates linearly inside each rating's band, so A is 80-100, B 60-80, C
40-60, D 20-40 and E 0-20.  docs/score.md has a worked example.
"""

from __future__ import annotations

import dataclasses
import operator
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from quality_gates.errors import GateError
from quality_gates.findings import Finding

COST_PER_LINE = 30.0
# (rating, highest debt ratio of the band): SQALE's default grid
GRID: tuple[tuple[str, float], ...] = (
    ("A", 0.05),
    ("B", 0.10),
    ("C", 0.20),
    ("D", 0.50),
    ("E", 1.00),
)
# minutes to fix one finding, by category and severity (error, warning, info)
CATEGORY_MINUTES: dict[str, tuple[int, int, int]] = {
    "format": (1, 1, 1),
    "style": (2, 2, 1),
    "docs": (5, 5, 2),
    "bug-risk": (10, 5, 2),
    "complexity": (30, 30, 10),
    "types": (10, 5, 2),
    "security": (30, 10, 5),
    "syntax": (30, 30, 30),
    "other": (10, 5, 2),
}
_SEVERITY_INDEX = {"error": 0, "warning": 1, "info": 2}
_TRIPLE = operator.attrgetter("tool", "rule", "severity")


@dataclasses.dataclass(frozen=True)
class Costs:
    """Per-rule overrides (``RULE`` or ``tool:RULE``) and the cost of a line."""

    overrides: Mapping[str, int] = dataclasses.field(default_factory=dict)
    per_line: float = COST_PER_LINE


@dataclasses.dataclass
class Score:
    """Score, rating and debt of one set of findings over some lines of code."""

    score: float
    rating: str
    debt_minutes: int
    lines_of_code: int
    ratio: float
    cost_per_line: float
    findings: int
    by_tool: dict[str, dict[str, int]]
    top_rules: list[dict[str, Any]]


def category(tool: str, rule: str) -> str:
    """Return the category that decides a finding's default cost (the adapter's).

    ``python`` is the suite's own compile check; a tool no adapter knows any
    more (an old baseline's) costs as ``other``.
    """
    if tool == "python":
        return "syntax"
    from quality_gates.tools import load  # only when findings are costed

    adapter = load().get(tool)
    return adapter.category(rule) if adapter else "other"


def minutes(finding: Finding, costs: Costs) -> int:
    """Return the minutes to fix a finding: ``tool:RULE``, ``RULE``, or the table."""
    return price(finding.tool, finding.rule, finding.severity, costs)


def price(tool: str, rule: str, severity: str, costs: Costs) -> int:
    """Return the minutes to fix one finding of ``rule`` by ``tool`` at ``severity``."""
    for name in (f"{tool}:{rule}", rule):
        if name in costs.overrides:
            return costs.overrides[name]
    table = CATEGORY_MINUTES[category(tool, rule)]
    return table[_SEVERITY_INDEX.get(severity, 0)]


def debt_ratio(debt_minutes: float, loc: int, per_line: float) -> float:
    """Divide the debt by the cost of writing the code; debt on no code is 100%."""
    if loc <= 0:
        return 0.0 if debt_minutes <= 0 else 1.0
    return debt_minutes / (per_line * loc)


def rating(ratio: float) -> str:
    """Rate a debt ratio: A <= 5%, B <= 10%, C <= 20%, D <= 50%, else E."""
    for letter, upper in GRID[:-1]:
        if ratio <= upper:
            return letter
    return "E"


def score_from_ratio(ratio: float) -> float:
    """Score 100 at no debt, falling linearly by 20 points across each band.

    Band i (A=0 .. E=4) spans ratios (lo, hi] and scores 100-20i down to
    80-20i; E spans 50%-100%, and a ratio of 100% or more scores 0.
    """
    lower = 0.0
    for index, (_letter, upper) in enumerate(GRID):
        if ratio <= upper:
            top = 100.0 - 20.0 * index
            return round(top - 20.0 * (ratio - lower) / (upper - lower), 1)
        lower = upper
    return 0.0


def format_debt(total: int) -> str:
    """Minutes as ``3h 20m`` (``45m`` under an hour, ``2h`` on the hour)."""
    hours, mins = divmod(max(int(total), 0), 60)
    if not hours:
        return f"{mins}m"
    return f"{hours}h {mins}m" if mins else f"{hours}h"


def compute(
    findings: Sequence[Finding], loc: int, *, costs: Costs | None = None, top: int = 10
) -> Score:
    """Compute score, rating, debt, and the tools and rules that cost most."""
    costs = costs or Costs()
    by_tool: dict[str, dict[str, int]] = defaultdict(
        lambda: {"findings": 0, "debt_minutes": 0}
    )
    rule_debt: Counter[tuple[str, str]] = Counter()
    rule_count: Counter[tuple[str, str]] = Counter()
    debt = 0
    # a cost depends on tool, rule and severity only: each triple is priced
    # once, so 100k findings ask the adapters a few hundred times, not 100k
    triples = Counter(map(_TRIPLE, findings))
    for (tool, rule, severity), count in triples.items():
        cost = price(tool, rule, severity, costs) * count
        debt += cost
        by_tool[tool]["findings"] += count
        by_tool[tool]["debt_minutes"] += cost
        rule_debt[(tool, rule)] += cost
        rule_count[(tool, rule)] += count
    ratio = debt_ratio(debt, loc, costs.per_line)
    ranked = sorted(rule_debt.items(), key=lambda item: (-item[1], item[0]))[:top]
    return Score(
        score=score_from_ratio(ratio),
        rating=rating(ratio),
        debt_minutes=debt,
        lines_of_code=loc,
        ratio=ratio,
        cost_per_line=costs.per_line,
        findings=len(findings),
        by_tool=dict(sorted(by_tool.items())),
        top_rules=[
            {"tool": t, "rule": r, "findings": rule_count[(t, r)], "debt_minutes": m}
            for (t, r), m in ranked
        ],
    )


def costs_from_table(
    table: Mapping[str, Any], per_line: float = COST_PER_LINE
) -> Costs:
    """Validate ``[tool.quality-gates.costs]``: ``RULE`` or ``tool:RULE`` = minutes."""
    overrides: dict[str, int] = {}
    for name, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise GateError(
                f"[tool.quality-gates.costs] {name}: expected whole minutes "
                f"(0 or more), got {value!r}"
            )
        overrides[str(name)] = int(value)
    return Costs(overrides=overrides, per_line=per_line)
