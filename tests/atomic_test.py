"""Atomic writes: never half-written, and readable like any file the user writes."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from quality_gates import atomic
from quality_gates.atomic import write_atomic, write_file
from quality_gates.errors import GateError


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


def test_a_symlink_is_written_through_and_stays_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "report.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink()
    assert target.read_text() == "new"


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "streamed")
    reader.join(timeout=30)
    assert got == [b"streamed"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_fifo_nobody_reads_is_refused_not_waited_for_forever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "FIFO_WAIT_SECONDS", 0.2)
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="no process reads from it"):
        write_atomic(fifo, "lost")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_device_is_written_to_as_it_is() -> None:
    """/dev/full: a real ENOSPC on write, and the node is never replaced."""
    with pytest.raises(OSError) as caught:
        write_atomic(Path("/dev/full"), "x")
    assert caught.value.errno == errno.ENOSPC
    write_atomic(Path("/dev/null"), "discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        pytest.param("folder", "--output out: cannot write: is a folder", id="folder"),
        pytest.param(
            "file",
            "--output out/report.json: cannot write: out is a file, not a folder",
            id="under-a-file",
        ),
    ],
)
def test_write_file_turns_each_failure_into_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setup: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if setup == "folder":
        (tmp_path / "out").mkdir()
        path = Path("out")
    else:
        (tmp_path / "out").write_text("mine")
        path = Path("out/report.json")
    with pytest.raises(GateError) as caught:
        write_file(path, "{}", what="--output")
    assert str(caught.value) == message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_temporaries_of_dead_writers_are_removed_live_ones_kept(
    tmp_path: Path,
) -> None:
    """A real dead PID: a child that has exited and been waited for."""
    import subprocess
    import sys

    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(child.stdout)
    stale = tmp_path / f".report.json.{dead}.abcd1234.tmp"
    live = tmp_path / f".report.json.{os.getpid()}.efgh5678.tmp"
    other = tmp_path / f".report.json.5.{dead}.abcd1234.tmp"  # not ours: 2 parts
    for path in (stale, live, other):
        path.write_text("partial")
    write_atomic(tmp_path / "report.json", "whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["report.json", live.name, other.name]
    )


@pytest.mark.parametrize(
    ("make", "outside"),
    [
        pytest.param(lambda root: root / "base.json", False, id="plain-file"),
        pytest.param(lambda root: root / "sub" / "new.json", False, id="new-inside"),
        pytest.param(
            lambda root: _link(root / "in.json", root / "real.json"),
            False,
            id="link-inside",
        ),
        pytest.param(
            lambda root: _link(root / "out.json", root.parent / "victim.json"),
            True,
            id="link-outside",
        ),
        pytest.param(
            lambda root: _link(root / "gone.json", root.parent / "created.json"),
            True,
            id="dangling-link-outside",
        ),
        pytest.param(lambda root: root / ".." / "up.json", True, id="dot-dot"),
        pytest.param(
            lambda root: _link(root / "conf", root.parent) / "b.json",
            True,
            id="folder-link-outside",
        ),
    ],
)
def test_refuse_outside_follows_every_link(
    tmp_path: Path, make: object, outside: bool
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    path = make(root)  # type: ignore[operator]
    if not outside:
        atomic.refuse_outside(path, root, "baseline", hint="h")
        return
    with pytest.raises(GateError) as caught:
        atomic.refuse_outside(path, root, "baseline", hint="name it with --baseline")
    assert str(caught.value) == (
        f"baseline {path}: leads to {path.resolve()}, outside the project: not "
        "written; name it with --baseline"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


def _link(link: Path, target: Path) -> Path:
    link.symlink_to(target)
    return link


def test_init_writes_nothing_when_one_file_leads_outside(tmp_path: Path) -> None:
    from quality_gates.adopt import plan as plan_mod
    from quality_gates.report import Report

    NAME = ".quality-gates-baseline.json"

    root = tmp_path / "project"
    root.mkdir()
    (root / ".pre-commit-config.yaml").symlink_to(tmp_path / "theirs.yaml")
    changes = [
        plan_mod.Change("pyproject.toml", None, "[tool.quality-gates]\n"),
        plan_mod.Change(".pre-commit-config.yaml", None, "repos: []\n"),
    ]
    plan = plan_mod.Plan(
        changes=changes,
        notes=[],
        report=Report(command="init"),
        offers=[],
        baseline=NAME,
    )
    with pytest.raises(GateError, match="outside the project: not written"):
        plan_mod.write(root, plan)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]
    assert [p.name for p in root.iterdir()] == [".pre-commit-config.yaml"]
