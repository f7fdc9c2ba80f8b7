"""mypy's output made findings as mypy prints it, and the same findings as before.

A large tree's 30k errors used to be made findings after mypy ended, on the
run's longest path; the reader makes them as the lines come.  In-process, on
output in mypy's own JSON shape: the findings ``parse`` returns are those the
reader made (counted: no record parsed or made again), a line printed twice
is two findings, and a line the reader missed is read as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from quality_gates import config
from quality_gates.findings import Finding
from quality_gates.tools import mypy
from quality_gates.tools.base import Context


def record(line: int, message: str, severity: str = "error") -> str:
    """Return one line of ``mypy --output json``."""
    return json.dumps(
        {
            "file": "pkg/mod.py",
            "line": line,
            "column": 4,
            "message": message,
            "hint": None,
            "code": "return-value" if severity == "error" else None,
            "severity": severity,
        }
    )


LINES = [
    record(3, 'Incompatible return value type (got "int", expected "str")'),
    record(3, "See the docs", severity="note"),
    record(7, 'Incompatible return value type (got "int", expected "str")'),
]


def streamed(lines: list[str]) -> mypy.Streamed:
    """Feed ``lines`` to the reader as mypy prints them (each with its newline)."""
    seen = mypy.Streamed()
    for line in lines:
        mypy._remember(seen, line + "\n")
    return seen


def parsed(tmp_path: Path, out: list[str], seen: mypy.Streamed) -> list[Finding]:
    proc = mypy.Blocked(1, "\n".join(out) + "\n", "", streamed=seen)
    ctx = Context(tmp_path, config.load(tmp_path))
    return mypy.Mypy().parse(ctx, ["pkg/mod.py"], proc)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the records decoded and the findings made (``_record``, ``_finding``)."""
    counts = {"records": 0, "findings": 0}
    record, finding = mypy._record, mypy._finding

    def counting_record(text: str) -> Any:
        counts["records"] += text.startswith("{")  # a record to decode
        return record(text)

    def counting_finding(data: dict[str, Any]) -> Finding:
        counts["findings"] += 1
        return finding(data)

    monkeypatch.setattr(mypy, "_record", counting_record)
    monkeypatch.setattr(mypy, "_finding", counting_finding)
    return counts


def test_the_findings_are_those_made_while_mypy_ran(
    tmp_path: Path, counted: dict[str, int]
) -> None:
    seen = streamed(LINES)
    made = dict(seen.findings)
    assert counted == {"records": 3, "findings": 2}  # the note is no finding
    found = parsed(tmp_path, LINES, seen)
    assert counted == {"records": 3, "findings": 2}  # nothing parsed or made again
    assert [f.line for f in found] == [3, 7]
    assert all(f is made[text] for f, text in zip(found, [LINES[0], LINES[2]]))
    # the same as when nothing was read ahead
    again = parsed(tmp_path, LINES, mypy.Streamed())
    assert [f.to_dict() for f in found] == [f.to_dict() for f in again]


def test_a_line_printed_twice_is_two_findings(
    tmp_path: Path, counted: dict[str, int]
) -> None:
    out = [LINES[0], LINES[0]]
    found = parsed(tmp_path, out, streamed(out))
    assert len(found) == 2 and found[0] is not found[1]
    assert found[0].to_dict() == found[1].to_dict()
    assert counted["findings"] == 2


def test_a_line_the_reader_missed_is_read_after(
    tmp_path: Path, counted: dict[str, int]
) -> None:
    found = parsed(tmp_path, LINES, streamed(LINES[:1]))
    assert [f.line for f in found] == [3, 7]
    assert counted == {"records": 3, "findings": 2}
