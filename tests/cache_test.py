"""The content-hash cache: hits, misses, corruption, concurrency — with the real tools."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

import pytest
from conftest import HOOKS, InProcess, Project, as_root, cli, cli_json
from gate_json import qg_json
from quality_gates import baseline, cache_key

SOURCE = '"""Doc."""\n\nimport os\n\n\ndef f(a: int) -> int:\n    """Do it."""\n    return a\n'


def run(qg: InProcess, project: Project, *args: str) -> tuple[int, dict[str, Any], str]:
    return qg_json(qg, project.root, "run", *args)


def make(project: Project, count: int = 3, *, tools: str = "") -> list[str]:
    """Write ``count`` modules with an unused import; ``tools`` limits the run.

    The tests of the cache's own failures (corruption, locks, a full disk) run
    flake8 alone: the store is the same whatever tool wrote the rows.
    """
    names = []
    for i in range(count):
        names.append(f"pkg/m{i}.py")
        project.write(names[-1], SOURCE)
    if tools:
        project.write("pyproject.toml", f"[tool.quality-gates]\ntools = [{tools}]\n")
    project.commit("files")
    return names


ONE_TOOL = '"flake8"'


def cached(report: dict[str, Any]) -> dict[str, int]:
    return {name: tool["cached"] for name, tool in report["tools"].items()}


def test_second_run_is_served_from_the_cache(project: Project, qg: InProcess) -> None:
    make(project)
    code1, first, _ = run(qg, project, "--all-files")
    code2, second, _ = run(qg, project, "--all-files")
    assert code1 == code2 == 1
    assert set(cached(first).values()) == {0}
    assert set(cached(second).values()) == {3}
    assert first["findings"] == second["findings"]
    assert {f["rule"] for f in second["findings"]} == {"F401"}


def test_an_edited_file_is_checked_again(project: Project, qg: InProcess) -> None:
    names = make(project)
    run(qg, project, "--all-files")
    project.write(names[1], SOURCE.replace("import os\n", "import os\nimport sys\n"))
    _, report, _ = run(qg, project, "--all-files")
    assert cached(report)["flake8"] == 2
    assert cached(report)["mypy"] == 0  # whole-program: any change re-runs it
    assert [f["path"] for f in report["findings"] if f["tool"] == "flake8"].count(
        names[1]
    ) == 2


def test_a_config_change_invalidates_the_tools_it_affects(
    project: Project, qg: InProcess
) -> None:
    make(project)
    run(qg, project, "--all-files")
    project.write("pyproject.toml", "[tool.quality-gates]\nline-length = 100\n")
    _, report, _ = run(qg, project, "--all-files")
    assert set(cached(report).values()) == {0}


def test_no_cache_neither_reads_nor_writes(
    project: Project, isolated_cache: Path, qg: InProcess
) -> None:
    make(project, tools=ONE_TOOL)
    run(qg, project, "--all-files", "--no-cache")
    assert not (isolated_cache / "results.sqlite3").exists()


def test_garbage_cache_is_detected_rebuilt_and_mentioned(
    project: Project, isolated_cache: Path, qg: InProcess
) -> None:
    make(project, tools=ONE_TOOL)
    _, first, _ = run(qg, project, "--all-files")
    (isolated_cache / "results.sqlite3").write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (isolated_cache / f"results.sqlite3{suffix}").unlink(missing_ok=True)
    code, report, stderr = run(qg, project, "--all-files")
    assert code == 1
    assert report["findings"] == first["findings"]
    assert any("was corrupt" in note and "rebuilt" in note for note in report["notes"])
    _, again, _ = run(qg, project, "--all-files")
    assert set(cached(again).values()) == {3}


def test_truncated_cache_is_never_trusted(
    project: Project, isolated_cache: Path, qg: InProcess
) -> None:
    make(project, count=40, tools=ONE_TOOL)
    _, first, _ = run(qg, project, "--all-files")
    db = isolated_cache / "results.sqlite3"
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    code, report, _ = run(qg, project, "--all-files")
    assert code == 1
    assert report["findings"] == first["findings"]
    assert any("corrupt" in note for note in report["notes"])


def test_an_edited_entry_is_not_trusted(
    project: Project, isolated_cache: Path, qg: InProcess
) -> None:
    make(project, tools=ONE_TOOL)
    _, first, _ = run(qg, project, "--all-files")
    with sqlite3.connect(isolated_cache / "results.sqlite3") as conn:
        conn.execute("UPDATE results SET v = '[]'")
    code, report, _ = run(qg, project, "--all-files")
    assert code == 1 and report["findings"] == first["findings"]
    assert cached(report) == {"flake8": 0}
    assert [n for n in report["notes"] if "not signed with this user's key" in n]
    _, again, _ = run(qg, project, "--all-files")  # the rows were signed again
    assert cached(again) == {"flake8": 3}


def forge(database: Path, key: bytes) -> int:
    """Empty every row's findings and sign it with ``key``, as a forger would."""
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT k FROM results").fetchall()
        for (k,) in rows:
            mac = cache_key.sign(key, k, "[]")
            conn.execute("UPDATE results SET v = '[]', mac = ? WHERE k = ?", (mac, k))
    return len(rows)


