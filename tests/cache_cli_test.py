"""``quality-gates cache``: location, size, prune and clear; the bounds that keep it small."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import InProcess, Project
from gate_json import qg_json

# the cache's folder is the subject: no test starts with a seeded mypy folder
pytestmark = pytest.mark.cold_mypy

SOURCE = '"""Doc."""\n\nimport os\n'


def rows(cache: Path) -> dict[str, int]:
    with sqlite3.connect(cache / "results.sqlite3") as conn:
        return dict(conn.execute("SELECT k, used FROM results").fetchall())


def values(cache: Path) -> dict[str, str]:
    """Each row's key and value (a tool's findings, as JSON)."""
    with sqlite3.connect(cache / "results.sqlite3") as conn:
        return dict(conn.execute("SELECT k, v FROM results").fetchall())


def age(cache: Path, days: int, *, keys: list[str] | None = None) -> None:
    """Make rows look unused for ``days`` and the last pruning long ago."""
    old = int(time.time() // 86400) - days
    with sqlite3.connect(cache / "results.sqlite3") as conn:
        for k in keys if keys is not None else list(rows(cache)):
            conn.execute("UPDATE results SET used = ? WHERE k = ?", (old, k))
        conn.execute("UPDATE meta SET v = '0' WHERE k = 'pruned'")


def gate(qg: InProcess, project: Project, tools: str = "flake8,mypy") -> dict[str, Any]:
    """Run the gate, by default with flake8 (result rows) and mypy (its folder).

    Those are the two kinds of entry the cache holds; the others add rows only.
    """
    argv = ("run", "--all-files") + (("--tools", tools) if tools else ())
    code, report, stderr = qg_json(qg, project.root, *argv)
    assert code == 1, stderr
    return report


def cached(report: dict[str, Any]) -> dict[str, int]:
    return {name: tool["cached"] for name, tool in report["tools"].items()}


def test_show_names_the_folder_and_counts_what_is_in_it(
    project: Project, isolated_cache: Path, qg: InProcess
) -> None:
    empty = qg(project.root, "cache")
    assert empty.returncode == 0
    assert empty.stdout.splitlines()[0] == f"cache: {isolated_cache}"
    assert "0 entries" in empty.stdout
    project.write("m.py", SOURCE)
    project.commit()
    gate(qg, project)
    info = json.loads(qg(project.root, "cache", "--format", "json").stdout)
    assert info["directory"] == str(isolated_cache)
    assert info["results"]["entries"] == len(rows(isolated_cache)) > 0
    assert info["mypy"]["projects"] == 1 and info["mypy"]["bytes"] > 0
    assert info["total_bytes"] == info["results"]["bytes"] + info["mypy"]["bytes"]
    assert info["bounds"] == {"max_age_days": 30.0, "max_mb": 1024.0}


def test_clear_removes_the_cache_and_nothing_else(
    project: Project, isolated_cache: Path, qg: InProcess
) -> None:
    project.write("m.py", SOURCE)
    project.commit()
    first = gate(qg, project)
    (isolated_cache / "mine.txt").write_text("not the suite's")
    cleared = qg(project.root, "cache", "clear")
    assert cleared.returncode == 0, cleared.stderr
    assert sorted(p.name for p in isolated_cache.iterdir()) == ["mine.txt"]
    again = gate(qg, project)
    assert set(cached(again).values()) == {0}
    assert again["findings"] == first["findings"]


def test_clear_deletes_only_what_the_suite_made(
    project: Project, isolated_cache: Path, tmp_path: Path, qg: InProcess
) -> None:
    """A folder named as the cache may hold the user's own things: they stay.

    Each kind has its honest twin: the suite's database and mypy folder go.
    """
    project.write("m.py", SOURCE)
    project.commit()
    gate(qg, project)
    ours = [p.name for p in (isolated_cache / "mypy").iterdir() if p.is_dir()]
    assert len(ours) == 1
    (isolated_cache / "mypy" / "notes.txt").write_text("mine")
    (isolated_cache / "mypy" / "mine").mkdir()
    (isolated_cache / "mypy" / "mine" / "CACHEDIR.TAG").write_text("mypy's, mine")
    made = len(list(isolated_cache.glob("results.sqlite3*"))) + len(ours)
    cleared = qg(project.root, "cache", "clear")
    assert cleared.returncode == 0, cleared.stderr
    assert sorted(p.name for p in (isolated_cache / "mypy").iterdir()) == [
        ".quality-gates",
        "mine",
        "notes.txt",
    ]
    assert not (isolated_cache / "results.sqlite3").exists()
    assert cleared.stdout.splitlines() == [
        f"note: left {isolated_cache / 'mypy' / 'mine'}: quality-gates did not make it",
        f"note: left {isolated_cache / 'mypy' / 'notes.txt'}: quality-gates did not "
        "make it",
        f"cleared {isolated_cache}: removed {made} item(s)",
    ]


def test_clear_leaves_a_database_and_a_symlink_it_did_not_make(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    folder, elsewhere = tmp_path / "named", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (elsewhere / "data").write_text("mine")
    (folder / "mypy").symlink_to(elsewhere)
    with sqlite3.connect(folder / "results.sqlite3") as conn:  # another app's
        conn.execute("CREATE TABLE results (k, v)")
    env = {"QUALITY_GATES_CACHE_DIR": str(folder)}
    cleared = qg(project.root, "cache", "clear", env=env)
    assert cleared.returncode == 0, cleared.stderr
    assert (folder / "mypy").is_symlink() and (elsewhere / "data").is_file()
    assert (folder / "results.sqlite3").is_file()
    assert cleared.stdout.splitlines()[-1] == f"cleared {folder}: removed 0 item(s)"


def test_rows_no_run_used_within_the_age_bound_are_pruned(
    project: Project, isolated_cache: Path, qg: InProcess
) -> None:
    project.write("keep.py", SOURCE)
    project.write("gone.py", SOURCE.replace("os", "sys"))
    project.commit()
    gate(qg, project)
    before = values(isolated_cache)
    (gone,) = [k for k, v in before.items() if '"gone.py"' in v]
    (keep,) = [k for k, v in before.items() if '"keep.py"' in v]
    project.git("rm", "-q", "gone.py")
    project.commit()
    age(isolated_cache, 31)
    report = gate(qg, project)  # the run uses keep.py's rows, then prunes the rest
    assert cached(report)["flake8"] == 1
    after = rows(isolated_cache)
    assert gone not in after and keep in after
    # with gone.py's row, two of the first run's rows for mypy's whole program
    # went; the second run wrote one of its own
    gone_rows = set(before) - set(after)
    assert len(gone_rows) == 3 and len(after) == len(before) - 3 + 1
    assert all(".py" not in before[k] for k in gone_rows - {gone})
    assert set(after.values()) == {int(time.time() // 86400)}
    assert set(cached(gate(qg, project)).values()) == {1}


def test_prune_keeps_recent_rows_within_the_age_and_size_bounds(
    project: Project, isolated_cache: Path, qg: InProcess
) -> None:
    for i in range(6):
        project.write(f"m{i}.py", SOURCE + f"X = {i}\n")
    project.commit()
    gate(qg, project, tools="")  # every tool: rows enough to age and to bound
    keys = sorted(rows(isolated_cache))
    age(isolated_cache, 5, keys=keys[:10])
    age(isolated_cache, 40, keys=keys[10:12])
    pruned = qg(
        project.root, "cache", "prune", env={"QUALITY_GATES_CACHE_MAX_MB": "0.002"}
    )
    assert pruned.returncode == 0, pruned.stderr
    left = rows(isolated_cache)
    assert not set(keys[10:12]) & set(left)  # past the age bound
    with sqlite3.connect(isolated_cache / "results.sqlite3") as conn:
        (size,) = conn.execute(
            "SELECT SUM(LENGTH(k) + LENGTH(v)) FROM results"
        ).fetchone()
    assert 0 < size <= 0.002 * 1024 * 1024
    # the least recently used go first: only rows used today are left
    assert not set(keys[:10]) & set(left)
    assert f"pruned {isolated_cache}: " in pruned.stdout


def test_a_cache_folder_that_is_a_file_is_a_usage_error(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    (tmp_path / "file").write_text("")
    proc = qg(
        project.root, "cache", env={"QUALITY_GATES_CACHE_DIR": str(tmp_path / "file")}
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"quality-gates cache: error: {tmp_path / 'file'} is not a directory "
        "(QUALITY_GATES_CACHE_DIR)"
    )


def test_help_states_the_bounds(project: Project, qg: InProcess) -> None:
    proc = qg(project.root, "cache", "--help")
    assert proc.returncode == 0
    for text in (
        "QUALITY_GATES_CACHE_MAX_AGE_DAYS",
        "QUALITY_GATES_CACHE_MAX_MB",
        "clear",
    ):
        assert text in proc.stdout
