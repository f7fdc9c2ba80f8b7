#!/usr/bin/env python3
"""Benchmark ``quality-gates run`` against the tools run directly, on real sdists.

The benchmark is the ``bench.speed`` package; ``--help`` lists the options and
``bench/speed/cli.py`` describes the scenarios.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.speed.cli import main  # noqa: E402  (this checkout's bench package)

if __name__ == "__main__":
    raise SystemExit(main())
