"""The fault battery's model: scenarios, runs, verdicts, and the helpers builders use.

``bench/faults.py`` is the command; the scenarios live there and in
``bench/faults_*.py``, each a builder that makes a real project in a scratch
folder and returns a ``Case``: where to run, what to run, what to check.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import signal
import stat
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
from bench.sdists import commit_all, git  # noqa: E402  (this checkout's bench scripts)

CATEGORIES = (
    "false-pass",
    "traceback",
    "hang",
    "unbounded",
    "clobbered",
    "litter",
    "unclear",
    # what an attacker writes (code, file names, configs, advisories) reaching a
    # terminal, the Actions log, a job summary or SARIF as something else
    "injected",
)
GIB = 1024**3
GOOD = '"""Doc."""\n\nx = 1\n'
# the project of a scenario whose subject is the gate's own writes (a baseline
# or a dashboard killed, refused or named outside), not a tool's verdict: one
# tool decides what is written, the other four would only add their run
FLAKE8_ONLY = '[tool.quality-gates]\ntools = ["flake8"]\n'
VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"

# -- the model ----------------------------------------------------------------


@dataclasses.dataclass
class Run:
    """One command of a scenario and what it must end with."""

    args: list[str]
    expect: int
    says: tuple[str, ...] = ()
    # a full command line instead of ``python -m quality_gates ARGS``
    raw: bool = False
    memory: int | None = None  # RLIMIT_AS of the process, bytes
    # a signal sent to the process alone (not its group) once it has said
    # something, and how soon it must be gone after it
    signal: Signal | None = None
    # run in another folder than the case's, with more environment variables
    cwd: Path | None = None
    env: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Signal:
    """A signal to send once the output holds ``after``.

    The process must exit within ``within`` seconds of it, leaving no process.
    """

    number: int
    # a text the output holds, or seconds since the start
    after: str | float
    within: float = 5.0


@dataclasses.dataclass
class Case:
    """A built scenario: where to run, what to run, what to check afterwards."""

    cwd: Path
    runs: list[Run]
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    # after the runs: a list of "category: detail" problems
    check: Callable[[], list[str]] | None = None
    # after the runs, on their output: a list of "category: detail" problems
    inspect: Callable[[list[Result]], list[str]] | None = None
    cleanup: list[Callable[[], None]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Space:
    """A scenario's scratch folder, shared artefacts, and the interpreter to use."""

    dir: Path
    shared: Path
    python: str = sys.executable
    # the folder holding the quality_gates package under test (--hooks)
    hooks: Path = REPO / "hooks"

    def project(self, files: dict[str, str | bytes], *, name: str = "project") -> Path:
        """Make a git repository holding ``files`` (not committed)."""
        root = self.dir / name
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
        return root


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One hostile input, the group of the issue it belongs to, and its builder."""

    id: str
    group: str
    what: str
    build: Callable[[Space], Case]
    needs_root: bool = False
    # the battery it belongs to: #14 (the first), #22, or #22-own (devised
    # beside #22's cases, in the same classes)
    origin: str = "#14"
    # installs an environment (pytest's ``slow`` marker)
    slow: bool = False


@dataclasses.dataclass
class Result:
    """How one command ended."""

    code: int | None
    stdout: str
    stderr: str
    seconds: float
    peak_kb: int
    timed_out: bool = False
    # processes of its session still running after it exited
    leftover: list[str] = dataclasses.field(default_factory=list)
    # seconds from the signal of ``Run.signal`` to the exit (None: not sent)
    after_signal: float | None = None


@dataclasses.dataclass
class Verdict:
    """A scenario's problems (empty: it behaved), or why it was skipped."""

    scenario: Scenario
    problems: list[str]
    skipped: str = ""
    seconds: float = 0.0

    @property
    def categories(self) -> set[str]:
        """The distinct problem categories."""
        return {p.split(":", 1)[0] for p in self.problems}


# -- running ------------------------------------------------------------------


def commit(root: Path, message: str = "change") -> None:
    """Stage everything and commit it."""
    commit_all(root, message)


def _limit(memory: int | None) -> Callable[[], None] | None:
    if memory is None:
        return None

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return apply


