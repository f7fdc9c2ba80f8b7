"""`quality-gates run` on wrong inputs: a clear message and an honest exit code, never a silent 0."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import HOOKS, REPO, InProcess, Project, cli

GOOD = '"""Doc."""\n\nx = 1\n'


def test_help_lists_every_option(qg: InProcess) -> None:
    proc = qg(REPO, "run", "--help")
    assert proc.returncode == 0
    for option in (
        "--all-files",
        "--tools",
        "--fix",
        "--format",
        "--output",
        "--jobs",
        "--no-cache",
    ):
        assert option in proc.stdout


def test_help_names_every_tool_that_fixes(qg: InProcess) -> None:
    from quality_gates import tools

    proc = qg(REPO, "run", "--help")
    fix_help = " ".join(proc.stdout.split("\n  --fix", 1)[1].split("\n  --")[0].split())
    fixers = [a.name for a in tools.load().values() if a.can_fix]
    assert sorted(fixers) == ["black", "isort", "ruff"]
    for name in fixers:
        assert name in fix_help


def test_version_names_every_pinned_tool(qg: InProcess) -> None:
    proc = qg(REPO, "--version")
    assert proc.returncode == 0
    for tool in (
        "quality-gates",
        "black",
        "isort",
        "flake8",
        "flake8-docstrings",
        "mypy",
        "bandit",
    ):
        assert tool in proc.stdout


def test_python_dash_m_and_console_script_agree() -> None:
    script = Path(sys.executable).parent / "quality-gates"  # pip install -e '.[test]'
    proc = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, check=False
    )
    module = cli(REPO, "--version")
    assert (proc.returncode, module.returncode) == (0, 0), proc.stderr + module.stderr
    assert proc.stdout == module.stdout
    assert proc.stdout.startswith(f"quality-gates {version('quality-gates')}\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param([], "no files given", id="no-files"),
        pytest.param(["missing.py"], "missing.py: no such file", id="missing-file"),
        pytest.param(["--all-files", "a.py"], "not both", id="files-and-all"),
        pytest.param(
            ["--tools", "pylint", "a.py"], "unknown tool 'pylint'", id="unknown-tool"
        ),
        pytest.param(
            ["--jobs", "0", "a.py"], "--jobs must be at least 1", id="zero-jobs"
        ),
        pytest.param(["pkg"], "is a folder", id="folder"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    project: Project, args: list[str], message: str, qg: InProcess
) -> None:
    project.write("a.py", GOOD)
    project.write("pkg/b.py", GOOD)
    proc = qg(project.root, "run", *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_all_files_with_no_tracked_python_is_an_error(
    project: Project, qg: InProcess
) -> None:
    project.write("README.md", "hi\n")
    project.commit()
    proc = qg(project.root, "run", "--all-files")
    assert proc.returncode == 2
    assert "no git-tracked Python files" in proc.stderr


def test_only_non_python_files_named_is_nothing_to_check(
    project: Project, qg: InProcess
) -> None:
    project.write("notes.txt", "hi\n")
    proc = qg(project.root, "run", "notes.txt")
    assert proc.returncode == 0
    assert "nothing to check" in proc.stderr


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        pytest.param("[tool.quality-gates\n", "invalid TOML", id="truncated"),
        pytest.param("", None, id="empty-is-fine"),
        pytest.param(
            "[tool.quality-gates]\nline-lenght = 88\n",
            "unknown key 'line-lenght'",
            id="typo",
        ),
        pytest.param(
            '[tool.quality-gates]\nline-length = "long"\n',
            "line-length: expected an integer",
            id="type",
        ),
        pytest.param(
            '[tool.quality-gates]\ntools = ["black", "no-such-tool"]\n',
            "unknown tool 'no-such-tool'",
            id="tool",
        ),
        pytest.param(
            '[tool.quality-gates]\ndocstring-convention = "pep8"\n',
            "'pep8' is not one of",
            id="choice",
        ),
        pytest.param(b"\xff\xfe[tool]\n", "not UTF-8", id="binary"),
        pytest.param(
            "[tool.quality-gates]\ntool-timeout = -1\n",
            "tool-timeout: must be 0 or more seconds",
            id="negative-timeout",
        ),
        pytest.param(
            "[tool.quality-gates]\ntool-timeout = inf\n",
            "tool-timeout: must be 0 or more seconds",
            id="infinite-timeout",
        ),
        pytest.param(
            '[tool.quality-gates]\nmax-file-kb = "1MB"\n',
            "max-file-kb: expected an integer",
            id="size-with-unit",
        ),
    ],
)
def test_bad_config_is_exit_2_naming_the_key(
    project: Project, pyproject: str | bytes, message: str | None, qg: InProcess
) -> None:
    project.write("pyproject.toml", pyproject)
    project.write("a.py", GOOD)
    proc = qg(project.root, "run", "--tools", "flake8", "a.py")
    if message is None:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode == 2
        assert message in proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("content", "rule", "message"),
    [
        pytest.param(
            "def f(:\n    pass\n", "E999", "not valid Python", id="syntax-error"
        ),
        pytest.param(
            b"x = '\xe9t\xe9'\n", "E902", "not valid utf-8", id="latin-1-without-cookie"
        ),
        pytest.param(
            b"\x7fELF\x02\x01\x01\x00\x00\x00", "E902", "NUL bytes", id="binary"
        ),
        pytest.param("x = (1,\n", "E999", "not valid Python", id="truncated"),
    ],
)
def test_files_that_are_not_python_are_findings_naming_the_file(
    project: Project, content: str | bytes, rule: str, message: str, qg: InProcess
) -> None:
    project.write("bad.py", content)
    project.write("good.py", GOOD)
    proc = qg(project.root, "run", "--format", "json", "bad.py", "good.py")
    report = json.loads(proc.stdout)
    assert proc.returncode == 1
    (finding,) = [f for f in report["findings"] if f["path"] == "bad.py"]
    assert (finding["tool"], finding["rule"]) == ("python", rule)
    assert message in finding["message"]
    assert not report["errors"]  # the tools still ran on the good file
    assert all(t["status"] == "ok" for t in report["tools"].values())


def test_empty_file_is_checked_not_an_error(project: Project, qg: InProcess) -> None:
    project.write("__init__.py", "")
    proc = qg(project.root, "run", "--format", "json", "__init__.py")
    report = json.loads(proc.stdout)
    assert not report["errors"]
    assert all(
        t["status"] == "ok" and t["files"] == 1 for t in report["tools"].values()
    )
    # pydocstyle really does ask for a package docstring, even in an empty __init__.py
    assert [(f["tool"], f["rule"]) for f in report["findings"]] == [("flake8", "D104")]


def test_declared_encoding_is_honoured(project: Project, qg: InProcess) -> None:
    project.write("legacy.py", b'# -*- coding: latin-1 -*-\n"""Caf\xe9."""\n')
    proc = qg(project.root, "run", "--tools", "flake8", "--format", "json", "legacy.py")
    assert [f["tool"] for f in json.loads(proc.stdout)["findings"]] == []


def test_a_crashing_tool_is_exit_2_naming_the_tool_and_files(
    project: Project, tmp_path: Path
) -> None:
    """A real process that crashes: a flake8 module that raises, first on the path."""
    shim = tmp_path / "shim" / "flake8"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("")
    (shim / "__main__.py").write_text("raise RuntimeError('plugin exploded')\n")
    project.write("a.py", GOOD)
    env = {"PYTHONPATH": f"{tmp_path / 'shim'}:{HOOKS}"}
    proc = cli(
        project.root,
        "run",
        "--tools",
        "flake8,black",
        "--format",
        "json",
        "a.py",
        env=env,
    )
    report = json.loads(proc.stdout)
    assert proc.returncode == 2
    assert report["tools"]["flake8"]["status"] == "error"
    assert report["tools"]["black"]["status"] == "ok"
    (error,) = report["errors"]
    assert "flake8 crashed" in error and "plugin exploded" in error and "a.py" in error


def test_a_crash_is_not_cached(project: Project, tmp_path: Path) -> None:
    shim = tmp_path / "shim" / "black"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("")
    (shim / "__main__.py").write_text("import sys\nsys.exit(123)\n")
    project.write("a.py", GOOD)
    env = {"PYTHONPATH": f"{tmp_path / 'shim'}:{HOOKS}"}
    assert cli(project.root, "run", "--tools", "black", "a.py", env=env).returncode == 2
    healthy = cli(project.root, "run", "--tools", "black", "--format", "json", "a.py")
    assert healthy.returncode == 0
    assert json.loads(healthy.stdout)["tools"]["black"]["cached"] == 0


def test_a_missing_tool_is_exit_2_naming_it(project: Project, tmp_path: Path) -> None:
    """An interpreter without the pinned tools installed (a bare venv)."""
    venv = tmp_path / "bare"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True
    )
    project.write("a.py", GOOD)
    proc = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "quality_gates",
            "run",
            "--tools",
            "black",
            "a.py",
        ],
        cwd=project.root,
        env={"PYTHONPATH": str(HOOKS), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "black: not installed" in proc.stdout + proc.stderr


def test_output_is_written_atomically_and_findings_still_shown(
    project: Project, qg: InProcess
) -> None:
    project.write("a.py", "import os\n")
    out = project.root / "reports" / "gate.json"
    proc = qg(
        project.root,
        "run",
        "--tools",
        "flake8",
        "--format",
        "json",
        "--output",
        str(out),
        "a.py",
    )
    assert proc.returncode == 1
    assert json.loads(out.read_text())["findings"]
    assert "a.py:1:1: flake8 F401" in proc.stderr
    assert "report written to" in proc.stderr
    assert not list(out.parent.glob(".*tmp"))


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--diff-base", "HEAD"], id="no Python file changed"),
        pytest.param(["notes.txt"], id="no named file is Python"),
    ],
)
def test_nothing_to_check_still_emits_the_empty_report(
    project: Project, args: list[str], qg: InProcess
) -> None:
    project.write("notes.txt", "hi\n")
    project.commit()
    proc = qg(project.root, "run", "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["findings"], report["exit_code"], report["score"]) == ([], 0, 100.0)
    assert report["summary"]["files"] == 0
    assert "nothing to check" in proc.stderr


def test_a_file_over_the_size_guard_is_an_error_the_rest_is_checked(
    project: Project, qg: InProcess
) -> None:
    project.write("pyproject.toml", "[tool.quality-gates]\nmax-file-kb = 1\n")
    project.write("big.py", '"""Generated."""\n\nDATA = [\n' + "    1,\n" * 400 + "]\n")
    project.write("small.py", '"""Doc."""\n\nimport os\n')
    proc = qg(
        project.root,
        "run",
        "--tools",
        "flake8",
        "--format",
        "json",
        "big.py",
        "small.py",
    )
    report = json.loads(proc.stdout)
    assert proc.returncode == 2
    assert report["errors"] == [
        "big.py: 3 KB, over max-file-kb = 1: not checked (generated code?); exclude "
        "it (`exclude` in [tool.quality-gates]) or raise the limit (`max-file-kb`, "
        "or --max-file-kb)"
    ]
    assert [(f["path"], f["rule"]) for f in report["findings"]] == [
        ("small.py", "F401")
    ]
    raised = qg(
        project.root, "run", "--tools", "flake8", "--max-file-kb", "0", "big.py"
    )
    assert raised.returncode == 0, raised.stderr


def test_a_tool_past_its_timeout_is_stopped_and_named_with_its_files(
    project: Project,
) -> None:
    """A timeout no interpreter can start within: black is always stopped."""
    project.write("a.py", GOOD)
    proc = cli(
        project.root,
        "run",
        "--tools",
        "black",
        "--tool-timeout",
        "0.001",
        "--format",
        "json",
        "a.py",
    )
    report = json.loads(proc.stdout)
    assert proc.returncode == 2
    assert report["errors"] == [
        "black timed out after 0.001 s and was stopped; raise `tool-timeout` in "
        "[tool.quality-gates] (or --tool-timeout), or exclude the files (files: a.py)"
    ]
    assert report["tools"]["black"]["status"] == "error"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--tools", ""], "--tools: the list of tools is empty", id="empty"
        ),
        pytest.param(
            ["--tools", " , "], "--tools: the list of tools is empty", id="blank"
        ),
        pytest.param(
            ["--tool-timeout", "-1"], "--tool-timeout must be 0", id="timeout"
        ),
        pytest.param(["--max-file-kb", "-1"], "--max-file-kb must be 0", id="size"),
        pytest.param(["--bogus"], "unrecognized arguments: --bogus", id="unknown"),
    ],
)
def test_bad_limits_and_tool_lists_are_usage_errors(
    project: Project, args: list[str], message: str, qg: InProcess
) -> None:
    project.write("a.py", GOOD)
    proc = qg(project.root, "run", *args, "a.py")
    assert proc.returncode == 2
    assert message in proc.stderr


def test_a_file_named_like_an_option_is_checked(
    project: Project, qg: InProcess
) -> None:
    project.write("-x.py", '"""Doc."""\n\nimport os\n')
    proc = qg(project.root, "run", "--tools", "flake8", "-x.py")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("-x.py:3:1: flake8 F401")


def test_tracked_files_that_are_gone_are_named_in_a_note(
    project: Project, qg: InProcess
) -> None:
    project.write("a.py", GOOD)
    (project.root / "dangling.py").symlink_to("missing.py")
    project.commit()
    proc = qg(project.root, "run", "--all-files", "--tools", "flake8")
    assert proc.returncode == 0, proc.stderr
    assert (
        "note: dangling.py: a dangling symlink (to missing.py); not checked\n"
        in proc.stdout
    )
