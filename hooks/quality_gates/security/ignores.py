"""``[[tool.quality-gates.ignore]]``: ignores that carry a reason and expire.

Each entry names an advisory id or alias (``GHSA-...``, ``CVE-...``,
``PYSEC-...``) or a bandit test id with a ``path`` glob, a ``reason`` and an
``until`` date.  Through its date an ignore hides what it names; after it the
ignore stops applying and is itself a failure, so a forgotten ignore cannot
hide a vulnerability for ever.  Ignores that matched nothing are reported.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Sequence
from typing import Any

from quality_gates.errors import GateError
from quality_gates.files import excluded
from quality_gates.findings import Finding

TABLE = "[[tool.quality-gates.ignore]]"
KEYS = ("id", "reason", "until", "path")
_CODE_RULE = re.compile(r"^B\d{3}$")


@dataclasses.dataclass
class Ignore:
    """One entry of the ignore list."""

    id: str
    reason: str
    until: datetime.date
    path: str | None = None
    line: int = 0
    used: int = 0

    @property
    def is_code(self) -> bool:
        """A bandit test id (``B602``) rather than an advisory."""
        return bool(_CODE_RULE.match(self.id))

    def expired(self, today: datetime.date) -> bool:
        """Tell whether ``today`` is past the until date."""
        return today > self.until

    def describe(self) -> str:
        """Name the ignore, its path, date and reason."""
        where = f" in {self.path}" if self.path else ""
        return f"{self.id}{where} (until {self.until.isoformat()}: {self.reason})"


def _entry(index: int, raw: Any, line: int, table: str = TABLE) -> Ignore:
    where = f"{table} #{index + 1}" + (f" (pyproject.toml:{line})" if line else "")
    if not isinstance(raw, dict):
        raise GateError(f"{where}: must be a table with id, reason and until")
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise GateError(f"{where}: unknown key {unknown[0]!r}; use " + ", ".join(KEYS))
    for key in ("id", "reason", "until"):
        if key not in raw:
            raise GateError(
                f"{where}: missing {key!r}; every ignore needs id, reason and until"
            )
    ident, reason, until, path = raw["id"], raw["reason"], raw["until"], raw.get("path")
    if not isinstance(ident, str) or not ident.strip():
        raise GateError(f"{where}: id must be a non-empty string")
    if not isinstance(reason, str) or not reason.strip():
        raise GateError(f"{where}: reason must be a non-empty string saying why")
    if isinstance(until, datetime.datetime) or not isinstance(until, datetime.date):
        raise GateError(
            f"{where}: until must be a TOML date such as until = 2025-06-30 "
            "(no quotes), "
            f"got {until!r}"
        )
    if path is not None and (not isinstance(path, str) or not path.strip()):
        raise GateError(f"{where}: path must be a non-empty string (a glob)")
    entry = Ignore(ident.strip(), reason.strip(), until, path, line)
    if entry.is_code and entry.path is None:
        raise GateError(f"{where}: a bandit test id ({entry.id}) needs a path (a glob)")
    return entry


def header_lines(text: str, table: str = TABLE) -> list[int]:
    """Line numbers of every ``[[tool.quality-gates.ignore]]`` (or ``table``) header."""
    keys = table.strip("[]").split(".")  # tool, quality-gates, ..., ignore
    pattern = r"\s*\.\s*".join(rf"\"?{re.escape(key)}\"?" for key in keys)
    header = re.compile(rf"^\s*\[\[\s*{pattern}\s*\]\]")
    return [
        n for n, line in enumerate(text.splitlines(), start=1) if header.match(line)
    ]


def parse(raw: Any, pyproject_text: str = "", *, table: str = TABLE) -> list[Ignore]:
    """Validate the ignore list; any invalid entry is a GateError (exit 2).

    ``table`` names the array of tables in messages (docs-check has its own).
    """
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise GateError(f"{table}: must be an array of tables")
    lines = header_lines(pyproject_text, table)
    return [
        _entry(i, item, lines[i] if i < len(lines) else 0, table)
        for i, item in enumerate(raw)
    ]


def split(
    ignores: Sequence[Ignore], today: datetime.date
) -> tuple[list[Ignore], list[Ignore]]:
    """(active, expired) on ``today``."""
    active = [i for i in ignores if not i.expired(today)]
    return active, [i for i in ignores if i.expired(today)]


def for_advisory(ignores: Sequence[Ignore], names: set[str]) -> Ignore | None:
    """Return the first ignore naming the advisory's id or one of its aliases."""
    for entry in ignores:
        if not entry.is_code and entry.id.upper() in names:
            return entry
    return None


def for_finding(ignores: Sequence[Ignore], finding: Finding) -> Ignore | None:
    """Return the first ignore naming the finding's rule at its path."""
    for entry in ignores:
        if (
            entry.id == finding.rule
            and entry.path
            and excluded(finding.path, [entry.path])
        ):
            return entry
    return None


def expired_finding(entry: Ignore) -> Finding:
    """Report an expired ignore as a failure naming it and its date."""
    return Finding(
        tool="quality-gates",
        rule="expired-ignore",
        severity="error",
        path="pyproject.toml",
        line=max(entry.line, 1),
        column=1,
        message=(
            f"ignore of {entry.id} expired on {entry.until.isoformat()} "
            f"(reason was: {entry.reason}); it no longer applies: fix what it hid "
            "or set a new until date"
        ),
    )