def execute(
    argv: Sequence[str],
    cwd: Path,
    env: dict[str, str],
    *,
    timeout: float,
    memory: int | None = None,
    send: Signal | None = None,
) -> Result:
    """Run one command in its own session; kill the session after ``timeout``.

    Output goes to files (no pipe can fill up); ``wait4`` gives the peak RSS
    of the process and the children it waited for.  ``send`` signals the
    process alone once its output says ``send.after``.  Processes of its
    session still running once it exited are named, then killed.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(  # nosec B603
            list(argv),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
            preexec_fn=_limit(memory),
        )
        waited = _wait(proc.pid, start, timeout, send, (out, err))
        proc.returncode = waited.code  # reaped here: keep Popen from waiting again
        leftover = _session_left(proc.pid)
        out.seek(0)
        err.seek(0)
        return Result(
            waited.code,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            time.monotonic() - start,
            waited.peak_kb,
            waited.timed_out,
            leftover,
            waited.after_signal,
        )


@dataclasses.dataclass
class _Waited:
    code: int
    peak_kb: int
    timed_out: bool = False
    after_signal: float | None = None


def _wait(
    pid: int, start: float, timeout: float, send: Signal | None, outputs: Sequence[Any]
) -> _Waited:
    deadline = start + timeout
    timed_out = False
    sent: float | None = None
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            after = None if sent is None else time.monotonic() - sent
            code = os.waitstatus_to_exitcode(status)
            return _Waited(code, usage.ru_maxrss, timed_out, after)
        if send is not None and sent is None and _due(send, outputs, start):
            os.kill(pid, send.number)
            sent = time.monotonic()
        if time.monotonic() > deadline and not timed_out:
            timed_out = True
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


def _due(send: Signal, outputs: Sequence[Any], start: float) -> bool:
    """Tell whether the text, or the time (seconds since ``start``), has come."""
    if isinstance(send.after, str):
        return _said(outputs, send.after)
    return time.monotonic() - start >= send.after


def _said(outputs: Sequence[Any], text: str) -> bool:
    """Tell whether the output files written so far hold ``text``."""
    for handle in outputs:
        handle.flush()
        with open(handle.fileno(), "rb", closefd=False) as again:
            again.seek(0)
            if text.encode() in again.read():
                return True
    return False


def _session_left(sid: int) -> list[str]:
    """Name and kill the processes of session ``sid`` that are still running."""
    left = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat_text = (entry / "stat").read_text()
            fields = stat_text.rsplit(")", 1)[1].split()
            if int(fields[3]) != sid or fields[0] == "Z":
                continue
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").strip()
        except (OSError, IndexError, ValueError):
            continue
        left.append(cmd.decode("utf-8", "replace")[:120])
        try:
            os.kill(int(entry.name), signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


def judge(runs: Sequence[Run], results: Sequence[Result], memory_kb: int) -> list[str]:
    """Name every way the results differ from what the runs expect."""
    problems: list[str] = []
    for index, (run, res) in enumerate(zip(runs, results), 1):
        where = f"run {index}" if len(runs) > 1 else "run"
        output = res.stdout + res.stderr
        if res.timed_out:
            problems.append(f"hang: {where} still running after {res.seconds:.0f} s")
            continue
        if "Traceback (most recent call last)" in output:
            last = [ln for ln in res.stderr.strip().splitlines() if ln.strip()]
            problems.append(
                f"traceback: {where} exit {res.code}: {last[-1] if last else '?'}"
            )
        elif res.code == 0 and run.expect != 0:
            problems.append(f"false-pass: {where} exit 0, expected {run.expect}")
        elif res.code != run.expect:
            problems.append(
                f"unclear: {where} exit {res.code}, expected {run.expect}: "
                + _tail(res)
            )
        missing = [text for text in run.says if text not in output]
        if missing and not problems:
            problems.append(
                f"unclear: {where} does not say {missing[0]!r}: {_tail(res)}"
            )
        if res.peak_kb > memory_kb:
            problems.append(f"unbounded: {where} peaked at {res.peak_kb // 1024} MB")
        problems += _after(run, res, where)
    return problems


def _after(run: Run, res: Result, where: str) -> list[str]:
    """Problems of what a run left: processes, a signal it did not honour."""
    problems = []
    if res.leftover:
        problems.append(
            f"litter: {where} left {len(res.leftover)} process(es) running: "
            f"{res.leftover[0]!r}"
        )
    if run.signal is not None:
        name = signal.Signals(run.signal.number).name
        if res.after_signal is None:
            problems.append(f"unclear: {where} never said {run.signal.after!r}")
        elif res.after_signal > run.signal.within:
            problems.append(
                f"hang: {where} ran {res.after_signal:.1f} s after {name} "
                f"(allowed {run.signal.within:g} s)"
            )
    return problems


def _tail(res: Result) -> str:
    lines = [ln for ln in (res.stderr + res.stdout).strip().splitlines() if ln.strip()]
    return repr(lines[-1][:160]) if lines else "no output"


def gate_env(space: Space, hooks: Path) -> dict[str, str]:
    """Return every command's environment: this package first, a private cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALITY_GATES")}
    env.pop("VIRTUAL_ENV", None)
    env["PYTHONPATH"] = str(hooks)
    env["QUALITY_GATES_CACHE_DIR"] = str(space.dir / "cache")
    env["BLACK_CACHE_DIR"] = str(space.dir / "black-cache")
    env["XDG_STATE_HOME"] = str(space.dir / "state")  # the cache's per-user key
    # uv's own cache too: a scenario that tampers with an environment must not
    # leave the machine's uv cache tampered with for the next run
    env["UV_CACHE_DIR"] = str(space.dir / "uv-cache")
    tmp = space.dir / "tmp"
    tmp.mkdir(exist_ok=True)
    env["TMPDIR"] = str(tmp)
    return env


