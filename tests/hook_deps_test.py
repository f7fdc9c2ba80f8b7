"""One list of what mypy sees: the suite's hooks' additional_dependencies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HOOKS
from quality_gates import hook_deps
from quality_gates.ci import suite_env

CONFIG = """\
repos:
  - repo: https://github.com/me/quality-gates
    rev: {sha}
    hooks:
      - id: quality-gate
        args: [--tools, "black,mypy"]
        additional_dependencies: [click>=8, types-PyYAML]
      - id: quality-gate
        args: [--tools, flake8]
        additional_dependencies: [flake8-bugbear]
      - id: quality-gate
        additional_dependencies: [attrs, click>=8]
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.0.0
    hooks:
      - id: mypy
        additional_dependencies: [not-the-suites]
""".format(sha="a" * 40)


@pytest.mark.parametrize(
    ("text", "deps"),
    [
        pytest.param(
            CONFIG, ["click>=8", "types-PyYAML", "attrs"], id="mypy-hooks-once"
        ),
        pytest.param("repos: []\n", [], id="none"),
        pytest.param("repos: [\n", [], id="bad-yaml"),
        pytest.param("- a list\n", [], id="not-a-mapping"),
    ],
)
def test_mypy_dependencies(text: str, deps: list[str]) -> None:
    assert hook_deps.mypy_dependencies(text) == deps


def test_printed_one_a_line_for_the_action(tmp_path: Path) -> None:
    (tmp_path / ".pre-commit-config.yaml").write_text(CONFIG)
    proc = subprocess.run(
        [sys.executable, "-m", "quality_gates.hook_deps", str(tmp_path)],
        env={**os.environ, "PYTHONPATH": str(HOOKS)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout == "click>=8\ntypes-PyYAML\nattrs\n"


def test_the_actions_environment_is_the_projects_own_when_its_hooks_add_packages(
    tmp_path: Path,
) -> None:
    assert suite_env.hooks_digest(tmp_path) == ""
    (tmp_path / ".pre-commit-config.yaml").write_text(CONFIG)
    first = suite_env.hooks_digest(tmp_path)
    (tmp_path / ".pre-commit-config.yaml").write_text(CONFIG.replace("attrs", "rich"))
    assert first.startswith("-hooks") and suite_env.hooks_digest(tmp_path) != first
