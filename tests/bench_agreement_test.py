"""bench/agreement.py: its --help, its TOML file and its comparison, on tiny inputs."""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import Project, load_script

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "agreement.py"


@pytest.fixture(scope="module")
def agreement() -> ModuleType:
    return load_script(SCRIPT, "bench_agreement")


def test_help_names_the_options() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    for option in ("--only", "--tools", "--work", "--output", "--projects"):
        assert option in proc.stdout


def test_the_projects_file_has_ten_projects_each_with_five_commands(
    agreement: ModuleType,
) -> None:
    projects = agreement.read_projects(SCRIPT.with_suffix(".toml"))
    assert len(projects) >= 10
    assert all(set(p.commands) == set(agreement.TOOLS) for p in projects)
    assert sum(1 for p in projects if p.venv) >= 2  # mypy plugins
    # #10's twelve; #25's fourteen split in two halves; two of its own examples
    halves = collections.Counter(p.half for p in projects)
    assert halves == {"": 12, "tuning": 7, "held-out": 7, "unseen": 2}


def test_compare_matches_findings_and_explains_the_rest(
    agreement: ModuleType, project: Project
) -> None:
    project.write("src/a.py", "x = 1\n")
    project.write("docs/conf.py", "x = 1\n")
    project.write("src/bad.py", "return 1\n")
    project.commit()
    report = {
        "findings": [
            {"tool": "flake8", "path": "src/a.py", "line": 1, "rule": "E225"},
            {"tool": "flake8", "path": "docs/conf.py", "line": 1, "rule": "E225"},
            {
                "tool": "python",
                "path": "src/bad.py",
                "line": 1,
                "rule": "E999",
                "message": "not valid Python 3.11: invalid syntax (reported once "
                "for black, flake8 and mypy, which were not given the file)",
            },
            {
                "tool": "flake8",
                "path": "setup.cfg",
                "line": 3,
                "rule": "config-error",
                "message": "select names B950; ...",
            },
        ],
        "errors": [],
    }
    ran = agreement.Direct(
        found=[
            ("src/a.py", 1, "E225"),
            ("src/bad.py", 1, "E999"),
            ("src/a.py", 1, "W291"),
            ("untracked.py", 2, "F401"),
        ],
        paths=["src"],
        crash=None,
    )
    proj = agreement.Project("demo==1", "", {}, [])
    row = agreement.compare(project.root, proj, "flake8", report, ran)
    # the file that is not valid Python counts for flake8, which it names
    assert (row.gate, row.direct, row.both) == (4, 4, 2)
    assert dict(row.reasons) == {
        "outside the project's paths": 1,
        "a problem of the tool's config, on its line": 1,
        "untracked (the project's .gitignore)": 1,
    }
    assert row.unexplained == ["direct only: src/a.py:1 W291"]
    assert row.where["outside"] == ["docs/conf.py"]


def test_parse_direct_reads_each_tools_output(agreement: ModuleType) -> None:
    root = Path("/p")
    flake8 = "a.py:3:1: F401 'os' imported but unused\n"
    assert agreement.parse_direct("flake8", root, flake8, "") == [("a.py", 3, "F401")]
    mypy = (
        '{"file": "a.py", "line": 2, "column": 0, "message": "m", "code": null,'
        ' "severity": "error"}\n'
        '{"file": "a.py", "line": 2, "column": 0, "message": "n", "code": "misc",'
        ' "severity": "note"}\n'
    )
    assert agreement.parse_direct("mypy", root, mypy, "") == [("a.py", 2, "misc")]
    bandit = (
        '{"results": [{"filename": "./b.py", "line_number": 4, "test_id": "B101"}]}'
    )
    assert agreement.parse_direct("bandit", root, bandit, "") == [("b.py", 4, "B101")]
    diff = "--- a.py\t2026\n+++ a.py\t2026\n@@ -1,2 +1,2 @@\n-x=1\n+x = 1\n y\n"
    assert agreement.parse_direct("black", root, diff, "") == [("a.py", 1, "BLK100")]


def test_first_contact_takes_each_projects_worst_exit(agreement: ModuleType) -> None:
    def row(project: str, tool: str, exit: int, crash: str | None = None) -> Any:
        counts: collections.Counter[str] = collections.Counter()
        return agreement.Row(project, tool, 0, 0, 0, counts, [], [], crash, {}, exit)

    rows = [
        row("a", "black", 1),
        row("a", "mypy", 2, crash="mypy exit 2: Can't find package"),
        row("b", "black", 0),
        row("b", "flake8", 1),
        row("c", "flake8", 2),
    ]
    assert agreement.first_contact(rows) == (
        "| project | exit | exit 2 from | the project's own run fails too |\n"
        "|---|---|---|---|\n"
        "| a | 2 | mypy | mypy |\n"
        "| b | 1 | - | - |\n"
        "| c | 2 | flake8 | - |\n"
    )


def test_a_file_named_on_the_command_line_that_the_tools_walk_skips(
    agreement: ModuleType, project: Project
) -> None:
    """dogpile.cache: `black ... docs/build/conf.py`, which `black .` excludes."""
    project.write("docs/build/conf.py", "x=1\n")
    project.write("pkg/a.py", "x=1\n")
    project.commit()
    report: dict[str, Any] = {"findings": [], "errors": []}
    ran = agreement.Direct(
        found=[("docs/build/conf.py", 1, "BLK100"), ("pkg/a.py", 1, "BLK100")],
        paths=["pkg", "docs/build/conf.py"],
        crash=None,
    )
    proj = agreement.Project("demo==1", "", {}, [])
    row = agreement.compare(project.root, proj, "black", report, ran)
    assert dict(row.reasons) == {
        "named on the command line, excluded by the tool's walk": 1
    }
    assert row.unexplained == ["direct only: pkg/a.py:1 BLK100"]
