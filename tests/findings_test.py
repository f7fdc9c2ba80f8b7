"""The fingerprint survives moves and unrelated edits; it tells identical lines apart."""

from __future__ import annotations

from quality_gates.findings import Finding, fingerprint_findings, normalise


def _f(line: int, rule: str = "E501", path: str = "a.py") -> Finding:
    return Finding("flake8", rule, "warning", path, line, 1, "msg")


def test_normalise_collapses_whitespace() -> None:
    assert normalise("  x  =\t1 ") == "x = 1"


def test_fingerprint_ignores_line_numbers_and_neighbours() -> None:
    before = ["import os", "x = 1", "y = 2"]
    after = [
        "# a new comment",
        "",
        "import sys",
        "import os",
        "z = 3",
        "y = 2",
        "x = 1",
    ]
    (a,) = fingerprint_findings([_f(2)], {"a.py": before})
    (b,) = fingerprint_findings([_f(7)], {"a.py": after})
    assert a.fingerprint == b.fingerprint


def test_fingerprint_depends_on_path_tool_rule_and_text() -> None:
    lines = {"a.py": ["x = 1", "y = 2"], "b.py": ["x = 1"]}
    base = fingerprint_findings([_f(1)], lines)[0].fingerprint
    assert fingerprint_findings([_f(2)], lines)[0].fingerprint != base
    assert fingerprint_findings([_f(1, rule="W291")], lines)[0].fingerprint != base
    assert fingerprint_findings([_f(1, path="b.py")], lines)[0].fingerprint != base


def test_identical_lines_get_distinct_fingerprints_by_occurrence() -> None:
    lines = {"a.py": ["print(x)", "pass", "print(x)"]}
    found = fingerprint_findings([_f(3), _f(1)], lines)
    assert [f.line for f in found] == [1, 3]
    assert found[0].fingerprint != found[1].fingerprint
    # inserting lines above both keeps both fingerprints
    shifted = ["#", "#", "#", "#", "print(x)", "pass", "print(x)"]
    moved = fingerprint_findings([_f(5), _f(7)], {"a.py": shifted})
    assert [f.fingerprint for f in moved] == [f.fingerprint for f in found]


def test_findings_round_trip_through_dicts() -> None:
    (f,) = fingerprint_findings([_f(1)], {"a.py": ["x"]})
    assert Finding.from_dict(f.to_dict()) == f
