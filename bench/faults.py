#!/usr/bin/env python3
"""The fault battery: quality-gates against hostile inputs, as a user would meet them.

Each scenario builds a real project (git repository, files, symlinks, FIFOs,
device nodes, read-only or full mounts) in a scratch folder, runs the real
``python -m quality_gates`` on it one or more times (a second run reads the
cache the first one wrote) and judges what happened:

- ``false-pass``: exit 0 where the gate must fail (findings) or error;
- ``traceback``: a Python traceback instead of a one-line error;
- ``hang``: still running after ``--hang-after`` seconds (killed);
- ``unbounded``: the process tree's peak memory over ``--memory-limit``;
- ``clobbered``: a file or node that is not the gate's to replace was changed;
- ``litter``: a temporary file or worktree left behind after the next run;
- ``unclear``: another exit code than expected, or the message that says what
  happened and what to do is missing.

Run it against any checkout of the package: ``--hooks DIR`` is put first on
PYTHONPATH (default: this checkout's ``hooks/``), so the same battery measures
the code before and after a change.  Tools come from this interpreter's
environment.  Scenarios that need root (mounts, device nodes) are skipped
without it, and say so.

    python bench/faults.py [--hooks DIR] [--only ID ...] [--json PATH]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import signal
import stat
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

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
)
GIB = 1024**3
GOOD = '"""Doc."""\n\nx = 1\n'
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


@dataclasses.dataclass
class Case:
    """A built scenario: where to run, what to run, what to check afterwards."""

    cwd: Path
    runs: list[Run]
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    # after the runs: a list of "category: detail" problems
    check: Callable[[], list[str]] | None = None
    cleanup: list[Callable[[], None]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Space:
    """A scenario's scratch folder, shared artefacts, and the interpreter to use."""

    dir: Path
    shared: Path
    python: str = sys.executable

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


@dataclasses.dataclass
class Result:
    """How one command ended."""

    code: int | None
    stdout: str
    stderr: str
    seconds: float
    peak_kb: int
    timed_out: bool = False


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
) -> Result:
    """Run one command in its own session; kill the session after ``timeout``.

    Output goes to files (no pipe can fill up); ``wait4`` gives the peak RSS
    of the process and the children it waited for.
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
        status, usage, timed_out = _wait(proc.pid, start + timeout)
        proc.returncode = status  # reaped here: keep Popen from waiting again
        out.seek(0)
        err.seek(0)
        return Result(
            status,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            time.monotonic() - start,
            usage,
            timed_out,
        )


def _wait(pid: int, deadline: float) -> tuple[int, int, bool]:
    timed_out = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), usage.ru_maxrss, timed_out
        if time.monotonic() > deadline and not timed_out:
            timed_out = True
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


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
    if scenario.needs_root and os.geteuid() != 0:
        return Verdict(scenario, [], skipped="needs root (mounts or device nodes)")
    space = Space(folder, shared)
    start = time.monotonic()
    case = scenario.build(space)
    env = {**gate_env(space, hooks), **case.env}
    try:
        results = []
        for run in case.runs:
            argv = run.args if run.raw else [space.python, "-m", "quality_gates"]
            argv = argv + ([] if run.raw else run.args)
            results.append(
                execute(argv, case.cwd, env, timeout=hang_after, memory=run.memory)
            )
        problems = judge(case.runs, results, memory_limit_mb * 1024)
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


def mount_tmpfs(path: Path, *options: str) -> Callable[[], None]:
    """Mount a small tmpfs at ``path`` (root only); return its unmount."""
    path.mkdir(parents=True, exist_ok=True)
    opts = ",".join(("size=256k", *options))
    subprocess.run(  # nosec B603 B607
        ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], check=True
    )
    return lambda: _umount(path)


def bind_read_only(source: Path, target: Path) -> Callable[[], None]:
    """Mount ``source`` read-only at ``target`` (root only); return its unmount."""
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # nosec B603 B607
        ["mount", "--bind", str(source), str(target)], check=True
    )
    subprocess.run(  # nosec B603 B607
        ["mount", "-o", "remount,bind,ro", str(target)], check=True
    )
    return lambda: _umount(target)


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], check=False)  # nosec B603 B607


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


# -- the scenarios: false passes ---------------------------------------------------

BAD = {
    "black": ("x  =  1\n", "black BLK100"),
    "isort": ('"""Doc."""\n\nimport sys\nimport os\n\nprint(os, sys)\n', "isort I001"),
    "flake8": ('"""Doc."""\n\nimport os\n', "flake8 F401"),
    "mypy": ('"""Doc."""\n\nx: int = "text"\n', "mypy assignment"),
    "bandit": (
        '"""Doc."""\n\nimport subprocess\n\nsubprocess.call("ls", shell=True)\n',
        "bandit B602",
    ),
}


def bom_file(space: Space) -> Case:
    root = space.project({"bom.py": b"\xef\xbb\xbfx  =  1\n"})
    commit(root)
    runs = twice(
        "run", "--tools", "black", "bom.py", expect=1, says=["bom.py:1:1: black BLK100"]
    )
    return Case(root, runs)


def tab_in_name(space: Space) -> Case:
    root = space.project({"tab\tname.py": "x  =  1\n"})
    commit(root)
    says = ["tab\tname.py:1:1: black BLK100"]
    return Case(
        root, twice("run", "--tools", "black", "--all-files", expect=1, says=says)
    )


def newline_in_name(space: Space) -> Case:
    root = space.project({"new\nline.py": "x  =  1\n", "good.py": GOOD})
    commit(root)
    says = ["line break"]
    return Case(
        root, twice("run", "--tools", "black", "--all-files", expect=2, says=says)
    )


def shadow(tool: str, package: bool) -> Callable[[Space], Case]:
    def build(space: Space) -> Case:
        source, rule = BAD[tool]
        files: dict[str, str | bytes] = {"bad.py": source}
        if package:
            files[f"{tool}/__init__.py"] = '"""The project\'s own package."""\n'
            files[f"{tool}/__main__.py"] = '"""Its entry point."""\n'
        else:
            files[f"{tool}.py"] = '"""Colour constants."""\n\nBLACK = "#000000"\n'
        root = space.project(files)
        commit(root)
        return Case(
            root,
            twice("run", "--tools", tool, "bad.py", expect=1, says=["bad.py:", rule]),
        )

    return build


