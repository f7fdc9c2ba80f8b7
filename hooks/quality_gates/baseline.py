"""The ratchet: ``.quality-gates-baseline.json`` read, written and compared.

A baseline is the set of fingerprints of accepted findings.  The file is
sorted, has no timestamps and no line numbers, so writing it twice on the same
code gives the same bytes and moving code up or down a file changes nothing.
A file that cannot be trusted (empty, malformed, another format version) is a
GateError, never read as "all new" or "none new".
"""

from __future__ import annotations

import dataclasses
import json
import operator
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from quality_gates.atomic import write_file
from quality_gates.errors import GateError
from quality_gates.findings import Finding

VERSION = 1
_KEYS = ("fingerprint", "path", "tool", "rule")
_FINGERPRINT = operator.itemgetter(3)  # Entry.fingerprint, without a Python call
_REGENERATE = "delete it and run `quality-gates baseline` to write a new one"


class Entry(NamedTuple):
    """One accepted finding, identified by its fingerprint.

    A tuple, not a dataclass: a legacy tree's baseline holds 74k of them, read
    on every run.
    """

    path: str
    tool: str
    rule: str
    fingerprint: str

    @classmethod
    def of(cls, finding: Finding) -> Entry:
        """Make the entry that accepts ``finding``."""
        return cls(finding.path, finding.tool, finding.rule, finding.fingerprint)


@dataclasses.dataclass
class Comparison:
    """Current findings against a baseline: how many new, baselined, fixed."""

    new: int
    baselined: int
    fixed: int


def render(entries: Iterable[Entry]) -> str:
    """Return the file's exact text: sorted, deterministic, newline-terminated."""
    rows = [
        {k: getattr(e, k) for k in _KEYS}
        for e in sorted(
            set(entries), key=lambda e: (e.path, e.tool, e.rule, e.fingerprint)
        )
    ]
    doc = {"format": "quality-gates-baseline", "version": VERSION, "findings": rows}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def write(path: Path, entries: Iterable[Entry]) -> None:
    """Write the baseline atomically: a reader never sees half a file."""
    write_file(path, render(entries), what="baseline")


def _parse(path: Path, data: bytes) -> Any:
    if not data.strip():
        raise GateError(f"baseline {path} is empty; {_REGENERATE}")
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise GateError(f"baseline {path} is not UTF-8 text (binary?); {_REGENERATE}")
    except ValueError as exc:
        raise GateError(f"baseline {path} is not valid JSON ({exc}); {_REGENERATE}")
    except RecursionError:
        raise GateError(
            f"baseline {path} is nested too deeply to be a baseline; {_REGENERATE}"
        )


def _entry(path: Path, index: int, row: Any) -> Entry:
    if not isinstance(row, dict) or not all(isinstance(row.get(k), str) for k in _KEYS):
        raise GateError(
            f"baseline {path}: entry {index} is not a record with "
            f"{', '.join(_KEYS)}; {_REGENERATE}"
        )
    if not row["fingerprint"]:
        raise GateError(f"baseline {path}: entry {index} has an empty fingerprint")
    return Entry(row["path"], row["tool"], row["rule"], row["fingerprint"])


def load(path: Path) -> set[Entry]:
    """Read and validate a baseline file; every way it is wrong is a GateError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GateError(
            f"baseline {path} does not exist; run `quality-gates baseline` to create it"
        )
    except OSError as exc:
        raise GateError(f"baseline {path}: cannot read: {exc.strerror}")
    doc = _parse(path, data)
    if not isinstance(doc, dict) or doc.get("format") != "quality-gates-baseline":
        raise GateError(
            f"baseline {path} is not a quality-gates baseline; {_REGENERATE}"
        )
    version = doc.get("version")
    if version != VERSION:
        raise GateError(
            f"baseline {path} has format version {version!r}; this quality-gates reads "
            f"version {VERSION}; {_REGENERATE}"
        )
    rows = doc.get("findings")
    if not isinstance(rows, list):
        raise GateError(f"baseline {path}: `findings` is not a list; {_REGENERATE}")
    return _entries(rows) or {_entry(path, i, row) for i, row in enumerate(rows)}


def _entries(rows: list[Any]) -> set[Entry] | None:
    """Read well-formed rows in bulk; None when any is wrong (``_entry`` says which)."""
    try:
        fields = [(r["path"], r["tool"], r["rule"], r["fingerprint"]) for r in rows]
    except (KeyError, TypeError, IndexError):
        return None
    if {type(v) for row in fields for v in row} - {str} or not all(
        row[3] for row in fields
    ):
        return None
    return set(map(Entry._make, fields))


def locate(
    root: Path, explicit: str | None, configured: str, *, required: bool
) -> Path | None:
    """Find the baseline: ``--baseline``, the configured one, or the default if present.

    An explicit or configured path is returned even when missing, so that
    ``load`` refuses it; only the unconfigured default may be absent.
    """
    if explicit is not None:
        if not explicit.strip():
            raise GateError("--baseline: the path is empty")
        return Path.cwd() / explicit
    path = root / configured
    if required or path.exists():
        return path
    return None


def compare(
    findings: Sequence[Finding],
    baseline: Collection[Entry],
    *,
    paths: Collection[str] | None,
    tools: Collection[str],
    below_threshold: Collection[str] = (),
) -> Comparison:
    """Mark each finding ``new`` (in place) and count new, baselined and fixed.

    Only baseline entries of the ``paths`` (None: every path) and ``tools``
    that were checked can count as fixed: a file or tool left out of this run
    fixed nothing, and neither did a finding still there under a threshold
    (the fingerprints ``below_threshold``).
    """
    known = set(map(_FINGERPRINT, baseline))
    new = 0
    for finding in findings:
        finding.new = finding.fingerprint not in known
        new += finding.new
    # what the baseline knows and this run did not find: fixed, where it looked
    gone = known.difference(f.fingerprint for f in findings)
    gone.difference_update(below_threshold)
    fixed = 0
    if gone:
        fixed = sum(
            1
            for e in baseline
            if e.fingerprint in gone
            and (paths is None or e.path in paths)
            and e.tool in tools
        )
    return Comparison(new=new, baselined=len(findings) - new, fixed=fixed)


def update(
    old: Collection[Entry],
    findings: Sequence[Finding],
    *,
    add_new: bool,
    below_threshold: Collection[str] = (),
) -> tuple[set[Entry], int, int]:
    """Ratchet: keep entries still found, drop fixed ones, add new only if asked.

    An entry of a finding still there under a threshold (its fingerprint in
    ``below_threshold``) is kept: it is not fixed.  Returns the new entry set,
    how many were removed and how many new findings were left out (or added,
    with ``add_new``).
    """
    current = {Entry.of(f) for f in findings}
    found = {c.fingerprint for c in current} | set(below_threshold)
    known = {e.fingerprint for e in old}
    kept = {e for e in old if e.fingerprint in found}
    fresh = {c for c in current if c.fingerprint not in known}
    result = kept | fresh if add_new else kept
    return result, len(old) - len(kept), len(fresh)
