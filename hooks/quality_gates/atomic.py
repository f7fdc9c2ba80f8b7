"""Write a file so that a reader never sees it half-written.

What is already at the path is respected: a symlink is written through (the
file it points to is replaced, the link stays), and a node that is not a
regular file (a FIFO someone reads, /dev/null, /dev/stdout) is written to as
it is, never replaced by a regular file.  A temporary file left by a process
that was killed before its rename is removed by the next write of that path.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from quality_gates.errors import GateError

# how long a FIFO may go without a reader before the write gives up
FIFO_WAIT_SECONDS = 10.0
_TEMPORARY = re.compile(r"(\d+)\.[A-Za-z0-9_]{8}\.tmp")


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file beside ``path``, fsync, then rename over it.

    The file keeps the mode of the one it replaces, else gets the usual mode
    for a new file under the current umask (not mkstemp's private 0600).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target = path.resolve() if path.is_symlink() else path
    if _is_stream(target):
        _write_through(target, payload)
        return
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
    _make_parent(target.parent)
    _remove_stale(target)
    fd, tmp = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp"
    )
    try:
        os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_file(path: Path, data: str | bytes, *, what: str) -> None:
    """``write_atomic``, with every way it can fail as one GateError line."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise GateError(f"{what} {path}: cannot write: {reason}") from None


def refuse_outside(path: Path, root: Path, what: str, *, hint: str) -> None:
    """Refuse to write ``path`` when it leads outside ``root`` (a GateError).

    A repository decides where its own paths lead: a tracked symlink, or a
    config value such as ``../elsewhere``, must not make the suite write
    outside the project unless the user named the file on the command line.
    """
    target = path.resolve()  # through every symlink, a dangling one too
    if target.is_relative_to(root.resolve()):
        return
    raise GateError(
        f"{what} {path}: leads to {target}, outside the project: not written; {hint}"
    )


def _is_stream(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_through(path: Path, payload: bytes) -> None:
    """Write into a FIFO or device as it is: no temporary file, no rename."""
    fd = _open_stream(path)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _open_stream(path: Path) -> int:
    """Open for writing; a FIFO without a reader is waited for, then refused."""
    deadline = time.monotonic() + FIFO_WAIT_SECONDS
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                if exc.errno == errno.ENXIO:
                    raise OSError(exc.errno, "no process reads from it", str(path))
                raise
            time.sleep(0.05)
            continue
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        return fd


def _make_parent(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        blocking = next(p for p in (folder, *folder.parents) if p.exists())
        raise NotADirectoryError(
            errno.ENOTDIR, f"{blocking} is a file, not a folder", str(folder)
        ) from None


def _remove_stale(target: Path) -> None:
    """Remove temporary files of ``target`` whose writing process is gone."""
    prefix = f".{target.name}."
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        # ".NAME.PID.RANDOM.tmp" (mkstemp's RANDOM is 8 characters, no dot)
        m = (
            _TEMPORARY.fullmatch(name[len(prefix) :])
            if name.startswith(prefix)
            else None
        )
        if m is not None and not process_alive(int(m.group(1))):
            try:
                os.unlink(target.parent / name)
            except OSError:
                pass


def process_alive(pid: int) -> bool:
    """Tell whether process ``pid`` runs (this machine, this PID namespace)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