def test_the_key_is_the_trust_boundary(
    project: Project,
    isolated_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    qg: InProcess,
) -> None:
    """A cache signed under another key (restored, shared, forged) is not read.

    A forger who holds the key is inside the boundary: with that key, the
    forged rows are read (docs/cache.md says so).
    """
    make(project, tools=ONE_TOOL)
    theirs = {"QUALITY_GATES_CACHE_KEY": "the key of whoever wrote the cache"}
    monkeypatch.setenv(*next(iter(theirs.items())))
    assert run(qg, project, "--all-files")[0] == 1
    their_key = hashlib.sha256(theirs["QUALITY_GATES_CACHE_KEY"].encode()).digest()
    assert forge(isolated_cache / "results.sqlite3", their_key) >= 3
    monkeypatch.delenv("QUALITY_GATES_CACHE_KEY")
    code, report, _ = run(qg, project, "--all-files")  # this user's own key
    assert code == 1 and cached(report) == {"flake8": 0}
    monkeypatch.setenv(*next(iter(theirs.items())))
    assert forge(isolated_cache / "results.sqlite3", their_key) >= 3
    code, report, _ = run(qg, project, "--all-files")
    assert code == 0 and cached(report) == {"flake8": 3}


def test_the_key_file_is_private_and_made_once(tmp_path: Path) -> None:
    path = tmp_path / "state" / "quality-gates" / "cache-key"
    first = cache_key._read_or_make(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert cache_key._read_or_make(path) == first
    path.chmod(0o644)
    with pytest.raises(ValueError, match="open to others"):
        cache_key._read_or_make(path)


def test_without_a_usable_key_results_last_one_run(
    project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A run's own key is its process's: each run here is a process of its own."""
    state = tmp_path / "state"
    (state / "quality-gates").mkdir(parents=True)
    (state / "quality-gates" / "cache-key").write_text("0" * 64 + "\n")
    (state / "quality-gates" / "cache-key").chmod(0o666)
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    make(project, tools=ONE_TOOL)
    cli_json(project.root, "run", "--all-files")
    code, report, _ = cli_json(project.root, "run", "--all-files")
    assert code == 1 and cached(report) == {"flake8": 0}
    assert [
        n for n in report["notes"] if "open to others" in n and "this run only" in n
    ]


def test_two_concurrent_runs_share_the_cache_safely(
    project: Project, isolated_cache: Path, qg: InProcess
) -> None:
    make(project, count=30, tools=ONE_TOOL)
    cmd = [
        sys.executable,
        "-m",
        "quality_gates",
        "run",
        "--all-files",
        "--format",
        "json",
    ]
    env = {
        "PYTHONPATH": str(HOOKS),
        "QUALITY_GATES_CACHE_DIR": str(isolated_cache),
        "XDG_STATE_HOME": os.environ["XDG_STATE_HOME"],  # this test's cache key
        "PATH": "/usr/bin:/bin",
    }
    procs = [
        subprocess.Popen(
            cmd,
            cwd=project.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [1, 1], [o[1] for o in outs]
    reports = [json.loads(o[0]) for o in outs]
    assert reports[0]["findings"] == reports[1]["findings"]
    assert all(not r["errors"] and not r["notes"] for r in reports)
    _, third, _ = run(qg, project, "--all-files")
    assert set(cached(third).values()) == {30}
    assert third["findings"] == reports[0]["findings"]


def test_isort_verdict_is_rechecked_when_a_top_level_package_appears(
    project: Project, qg: InProcess
) -> None:
    """Re-check: isort sees `newpkg` as third-party until newpkg/ exists here."""
    project.write(
        "m.py", '"""M."""\n\nimport os\n\nimport newpkg\n\nprint(os, newpkg)\n'
    )
    project.commit()
    assert run(qg, project, "--tools", "isort", "m.py")[0] == 0
    project.write("newpkg/__init__.py", '"""New."""\n')
    code, report, _ = run(qg, project, "--tools", "isort", "m.py")
    assert report["tools"]["isort"]["cached"] == 0
    assert code == 0  # still sorted: os (stdlib) then newpkg (now first-party)


@pytest.mark.parametrize(
    ("name", "rechecked"),
    [
        pytest.param("newpkg/__init__.py", True, id="a package"),
        pytest.param("newpkg.py", True, id="a module"),
        pytest.param(f"newpkg{EXTENSION_SUFFIXES[0]}", True, id="an extension"),
        pytest.param("quality-gates-report.json", False, id="a report"),
        pytest.param(".quality-gates-baseline.json", False, id="a baseline"),
        pytest.param("docs-src/conf.py", False, id="a folder no import names"),
        pytest.param("notes.txt", False, id="a text file"),
    ],
)
def test_isort_rechecks_only_when_a_new_root_entry_can_be_imported(
    project: Project, name: str, rechecked: bool, qg: InProcess
) -> None:
    """Count as isort's first-party modules what ``import NAME`` finds in the root.

    Anything else written there (a report, the baseline) changes no verdict:
    it must not make isort check every file of the project again.
    """
    project.write("m.py", '"""M."""\n\nimport os\n\nprint(os)\n')
    project.commit()
    assert run(qg, project, "--tools", "isort", "m.py")[0] == 0
    project.write(name, baseline.render([]) if "baseline" in name else "")
    code, report, _ = run(qg, project, "--tools", "isort", "m.py")
    assert (code, report["tools"]["isort"]["cached"]) == (0, 0 if rechecked else 1)


# -- a cache that can never serve a stale result ------------------------------
FIXED_PARSER = """

import dataclasses

_parse_before = Flake8.parse


def _parse_fixed(self, ctx, files, proc):  # a changed adapter: a fixed parser
    return [
        dataclasses.replace(f, rule=f.rule + "X")
        for f in _parse_before(self, ctx, files, proc)
    ]


Flake8.parse = _parse_fixed
"""


def test_a_changed_adapter_misses_the_cache(project: Project, tmp_path: Path) -> None:
    """Same tool versions, same config, new adapter code: never the old results."""
    suite = tmp_path / "suite"
    shutil.copytree(HOOKS / "quality_gates", suite / "quality_gates")
    make(project)
    env = {"PYTHONPATH": str(suite)}
    first = cli(project.root, "run", "--format", "json", "--all-files", env=env)
    assert first.returncode == 1, first.stderr
    assert {f["rule"] for f in json.loads(first.stdout)["findings"]} == {"F401"}
    adapter = suite / "quality_gates" / "tools" / "flake8.py"
    text = adapter.read_text()
    adapter.write_text(text + FIXED_PARSER)
    second = cli(project.root, "run", "--format", "json", "--all-files", env=env)
    assert second.returncode == 1, second.stderr
    report = json.loads(second.stdout)
    assert report["tools"]["flake8"]["cached"] == 0
    assert {f["rule"] for f in report["findings"]} == {"F401X"}
    assert cached(report)["black"] == 3  # the other adapters' code did not change


A_USES_B = '"""A."""\n\nimport b\n\nX: int = b.f()\n'
B_INT = '"""B."""\n\n\ndef f() -> int:\n    """F."""\n    return 1\n'
B_STR = '"""B."""\n\n\ndef f() -> str:\n    """F."""\n    return "x"\n'
MYPY_ERROR = 'Incompatible types in assignment (expression has type "str", variable has type "int")'


def mypy_messages(
    qg: InProcess, root: Path, *args: str
) -> tuple[int, list[str], dict[str, Any]]:
    proc = qg(root, "run", "--tools", "mypy", "--format", "json", *args)
    report = json.loads(proc.stdout)
    return proc.returncode, [f["message"] for f in report["findings"]], report


def test_mypy_outside_git_sees_a_change_in_an_imported_file(
    tmp_path: Path, qg: InProcess
) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'plain'\n")
    (root / "a.py").write_text(A_USES_B)
    (root / "b.py").write_text(B_INT)
    assert mypy_messages(qg, root, "a.py")[:2] == (0, [])
    (root / "b.py").write_text(B_STR)
    code, messages, report = mypy_messages(qg, root, "a.py")
    assert (code, messages) == (1, [MYPY_ERROR])
    assert report["tools"]["mypy"]["cached"] == 0
    assert mypy_messages(qg, root, "a.py", "--no-cache")[:2] == (1, [MYPY_ERROR])


def test_mypy_sees_a_change_in_an_untracked_imported_file(
    project: Project, qg: InProcess
) -> None:
    project.write("a.py", A_USES_B)
    project.commit("a imports b, which is not tracked")
    project.write("b.py", B_INT)
    assert mypy_messages(qg, project.root, "a.py")[:2] == (0, [])
    project.write("b.py", B_STR)
    assert mypy_messages(qg, project.root, "a.py")[:2] == (1, [MYPY_ERROR])


def test_mypy_sees_a_new_module_that_an_import_now_finds(
    project: Project, qg: InProcess
) -> None:
    """An import mypy could not resolve (ignored as missing) resolves once b.py exists."""
    project.write("a.py", A_USES_B)
    project.commit("a imports b, which does not exist yet")
    assert mypy_messages(qg, project.root, "a.py")[:2] == (0, [])
    project.write("b.py", B_STR)
    assert mypy_messages(qg, project.root, "a.py")[:2] == (1, [MYPY_ERROR])


def test_mypy_sees_a_change_on_its_mypy_path_outside_the_project(
    tmp_path: Path, qg: InProcess
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "b.py").write_text(B_INT)
    root = tmp_path / "proj"
    root.mkdir()
    (root / "mypy.ini").write_text(f"[mypy]\nmypy_path = {shared}\n")
    (root / "a.py").write_text(A_USES_B)
    Project(root).commit("a imports b from the shared folder")
    assert mypy_messages(qg, root, "a.py")[:2] == (0, [])
    (shared / "b.py").write_text(B_STR)
    assert mypy_messages(qg, root, "a.py")[:2] == (1, [MYPY_ERROR])


# -- a cache that cannot be used is said so, never a traceback, never a false pass
def run_with_cache(qg: InProcess, project: Project, cache_dir: Path, *args: str) -> Any:
    proc = qg(
        project.root,
        "run",
        "--format",
        "json",
        "--all-files",
        *args,
        env={"QUALITY_GATES_CACHE_DIR": str(cache_dir), **dict(QG_TIMEOUT)},
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "INTERNAL ERROR" not in proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert all("\n" not in note for note in report["notes"])
    return proc.returncode, report


QG_TIMEOUT = {"QUALITY_GATES_CACHE_TIMEOUT": "1"}


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """Mount a small filesystem: read-only or full without touching the host."""
    path.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", f"size={size},mode=1777", "tmpfs"]
    mounted = subprocess.run(
        as_root([*mount, str(path)]), capture_output=True, text=True, check=False
    )
    if mounted.returncode != 0:  # a failure under CI (conftest)
        pytest.skip(f"cannot mount a tmpfs (root or sudo -n): {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(as_root(["umount", "-l", str(path)]), check=False)


def findings_of(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(f["path"], f["rule"], f["line"]) for f in report["findings"]]


def test_a_lock_held_by_another_process_is_not_corruption(
    project: Project, isolated_cache: Path, qg: InProcess
) -> None:
    names = make(project, tools=ONE_TOOL)
    code, first = run_with_cache(qg, project, isolated_cache)
    db = isolated_cache / "results.sqlite3"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('locked', flush=True)\n"
            "time.sleep(600)\n",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        project.write(names[0], SOURCE.replace("import os", "import sys"))
        code, report = run_with_cache(qg, project, isolated_cache)
    finally:
        holder.kill()
        holder.wait()
    assert code == 1
    assert {f["message"] for f in report["findings"]} == {
        "'os' imported but unused",
        "'sys' imported but unused",
    }
    assert not [n for n in report["notes"] if "corrupt" in n], report["notes"]
    assert [n for n in report["notes"] if "busy" in n], report["notes"]
    _, again = run_with_cache(qg, project, isolated_cache)
    assert cached(again)["flake8"] == 2  # the other process's rows are still there


HOLD = (
    "import sqlite3, sys, time\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "if sys.argv[2] == 'readers-too':\n"
    "    c.execute('PRAGMA locking_mode=EXCLUSIVE')\n"
    "c.execute('BEGIN EXCLUSIVE')\n"
    "c.execute('DELETE FROM results WHERE k = 0')\n"
    "print('locked', flush=True)\n"
    "sys.stdin.readline()\n"
    "c.execute('COMMIT')\n"
)


@contextlib.contextmanager
def lock_held(database: Path, mode: str) -> Iterator[subprocess.Popen[str]]:
    """Hold the cache's lock in another process until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(database), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def gate_process(project: Project, cache_dir: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(HOOKS),
        "QUALITY_GATES_CACHE_DIR": str(cache_dir),
        "QUALITY_GATES_CACHE_TIMEOUT": "60",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "quality_gates",
            "run",
            "--all-files",
            "--format",
            "json",
        ],
        cwd=project.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("mode", ["writers", "readers-too"])
def test_a_held_lock_is_said_when_the_wait_starts(
    project: Project, isolated_cache: Path, mode: str, qg: InProcess
) -> None:
    """The run says it waits while the other process still holds the lock.

    It then goes on when the lock is released: nothing lost, nothing noted.
    """
    names = make(project, tools=ONE_TOOL)
    run_with_cache(qg, project, isolated_cache)
    project.write(names[0], SOURCE.replace("import os", "import sys"))
    with lock_held(isolated_cache / "results.sqlite3", mode) as holder:
        gate = gate_process(project, isolated_cache)
        assert gate.stderr is not None
        line = gate.stderr.readline()
        while "checking" in line:
            line = gate.stderr.readline()
        assert gate.poll() is None and holder.poll() is None
        assert line.startswith("quality-gates: cache busy: another process holds")
        assert "waiting up to 60 s" in line
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=10)
        out, _ = gate.communicate(timeout=120)
    assert gate.returncode == 1
    assert not [n for n in json.loads(out)["notes"] if "busy" in n]
    _, again = run_with_cache(qg, project, isolated_cache)
    assert cached(again)["flake8"] == 3


