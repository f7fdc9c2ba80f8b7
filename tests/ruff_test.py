"""The optional ruff adapter against real ruff, on real files in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import HOOKS, Project, cli, cli_json
from quality_gates import config
from ruff import find_ruff_bin as ruff_bin  # the test extra installs ruff

PYPROJECT = """\
[tool.ruff]
extend-exclude = ["generated"]

[tool.ruff.lint]
select = ["E", "F", "W", "B", "I", "UP"]
"""
BUGGY = """\
import sys
import os


def f(items=[]):
    if items == None:
        return os.sep
    return items
"""
UNFORMATTED = """\
x = {  'a':1 }


def f():
    return 1


def g():
    return 2


def h():
    return 3


y = [1,
  2]
"""


def gate(project: Project, *args: str) -> tuple[int, dict[str, Any]]:
    code, report, _ = cli_json(project.root, "run", *args)
    return code, report


def found(report: dict[str, Any], *rules: str) -> set[tuple[str, str, int, int]]:
    return {
        (f["rule"], f["path"], f["line"], f["column"])
        for f in report["findings"]
        if f["tool"] == "ruff" and (not rules or f["rule"] in rules)
    }


def ruff_directly(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ruff_bin(), *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def lint_project(project: Project) -> list[str]:
    project.write("pyproject.toml", PYPROJECT)
    project.write("pkg/__init__.py", "")
    project.write("pkg/buggy.py", BUGGY)
    project.write("pkg/clean.py", "def g() -> int:\n    return 1\n")
    project.write("generated/out.py", "import os\n")  # excluded by the project
    return ["pkg/__init__.py", "pkg/buggy.py", "pkg/clean.py", "generated/out.py"]


def test_findings_match_ruff_check_run_directly(project: Project) -> None:
    files = lint_project(project)
    direct = ruff_directly(
        project.root, "check", "--output-format", "json", "--no-cache", "."
    )
    assert direct.returncode == 1, direct.stderr
    expected = {
        (
            d["code"],
            Path(d["filename"]).relative_to(project.root).as_posix(),
            d["location"]["row"],
            d["location"]["column"],
        )
        for d in json.loads(direct.stdout)
    }
    assert {"F401", "B006", "E711", "I001"} <= {rule for rule, *_ in expected}
    # every file named, the excluded one too: --force-exclude keeps it out
    code, report = gate(project, "--tools", "ruff", *files)
    assert code == 1
    assert found(report) - found(report, "ruff-format") == expected
    assert not {path for _, path, *_ in found(report)} & {"generated/out.py"}
    assert report["tools"]["ruff"]["status"] == "ok"
    assert not (project.root / ".ruff_cache").exists()


def test_a_formatting_finding_per_line_ruff_format_changes(project: Project) -> None:
    project.write("m.py", UNFORMATTED)
    direct = ruff_directly(project.root, "format", "--diff", "--no-cache", "m.py")
    assert direct.returncode == 1 and direct.stdout.count("\n@@ ") == 2
    code, report = gate(project, "--tools", "ruff", "m.py")
    assert code == 1
    assert found(report) == {
        ("ruff-format", "m.py", 1, 1),
        ("ruff-format", "m.py", 16, 1),
        ("ruff-format", "m.py", 17, 1),
    }
    fmt = [f for f in report["findings"] if f["rule"] == "ruff-format"]
    assert all("ruff format would reformat" in f["message"] for f in fmt)


def test_the_second_run_is_a_cache_hit_and_a_config_change_is_not(
    project: Project,
) -> None:
    files = lint_project(project)
    _, first = gate(project, "--tools", "ruff", *files)
    code, second = gate(project, "--tools", "ruff", *files)
    assert code == 1 and found(second) == found(first)
    assert second["tools"]["ruff"]["cached"] == second["tools"]["ruff"]["files"] == 4
    # a nested config is ruff's for the files under it: never a stale result
    project.write("pkg/ruff.toml", '[lint]\nselect = ["F"]\n')
    _, nested = gate(project, "--tools", "ruff", *files)
    assert nested["tools"]["ruff"]["cached"] == 0
    assert {rule for rule, *_ in found(nested)} == {"F401"}


def test_selected_in_config_not_by_default(project: Project) -> None:
    project.write("pyproject.toml", '[tool.quality-gates]\ntools = ["ruff"]\n')
    project.write("m.py", "import os\n")
    assert "ruff" not in config.Config(root=project.root).tools
    assert config.load(project.root).tools == ("ruff",)
    code, report = gate(project, "m.py")
    assert (code, set(report["tools"])) == (1, {"ruff"})
    assert found(report) == {("F401", "m.py", 1, 8)}


def test_fix_applies_safe_fixes_then_formats(project: Project) -> None:
    project.write("pyproject.toml", '[tool.ruff.lint]\nselect = ["F", "I"]\n')
    project.write("m.py", "import sys\nimport os\nx = {  'a':os.sep }\n")
    code, report = gate(project, "--tools", "ruff", "--fix", "m.py")
    assert (code, report["findings"]) == (0, [])
    assert (project.root / "m.py").read_text() == 'import os\n\nx = {"a": os.sep}\n'


def test_a_config_with_fix_true_is_checked_not_fixed(project: Project) -> None:
    # 0-th/breadfund @7bea970: [tool.ruff] fix = true; the gate's check applied
    # ruff's fixes to the files it checked, and their findings (F401) were gone
    project.write("pyproject.toml", "[tool.ruff]\nfix = true\n")
    project.write("m.py", "import os\n\nX = 1\n")
    code, report = gate(project, "--tools", "ruff", "m.py")
    assert (project.root / "m.py").read_text() == "import os\n\nX = 1\n"
    assert (code, found(report)) == (1, {("F401", "m.py", 1, 8)})


def test_a_config_ruff_refuses_is_an_error_not_a_pass(project: Project) -> None:
    project.write("pyproject.toml", '[tool.ruff.lint]\nselect = ["NOPE999"]\n')
    project.write("m.py", "import os\n")
    proc = cli(project.root, "run", "--tools", "ruff", "m.py")
    assert proc.returncode == 2, proc.stdout
    assert "ruff check failed (exit 2)" in proc.stdout + proc.stderr
    assert "NOPE999" in proc.stdout + proc.stderr


def test_missing_ruff_is_exit_2_naming_the_extra(
    project: Project, tmp_path: Path
) -> None:
    """An interpreter without ruff installed (a bare venv, the suite on its path)."""
    venv = tmp_path / "bare"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True
    )
    project.write("m.py", "x = 1\n")
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "quality_gates", "run"]
        + ["--tools", "ruff", "m.py"],
        cwd=project.root,
        env={"PYTHONPATH": str(HOOKS), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert "ruff: not installed" in out
    assert "pip install 'quality-gates[ruff]'" in out


RACE = """
import threading
from quality_gates import tools

adapter, barrier, failed = tools.get("ruff"), threading.Barrier(8), []


def find() -> None:
    barrier.wait()
    try:
        adapter.command([], [])
    except Exception as exc:  # what a batch's thread would have died of
        failed.append(repr(exc))


threads = [threading.Thread(target=find) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(failed), failed[:1])
"""


def test_batches_starting_at_once_all_find_ruff() -> None:
    # a fresh interpreter each time: Python 3.11 fills sysconfig's config vars
    # on first use, without a lock; ruff's finder read EXE unset in a second
    # thread (TypeError, the run's traceback) in most such interpreters
    env = {**os.environ, "PYTHONPATH": str(HOOKS)}
    for _ in range(5):
        proc = subprocess.run(
            [sys.executable, "-c", RACE], capture_output=True, text=True, env=env
        )
        assert (proc.returncode, proc.stdout) == (0, "0 []\n"), proc.stderr
