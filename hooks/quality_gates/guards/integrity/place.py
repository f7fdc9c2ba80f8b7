"""Where a step stands: a job that ships, a job that reports.

The same command means different things in different places.  ``python -m
build`` checks the package in a test job and is the product in a release
job; ``pylint || true`` neutralises a gate in CI and is the point of a weekly
quality *report*.  A job or workflow named for shipping makes its builds
delivery, not checks; a job or workflow named for reporting turns certain
findings into notes.  A step's own name says what the step does, not where
it stands, so it never demotes a named checker.
"""

from __future__ import annotations

import re

_SHIPS = re.compile(
    r"(?i)\b(deploy\w*|publish\w*|release\w*|ship\w*|upload\w*|pages)\b"
)
_TESTS = re.compile(r"(?i)test|check|lint|verif|validat")
_REPORT = re.compile(
    r"(?i)report|summar|metric|statistic|\bstats?\b|dashboard|digest|scorecard"
)


def ships(*names: str) -> bool:
    """Tell whether a job (or its workflow) is named for shipping, not testing."""
    joined = " / ".join(names)
    return bool(_SHIPS.search(joined)) and not _TESTS.search(joined)


def demotion(workflow: str, job: str) -> str:
    """Why findings in this place are only plausible ('' when they are not)."""
    for kind, name in (("workflow", workflow), ("job", job)):
        if name and _REPORT.search(name):
            return (
                f"it runs in the {kind} `{name}`, which reads as a report, not a gate"
            )
    return ""
