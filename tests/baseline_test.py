"""The ratchet baseline, with real tools on a real git project in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import LINE_ENDS, InProcess, Project, flagged_source
from gate_json import qg_json
from quality_gates import baseline
from quality_gates.errors import GateError
from quality_gates.findings import Finding

FAST = '[tool.quality-gates]\ntools = ["flake8", "bandit"]\n'
ALL = "[tool.quality-gates]\n"
NAME = ".quality-gates-baseline.json"

MOD = '''"""Module."""

import subprocess


def run(cmd):
    """Run a command."""
    return subprocess.call(cmd, shell=True)


def legacy():
    """Do legacy things."""
    import os
    x=1
    return x


def typed() -> int:
    """Return a number."""
    return "one"
'''
CLEAN = '"""Clean."""\n\nVALUE = 1\n'


def make(qg: InProcess, project: Project, config: str = FAST) -> Path:
    project.write("pyproject.toml", config)
    project.write("pkg/__init__.py", '"""Package."""\n')
    project.write("pkg/mod.py", MOD)
    project.write("pkg/clean.py", CLEAN)
    project.commit("legacy code")
    proc = qg(project.root, "baseline")
    assert proc.returncode == 0, proc.stderr
    return project.root / NAME


def run_json(qg: InProcess, project: Project, *args: str) -> tuple[int, dict[str, Any]]:
    code, report, _ = qg_json(qg, project.root, "run", "--all-files", *args)
    return code, report


def test_baseline_is_sorted_deterministic_and_has_no_lines(
    project: Project, qg: InProcess
) -> None:
    path = make(qg, project)
    first = path.read_bytes()
    doc = json.loads(first)
    assert doc["version"] == baseline.VERSION
    rows = doc["findings"]
    assert {r["rule"] for r in rows} == {"B404", "B602", "F401", "E225"}
    assert all(set(r) == {"fingerprint", "path", "tool", "rule"} for r in rows)
    assert rows == sorted(
        rows, key=lambda r: (r["path"], r["tool"], r["rule"], r["fingerprint"])
    )
    assert b'"line"' not in first and first.endswith(b"\n")
    path.unlink()
    assert qg(project.root, "baseline").returncode == 0
    assert path.read_bytes() == first


def test_run_with_baseline_passes_and_counts(project: Project, qg: InProcess) -> None:
    make(qg, project)
    code, data = run_json(qg, project)
    assert code == 0
    summary = data["summary"]
    assert isinstance(summary, dict)
    assert (summary["new"], summary["baselined"], summary["fixed"]) == (0, 4, 0)
    assert all(f["new"] is False for f in data["findings"])


def test_without_a_baseline_new_is_none(project: Project, qg: InProcess) -> None:
    project.write("pyproject.toml", FAST)
    project.write("pkg/mod.py", MOD)
    project.commit()
    code, data = run_json(qg, project)
    assert code == 1
    assert all(f["new"] is None for f in data["findings"])
    assert data["summary"]["baselined"] is None


def test_all_five_tools_lines_inserted_above_and_unrelated_rename(
    project: Project, qg: InProcess
) -> None:
    path = make(qg, project, ALL)
    first = path.read_bytes()
    rules = {r["rule"] for r in json.loads(first)["findings"]}
    assert {"return-value", "B602", "F401", "E225"} <= rules
    moved = MOD.replace(
        "import subprocess\n", "# a comment\nimport subprocess\n\nLIMIT = 3\n"
    )
    project.write("pkg/mod.py", moved)
    project.git("mv", "pkg/clean.py", "pkg/renamed.py")
    project.commit("insert lines above the findings, rename a clean file")
    proc = qg(project.root, "run", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 new" in proc.stdout
    assert qg(project.root, "baseline").returncode == 0
    assert path.read_bytes() == first


def test_new_finding_inside_a_moved_block_is_caught(
    project: Project, qg: InProcess
) -> None:
    make(qg, project)
    legacy = MOD[MOD.index("def legacy") : MOD.index("def typed")]
    rest = MOD.replace(legacy, "")
    grown = legacy.replace("    x=1\n", "    x=1\n    y=2\n")
    project.write("pkg/mod.py", rest + "\n\n" + grown.rstrip() + "\n")
    project.commit("move legacy() to the end and add to it")
    code, data = run_json(qg, project)
    assert code == 1
    new = [f for f in data["findings"] if f["new"]]
    lines = (project.root / "pkg/mod.py").read_text().splitlines()
    assert sorted(f["rule"] for f in new) == ["E225", "F841"]
    assert {lines[f["line"] - 1] for f in new} == {"    y=2"}
    assert data["summary"]["baselined"] == 4


def test_fixed_findings_counted_then_pruned_never_loosened(
    project: Project, qg: InProcess
) -> None:
    path = make(qg, project)
    before = json.loads(path.read_bytes())["findings"]
    project.write(
        "pkg/mod.py",
        MOD.replace("    import os\n", "").replace("x=1", "x = 1\n    y = 2"),
    )
    project.commit("fix two, add one")
    code, data = run_json(qg, project)
    assert code == 1
    summary = data["summary"]
    assert (summary["new"], summary["fixed"]) == (1, 2)
    proc = qg(project.root, "baseline")
    assert proc.returncode == 0
    assert "2 fixed one(s) removed" in proc.stderr
    assert "1 new finding(s) NOT added" in proc.stderr
    after = json.loads(path.read_bytes())["findings"]
    assert len(after) == len(before) - 2
    assert {r["fingerprint"] for r in after} < {r["fingerprint"] for r in before}
    assert qg(project.root, "run", "--all-files").returncode == 1
    added = qg(project.root, "baseline", "--add-new")
    assert added.returncode == 0 and "1 new finding(s) added" in added.stderr
    assert qg(project.root, "run", "--all-files").returncode == 0


def test_reports_carry_the_counts(project: Project, qg: InProcess) -> None:
    make(qg, project)
    project.write("pkg/extra.py", '"""Extra."""\nimport os\n')
    project.commit()
    md = qg(project.root, "run", "--all-files", "--format", "markdown")
    assert md.returncode == 1
    assert "| score | rating | debt | new | baselined | fixed |" in md.stdout
    row = md.stdout.split("|---|---|---|---|---|---|\n")[1].splitlines()[0]
    assert row.split("|")[4:7] == [" 1 ", " 4 ", " 0 "]
    text = qg(project.root, "run", "--all-files")
    assert "baseline: 1 new, 4 baselined, 0 fixed since the baseline" in text.stdout
    assert "run: failed: 1 new finding(s) at or above fail-on=warning" in text.stdout


def test_a_file_left_out_of_the_run_fixed_nothing(
    project: Project, qg: InProcess
) -> None:
    make(qg, project)
    proc = qg(project.root, "run", "pkg/clean.py", "--format", "json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["summary"]["fixed"] == 0


VALID = baseline.render([baseline.Entry("a.py", "flake8", "F401", "0" * 32)])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"", "is empty", id="empty"),
        pytest.param(b"  \n", "is empty", id="blank"),
        pytest.param(
            VALID[: len(VALID) // 2].encode(), "is not valid JSON", id="truncated"
        ),
        pytest.param(
            VALID.replace('"version": 1', '"version": 2').encode(),
            "format version 2",
            id="version",
        ),
        pytest.param(
            VALID.replace('"version": 1', '"revision": 1').encode(),
            "format version None",
            id="no-version",
        ),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8", id="binary"),
        pytest.param(b"[]", "not a quality-gates baseline", id="a-list"),
        pytest.param(
            VALID.replace('"fingerprint"', '"fp"').encode(), "entry 0", id="bad-entry"
        ),
        pytest.param(
            VALID.replace(
                '"format":', '"deep": ' + "[" * 100_000 + "]" * 100_000 + ', "format":'
            ).encode(),
            "nested too deeply to be a baseline",
            id="nested-100k-deep",
        ),
        pytest.param(
            VALID.replace('"findings": [', '"findings": {"x": [')
            .replace("]", "]}")
            .encode(),
            "not a list",
            id="findings-not-list",
        ),
    ],
)
def test_bad_baseline_is_exit_2_and_never_rewritten(
    project: Project, content: bytes, message: str, qg: InProcess
) -> None:
    project.write("pyproject.toml", FAST)
    project.write("pkg/mod.py", MOD)
    project.write(NAME, content)
    project.commit()
    for args in (["run", "--all-files"], ["baseline"], ["baseline", "--add-new"]):
        proc = qg(project.root, *args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert message in proc.stderr
        assert "Traceback" not in proc.stderr
        assert (project.root / NAME).read_bytes() == content


def test_missing_where_configured_is_exit_2_until_baseline_writes_it(
    project: Project, qg: InProcess
) -> None:
    project.write("pyproject.toml", FAST + 'baseline = "ratchet.json"\n')
    project.write("pkg/mod.py", MOD)
    project.commit()
    proc = qg(project.root, "run", "--all-files")
    assert proc.returncode == 2
    assert "ratchet.json does not exist; run `quality-gates baseline`" in proc.stderr
    assert not (project.root / "ratchet.json").exists()
    assert qg(project.root, "baseline").returncode == 0
    assert qg(project.root, "run", "--all-files").returncode == 0


def test_missing_explicit_baseline_is_exit_2(project: Project, qg: InProcess) -> None:
    make(qg, project)
    proc = qg(project.root, "run", "--all-files", "--baseline", "nope.json")
    assert proc.returncode == 2 and "nope.json does not exist" in proc.stderr
    assert not (project.root / "nope.json").exists()


def test_a_tool_error_writes_no_baseline(project: Project, qg: InProcess) -> None:
    project.write("pyproject.toml", FAST)
    project.write("pkg/mod.py", MOD)
    project.write(".flake8", "[flake8]\nmax-line-length = eighty\n")
    project.commit()
    proc = qg(project.root, "baseline")
    assert proc.returncode == 2
    assert "not written" in proc.stderr
    assert not (project.root / NAME).exists()


def finding(fp: str, path: str = "a.py", tool: str = "flake8") -> Finding:
    return Finding(tool, "F401", "error", path, 1, 1, "", fingerprint=fp)


def test_compare_and_update_pure() -> None:
    old = {baseline.Entry("a.py", "flake8", "F401", fp) for fp in ("1", "2")} | {
        baseline.Entry("b.py", "flake8", "F401", "3"),
        baseline.Entry("a.py", "mypy", "F401", "4"),
    }
    current = [finding("1"), finding("5")]
    result = baseline.compare(current, old, paths={"a.py"}, tools={"flake8"})
    assert (result.new, result.baselined, result.fixed) == (1, 1, 1)
    assert [f.new for f in current] == [False, True]
    kept, removed, fresh = baseline.update(old, current, add_new=False)
    assert ({e.fingerprint for e in kept}, removed, fresh) == ({"1"}, 3, 1)
    grown, _, _ = baseline.update(old, current, add_new=True)
    assert {e.fingerprint for e in grown} == {"1", "5"}


def test_load_reports_a_folder_clearly(tmp_path: Path) -> None:
    (tmp_path / NAME).mkdir()
    with pytest.raises(GateError, match="cannot read"):
        baseline.load(tmp_path / NAME)


def test_a_baselined_syntax_error_that_is_fixed_counts_as_fixed(
    project: Project, qg: InProcess
) -> None:
    project.write("pyproject.toml", FAST)
    project.write("pkg/old.py", '"""Python 2."""\nprint "hello"\n')
    project.commit()
    assert qg(project.root, "baseline").returncode == 0
    assert (
        json.loads((project.root / NAME).read_bytes())["findings"][0]["tool"]
        == "python"
    )
    assert qg(project.root, "run", "--all-files").returncode == 0
    project.write("pkg/old.py", '"""Python 3."""\n\nprint("hello")\n')
    code, data = run_json(qg, project)
    assert code == 0
    assert data["summary"]["fixed"] == 1


def test_a_deleted_file_counts_as_fixed_with_all_files_only(
    project: Project, qg: InProcess
) -> None:
    make(qg, project)
    project.git("rm", "-q", "pkg/mod.py")
    project.commit("delete the legacy module")
    code, data = run_json(qg, project)
    assert code == 0
    assert data["summary"]["fixed"] == 4
    proc = qg(project.root, "run", "pkg/clean.py", "--format", "json")
    assert json.loads(proc.stdout)["summary"]["fixed"] == 0


@pytest.mark.parametrize("end", [pytest.param("\n", id="LF"), *LINE_ENDS])
def test_an_edited_flagged_line_is_new_whatever_the_line_ends(
    project: Project, end: str, qg: InProcess
) -> None:
    r"""The fingerprint reads the flagged line as the tools count lines.

    A form feed (or \x1c, \x85, \u2028...) is no line break for Python: a
    fingerprint that counted one would read the line above, and an edit of
    the flagged line would pass as baselined.
    """
    project.write("pyproject.toml", '[tool.quality-gates]\ntools = ["flake8"]\n')
    project.write("m.py", flagged_source(end))
    project.commit()
    assert qg(project.root, "baseline").returncode == 0
    code, data = run_json(qg, project)
    assert (code, [(f["rule"], f["line"]) for f in data["findings"]]) == (
        0,
        [("E225", 6)],
    )
    project.write("m.py", flagged_source(end).replace(b"x=1", b"x=12"))
    code, data = run_json(qg, project)
    assert code == 1
    assert [(f["rule"], f["line"], f["new"]) for f in data["findings"]] == [
        ("E225", 6, True)
    ]


@pytest.mark.parametrize(
    ("config", "link", "where"),
    [
        pytest.param(None, (NAME, "../outside/base.json"), "base.json", id="link"),
        pytest.param(
            '[tool.quality-gates]\ntools = ["flake8"]\nbaseline = "../outside/b.json"\n',
            None,
            "b.json",
            id="config",
        ),
        pytest.param(
            '[tool.quality-gates]\ntools = ["flake8"]\nbaseline = "conf/b.json"\n',
            ("conf", "../outside"),
            "b.json",
            id="folder-link",
        ),
    ],
)
def test_the_projects_baseline_is_never_written_outside_it(
    project: Project,
    config: str | None,
    link: tuple[str, str] | None,
    where: str,
    qg: InProcess,
) -> None:
    """A tracked symlink or a config value must not send the write elsewhere."""
    outside = project.root.parent / "outside"
    outside.mkdir()
    project.write("pyproject.toml", config or FAST)
    project.write("m.py", MOD)
    if link is not None:
        (project.root / link[0]).symlink_to(link[1])
    project.commit()
    proc = qg(project.root, "baseline")
    assert proc.returncode == 2
    message = proc.stderr.strip().splitlines()[-1]
    assert message.startswith("quality-gates baseline: error: baseline ")
    assert f"leads to {outside / where}, outside the project: not written" in message
    assert "--baseline" in message
    assert list(outside.iterdir()) == []


def test_a_baseline_the_user_names_is_written_where_it_leads(
    project: Project, qg: InProcess
) -> None:
    """The honest twin: --baseline names the file, inside or outside."""
    outside = project.root.parent / "outside"
    outside.mkdir()
    project.write("pyproject.toml", FAST)
    project.write("m.py", MOD)
    (project.root / NAME).symlink_to(outside / "base.json")
    project.commit()
    proc = qg(project.root, "baseline", "--baseline", str(outside / "base.json"))
    assert proc.returncode == 0, proc.stderr
    written = baseline.load(outside / "base.json")
    assert {(e.path, e.tool, e.rule) for e in written} == {
        ("m.py", "bandit", "B404"),
        ("m.py", "bandit", "B602"),
        ("m.py", "flake8", "F401"),
        ("m.py", "flake8", "E225"),
    }
    (outside / "base.json").unlink()
    proc = qg(project.root, "baseline", "--baseline", NAME)  # named: the link kept
    assert proc.returncode == 0, proc.stderr
    assert (project.root / NAME).is_symlink() and (outside / "base.json").is_file()
