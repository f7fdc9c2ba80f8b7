"""Each adapter against its tool's real output, through the real command."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import InProcess, Project, run_tool
from gate_json import qg_json
from quality_gates import runner, tools
from quality_gates.errors import GateError
from quality_gates.findings import Finding
from quality_gates.tools.base import ToolCrashed, diff_lines

CLEAN = '"""A clean module."""\n\n\ndef add(a: int, b: int) -> int:\n    """Add two numbers."""\n    return a + b\n'


def run_json(qg: InProcess, project: Project, *args: str) -> tuple[int, dict[str, Any]]:
    code, report, _ = qg_json(qg, project.root, "run", *args)
    return code, report


def rules(report: dict[str, Any], tool: str) -> list[tuple[str, str, int]]:
    return [
        (f["rule"], f["path"], f["line"])
        for f in report["findings"]
        if f["tool"] == tool
    ]


@pytest.mark.parametrize("tool", ["black", "isort", "flake8", "mypy", "bandit"])
def test_clean_file_passes_every_tool(
    project: Project, tool: str, qg: InProcess
) -> None:
    project.write("pkg/clean.py", CLEAN)
    code, report = run_json(qg, project, "--tools", tool, "pkg/clean.py")
    assert (code, report["findings"]) == (0, [])
    assert report["tools"][tool]["status"] == "ok"
    assert report["tools"][tool]["version"]


def test_black_reports_each_hunk_at_its_line(project: Project, qg: InProcess) -> None:
    project.write("m.py", '"""Doc."""\n\nx = 1\n\n\n\ny = [1,2]\nz = {"a" :1}\n')
    code, report = run_json(qg, project, "--tools", "black", "m.py")
    assert code == 1
    found = rules(report, "black")
    assert found and all(rule == "BLK100" for rule, _, _ in found)
    assert {line for _, _, line in found} <= {4, 5, 6, 7, 8}
    assert "would reformat" in report["findings"][0]["message"]


def test_isort_uses_profile_black_by_default(project: Project, qg: InProcess) -> None:
    # black profile: parenthesised, trailing comma, one import per line when too long
    project.write("m.py", '"""Doc."""\nimport sys\nimport os\n\nprint(os, sys)\n')
    code, report = run_json(qg, project, "--tools", "isort", "m.py")
    # isort's diff: `import os` goes before line 2, and leaves line 3
    assert (code, rules(report, "isort")) == (
        1,
        [("I001", "m.py", 2), ("I001", "m.py", 3)],
    )


def test_flake8_really_reports_docstring_codes(project: Project, qg: InProcess) -> None:
    project.write("m.py", "def f():\n    return 1\n\n\nclass C:\n    pass\n")
    code, report = run_json(qg, project, "--tools", "flake8", "m.py")
    codes = {rule for rule, _, _ in rules(report, "flake8")}
    assert code == 1
    assert {"D100", "D103", "D101"} <= codes


def test_flake8_line_length_agrees_with_black(project: Project, qg: InProcess) -> None:
    line = (
        '"""Doc."""\n\nx = "' + "a" * 80 + '"\n'
    )  # 87 characters: fine for black's 88
    project.write("m.py", line)
    code, report = run_json(qg, project, "--tools", "flake8,black", "m.py")
    assert (code, report["findings"]) == (0, [])


def test_flake8_project_config_is_used_as_is(project: Project, qg: InProcess) -> None:
    project.write(".flake8", "[flake8]\nmax-line-length = 100\nselect = E,F,W\n")
    project.write("m.py", "def f():\n    return 1\n")
    code, report = run_json(qg, project, "--tools", "flake8", "m.py")
    assert (code, report["findings"]) == (
        0,
        [],
    )  # D codes dropped by the project's select


def test_docstring_convention_is_configurable(project: Project, qg: InProcess) -> None:
    project.write(
        "pyproject.toml", '[tool.quality-gates]\ndocstring-convention = "google"\n'
    )
    project.write(
        "m.py",
        '"""Doc."""\n\n\ndef f(a: int) -> int:\n    """Do it.\n\n    Args:\n        a: x\n    """\n    return a\n',
    )
    code, report = run_json(qg, project, "--tools", "flake8", "m.py")
    assert (code, report["findings"]) == (0, [])


def test_mypy_reports_type_errors_with_codes(project: Project, qg: InProcess) -> None:
    project.write(
        "m.py",
        '"""Doc."""\n\n\ndef f(a: int) -> str:\n    """Do it."""\n    return a\n',
    )
    code, report = run_json(qg, project, "--tools", "mypy", "m.py")
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["line"], finding["severity"]) == (
        "return-value",
        6,
        "error",
    )
    assert (
        'Incompatible return value type (got "int", expected "str")'
        in finding["message"]
    )


def test_mypy_sees_the_projects_installed_packages(
    project: Project, qg: InProcess
) -> None:
    """A typed package installed only in the project's .venv is seen by mypy."""
    import subprocess
    import sys

    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(project.root / ".venv")],
        check=True,
    )
    site = next((project.root / ".venv" / "lib").glob("python3*/site-packages"))
    (site / "typedpkg").mkdir()
    (site / "typedpkg" / "__init__.py").write_text(
        "def answer() -> int:\n    return 42\n"
    )
    (site / "typedpkg" / "py.typed").write_text("")
    project.write(
        "m.py", '"""Doc."""\n\nfrom typedpkg import answer\n\ntext: str = answer()\n'
    )
    code, report = run_json(qg, project, "--tools", "mypy", "m.py")
    assert code == 1
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("assignment", 5)]


