"""The content-hash cache: hits, misses, corruption, concurrency — with the real tools."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import HOOKS, Project, cli

SOURCE = '"""Doc."""\n\nimport os\n\n\ndef f(a: int) -> int:\n    """Do it."""\n    return a\n'


def run(project: Project, *args: str) -> tuple[int, dict[str, Any], str]:
    proc = cli(project.root, "run", "--format", "json", *args)
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def make(project: Project, count: int = 3) -> list[str]:
    names = []
    for i in range(count):
        names.append(f"pkg/m{i}.py")
        project.write(names[-1], SOURCE)
    project.commit("files")
    return names


def cached(report: dict[str, Any]) -> dict[str, int]:
    return {name: tool["cached"] for name, tool in report["tools"].items()}


def test_second_run_is_served_from_the_cache(project: Project) -> None:
    make(project)
    code1, first, _ = run(project, "--all-files")
    code2, second, _ = run(project, "--all-files")
    assert code1 == code2 == 1
    assert set(cached(first).values()) == {0}
    assert set(cached(second).values()) == {3}
    assert first["findings"] == second["findings"]
    assert {f["rule"] for f in second["findings"]} == {"F401"}


def test_an_edited_file_is_checked_again(project: Project) -> None:
    names = make(project)
    run(project, "--all-files")
    project.write(names[1], SOURCE.replace("import os\n", "import os\nimport sys\n"))
    _, report, _ = run(project, "--all-files")
    assert cached(report)["flake8"] == 2
    assert cached(report)["mypy"] == 0  # whole-program: any change re-runs it
    assert [f["path"] for f in report["findings"] if f["tool"] == "flake8"].count(
        names[1]
    ) == 2


def test_a_config_change_invalidates_the_tools_it_affects(project: Project) -> None:
    make(project)
    run(project, "--all-files")
    project.write("pyproject.toml", "[tool.quality-gates]\nline-length = 100\n")
    _, report, _ = run(project, "--all-files")
    assert set(cached(report).values()) == {0}


def test_no_cache_neither_reads_nor_writes(
    project: Project, isolated_cache: Path
) -> None:
    make(project)
    run(project, "--all-files", "--no-cache")
    assert not (isolated_cache / "results.sqlite3").exists()


def test_garbage_cache_is_detected_rebuilt_and_mentioned(
    project: Project, isolated_cache: Path
) -> None:
    make(project)
    _, first, _ = run(project, "--all-files")
    (isolated_cache / "results.sqlite3").write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (isolated_cache / f"results.sqlite3{suffix}").unlink(missing_ok=True)
    code, report, stderr = run(project, "--all-files")
    assert code == 1
    assert report["findings"] == first["findings"]
    assert any("was corrupt" in note and "rebuilt" in note for note in report["notes"])
    _, again, _ = run(project, "--all-files")
    assert set(cached(again).values()) == {3}


def test_truncated_cache_is_never_trusted(
    project: Project, isolated_cache: Path
) -> None:
    make(project, count=40)
    _, first, _ = run(project, "--all-files")
    db = isolated_cache / "results.sqlite3"
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    code, report, _ = run(project, "--all-files")
    assert code == 1
    assert report["findings"] == first["findings"]
    assert any("corrupt" in note for note in report["notes"])


def test_a_tampered_entry_fails_its_checksum(
    project: Project, isolated_cache: Path
) -> None:
    make(project)
    _, first, _ = run(project, "--all-files")
    with sqlite3.connect(isolated_cache / "results.sqlite3") as conn:
        conn.execute("UPDATE results SET v = '[]'")
    code, report, _ = run(project, "--all-files")
    assert report["findings"] == first["findings"]
    assert any("checksum" in note for note in report["notes"])


def test_two_concurrent_runs_share_the_cache_safely(
    project: Project, isolated_cache: Path
) -> None:
    make(project, count=30)
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
    _, third, _ = run(project, "--all-files")
    assert set(cached(third).values()) == {30}
    assert third["findings"] == reports[0]["findings"]


def test_isort_verdict_is_rechecked_when_a_top_level_package_appears(
    project: Project,
) -> None:
    """Re-check: isort sees `newpkg` as third-party until newpkg/ exists here."""
    project.write(
        "m.py", '"""M."""\n\nimport os\n\nimport newpkg\n\nprint(os, newpkg)\n'
    )
    project.commit()
    assert run(project, "--tools", "isort", "m.py")[0] == 0
    project.write("newpkg/__init__.py", '"""New."""\n')
    code, report, _ = run(project, "--tools", "isort", "m.py")
    assert report["tools"]["isort"]["cached"] == 0
    assert code == 0  # still sorted: os (stdlib) then newpkg (now first-party)
