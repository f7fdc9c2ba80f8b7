"""The suite's defaults for test files, as bandit and flake8 themselves apply them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import InProcess, Project, run_tool
from gate_json import qg_json
from quality_gates import cli as cli_mod
from quality_gates.tools import base, testdefaults

PYTEST = '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
APP = "def f(x):\n    assert x\n    return x\n"
TEST = (
    "def test_f():\n    assert 1\n    password = 'hunter2'\n    return password\n\n\n"
    "def test_g():\n    '''checks g'''\n    assert 2\n"
)
HELPER = "def helper():\n    assert 1\n"
CONFTEST = "def fixture():\n    assert 1\n"

Found = set[tuple[str, str, str, int]]


def layout(project: Project, **extra: str) -> Project:
    files = {
        "pyproject.toml": PYTEST,
        "src/app.py": APP,
        "tests/test_app.py": TEST,
        "tests/helpers.py": HELPER,
        "tests/conftest.py": CONFTEST,
        **extra,
    }
    for name, text in files.items():
        project.write(name, text)
    project.commit()
    return project


def found(report: dict[str, Any]) -> Found:
    return {(f["tool"], f["rule"], f["path"], f["line"]) for f in report["findings"]}


def gate(qg: InProcess, project: Project, *args: str) -> tuple[int, dict[str, Any]]:
    code, report, stderr = qg_json(
        qg, project.root, "run", "--all-files", "--tools", "bandit,flake8", *args
    )
    assert not report["errors"], (report["errors"], stderr)
    return code, report


def bandit_by_hand(root: Path, *args: str) -> Found:
    """Run bandit as a project runs it, on every Python file of the layout."""
    names = ["./src/app.py", "./tests/test_app.py", "./tests/helpers.py"]
    names.append("./tests/conftest.py")
    proc = run_tool(root, "bandit", "-f", "json", "-q", *args, "--", *names)
    assert proc.returncode in (0, 1), proc.stderr
    return {
        ("bandit", r["test_id"], r["filename"].removeprefix("././"), r["line_number"])
        for r in json.loads(proc.stdout)["results"]
    }


def flake8_by_hand(root: Path, *args: str) -> Found:
    """Run flake8 as a project runs it."""
    files = ["src/app.py", "tests/test_app.py", "tests/helpers.py", "tests/conftest.py"]
    proc = run_tool(
        root, "flake8", "--format", "%(path)s|%(row)d|%(code)s", *args, *files
    )
    assert proc.returncode in (0, 1), proc.stderr
    rows = [line.split("|") for line in proc.stdout.splitlines()]
    return {("flake8", code, path, int(row)) for path, row, code in rows}


def docstrings(findings: Found) -> Found:
    return {f for f in findings if f[0] == "bandit" or f[1].startswith("D")}


def test_asserts_and_missing_docstrings_are_left_out_of_test_files_only(
    project: Project, qg: InProcess
) -> None:
    code, report = gate(qg, layout(project))
    assert code == 1
    assert docstrings(found(report)) == {
        ("bandit", "B101", "src/app.py", 2),
        ("flake8", "D100", "src/app.py", 1),
        ("flake8", "D103", "src/app.py", 1),
        # a hardcoded password in a test is still a finding
        ("bandit", "B105", "tests/test_app.py", 3),
        # a test's docstring is still checked: only missing ones are left out
        ("flake8", "D300", "tests/test_app.py", 8),
        ("flake8", "D400", "tests/test_app.py", 8),
        ("flake8", "D403", "tests/test_app.py", 8),
        # pytest collects no helpers.py: not a test file
        ("bandit", "B101", "tests/helpers.py", 2),
        ("flake8", "D100", "tests/helpers.py", 1),
        ("flake8", "D103", "tests/helpers.py", 1),
    }
    summary = report["summary"]
    assert summary["split"]["tests"] == {
        "files": 2,
        "lines_of_code": 9,
        "findings": 4,
        "debt_minutes": 25,
    }
    assert summary["split"]["rest"]["files"] == 2
    assert summary["test_files"] == (
        "test files: test_*.py *_test.py under tests, and conftest.py (as pytest "
        "finds them: pyproject.toml [tool.pytest.ini_options]); left out there: "
        "bandit B101 (assert), flake8 D1 (missing docstrings)"
    )


def test_findings_are_the_tools_own_under_the_equivalent_config(
    project: Project, qg: InProcess
) -> None:
    """What the gate reports is what each tool reports when told the same."""
    root = layout(project).root
    _, report = gate(qg, project)
    (root / "skip.toml").write_text(
        '[tool.bandit.assert_used]\nskips = ["././tests/test_app.py", '
        '"././tests/conftest.py"]\n'
    )
    bandit = bandit_by_hand(root, "-c", "skip.toml")
    flake8 = flake8_by_hand(
        root,
        "--isolated",
        "--per-file-ignores",
        "tests/test_app.py:D1 tests/conftest.py:D1",
    )
    assert docstrings(found(report)) == bandit | docstrings(flake8)
    # and without it, the tools report the asserts and docstrings of the tests
    assert ("bandit", "B101", "tests/test_app.py", 2) in bandit_by_hand(root)
    assert ("flake8", "D103", "tests/test_app.py", 1) in flake8_by_hand(root)


@pytest.mark.parametrize(
    ("name", "text", "args"),
    [
        pytest.param(
            "pyproject.toml",
            PYTEST + '[tool.bandit]\nskips = ["B404"]\n',
            ["-c", "pyproject.toml"],
            id="tool-bandit",
        ),
        pytest.param(
            ".bandit", "[bandit]\nskips = B404\n", ["--ini", ".bandit"], id="ini"
        ),
    ],
)
def test_a_project_bandit_config_gets_exactly_bandits_findings(
    project: Project, name: str, text: str, args: list[str], qg: InProcess
) -> None:
    layout(project, **{name: text})
    _, report = gate(qg, project)
    ours = {f for f in found(report) if f[0] == "bandit"}
    assert ours == bandit_by_hand(project.root, *args)
    assert ("bandit", "B101", "tests/test_app.py", 2) in ours
    own = "pyproject.toml [tool.bandit]" if name == "pyproject.toml" else ".bandit"
    assert report["summary"]["test_files"].endswith(
        "; left out there: flake8 D1 (missing docstrings); as the project's own "
        f"config says: bandit ({own})"
    )


@pytest.mark.parametrize(
    "flake8_config",
    [
        pytest.param("docstring-convention = pep257\n", id="convention"),
        pytest.param("extend-select = D\n", id="extend-select"),
        pytest.param("extend_ignore = D203\n", id="extend-ignore-underscore"),
        pytest.param("per-file-ignores = src/*.py:D103\n", id="per-file-ignores"),
    ],
)
def test_a_project_docstring_config_gets_exactly_flake8s_findings(
    project: Project, flake8_config: str, qg: InProcess
) -> None:
    layout(project, **{"setup.cfg": "[flake8]\n" + flake8_config})
    _, report = gate(qg, project)
    ours = docstrings({f for f in found(report) if f[0] == "flake8"})
    assert ours == docstrings(flake8_by_hand(project.root))
    assert ("flake8", "D103", "tests/test_app.py", 1) in ours


def test_a_flake8_config_without_docstrings_keeps_the_default_and_its_ignores(
    project: Project, qg: InProcess
) -> None:
    """The project's per-file-ignores still hold in the test files, D1 added."""
    long = "\n\nx = '" + "a" * 100 + "'  \n"
    layout(
        project,
        **{
            "setup.cfg": "[flake8]\nmax-line-length = 100\nper-file-ignores =\n"
            "    tests/*:E501\n"
            # longer than tests/test_app.py itself, and still matching it
            "    tests/**************test_app.py:E501,W291\n",
            "tests/test_app.py": TEST + long,
            "tests/helpers.py": HELPER + long,
        },
    )
    _, report = gate(qg, project)
    flake8 = {f for f in found(report) if f[0] == "flake8"}
    assert {f for f in flake8 if f[2] == "tests/test_app.py"} == {
        ("flake8", "D300", "tests/test_app.py", 8),
        ("flake8", "D400", "tests/test_app.py", 8),
        ("flake8", "D403", "tests/test_app.py", 8),
    }
    assert {f for f in flake8 if f[2] == "tests/helpers.py"} == {
        ("flake8", "D100", "tests/helpers.py", 1),
        ("flake8", "D103", "tests/helpers.py", 1),
        ("flake8", "W291", "tests/helpers.py", 5),
    }


