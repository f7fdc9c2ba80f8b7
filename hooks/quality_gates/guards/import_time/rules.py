"""The rule of ``import-time``: its id, why it matters, and the fix."""

from __future__ import annotations

from quality_gates.guards.base import Rule, catalogue

TOOL = "import-time"

RULES = catalogue(
    Rule(
        "over-budget",
        "over-budget",
        "error",
        "importing the package takes longer than its time budget",
        "every command, test run and serverless start pays the import time",
        "import the slowest modules lazily, inside the functions that need them, "
        "or raise the budget in [tool.quality-gates.import-time]",
    ),
)
