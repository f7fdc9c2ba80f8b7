"""The config files the tools read at a project's root.

A change to any of them checks every file again (``Adapter.config_inputs``)
and keys the CI results cache (``ci/suite_env.py``, which runs before the
suite's dependencies are installed: this module imports nothing).
"""

from __future__ import annotations

CONFIG_FILES = (
    "pyproject.toml",
    "setup.cfg",
    "tox.ini",
    ".flake8",
    ".isort.cfg",
    "mypy.ini",
    ".mypy.ini",
    ".bandit",
    ".editorconfig",
)