MUTABLE_DEFAULT = '"""Module."""\n\n\ndef f(x=[]):\n    """Return x."""\n    return x\n'


def flake8_plugin_missing(space: Space) -> Case:
    root = space.project(
        {
            ".flake8": "[flake8]\nextend-select = B006\n",
            "bad.py": MUTABLE_DEFAULT,
        }
    )
    commit(root)
    return Case(
        root,
        [
            gate(
                "run",
                "--tools",
                "flake8",
                "bad.py",
                expect=1,
                says=[".flake8:2:1: flake8 config-error extend-select names B006"],
            )
        ],
    )


# -- clobbered ------------------------------------------------------------------

OUTPUT = ("run", "--tools", "flake8", "--format", "json", "good.py", "--output")


def output_symlink(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    elsewhere = space.dir / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "report.json").write_text("old")
    (root / "out.json").symlink_to(elsewhere / "report.json")

    def check() -> list[str]:
        problems = kept(root / "out.json", "symlink")
        text = (elsewhere / "report.json").read_text()
        if not problems and '"findings"' not in text:
            problems.append("unclear: the report was not written through the symlink")
        return problems

    return Case(root, [gate(*OUTPUT, "out.json", expect=0)], check=check)


def output_fifo(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    fifo = root / "out.json"
    os.mkfifo(fifo)
    got = space.dir / "got.json"
    with got.open("wb") as sink:
        reader = subprocess.Popen(  # nosec B603 B607
            ["cat", str(fifo)], stdout=sink, start_new_session=True
        )

    def check() -> list[str]:
        problems = kept(fifo, "fifo")
        try:
            reader.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(reader.pid, signal.SIGKILL)
            reader.wait()
            return problems + ["hang: the FIFO's reader never got the report"]
        if '"findings"' not in got.read_text():
            problems.append("unclear: the FIFO's reader got no report")
        return problems

    def stop() -> None:
        if reader.poll() is None:
            os.killpg(reader.pid, signal.SIGKILL)
            reader.wait()

    return Case(
        root, [gate(*OUTPUT, "out.json", expect=0)], check=check, cleanup=[stop]
    )


def device(space: Space, root: Path, name: str, minor: int) -> Path:
    """Make a /dev/null (minor 3) or /dev/full (minor 7) node under ``root``."""
    path = root / name
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    return path


def output_null_device(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    node = device(space, root, "null-device", 3)
    return Case(
        root,
        [gate(*OUTPUT, node.name, expect=0)],
        check=lambda: kept(node, "device"),
    )


def output_full_device(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    node = device(space, root, "full-device", 7)
    run = gate(*OUTPUT, node.name, expect=2, says=["No space left on device"])
    return Case(root, [run], check=lambda: kept(node, "device"))


VICTIM = b"x  =  1\n"


def _outside_link(space: Space) -> tuple[Path, Path]:
    outside = space.dir / "outside"
    outside.mkdir()
    victim = outside / "victim.py"
    victim.write_bytes(VICTIM)
    root = space.project({"good.py": GOOD})
    (root / "link.py").symlink_to(Path("..") / "outside" / "victim.py")
    commit(root)
    return root, victim


def fix_through_symlink(space: Space) -> Case:
    root, victim = _outside_link(space)
    run = gate(
        "run",
        "--fix",
        "--all-files",
        "--tools",
        "black,isort",
        expect=2,
        says=["link.py", "outside the project"],
    )
    return Case(root, [run], check=lambda: unchanged(victim, VICTIM))


def all_files_symlink(space: Space) -> Case:
    root, victim = _outside_link(space)
    run = gate("run", "--all-files", expect=2, says=["link.py", "outside the project"])
    return Case(root, [run], check=lambda: unchanged(victim, VICTIM))


def named_symlink(space: Space) -> Case:
    root, victim = _outside_link(space)
    run = gate("run", "link.py", expect=2, says=["link.py", "outside the project"])
    return Case(root, [run], check=lambda: unchanged(victim, VICTIM))


# -- tracebacks -------------------------------------------------------------------


def output_folder(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    (root / "reports").mkdir()
    run = gate(*OUTPUT, "reports", expect=2, says=["--output", "reports"])
    return Case(root, [run], check=lambda: kept(root / "reports", "folder"))


def output_read_only(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    source = space.dir / "ro-source"
    source.mkdir()
    undo = bind_read_only(source, root / "ro")
    run = gate(*OUTPUT, "ro/report.json", expect=2, says=["--output", "ro/report.json"])
    return Case(root, [run], cleanup=[undo])


def output_under_file(space: Space) -> Case:
    root = space.project({"good.py": GOOD, "notes.txt": "mine\n"})
    run = gate(
        *OUTPUT, "notes.txt/report.json", expect=2, says=["--output", "notes.txt"]
    )
    return Case(root, [run], check=lambda: unchanged(root / "notes.txt", b"mine\n"))


def output_full_disk(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    disk = space.dir / "disk"
    undo = mount_tmpfs(disk)
    (disk / "report.json").write_bytes(b"old report")
    _fill(disk / "filler")
    run = gate(
        *OUTPUT, str(disk / "report.json"), expect=2, says=["No space left on device"]
    )

    def check() -> list[str]:
        return unchanged(disk / "report.json", b"old report") + temporaries(disk)

    return Case(root, [run], check=check, cleanup=[undo])


def _fill(path: Path) -> None:
    """Write until the file system is full (a real ENOSPC, on a small tmpfs)."""
    with path.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass
    # tmpfs may still hold a partial page: fill the last bytes too
    with path.open("ab", buffering=0) as out:
        try:
            while True:
                out.write(b"\0")
        except OSError:
            pass


def baseline_read_only(space: Space) -> Case:
    source = space.project({"bad.py": BAD["flake8"][0]}, name="source")
    commit(source)
    root = space.dir / "project"
    undo = bind_read_only(source, root)
    run = gate(
        "baseline",
        expect=2,
        says=[".quality-gates-baseline.json", "Read-only file system"],
    )
    return Case(root, [run], cleanup=[undo])


def deep_expression(space: Space) -> Case:
    root = space.project({"deep.py": "x = " + "+".join(["1"] * 3000) + "\n"})
    run = gate(
        "run",
        "--tools",
        "flake8",
        "deep.py",
        expect=1,
        says=["deep.py:1:1: python E999"],
    )
    return Case(root, [run])


def _requirements(root: Path) -> None:
    (root / "requirements.txt").write_text("example-package==1.0\n")


def osv_nested(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    _requirements(root)
    db = space.dir / "db"
    db.mkdir()
    deep = "[" * 100_000 + "]" * 100_000
    (db / "deep.json").write_text('{"id": "DEEP-1", "details": ' + deep + "}")
    run = gate(
        "security",
        "--no-code",
        "--vuln-db",
        str(db),
        "-r",
        "requirements.txt",
        expect=2,
        says=["--vuln-db", "deep.json"],
    )
    return Case(root, [run])


def baseline_nested(space: Space) -> Case:
    deep = "[" * 100_000 + "]" * 100_000
    doc = '{"format": "quality-gates-baseline", "version": 1, "findings": ' + deep + "}"
    root = space.project({"good.py": GOOD, ".quality-gates-baseline.json": doc})
    run = gate(
        "run", "--tools", "flake8", "good.py", expect=2, says=["baseline", "nested"]
    )
    return Case(root, [run])


def zip_bomb(capped: bool) -> Callable[[Space], Case]:
    def build(space: Space) -> Case:
        root = space.project({"good.py": GOOD})
        _requirements(root)
        run = gate(
            "security",
            "--no-code",
            "--vuln-db",
            str(bomb_zip(space.shared)),
            "-r",
            "requirements.txt",
            expect=2,
            says=["--vuln-db", "huge.json"],
        )
        run.memory = GIB if capped else None
        return Case(root, [run])

    return build


def requirements_dev_zero(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    db = space.dir / "db"
    db.mkdir()
    (db / "record.json").write_text(json.dumps(RECORD))
    run = gate(
        "security",
        "--no-code",
        "--vuln-db",
        str(db),
        "-r",
        "/dev/zero",
        expect=2,
        says=["/dev/zero"],
    )
    run.memory = GIB
    return Case(root, [run])


# -- hangs --------------------------------------------------------------------------


def huge_generated_module(space: Space) -> Case:
    root = space.project({})
    os.link(huge_module(space.shared, 20 * 1024), root / "huge.py")
    run = gate(
        "run", "--tools", "black", "huge.py", expect=2, says=["huge.py", "max-file-kb"]
    )
    return Case(root, [run])


def tool_timeout(space: Space) -> Case:
    root = space.project({"pyproject.toml": "[tool.quality-gates]\ntool-timeout = 2\n"})
    os.link(huge_module(space.shared, 400), root / "slow.py")
    run = gate(
        "run",
        "--tools",
        "black",
        "slow.py",
        expect=2,
        says=["black timed out after 2 s", "slow.py", "tool-timeout"],
    )
    return Case(root, [run])


# -- smaller --------------------------------------------------------------------------


def dash_file_name(space: Space) -> Case:
    root = space.project({"-x.py": BAD["flake8"][0]})
    commit(root)
    run = gate(
        "run", "--tools", "flake8", "-x.py", expect=1, says=["-x.py:3:1: flake8 F401"]
    )
    return Case(root, [run])


NEWER_SYNTAX = {"3.11": "type Alias = int\n", "3.12": "def f[T = int](): pass\n"}


def newer_syntax(space: Space) -> Case:
    source = NEWER_SYNTAX.get(VERSION, "type Alias = int\n")
    root = space.project({"new.py": source})
    run = gate(
        "run",
        "--tools",
        "flake8",
        "new.py",
        expect=1,
        says=["new.py:1:", "python E999", f"Python {VERSION}"],
    )
    return Case(root, [run])


def cost_per_line_inf(space: Space) -> Case:
    root = space.project(
        {
            "good.py": GOOD,
            "pyproject.toml": "[tool.quality-gates]\ncost-per-line = inf\n",
        }
    )
    run = gate("run", "--tools", "flake8", "good.py", expect=2, says=["cost-per-line"])
    return Case(root, [run])


def tools_empty(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    return Case(
        root, [gate("run", "--tools", "", "good.py", expect=2, says=["--tools"])]
    )


def skipped_file(kind: str) -> Callable[[Space], Case]:
    def build(space: Space) -> Case:
        root = space.project({"good.py": GOOD})
        name = f"{kind}.py"
        if kind == "dangling":
            (root / name).symlink_to("missing.py")
        elif kind == "loop":
            (root / name).symlink_to(name)
        else:
            (root / name).write_text(GOOD)
        commit(root)
        if kind == "deleted":
            (root / name).unlink()
        run = gate("run", "--all-files", "--tools", "flake8", expect=0, says=[name])
        return Case(root, [run])

    return build


def baseline_killed(space: Space) -> Case:
    root = space.project({"bad.py": BAD["flake8"][0]})
    commit(root)
    patch = "os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)"
    runs = [killed_at(space, patch, "baseline"), gate("baseline", expect=0)]
    return Case(root, runs, check=lambda: temporaries(root))


def dashboard_killed(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    commit(root, "first")
    (root / "more.py").write_text(GOOD)
    commit(root, "second")
    patch = (
        "import quality_gates.history as h\n"
        "h.score_commit = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)"
    )
    args = ("dashboard", "--commits", "1", "--output", "d.html", "--no-cache")
    runs = [killed_at(space, patch, *args), gate(*args, expect=0)]

    def check() -> list[str]:
        listed = git(root, "worktree", "list", "--porcelain")
        extra = [ln for ln in listed.splitlines() if ln.startswith("worktree ")][1:]
        left = sorted((space.dir / "tmp").glob("quality-gates-history-*"))
        return [f"litter: worktree {ln[9:]} still registered" for ln in extra] + [
            f"litter: {p.name} left in the temporary folder" for p in left
        ]

    return Case(root, runs, check=check)


Row = tuple[str, str, Callable[[Space], Case]]
SHADOWS: list[Row] = [
    (f"shadow-{tool}-{kind}", f"a project {kind} named {tool} at the root", build)
    for tool in BAD
    for kind, build in (
        ("module", shadow(tool, package=False)),
        ("package", shadow(tool, package=True)),
    )
]
GROUPS: dict[str, list[Row]] = {
    "false-pass": [
        ("bom-file", "a file with a UTF-8 BOM, run twice", bom_file),
        ("tab-in-name", "a tab in a file name, run twice", tab_in_name),
        ("newline-in-name", "a newline in a file name", newline_in_name),
        *SHADOWS,
        ("flake8-plugin-missing", "a code no plugin reports", flake8_plugin_missing),
    ],
    "clobbered": [
        ("output-symlink", "--output to a symlink", output_symlink),
        ("output-fifo", "--output to a FIFO with a reader", output_fifo),
        ("output-null-device", "--output to /dev/null (a copy)", output_null_device),
        ("output-full-device", "--output to /dev/full (a copy)", output_full_device),
        ("fix-through-symlink", "--fix, a symlink to outside", fix_through_symlink),
        ("all-files-outside-symlink", "a symlink to outside", all_files_symlink),
        ("named-outside-symlink", "a named symlink to outside", named_symlink),
    ],
    "traceback": [
        ("output-folder", "--output to a folder", output_folder),
        ("output-read-only", "--output into a read-only mount", output_read_only),
        ("output-under-file", "--output under a regular file", output_under_file),
        ("output-full-disk", "--output onto a full tmpfs", output_full_disk),
        ("baseline-read-only", "baseline, read-only mount", baseline_read_only),
        ("deep-expression", "an expression of 3,000 terms", deep_expression),
        ("osv-nested", "an OSV record nested 100k deep", osv_nested),
        ("baseline-nested", "a baseline nested 100k deep", baseline_nested),
        ("zip-bomb-capped", "1 GiB OSV entry, 1 GiB cap", zip_bomb(capped=True)),
        ("requirements-dev-zero", "-r /dev/zero, 1 GiB cap", requirements_dev_zero),
    ],
    "hang": [
        ("huge-generated-module", "a 20 MB module", huge_generated_module),
        ("tool-timeout", "black past tool-timeout = 2", tool_timeout),
        ("zip-bomb-memory", "1 GiB OSV entry: peak memory", zip_bomb(capped=False)),
    ],
    "smaller": [
        ("dash-file-name", "a file named -x.py", dash_file_name),
        ("newer-syntax", "syntax of a newer Python", newer_syntax),
        ("cost-per-line-inf", "cost-per-line = inf", cost_per_line_inf),
        ("tools-empty", "--tools ''", tools_empty),
        ("dangling-symlink", "a tracked dangling symlink", skipped_file("dangling")),
        ("symlink-loop", "a tracked symlink loop", skipped_file("loop")),
        ("deleted-after-add", "a tracked file deleted", skipped_file("deleted")),
        ("baseline-killed", "kill -9 in baseline, rerun", baseline_killed),
        ("dashboard-killed", "kill -9 in dashboard, rerun", dashboard_killed),
    ],
}
# mounts and device nodes
ROOT_ONLY = {
    "output-null-device",
    "output-full-device",
    "output-read-only",
    "output-full-disk",
    "baseline-read-only",
}
SCENARIOS = [
    Scenario(name, group, what, build, needs_root=name in ROOT_ONLY)
    for group, rows in GROUPS.items()
    for name, what, build in rows
]


# -- the command ---------------------------------------------------------------


def totals(verdicts: Sequence[Verdict]) -> dict[str, int]:
    """Scenarios run, skipped, clean, and how many have each problem category."""
    ran = [v for v in verdicts if not v.skipped]
    counts = {
        "scenarios": len(ran),
        "skipped": len(verdicts) - len(ran),
        "ok": sum(1 for v in ran if not v.problems),
    }
    for category in CATEGORIES:
        counts[category] = sum(1 for v in ran if category in v.categories)
    return counts


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run the fault battery against a checkout of quality-gates."
    )
    parser.add_argument(
        "--hooks",
        type=Path,
        default=REPO / "hooks",
        help="the folder holding the quality_gates package (default: this checkout's)",
    )
    parser.add_argument("--only", nargs="+", metavar="ID", help="run these scenarios")
    parser.add_argument(
        "--hang-after",
        type=float,
        default=120.0,
        metavar="S",
        help="seconds before a command counts as hung and is killed (default: 120)",
    )
    parser.add_argument(
        "--memory-limit",
        type=int,
        default=1024,
        metavar="MB",
        help="peak memory above which a run counts as unbounded (default: 1024)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the verdicts")
    parser.add_argument("--list", action="store_true", help="list the scenarios")
    args = parser.parse_args(argv)
    known = {s.id for s in SCENARIOS}
    for name in args.only or ():
        if name not in known:
            parser.error(f"unknown scenario {name!r}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = [s for s in SCENARIOS if not args.only or s.id in args.only]
    if args.list:
        for s in chosen:
            print(f"{s.id:28} {s.group:11} {s.what}")
        return 0
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="qg-faults-") as scratch:
        shared = Path(scratch) / "shared"
        shared.mkdir()
        for index, scenario in enumerate(chosen):
            folder = Path(scratch) / f"{index:02d}-{scenario.id}"
            folder.mkdir()
            verdict = run_scenario(
                scenario,
                folder,
                shared,
                hooks=args.hooks.resolve(),
                hang_after=args.hang_after,
                memory_limit_mb=args.memory_limit,
            )
            verdicts.append(verdict)
            _print(verdict)
            shutil.rmtree(folder, ignore_errors=True)
    counts = totals(verdicts)
    print("totals: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if args.json:
        args.json.write_text(json.dumps(_document(verdicts, counts), indent=2) + "\n")
    return 0 if counts["ok"] == counts["scenarios"] else 1


def _print(verdict: Verdict) -> None:
    s = verdict.scenario
    state = "skipped" if verdict.skipped else ("ok" if not verdict.problems else "FAIL")
    print(f"{state:7} {s.id:28} {verdict.seconds:6.1f}s  {s.what}", flush=True)
    for problem in verdict.problems:
        print(f"          {problem}", flush=True)
    if verdict.skipped:
        print(f"          {verdict.skipped}", flush=True)


def _document(verdicts: Sequence[Verdict], counts: dict[str, int]) -> dict[str, object]:
    return {
        "totals": counts,
        "scenarios": [
            {
                "id": v.scenario.id,
                "group": v.scenario.group,
                "what": v.scenario.what,
                "problems": v.problems,
                "skipped": v.skipped,
                "seconds": round(v.seconds, 1),
            }
            for v in verdicts
        ],
    }


if __name__ == "__main__":
    raise SystemExit(main())
