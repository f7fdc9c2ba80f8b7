"""quality_gates.ci.shards: deterministic, complete, balanced shards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from quality_gates.ci import shards
from quality_gates.errors import GateError


@pytest.mark.parametrize(("index", "count"), [(0, 0), (-1, 2), (2, 2), (5, 3)])
def test_bad_shards_are_usage_errors(index: int, count: int) -> None:
    with pytest.raises(GateError, match="shard-"):
        shards.check_shard(index, count)


def test_balance_is_deterministic_complete_and_balanced() -> None:
    weights = {f"f{i}": float(i % 7 + 1) for i in range(40)}
    first = shards.balance(weights, 3)
    assert first == shards.balance(dict(reversed(list(weights.items()))), 3)
    assert sorted(n for s in first for n in s) == sorted(weights)
    loads = [sum(weights[n] for n in s) for s in first]
    assert max(loads) - min(loads) <= max(weights.values())


def test_split_files_by_size_covers_every_file_once(tmp_path: Path) -> None:
    names = []
    for i in range(7):
        (tmp_path / f"m{i}.py").write_text("x = 1\n" * (i + 1) * 10)
        names.append(f"m{i}.py")
    parts = [shards.split_files(tmp_path, names, index=i, count=3) for i in range(3)]
    assert sorted(n for p in parts for n in p) == sorted(names)
    assert all(parts)


def test_split_tests_by_durations_when_recorded() -> None:
    nodes = ["t/a.py::x", "t/a.py::y", "t/b.py::z", "t/c.py::w"]
    durations = {"t/a.py::x": 10.0, "t/a.py::y": 1.0, "t/b.py::z": 1.0}
    parts = [shards.split_tests(nodes, durations, index=i, count=2) for i in range(2)]
    assert {how for _, how in parts} == {"durations"}
    assert ["t/a.py::x"] in [p for p, _ in parts]
    assert sorted(n for p, _ in parts for n in p) == sorted(nodes)


def test_split_tests_by_file_without_durations() -> None:
    nodes = ["t/a.py::x", "t/a.py::y", "t/b.py::z", "t/c.py::w"]
    parts = [shards.split_tests(nodes, {}, index=i, count=3) for i in range(3)]
    assert {how for _, how in parts} == {"files"}
    assert sorted(n for p, _ in parts for n in p) == sorted(nodes)
    assert ["t/a.py::x", "t/a.py::y"] in [p for p, _ in parts]  # a file stays whole


def test_a_shard_keeps_the_order_it_was_given() -> None:
    """Keep pytest's collection order, which tests may rely on; never alphabetical."""
    nodes = ["t/z.py::setup", "t/z.py::b_uses", "t/a.py::late", "t/m.py::x"]
    durations = dict.fromkeys(nodes, 1.0)
    for index in range(2):
        chosen, _ = shards.split_tests(nodes, durations, index=index, count=2)
        assert chosen == [n for n in nodes if n in chosen]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param('{"t.py::a": 1.5}', {"t.py::a": 1.5}, id="object"),
        pytest.param('[["t.py::a", 2]]', {"t.py::a": 2.0}, id="pytest-split-list"),
    ],
)
def test_read_durations(
    tmp_path: Path, content: str, expected: dict[str, float]
) -> None:
    path = tmp_path / ".test_durations"
    path.write_text(content)
    assert shards.read_durations(path) == expected


@pytest.mark.parametrize(
    "content", ["{", '{"a": "slow"}', '{"a": true}', '"x"', "\xff"]
)
def test_bad_durations_are_errors(tmp_path: Path, content: str) -> None:
    path = tmp_path / ".test_durations"
    path.write_bytes(content.encode("latin-1"))
    with pytest.raises(GateError, match="test_durations"):
        shards.read_durations(path)


def test_missing_durations_file_means_none(tmp_path: Path) -> None:
    assert shards.read_durations(tmp_path / "nope") == {}
    assert json.dumps(shards.read_durations(tmp_path / "nope")) == "{}"