def run_scenario(
    scenario: Scenario,
    folder: Path,
    shared: Path,
    *,
    hooks: Path,
    hang_after: float = 120.0,
    memory_limit_mb: int = 1024,
) -> Verdict:
    """Build the scenario in ``folder``, run it, judge it, clean up."""
    if scenario.needs_root and not can_be_root():
        return Verdict(
            scenario, [], skipped="needs root or sudo -n (mounts or device nodes)"
        )
    space = Space(folder, shared, hooks=hooks)
    start = time.monotonic()
    case = scenario.build(space)
    env = {**gate_env(space, hooks), **case.env}
    try:
        results = []
        for run in case.runs:
            argv = run.args if run.raw else [space.python, "-m", "quality_gates"]
            argv = argv + ([] if run.raw else run.args)
            results.append(
                execute(
                    argv,
                    run.cwd or case.cwd,
                    {**env, **run.env},
                    timeout=hang_after,
                    memory=run.memory,
                    send=run.signal,
                )
            )
        problems = judge(case.runs, results, memory_limit_mb * 1024)
        if case.inspect is not None:
            problems += case.inspect(results)
        if case.check is not None:
            problems += case.check()
    finally:
        for undo in reversed(case.cleanup):
            undo()
    return Verdict(scenario, problems, seconds=time.monotonic() - start)


# -- helpers for builders ------------------------------------------------------


def gate(*args: str, expect: int, says: Sequence[str] = ()) -> Run:
    """``python -m quality_gates ARGS``."""
    return Run(list(args), expect, tuple(says))


def twice(*args: str, expect: int, says: Sequence[str] = ()) -> list[Run]:
    """Run the same command twice: the second reads what the first cached."""
    return [gate(*args, expect=expect, says=says) for _ in range(2)]


def as_root(argv: list[str]) -> list[str]:
    """``argv`` run as root: as it is for root, else through ``sudo -n``.

    A GitHub-hosted runner is not root but has password-less sudo, so the
    scenarios that mount or make device nodes run there too; the gate itself
    still runs as the user.
    """
    return argv if os.geteuid() == 0 else ["sudo", "-n", *argv]


def can_be_root() -> bool:
    """Whether ``as_root`` works here: root, or password-less sudo."""
    if os.geteuid() == 0:
        return True
    try:
        return (
            subprocess.run(  # nosec B603 B607
                ["sudo", "-n", "true"], capture_output=True, check=False
            ).returncode
            == 0
        )
    except OSError:  # no sudo at all
        return False


