"""Pinned sdists from PyPI as committed git repositories: what every bench script uses.

``download`` fetches a source distribution with pip once (it stays in the
folder given), ``unpack`` makes a fresh git repository of its files, committed,
and ``git`` runs git with a fixed identity and signing off, failing with a
one-line error.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import tarfile
import uuid
from pathlib import Path

ARCHIVES = (".tar.gz", ".tgz", ".tar.bz2")
IDENTITY = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}


@dataclasses.dataclass(frozen=True)
class Sdist:
    """A pinned source distribution from PyPI."""

    name: str
    version: str

    @classmethod
    def parse(cls, pin: str) -> Sdist:
        """Read ``NAME==VERSION``."""
        name, sep, version = pin.partition("==")
        if not sep or not name.strip() or not version.strip():
            raise ValueError(f"not a pin NAME==VERSION: {pin!r}")
        return cls(name.strip(), version.strip())

    @property
    def requirement(self) -> str:
        """Pin for pip."""
        return f"{self.name}=={self.version}"

    def is_archive(self, filename: str) -> bool:
        """Tell whether ``filename`` is this sdist's archive (any name spelling)."""
        stem = next((filename[: -len(s)] for s in ARCHIVES if filename.endswith(s)), "")
        name, _, version = stem.rpartition("-")
        return (
            bool(name)
            and _normal(name) == _normal(self.name)
            and (version == self.version)
        )


def _normal(name: str) -> str:
    """Normalise a distribution name as PEP 503 does."""
    return re.sub(r"[-_.]+", "-", name).lower()


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` with a fixed identity; return its output, or exit."""
    proc = subprocess.run(  # nosec B603 B607
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env={**os.environ, **IDENTITY},
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    if proc.returncode:
        raise SystemExit(f"bench: git {' '.join(args)} in {cwd}: {proc.stderr.strip()}")
    return proc.stdout


def commit_all(root: Path, message: str) -> None:
    """Stage every file of ``root`` and commit it."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)


def find_archive(sdist: Sdist, folder: Path) -> Path | None:
    """Return the archive of ``sdist`` in ``folder``, if it is there."""
    if not folder.is_dir():
        return None
    found = sorted(p for p in folder.iterdir() if sdist.is_archive(p.name))
    return found[0] if found else None


def download(sdist: Sdist, dest: Path) -> Path:
    """Return the sdist archive, downloaded with pip unless already in ``dest``."""
    found = find_archive(sdist, dest)
    if found is not None:
        return found
    dest.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(  # nosec B603
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        + ["--no-binary", ":all:", sdist.requirement, "-d", str(dest)],
        capture_output=True,
        text=True,
        check=False,
    )
    found = find_archive(sdist, dest)
    if proc.returncode or found is None:
        tail = (proc.stderr.strip().splitlines() or ["no archive"])[-1]
        raise SystemExit(f"bench: pip download {sdist.requirement}: {tail}")
    return found


def unpack(archive: Path, root: Path, message: str) -> Path:
    """Make ``root`` a fresh git repository of the archive's files, committed."""
    if root.exists():
        shutil.rmtree(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = root.parent / f".staging-{uuid.uuid4().hex[:6]}"
    try:
        _extract(archive, staging)
        tops = list(staging.iterdir())
        if len(tops) != 1 or not tops[0].is_dir():
            raise SystemExit(f"bench: {archive.name} has no single top folder")
        tops[0].rename(root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, message)
    return root


def _extract(archive: Path, into: Path) -> None:
    """Extract a tar archive (the ``data`` filter: nothing outside ``into``)."""
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(into, filter="data")  # nosec B202 - the data filter
    except (tarfile.TarError, OSError) as exc:
        raise SystemExit(f"bench: cannot unpack {archive.name}: {exc}") from None
