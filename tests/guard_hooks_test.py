"""protect-files, protect-files-commit-msg and gate-integrity through the real pre-commit.

These install the hook environment from this repository (slow the first time,
shared through the session's PRE_COMMIT_HOME afterwards).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Project, run_hook

PYPROJECT = '[project]\nname = "consumer"\n\n[tool.quality-gates.protect]\nci = [".github/workflows/"]\n'
WORKFLOW = """\
on: push
permissions:
  contents: read
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2
      - run: flake8 . || exit 1
"""


@pytest.fixture
def consumer(project: Project) -> Project:
    project.write("pyproject.toml", PYPROJECT)
    project.write(".github/CODEOWNERS", "* @org/maintainers\n")
    project.write(".github/workflows/ci.yml", WORKFLOW)
    project.commit("consumer")
    return project


def hook_run(
    consumer: Project, hook_repo: tuple[Path, str], home: Path, *args: str
) -> tuple[int, str]:
    proc = run_hook(consumer.root, home, hook_repo, *args)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.slow
def test_protect_files_hook_sees_staged_rename(
    consumer: Project,
    hook_repo: tuple[Path, str],
    pre_commit_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    consumer.git("mv", ".github/workflows/ci.yml", "ci.yml.off")
    code, out = hook_run(consumer, hook_repo, pre_commit_home, "protect-files")
    assert code == 1, out
    assert (
        ".github/workflows/ci.yml:1:0: protect QG001 protected path renamed away (to ci.yml.off)"
        in out
    )
    monkeypatch.setenv("QUALITY_GATES_APPROVE", "ci")
    code, out = hook_run(consumer, hook_repo, pre_commit_home, "protect-files")
    assert code == 0, out
    assert "1 protected change(s) approved" in out


@pytest.mark.slow
def test_protect_files_commit_msg_hook_reads_the_trailer(
    consumer: Project, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    consumer.write(
        ".github/workflows/ci.yml",
        WORKFLOW.replace("on: push", "on: [push, pull_request]"),
    )
    consumer.git("add", "-A")
    message = consumer.write(".git/COMMIT_EDITMSG", "ci: run on PRs\n")
    args = (
        "protect-files-commit-msg",
        "--hook-stage",
        "commit-msg",
        "--commit-msg-filename",
        str(message),
    )
    code, out = hook_run(consumer, hook_repo, pre_commit_home, *args)
    assert code == 1, out
    assert "protect QG001 protected path modified" in out
    message.write_text("ci: run on PRs\n\nProtected-change: PRs were never checked\n")
    code, out = hook_run(consumer, hook_repo, pre_commit_home, *args)
    assert code == 0, out


@pytest.mark.slow
def test_gate_integrity_hook(
    consumer: Project, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    code, out = hook_run(
        consumer, hook_repo, pre_commit_home, "gate-integrity", "--all-files"
    )
    assert code == 0, out
    consumer.write(".github/workflows/ci.yml", WORKFLOW.replace("|| exit 1", "|| true"))
    code, out = hook_run(
        consumer, hook_repo, pre_commit_home, "gate-integrity", "--all-files"
    )
    assert code == 1, out
    assert (
        ".github/workflows/ci.yml:9:0: audit-gates QG101 job `lint`, step `Run flake8 . || true`"
        in out
    )
