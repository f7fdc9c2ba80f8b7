"""Each tool checks exactly the files the project's own run of it checks.

A real project in tmp_path where every file has a finding for every tool; each
tool is run directly the way a project runs it (``black --check .``,
``isort --check-only .``, ``flake8``, ``mypy``, ``bandit -r . -c
pyproject.toml``), and the files it reports are the files the gate reports
for it, with ``--all-files`` and with the files named as pre-commit names them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import InProcess, Project, run_tool
from gate_json import qg_json

# a finding for each tool: black (y=1), isort (order), flake8 (F401),
# mypy (assignment), bandit (B307; not B101, which the suite's defaults leave
# out of test files, as bandit's own run does not)
EVERY_TOOL = 'import sys\nimport os\n\nx: int = "a"\ny=1\neval("x")\n'

FILES = [
    "src/pkg/__init__.py",
    "src/pkg/core.py",
    "src/pkg/gen/__init__.py",
    "src/pkg/gen/made.py",
    "src/pkg/contests.py",  # "tests" inside a name: bandit excludes by substring
    "tests/test_core.py",
    "tests/data/case.py",
    "tests/data/deep/more.py",
    "build/lib/copy.py",  # black's and isort's default excludes
    "docs/conf.py",
    ".github/scripts/release.py",  # hidden: mypy skips it
    "scripts/tool.py",
    "legacy_old.py",
    "stubs/api.pyi",  # not *.py: flake8's and bandit's walks skip it
    "generated/out.py",  # tracked, but .gitignore'd: black skips it
]

CONFIGURED = {
    "pyproject.toml": """
[tool.black]
extend-exclude = '''
(
    ^/tests/data/      # test data is kept as it is
  | /gen/
)
'''
force-exclude = "legacy_.*[.]py"

[tool.isort]
profile = "black"
extend_skip = ["docs"]
skip_glob = ["tests/data/*", "*/gen/*"]

[tool.mypy]
files = ["src", "tests", "scripts/tool.py"]
exclude = ["^tests/data/", "made[.]py$"]

[tool.bandit]
exclude_dirs = ["tests", "*/gen/*"]
""",
    "setup.cfg": """
