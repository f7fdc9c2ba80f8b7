"""Lines changed since the merge base with a ref: for changed-code gates.

``changed_lines(root, base_ref)`` maps each file (relative to ``root``, posix)
to the line numbers, in its current working-tree content, that were added or
modified since ``git merge-base base_ref HEAD``, uncommitted edits and
untracked files included.  A ref that is not in the local history (a shallow
or single-branch clone) is a GateError that says how to fetch it, never an
empty diff that would pass.
"""

from __future__ import annotations

import re
from pathlib import Path

from quality_gates.errors import GateError
from quality_gates.files import git

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _fetch_hint(root: Path, ref: str) -> str:
    shallow = _is_shallow(root)
    remote, _, branch = ref.partition("/")
    if branch and remote in _remotes(root):
        target = f"{remote} +refs/heads/{branch}:refs/remotes/{remote}/{branch}"
    else:
        target = f"origin {ref}"
    unshallow = " --unshallow" if shallow else ""
    return (
        f"run `git fetch --no-tags{unshallow} {target}` first "
        "(in GitHub Actions: actions/checkout with fetch-depth: 0)"
    )


def _is_shallow(root: Path) -> bool:
    try:
        return git(root, "rev-parse", "--is-shallow-repository").strip() == "true"
    except GateError:
        return False


def _remotes(root: Path) -> set[str]:
    try:
        return set(git(root, "remote").split())
    except GateError:
        return set()


def merge_base(root: Path, base_ref: str) -> str:
    """Return the merge base of ``base_ref`` and HEAD; refuse refs not in history."""
    if not base_ref or base_ref.startswith("-"):
        raise GateError(f"--diff-base {base_ref!r}: not a git ref")
    try:
        git(
            root,
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            f"{base_ref}^{{commit}}",
        )
    except GateError:
        raise GateError(
            f"--diff-base {base_ref}: not in the local history (a shallow or "
            f"single-branch clone?); {_fetch_hint(root, base_ref)}"
        )
    try:
        return git(root, "merge-base", base_ref, "HEAD").strip()
    except GateError:
        raise GateError(
            f"--diff-base {base_ref}: no common history with HEAD in this clone; "
            f"{_fetch_hint(root, base_ref)}"
        )


def parse(diff: str) -> dict[str, set[int]]:
    """Return the new-side line numbers of every hunk of ``git diff -U0``."""
    changed: dict[str, set[int]] = {}
    path: str | None = None
    for text in diff.splitlines():
        if text.startswith("+++ "):
            name = text[4:].rstrip("\t")
            path = None if name == "/dev/null" else name.removeprefix("b/")
            continue
        m = _HUNK.match(text)
        if m is None or path is None:
            continue
        start, count = int(m.group(1)), int(m.group(2) or "1")
        changed.setdefault(path, set()).update(range(start, start + count))
    return {name: lines for name, lines in changed.items() if lines}


def _untracked(root: Path) -> dict[str, set[int]]:
    out = git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", ".")
    result: dict[str, set[int]] = {}
    for name in filter(None, out.split("\0")):
        try:
            count = len((root / name).read_bytes().splitlines())
        except OSError:
            continue
        if count:
            result[name] = set(range(1, count + 1))
    return result


def changed_lines(root: Path, base_ref: str) -> dict[str, set[int]]:
    """Return the lines added or changed since the merge base, by file."""
    base = merge_base(root, base_ref)
    diff = git(
        root,
        "-c",
        "core.quotePath=false",
        "diff",
        "-U0",
        "-M",
        "--no-color",
        "--no-ext-diff",
        "--relative",
        base,
        "--",
    )
    changed = parse(diff)
    for name, lines in _untracked(root).items():
        changed.setdefault(name, set()).update(lines)
    return changed
