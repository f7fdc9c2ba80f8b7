"""Exit codes and the one error type that maps to exit 2."""

from __future__ import annotations

PASSED = 0
FAILED = 1
ERROR = 2


class GateError(Exception):
    """A usage, config or tool error: reported on one line, exit code 2."""
