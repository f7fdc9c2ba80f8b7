"""Which files are tests: pytest's own discovery, checked against pytest itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from quality_gates import testfiles
from quality_gates.errors import GateError
from quality_gates.findings import Finding

# records the test modules pytest collects, in place of importing them
RECORDER = """
import os

import pytest


class Recorded(pytest.File):
    def collect(self):
        with open(os.environ["RECORD"], "a", encoding="utf-8") as out:
            out.write(str(self.path) + "\\n")
        return []


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path, parent):
    return Recorded.from_parent(parent, path=module_path)
"""

LAYOUT = [
    "pkg/__init__.py",
    "pkg/core.py",
    "pkg/test_inside.py",
    "pkg/core_test.py",
    "tests/test_a.py",
    "tests/helpers.py",
    "tests/unit/test_b.py",
    "tests/unit/b_test.py",
    "tests/test_data/module.py",
    "tests/build/test_built.py",
    "tests/.hidden/test_hidden.py",
    "tests/venv/test_venv.py",
    "tests/env/test_env.py",
    "tests/env/pyvenv.cfg",
    "tests/test_stub.pyi",
    "tests/solution_check.py",
    "testing/test_c.py",
    "testing/deep/x_check.py",
    "docs/test_doc.py",
    "test_root.py",
    "setup.py",
]


def pytest_collects(root: Path, tmp_path: Path) -> set[str]:
    """Ask the real pytest which files it collects as test modules (none imported)."""
    plugin = tmp_path / "plugin"
    plugin.mkdir(exist_ok=True)
    (plugin / "recorder.py").write_text(RECORDER)
    record = tmp_path / "collected.txt"
    record.write_text("")
    env = {
        **os.environ,
        "PYTHONPATH": str(plugin),
        "RECORD": str(record),
        "PYTEST_ADDOPTS": "",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "recorder"]
        + ["--noconftest", "-p", "no:cacheprovider", "-o", "addopts="],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 5), proc.stdout + proc.stderr
    real = os.path.realpath(root)
    return {
        os.path.relpath(line, real).replace(os.sep, "/")
        for line in record.read_text().splitlines()
    }


def make(root: Path, config: dict[str, str]) -> Path:
    for name in LAYOUT:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("" if name.endswith(".cfg") else "x = 1\n")
    for name, text in config.items():
        (root / name).write_text(text)
    return root


CONFIGS = [
    pytest.param({}, id="no-config"),
    pytest.param(
        {"pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'},
        id="pyproject-testpaths",
    ),
    pytest.param(
        {"pyproject.toml": '[tool.pytest]\ntestpaths = ["tests", "testing"]\n'},
        id="pyproject-native",
    ),
    pytest.param(
        {"pytest.ini": "[pytest]\ntestpaths = testing\n    tests/unit\n"},
        id="pytest-ini-multiline",
    ),
    pytest.param(
        {"pytest.ini": "[other]\nx = 1\n", "tox.ini": "[pytest]\ntestpaths = tests\n"},
        id="empty-pytest-ini-wins",
    ),
    pytest.param(
        {"pytest.toml": '[pytest]\npython_files = ["*_check.py"]\n'},
        id="pytest-toml",
    ),
    pytest.param(
        {"tox.ini": "[pytest]\npython_files = test_*.py *_check.py\n"},
        id="tox",
    ),
    pytest.param(
        {"setup.cfg": "[tool:pytest]\ntestpaths = t*\nnorecursedirs = unit\n"},
        id="setup-cfg-glob",
    ),
    pytest.param(
        {"setup.cfg": "[tool:pytest]\npython_files = tests/unit/*.py\n"},
        id="python-files-with-a-folder",
    ),
    pytest.param(
        {"pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["nowhere"]\n'},
        id="testpaths-found-nothing",
    ),
    pytest.param(
        {
            "setup.cfg": "[tool:pytest]\ntestpaths = tests\n",
            "tox.ini": "[pytest]\ntestpaths = testing\n",
        },
        id="tox-beats-setup-cfg",
    ),
    pytest.param(
        {"pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["test_root.py"]\n'},
        id="testpaths-a-file",
    ),
]


@pytest.mark.parametrize("config", CONFIGS)
def test_the_rule_agrees_with_pytest(config: dict[str, str], tmp_path: Path) -> None:
    root = make(tmp_path / "project", config)
    rule = testfiles.load(root, None)
    collected = pytest_collects(root, tmp_path)
    python = [n for n in LAYOUT if n.endswith(".py")]
    ours = {name for name in python if rule(name)}
    assert ours == collected
    assert collected, "the layout always has test files"


def test_conftest_is_test_code_anywhere_but_in_pruned_folders(tmp_path: Path) -> None:
    root = make(tmp_path, {"tox.ini": "[pytest]\ntestpaths = tests\n"})
    rule = testfiles.load(root, None)
    assert rule("conftest.py") and rule("pkg/conftest.py")
    assert rule("tests/unit/conftest.py")
    assert not rule("build/conftest.py") and not rule(".tox/py/conftest.py")


def test_a_config_above_the_root_is_found_and_its_testpaths_ignored(
    tmp_path: Path,
) -> None:
    """A pytest run from below its rootdir uses no ``testpaths``."""
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\ntestpaths = project/tests\npython_files = *_check.py\n"
    )
    root = make(tmp_path / "project", {"pyproject.toml": "[project]\nname = 'x'\n"})
    rule = testfiles.load(root, None)
    assert rule.source == f"{tmp_path}/pytest.ini [pytest]"
    assert rule.testpaths == ()
    assert {n for n in LAYOUT if rule(n)} == pytest_collects(root, tmp_path)


def test_test_files_setting_replaces_pytest(tmp_path: Path) -> None:
    root = make(tmp_path, {"pytest.ini": "[pytest]\ntestpaths = testing\n"})
    rule = testfiles.load(root, ("tests", "*_check.py"))
    assert rule("tests/helpers.py") and rule("testing/deep/x_check.py")
    assert not rule("testing/test_c.py") and not rule("conftest.py")
    assert rule.describe() == "test-files in [tool.quality-gates]: tests, *_check.py"
    nothing = testfiles.load(root, ())
    assert not any(nothing(n) for n in LAYOUT)
    assert nothing.describe() == "test-files in [tool.quality-gates]: none"


def test_describe_and_key(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {"pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'},
    )
    rule = testfiles.load(root, None)
    assert rule.describe() == (
        "test_*.py *_test.py under tests, and conftest.py "
        "(as pytest finds them: pyproject.toml [tool.pytest.ini_options])"
    )
    # the key is what decides, not where it is written
    moved = make(tmp_path / "other", {"tox.ini": "[pytest]\ntestpaths = tests\n"})
    assert testfiles.load(moved, None).key() == rule.key()
    assert testfiles.load(moved, ("tests",)).key() != rule.key()


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        pytest.param(
            "pytest.toml",
            b"[pytest\n",
            "pytest.toml: pytest's config cannot be read (invalid TOML: ",
            id="toml",
        ),
        pytest.param(
            "pytest.ini",
            b"[pytest]\ntestpaths = 'tests\n",
            "pytest.ini [pytest]: pytest's config cannot be read "
            "(testpaths: No closing quotation)",
            id="quote",
        ),
        pytest.param(
            "tox.ini",
            b"[pytest]\ntestpaths = t\xffests\n",
            "tox.ini: pytest's config cannot be read ('utf-8' codec",
            id="not-utf8",
        ),
        pytest.param(
            "setup.cfg",
            b"testpaths = tests\n[tool:pytest]\n",
            "setup.cfg: pytest's config cannot be read (File contains no section",
            id="no-section-header",
        ),
        pytest.param(
            "pytest.toml",
            b"[pytest]\ntestpaths = 3\n",
            "pytest.toml [pytest]: pytest's config cannot be read "
            "(testpaths: expected a list of strings)",
            id="wrong-type",
        ),
    ],
)
def test_unreadable_config_is_one_line_naming_it(
    tmp_path: Path, name: str, text: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(text)
    with pytest.raises(GateError) as raised:
        testfiles.load(tmp_path, None)
    error = str(raised.value)
    assert "\n" not in error
    assert error.startswith(message), error
    assert error.endswith(
        "so the suite cannot tell which files are tests; fix it, or set "
        "test-files in [tool.quality-gates]"
    )
    # the project's own setting needs no pytest config at all
    assert testfiles.load(tmp_path, ("tests",))("tests/x.py")


def test_split_counts_files_lines_findings_and_debt(tmp_path: Path) -> None:
    rule = testfiles.load(make(tmp_path, {}), None)
    findings = [
        Finding("bandit", "B105", "warning", "tests/test_a.py", 1, 1, "m"),
        Finding("flake8", "D103", "warning", "pkg/core.py", 1, 1, "m"),
        Finding("flake8", "E501", "warning", "pkg/core.py", 2, 1, "m"),
    ]
    loc = {"tests/test_a.py": 10, "tests/helpers.py": 5, "pkg/core.py": 20}
    cost = {"B105": 10, "D103": 5, "E501": 2}
    parts = testfiles.split(findings, loc, rule, lambda f: cost[f.rule])
    assert parts == {
        "tests": {"files": 1, "lines_of_code": 10, "findings": 1, "debt_minutes": 10},
        "rest": {"files": 2, "lines_of_code": 25, "findings": 2, "debt_minutes": 7},
    }
