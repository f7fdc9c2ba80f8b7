"""A signal to the gate alone stops the run within seconds, leaving nothing behind.

The gate runs for real on hundreds of modules with every tool; SIGINT or
SIGTERM goes to its process only (as ``kill PID`` or a CI runner sends it, not
a terminal's Ctrl-C to the whole group).  Its tools run in process groups of
their own: the gate must stop them itself, and cancel the batches not started.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import HOOKS, Project
from quality_gates import processes

BODY = "".join(f"\n\ndef f{i}(value):\n    return value * {i}\n" for i in range(40))


@pytest.fixture
def resumed() -> Iterator[None]:
    """``stop_all`` stops this process from starting tools: undo it after."""
    yield
    processes._stopping.clear()


def test_an_interrupt_while_waiting_for_batches_leaves_no_lock_held() -> None:
    """The interrupt lands while the run waits on a batch's lock: workers still finish.

    Another thread holds one batch's lock as the run starts waiting; SIGINT
    arrives then.  ``as_completed`` would keep the locks it had taken (a worker
    finishing those batches, and the pool's shutdown, would hang forever).
    """
    futures: list[concurrent.futures.Future[int]] = [
        concurrent.futures.Future() for _ in range(4)
    ]
    held = max(futures, key=id)  # as_completed takes the others first
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with held._condition:  # type: ignore[attr-defined]
            taken.set()
            release.wait(10)

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(5)
    main = threading.get_ident()
    timer = threading.Timer(0.3, signal.pthread_kill, (main, signal.SIGINT))
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            for _ in processes.completed(futures):
                pass
    finally:
        signal.signal(signal.SIGINT, previous)
        release.set()
    finished: list[int] = []

    def finish() -> None:  # as a worker does: blocks on a lock left held
        for future in futures:
            future.set_result(1)
            finished.append(1)

    worker = threading.Thread(target=finish, daemon=True)
    worker.start()
    worker.join(5)
    assert finished == [1, 1, 1, 1]


def session_left(sid: int) -> list[str]:
    """Return the command lines of session ``sid``'s live processes; kill them."""
    left = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) != sid or fields[0] == "Z":
                continue
            left.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, IndexError, ValueError):
            continue
    return left


def gone(pid: int, within: float = 2.0) -> bool:
    """Tell whether ``pid`` ends (or is a zombie: killed, not yet reaped) in time."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def test_stop_all_stops_a_tool_and_its_children(resumed: None, tmp_path: Path) -> None:
    pid_file = tmp_path / "child"
    script = f"sleep 60 & echo $! > {pid_file}; wait"
    outcome: list[object] = []
    worker = threading.Thread(
        target=lambda: outcome.append(processes.run(["sh", "-c", script], cwd=tmp_path))
    )
    worker.start()
    while not pid_file.exists() or not pid_file.read_text().strip():
        time.sleep(0.05)
    child = int(pid_file.read_text())
    start = time.monotonic()
    processes.stop_all(grace=1.0)
    worker.join(timeout=5)
    assert not worker.is_alive() and time.monotonic() - start < 3
    assert gone(child)  # the grandchild went with its group
    with pytest.raises(processes.Stopped):
        processes.run(["true"], cwd=tmp_path)


@pytest.mark.parametrize(
    ("number", "word"),
    [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "terminated")],
)
def test_the_gate_stops_within_seconds_and_leaves_nothing(
    project: Project, tmp_path: Path, number: int, word: str
) -> None:
    for index in range(300):
        project.write(
            f"pkg{index // 100}/m{index}.py", f'"""M."""\n\nimport os\n{BODY}'
        )
    project.commit()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(HOOKS), "TMPDIR": str(tmp)}
    gate = subprocess.Popen(
        [sys.executable, "-m", "quality_gates", "run", "--all-files", "--no-cache"]
        + ["--jobs", "2"],
        cwd=project.root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert gate.stderr is not None
    assert gate.stderr.readline().startswith("quality-gates: checking 300 file(s)")
    time.sleep(1.0)  # the tools are running
    gate.send_signal(number)
    start = time.monotonic()
    _, err = gate.communicate(timeout=60)
    assert time.monotonic() - start < 5
    assert gate.returncode == 2
    assert err.strip().splitlines()[-1] == f"quality-gates run: {word}"
    assert session_left(gate.pid) == []
    assert list(tmp.iterdir()) == []
