"""The cache's trust boundary: a per-user key that every cached result is signed with.

The cache is trusted as far as the user account that runs the suite: what
that account writes, it may read back.  A cache directory that crosses the
boundary (restored by actions/cache, copied from another machine, shared with
another user, or edited by anyone without the key) must not make the gate
pass a failing file, so every row carries a MAC of its key and value (keyed
BLAKE2b, a 128-bit tag; HMAC-SHA256 costs three times as much a row) under a
secret that does not travel with the directory: ``QUALITY_GATES_CACHE_KEY``
when set (a workflow secret, to reuse results across CI jobs), else a random
key kept in ``$XDG_STATE_HOME/quality-gates/cache-key`` (``~/.local/state``),
mode 0600, made on first use.  A row signed under another key is not
trusted: the file is checked again.  mypy's own cache folder is named by the
key too, so a restored directory's mypy records are never read under another.

Code that runs as the same user while the gate runs (a project's mypy
plugin, an earlier step of the same job) can read the key: it is inside the
boundary, as it could also edit the suite itself.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

ENV = "QUALITY_GATES_CACHE_KEY"
KEY_BYTES = 32


def key_file() -> Path:
    """``$XDG_STATE_HOME/quality-gates/cache-key`` (default ``~/.local/state``)."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state"
    )
    return Path(base) / "quality-gates" / "cache-key"


@functools.lru_cache(maxsize=4)
def _load(env_value: str | None, path: Path) -> tuple[bytes, str | None]:
    if env_value:
        return hashlib.sha256(env_value.encode()).digest(), None
    try:
        return _read_or_make(path), None
    except OSError as exc:
        why = f"cannot keep a key in {path}: {exc.strerror or exc}"
    except ValueError as exc:
        why = str(exc)
    note = (
        f"cache: {why}; results are trusted within this run only (set "
        f"{ENV}, or fix the file)"
    )
    return secrets.token_bytes(KEY_BYTES), note


def load() -> tuple[bytes, str | None]:
    """Return this user's key, and a note when only a one-run key could be had."""
    return _load(os.environ.get(ENV), key_file())


def _read_or_make(path: Path) -> bytes:
    """Read the key file, making it (0600, in a 0700 folder) if there is none."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _private(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(KEY_BYTES) + "\n")
    return _private(path)


def _private(path: Path) -> bytes:
    """Read a key only from a regular file of this user that no one else can write."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd) as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            raise ValueError(f"{path} is not a file of this user")
        if info.st_mode & 0o077:
            mode = f"{info.st_mode & 0o777:o}"
            raise ValueError(f"{path} is open to others (mode {mode}, expected 600)")
        text = handle.read().strip()
    if len(text) < 32:
        raise ValueError(f"{path} holds no key (expected {KEY_BYTES * 2} hex digits)")
    return hashlib.sha256(text.encode()).digest()


def sign(key: bytes, row_key: str, value: str) -> str:
    """Return the MAC of one cache row: its key and value, under ``key``."""
    message = row_key.encode() + b"\0" + value.encode()
    return hashlib.blake2b(message, key=key, digest_size=16).hexdigest()


def verify(key: bytes, row_key: str, value: str, mac: object) -> bool:
    """Tell whether ``mac`` signs the row under ``key`` (constant time)."""
    return isinstance(mac, str) and hmac.compare_digest(mac, sign(key, row_key, value))


def folder_name(key: bytes, project: str) -> str:
    """Name a project's folder in the cache (mypy's) by the key: 16 hex digits."""
    name = project.encode("utf-8", "surrogateescape")
    return hashlib.blake2b(name, key=key, digest_size=8, person=b"mypy-dir").hexdigest()
