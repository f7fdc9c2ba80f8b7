"""mypy checks the whole program: a staged run and ``--all-files`` agree, any layout.

Real mypy on real git projects.  The editable install is a real ``.pth`` file in
a real virtual environment's site-packages (what ``pip install -e .`` writes),
made without pip so the test needs no index.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import InProcess, Project
from gate_json import qg_json

PYPROJECT = '[project]\nname = "pkg"\nversion = "1"\n'


def mypy_rows(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [
        (f["path"], f["rule"], f["line"])
        for f in report["findings"]
        if f["tool"] == "mypy"
    ]


def run(qg: InProcess, project: Project, *args: str) -> tuple[int, dict[str, Any]]:
    code, report, _ = qg_json(qg, project.root, "run", "--tools", "mypy", *args)
    return code, report


def editable_venv(root: Path, folder: str) -> None:
    """Make a .venv whose site-packages puts ``folder`` on the import path."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")],
        check=True,
    )
    (site,) = (root / ".venv").glob("lib/python3*/site-packages")
    (site / "__editable__.pkg-1.pth").write_text(f"{root / folder}\n")


@pytest.fixture
def src_layout(project: Project) -> Project:
    project.write("pyproject.toml", PYPROJECT)
    project.write(".gitignore", ".venv/\n")
    project.write("src/pkg/__init__.py", "")
    # the error in a.py exists only when pkg.b is found as pkg.b (not src.pkg.b)
    project.write("src/pkg/a.py", "from pkg.b import g\n\nx: str = g()\n")
    project.write("src/pkg/b.py", "def g() -> int:\n    return 1\n")
    project.write("src/pkg/c.py", '"""Clean."""\n')
    # two conftest.py outside packages: mypy needs --explicit-package-bases
    project.write("tests/conftest.py", "import pkg.a\n")
    project.write("docs/conftest.py", "y: int = 1\n")
    project.commit("src layout")
    return project


@pytest.mark.parametrize("venv", [False, True], ids=["no-venv", "editable-venv"])
def test_staged_run_and_all_files_agree_on_a_src_layout(
    src_layout: Project, venv: bool, qg: InProcess
) -> None:
    if venv:
        editable_venv(src_layout.root, "src")
    code, whole = run(qg, src_layout, "--all-files")
    expected = [("src/pkg/a.py", "assignment", 3)]
    assert (code, whole["errors"], mypy_rows(whole)) == (1, [], expected)
    code, staged = run(qg, src_layout, "src/pkg/c.py")
    assert (code, staged["errors"], mypy_rows(staged)) == (1, [], expected)


def test_staged_change_that_breaks_an_unstaged_caller_fails(
    src_layout: Project, qg: InProcess
) -> None:
    assert run(qg, src_layout, "--all-files")[1]["errors"] == []
    src_layout.write("src/pkg/b.py", "def g() -> str:\n    return '1'\n")
    code, report = run(qg, src_layout, "src/pkg/b.py")
    assert code == 0  # a.py's x: str = g() is now right
    src_layout.write("src/pkg/b.py", "def g(n: int) -> str:\n    return '1'\n")
    code, report = run(qg, src_layout, "src/pkg/b.py")
    assert (code, mypy_rows(report)) == (1, [("src/pkg/a.py", "call-arg", 3)])


def test_no_parent_module_is_a_finding_the_baseline_holds(
    project: Project, qg: InProcess
) -> None:
    project.write("pyproject.toml", '[tool.quality-gates]\ntools = ["mypy"]\n')
    project.write("pkg/__init__.py", "")
    project.write("pkg/m.py", 'x: int = "a"\n')
    # tests/data is no package: mypy names beyond/ a top-level package and stops
    project.write("tests/data/beyond/__init__.py", "from .. import other\n")
    project.commit("a relative import past the top")
    code, report = run(qg, project, "--all-files")
    assert (code, report["errors"]) == (1, [])
    assert mypy_rows(report) == [
        ("pkg/m.py", "assignment", 1),
        ("tests/data/beyond/__init__.py", "tool-error", 1),
    ]
    assert "No parent module" in report["findings"][1]["message"]
    proc = qg(project.root, "baseline")
    assert proc.returncode == 0, proc.stderr
    assert run(qg, project, "--all-files")[0] == 0
    assert run(qg, project, "pkg/m.py")[0] == 0


def test_a_mypy_note_about_its_config_is_not_an_error(
    project: Project, qg: InProcess
) -> None:
    project.write(
        "pyproject.toml",
        "[tool.mypy]\nwarn_unused_configs = true\n\n"
        '[[tool.mypy.overrides]]\nmodule = ["elsewhere.*"]\nignore_errors = true\n',
    )
    project.write("m.py", "x: int = 1\n")
    project.commit("config with an override for modules outside the run")
    code, report = run(qg, project, "m.py")
    assert (code, report["errors"], report["findings"]) == (0, [], [])


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(
            {
                # namespace packages: no __init__.py, two modules named util
                "ns/a/util.py": "def f() -> int:\n    return 1\n",
                "ns/b/util.py": "def f() -> str:\n    return 1\n",
                "ns/b/use.py": "from ns.a.util import f\n\nx: str = f()\n",
            },
            id="namespace-packages",
        ),
        pytest.param(
            {
                "pyproject.toml": '[tool.mypy]\nmypy_path = "lib"\n'
                "explicit_package_bases = true\n",
                "lib/pkg/__init__.py": "",
                "lib/pkg/util.py": "def f() -> str:\n    return 1\n",
                "lib/pkg/use.py": "from pkg.util import f\n\nx: int = f()\n",
            },
            id="mypy-path",
        ),
    ],
)
def test_staged_and_all_files_agree_on_other_layouts(
    project: Project, files: dict[str, str], qg: InProcess
) -> None:
    for name, text in files.items():
        project.write(name, text)
    project.commit("layout")
    code, whole = run(qg, project, "--all-files")
    assert (code, whole["errors"]) == (1, [])
    rows = mypy_rows(whole)
    assert {rule for _, rule, _ in rows} == {"return-value", "assignment"}
    for name in files:
        if name.endswith(".py"):
            code, staged = run(qg, project, name)
            assert (code, staged["errors"], mypy_rows(staged)) == (1, [], rows)