def mount_tmpfs(path: Path, *options: str) -> Callable[[], None]:
    """Mount a small tmpfs at ``path`` (``as_root``); return its unmount."""
    path.mkdir(parents=True, exist_ok=True)
    opts = ",".join(("size=256k", "mode=1777", *options))
    subprocess.run(  # nosec B603 B607
        as_root(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)]), check=True
    )
    return lambda: _umount(path)


def bind_read_only(source: Path, target: Path) -> Callable[[], None]:
    """Mount ``source`` read-only at ``target`` (``as_root``); return its unmount."""
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # nosec B603 B607
        as_root(["mount", "--bind", str(source), str(target)]), check=True
    )
    subprocess.run(  # nosec B603 B607
        as_root(["mount", "-o", "remount,bind,ro", str(target)]), check=True
    )
    return lambda: _umount(target)


def _umount(path: Path) -> None:
    subprocess.run(as_root(["umount", "-l", str(path)]), check=False)  # nosec B603 B607


def node_kind(path: Path) -> str:
    """Tell what is at ``path``, without following a symlink."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return "missing"
    for test, kind in (
        (stat.S_ISLNK, "symlink"),
        (stat.S_ISFIFO, "fifo"),
        (stat.S_ISCHR, "device"),
        (stat.S_ISDIR, "folder"),
        (stat.S_ISREG, "file"),
    ):
        if test(mode):
            return kind
    return "other"


def kept(path: Path, kind: str) -> list[str]:
    """Return a problem when the node at ``path`` is no longer of ``kind``."""
    now = node_kind(path)
    if now != kind:
        return [f"clobbered: {path.name} was a {kind}, is now a {now}"]
    return []


def unchanged(path: Path, content: bytes) -> list[str]:
    """Return a problem when ``path`` no longer holds ``content``."""
    try:
        if path.read_bytes() == content:
            return []
    except OSError as exc:
        return [f"clobbered: {path}: {exc.strerror}"]
    return [f"clobbered: {path} was rewritten"]


def temporaries(folder: Path) -> list[str]:
    """Return a problem for each ``*.tmp`` file left in ``folder``."""
    return [
        f"litter: {p.name} left in {folder.name}/"
        for p in sorted(folder.iterdir())
        if p.name.endswith(".tmp")
    ]


KILL_AT = """\
import os, signal, sys
{patch}
from quality_gates.cli import main
sys.exit(main(sys.argv[1:]))
"""


def killed_at(space: Space, patch: str, *args: str) -> Run:
    """Run the gate and SIGKILL it where ``patch`` says (a real ``kill -9``)."""
    code = KILL_AT.format(patch=patch)
    return Run([space.python, "-c", code, *args], -9, raw=True)


# -- shared artefacts ------------------------------------------------------------


def huge_module(shared: Path, kilobytes: int) -> Path:
    """Write (once) a generated module of ``kilobytes`` KB: one dict literal."""
    path = shared / f"generated_{kilobytes}kb.py"
    if not path.exists():
        tmp = path.with_suffix(".part")
        with tmp.open("w") as out:
            out.write('"""Generated."""\n\nDATA = {\n')
            size, i = 0, 0
            while size < kilobytes * 1024:
                row = f'    "key_{i}": ("value_{i}", {i}, {i * 2.5}, None),\n'
                out.write(row)
                size += len(row)
                i += 1
            out.write("}\n")
        tmp.rename(path)
    return path


def bomb_zip(shared: Path) -> Path:
    """Write (once) a ~1 MB zip of OSV records, one a 1 GiB JSON entry."""
    path = shared / "osv-bomb.zip"
    if not path.exists():
        tmp = path.with_suffix(".part")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("PYSEC-0000-1.json", json.dumps(RECORD))
            with archive.open("huge.json", "w", force_zip64=True) as entry:
                entry.write(b'{"id": "HUGE-1", "details": "')
                chunk = b"A" * (1 << 20)
                for _ in range(1024):
                    entry.write(chunk)
                entry.write(b'"}')
        tmp.rename(path)
    return path


RECORD = {
    "id": "PYSEC-0000-1",
    "summary": "example",
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "example-package"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
        }
    ],
}
