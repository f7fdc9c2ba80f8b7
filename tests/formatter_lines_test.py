"""Formatter findings are the lines the formatter's diff changes, keyed on their text.

So any new badly formatted line fails, and clean edits around baselined
formatting never do.  Real black, isort and ruff format on real git projects.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import InProcess, Project
from gate_json import qg_json
from quality_gates.tools.base import diff_lines


@pytest.mark.parametrize(
    ("diff", "expected"),
    [
        pytest.param(
            "--- m.py\n+++ m.py\n@@ -1,3 +1,2 @@\n-x  =  1\n-y  =  2\n+x = 1\n z = 3\n",
            [("m.py", 1, 2, 1), ("m.py", 2, 2, 1)],
            id="each-rewritten-line",
        ),
        pytest.param(
            "--- m.py\n+++ m.py\n@@ -2,2 +2,4 @@\n x = 1\n+\n+\n def f():\n",
            [("m.py", 3, 0, 2)],
            id="insertion-flags-the-line-it-goes-before",
        ),
        pytest.param(
            "--- m.py\n+++ m.py\n@@ -1,3 +1,4 @@\n # A\n+\n \n def f():\n",
            [("m.py", 3, 0, 1)],
            id="blank-inserted-before-a-blank-flags-the-line-after-the-blanks",
        ),
        pytest.param(
            "--- m.py\n+++ m.py\n@@ -1,3 +1,4 @@\n # A\n \n+\n def f():\n",
            [("m.py", 3, 0, 1)],
            id="blank-inserted-after-a-blank-flags-the-same-line",
        ),
        pytest.param(
            "--- m.py\n+++ m.py\n@@ -1,3 +1,4 @@\n # A\n+x = 1\n \n def f():\n",
            [("m.py", 2, 0, 1)],
            id="a-line-that-is-not-blank-flags-the-line-it-goes-before",
        ),
        pytest.param(
            "--- m.py\n+++ m.py\n@@ -4,2 +4,3 @@\n a = 1\n b = 2\n+c = 3\n",
            [("m.py", 5, 0, 1)],
            id="insertion-at-the-end-flags-the-last-line",
        ),
        pytest.param(
            "--- m.py\n+++ m.py\n@@ -1,4 +1,2 @@\n import os\n-\n-\n x = 1\n",
            [("m.py", 2, 2, 0), ("m.py", 3, 2, 0)],
            id="removed-blank-lines",
        ),
        pytest.param(
            "--- a.py\n+++ a.py\n@@ -1 +1 @@\n-a=1\n+a = 1\n"
            "--- b.py\n+++ b.py\n@@ -7 +7 @@\n-b=1\n+b = 1\n",
            [("a.py", 1, 1, 1), ("b.py", 7, 1, 1)],
            id="two-files",
        ),
    ],
)
def test_diff_lines(diff: str, expected: list[tuple[str, int, int, int]]) -> None:
    assert diff_lines(diff) == expected


BLACK_BASE = '''"""Doc."""


def first() -> int:
    """First."""
    return 1


def second(a,b):
    return {  "a":a,
      "b":b }
'''


def run(qg: InProcess, project: Project, *names: str) -> tuple[int, dict[str, Any]]:
    code, report, err = qg_json(qg, project.root, "run", *names)
    assert report["errors"] == [], err
    return code, report


def new_rows(report: dict[str, Any]) -> list[tuple[str, int]]:
    return [(f["rule"], f["line"]) for f in report["findings"] if f["new"]]


@pytest.fixture
def baselined(
    qg: InProcess, project: Project, request: pytest.FixtureRequest
) -> Project:
    tool, name, text = request.param
    project.write("pyproject.toml", f'[tool.quality-gates]\ntools = ["{tool}"]\n')
    project.write(name, text)
    project.commit("legacy code")
    proc = qg(project.root, "baseline")
    assert proc.returncode == 0, proc.stderr
    return project


def edit(project: Project, name: str, old: str, new: str) -> None:
    path = project.root / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    "baselined", [("black", "m.py", BLACK_BASE)], indirect=True, ids=["black"]
)
def test_black_clean_edits_around_baselined_lines_pass(
    baselined: Project, qg: InProcess
) -> None:
    assert run(qg, baselined, "m.py")[0] == 0
    # four clean lines above the block, then a clean statement just above it
    edit(baselined, "m.py", '"""\n\n\n', '"""\n\nA = 1\nB = 2\nC = 3\nD = 4\n\n\n')
    edit(baselined, "m.py", "def second", "MARK = 1\n\n\ndef second")
    assert run(qg, baselined, "m.py")[0] == 0


@pytest.mark.parametrize(
    "baselined", [("black", "m.py", BLACK_BASE)], indirect=True, ids=["black"]
)
def test_black_new_bad_line_inside_a_baselined_block_fails(
    baselined: Project, qg: InProcess
) -> None:
    edit(baselined, "m.py", "    return {", "    print({ 'c':3 })\n    return {")
    code, report = run(qg, baselined, "m.py")
    assert (code, new_rows(report)) == (1, [("BLK100", 10)])


def _functions(start: int, count: int) -> str:
    return "".join(
        f"def f{n}():\n    return {n}\n\n\n" for n in range(start, start + count)
    )


# two comments black wants two blank lines after; a long stretch after the
# second makes difflib show its missing blank line *before* the blank line there
TWO_BLOCKS = (
    '"""Doc."""\n\n\n'
    + _functions(0, 6)
    + "# A\n\ndef a():\n    return 0\n\n\n"
    + _functions(100, 1)
    + "# B\n\ndef b():\n    return 0\n\n\n"
    + _functions(200, 3)
).rstrip("\n") + "\n"


@pytest.mark.parametrize(
    "baselined", [("black", "m.py", TWO_BLOCKS)], indirect=True, ids=["black"]
)
def test_black_block_fixed_above_keeps_the_next_blocks_fingerprint(
    baselined: Project, qg: InProcess
) -> None:
    # once A is fixed, difflib shows B's missing blank line *after* the blank
    # line there (found on a real project: adopt-loop's `above` probe failed)
    edit(baselined, "m.py", "# A\n\n", "# A\n\nMARK = 1\n\n\n")
    code, report = run(qg, baselined, "m.py")
    assert (code, new_rows(report)) == (0, [])
    assert report["summary"]["fixed"] == 1


IMPORTS = '"""Doc."""\nimport sys\nimport os\n\nprint(os, sys)\n'


@pytest.mark.parametrize(
    "baselined", [("isort", "m.py", IMPORTS)], indirect=True, ids=["isort"]
)
def test_isort_sorted_new_import_beside_a_baselined_one_passes(
    baselined: Project, qg: InProcess
) -> None:
    edit(baselined, "m.py", "import sys\n", "import abc\nimport sys\n")
    assert run(qg, baselined, "m.py")[0] == 0
    edit(baselined, "m.py", "import os\n", "import os\nimport json\n")
    code, report = run(qg, baselined, "m.py")
    assert (code, new_rows(report)) == (1, [("I001", 5)])


RUFF_BASE = BLACK_BASE


@pytest.mark.parametrize(
    "baselined", [("ruff", "m.py", RUFF_BASE)], indirect=True, ids=["ruff"]
)
def test_ruff_format_lines_are_keyed_the_same_way(
    baselined: Project, qg: InProcess
) -> None:
    edit(baselined, "m.py", "def second", "MARK = 1\n\n\ndef second")
    assert run(qg, baselined, "m.py")[0] == 0
    edit(baselined, "m.py", "    return {", "    print({ 'c':3 })\n    return {")
    code, report = run(qg, baselined, "m.py")
    assert (code, new_rows(report)) == (1, [("ruff-format", 13)])