SHELL = '"""Doc."""\nimport subprocess\n\n\ndef run(name: str) -> None:\n    """Run."""\n    subprocess.call("ls " + name, shell=True)\n'


def test_bandit_findings_carry_severity(project: Project, qg: InProcess) -> None:
    project.write("m.py", SHELL)
    code, report = run_json(qg, project, "--tools", "bandit", "m.py")
    assert code == 1
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert by_rule["B602"]["severity"] == "error"
    assert by_rule["B602"]["line"] == 7
    assert by_rule["B404"]["severity"] == "warning"


def test_bandit_honours_its_pyproject_config(project: Project, qg: InProcess) -> None:
    project.write("pyproject.toml", '[tool.bandit]\nskips = ["B404", "B602"]\n')
    project.write("m.py", SHELL)
    code, report = run_json(qg, project, "--tools", "bandit", "m.py")
    assert (code, report["findings"]) == (0, [])


def test_fix_applies_isort_and_black_then_reports_the_rest(
    project: Project, qg: InProcess
) -> None:
    project.write("m.py", 'import sys\nimport os\nx = {"a" :1}\nprint(os, sys, x)\n')
    proc = qg(project.root, "run", "--fix", "--tools", "black,isort,flake8", "m.py")
    assert "Fixing m.py" in proc.stderr
    assert (
        project.root / "m.py"
    ).read_text() == 'import os\nimport sys\n\nx = {"a": 1}\nprint(os, sys, x)\n'
    assert proc.returncode == 1
    assert "flake8 D100" in proc.stdout and "black" not in proc.stdout.split(
        "finding(s)"
    )[0].replace("black,", "")


def test_mypy_reads_the_stub_when_module_and_stub_are_both_named(
    project: Project, qg: InProcess
) -> None:
    project.write(
        "pkg/__init__.py", '"""Pkg."""\n\n\ndef f(x):\n    """F."""\n    return x\n'
    )
    project.write("pkg/__init__.pyi", "def f(x: int) -> int: ...\n")
    project.write("use.py", '"""Use."""\n\nfrom pkg import f\n\ny: str = f(1)\n')
    project.commit()
    code, report = run_json(qg, project, "--tools", "mypy", "--all-files")
    assert report["tools"]["mypy"]["status"] == "ok", report["errors"]
    assert [(f["path"], f["rule"]) for f in report["findings"]] == [
        ("use.py", "assignment")
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param(
            "bom.py", b"\xef\xbb\xbfimport sys\nimport os\n\nx  =  1\n", id="bom"
        ),
        pytest.param(
            "tab\tname.py", b"import sys\nimport os\n\nx  =  1\n", id="tab-in-name"
        ),
    ],
)
def test_isort_findings_keep_their_path_and_stay_on_the_cached_run(
    project: Project, name: str, content: bytes, qg: InProcess
) -> None:
    project.write(name, content)
    for _ in range(2):  # the second run reads the cache the first one wrote
        code, report = run_json(qg, project, "--tools", "isort,black", name)
        assert code == 1
        assert {(f["tool"], f["path"]) for f in report["findings"]} == {
            ("isort", name),
            ("black", name),
        }