def test_whether_a_file_is_a_test_is_part_of_its_cache_key(
    project: Project, qg: InProcess
) -> None:
    layout(project)
    _, first = gate(qg, project)
    assert ("flake8", "D103", "tests/test_app.py", 1) not in found(first)
    # pytest.ini is read before pyproject.toml, and by no tool: only the file it
    # moves out of the tests is checked again
    project.write("pytest.ini", "[pytest]\npython_files = *_spec.py\n")
    _, second = gate(qg, project)
    assert {"bandit": 3, "flake8": 3} == {
        tool: second["tools"][tool]["cached"] for tool in ("bandit", "flake8")
    }
    assert {
        ("bandit", "B101", "tests/test_app.py", 2),
        ("flake8", "D103", "tests/test_app.py", 1),
    } <= found(second)
    project.write(
        "pyproject.toml", PYTEST + '[tool.quality-gates]\ntest-files = ["tests"]\n'
    )
    _, third = gate(qg, project)
    left = {"B101", "D100", "D103"}
    assert not {f for f in found(third) if f[2].startswith("tests/") and f[1] in left}
    _, fourth = gate(qg, project)
    assert fourth["tools"]["flake8"]["cached"] == 4
    assert found(fourth) == found(third)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("tests/test_a[1] b,c:d.py", id="glob-and-separators"),
        pytest.param("tests/test_é*?.py", id="non-ascii-and-wildcards"),
    ],
)
def test_odd_file_names_are_named_exactly(
    project: Project, name: str, qg: InProcess
) -> None:
    layout(project, **{name: TEST})
    _, report = gate(qg, project)
    mine = {f[1] for f in found(report) if f[2] == name}
    assert mine == {"B105", "D300", "D400", "D403"}


