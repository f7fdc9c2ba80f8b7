"""The rules of ``coverage``: stable ids, why each matters, and the fix."""

from __future__ import annotations

from quality_gates.guards.base import Rule, catalogue

TOOL = "coverage"

RULES = catalogue(
    Rule(
        "fail-under",
        "fail-under",
        "error",
        "total coverage is under the threshold",
        "untested code is where regressions land unnoticed",
        "add tests for the missing lines (`coverage report -m` lists them)",
    ),
    Rule(
        "ratchet",
        "ratchet",
        "error",
        "total coverage dropped below the recorded ratchet",
        "the ratchet keeps coverage from sliding back one commit at a time",
        "cover the new code, or lower the record in a reviewed commit",
    ),
    Rule(
        "changed-lines",
        "changed-lines",
        "error",
        "lines changed since the base are not covered by tests",
        "new and edited code is the code most likely to be wrong",
        "add tests that run the listed lines",
    ),
)
