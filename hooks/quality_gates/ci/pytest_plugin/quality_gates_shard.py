"""A pytest plugin that lists a cell's tests and keeps one shard of them.

The matrix-test action loads it into the tested project's pytest with
``-p quality_gates_shard`` (its folder put on ``PYTHONPATH``), so it works with
any pytest the project pins: no ``@argsfile`` (pytest 8.2+), no parsing of
pytest's printed output, which the project's ``-v``, ``-q`` or ``--color`` in
``addopts`` change.

- ``--qg-shard-collect=PATH`` writes the collected node ids, in pytest's order
  and after ``-m``/``-k`` deselection, to PATH as JSON;
- ``--qg-shard-select=PATH --qg-shard=I/N`` keeps the node ids listed in PATH
  (pytest's own order) and deselects the rest; a test that was not there when
  the shards were split goes to shard ``crc32(node id) % N``, so no test is
  dropped by every shard.

Run as a script (``python quality_gates_shard.py --probe``) it prints, as JSON,
whether pytest, pytest-cov and coverage import in this interpreter and the
coverage config's ``source``.  Runs on any Python 3 a project tests with: the
standard library and pytest only.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import zlib
from typing import Any

COLLECT = "--qg-shard-collect"
SELECT = "--qg-shard-select"
SHARD = "--qg-shard"


def pytest_addoption(parser: Any) -> None:
    """Add the plugin's options (used only by the matrix-test action)."""
    group = parser.getgroup("quality-gates shard")
    group.addoption(COLLECT, default=None, help="write the node ids here (JSON)")
    group.addoption(SELECT, default=None, help="run the node ids listed here")
    group.addoption(SHARD, default="0/1", help="this shard, I/N (0-based)")


def _write_atomic(path: str, text: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".qg-shard-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def pytest_collection_finish(session: Any) -> None:
    """Write the collected node ids (xdist: every worker writes the same list)."""
    target = session.config.getoption(COLLECT.lstrip("-").replace("-", "_"))
    if target:
        _write_atomic(target, json.dumps([item.nodeid for item in session.items]))


def _shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    return int(index), int(count)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Keep this shard's tests in collection order; deselect the others."""
    listed = config.getoption(SELECT.lstrip("-").replace("-", "_"))
    if not listed:
        return
    with open(listed, encoding="utf-8") as handle:
        data = json.load(handle)
    chosen, known = set(data["shard"]), set(data["all"])
    index, count = _shard(config.getoption(SHARD.lstrip("-").replace("-", "_")))
    keep: list[Any] = []
    drop: list[Any] = []
    for item in items:
        node = item.nodeid
        if node in known:
            mine = node in chosen
        else:
            mine = zlib.crc32(node.encode("utf-8")) % count == index
        (keep if mine else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
    items[:] = keep


def probe() -> dict[str, Any]:
    """Say what this interpreter can run: pytest, pytest-cov, coverage's source."""
    found: dict[str, Any] = {}
    for name in ("pytest", "pytest_cov", "coverage"):
        try:
            __import__(name)
            found[name] = ""
        except Exception as exc:  # any import failure is the answer
            found[name] = f"{type(exc).__name__}: {exc}"
    if found["coverage"] == "":
        try:
            import coverage

            config = coverage.Coverage().config
            sources = list(config.source or [])
            sources += list(getattr(config, "source_pkgs", None) or [])
            found["source"] = sources
        except Exception as exc:  # a broken coverage config is the answer
            found["config_error"] = f"{type(exc).__name__}: {exc}"
    return found


if __name__ == "__main__":
    if sys.argv[1:] != ["--probe"]:
        print("usage: quality_gates_shard.py --probe", file=sys.stderr)
        raise SystemExit(2)
    print(json.dumps(probe()))
