"""``.quality-gates-init.json``: what init wrote, so it never overwrites a hand edit.

The record holds the SHA-256 of every file as init last wrote it, and the
suite's repo URL and rev.  It is committed with the files: on any clone, a file
whose hash differs was changed since (by hand, or by another tool), and init
changes it again only with ``--force``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from quality_gates.errors import GateError

PATH = ".quality-gates-init.json"
FORMAT = "quality-gates-init"
VERSION = 1


def digest(text: str) -> str:
    """Return the hash recorded for a file's text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclasses.dataclass
class Record:
    """The suite's repo and rev, and the hash of each file init wrote."""

    repo: str = ""
    rev: str = ""
    files: dict[str, str] = dataclasses.field(default_factory=dict)

    def render(self) -> str:
        """Return the file's text: sorted, so a second init writes the same bytes."""
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "repo": self.repo,
            "rev": self.rev,
            "files": dict(sorted(self.files.items())),
        }
        return json.dumps(doc, indent=2, sort_keys=True) + "\n"

    def changed_by_hand(self, name: str, text: str | None) -> bool:
        """Tell whether ``name`` was written by init and has changed since."""
        recorded = self.files.get(name)
        return recorded is not None and (text is None or digest(text) != recorded)

    def updated(self, written: Mapping[str, str]) -> Record:
        """Return the record after writing ``written`` (path -> text)."""
        files = {**self.files, **{k: digest(v) for k, v in written.items()}}
        return Record(self.repo, self.rev, files)


def load(root: Path) -> Record:
    """Read the record; absent is empty, anything malformed is a GateError."""
    path = root / PATH
    if not path.exists():
        return Record()
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise GateError(f"{PATH}: unreadable ({exc}); delete it and run init again")
    files = doc.get("files") if isinstance(doc, dict) else None
    if (
        not isinstance(doc, dict)
        or doc.get("format") != FORMAT
        or doc.get("version") != VERSION
        or not isinstance(files, dict)
        or not all(isinstance(v, str) for v in files.values())
    ):
        raise GateError(
            f"{PATH}: not a quality-gates init record of version {VERSION}; "
            "delete it and run init again"
        )
    return Record(str(doc.get("repo", "")), str(doc.get("rev", "")), dict(files))