def test_many_test_files_run_in_parts_with_the_same_findings(
    project: Project,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A batch whose entries exceed one argument is split: same findings."""
    layout(project, **{f"tests/test_{n}.py": TEST for n in range(6)})
    monkeypatch.chdir(project.root)
    runs: list[tuple[str, int]] = []
    real = base.Adapter.run

    def counted(self: base.Adapter, ctx: Any, args: Any, files: Any) -> Any:
        runs.append((self.name, len(files)))
        return real(self, ctx, args, files)

    monkeypatch.setattr(base.Adapter, "run", counted)
    argv = ["run", "--all-files", "--tools", "flake8", "--jobs", "1", "--no-cache"]
    assert cli_mod.main([*argv, "--format", "json"]) == 1
    whole = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(testdefaults, "MAX_ARGUMENT", 150)
    runs.clear()
    assert cli_mod.main([*argv, "--format", "json"]) == 1
    parts = json.loads(capsys.readouterr().out)
    assert found(parts) == found(whole)
    # one test file's entry per part: 8 test files (conftest.py included)
    assert len(runs) == 8 and sum(n for _, n in runs) == 10


def test_per_file_ignores_flake8_refuses_is_flake8s_error(
    project: Project, qg: InProcess
) -> None:
    """The same error as flake8 gives without the suite's default for tests."""
    layout(project, **{"setup.cfg": "[flake8]\nper-file-ignores = tests/*\n"})
    args = ("run", "--all-files", "--tools", "flake8")
    code, report, _ = qg_json(qg, project.root, *args)
    assert code == 2
    (error,) = report["errors"]
    assert error.startswith(  # flake8's own reason (#22)
        "flake8 refused its config (setup.cfg): Expected `per-file-ignores` to be a "
        "mapping from file exclude patterns to ignore codes."
    )
    project.write("pyproject.toml", PYTEST + "[tool.quality-gates]\ntest-files = []\n")
    assert qg_json(qg, project.root, *args)[1]["errors"] == [error]


def test_entries_merge_the_project_codes_and_outgrow_its_pattern() -> None:
    ignores = testdefaults.PerFileIgnores(
        "/r", "tests/*:E501\n*.py:W291\n/r/tests/**********x.py:F401"
    )
    assert ignores.entry("tests/a.py") == "/r/tests/a.py:D1,E501"
    assert ignores.entry("b/x y.py") == "/r/b/x?y.py:D1,W291"
    assert ignores.entry("tests/x.py") == "/[r]/[t][e][s][t][s]/x.py:D1,F401"
    assert (
        ignores.value(["e"])
        == "tests/*:E501\n*.py:W291\n/r/tests/**********x.py:F401\ne"
    )
    with pytest.raises(ValueError, match="^Expected `per-file-ignores` to be a map"):
        testdefaults.PerFileIgnores("/r", "tests/*")


def test_bandit_config_names_each_file_literally() -> None:
    names = [testdefaults.bandit_name(p) for p in ("tests/test_[a]*.py", "t/\udcff.py")]
    text = testdefaults.bandit_config(names)
    assert text.splitlines()[1:] == [
        "[tool.bandit.assert_used]",
        "skips = [",
        '  "././tests/test_[[]a][*].py",',
        '  "././t/?.py",',
        "]",
    ]


def test_score_text_splits_tests_and_the_rest(project: Project, qg: InProcess) -> None:
    layout(project)
    proc = qg(project.root, "score", "--tools", "bandit,flake8")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    at = lines.index("tests and the rest:")
    assert lines[at + 1 : at + 4] == [
        "  tests (2 files)              4 finding(s)       25m",
        "  the rest (2 files)           6 finding(s)       40m",
        "  test files: test_*.py *_test.py under tests, and conftest.py (as pytest "
        "finds them: pyproject.toml [tool.pytest.ini_options]); left out there: "
        "bandit B101 (assert), flake8 D1 (missing docstrings)",
    ]
