"""Deterministic shards: files by size, tests by recorded durations or by file."""

from __future__ import annotations

import heapq
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from quality_gates.errors import GateError


def check_shard(index: int, count: int) -> None:
    """``index`` is 0-based and below ``count``; anything else is a usage error."""
    if count < 1:
        raise GateError(f"shard-count must be at least 1, got {count}")
    if not 0 <= index < count:
        raise GateError(f"shard-index must be from 0 to {count - 1}, got {index}")


def balance(weights: Mapping[str, float], count: int) -> list[list[str]]:
    """Longest-processing-time first: heaviest item to the lightest shard.

    Ties break by name, so the same weights always give the same shards, on
    every machine and in every cell of a matrix.
    """
    shards: list[list[str]] = [[] for _ in range(count)]
    heap = [(0.0, i) for i in range(count)]
    for name in sorted(weights, key=lambda n: (-weights[n], n)):
        load, i = heapq.heappop(heap)
        shards[i].append(name)
        heapq.heappush(heap, (load + weights[name], i))
    return [sorted(shard) for shard in shards]


def split_files(
    root: Path, files: Sequence[str], *, index: int, count: int
) -> list[str]:
    """Return the files of shard ``index`` of ``count``, balanced by byte size."""
    check_shard(index, count)
    sizes = {}
    for name in files:
        try:
            sizes[name] = float(max((root / name).stat().st_size, 1))
        except OSError:
            sizes[name] = 1.0
    return balance(sizes, count)[index]


def read_durations(path: Path) -> dict[str, float]:
    """Read recorded test durations: ``{node id: seconds}`` (pytest-split's format)."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GateError(f"{path}: not a JSON object of test durations ({exc})")
    if isinstance(data, list):  # pytest-split's older format: [[node id, seconds]]
        data = {str(item[0]): item[1] for item in data if len(item) == 2}
    if not isinstance(data, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in data.values()
    ):
        raise GateError(f"{path}: expected a JSON object of node id -> seconds")
    return {str(k): float(v) for k, v in data.items()}


def node_file(node_id: str) -> str:
    """Return the file part of a pytest node id."""
    return node_id.split("::", 1)[0]


def split_tests(
    node_ids: Sequence[str],
    durations: Mapping[str, float],
    *,
    index: int,
    count: int,
) -> tuple[list[str], str]:
    """Return the tests of shard ``index``, in the order given, and how split.

    With recorded durations for any of the tests, tests are balanced by
    duration (unrecorded tests count as the mean).  Otherwise whole files are
    balanced by their number of tests.  Either way the shard keeps the order of
    ``node_ids`` (pytest's collection order, which tests may depend on).
    """
    check_shard(index, count)
    known = [durations[n] for n in node_ids if n in durations]
    if known:
        mean = sum(known) / len(known)
        weights = {n: durations.get(n, mean) for n in node_ids}
        chosen = set(balance(weights, count)[index])
        return [n for n in node_ids if n in chosen], "durations"
    per_file: dict[str, float] = {}
    for node in node_ids:
        per_file[node_file(node)] = per_file.get(node_file(node), 0.0) + 1.0
    files = set(balance(per_file, count)[index])
    return [n for n in node_ids if node_file(n) in files], "files"
