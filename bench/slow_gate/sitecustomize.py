"""A harness, not product code: a gate made slower, to prove ``--check`` fails.

``PYTHONPATH=bench/slow_gate QG_BENCH_SLOW_GATE=0.3 python bench/run.py --check``
puts this module first on every measured Python's path; in a ``quality-gates``
process alone (the console script) it adds busy work at exit until that
process has spent ``1 + 0.3`` times the CPU seconds it spent on its own: what a
regression in the gate's own code (listing, hashing, scoring, matching the
baseline) costs.  The tools the gate starts, and the tools run directly, are
untouched.  Without the variable, or with 0, it does nothing.
"""

from __future__ import annotations

import atexit
import os
import sys
import time


def slow_down(factor: float) -> None:
    """Burn CPU until this process has used ``1 + factor`` times what it had."""
    until = time.process_time() * (1 + factor)
    while time.process_time() < until:
        pass


def factor_asked() -> float:
    """Return QG_BENCH_SLOW_GATE as a number (0 when unset or not a number)."""
    try:
        return max(0.0, float(os.environ.get("QG_BENCH_SLOW_GATE", "0")))
    except ValueError:
        return 0.0


if os.path.basename(sys.argv[0] if sys.argv else "") == "quality-gates":
    if factor_asked() > 0:
        atexit.register(slow_down, factor_asked())
