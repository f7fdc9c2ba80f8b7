"""The tool processes the suite starts: tracked, and stopped when the run is.

A run is stopped by SIGINT (Ctrl-C, or a signal to the gate alone) or
SIGTERM (a CI runner cancelling a job; ``cli`` turns it into ``Terminated``).
Then the queued batches are cancelled (``pool``) and every process started
through ``run`` is stopped with its whole process group (black's workers
too): SIGINT first, as a terminal's Ctrl-C would, so a tool cleans up its
temporary files; SIGKILL after ``GRACE_SECONDS``.  No process is started once
the run is stopping.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import queue
import signal
import subprocess  # nosec B404 - argument lists, never a shell
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TypeVar

GRACE_SECONDS = 2.0
T = TypeVar("T")
_lock = threading.Lock()
_running: set[subprocess.Popen[str]] = set()
_stopping = threading.Event()
# the Group of the work this thread does, if any (``grouped``)
_local = threading.local()


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop as for an interrupt, and say "terminated"."""


class Stopped(Exception):
    """A process was not started: the run is stopping."""


def run(
    argv: Sequence[str],
    *,
    cwd: os.PathLike[str] | str,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    errors: str = "replace",
    on_line: Callable[[str], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in a process group of its own, capturing text output.

    Like ``subprocess.run(..., capture_output=True, text=True)``; past
    ``timeout`` the whole group is killed and ``TimeoutExpired`` raised.
    ``on_line`` sees each line of standard output as the process writes it
    (the output returned is the same).
    """
    group: Group | None = getattr(_local, "group", None)
    proc = _start(argv, cwd, env, errors, group)
    reading = _Reading(proc, on_line)
    try:
        out, err = reading.communicate(timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc, signal.SIGKILL)
        reading.finish()
        raise
    except BaseException:  # an interrupt while this thread waited
        _stop([proc], GRACE_SECONDS)
        reading.finish()
        raise
    finally:
        with _lock:
            _running.discard(proc)
            if group is not None:
                group.procs.discard(proc)
    return subprocess.CompletedProcess(list(argv), proc.returncode, out, err)


class _Reading:
    """A process's output, read at its end, or line by line as it comes."""

    def __init__(
        self, proc: subprocess.Popen[str], on_line: Callable[[str], None] | None
    ) -> None:
        self.proc = proc
        self.out: list[str] = []
        self.err: list[str] = []
        self.readers: list[threading.Thread] = []
        if on_line is not None:
            self.readers = [
                threading.Thread(target=self._lines, args=(on_line,), daemon=True),
                threading.Thread(target=self._rest, daemon=True),
            ]
        for reader in self.readers:
            reader.start()

    def _lines(self, on_line: Callable[[str], None] | None) -> None:
        """Read the output to its end; ``on_line`` failing stops only its calls."""
        assert self.proc.stdout is not None  # nosec B101 - started with a pipe
        for line in self.proc.stdout:
            self.out.append(line)
            try:
                if on_line is not None:
                    on_line(line)
            except Exception:  # a reader that stops reading would block the tool
                on_line = None

    def _rest(self) -> None:
        assert self.proc.stderr is not None  # nosec B101 - started with a pipe
        self.err.append(self.proc.stderr.read())

    def communicate(self, timeout: float | None) -> tuple[str, str]:
        """Wait for the process's end (TimeoutExpired past ``timeout``); its output."""
        if not self.readers:
            return self.proc.communicate(timeout=timeout)
        self.proc.wait(timeout=timeout)
        return self.finish()

    def finish(self) -> tuple[str, str]:
        """Wait for a process that is ending, and the end of its output."""
        if not self.readers:
            return self.proc.communicate()
        self.proc.wait()
        for reader in self.readers:
            reader.join()
        return "".join(self.out), "".join(self.err)


class Group:
    """The processes of one piece of work, stopped together when it is dropped.

    A run started ahead (``runner``: mypy before every file's syntax is
    judged) is dropped when one of its files is not valid: its processes are
    killed at once, and it starts no other.
    """

    def __init__(self) -> None:
        """Start with no process, not stopped."""
        self.procs: set[subprocess.Popen[str]] = set()
        self.stopped = False
        # set once the group's first process is started (``started``)
        self.begun = threading.Event()

    def started(self, timeout: float) -> bool:
        """Wait until the group's first process is started; False past ``timeout``."""
        return self.begun.wait(timeout)

    def stop(self) -> None:
        """Kill the group's running processes; it starts no more."""
        with _lock:
            self.stopped = True
            procs = list(self.procs)
        for proc in procs:
            _kill_group(proc, signal.SIGKILL)


@contextlib.contextmanager
def sharing(cores: int) -> Iterator[None]:
    """Tell the tools this thread starts meanwhile to use ``cores`` threads at most.

    The runner says so while a whole-program tool (mypy, one core, the
    longest) runs beside them: a tool that would take every core would slow
    it.  What a tool makes of it is its adapter's (``Adapter.cores_env``).
    """
    _local.cores = cores
    try:
        yield
    finally:
        _local.cores = None


def cores() -> int | None:
    """Return the cores the tools this thread starts may use (``sharing``), if said."""
    found: int | None = getattr(_local, "cores", None)
    return found


@contextlib.contextmanager
def grouped(group: Group) -> Iterator[None]:
    """Count every process this thread starts meanwhile in ``group``."""
    _local.group = group
    try:
        yield
    finally:
        _local.group = None


def _start(
    argv: Sequence[str],
    cwd: os.PathLike[str] | str,
    env: Mapping[str, str] | None,
    errors: str,
    group: Group | None = None,
) -> subprocess.Popen[str]:
    """Start ``argv`` in a group of its own and count it as running.

    Nothing starts once the run is stopping, or ``group`` is: a stop would
    miss it.
    """
    with _lock:
        if _stopping.is_set() or (group is not None and group.stopped):
            raise Stopped(f"{argv[0]}: not started, the run is stopping")
        proc = subprocess.Popen(  # nosec B603
            list(argv),
            cwd=cwd,
            env=None if env is None else dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors=errors,
            process_group=0,
        )
        _running.add(proc)
        if group is not None:
            group.procs.add(proc)
            group.begun.set()
    return proc


def stop_all(grace: float = GRACE_SECONDS) -> None:
    """Stop every running process (and start no more): SIGINT, then SIGKILL."""
    with _lock:
        _stopping.set()
        procs = list(_running)
    _stop(procs, grace)


def _stop(procs: Sequence[subprocess.Popen[str]], grace: float) -> None:
    for proc in procs:
        _kill_group(proc, signal.SIGINT)
    deadline = time.monotonic() + grace
    while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
        time.sleep(0.05)
    for proc in procs:
        _kill_group(proc, signal.SIGKILL)


def _kill_group(proc: subprocess.Popen[str], number: int) -> None:
    try:
        os.killpg(proc.pid, number)
    except (ProcessLookupError, PermissionError):
        pass


@contextlib.contextmanager
def pool(jobs: int) -> Iterator[concurrent.futures.ThreadPoolExecutor]:
    """Yield a thread pool whose queued work is cancelled when the run is stopped.

    Leaving it by an exception (an interrupt, SIGTERM) stops the running
    processes and cancels every batch not started, instead of waiting for them.
    """
    executor = concurrent.futures.ThreadPoolExecutor(jobs)
    try:
        yield executor
    except BaseException:
        stop_all()
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def completed(
    futures: Sequence[concurrent.futures.Future[T]],
) -> Iterator[concurrent.futures.Future[T]]:
    """Yield each of ``futures`` as it finishes; an interrupt may land while waiting.

    ``concurrent.futures.as_completed`` takes every future's lock at once: an
    interrupt between two of them leaves the ones already taken held by this
    thread, a worker finishing such a future waits for it forever, and so does
    the pool's shutdown (the run never stops).  Here each future's lock is only
    taken by ``add_done_callback`` (a ``with`` block, released on an
    interrupt), and the wait is on a queue the workers' callbacks fill.
    """
    done: queue.SimpleQueue[concurrent.futures.Future[T]] = queue.SimpleQueue()
    for future in futures:
        future.add_done_callback(done.put)
    for _ in futures:
        yield done.get()


def begin() -> None:
    """Start a run: tools may start (a run stopped before in this process is over)."""
    _stopping.clear()


def on_sigterm(number: int, frame: object) -> None:
    """Raise ``Terminated`` in the main thread: the SIGTERM handler."""
    raise Terminated()


def handle_sigterm() -> None:
    """Make SIGTERM stop the run as an interrupt does (main thread only)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_sigterm)
