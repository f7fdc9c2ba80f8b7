"""Offline advisories: a folder or zip of OSV JSON records, matched with PEP 440.

The layout is the one of OSV's per-ecosystem dumps (``PyPI/all.zip`` holds one
``<ID>.json`` per advisory); a folder of such files, nested or not, works the
same.  Ranges of type ECOSYSTEM are evaluated as the OSV schema says: events
sorted by version, ``introduced`` opens a range, ``fixed`` closes it at that
version, ``last_affected`` closes it after that version; explicit ``versions``
lists count too.  Names are compared PEP 503 normalised.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import Version
from quality_gates.errors import GateError
from quality_gates.security.advisory import (
    Advisory,
    cvss3_score,
    parse_version,
    score_of,
    smallest_upgrade,
)
from quality_gates.security.deps import Dependency

ECOSYSTEM = "PyPI"
OFFLINE_HINT = "download PyPI/all.zip from OSV's storage bucket (osv-vulnerabilities)"
# the largest PyPI record is well under 1 MB; a bigger entry is damage or a bomb
MAX_RECORD_BYTES = 16 * 1024 * 1024


def _too_big(name: str, size: int | str) -> GateError:
    return GateError(
        f"--vuln-db {name}: {size} bytes, over the {MAX_RECORD_BYTES} bytes an OSV "
        f"record may have: not an OSV dump; {OFFLINE_HINT} again"
    )


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read one entry, never more than MAX_RECORD_BYTES whatever its header says."""
    if info.file_size > MAX_RECORD_BYTES:
        raise _too_big(info.filename, info.file_size)
    with archive.open(info) as entry:
        data = entry.read(MAX_RECORD_BYTES + 1)
    if len(data) > MAX_RECORD_BYTES:
        raise _too_big(info.filename, "more than")
    return data


def _zip_entries(path: Path) -> Iterator[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir() or not info.filename.endswith(".json"):
                    continue
                try:
                    yield f"{path}!{info.filename}", _read_bounded(archive, info)
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                    raise GateError(
                        f"--vuln-db {path}: {info.filename}: cannot read from the zip "
                        f"({exc}); "
                        f"the archive is damaged: {OFFLINE_HINT} again"
                    )
    except (zipfile.BadZipFile, OSError) as exc:
        raise GateError(
            f"--vuln-db {path}: not a readable zip ({exc}); {OFFLINE_HINT} again"
        )


def _folder_entries(path: Path) -> Iterator[tuple[str, bytes]]:
    for file in sorted(path.rglob("*.json")):
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_RECORD_BYTES + 1)
            if len(data) > MAX_RECORD_BYTES:
                raise _too_big(str(file), "more than")
            yield str(file), data
        except OSError as exc:
            raise GateError(f"--vuln-db {file}: cannot read: {exc.strerror}")


