"""flake8's config as flake8 reads it: plugin codes no plugin reports, [tool.flake8].

A ``select`` of codes no installed plugin reports is a finding on its line
(every other finding still reported); pyproject.toml's ``[tool.flake8]`` is
read as flake8 with flake8-pyproject reads it, whether or not that plugin is
installed beside the gate.  flake8-pyproject comes from PyPI.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import HOOKS, InProcess, Project, cli_json, run_tool
from gate_json import qg_json
from quality_gates import config as config_mod
from quality_gates.tools import flake8_config
from quality_gates.tools.base import Context, config_line

INSTALLED = "C90, D, E, F, W"
UNUSED = '"""Doc."""\n\nimport os\n'
FORMAT = "--format=%(path)s:%(row)d: %(code)s"


def findings(report: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    return [(f["path"], f["line"], f["tool"], f["rule"]) for f in report["findings"]]


@pytest.mark.parametrize(
    ("config", "missing"),
    [
        pytest.param(
            "[flake8]\nextend-select = B006,B950\n",
            {"extend-select": ["B006", "B950"]},
            id="bugbear",
        ),
        pytest.param(
            "[flake8]\nextend_select = B006\n", {"extend_select": ["B006"]}, id="_key"
        ),
        pytest.param("[flake8]\nselect = E,W,F,C90,D\n", {}, id="installed-only"),
        pytest.param("[flake8]\nselect = C\n", {}, id="prefix-of-c90"),
        pytest.param("[flake8]\nmax-line-length = 100\n", {}, id="no-selection"),
        pytest.param(
            "[flake8]\nselect = B, E, F, W, B9, ISC\nextend-select = B950\n",
            {"select": ["B", "B9", "ISC"], "extend-select": ["B950"]},
            id="pallets",
        ),
        pytest.param(
            "[flake8]\nextend-select = ABC1\n"
            "[flake8:local-plugins]\nextension =\n    ABC = checks:Checker\n",
            {},
            id="local-plugin",
        ),
        pytest.param("[flake8\nselect = B\n", {}, id="broken-file-left-to-flake8"),
    ],
)
def test_codes_no_installed_plugin_reports(
    project: Project, config: str, missing: dict[str, list[str]]
) -> None:
    project.write(".flake8", config)
    ctx = Context(project.root, config_mod.load(project.root))
    found = flake8_config.read_config(ctx)
    assert (flake8_config.unreported_codes(found) if found else {}) == missing


def test_a_select_no_plugin_reports_is_a_finding_on_its_line(
    project: Project, qg: InProcess
) -> None:
    """As black's T4, click's B9 and ISC, yarl's B950: a finding, not a stop."""
    project.write(
        "setup.cfg",
        "[metadata]\nname = demo\n\n[flake8]\nmax-line-length = 80\n"
        "select = B, E, F, W, B9, ISC\nextend-select =\n    B950\n",
    )
    project.write("m.py", UNUSED)
    project.commit()
    code, report, _ = qg_json(qg, project.root, "run", "--tools", "flake8", "m.py")
    assert code == 1
    assert report["errors"] == []
    assert report["tools"]["flake8"]["status"] == "ok"
    assert findings(report) == [
        ("m.py", 3, "flake8", "F401"),
        ("setup.cfg", 6, "flake8", "config-error"),
        ("setup.cfg", 7, "flake8", "config-error"),
    ]
    messages = [f["message"] for f in report["findings"][1:]]
    assert messages == [
        f"select names B, B9, ISC; no installed flake8 plugin reports them "
        f"(installed: {INSTALLED}), so flake8 skips them without a word: add the "
        "plugin that reports them to the hook's additional_dependencies (or "
        "install it beside quality-gates), or drop them from select",
        f"extend-select names B950; no installed flake8 plugin reports it "
        f"(installed: {INSTALLED}), so flake8 skips it without a word: add the "
        "plugin that reports it to the hook's additional_dependencies (or "
        "install it beside quality-gates), or drop it from extend-select",
    ]
    # every other finding is flake8's own run's
    direct = run_tool(project.root, "flake8", FORMAT, "m.py")
    assert direct.stdout == "m.py:3: F401\n"


def test_the_finding_is_baselined_like_any_other_and_gone_once_fixed(
    project: Project, qg: InProcess
) -> None:
    project.write("pyproject.toml", '[tool.quality-gates]\ntools = ["flake8"]\n')
    project.write(".flake8", "[flake8]\nextend-select = B006\n")
    project.write("m.py", '"""Doc."""\n')
    project.commit()
    code, report, _ = qg_json(qg, project.root, "run", "--all-files")
    assert (code, findings(report)) == (1, [(".flake8", 2, "flake8", "config-error")])
    baseline = qg(project.root, "baseline")
    assert baseline.returncode == 0, baseline.stderr
    code, report, _ = qg_json(qg, project.root, "run", "--all-files")
    assert code == 0
    assert [f["new"] for f in report["findings"]] == [False]
    project.write(".flake8", "[flake8]\nmax-line-length = 100\n")
    code, report, _ = qg_json(qg, project.root, "run", "--all-files")
    assert (code, report["findings"]) == (0, [])


def test_a_plugin_declared_by_the_projects_own_egg_info_does_not_count(
    project: Project, qg: InProcess
) -> None:
    """flake8-bugbear's sdist: its egg-info at the root names plugin B, not installed."""
    project.write("setup.cfg", "[flake8]\nselect = B,E,F,W\n")
    project.write(
        "plugin.egg-info/PKG-INFO", "Metadata-Version: 2.1\nName: plugin\nVersion: 1\n"
    )
    project.write(
        "plugin.egg-info/entry_points.txt",
        "[flake8.extension]\nB = bugbear:BugBearChecker\n",
    )
    project.write("m.py", '"""Doc."""\n')
    project.commit()
    code, report, _ = qg_json(qg, project.root, "run", "--tools", "flake8", "m.py")
    assert code == 1
    assert findings(report) == [("setup.cfg", 2, "flake8", "config-error")]
    assert report["findings"][0]["message"].startswith("select names B; no installed")


