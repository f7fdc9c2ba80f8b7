"""Each tool gets the kinds of file its own run checks, and invalid files are counted.

isort's own run (``isort .``) also sorts Cython sources (``.pyx``, ``.pxd``)
and scripts with a ``python`` shebang, and sorts a file that is not valid
Python as text; the other tools take ``.py``/``.pyi`` only.  A file that is
not valid Python is one ``python E999`` finding that names the tools which
would each have reported it, so a count by tool still adds up.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, InProcess, Project, run_tool
from gate_json import qg_json
from quality_gates import files
from quality_gates.tools.base import diff_lines

UNSORTED = "import sys\nimport os\n"
CYTHON = UNSORTED + "\ncdef int x = 1\n"
SCRIPT = "#!/usr/bin/env python3\n" + UNSORTED
INVALID = '"""Doc."""\n\n' + UNSORTED + "\nreturn 1\n"


def isort_direct(root: Path, *args: str) -> list[tuple[str, int]]:
    """Run isort from the root: the files and first lines it would change."""
    proc = run_tool(root, "isort", "--check-only", "--diff", *args, ".")
    return sorted(
        (os.path.relpath(path.removesuffix(":before"), root), line)
        for path, line, _, _ in diff_lines(proc.stdout)
    )


def isort_gate(report: dict[str, Any]) -> list[tuple[str, int]]:
    return sorted(
        (f["path"], f["line"]) for f in report["findings"] if f["tool"] == "isort"
    )


@pytest.fixture
def kinds(project: Project) -> Project:
    project.write("fast.pyx", CYTHON)
    project.write("fast.pxd", UNSORTED)
    project.write("bin/tool", SCRIPT)
    project.write("bin/notes.txt", UNSORTED)  # no shebang: no tool checks it
    project.write("app.pex", SCRIPT)  # isort's blocked extension
    project.write("ok.py", '"""Doc."""\n')
    project.commit()
    return project


def test_isort_checks_cython_and_scripts_as_its_own_run_does(
    kinds: Project, qg: InProcess
) -> None:
    code, report, _ = qg_json(qg, kinds.root, "run", "--all-files")
    assert code == 1
    assert isort_gate(report) == isort_direct(kinds.root)
    assert isort_gate(report) == [
        *(("bin/tool", 2), ("bin/tool", 3)),
        *(("fast.pxd", 1), ("fast.pxd", 2)),
        *(("fast.pyx", 1), ("fast.pyx", 2)),
    ]
    assert report["tools"]["isort"]["files"] == 4
    for tool in ("black", "flake8", "mypy", "bandit"):
        assert report["tools"][tool]["files"] == 1, tool  # ok.py only
    assert {f["path"] for f in report["findings"]} == {
        "bin/tool",
        "fast.pxd",
        "fast.pyx",
    }


def test_isorts_supported_extensions_are_honoured(
    kinds: Project, qg: InProcess
) -> None:
    kinds.write(
        "pyproject.toml", '[tool.isort]\nsupported_extensions = ["py", "pyx"]\n'
    )
    kinds.commit()
    code, report, _ = qg_json(qg, kinds.root, "run", "--all-files", "--tools", "isort")
    assert isort_gate(report) == isort_direct(kinds.root)
    assert isort_gate(report) == [
        *(("bin/tool", 2), ("bin/tool", 3)),
        *(("fast.pyx", 1), ("fast.pyx", 2)),
    ]


def test_named_cython_files_reach_isort(kinds: Project, qg: InProcess) -> None:
    """pre-commit names them: its `cython` type is in the hook's types_or."""
    code, report, _ = qg_json(qg, kinds.root, "run", "fast.pyx", "bin/notes.txt")
    assert code == 1
    assert [(f["path"], f["line"], f["tool"]) for f in report["findings"]] == [
        ("fast.pyx", 1, "isort"),
        ("fast.pyx", 2, "isort"),
    ]
    hooks = {
        h["id"]: h
        for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    }
    for hook in ("quality-gate", "isort"):
        assert hooks[hook]["types_or"] == ["python", "pyi", "cython"]


def test_a_file_with_an_extension_is_opened_only_when_executable(
    project: Project,
) -> None:
    """A data file (setup.cfg, old.txt) is never opened to look for a shebang.

    ``isort .`` reads the first line of every file of its walk; the gate looks
    only at files with no extension and executable ones, so a run does not
    open every tracked file: a non-executable ``old.txt`` that starts with a
    python shebang is the one difference (docs/run.md says so).
    """
    project.write("bin/run.cgi", SCRIPT)
    (project.root / "bin/run.cgi").chmod(0o755)
    project.write("bin/old.txt", SCRIPT)
    project.write("bin/tool", SCRIPT)
    project.write("ok.py", '"""Doc."""\n')
    project.commit()
    assert files.tracked_python_files(project.root) == [
        "bin/run.cgi",
        "bin/tool",
        "ok.py",
    ]
    assert files.is_source(project.root, "bin/run.cgi")
    assert not files.is_source(project.root, "bin/old.txt")
    assert {path for path, _ in isort_direct(project.root)} == {
        "bin/old.txt",
        "bin/run.cgi",
        "bin/tool",
    }