def entries(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every ``*.json`` record in the folder or zip."""
    if path.is_dir():
        yield from _folder_entries(path)
    elif path.is_file():
        yield from _zip_entries(path)
    else:
        raise GateError(f"--vuln-db {path}: no such file or folder; {OFFLINE_HINT}")


def parse_record(name: str, data: bytes) -> dict[str, Any]:
    """One OSV record, checked enough that matching cannot crash on it."""
    try:
        record = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise GateError(f"--vuln-db {name}: not UTF-8 (byte {exc.start})")
    except json.JSONDecodeError as exc:
        raise GateError(
            f"--vuln-db {name}: invalid JSON at line {exc.lineno} "
            f"column {exc.colno}: {exc.msg}"
        )
    except RecursionError:
        raise GateError(f"--vuln-db {name}: nested too deeply to be an OSV record")
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise GateError(f"--vuln-db {name}: not an OSV record (no string 'id')")
    affected = record.get("affected", [])
    if not isinstance(affected, list) or not all(isinstance(a, dict) for a in affected):
        raise GateError(f"--vuln-db {name}: 'affected' must be a list of objects")
    return record


def _package(affected: dict[str, Any]) -> str | None:
    package = affected.get("package")
    if not isinstance(package, dict) or package.get("ecosystem") != ECOSYSTEM:
        return None
    name = package.get("name")
    return canonicalize_name(name) if isinstance(name, str) else None


class VulnDB:
    """Every PyPI advisory of the records, by normalised package name."""

    def __init__(self, origin: str) -> None:
        """Start an empty database read from ``origin``."""
        self.origin = origin
        self.records = 0
        self.by_package: dict[str, list[dict[str, Any]]] = defaultdict(list)

    @classmethod
    def load(cls, path: Path) -> VulnDB:
        """Read every record of the folder or zip; damage is a GateError."""
        db = cls(str(path))
        for name, data in entries(path):
            record = parse_record(name, data)
            db.records += 1
            if record.get("withdrawn"):
                continue
            for package in {_package(a) for a in record.get("affected", [])} - {None}:
                db.by_package[str(package)].append(record)
        if db.records == 0:
            raise GateError(
                f"--vuln-db {path}: no OSV records (*.json) found; {OFFLINE_HINT}"
            )
        return db

    def affected(self, name: str, version: Version | str) -> list[dict[str, Any]]:
        """Return the records whose ranges or versions include ``version``."""
        key = canonicalize_name(name)
        return [
            r for r in self.by_package.get(key, []) if record_affects(r, key, version)
        ]

    def audit(self, dep: Dependency) -> tuple[list[Advisory], str | None]:
        """Return the advisories on ``dep`` and the smallest version fixing all."""
        records = self.affected(dep.key, dep.version)
        advisories = [to_advisory(r, dep.key) for r in records]

        def still_affected(version: Version) -> bool:
            return bool(self.affected(dep.key, version))

        upgrade = smallest_upgrade(dep.version, advisories, affected=still_affected)
        return advisories, upgrade


def record_affects(record: dict[str, Any], key: str, version: Version | str) -> bool:
    """Tell whether an ``affected`` entry for package ``key`` includes ``version``."""
    parsed = version if isinstance(version, Version) else parse_version(version)
    for affected in record.get("affected", []):
        if _package(affected) != key:
            continue
        if _in_versions(affected.get("versions"), str(version), parsed):
            return True
        if parsed is None:
            continue
        for rng in affected.get("ranges") or []:
            if isinstance(rng, dict) and rng.get("type") == "ECOSYSTEM":
                if range_affects(rng.get("events") or [], parsed):
                    return True
    return False


def _in_versions(listed: Any, text: str, parsed: Version | None) -> bool:
    if not isinstance(listed, list):
        return False
    for item in listed:
        if item == text:
            return True
        other = parse_version(str(item))
        if parsed is not None and other is not None and other == parsed:
            return True
    return False


_ORDER = {"introduced": 0, "fixed": 1, "last_affected": 2, "limit": 3}


def _events(events: Sequence[Any]) -> list[tuple[Version, str]]:
    out: list[tuple[Version, str]] = []
    for event in events:
        if not isinstance(event, dict) or len(event) != 1:
            continue
        kind, value = next(iter(event.items()))
        if kind not in _ORDER:
            continue
        parsed = (
            Version("0")
            if kind == "introduced" and value == "0"
            else parse_version(str(value))
        )
        if parsed is None:
            continue  # not PEP 440: cannot be compared, the versions list still counts
        out.append((parsed, kind))
    return sorted(out, key=lambda e: (e[0], _ORDER[e[1]]))


def range_affects(events: Sequence[Any], version: Version) -> bool:
    """Walk the sorted events as OSV says; the last one at or below decides."""
    vulnerable = False
    for at, kind in _events(events):
        if kind == "introduced" and version >= at:
            vulnerable = True
        elif kind == "fixed" and version >= at:
            vulnerable = False
        elif kind == "last_affected" and version > at:
            vulnerable = False
    return vulnerable


def fixed_versions(record: dict[str, Any], key: str) -> tuple[str, ...]:
    """Every ``fixed`` event of the record's ranges for package ``key``."""
    found: set[str] = set()
    for affected in record.get("affected", []):
        if _package(affected) != key:
            continue
        for rng in affected.get("ranges") or []:
            if isinstance(rng, dict) and rng.get("type") == "ECOSYSTEM":
                for event in rng.get("events") or []:
                    if isinstance(event, dict) and "fixed" in event:
                        found.add(str(event["fixed"]))
    return tuple(sorted(found, key=lambda t: (parse_version(t) or Version("0"), t)))


def severity(record: dict[str, Any]) -> str | None:
    """Score the record: CVSS v3, else its database's label, else None."""
    for item in record.get("severity") or []:
        if isinstance(item, dict) and str(item.get("type", "")).startswith("CVSS_V3"):
            score = cvss3_score(str(item.get("score", "")))
            if score is not None:
                return score
    specific = record.get("database_specific")
    if isinstance(specific, dict):
        return score_of(str(specific.get("severity", "")))
    return None


def to_advisory(record: dict[str, Any], key: str) -> Advisory:
    """Turn an OSV record into the common advisory for package ``key``."""
    aliases = record.get("aliases") or []
    summary = record.get("summary") or record.get("details") or ""
    return Advisory(
        id=str(record["id"]),
        aliases=tuple(str(a) for a in aliases if isinstance(a, str)),
        summary=" ".join(str(summary).split()),
        fixed=fixed_versions(record, key),
        score=severity(record),
        source="vuln-db",
    )