[flake8]
extend-exclude = tests/data,build,gen
per-file-ignores = docs/*:F401
""",
    ".bandit": None,
}
# the other spellings: ini files, settings that replace the tools' defaults
REPLACED = {
    "pyproject.toml": """
[tool.black]
exclude = "/(docs|stubs)/"   # replaces black's default: build/ and .gitignore count

[tool.bandit]
include = ["*.py", "*.pyi"]
""",
    ".isort.cfg": "[settings]\nskip = scripts,docs\nextend_skip_glob = */deep/*\n",
    ".flake8": "[flake8]\nexclude = ./scripts, src/pkg/gen\nfilename = *.py,*.pyi\n",
    "mypy.ini": """[mypy]
packages = pkg
modules = legacy_old
mypy_path = src
exclude = (?x)(
    contests[.]py$
  | /gen/
  )
""",
    ".bandit": "[bandit]\nexclude = build,./docs\n",
}
DEFAULTS: dict[str, str | None] = {}


def make(project: Project, config: dict[str, str | None]) -> None:
    for name in FILES:
        project.write(name, EVERY_TOOL)
    project.write(".gitignore", "generated/\n")
    for name, text in config.items():
        if text is not None:
            project.write(name, text)
    project.git("add", "-A")
    project.git("add", "-f", "generated/out.py")
    project.commit()


def direct(project: Project, tool: str) -> set[str]:
    """Run the tool the way a project runs it; return the files it reports."""
    configured = (project.root / "pyproject.toml").exists()
    commands = {
        "black": ["black", "--check", "."],
        "isort": ["isort", "--check-only", "."],
        "flake8": ["flake8"],
        "mypy": ["mypy"] if configured else ["mypy", "."],
        "bandit": ["bandit", "-q", "-r", ".", "-f", "json"]
        + (["-c", "pyproject.toml"] if configured else [])
        + (["--ini", ".bandit"] if (project.root / ".bandit").exists() else []),
    }
    proc = run_tool(project.root, *commands[tool])
    out = proc.stdout + proc.stderr
    if tool == "black":
        found = re.findall(r"^would reformat (.+)$", out, re.M)
        found = [str(Path(p).relative_to(project.root)) for p in found]
    elif tool == "isort":
        found = re.findall(r"^ERROR: (.+?) Imports are incorrectly sorted", out, re.M)
        found = [str(Path(p).relative_to(project.root)) for p in found]
    elif tool == "bandit":
        found = [r["filename"] for r in json.loads(proc.stdout)["results"]]
    else:
        found = re.findall(r"^(.+?):\d+:", proc.stdout, re.M)
    return {p.removeprefix("./") for p in found}


def gate(qg: InProcess, project: Project, *args: str) -> dict[str, Any]:
    _, report, _ = qg_json(qg, project.root, "run", *args)
    assert report["errors"] == [], report["errors"]
    return report


def by_tool(report: dict[str, Any], tool: str) -> set[str]:
    return {f["path"] for f in report["findings"] if f["tool"] == tool}


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(CONFIGURED, id="configured"),
        pytest.param(REPLACED, id="replaced-defaults-and-ini-files"),
        pytest.param(DEFAULTS, id="defaults"),
    ],
)
def test_every_tool_checks_what_its_own_run_checks(
    project: Project, config: dict[str, str | None], qg: InProcess
) -> None:
    make(project, config)
    everything = gate(qg, project, "--all-files")
    named = gate(qg, project, *FILES)  # as pre-commit names them
    for tool in ("black", "isort", "flake8", "mypy", "bandit"):
        expected = direct(project, tool)
        assert by_tool(everything, tool) == expected, tool
        assert by_tool(named, tool) == expected, tool
        assert everything["tools"][tool]["files"] == len(expected), tool


def test_the_configured_project_excludes_what_it_says(
    project: Project, qg: InProcess
) -> None:
    """The expectations, spelled out, so the test above cannot pass vacuously."""
    make(project, CONFIGURED)
    report = gate(qg, project, "--all-files")
    assert by_tool(report, "black") == {
        "src/pkg/__init__.py",
        "src/pkg/core.py",
        "src/pkg/contests.py",
        "tests/test_core.py",
        "docs/conf.py",
        ".github/scripts/release.py",
        "scripts/tool.py",
        "stubs/api.pyi",
    }
    assert "tests/data/case.py" not in by_tool(report, "isort")
    assert "docs/conf.py" not in by_tool(report, "isort")
    assert "stubs/api.pyi" not in by_tool(report, "flake8")
    assert by_tool(report, "mypy") == {
        "src/pkg/__init__.py",
        "src/pkg/core.py",
        "src/pkg/gen/__init__.py",
        "src/pkg/contests.py",
        "tests/test_core.py",
        "scripts/tool.py",
    }
    assert by_tool(report, "bandit") == {
        ".github/scripts/release.py",  # bandit's ".git" is ".git/*" for a folder
        "src/pkg/__init__.py",
        "src/pkg/core.py",
        "docs/conf.py",
        "scripts/tool.py",
        "legacy_old.py",
        "generated/out.py",
        "build/lib/copy.py",
    }


def test_a_file_every_tool_excludes_is_not_even_read(
    project: Project, qg: InProcess
) -> None:
    make(project, CONFIGURED)
    project.write("tests/data/broken.py", "def f(:\n")  # test data, invalid on purpose
    project.commit()
    report = gate(qg, project, "--all-files")
    assert "tests/data/broken.py" not in {f["path"] for f in report["findings"]}
    # a file some tool checks is still refused when it is not valid Python
    project.write("docs/broken.py", "def f(:\n")
    project.commit()
    report = gate(qg, project, "--all-files")
    assert ("docs/broken.py", "E999") in {
        (f["path"], f["rule"]) for f in report["findings"]
    }


def test_a_changed_exclude_changes_the_results_of_a_warm_run(
    project: Project, qg: InProcess
) -> None:
    make(project, CONFIGURED)
    before = gate(qg, project, "--all-files")
    assert "tests/test_core.py" in by_tool(before, "black")
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("| /gen/", "| /gen/\n  | ^/tests/")
    )
    after = gate(qg, project, "--all-files")
    assert "tests/test_core.py" not in by_tool(after, "black")
    assert by_tool(after, "black") == direct(project, "black")
    # and back: the file's own cached result is still right
    pyproject.write_text(CONFIGURED["pyproject.toml"] or "")
    assert by_tool(gate(qg, project, "--all-files"), "black") == by_tool(
        before, "black"
    )


def test_fix_rewrites_only_what_each_fixer_checks(
    project: Project, qg: InProcess
) -> None:
    make(project, CONFIGURED)
    before = (project.root / "tests/data/case.py").read_text()
    proc = qg(project.root, "run", "--fix", "--tools", "black,isort", "--all-files")
    assert "Fixing src/pkg/core.py" in proc.stderr
    # black and isort both exclude test data: neither touches it
    assert (project.root / "tests/data/case.py").read_text() == before
    # isort skips docs/, black does not: black alone formats it
    docs = (project.root / "docs/conf.py").read_text()
    assert "y = 1" in docs and docs.startswith("import sys\nimport os\n")
