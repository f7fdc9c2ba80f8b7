"""init keeps the Python the project's hooks ran on (``language_version``).

In-process: the project's real ``.pre-commit-config.yaml`` in tmp_path and
init's own planning (``plan._planned``: what init would write, before the
baseline); what init writes is checked by the real ``pre-commit
validate-config``.  The end-to-end run through pre-commit is in init_test.py.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import REPO, pre_commit
from quality_gates.adopt import hooks, language, plan, precommit_file, workflow
from quality_gates.adopt.workspace import Workspace

PIN = ("https://github.com/OWNER/quality-gates", "a" * 40, "frozen: v0.1.0")
RUNNING = f"python{sys.version_info.major}.{sys.version_info.minor}"


def planned(root: Path, config_text: str) -> tuple[dict[str, str], list[str]]:
    """Plan init for a project holding ``config_text``: the texts and the notes."""
    (root / precommit_file.PATH).write_text(config_text)
    pyproject = root / "pyproject.toml"
    if not pyproject.exists():
        pyproject.write_text('[project]\nname = "app"\nversion = "1"\n')
    ws = Workspace.open(root)
    config = precommit_file.parse(config_text.encode())
    found = hooks.classify(config, [PIN[0]])
    ws.notes += found.notes
    request = plan.Request(root, PIN[0], "v0.1.0")
    texts = plan._planned(request, ws, config, found, PIN, "v0.1.0")
    return texts, ws.notes


def gate_hooks(text: str) -> list[dict[str, object]]:
    doc = yaml.safe_load(text)
    ours = [r for r in doc["repos"] if r["repo"] == PIN[0]]
    assert len(ours) == 1
    hooks_: list[dict[str, object]] = ours[0]["hooks"]
    return hooks_


def gate_step(text: str) -> dict[str, str]:
    steps = yaml.safe_load(text)["jobs"]["gate"]["steps"]
    (step,) = [s for s in steps if "/actions/quality-gate@" in s.get("uses", "")]
    with_: dict[str, str] = step["with"]
    return with_


def validate(root: Path, config: str) -> None:
    """Check the config init would write with the real pre-commit."""
    (root / precommit_file.PATH).write_text(config)
    proc = pre_commit(
        root, root.parent / "home", "validate-config", precommit_file.PATH
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Make the project's folder, beside a pre-commit home."""
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


BLACK_PINNED = """\
repos:
  - repo: https://github.com/psf/black
    rev: 24.4.2
    hooks:
      - id: black
        language_version: python3.11   # the team's Python
      - id: black-jupyter
        language_version: python3.12
  - repo: https://github.com/pycqa/flake8
    rev: 7.1.0
    hooks:
      - id: flake8
"""


def test_a_replaced_hooks_language_version_is_carried_and_a_kept_ones_kept(
    root: Path,
) -> None:
    texts, notes = planned(root, BLACK_PINNED)
    config = texts[precommit_file.PATH]
    # black ran on 3.11, flake8 on pre-commit's default: one gate hook each
    assert gate_hooks(config) == [
        {
            "id": "quality-gate",
            "name": "quality gate (black)",
            "args": ["--tools", "black"],
            "language_version": "python3.11",
        },
        {
            "id": "quality-gate",
            "name": "quality gate (flake8)",
            "args": ["--tools", "flake8"],
        },
    ]
    # the kept hook of the same repository keeps its bytes, pin included
    assert "      - id: black-jupyter\n        language_version: python3.12\n" in config
    assert "        language_version: python3.11\n" in config
    # flake8's Python is not known: the workflow keeps the action's default
    assert "python-version" not in gate_step(texts[workflow.PATH])
    assert not [n for n in notes if "language_version" in n]
    validate(root, config)


DEFAULT_AT_THE_TOP = """\
default_language_version:
  python: python3.11
repos:
  - repo: https://github.com/psf/black
    rev: 24.4.2
    hooks:
      - id: black
        language_version: python3.11
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.10.0
    hooks:
      - id: mypy
"""


def test_the_default_language_version_stays_and_decides_the_workflows_python(
    root: Path,
) -> None:
    texts, _ = planned(root, DEFAULT_AT_THE_TOP)
    config = texts[precommit_file.PATH]
    assert config.startswith("default_language_version:\n  python: python3.11\n")
    # black's pin is the default: one gate hook, which inherits it
    assert gate_hooks(config) == [
        {"id": "quality-gate", "name": "quality gate (black, mypy)"}
    ]
    step = gate_step(texts[workflow.PATH])
    assert step["python-version"] == "3.11"
    assert (
        "          # the Python the pre-commit hooks run on (their language_version)\n"
        "          python-version: '3.11'\n"
    ) in texts[workflow.PATH]
    validate(root, config)


TOO_OLD = """\
default_language_version:
  python: python3.8
repos:
  - repo: https://github.com/psf/black
    rev: 22.3.0
    hooks:
      - id: black
        language_version: python3.9
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.10.0
    hooks:
      - id: mypy
"""


def test_a_python_the_suite_cannot_run_on_is_replaced_with_a_note(
    root: Path,
) -> None:
    """pre-commit could not install the suite on 3.9 or 3.8: init's own Python."""
    texts, notes = planned(root, TOO_OLD)
    config = texts[precommit_file.PATH]
    # both get init's Python: one gate hook again
    assert gate_hooks(config) == [
        {
            "id": "quality-gate",
            "name": "quality gate (black, mypy)",
            "language_version": RUNNING,
        },
    ]
    assert config.startswith("default_language_version:\n  python: python3.8\n")
    assert [n for n in notes if "language_version" in n] == [
        "hook `black` (line 7): not carried over: its language_version python3.9:"
        f" the suite needs Python 3.11 or later; the gate's hook runs on {RUNNING},"
        " the Python init runs on",
        "hook `mypy` (line 12): not carried over: default_language_version"
        f" python3.8: the suite needs Python 3.11 or later; the gate's hook runs on"
        f" {RUNNING}, the Python init runs on",
    ]
    assert gate_step(texts[workflow.PATH])["python-version"] == RUNNING[6:]
    validate(root, config)


def test_a_second_init_keeps_the_workflows_python_from_the_suites_entry(
    root: Path,
) -> None:
    """The entry init wrote is kept as it is; its hooks still decide the workflow."""
    first, _ = planned(root, TOO_OLD)
    assert gate_step(first[workflow.PATH])["python-version"] == RUNNING[6:]
    for name, text in first.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    second, _ = planned(root, first[precommit_file.PATH])
    assert second[precommit_file.PATH] == first[precommit_file.PATH]
    assert second[workflow.PATH] == first[workflow.PATH]


@pytest.mark.parametrize(
    ("name", "expected", "old"),
    [
        ("python3.11", (3, 11), False),
        ("python3.9", (3, 9), True),
        ("python3", (3, None), False),
        ("python2.7", (2, 7), True),
        ("/usr/bin/python3.10", (3, 10), True),
        ("C:\\Python312\\python3.12.exe", (3, 12), False),
        ("pypy3.10", (3, 10), True),
        ("3.13", (3, 13), False),
        ("default", None, False),
        ("system", None, False),
        ("python", None, False),
    ],
)
def test_versions_read_from_a_language_version(
    name: str, expected: tuple[int, int | None] | None, old: bool
) -> None:
    assert language.version(name) == expected
    assert language.too_old(name) is old


def test_the_minimum_is_the_suites_requires_python() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=%d.%d" % language.MIN_PYTHON
