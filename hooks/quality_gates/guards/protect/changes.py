"""What changed, as git sees it: staged changes, or every commit since a merge base.

Paths come from ``git diff --name-status -z -M`` so that deletions and both
sides of a rename are seen: pre-commit's file list has neither.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from quality_gates.files import git

_WORDS = {"A": "added", "M": "modified", "D": "deleted", "T": "type-changed"}


@dataclasses.dataclass(frozen=True)
class Change:
    """One changed path; renames and copies also carry the old path."""

    status: str
    path: str
    old_path: str | None = None

    def sides(self) -> list[tuple[str, str]]:
        """Return ``(path, how)`` for each path the change touches."""
        if self.status == "R" and self.old_path is not None:
            return [
                (self.old_path, f"renamed away (to {self.path})"),
                (self.path, f"renamed here (from {self.old_path})"),
            ]
        if self.status == "C" and self.old_path is not None:
            return [(self.path, f"copied here (from {self.old_path})")]
        return [(self.path, _WORDS.get(self.status, "changed"))]


@dataclasses.dataclass(frozen=True)
class Commit:
    """A commit since the base: its id, subject, full message and changes."""

    sha: str
    subject: str
    message: str
    changes: tuple[Change, ...]


def parse_name_status(out: str) -> list[Change]:
    """Parse ``--name-status -z`` output (a rename is status, old, new)."""
    fields = out.split("\0")
    changes: list[Change] = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index][0]
        if status in "RC":
            old, new = fields[index + 1], fields[index + 2]
            changes.append(Change(status, new, old))
            index += 3
        else:
            changes.append(Change(status, fields[index + 1]))
            index += 2
    return changes


_DIFF = ("--name-status", "-z", "-M", "--relative", "--no-ext-diff")


def staged(root: Path) -> list[Change]:
    """Return the changes in the index (what the commit being made contains)."""
    return parse_name_status(git(root, "diff", "--cached", *_DIFF))


def commit_changes(root: Path, sha: str) -> list[Change]:
    """Return the changes one commit made against its first parent."""
    out = git(
        root,
        "diff-tree",
        "-r",
        "--no-commit-id",
        "--root",
        *_DIFF,
        "--end-of-options",
        sha,
    )
    return parse_name_status(out)


def commits_since(root: Path, base: str) -> list[Commit]:
    """Every non-merge commit in ``base..HEAD``, oldest first."""
    shas = git(
        root,
        "rev-list",
        "--no-merges",
        "--reverse",
        "--end-of-options",
        f"{base}..HEAD",
    ).split()
    commits = []
    for sha in shas:
        message = git(root, "log", "-1", "--format=%B", "--end-of-options", sha)
        subject = message.strip().splitlines()[0] if message.strip() else ""
        commits.append(Commit(sha, subject, message, tuple(commit_changes(root, sha))))
    return commits


def tracked(root: Path) -> list[str]:
    """Every path in the index, relative to ``root``."""
    out = git(root, "ls-files", "-z", "--cached")
    return sorted(name for name in out.split("\0") if name)
