"""quality-gates: pre-commit hooks and GitHub Actions for Python quality gates."""

from __future__ import annotations

__version__ = "0.1.0"