def test_diff_headers_with_a_bom_or_a_tab_give_the_real_path() -> None:
    diff = (
        "\ufeff--- bom.py\t2026-01-01 00:00:00+00:00\n"
        "+++ bom.py\t2026-01-01 00:00:01+00:00\n"
        "@@ -1 +1 @@\n-x  =  1\n+x = 1\n"
        "--- tab\tname.py\t2026-01-01 00:00:00+00:00\n"
        "+++ tab\tname.py\t2026-01-01 00:00:01+00:00\n"
        "@@ -2 +2 @@\n-y  =  2\n+y = 2\n"
    )
    assert diff_lines(diff) == [("bom.py", 1, 1, 1), ("tab\tname.py", 2, 1, 1)]


def test_a_finding_on_a_file_the_tool_was_not_given_is_never_trusted() -> None:
    stray = Finding("black", "BLK100", "warning", "", 1, 1, "misread header")
    with pytest.raises(ToolCrashed, match="output names a file it was not given"):
        runner._only_given("black", [stray], ["bom.py"])
    # a finding on a file the tool was given is trusted: no error
    given = Finding("black", "BLK100", "warning", "bom.py", 1, 1, "would reformat")
    runner._only_given("black", [given], ["bom.py"])
    with pytest.raises(ToolCrashed, match=r"not given \('other\.py'\)"):
        runner._only_given(
            "black", [given, dataclasses.replace(given, path="other.py")], ["bom.py"]
        )


def test_tools_run_without_the_project_root_on_their_path(tmp_path: Path) -> None:
    """A project module named like the tool is not what the tool's command runs."""
    (tmp_path / "black.py").write_text("raise SystemExit('the project black.py ran')\n")
    (tmp_path / "ugly.py").write_text("x=1\n")
    command = tools.get("black").command(["--check"], ["ugly.py"])
    proc = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.splitlines()[0] == "would reformat ugly.py"


def test_a_file_black_cannot_format_is_its_own_finding(
    project: Project, qg: InProcess
) -> None:
    project.write("pyproject.toml", '[tool.black]\ntarget-version = ["py37"]\n')
    project.write("m.py", '"""Doc."""\nmatch x:\n    case 1:\n        pass\n')
    project.write("ugly.py", '"""Doc."""\nx=1\n')
    code, report = run_json(qg, project, "--tools", "black", "m.py", "ugly.py")
    assert (code, report["errors"]) == (1, [])
    assert rules(report, "black") == [
        ("tool-error", "m.py", 2),
        ("BLK100", "ugly.py", 2),
    ]
    assert (
        "cannot parse for target version Python 3.7" in report["findings"][0]["message"]
    )


def test_mypy_names_the_blocking_error_it_stopped_at(
    project: Project, qg: InProcess
) -> None:
    # good.py is checked; mypy follows its import into a module that does not compile
    project.write("good.py", 'import broken\n\nx: int = "a"\n')
    project.write("broken.py", "yield 1\n")
    direct = run_tool(project.root, "mypy", "good.py", "broken.py")
    assert direct.returncode == 2 and "good.py" not in direct.stdout  # hidden
    code, report = run_json(qg, project, "--tools", "mypy", "good.py", "broken.py")
    assert code == 2
    (error,) = report["errors"]
    assert error.startswith(
        'mypy stopped at a blocking error in broken.py:1: "yield" outside function;'
    )
    # what mypy reported before it stopped is shown, with the pre-check's E999
    found = {(f["tool"], f["path"], f["rule"]) for f in report["findings"]}
    assert found == {("python", "broken.py", "E999"), ("mypy", "broken.py", "misc")}


def test_mypy_invalid_package_name_is_a_finding_on_that_folder(
    project: Project, qg: InProcess
) -> None:
    project.write("docs/__init__.py", "")
    project.write("docs/ex-1/__init__.py", "")
    project.write("docs/ex-1/a.py", "x = 1\n")
    project.write("good.py", 'x: int = "a"\n')
    code, report = run_json(qg, project, "--tools", "mypy", "docs/ex-1/a.py", "good.py")
    assert (code, report["errors"]) == (1, [])
    assert rules(report, "mypy") == [
        ("tool-error", "docs/ex-1/a.py", 1),
        ("assignment", "good.py", 1),
    ]
    message = report["findings"][0]["message"]
    assert "folder docs/ex-1: it holds __init__.py but 'ex-1' is not a valid" in message