# -- [tool.flake8] -------------------------------------------------------------------
TABLE = """\
[project]
name = "demo"

[tool.flake8]
max-line-length = 120
show-source = true
count = true
statistics = true
ignore = ["E402"]
per-file-ignores = ["tests/*:F401", "gen.py:E501"]
extend-exclude = ["build/generated"]
extend-select = ["B950"]
"""
# E402 ignored by the config, F401 reported, E501 at 126 characters but not at 106
MODULE = '"""Doc."""\n\nX = 1\nimport os\nY = "%s"\nZ = "%s"\n' % ("a" * 100, "b" * 120)


@pytest.fixture(scope="module")
def flake8_pyproject(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """flake8-pyproject from PyPI, in a folder of its own (PYTHONPATH)."""
    target = tmp_path_factory.mktemp("flake8-pyproject")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps"]
        + ["--target", str(target), "flake8-pyproject==1.2.4"],
        check=True,
        capture_output=True,
    )
    return target


@pytest.fixture
def table_project(project: Project) -> Project:
    project.write("pyproject.toml", TABLE)
    project.write("pkg/mod.py", MODULE)
    project.write("tests/test_a.py", '"""Doc."""\n\nimport os\n')
    project.write("build/generated/out.py", "import os\n")
    project.commit()
    return project


def direct_run(root: Path, plugin: Path) -> list[tuple[str, int, str]]:
    """Run flake8 the project's way: with flake8-pyproject, from the root."""
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", FORMAT, "."],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(plugin)},
        capture_output=True,
        text=True,
        check=False,
    )
    # the source lines, count and statistics the config asks for are not findings
    found = re.findall(r"^\./(.+?):(\d+): ([A-Z]+\d+)$", proc.stdout, re.M)
    return sorted((path, int(line), code) for path, line, code in found)


@pytest.mark.parametrize("beside", [False, True], ids=["gate-alone", "plugin-beside"])
def test_tool_flake8_is_read_as_flake8_pyproject_reads_it(
    table_project: Project, flake8_pyproject: Path, beside: bool
) -> None:
    """Read max-line-length = 120 as 120, with or without the plugin beside the gate.

    No suite default, no --isolated; the project's display settings do not
    break parsing; exclude paths are from the project root.
    """
    env = {"PYTHONPATH": f"{HOOKS}:{flake8_pyproject}"} if beside else None
    code, report, _ = cli_json(
        table_project.root, "run", "--all-files", "--tools", "flake8", env=env
    )
    assert report["errors"] == []
    mine = [
        (f["path"], f["line"], f["rule"])
        for f in report["findings"]
        if f["rule"] != "config-error"
    ]
    assert mine == direct_run(table_project.root, flake8_pyproject)
    assert ("pkg/mod.py", 6, "E501") in mine  # 120 + 6 characters
    assert ("pkg/mod.py", 5, "E501") not in mine  # 106: under 120
    assert [f["path"] for f in report["findings"] if f["rule"] == "config-error"] == [
        "pyproject.toml"
    ]
    assert report["findings"][-1]["line"] == 12  # extend-select = ["B950"]
    assert code == 1


def test_tool_flake8_beside_an_ini_config_is_said(
    project: Project, qg: InProcess
) -> None:
    project.write("pyproject.toml", "[tool.flake8]\nmax-line-length = 120\n")
    project.write("setup.cfg", "[flake8]\nmax-line-length = 60\n")
    project.write("m.py", '"""Doc."""\n\nX = "' + "a" * 70 + '"\n')
    project.commit()
    code, report, _ = qg_json(
        qg, project.root, "run", "--all-files", "--tools", "flake8"
    )
    assert (code, report["findings"]) == (0, [])
    assert report["notes"] == [
        "flake8: pyproject.toml [tool.flake8] and setup.cfg [flake8] both configure "
        "flake8; the gate reads [tool.flake8], as flake8 with flake8-pyproject does "
        "(flake8 alone reads setup.cfg)"
    ]


@pytest.mark.parametrize(
    ("name", "text", "section", "key", "line"),
    [
        (
            "setup.cfg",
            "[a]\nselect = X\n[flake8]\nx = 1\nselect = B\n",
            "flake8",
            "select",
            5,
        ),
        ("setup.cfg", "[flake8]\nextend_select = B\n", "flake8", "extend-select", 2),
        ("setup.cfg", "[flake8]\nx = 1\n[other]\nselect = B\n", "flake8", "select", 1),
        ("setup.cfg", "[other]\nselect = B\n", "flake8", "select", 1),
        (
            "pyproject.toml",
            '[tool.mypy]\nstrict = true\n[[tool.mypy.overrides]]\npackages = ["x"]\n',
            "tool.mypy",
            "packages",
            1,
        ),
        (
            "pyproject.toml",
            '[tool.mypy]\nfiles = [\n  "a",\n]\n"packages" = ["x"]\n',
            "tool.mypy",
            "packages",
            5,
        ),
    ],
)
def test_config_line_finds_the_key_in_its_section(
    tmp_path: Path, name: str, text: str, section: str, key: str, line: int
) -> None:
    (tmp_path / name).write_text(text)
    assert config_line(tmp_path, name, section, key) == line
