"""The speed work keeps results identical: batching plan, cached fingerprints, versions."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import HOOKS, InProcess, Project
from gate_json import qg_json
from quality_gates import config, sources
from quality_gates.runner import Runner
from quality_gates.tools import load
from quality_gates.tools.base import Context, distribution_version


def run(qg: InProcess, project: Project, *args: str) -> tuple[int, dict[str, Any]]:
    code, report, stderr = qg_json(qg, project.root, "run", *args)
    assert code in (0, 1), stderr
    return code, report


def test_mypy_checks_a_tree_where_two_files_share_a_module_name(
    project: Project, qg: InProcess
) -> None:
    # tests/ and docs/ without __init__.py: both conftest.py are module `conftest`
    project.write("tests/conftest.py", '"""T."""\n\nX: int = "no"\n')
    project.write("docs/conftest.py", '"""D."""\n\nY: str = "fine"\n')
    project.commit()
    _, report = run(qg, project, "--all-files", "--tools", "mypy")
    assert report["tools"]["mypy"]["status"] == "ok"
    found = [(f["path"], f["rule"]) for f in report["findings"]]
    assert found == [("tests/conftest.py", "assignment")]
    # it ran twice: the report says so, and how the project avoids it
    (note,) = [n for n in report["notes"] if n.startswith("mypy: ")]
    assert re.fullmatch(
        r'mypy: two files map to one module name \(Duplicate module named "conftest" '
        r'\(also at "(docs|tests)/conftest.py"\)\), where mypy\'s own run stops; the '
        r"gate ran mypy again with --explicit-package-bases \(\d+\.\d s lost\)\. "
        r"Set explicit_package_bases = true \(with mypy_path\) in mypy's config, or "
        r"add __init__.py files, to run once and make both runs the same",
        note,
    )
    project.write("mypy.ini", "[mypy]\nexplicit_package_bases = True\n")
    _, configured = run(qg, project, "--all-files", "--tools", "mypy")
    assert [(f["path"], f["rule"]) for f in configured["findings"]] == found
    assert not [n for n in configured["notes"] if n.startswith("mypy: ")]


def test_black_skips_its_safety_pass_only_when_checking(tmp_path: Path) -> None:
    ctx = Context(tmp_path, config.load(tmp_path))
    black = load()["black"]
    assert "--fast" in black.check_args(ctx)
    assert "--fast" not in black.fix_args(ctx)


@pytest.mark.parametrize(
    "dist", ["black", "isort", "flake8", "mypy", "bandit", "flake8-docstrings"]
)
def test_fast_version_lookup_agrees_with_importlib_metadata(dist: str) -> None:
    assert distribution_version(dist) == importlib.metadata.version(dist)


def test_an_unknown_distribution_is_still_not_found(qg: InProcess) -> None:
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        distribution_version("no-such-distribution-qg")


def test_a_run_does_not_import_importlib_metadata(project: Project) -> None:
    project.write("m.py", '"""M."""\n')
    code = (
        "import sys; from quality_gates.cli import main; "
        "rc = main(['run', '--tools', 'flake8', '--no-cache', 'm.py']); "
        "print('importlib.metadata' in sys.modules)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project.root,
        env={**os.environ, "PYTHONPATH": str(HOOKS)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stdout.strip().splitlines()[-1] == "False", proc.stderr


def test_source_lines_and_loc_are_computed_on_demand(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_bytes(b"# c\n\nx = 1\r\n  # indented comment\ry = 2\n")
    src, _ = sources.read(tmp_path, "m.py")
    assert src._lines is None  # nothing split until asked
    assert src.lines == ["# c", "", "x = 1", "  # indented comment", "y = 2"]
    assert src.loc == 2  # x = 1, y = 2: comments and blank lines do not count


def test_cached_findings_keep_the_same_fingerprints(
    project: Project, qg: InProcess
) -> None:
    # identical lines twice in each file: the occurrence index must survive the cache
    body = '"""Doc."""\n\nimport os\nimport os\n\n\ndef f(a):\n    return a + "1"\n'
    project.write("pkg/a.py", body)
    project.write("pkg/b.py", body)
    project.write("pkg/c.py", "def broken(:\n")
    project.commit()
    proc = qg(project.root, "run", "--format", "json", "--all-files")
    cold = json.loads(proc.stdout)
    proc = qg(project.root, "run", "--format", "json", "--all-files")
    warm = json.loads(proc.stdout)
    # isort sorts c.py's imports as text, as `isort .` does; the others get a and b
    cached = {name: t["cached"] for name, t in warm["tools"].items()}
    assert cached == {"black": 2, "isort": 3, "flake8": 2, "mypy": 2, "bandit": 2}
    assert cold["findings"] == warm["findings"]
    assert {f["rule"] for f in warm["findings"]} >= {"F811", "E999"}
    prints = [f["fingerprint"] for f in warm["findings"]]
    assert len(prints) == len(set(prints))
    assert warm["summary"] == cold["summary"]


def test_plan_splits_costly_tools_and_keeps_cheap_ones_whole(tmp_path: Path) -> None:
    names = []
    for i in range(40):
        names.append(f"m{i}.py")
        (tmp_path / names[-1]).write_text("x = 1\n" * 4000)
    ctx = Context(tmp_path, config.load(tmp_path))
    registry = load()
    tools = ("black", "isort", "mypy")
    runner = Runner(ctx, tools, jobs=2)
    tasks = runner._plan([(registry[t], names) for t in tools])
    by_tool: dict[str, list[list[str]]] = {}
    for task in tasks:
        by_tool.setdefault(task.adapter.name, []).append(task.files)
    assert len(by_tool["black"]) > 1
    assert len(by_tool["isort"]) == 1
    assert len(by_tool["mypy"]) == 1
    for parts in by_tool.values():  # every file exactly once per tool
        assert sorted(f for part in parts for f in part) == sorted(names)
    assert len(Runner(ctx, ["black"], jobs=1)._plan([(registry["black"], names)])) == 1
    assert runner._plan([]) == []