def test_an_interrupt_ends_the_wait_for_a_lock(
    project: Project, isolated_cache: Path, qg: InProcess
) -> None:
    make(project, tools=ONE_TOOL)
    run_with_cache(qg, project, isolated_cache)
    with lock_held(isolated_cache / "results.sqlite3", "readers-too"):
        gate = gate_process(project, isolated_cache)
        assert gate.stderr is not None
        assert "cache busy" in gate.stderr.readline()
        gate.send_signal(signal.SIGINT)
        _, err = gate.communicate(timeout=5)  # SQLite's own wait would be 60 s
    assert gate.returncode == 2
    assert err.strip().splitlines()[-1] == "quality-gates run: interrupted"


def test_a_signed_row_of_the_wrong_shape_is_checked_again(
    project: Project, isolated_cache: Path, qg: InProcess
) -> None:
    make(project, tools=ONE_TOOL)
    _, first = run_with_cache(qg, project, isolated_cache)
    key, _ = cache_key.load()  # the file this test's runs made (XDG_STATE_HOME)
    with sqlite3.connect(isolated_cache / "results.sqlite3") as conn:
        value = '[["F401", "error"]]'
        for (k,) in conn.execute("SELECT k FROM results").fetchall():
            mac = cache_key.sign(key, k, value)
            conn.execute(
                "UPDATE results SET v = ?, mac = ? WHERE k = ?", (value, mac, k)
            )
    code, report = run_with_cache(qg, project, isolated_cache)
    assert code == 1
    assert findings_of(report) == findings_of(first)
    assert [n for n in report["notes"] if "shape" in n], report["notes"]


