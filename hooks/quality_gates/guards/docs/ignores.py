"""``[[tool.quality-gates.docs.ignore]]``: known docs-check findings, until a date.

Each entry names a docs-check rule (``id``), the pages it applies to
(``path``, a glob relative to the site, so the same entry works for a local
``_build/html`` and the action's ``site``), a ``reason`` and an ``until``
date, like the security gate's ignores: through its date it hides what it
names; after it, it hides nothing and is itself a failure.  Ignores that
matched nothing are reported, so a fixed link does not leave a stale entry.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from typing import Any

from quality_gates.errors import GateError
from quality_gates.findings import Finding
from quality_gates.guards.docs.rules import RULES
from quality_gates.security import ignores as common

TABLE = "[[tool.quality-gates.docs.ignore]]"


def parse(raw: Any, pyproject_text: str) -> list[common.Ignore]:
    """Validate the entries: a docs-check rule id, a path glob, reason, until."""
    entries = common.parse(raw, pyproject_text, table=TABLE)
    for number, entry in enumerate(entries, start=1):
        where = f"{TABLE} #{number}"
        if entry.id not in RULES:
            raise GateError(
                f"{where}: id {entry.id!r} is not a docs-check rule; use one of "
                + ", ".join(sorted(RULES))
            )
        if entry.path is None:
            raise GateError(
                f"{where}: needs a path, a glob of the pages it applies to"
                " (relative to the site, e.g. _modules/*)"
            )
    return entries


@dataclasses.dataclass
class Applied:
    """What the ignores did: findings kept, hidden, and the expired failures."""

    kept: list[Finding]
    hidden: list[str]
    expired: list[Finding]
    unused: list[str]


def apply(
    entries: Sequence[common.Ignore],
    findings: Sequence[Finding],
    *,
    prefix: str,
    today: datetime.date,
) -> Applied:
    """Hide the findings that active entries name; expired entries fail."""
    active, expired = common.split(entries, today)
    result = Applied([], [], [common.expired_finding(e) for e in expired], [])
    for finding in findings:
        page = finding.path[len(prefix) :] if finding.path.startswith(prefix) else ""
        entry = common.for_finding(active, dataclasses.replace(finding, path=page))
        if entry is None:
            result.kept.append(finding)
            continue
        entry.used += 1
        where = f"{finding.path}:{finding.line}"
        result.hidden.append(f"{where}: {finding.rule} ignored: {entry.describe()}")
    result.unused = [
        f"ignore matched nothing: {e.describe()}; remove it"
        for e in active
        if not e.used
    ]
    return result
