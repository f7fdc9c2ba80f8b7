"""Content-hash cache of per-file tool results, shared safely by concurrent runs.

One SQLite database in the user cache dir, in WAL mode, so two runs at once
read and write it safely.  Each row carries a checksum of its value: a row
that does not match, or a database file SQLite cannot read, is treated as a
corrupt cache, which is deleted, rebuilt and mentioned, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

FORMAT = "1"


def cache_dir() -> Path:
    """``QUALITY_GATES_CACHE_DIR``, else ``$XDG_CACHE_HOME/quality-gates``."""
    explicit = os.environ.get("QUALITY_GATES_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache"
    )
    return Path(base) / "quality-gates"


def key(*parts: str) -> str:
    """Hash the parts (NUL-separated) into one hex cache key."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _checksum(value: str) -> int:
    return zlib.crc32(value.encode())


class CorruptCache(Exception):
    """The cache could not be read as written."""


class Cache:
    """Maps a key (tool, version, config, path, content) to a JSON value."""

    def __init__(self, directory: Path | None = None) -> None:
        """Open the cache, rebuilding a corrupt one; note why when it is disabled."""
        self.directory = directory or cache_dir()
        self.path = self.directory / "results.sqlite3"
        self.notes: list[str] = []
        self._conn: sqlite3.Connection | None = None
        try:
            self._conn = self._open()
        except (sqlite3.DatabaseError, CorruptCache) as exc:
            self._rebuild(f"{exc}")
        except OSError as exc:
            self.notes.append(f"cache disabled: cannot use {self.directory}: {exc}")

    def _open(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        conn.execute("PRAGMA busy_timeout=60000")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS results "
            "(k TEXT PRIMARY KEY, v TEXT NOT NULL, crc INTEGER NOT NULL)"
        )
        row = conn.execute("SELECT v FROM meta WHERE k='format'").fetchone()
        if row is None:
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
        elif row[0] != FORMAT:
            raise CorruptCache(f"format {row[0]!r}, expected {FORMAT!r}")
        return conn

    def _rebuild(self, why: str) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass
        self.notes.append(f"cache at {self.path} was corrupt ({why}); rebuilt it")
        try:
            self._conn = self._open()
        except (sqlite3.DatabaseError, OSError, CorruptCache) as exc:
            self.notes.append(f"cache disabled: {exc}")
            self._conn = None

    @property
    def enabled(self) -> bool:
        """Tell whether the database is open (else nothing is read or stored)."""
        return self._conn is not None

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """Return the values found for ``keys``; a corrupt row rebuilds the cache."""
        wanted = list(keys)
        if self._conn is None or not wanted:
            return {}
        found: dict[str, Any] = {}
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT k, v, crc FROM results WHERE k IN ({marks})",  # nosec B608
                    chunk,
                ).fetchall()
                for k, v, crc in rows:
                    if _checksum(v) != crc:
                        raise CorruptCache(f"entry {k[:12]} fails its checksum")
                    found[k] = json.loads(v)
        except (sqlite3.DatabaseError, CorruptCache, ValueError) as exc:
            self._rebuild(str(exc))
            return {}
        return found

    def put_many(self, items: Mapping[str, Any]) -> None:
        """Store values in one transaction."""
        if self._conn is None or not items:
            return
        rows = []
        for k, value in items.items():
            text = json.dumps(value, separators=(",", ":"))
            rows.append((k, text, _checksum(text)))
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?)", rows
            )
            self._conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            self._rebuild(str(exc))

    def close(self) -> None:
        """Close the database; the cache is disabled afterwards."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
