"""``run --diff-base REF`` on a real multi-commit history, and the shallow-clone refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import LINE_ENDS, InProcess, Project, flagged_source, git
from gate_json import qg_json
from quality_gates import diffs
from quality_gates.errors import GateError

CONFIG = '[tool.quality-gates]\ntools = ["flake8"]\n'
LEGACY = '''"""Legacy module."""

import os


def old():
    """Do old things."""
    x=1
    return x
'''


@pytest.fixture
def history(project: Project) -> Project:
    """Build main with legacy code that has findings, and feature two commits on top."""
    project.write("pyproject.toml", CONFIG)
    project.write("pkg/legacy.py", LEGACY)
    project.write("pkg/other.py", '"""Other."""\n\nimport sys\n')
    project.commit("legacy")
    project.git("checkout", "-q", "-b", "feature")
    project.write(
        "pkg/legacy.py",
        LEGACY + '\n\ndef new():\n    """Do new things."""\n    y=2\n    return y\n',
    )
    project.commit("feature: add new()")
    project.write("pkg/fresh.py", '"""Fresh."""\n\nVALUE = 1\n')
    project.commit("feature: add a clean file")
    return project


def run_json(qg: InProcess, cwd: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    return qg_json(qg, cwd, "run", *args)


def test_only_findings_on_changed_lines_fail(history: Project, qg: InProcess) -> None:
    code, data, _ = run_json(qg, history.root, "--all-files", "--diff-base", "main")
    assert code == 1
    findings = data["findings"]
    assert isinstance(findings, list)
    failing = [(f["path"], f["rule"]) for f in findings if f["new"]]
    assert failing == [("pkg/legacy.py", "E225")]
    legacy = {(f["rule"], f["line"]) for f in findings if not f["new"]}
    assert {("F401", 3), ("E225", 8)} <= legacy
    assert data["summary"]["outside_diff"] == 3


def test_without_files_only_changed_files_are_checked(
    history: Project, qg: InProcess
) -> None:
    code, data, _ = run_json(qg, history.root, "--diff-base", "main")
    assert code == 1
    assert data["summary"]["files"] == 2  # legacy.py, fresh.py
    assert data["summary"]["new"] == 1


def test_clean_changes_on_legacy_code_pass(history: Project, qg: InProcess) -> None:
    history.git("checkout", "-q", "-b", "clean", "main")
    history.write(
        "pkg/legacy.py",
        LEGACY.replace('"""Do old things."""', '"""Do older things."""'),
    )
    history.commit("reword a docstring")
    proc = qg(history.root, "run", "--all-files", "--diff-base", "main")
    assert proc.returncode == 0, proc.stdout
    assert "outside the changed lines" in proc.stdout


def test_merge_base_not_branch_tip_and_uncommitted_edits(
    history: Project, qg: InProcess
) -> None:
    history.git("checkout", "-q", "main")
    history.write("pkg/other.py", '"""Other."""\n\nimport sys\nimport json\n')
    history.commit("main moves on with a new finding")
    history.git("checkout", "-q", "feature")
    code, data, _ = run_json(qg, history.root, "--all-files", "--diff-base", "main")
    assert data["summary"]["new"] == 1  # main's new commit is not ours
    history.write("pkg/fresh.py", '"""Fresh."""\n\nimport re\nVALUE = 1\n')
    code, data, _ = run_json(qg, history.root, "--all-files", "--diff-base", "main")
    assert code == 1
    assert sorted(f["path"] for f in data["findings"] if f["new"]) == [
        "pkg/fresh.py",
        "pkg/legacy.py",
    ]


def test_diff_mode_with_a_baseline_needs_both(history: Project, qg: InProcess) -> None:
    history.git("checkout", "-q", "main")
    assert qg(history.root, "baseline").returncode == 0
    history.git("add", ".quality-gates-baseline.json")
    history.git("commit", "-q", "-m", "baseline")
    history.git("checkout", "-q", "feature")
    history.git("checkout", "-q", "main", "--", ".quality-gates-baseline.json")
    code, data, _ = run_json(qg, history.root, "--all-files", "--diff-base", "main")
    assert code == 1
    summary = data["summary"]
    assert (summary["new"], summary["baselined"]) == (1, 3)


def test_unknown_ref_is_exit_2(history: Project, qg: InProcess) -> None:
    proc = qg(history.root, "run", "--all-files", "--diff-base", "no-such-branch")
    assert proc.returncode == 2
    assert "not in the local history" in proc.stderr and "git fetch" in proc.stderr


def test_shallow_clone_refuses_instead_of_passing(
    history: Project, tmp_path: Path, qg: InProcess
) -> None:
    first = history.git("rev-list", "--max-parents=0", "HEAD").strip()
    clone = tmp_path / "clone"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "feature",
        f"file://{history.root}",
        str(clone),
    )
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    for ref in (first, "origin/main", "main"):
        proc = qg(clone, "run", "--all-files", "--diff-base", ref)
        assert proc.returncode == 2, (ref, proc.stdout, proc.stderr)
        assert f"--diff-base {ref}: not in the local history" in proc.stderr
        assert "git fetch --no-tags --unshallow" in proc.stderr
    proc = qg(clone, "run", "--all-files", "--diff-base", "origin/main")
    assert "+refs/heads/main:refs/remotes/origin/main" in proc.stderr
    # following the advice makes it work
    git(
        clone,
        "fetch",
        "-q",
        "--no-tags",
        "--unshallow",
        "origin",
        "+refs/heads/main:refs/remotes/origin/main",
    )
    code, data, _ = run_json(qg, clone, "--all-files", "--diff-base", "origin/main")
    assert code == 1 and data["summary"]["new"] == 1


def test_ref_present_but_history_cut_is_refused(
    history: Project, tmp_path: Path, qg: InProcess
) -> None:
    clone = tmp_path / "clone"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth",
        "1",
        "--no-single-branch",
        f"file://{history.root}",
        str(clone),
    )
    git(clone, "checkout", "-q", "feature")
    proc = qg(clone, "run", "--all-files", "--diff-base", "origin/main")
    assert proc.returncode == 2
    assert "no common history with HEAD" in proc.stderr and "git fetch" in proc.stderr


@pytest.mark.parametrize(
    ("diff", "expected"),
    [
        pytest.param("+++ b/a.py\n@@ -1,0 +2,3 @@\n", {"a.py": {2, 3, 4}}, id="added"),
        pytest.param("+++ b/a.py\n@@ -5 +5 @@\n", {"a.py": {5}}, id="one-line"),
        pytest.param("+++ b/a.py\n@@ -5,2 +4,0 @@\n", {}, id="deleted-only"),
        pytest.param("+++ /dev/null\n@@ -1,3 +0,0 @@\n", {}, id="file-deleted"),
        pytest.param(
            "+++ b/dir/my file.py\t\n@@ -0,0 +1 @@\n",
            {"dir/my file.py": {1}},
            id="space",
        ),
    ],
)
def test_parse_hunks(diff: str, expected: dict[str, set[int]]) -> None:
    assert diffs.parse(diff) == expected


def test_option_like_ref_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GateError, match="not a git ref"):
        diffs.changed_lines(tmp_path, "--output=x")


def test_a_new_binary_python_file_is_not_waved_through(
    history: Project, qg: InProcess
) -> None:
    history.write("pkg/blob.py", b'"""Blob."""\n\x00\x01\x02\n')
    history.commit("add a binary .py file")
    code, data, _ = run_json(qg, history.root, "--diff-base", "main")
    assert code == 1
    assert ("pkg/blob.py", "E902") in {
        (f["path"], f["rule"]) for f in data["findings"] if f["new"]
    }


@pytest.mark.parametrize("end", LINE_ENDS)
def test_changed_lines_counted_as_the_tools_count_them(
    project: Project, end: str, qg: InProcess
) -> None:
    r"""Count lines as Python does (\n, \r\n, lone \r); git counts \n only.

    A lone-CR file is one line for git: an edit anywhere changes all of its
    lines for the tools, so a new finding can never fall outside the diff.
    """
    project.write("pyproject.toml", CONFIG)
    project.write("m.py", flagged_source(end))
    project.commit("legacy")
    project.git("checkout", "-q", "-b", "feature")
    edited = ["def f():", '    """Do."""', "    x=1", "    y=2", "    return x + y"]
    project.write("m.py", flagged_source(end, edited))
    project.commit("feature")
    code, data, _ = run_json(qg, project.root, "--all-files", "--diff-base", "main")
    assert code == 1
    new = {(f["rule"], f["line"]) for f in data["findings"] if f["new"]}
    old = {(f["rule"], f["line"]) for f in data["findings"] if not f["new"]}
    # lone CR: git sees one line, so every finding of the edited file is new
    assert (new, old) == (
        ({("E225", 6), ("E225", 7)}, set())
        if end == "\r"
        else ({("E225", 7)}, {("E225", 6)})
    )


def test_tool_lines_maps_git_lines_over_lone_carriage_returns() -> None:
    data = b"a\nb\rc\rd\ne\r\nf"
    assert diffs.tool_lines(data, {2}) == {2, 3, 4}
    assert diffs.tool_lines(data, {3, 4}) == {5, 6}
    assert diffs.tool_lines(b"a\r\nb\r\n\x0cc\n", {3}) == {3}


def test_a_whole_tree_threshold_warns_in_diff_mode_and_fails_the_whole_tree(
    history: Project, qg: InProcess
) -> None:
    """A change that adds no finding passes however low the legacy score is.

    Its twin without --diff-base (the default branch, mode all) fails on it.
    """
    history.git("checkout", "-q", "-b", "docs", "main")
    history.write("README.md", "# docs only\n")
    history.commit("docs: a change with no Python in it")
    args = ("--all-files", "--fail-under", "99", "--max-debt", "0")
    code, data, _ = run_json(qg, history.root, *args, "--diff-base", "main")
    score = data["score"]
    missed = [
        f"score {score} is under fail-under 99",
        f"debt {data['summary']['debt']}",
    ]
    assert code == 0, data["summary"]
    assert data["summary"]["new"] == 0
    assert data["summary"]["threshold_failures"] == []
    warnings = data["summary"]["threshold_warnings"]
    assert warnings[0] == missed[0] and warnings[1].startswith(missed[1])
    assert f"{missed[0]}: not failing, since the gate judges the changed lines by" in (
        " ".join(data["notes"])
    )
    code, whole, _ = run_json(qg, history.root, *args)
    assert code == 1
    assert whole["summary"]["threshold_failures"][0] == missed[0]
    assert "threshold_warnings" not in whole["summary"]
