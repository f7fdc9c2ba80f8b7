"""Tool processes: output read line by line as it comes, and groups stopped at once.

Real processes (``sh``, ``printf``, ``sleep``); counts and contents, never timings.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest
from quality_gates import processes

# CRLF, a lone CR, bytes that are not UTF-8, and no line break at the end
OUTPUT = r"printf 'one\r\ntwo\rthree\n\377\376 four\n\nlast'; printf 'err\n' >&2"


def test_lines_as_they_come_are_the_output_read_at_the_end(tmp_path: Path) -> None:
    argv = ["sh", "-c", OUTPUT]
    at_end = processes.run(argv, cwd=tmp_path, errors="surrogateescape")
    seen: list[str] = []
    streamed = processes.run(
        argv, cwd=tmp_path, errors="surrogateescape", on_line=seen.append
    )
    assert (streamed.stdout, streamed.stderr) == (at_end.stdout, at_end.stderr)
    assert "".join(seen) == at_end.stdout
    assert seen[-1] == "last" and len(seen) == 6
    assert at_end.stderr == "err\n"


def test_a_timeout_still_stops_a_process_read_line_by_line(tmp_path: Path) -> None:
    seen: list[str] = []
    with pytest.raises(subprocess.TimeoutExpired):
        processes.run(
            ["sh", "-c", "echo started; exec sleep 60"],
            cwd=tmp_path,
            timeout=0.5,
            on_line=seen.append,
        )
    assert seen == ["started\n"]


def test_a_stopped_group_kills_its_process_and_starts_no_other(
    tmp_path: Path,
) -> None:
    group = processes.Group()
    outcome: list[object] = []

    def work() -> None:
        with processes.grouped(group):
            outcome.append(processes.run(["sleep", "60"], cwd=tmp_path))
            try:
                processes.run(["true"], cwd=tmp_path)
            except processes.Stopped as exc:
                outcome.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    while not group.procs:
        worker.join(0.01)
    group.stop()
    worker.join(timeout=10)
    assert not worker.is_alive()
    killed, refused = outcome
    assert isinstance(killed, subprocess.CompletedProcess) and killed.returncode < 0
    assert isinstance(refused, processes.Stopped) and not group.procs
    # other work is not in the group: it still starts
    assert processes.run(["true"], cwd=tmp_path).returncode == 0


def test_a_failing_line_reader_still_reads_the_output_to_its_end(
    tmp_path: Path,
) -> None:
    """A tool writing more than a pipe holds is never left blocked on it."""
    seen: list[str] = []

    def fails(line: str) -> None:
        seen.append(line)
        raise ValueError("a bug in the reader")

    script = "i=0; while [ $i -lt 20000 ]; do echo line $i; i=$((i+1)); done"
    done = processes.run(["sh", "-c", script], cwd=tmp_path, on_line=fails)
    assert done.returncode == 0 and seen == ["line 0\n"]
    assert done.stdout.count("\n") == 20000