FLAKE8_DISPLAY = """[flake8]
show-source = True
count = True
statistics = True
quiet = 1
format = pylint
output-file = flake8.txt
tee = True
benchmark = True
color = always
"""
MYPY_DISPLAY = """[mypy]
show_error_end = True
pretty = True
show_column_numbers = False
show_error_context = True
error_summary = True
color_output = True
show_absolute_path = True
show_error_code_links = True
"""


def test_display_settings_cannot_break_parsing(project: Project, qg: InProcess) -> None:
    project.write(".flake8", FLAKE8_DISPLAY)
    project.write("mypy.ini", MYPY_DISPLAY)
    project.write(
        ".bandit", "[bandit]\nformat = csv\noutput = bandit.txt\nquiet = False\n"
    )
    project.write(
        "m.py",
        "import subprocess\n\n\ndef f() -> None:\n"
        '    x: int = "a"\n    subprocess.call(x, shell=True)\n',
    )
    code, report = run_json(qg, project, "--tools", "flake8,mypy,bandit", "m.py")
    assert report["errors"] == []
    got = {(f["tool"], f["rule"], f["path"], f["line"]) for f in report["findings"]}
    assert got == {
        ("flake8", "D100", "m.py", 1),
        ("flake8", "D103", "m.py", 4),
        ("mypy", "assignment", "m.py", 5),
        ("mypy", "arg-type", "m.py", 6),
        ("bandit", "B404", "m.py", 1),
        ("bandit", "B602", "m.py", 6),
    }
    (mypy,) = [f for f in report["findings"] if f["rule"] == "assignment"]
    assert (mypy["path"], mypy["column"]) == ("m.py", 14)
    assert not (project.root / "flake8.txt").exists()
    assert not (project.root / "bandit.txt").exists()


@pytest.mark.parametrize(
    ("config", "length"),
    [
        pytest.param("[tool.black]\nline-length = 100\n", 100, id="black"),
        pytest.param("[tool.ruff]\nline-length = 120\n", 120, id="ruff"),
        pytest.param(
            "[tool.black]\nline-length = 100\n[tool.ruff]\nline-length = 79\n",
            100,
            id="black-before-ruff",
        ),
        pytest.param(
            "[tool.black]\nline-length = 100\n[tool.quality-gates]\nline-length = 90\n",
            90,
            id="explicit-wins",
        ),
    ],
)
def test_default_line_length_is_the_formatters(
    project: Project, config: str, length: int, qg: InProcess
) -> None:
    """No flake8 or isort config: E501 and isort's wrapping follow the formatter."""
    project.write("pyproject.toml", config)
    fits = '"""Doc."""\n\nx = "' + "a" * (length - 6) + '"\n'  # exactly `length`
    too_long = '"""Doc."""\n\nx = "' + "a" * (length - 5) + '"\n'
    project.write("fits.py", fits)
    project.write("long.py", too_long)
    direct = run_tool(
        project.root, "black", "--check", "--line-length", str(length), "."
    )
    assert direct.returncode == 0, direct.stderr  # the formatter keeps both lines
    code, report = run_json(
        qg, project, "--tools", "flake8,isort", "fits.py", "long.py"
    )
    assert [(f["rule"], f["path"]) for f in report["findings"]] == [("E501", "long.py")]
    assert f"({length + 1} > {length} characters)" in report["findings"][0]["message"]


def test_ruff_toml_line_length_is_read(project: Project, qg: InProcess) -> None:
    project.write("ruff.toml", "line-length = 100\n")
    project.write("m.py", '"""Doc."""\n\nx = "' + "a" * 93 + '"\n')
    code, report = run_json(qg, project, "--tools", "flake8", "m.py")
    assert (code, report["findings"]) == (0, [])


