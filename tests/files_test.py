"""files.py: which tracked files exist to check, and which names and links are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Project
from quality_gates import files
from quality_gates.errors import GateError

GOOD = '"""Doc."""\n'


def test_tracked_files_that_are_gone_are_named_with_the_reason(
    project: Project,
) -> None:
    project.write("good.py", GOOD)
    project.write("deleted.py", GOOD)
    (project.root / "dangling.py").symlink_to("missing.py")
    (project.root / "loop.py").symlink_to("loop.py")
    project.commit()
    (project.root / "deleted.py").unlink()
    skipped: list[str] = []
    assert files.tracked_python_files(project.root, (), skipped) == ["good.py"]
    assert skipped == [
        "dangling.py: a dangling symlink (to missing.py); not checked",
        "deleted.py: tracked by git but not in the working tree (deleted?); "
        "not checked",
        "loop.py: a symlink loop; not checked",
    ]


def test_excluded_files_are_not_reported_as_skipped(project: Project) -> None:
    (project.root / "gen").mkdir()
    (project.root / "gen" / "dangling.py").symlink_to("missing.py")
    project.commit()
    skipped: list[str] = []
    assert files.tracked_python_files(project.root, ("gen/*",), skipped) == []
    assert skipped == []


def test_a_symlink_is_outside_only_when_its_target_is(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "real.py").write_text(GOOD)
    (tmp_path / "victim.py").write_text(GOOD)
    (root / "inside.py").symlink_to("real.py")
    (root / "outside.py").symlink_to("../victim.py")
    assert files.outside_link(root, "real.py") is None
    assert files.outside_link(root, "inside.py") is None
    assert files.outside_link(root, "outside.py") == tmp_path / "victim.py"


def test_a_named_symlink_to_outside_is_refused_with_the_same_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (tmp_path / "victim.py").write_text(GOOD)
    (root / "link.py").symlink_to("../victim.py")
    monkeypatch.chdir(root)
    with pytest.raises(GateError) as caught:
        files.relative_files(root, ["link.py"])
    assert str(caught.value) == files.outside_message("link.py", tmp_path / "victim.py")
    assert "outside the project: not checked" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        pytest.param("plain.py", False, id="plain"),
        pytest.param("tab\tname.py", False, id="tab"),
        pytest.param("new\nline.py", True, id="newline"),
        pytest.param("carriage\rreturn.py", True, id="carriage-return"),
        pytest.param("form\x0cfeed.py", True, id="form-feed"),
        pytest.param("line\u2028separator.py", True, id="unicode-line-separator"),
    ],
)
def test_names_with_line_breaks_are_refused(name: str, refused: bool) -> None:
    message = files.line_break_in(name)
    assert (message is not None) == refused
    if message:
        assert message.startswith(repr(name) + ": a file name with a line break")
