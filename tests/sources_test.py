"""sources.py: the line model every tool shares, and a pre-check that never raises."""

from __future__ import annotations

import io
import sys

import pytest
from quality_gates import sources

PYTHON = f"Python {sys.version_info.major}.{sys.version_info.minor}"


def test_a_syntax_error_names_the_interpreter_that_judged_it() -> None:
    problem = sources.syntax_problem("bad.py", "def f(:\n    pass\n")
    assert problem is not None
    assert (problem.rule, problem.line) == ("E999", 1)
    assert problem.message.startswith(f"not valid {PYTHON}: ")


def test_newer_syntax_is_not_valid_on_this_interpreter() -> None:
    """A template string (valid from Python 3.14) on every interpreter CI runs.

    Not skipped on a newer one: CI runs 3.11 (.ci/run) and 3.12 (the workflow).
    """
    assert sys.version_info < (3, 14), "use syntax newer than this interpreter"
    problem = sources.syntax_problem("new.py", 'x = t"{y}"\n')
    assert problem is not None
    assert problem.message == f"not valid {PYTHON}: invalid syntax"


def test_an_expression_too_deep_to_compile_is_a_finding() -> None:
    """3,000 terms: CPython's own compiler gives up (RecursionError), so does the check."""
    text = "x = " + "+".join(["1"] * 3000) + "\n"
    with pytest.raises(RecursionError):
        compile(text, "deep.py", "exec")
    problem = sources.syntax_problem("deep.py", text)
    assert problem is not None
    assert (problem.rule, problem.line, problem.column) == ("E999", 1, 1)
    assert problem.message.startswith(f"{PYTHON} cannot compile it: nested too deeply")


def test_valid_code_has_no_problem() -> None:
    assert sources.syntax_problem("ok.py", "x = 1\n") is None


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


def test_lines_of_code_skip_blank_and_comment_lines() -> None:
    lines = [
        "#!/usr/bin/env python",
        '"""Doc."""',
        "",
        "   ",
        "  # note",
        "x = 1  # trailing",
        "y = 2",
    ]
    assert sources.lines_of_code(lines) == 3
