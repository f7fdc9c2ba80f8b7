"""The formatter's line length: one reader, one precedence, for the gate and init."""

from __future__ import annotations

from pathlib import Path

import pytest
from quality_gates import config
from quality_gates.adopt import plan
from quality_gates.adopt.workspace import Workspace
from quality_gates.errors import GateError

BLACK = "[tool.black]\nline-length = 100\n"
RUFF_TABLE = "[tool.ruff]\nline-length = 110\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"pyproject.toml": BLACK, "ruff.toml": "line-length = 120\n"},
            100,
            id="black-beats-ruff.toml",
        ),
        pytest.param(
            {"pyproject.toml": RUFF_TABLE, "ruff.toml": "line-length = 120\n"},
            120,
            id="ruff.toml-beats-tool.ruff",
        ),
        pytest.param(
            {"ruff.toml": "line-length = 120\n", ".ruff.toml": "line-length = 130\n"},
            130,
            id="dot-ruff.toml-first-as-ruff-reads",
        ),
        pytest.param({"pyproject.toml": RUFF_TABLE}, 110, id="tool.ruff"),
        pytest.param(
            {"ruff.toml": "[lint]\nselect = ['E']\n", "pyproject.toml": RUFF_TABLE},
            110,
            id="ruff.toml-without-line-length",
        ),
        pytest.param(
            {"pyproject.toml": "[project]\nname = 'x'\n"}, None, id="no-formatter"
        ),
    ],
)
def test_the_gate_and_init_read_the_same_line_length(
    tmp_path: Path, files: dict[str, str], expected: int | None
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert config.load(tmp_path).line_length == (expected or 88)
    ws = Workspace.open(tmp_path)
    assert plan._formatter_line(ws, {}) == expected


def test_a_bad_ruff_toml_is_one_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "ruff.toml").write_text("line-length = \n")
    with pytest.raises(GateError, match=r"ruff.toml: invalid TOML: "):
        config.load(tmp_path)


def test_a_line_length_that_is_not_a_number_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "ruff.toml").write_text('line-length = "wide"\n')
    with pytest.raises(
        GateError, match=r"^ruff.toml: line-length 'wide' is not a positive integer$"
    ):
        config.load(tmp_path)
