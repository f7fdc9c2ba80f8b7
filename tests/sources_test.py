"""Reading source files: the line model every tool shares."""

from __future__ import annotations

import io

import pytest
from quality_gates import sources


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a\nb\n", ["a", "b"], id="LF"),
        pytest.param("a\r\nb\r\n", ["a", "b"], id="CRLF"),
        pytest.param("a\rb\r", ["a", "b"], id="lone-CR"),
        pytest.param("a\n\r\nb", ["a", "", "b"], id="mixed-no-final-end"),
        pytest.param(
            "a\x0cb\x0b\x1c\x1d\x1e\x85\u2028\u2029c\n",
            ["a\x0cb\x0b\x1c\x1d\x1e\x85\u2028\u2029c"],
            id="not-line-breaks-for-python",
        ),
        pytest.param("", [], id="empty"),
        pytest.param("\n", [""], id="one-blank-line"),
    ],
)
def test_split_lines_breaks_where_python_does(text: str, expected: list[str]) -> None:
    assert sources.split_lines(text) == expected
    # what Python's universal newlines (open(), the tokenizer) make of it
    assert [line.rstrip("\n") for line in io.StringIO(text, newline=None)] == expected
