"""The command line: every subcommand has --help, and start-up stays light."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import HOOKS, REPO, InProcess, Project
from quality_gates.cli import build_parser

DESIGN_SUBCOMMANDS = (
    "run",
    "baseline",
    "score",
    "dashboard",
    "protect",
    "audit-gates",
    "import-time",
    "coverage",
    "docs-check",
    "init",
    "security",
    "cache",
)
# the subcommands that report, with --format and --output
REPORTING = (
    "run",
    "score",
    "protect",
    "audit-gates",
    "import-time",
    "coverage",
    "docs-check",
    "security",
)
HEAVY = (
    "coverage",
    "matplotlib",
    "yaml",
    "jsonschema",
    "pip_audit",
    "black",
    "mypy",
    "bandit",
    "flake8",
    "isort",
    "numpy",
)


def test_top_level_help_and_version(qg: InProcess) -> None:
    proc = qg(REPO, "--help")
    assert proc.returncode == 0
    assert "exit codes: 0 gate passed, 1 gate failed" in proc.stdout


@pytest.mark.parametrize("name", sorted(build_parser()[1]))
def test_every_subcommand_has_help(name: str, qg: InProcess) -> None:
    proc = qg(REPO, name, "--help")
    assert proc.returncode == 0, proc.stderr
    assert f"usage: quality-gates {name}" in proc.stdout


def test_no_subcommand_is_a_usage_error(qg: InProcess) -> None:
    proc = qg(REPO)
    assert proc.returncode == 2
    assert "required" in proc.stderr


def test_a_bug_in_the_suite_exits_2_not_1_which_says_findings(
    qg: InProcess, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception (a bug of the suite) is an error, never "findings".

    The bug is simulated: flake8's real run, then its parser raises (the
    monkeypatch stands in for a defect no input can trigger on purpose).
    """
    from quality_gates.tools import get

    def broken(*args: object) -> object:
        raise ValueError("an unexpected record")

    project.write("a.py", '"""A module."""\n\nX = 1\n')
    project.commit()
    monkeypatch.setattr(type(get("flake8")), "parse", broken)
    proc = qg(project.root, "run", "--tools", "flake8", "--no-cache", "a.py")
    assert proc.returncode == 2
    last = proc.stderr.strip().splitlines()[-1]
    assert last == (
        "quality-gates run: internal error: ValueError: an unexpected record"
        " (a bug; the traceback is above)"
    )
    assert "Traceback (most recent call last)" in proc.stderr
    monkeypatch.undo()  # the next run in this process starts its tools again
    again = qg(project.root, "run", "--tools", "flake8", "--no-cache", "a.py")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "error" not in again.stderr


def test_run_imports_no_heavy_module_at_start() -> None:
    """Every hook run pays for start-up: `run` imports only what it needs."""
    code = "import sys; from quality_gates.cli import build_parser; build_parser('run'); print(' '.join(sorted(sys.modules)))"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(HOOKS)},
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(proc.stdout.split())
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_the_subcommands_are_the_contracts() -> None:
    """Exactly the product's subcommands, each with its help line."""
    parser, modules = build_parser()
    assert set(modules) == set(DESIGN_SUBCOMMANDS) | {"ci"}
    # `quality-gates --help` lists each subcommand with its module's one line
    listed = " ".join(parser.format_help().split())
    for name, module in modules.items():
        line = " ".join(module.HELP.split())
        assert line == module.HELP and line[:1].islower(), name
        assert f" {name} {line} " in listed, name


@pytest.mark.parametrize("name", REPORTING)
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "markdown"])
def test_reporting_subcommands_take_format_and_output(name: str, fmt: str) -> None:
    parser, _ = build_parser(name)
    args = parser.parse_args([name, "--format", fmt, "--output", "out.txt"])
    assert (args.command, args.format, args.output) == (name, fmt, "out.txt")


def test_an_unknown_format_is_a_usage_error(qg: InProcess) -> None:
    proc = qg(REPO, "run", "--format", "xml", "--all-files")
    assert proc.returncode == 2
    assert "invalid choice: 'xml'" in proc.stderr


def test_every_ci_job_that_runs_the_tests_sets_ci() -> None:
    """.ci/run and each workflow job running the suite set CI: a skip fails there."""
    lines = (REPO / ".ci" / "run").read_text().splitlines()
    runs = [i for i, ln in enumerate(lines) if "-m pytest" in ln]
    assert runs and lines.index("export CI=true") < runs[0]
    for path in sorted((REPO / ".github" / "workflows").glob("*.yml")):
        doc = yaml.safe_load(path.read_text())
        for name, job in doc["jobs"].items():
            uses = [str(step.get("uses", "")) for step in job.get("steps", [])]
            runs_tests = any(u.endswith("/matrix-test") for u in uses) or any(
                "pytest" in str(step.get("run", "")) for step in job["steps"]
            )
            env = {**doc.get("env", {}), **job.get("env", {})}
            assert not runs_tests or env.get("CI") == "true", (path.name, name)


def inner_pytest(root: Path, ci: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a real pytest in ``root`` with this suite's conftest, CI set or not."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsfxE", "-p", "conftest"]
        + ["-p", "no:xdist", "-p", "no:cacheprovider", *args]
        # its own temporary folder: no pruning of the shared pytest-of-USER
        + ["--basetemp", str(root / "inner")],
        cwd=root,
        env={**env, "CI": ci, "PYTHONPATH": f"{REPO / 'tests'}:{HOOKS}"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("ci", "code", "says"),
    [
        pytest.param(
            "true",
            2,
            "ERROR test_whole.py - skipped, and CI is set, so it must run here: "
            "Skipped: no such platform",
            id="CI",
        ),
        pytest.param(
            "", 0, "SKIPPED [1] test_whole.py:3: no such platform", id="laptop"
        ),
    ],
)
def test_a_module_skipped_whole_fails_under_ci(
    tmp_path: Path, ci: str, code: int, says: str
) -> None:
    """``pytest.skip(allow_module_level=True)`` is caught at collection, under CI."""
    (tmp_path / "test_whole.py").write_text(
        "import pytest\n\npytest.skip('no such platform', allow_module_level=True)\n"
    )
    (tmp_path / "test_ok.py").write_text("def test_ok():\n    pass\n")
    proc = inner_pytest(tmp_path, ci, "test_whole.py", "test_ok.py")
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert says in proc.stdout.splitlines(), proc.stdout


@pytest.mark.parametrize(
    ("ci", "code", "says"),
    [
        pytest.param("true", 1, "FAILED test_it.py::test_needs_root", id="CI"),
        pytest.param("", 0, "SKIPPED [1] test_it.py:5: needs root", id="laptop"),
    ],
)
def test_a_skip_fails_under_ci_and_is_a_skip_elsewhere(
    tmp_path: Path, ci: str, code: int, says: str
) -> None:
    """The hook in conftest, in a real pytest run: no CI job stays green past a skip."""
    (tmp_path / "test_it.py").write_text(
        "import pytest\n\n\ndef test_needs_root():\n    pytest.skip('needs root')\n"
        "\n\n@pytest.mark.xfail(strict=True)\ndef test_known_bug():\n    assert False\n"
    )
    proc = inner_pytest(tmp_path, ci, "test_it.py")
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert says in proc.stdout, proc.stdout
    assert "XFAIL test_it.py::test_known_bug" in proc.stdout  # not a skip
    if ci:
        assert "skipped, and CI is set, so it must run here: Skipped: needs root" in (
            proc.stdout
        )
