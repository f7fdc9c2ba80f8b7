"""The folder a step makes for what its tool writes: ``mkdir -p "$OUT"``.

A step that makes a folder named by an environment variable and then runs
a tool writes its results there; a later step that reads that folder
(``$OUT/manifest.json``) and fails on what it finds consumes them, as it
would a report file the step names.
"""

from __future__ import annotations

import re

_MKDIR = re.compile(r"\bmkdir\s+(?:-\w+\s+)*\"?\$\{?([A-Za-z_]\w*)\}?\"?(?=\s|;|&|$)")


def made_folders(run: str) -> tuple[str, ...]:
    """Return ``env:NAME`` for each ``mkdir [-p] "$NAME"`` of the script."""
    return tuple(dict.fromkeys(f"env:{name}" for name in _MKDIR.findall(run)))
