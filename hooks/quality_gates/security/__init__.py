"""Dependency audit: what is installed, which advisories apply, and what to ignore.

``deps`` finds the dependencies (requirements files, pyproject.toml, the
environment); ``osv_db``, ``pip_audit`` and ``safety`` are the advisory
sources; ``advisory`` holds the common advisory record and the smallest safe
upgrade; ``ignores`` applies ``[[tool.quality-gates.ignore]]`` with expiry.
"""