def test_a_cache_database_that_is_a_directory_is_named(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    make(project, tools=ONE_TOOL)
    cache_dir = tmp_path / "cache"
    (cache_dir / "results.sqlite3").mkdir(parents=True)
    code, report = run_with_cache(qg, project, cache_dir)
    assert code == 1 and {f["rule"] for f in report["findings"]} == {"F401"}
    assert [n for n in report["notes"] if "is a directory" in n], report["notes"]
    assert (cache_dir / "results.sqlite3").is_dir()


def test_a_cache_directory_that_is_a_file_leaves_mypy_working(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    project.write("a.py", A_USES_B)
    project.write("b.py", B_STR)
    project.commit()
    cache_file = tmp_path / "cache"
    cache_file.write_text("not a folder")
    for extra in ((), ("--no-cache",)):
        code, report = run_with_cache(
            qg, project, cache_file, "--tools", "mypy", *extra
        )
        assert (code, [f["message"] for f in report["findings"]]) == (1, [MYPY_ERROR])
        assert not report["errors"]


def test_a_read_only_cache_directory_is_read_not_written(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    names = make(project, tools=ONE_TOOL)
    with tmpfs(tmp_path / "ro", "16m") as cache_dir:
        _, first = run_with_cache(qg, project, cache_dir)
        subprocess.run(
            as_root(["mount", "-o", "remount,ro", str(cache_dir)]), check=True
        )
        project.write(names[0], SOURCE.replace("import os", "import sys"))
        code, report = run_with_cache(qg, project, cache_dir)
        assert code == 1 and not report["errors"]
        assert sorted(
            f["message"] for f in report["findings"] if f["tool"] == "flake8"
        ) == [
            "'os' imported but unused",
            "'os' imported but unused",
            "'sys' imported but unused",
        ]
        assert cached(report)["flake8"] == 2
        assert [n for n in report["notes"] if "cache" in n] == [
            f"cache at {cache_dir} is read-only: results are read, none saved"
        ]


def test_a_full_disk_is_not_corruption(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    project.write("a.py", A_USES_B)
    project.write("b.py", B_STR)
    project.commit()
    with tmpfs(tmp_path / "full", "256k") as cache_dir:
        (cache_dir / "filler").write_bytes(b"\0" * 262144)
        code, report = run_with_cache(qg, project, cache_dir, "--tools", "mypy")
        assert (code, [f["message"] for f in report["findings"]]) == (1, [MYPY_ERROR])
        assert not report["errors"], report["errors"]
        assert [n for n in report["notes"] if "full" in n], report["notes"]
        assert not [n for n in report["notes"] if "corrupt" in n]
