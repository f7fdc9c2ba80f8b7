"""Which Python the project runs: its configured one, its active or own venv."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def project_python(root: Path, configured: str | None) -> str | None:
    """Return the interpreter whose site-packages the project's code sees, if any.

    ``python-executable`` (``configured``, relative to ``root``), else an
    active virtualenv or conda environment that is not this one, else the
    project's ``.venv`` or ``venv``; None: none of them.
    """
    if configured:
        path = Path(configured)
        if not path.is_absolute():
            path = root / path
        return str(path)
    for var in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        prefix = os.environ.get(var)
        if prefix and Path(prefix).resolve() != Path(sys.prefix).resolve():
            exe = Path(prefix) / "bin" / "python"
            if exe.exists():
                return str(exe)
    for name in (".venv", "venv"):
        exe = root / name / "bin" / "python"
        if exe.exists():
            return str(exe)
    return None