def test_a_tracked_link_to_a_fifo_is_never_opened(project: Project) -> None:
    fifo = project.root.parent / "fifo"
    os.mkfifo(fifo)
    (project.root / "tool").symlink_to(fifo)
    project.write("ok.py", '"""Doc."""\n')
    project.commit()
    assert files.tracked_python_files(project.root) == ["ok.py"]


@pytest.mark.parametrize(
    ("tail", "line", "named", "given"),
    [
        pytest.param(
            "\nreturn  1\n",
            6,
            "flake8 and mypy",
            ["black", "bandit", "isort"],
            id="compiles-not",  # black and bandit parse it, never compile it
        ),
        pytest.param(
            "\ndef f(:\n    pass\n",
            6,
            "bandit, black, flake8 and mypy",
            ["isort"],
            id="parses-not",
        ),
    ],
)
def test_an_invalid_file_names_the_tools_that_would_report_it(
    project: Project, tail: str, line: int, named: str, given: list[str], qg: InProcess
) -> None:
    """One python E999 for the tools not given the file; the others check it."""
    project.write("bad.py", '"""Doc."""\n\n' + UNSORTED + tail)
    project.write("ok.py", '"""Doc."""\n')
    project.commit()
    code, report, _ = qg_json(qg, project.root, "run", "--all-files")
    assert code == 1
    (problem,) = [f for f in report["findings"] if f["tool"] == "python"]
    assert (problem["line"], problem["rule"]) == (line, "E999")
    assert problem["message"].endswith(
        f"(reported once for {named}, which were not given the file)"
    )
    for tool in ("black", "bandit", "isort", "flake8", "mypy"):
        assert report["tools"][tool]["files"] == 1 + (tool in given), tool
    assert (
        isort_gate(report)
        == isort_direct(project.root)
        == [("bad.py", 3), ("bad.py", 4)]
    )
    black = [(f["path"], f["line"]) for f in report["findings"] if f["tool"] == "black"]
    direct = run_tool(project.root, "black", "--check", "--diff", ".")
    hunks = [
        (os.path.relpath(p, project.root), n)
        for p, n, _, _ in diff_lines(direct.stdout)
    ]
    assert black == hunks
    mypy = run_tool(project.root, "mypy", "bad.py")  # mypy's own run: same line
    assert mypy.stdout.startswith(f"bad.py:{line}: error:")


def test_an_undecodable_file_names_every_tool_even_isort(
    project: Project, qg: InProcess
) -> None:
    project.write("latin.py", b'"""Caf\xe9."""\n')
    project.commit()
    code, report, _ = qg_json(
        qg, project.root, "run", "--all-files", "--tools", "isort,flake8"
    )
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["tool"], finding["rule"]) == ("python", "E902")
    assert finding["message"].endswith(
        "(reported once for isort and flake8, which were not given the file)"
    )


@pytest.mark.parametrize(
    ("config", "bad", "message"),
    [
        pytest.param(
            "[tool.isort]\natomic = true\n",
            '"""Doc."""\u2028\u2028import sys\u2028import os\n',  # U+2028: one line
            "isort refused this file: it is not valid Python, and the isort config's",
            id="atomic-refuses-what-does-not-compile",
        ),
        pytest.param(
            "",
            '"""Doc."""\n\nfrom os import (\n    sep,\n',
            "isort crashed on this file (ERROR: isort was told to sort imports within",
            id="unclosed-parenthesis-stops-isort",
        ),
    ],
)
def test_a_file_isort_stops_at_is_one_finding_the_rest_are_checked(
    project: Project, config: str, bad: str, message: str, qg: InProcess
) -> None:
    # isort's own run stops at the file (exit 1, no diff of the files after it)
    if config:
        project.write("pyproject.toml", config)
    project.write("a_bad.py", bad)
    for name in ("b.py", "c.py"):
        project.write(name, '"""Doc."""\n\n' + UNSORTED)
    project.commit()
    own = run_tool(project.root, "isort", "--check-only", "a_bad.py", "b.py")
    assert (own.returncode, own.stdout) == (1, "")
    assert "contains syntax errors" in own.stderr
    code, report, err = qg_json(
        qg, project.root, "run", "--all-files", "--tools", "isort"
    )
    assert report["errors"] == [], err
    found = [(f["path"], f["rule"]) for f in report["findings"]]
    assert (code, found) == (
        1,
        [
            ("a_bad.py", "tool-error"),
            *[(n, "I001") for n in ("b.py", "b.py", "c.py", "c.py")],
        ],
    )
    assert report["findings"][0]["message"].startswith(message)