def test_a_bandit_check_that_raises_on_one_line_keeps_every_result(
    project: Project, qg: InProcess
) -> None:
    """A check of bandit 1.9 raises on a set of sets, logs a traceback, goes on."""
    project.write(
        "m.py",
        '"""Doc."""\nimport subprocess\n\nfunc({{"a"}})\n'
        'subprocess.call("ls", shell=True)\n',
    )
    project.write("other.py", '"""Other."""\n\nassert True\n')
    direct = run_tool(project.root, "bandit", "-q", "-f", "json", "m.py", "other.py")
    assert "Bandit internal error running" in direct.stderr
    assert direct.stdout.rstrip().endswith("}")  # what the old message quoted
    code, report = run_json(qg, project, "--tools", "bandit", "m.py", "other.py")
    assert (code, report["errors"]) == (1, [])
    found = {(f["path"], f["line"], f["rule"]) for f in report["findings"]}
    assert {
        ("m.py", 2, "B404"),
        ("m.py", 5, "B602"),
        ("other.py", 3, "B101"),
        ("m.py", 4, "tool-error"),
    } <= found
    (error,) = [f for f in report["findings"] if f["rule"] == "tool-error"]
    assert "raised on this line (unhashable type: 'set')" in error["message"]


def test_a_registered_adapter_is_known_everywhere_from_its_class(
    tmp_path: Path, qg: InProcess
) -> None:
    """Registering an adapter is the whole of adding a tool.

    Config, the default set, --version, score categories, SARIF and the fix
    order all read the adapter class.
    """
    from quality_gates import cli as cli_mod
    from quality_gates import config, report
    from quality_gates.report_formats import sarif
    from quality_gates.tools.base import REGISTRY, Adapter, register

    @register
    class Extra(Adapter):
        name = "qg-extra"
        distribution = "qg-extra-dist"
        plugins = ("qg-extra-plugin",)
        module = "qg_extra"
        uri = "https://example.org/qg-extra/"
        rule_category = "complexity"
        default = False
        extra = "qg-extra"
        can_fix = True
        fix_order = -1

    try:
        assert config.parse_tools(["qg-extra", "black"]) == ("qg-extra", "black")
        assert "qg-extra" not in config.Config(root=tmp_path).tools
        assert "qg-extra" in config.tools_option("qg-extra")
        assert tools.category("qg-extra", "X1") == "complexity"
        assert "pip install 'quality-gates[qg-extra]'" in Extra().install_hint()
        assert "qg-extra-dist" not in tools.pinned()  # an extra, not a dependency
        version = cli_mod.version_text()
        assert "qg-extra-dist (optional, not installed)" in version
        assert "qg-extra-plugin (optional, not installed)" in version
        found = Finding("qg-extra", "X1", "warning", "a.py", 1, 1, "m")
        # the runner records the adapter's uri with its run (runner._tool_run)
        run = report.ToolRun("qg-extra", "1.0", uri=tools.get("qg-extra").uri)
        rep = report.Report(command="run", findings=[found], tools={"qg-extra": run})
        runs = json.loads(sarif.render(rep))["runs"]
        assert runs[0]["tool"]["driver"]["informationUri"] == Extra.uri
        fixers = [a for a in tools.load().values() if a.can_fix]
        order = [a.name for a in sorted(fixers, key=lambda a: a.fix_order)]
        assert order[0] == "qg-extra" and order.index("isort") < order.index("black")
    finally:
        del REGISTRY["qg-extra"]
    with pytest.raises(GateError, match="unknown tool 'qg-extra'; choose from"):
        config.parse_tools(["qg-extra"])


def test_the_default_set_and_categories_of_the_pinned_tools() -> None:
    assert tools.defaults() == ("bandit", "black", "flake8", "isort", "mypy")
    assert set(tools.pinned()) == {
        *("bandit", "black", "flake8", "flake8-docstrings", "pydocstyle"),
        *("isort", "mypy"),
    }
    expected = {
        ("black", "BLK100"): "format",
        ("isort", "I001"): "format",
        ("mypy", "arg-type"): "types",
        ("bandit", "B101"): "security",
        ("flake8", "D100"): "docs",
        ("flake8", "C901"): "complexity",
        ("flake8", "F401"): "bug-risk",
        ("flake8", "E999"): "bug-risk",
        ("flake8", "E501"): "style",
        ("flake8", "X100"): "other",
        ("python", "E999"): "syntax",
        ("gone", "Z1"): "other",
    }
    assert {k: tools.category(*k) for k in expected} == expected
