"""Content-hash cache of per-file tool results, shared safely by concurrent runs.

One SQLite database in the user cache dir, in WAL mode, so two runs at once
read and write it safely.  Each row carries a MAC of its key and value under
the user's key (``cache_key``): a row that does not verify (written under
another key, or edited) is not trusted and its file is checked again.  A
database file SQLite cannot read is a corrupt cache, which is deleted,
rebuilt and mentioned, never trusted.

Only corruption deletes anything.  A lock another run holds is said when the
wait starts (``waiting``); held past the timeout, it is named in a note, as
are a full disk or a read-only folder: the run reads what it can, saves
nothing it cannot, and checks everything it could not read.  The wait is in
short slices, so an interrupt ends it at once.

The cache stays bounded (``prune``): rows no run has used for ``max_age_days``
are deleted, then the least recently used ones while the values exceed
``max_bytes``; at most once a day, at the end of a run.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from quality_gates import cache_files, cache_key
from quality_gates.cache_files import DATABASE
from quality_gates.escape import terminal

# 3: each row signed with the user's key (2: a CRC32 anyone could recompute)
FORMAT = "3"
DAY = 86400
COLUMNS = "k, v, mac, used"
# one slice of a wait for another process's lock: an interrupt ends the wait
# within it, and the wait is said after the first
SLICE_SECONDS = 0.25
T = TypeVar("T")
# bounds and the lock timeout; each overridable by the environment variable named
DEFAULTS = {
    "QUALITY_GATES_CACHE_MAX_AGE_DAYS": 30.0,
    "QUALITY_GATES_CACHE_MAX_MB": 1024.0,
    "QUALITY_GATES_CACHE_TIMEOUT": 60.0,
}
# SQLite's primary result codes (the low byte of an extended code)
BUSY, LOCKED, READONLY, CORRUPT, FULL, NOTADB = 5, 6, 8, 11, 13, 26


def cache_dir() -> Path:
    """``QUALITY_GATES_CACHE_DIR``, else ``$XDG_CACHE_HOME/quality-gates``."""
    explicit = os.environ.get("QUALITY_GATES_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache"
    )
    return Path(base) / "quality-gates"


def setting(name: str) -> float:
    """Return a bound from the environment, else its default (bad values: default)."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return DEFAULTS[name]
    return value if value >= 0 else DEFAULTS[name]


def key(*parts: str) -> str:
    """Hash the parts (NUL-separated) into one hex cache key."""
    return hashlib.sha256(
        "\0".join(parts).encode("utf-8", "surrogateescape")
    ).hexdigest()


def say_waiting(message: str) -> None:
    """Say on standard error that the run waits (the default of ``waiting``)."""
    terminal.say(f"quality-gates: {message}", file=sys.stderr, flush=True)


