"""Atomic writes: never half-written, and readable like any file the user writes."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from quality_gates.atomic import write_atomic


def test_new_file_gets_the_umask_mode_not_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "sub" / "report.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "sub" / "report.json").stat().st_mode) == 0o644


def test_existing_mode_is_kept_and_no_temporary_file_left(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.json"]


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk cannot be made here on demand: fsync is made to fail as it would (ENOSPC)."""
    target = tmp_path / "baseline.json"
    target.write_text("precious")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        write_atomic(target, "x" * 10000)
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.json"]
