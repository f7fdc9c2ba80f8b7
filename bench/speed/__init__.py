"""Benchmark ``quality-gates run`` against the tools run directly, on real sdists.

``python bench/run.py`` runs it (see ``cli``); one module per concern:

- ``trees``: the pinned sdists, unpacked and committed (``bench/sdists.py``);
- ``measure``: one command in a fresh child, its wall and CPU seconds and the
  peak memory of its process tree;
- ``commands``: the gate's command line, each tool's as a user runs it, and the
  environment with every cache in a folder of the run's own;
- ``runs`` and ``scenarios``: cold, warm, edited files, the hook under pre-commit;
- ``ruff_mypy``: the gate with ruff and mypy against the two run directly;
- ``rows``, ``render``, ``plot`` and ``machine``: the report.
"""
