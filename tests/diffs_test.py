"""diffs.changed_lines on real git histories: merge base, renames, odd names, shallow clones."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import Project, git
from quality_gates import diffs
from quality_gates.errors import GateError


def _history(project: Project) -> str:
    project.write("pkg/a.py", "one = 1\ntwo = 2\nthree = 3\n")
    project.write("pkg/gone.py", "x = 1\n")
    return project.commit("base")


def test_changed_lines_since_the_merge_base(project: Project) -> None:
    base = _history(project)
    project.git("checkout", "-q", "-b", "feature")
    project.write("pkg/a.py", "one = 1\nTWO = 2\nthree = 3\nfour = 4\n")
    project.commit("edit")
    project.git("rm", "-q", "pkg/gone.py")
    project.write("pkg/new.py", "a = 1\nb = 2\n")
    project.commit("add and delete")
    # main moves on after the branch: its changes are not the branch's
    project.git("checkout", "-q", "main")
    project.write("pkg/main_only.py", "m = 1\n")
    project.commit("main moves")
    project.git("checkout", "-q", "feature")

    changed = diffs.changed_lines(project.root, "main")

    assert changed == {"pkg/a.py": {2, 4}, "pkg/new.py": {1, 2}}
    assert diffs.merge_base(project.root, "main") == base


def test_uncommitted_and_untracked_changes_count(project: Project) -> None:
    _history(project)
    project.write("pkg/a.py", "one = 1\ntwo = 2\nthree = 3!\n")
    project.write("pkg/untracked.py", "u = 1\n")

    changed = diffs.changed_lines(project.root, "HEAD")

    assert changed == {"pkg/a.py": {3}, "pkg/untracked.py": {1}}


def test_rename_keeps_only_edited_lines(project: Project) -> None:
    project.write("old.py", "".join(f"line{i} = {i}\n" for i in range(20)))
    project.commit("base")
    project.git("mv", "old.py", "new.py")
    text = (project.root / "new.py").read_text().replace("line5 = 5", "line5 = 50")
    project.write("new.py", text)
    project.commit("rename")

    assert diffs.changed_lines(project.root, "HEAD~1") == {"new.py": {6}}


def test_added_line_that_looks_like_a_file_header(project: Project) -> None:
    """An added line ``++ x`` shows as ``+++ x`` in the diff: it is content."""
    lines = [f"line {i}\n" for i in range(1, 13)]
    project.write("notes.txt", "".join(lines))
    project.write("z.py", "z = 1\n")
    project.commit("base")
    lines[1] = "++ b/evil\n"  # line 2
    lines[9] = "changed\n"  # line 10: a second hunk after the look-alike
    project.write("notes.txt", "".join(lines))
    project.write("z.py", "z = 2\n")
    project.commit("edit")

    changed = diffs.changed_lines(project.root, "HEAD~1")

    assert changed == {"notes.txt": {2, 10}, "z.py": {1}}


def test_user_diff_prefix_settings_do_not_change_paths(project: Project) -> None:
    _history(project)
    project.git("config", "diff.mnemonicPrefix", "true")
    project.git("config", "diff.noprefix", "true")
    project.write("pkg/a.py", "one = 1\ntwo = 2\nthree = 33\n")

    assert diffs.changed_lines(project.root, "HEAD") == {"pkg/a.py": {3}}


def test_unusual_file_names(project: Project) -> None:
    project.write('we"ird\tname.py', "a = 1\n")
    project.write("ünïcode.py", "a = 1\n")
    project.commit("base")
    project.write('we"ird\tname.py', "a = 2\n")
    project.write("ünïcode.py", "a = 2\n")
    project.commit("edit")

    changed = diffs.changed_lines(project.root, "HEAD~1")

    assert changed == {'we"ird\tname.py': {1}, "ünïcode.py": {1}}


def test_subfolder_project_sees_its_own_paths(project: Project) -> None:
    project.write("app/mod.py", "a = 1\n")
    project.write("other/x.py", "a = 1\n")
    project.commit("base")
    project.write("app/mod.py", "a = 2\n")
    project.write("other/x.py", "a = 2\n")
    project.commit("edit")

    assert diffs.changed_lines(project.root / "app", "HEAD~1") == {"mod.py": {1}}


def test_unknown_ref_is_a_clear_error(project: Project) -> None:
    _history(project)
    with pytest.raises(
        GateError, match=r"--diff-base no-such-branch: not in the local history"
    ):
        diffs.changed_lines(project.root, "no-such-branch")


def test_shallow_clone_names_the_fetch_to_run(project: Project, tmp_path: Path) -> None:
    _history(project)
    project.write("pkg/a.py", "changed = True\n")
    project.commit("second")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{project.root}", str(clone)],
        check=True,
        capture_output=True,
    )
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"

    with pytest.raises(GateError) as info:
        diffs.changed_lines(clone, "HEAD~1")

    message = str(info.value)
    assert "not in the local history" in message
    assert "git fetch --no-tags --unshallow" in message
    assert "fetch-depth: 0" in message


def test_parse_plain_diff_without_git_headers() -> None:
    text = "--- a/x.py\n+++ b/x.py\n@@ -1,0 +2,3 @@\n+a\n+b\n+c\n@@ -9 +12 @@\n-q\n+r\n"
    assert diffs.parse(text) == {"x.py": {2, 3, 4, 12}}


def test_pure_deletion_adds_no_lines() -> None:
    text = "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -3,2 +2,0 @@\n-a\n-b\n"
    assert diffs.parse(text) == {}
