"""Run ``python -m quality_gates``."""

from __future__ import annotations

from quality_gates.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