def today() -> int:
    """Return the day number that rows are stamped with when used."""
    return int(time.time() // DAY)


class CorruptCache(Exception):
    """The cache could not be read as written."""


class OtherFormat(CorruptCache):
    """The database was written by a version of the suite with another layout."""


def problem(exc: sqlite3.Error) -> str:
    """Say what an SQLite error means for the cache: corrupt, busy, full, ..."""
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if code in (CORRUPT, NOTADB):
        return "corrupt"
    if code in (BUSY, LOCKED):
        return "busy"
    return {READONLY: "read-only", FULL: "full"}.get(code, "unusable")


class Cache:
    """Maps a key (tool, version, config, path, content) to a JSON value."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        waiting: Callable[[str], None] = say_waiting,
    ) -> None:
        """Open the cache, rebuilding a corrupt one; note why when it is disabled.

        ``waiting`` is told, once, when the run starts waiting for a lock.
        """
        self.directory = directory or cache_dir()
        self.path = self.directory / DATABASE
        self.notes: list[str] = []
        self.writable = True
        self.timeout = setting("QUALITY_GATES_CACHE_TIMEOUT")
        self.waiting = waiting
        self.key, key_note = cache_key.load()
        self._conn: sqlite3.Connection | None = None
        self._said: set[str] = set()
        if key_note:
            self._note_once("key", key_note)
        why = self._unusable()
        if why:
            self.notes.append(f"cache disabled: {why}")
            return
        try:
            self._conn = self._patiently("open", self._open)
        except CorruptCache as exc:
            self._rebuild(str(exc))
        except sqlite3.Error as exc:
            self._failed("open", exc)

    def _unusable(self) -> str | None:
        """Say why the folder cannot hold the cache; open it read-only if it must."""
        if self.directory.exists() and not self.directory.is_dir():
            return f"{self.directory} is not a directory (QUALITY_GATES_CACHE_DIR)"
        if self.path.is_dir():
            return (
                f"{self.path} is a directory, not the cache database; remove it "
                "or set QUALITY_GATES_CACHE_DIR"
            )
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return f"cannot use {self.directory}: {exc.strerror}"
        if os.access(self.directory, os.W_OK):
            return None
        if not self.path.is_file():
            return f"{self.directory} is read-only"
        self.writable = False
        self._note_once(
            "read-only",
            f"cache at {self.directory} is read-only: results are read, " "none saved",
        )
        return None

    def _open(self) -> sqlite3.Connection:
        if not self.writable:
            uri = f"{self.path.as_uri()}?mode=ro&immutable=1"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        else:
            conn = sqlite3.connect(
                self.path, timeout=SLICE_SECONDS, isolation_level=None
            )
        try:
            if self.writable:
                self._prepare(conn)
            self._check_format(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def _prepare(conn: sqlite3.Connection) -> None:
        """Set the connection up; make the tables of a new database."""
        conn.execute(f"PRAGMA busy_timeout={int(SLICE_SECONDS * 1000)}")
        conn.execute("PRAGMA synchronous=NORMAL")
        found = conn.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('meta', 'results')"
        ).fetchone()[0]
        if found != 2:  # a new database; an existing one is only read here
            conn.execute("PRAGMA auto_vacuum=INCREMENTAL")  # before any table
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS results (k TEXT PRIMARY KEY, "
                "v TEXT NOT NULL, mac TEXT NOT NULL, used INTEGER NOT NULL)"
            )
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))

    def _patiently(self, doing: str, action: Callable[[], T]) -> T:
        """Do ``action``, waiting in slices while another process holds the lock.

        The wait is said once, when it starts; past the timeout, the busy
        error goes to ``_failed`` like any other.
        """
        deadline: float | None = None
        while True:
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if problem(exc) != "busy":
                    raise
                now = time.monotonic()
                if deadline is None:
                    deadline = now + max(self.timeout - SLICE_SECONDS, 0.0)
                    self.waiting(
                        f"cache busy: another process holds the lock of {self.path}; "
                        f"waiting up to {self.timeout:g} s to {doing} "
                        "(QUALITY_GATES_CACHE_TIMEOUT)"
                    )
                if now >= deadline:
                    raise

    @staticmethod
    def _check_format(conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT v FROM meta WHERE k='format'").fetchone()
        if row is None or row[0] != FORMAT:
            found = "none" if row is None else repr(row[0])
            raise OtherFormat(f"format {found}, expected {FORMAT!r}")

    def _note_once(self, kind: str, message: str) -> None:
        if kind not in self._said:
            self._said.add(kind)
            self.notes.append(message)

    def _failed(self, doing: str, exc: sqlite3.Error) -> None:
        """React to an SQLite error: rebuild a corrupt cache, else say what it is."""
        kind = problem(exc)
        if kind == "corrupt" and self.writable:
            self._rebuild(str(exc))
            return
        messages = {
            "busy": f"cache busy: another process held its lock for {self.timeout:g} s"
            " (QUALITY_GATES_CACHE_TIMEOUT); what this run could not "
            f"{doing} was checked and not saved",
            "full": f"cache not saved: the disk holding {self.directory} is full",
            "read-only": f"cache at {self.directory} is read-only: nothing saved",
        }
        self._note_once(
            kind, messages.get(kind, f"cache could not {doing} {self.path}: {exc}")
        )
        if kind in ("full", "read-only"):
            self.writable = False
        if doing == "open":
            self.close()

    def _rebuild(self, why: str) -> None:
        self.close()
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError as exc:
            self.notes.append(
                f"cache disabled: {self.path} is corrupt ({why}) and cannot be "
                f"removed: {exc.strerror}"
            )
            return
        was = "was corrupt" if "expected" not in why else "had another layout"
        self.notes.append(f"cache at {self.path} {was} ({why}); rebuilt it")
        try:
            self._conn = self._open()
        except (sqlite3.Error, CorruptCache) as exc:
            self.notes.append(f"cache disabled: {exc}")
            self._conn = None

    @property
    def enabled(self) -> bool:
        """Tell whether the database is open (else nothing is read or stored)."""
        return self._conn is not None

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """Return the values found for ``keys`` that this user's key signed.

        A row signed under another key (or edited) is a miss, and said once;
        a signed row that is not JSON means the database is corrupt: rebuilt.
        """
        wanted = list(keys)
        if self._conn is None or not wanted:
            return {}
        found: dict[str, Any] = {}
        stale: list[str] = []
        now = today()
        try:
            for start in range(0, len(wanted), 500):
                for k, v, mac, used in self._rows(wanted[start : start + 500]):
                    if not cache_key.verify(self.key, k, v, mac):
                        self._unsigned()
                        continue
                    # most files have no finding of a given tool: no parse for those
                    found[k] = [] if v == "[]" else json.loads(v)
                    if used != now:
                        stale.append(k)
        except (CorruptCache, ValueError) as exc:
            self._rebuild(str(exc))
            return {}
        except sqlite3.Error as exc:
            self._failed("read", exc)
            return {}
        self._touch(stale, now)
        return found

    def _rows(self, chunk: list[str]) -> list[tuple[Any, ...]]:
        """Read the rows of ``chunk`` (at most 500 keys), waiting for a lock."""
        assert self._conn is not None  # nosec B101 - only called while open
        conn = self._conn
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT {COLUMNS} FROM results WHERE k IN ({marks})"  # nosec B608
        return self._patiently("read", lambda: conn.execute(sql, chunk).fetchall())

    def _unsigned(self) -> None:
        self._note_once(
            "unsigned",
            f"cache at {self.directory}: entries not signed with this user's key "
            "(restored from elsewhere, written by another user, or edited) were "
            "not trusted; their files were checked again",
        )

    def _touch(self, keys: list[str], now: int) -> None:
        """Stamp rows used today (once a day each), so pruning keeps them."""
        if keys:
            self._write(
                "UPDATE results SET used = ? WHERE k = ?", [(now, k) for k in keys]
            )

    def _write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if self._conn is None or not self.writable:
            return
        conn = self._conn
        try:
            self._patiently("save", lambda: conn.execute("BEGIN IMMEDIATE"))
            try:
                self._conn.executemany(sql, rows)
                self._conn.execute("COMMIT")
            except sqlite3.Error:
                self._conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._failed("save", exc)

    def put_many(self, items: Mapping[str, Any]) -> None:
        """Store values in one transaction."""
        now = today()
        rows = []
        for k, value in items.items():
            text = json.dumps(value, separators=(",", ":"))
            rows.append((k, text, cache_key.sign(self.key, k, text), now))
        if rows:
            self._write("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)", rows)

    def prune(self, *, force: bool = False) -> int:
        """Delete rows unused past the age bound, then the oldest past the size bound.

        Runs at most once a day unless ``force``; returns the rows deleted.
        """
        if self._conn is None or not self.writable:
            return 0
        now = today()
        try:
            row = self._conn.execute("SELECT v FROM meta WHERE k='pruned'").fetchone()
            if not force and row is not None and row[0] == str(now):
                return 0
            conn = self._conn
            deleted = self._patiently("prune", lambda: self._prune(conn, now))
            self._conn.execute("PRAGMA incremental_vacuum")
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            self._failed("prune", exc)
            return 0
        return deleted

    @staticmethod
    def _prune(conn: sqlite3.Connection, now: int) -> int:
        oldest = now - int(setting("QUALITY_GATES_CACHE_MAX_AGE_DAYS"))
        limit = setting("QUALITY_GATES_CACHE_MAX_MB") * 1024 * 1024
        conn.execute("BEGIN IMMEDIATE")
        try:
            deleted = conn.execute(
                "DELETE FROM results WHERE used < ?", (oldest,)
            ).rowcount
            (size,) = conn.execute(
                "SELECT COALESCE(SUM(LENGTH(k) + LENGTH(v)), 0) FROM results"
            ).fetchone()
            for k, length in conn.execute(
                "SELECT k, LENGTH(k) + LENGTH(v) FROM results ORDER BY used, k"
            ).fetchall():
                if size <= limit:
                    break
                conn.execute("DELETE FROM results WHERE k = ?", (k,))
                size -= length
                deleted += 1
            conn.execute(
                "INSERT OR REPLACE INTO meta VALUES ('pruned', ?)", (str(now),)
            )
            conn.execute("COMMIT")
        except sqlite3.Error:
            conn.execute("ROLLBACK")
            raise
        return deleted

    def close(self, *, prune: bool = False) -> None:
        """Close the database (pruning first if asked); the cache is disabled after."""
        if prune and self._conn is not None:
            self.prune()
            cache_files.prune_folders(
                self.directory / cache_files.MYPY,
                setting("QUALITY_GATES_CACHE_MAX_AGE_DAYS"),
            )
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def mypy_folder(project: Path) -> Path:
    """Make mypy's cache folder of ``project``, named by this user's key.

    A cache directory restored from elsewhere holds folders that another key
    named: mypy never reads their records here.  OSError when it cannot be made.
    """
    key, _ = cache_key.load()
    name = cache_key.folder_name(key, str(project))
    return cache_files.mypy_folder(cache_dir(), name)
