"""The whole-program stamp and the suite's code identity: what each key covers."""

from __future__ import annotations

from pathlib import Path

import pytest
from quality_gates import code_identity, whole_program_stamp


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def stamp(root: Path, *named: str) -> str:
    return whole_program_stamp.stamp(root, whole_program_stamp.ancestors(root, named))


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        pytest.param("b.py", True, id="root module"),
        pytest.param("pkg/sub/c.pyi", True, id="stub in a package"),
        pytest.param("tests/helper.py", True, id="folder without __init__"),
        pytest.param("my-scripts/tool.py", True, id="folder of a named file"),
        pytest.param("docs-src/conf.py", False, id="not importable: hyphen"),
        pytest.param(".venv/lib/x.py", False, id="hidden folder"),
        pytest.param("venv/lib/x.py", False, id="virtual environment"),
        pytest.param("pkg/__pycache__/x.py", False, id="bytecode folder"),
        pytest.param("notes.txt", False, id="not Python"),
    ],
)
def test_an_edit_changes_the_stamp_only_where_an_import_can_reach(
    tmp_path: Path, name: str, counts: bool
) -> None:
    root = tree(tmp_path, {"a.py": "", "my-scripts/run.py": "", "venv/pyvenv.cfg": ""})
    before = stamp(root, "a.py", "my-scripts/run.py")
    tree(root, {name: "x = 1\n"})
    added = stamp(root, "a.py", "my-scripts/run.py")
    tree(root, {name: "x = 2\n"})
    edited = stamp(root, "a.py", "my-scripts/run.py")
    assert (before != added, added != edited) == (counts, counts)


def test_a_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    root = tree(tmp_path, {"pkg/a.py": ""})
    (root / "pkg" / "again").symlink_to(root / "pkg")
    assert stamp(root, "pkg/a.py")


def test_past_the_file_limit_nothing_is_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree(tmp_path, {f"m{i}.py": "" for i in range(3)})
    monkeypatch.setattr(whole_program_stamp, "MAX_FILES", 2)
    with pytest.raises(whole_program_stamp.Uncovered, match="more than 2 Python files"):
        stamp(root, "m0.py")


def test_imports_are_followed_in_every_spelling() -> None:
    text = (
        "from quality_gates import sources, files  # comment\n"
        "from quality_gates.tools.base import (\n    Adapter,\n    Context,\n)\n"
        "def f():\n    import quality_gates.score\n"
    )
    assert code_identity.imported(text) == {
        "quality_gates",
        "quality_gates.sources",
        "quality_gates.files",
        "quality_gates.tools.base",
        "quality_gates.score",
    }


def test_an_adapters_identity_covers_the_runner_and_not_other_adapters() -> None:
    modules = code_identity.closure(("quality_gates.tools.flake8",))
    assert {"quality_gates.tools.base", "quality_gates.findings"} <= set(modules)
    assert "quality_gates.tools.black" not in modules
    runner = code_identity.closure(("quality_gates.runner",))
    assert "quality_gates.sources" in runner
