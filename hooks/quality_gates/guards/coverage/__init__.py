"""``coverage``: pytest-cov's data against fail-under, the ratchet and changed lines."""
