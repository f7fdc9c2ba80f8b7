#!/usr/bin/env python3
"""What trusting less costs (#22): the shared environment's check, and the cache's MAC.

1. ``suite_env install`` into a scratch folder (a real install of this
   checkout), then the check a job runs before it uses the environment
   (``env_verify.problems``: every file against its RECORD): median of
   ``--repeat`` runs, with the files and bytes it hashed.
2. What dropping ``__pycache__`` costs the job after it: importing the suite
   and every tool's modules in the environment's interpreter, after
   ``drop_bytecode`` (compiling them, as each job's first run of a tool does)
   and again (the compiled files kept, as every later run in the job).
3. The result cache's MAC against the CRC32 it replaced: signing and checking
   ``--rows`` rows of a typical size.

Writes the ``trust`` section of BENCHMARKS.md (``--write``) or prints it.
Timings on a shared machine are noisy: the medians and the ratio are what count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "hooks"), str(REPO)]
from quality_gates import cache_key  # noqa: E402
from quality_gates.ci import env_verify  # noqa: E402

from bench import sections  # noqa: E402


def timed(action: object, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        out.append(time.perf_counter() - start)
    return out


def install(venv: Path) -> float:
    start = time.perf_counter()
    subprocess.run(  # nosec B603
        [sys.executable, "-m", "quality_gates.ci.suite_env", "install"]
        + ["--python", sys.executable, "--suite", str(REPO), "--venv", str(venv)],
        env={**os.environ, "PYTHONPATH": str(REPO / "hooks")},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def size_of(venv: Path) -> tuple[int, int]:
    files = [p for p in venv.rglob("*") if p.is_file() and not p.is_symlink()]
    return len(files), sum(p.stat().st_size for p in files)


IMPORTS = (
    "import quality_gates.cli, quality_gates.runner, flake8.main.application, "
    "pyflakes.checker, pycodestyle, pydocstyle, flake8_docstrings, "
    "bandit.core.manager, isort.main, black, mypy.main"
)


def imports(venv: Path) -> float:
    """Time importing the suite and the tools in the environment's interpreter."""
    start = time.perf_counter()
    subprocess.run(  # nosec B603
        [str(venv / "bin" / "python"), "-c", IMPORTS],
        env={
            k: v
            for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
        },
        check=True,
    )
    return time.perf_counter() - start


def mac_cost(rows: int) -> tuple[float, float]:
    key = b"k" * 32
    value = (
        '[["F401","error","pkg/m.py",3,1,"\'os\' imported but unused","'
        + "a" * 32
        + '"]]'
    )
    keys = [f"{i:064x}" for i in range(rows)]
    start = time.perf_counter()
    for k in keys:
        cache_key.verify(key, k, value, cache_key.sign(key, k, value))
    mac = time.perf_counter() - start
    start = time.perf_counter()
    for _ in keys:
        assert zlib.crc32(value.encode()) == zlib.crc32(value.encode())
    return mac, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--write", action="store_true", help="write BENCHMARKS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qg-trust-") as scratch:
        venv = Path(scratch) / "env"
        built = install(venv)
        files, size = size_of(venv)
        checks = timed(lambda: env_verify.problems(venv), args.repeat)
        assert env_verify.problems(venv) == []
        cold, warm = [], []
        for _ in range(args.repeat):
            env_verify.drop_bytecode(venv)
            cold.append(imports(venv))
            warm.append(imports(venv))
    mac, crc = mac_cost(args.rows)
    body = render(built, files, size, checks, warm, cold, mac, crc, args.rows)
    if args.write:
        sections.update(REPO / "BENCHMARKS.md", "trust", body)
    print(body)
    return 0


def render(
    built: float,
    files: int,
    size: int,
    checks: list[float],
    warm: list[float],
    cold: list[float],
    mac: float,
    crc: float,
    rows: int,
) -> str:
    med = statistics.median
    return "\n".join(
        [
            "## Trusting less: the shared environment's check, the cache's MAC",
            "",
            f"`python bench/trust_cost.py` (medians of {len(checks)} runs; a shared"
            " 2-core machine, so noisy):",
            "",
            "| measurement | time |",
            "|---|---|",
            f"| install the suite's environment (once) | {built:.1f} s |",
            f"| check it against its RECORDs ({files} files, {size / 1e6:.0f} MB)"
            f" | {med(checks):.2f} s |",
            f"| import the suite and every tool, compiled files kept"
            f" | {med(warm):.2f} s |",
            f"| the same after `__pycache__` was dropped (once a job)"
            f" | {med(cold):.2f} s |",
            f"| sign and check {rows:,} cache rows (keyed BLAKE2b)"
            f" | {mac:.2f} s ({mac / rows * 1e6:.1f} us a row) |",
            f"| the CRC32 it replaced, {rows:,} rows | {crc:.2f} s |",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
