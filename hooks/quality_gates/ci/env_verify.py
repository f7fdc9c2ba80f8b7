"""A shared suite environment, checked against what pip installed before it is trusted.

On a self-hosted runner every job runs the project's own code, as the same
user, beside the suite's environment under ``~/.cache/quality-gates-actions``:
one edited line of pyflakes, a ``.pth`` file or a ``sitecustomize.py`` dropped
in, or a forged ``.pyc`` would make the next job's gate pass a failing file.
So before a job uses it, every file of the environment is checked against the
wheel ``RECORD`` of the distribution that installed it (its SHA-256), and the
environment is rebuilt unless all of them match and nothing else is there:
no file no ``RECORD`` lists, no symlink but the interpreter's, no system
site-packages.  Compiled files are never trusted: the environment is
installed without them (``pip --no-compile``) and every ``__pycache__`` is
removed before a job runs, so each job compiles from the checked sources.

What this does not stop: a job that rewrites a file *and* its ``RECORD``
line, or edits the environment while another job uses it.  Where jobs of
different trust share a machine, use ephemeral runners.
Standard library only (this runs before the suite is installed).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import os
import shutil
from pathlib import Path

# made by ``python -m venv`` (or the suite), not by pip: no RECORD lists them;
# ``.lock`` is the empty file uv locks an environment with while it installs
VENV_FILES = ("pyvenv.cfg", ".gitignore", ".quality-gates-suite", ".lock")
VENV_SCRIPTS = ("activate", "activate.csh", "activate.fish", "Activate.ps1")
LIMIT = 3


def site_packages(venv: Path) -> Path | None:
    """Return the environment's site-packages folder, if it has exactly one."""
    found = sorted(venv.glob("lib/python*/site-packages"))
    return found[0] if len(found) == 1 else None


def recorded(site: Path) -> dict[str, str]:
    """Map each file every ``RECORD`` lists (absolute, normalised) to its hash."""
    files: dict[str, str] = {}
    for record in sorted(site.glob("*.dist-info/RECORD")):
        with record.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                if row:
                    path = os.path.normpath(os.path.join(site, row[0]))
                    files[path] = row[1] if len(row) > 1 else ""
    return files


def _digest(path: str) -> str:
    """Return ``sha256=`` and the URL-safe, unpadded base64 digest (a RECORD's)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha256=" + base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def _venv_made(venv: Path, path: str) -> bool:
    """Tell whether ``path`` is one that ``python -m venv`` made."""
    rel = Path(path).relative_to(venv)
    if str(rel) in VENV_FILES:
        return True
    return rel.parent == Path("bin") and (
        rel.name in VENV_SCRIPTS or rel.name.startswith("python")
    )


def problems(venv: Path) -> list[str]:
    """Say how the environment differs from what pip installed (empty: it does not)."""
    site = site_packages(venv)
    if site is None:
        return [f"{venv}: no single lib/python*/site-packages"]
    found = _config_problems(venv)
    expected = recorded(site)
    seen: set[str] = set()
    for folder, dirs, names in os.walk(venv):
        dirs[:] = [d for d in dirs if d != "__pycache__"]  # removed before use
        for name in [
            *names,
            *(d for d in dirs if os.path.islink(os.path.join(folder, d))),
        ]:
            path = os.path.join(folder, name)
            found += _file_problem(venv, path, expected)
            seen.add(os.path.normpath(path))
            if len(found) >= LIMIT:
                return found
    missing = [p for p, h in expected.items() if h and p not in seen]
    found += [f"{_rel(venv, p)}: missing" for p in missing[:LIMIT]]
    return found[:LIMIT]


def _file_problem(venv: Path, path: str, expected: dict[str, str]) -> list[str]:
    rel = _rel(venv, path)
    if os.path.islink(path):
        allowed = _venv_made(venv, path) or rel == "lib64"
        return [] if allowed else [f"{rel}: a symlink pip did not install"]
    digest = expected.get(os.path.normpath(path))
    if digest is None:
        return [] if _venv_made(venv, path) else [f"{rel}: not installed by pip"]
    if not digest:  # RECORD itself: it lists itself without a hash
        return [] if path.endswith(".dist-info/RECORD") else [f"{rel}: no hash"]
    try:
        actual = _digest(path)
    except OSError as exc:
        return [f"{rel}: unreadable ({exc.strerror})"]
    return [] if actual == digest else [f"{rel}: differs from its RECORD"]


def _config_problems(venv: Path) -> list[str]:
    try:
        text = (venv / "pyvenv.cfg").read_text(encoding="utf-8")
    except OSError:
        return ["pyvenv.cfg: missing"]
    settings = dict(
        (k.strip().lower(), v.strip())
        for k, _, v in (ln.partition("=") for ln in text.splitlines())
    )
    if settings.get("include-system-site-packages", "false").lower() != "false":
        return ["pyvenv.cfg: includes the system site-packages"]
    return []


def _rel(venv: Path, path: str) -> str:
    return os.path.relpath(path, venv)


def drop_bytecode(venv: Path) -> None:
    """Remove every ``__pycache__`` folder: a job compiles from checked sources."""
    for folder, dirs, _ in os.walk(venv):
        if "__pycache__" in dirs:
            shutil.rmtree(os.path.join(folder, "__pycache__"), ignore_errors=True)
            dirs.remove("__pycache__")
