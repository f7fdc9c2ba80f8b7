"""The command line: every subcommand has --help, and start-up stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import HOOKS, REPO, InProcess
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
    assert all(module.HELP for module in modules.values())


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
