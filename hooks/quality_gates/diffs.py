"""Lines changed since the merge base with a ref: for changed-code gates.

``changed_lines(root, base_ref)`` maps each file (relative to ``root``, posix)
to the line numbers, in its current working-tree content, that were added or
modified since ``git merge-base base_ref HEAD``, uncommitted edits and
untracked files included.  A ref that is not in the local history (a shallow
or single-branch clone) is a GateError that says how to fetch it, never an
empty diff that would pass.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from quality_gates.errors import GateError
from quality_gates.files import git

_RELATIVE = re.compile(r"[~^@]|^[0-9a-f]{7,40}$")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13}
# where the tools start a new line: after \r\n, a lone \r, or \n (git: \n only)
_TOOL_LINE_END = re.compile(rb"\r\n|\r|\n")


def _fetch_hint(root: Path, ref: str) -> str:
    """Say which ``git fetch`` brings ``ref`` and its history into this clone."""
    unshallow = " --unshallow" if _is_shallow(root) else ""
    remote, _, branch = ref.partition("/")
    if branch and remote in _remotes(root):
        target = f" {remote} +refs/heads/{branch}:refs/remotes/{remote}/{branch}"
    elif _RELATIVE.search(ref):
        target = " origin"  # a commit or HEAD~N: the history is what is missing
    else:
        target = f" origin {ref}:{ref}"
    return (
        f"run `git fetch --no-tags{unshallow}{target}` first "
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
        return git(root, "merge-base", "--end-of-options", base_ref, "HEAD").strip()
    except GateError:
        raise GateError(
            f"--diff-base {base_ref}: no common history with HEAD in this clone; "
            f"{_fetch_hint(root, base_ref)}"
        )


def unquote_path(text: str) -> str:
    r"""Undo git's C-style quoting of unusual names (``"a\\tb"``, octal bytes)."""
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return text
    body = text[1:-1].encode("utf-8", "surrogateescape")
    raw = bytearray()
    i = 0
    while i < len(body):
        if body[i] == 0x5C and i + 1 < len(body):  # backslash
            nxt = chr(body[i + 1])
            if nxt in "01234567":
                raw.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            raw.append(_ESCAPES.get(nxt, ord(nxt)))
            i += 2
            continue
        raw.append(body[i])
        i += 1
    return raw.decode("utf-8", "surrogateescape")


def parse(diff: str) -> dict[str, set[int]]:
    """Return the new-side line numbers of every hunk of ``git diff -U0``."""
    changed: dict[str, set[int]] = {}
    path: str | None = None
    in_header = True  # inside a hunk, an added line "++ x" reads "+++ x"
    for text in diff.split("\n"):  # git's lines: a form feed is not a break
        if text.startswith("diff --git "):
            in_header, path = True, None
            continue
        if in_header and text.startswith("+++ "):
            name = unquote_path(text[4:].rstrip("\t"))
            path = None if name == "/dev/null" else name.removeprefix("b/")
            continue
        m = _HUNK.match(text)
        if m is None:
            continue
        in_header = False
        if path is None:
            continue
        start, count = int(m.group(1)), int(m.group(2) or "1")
        changed.setdefault(path, set()).update(range(start, start + count))
    return {name: lines for name, lines in changed.items() if lines}


def tool_lines(data: bytes, git_lines: set[int]) -> set[int]:
    r"""Map git's line numbers (ends at \n) to the tools' (\n, \r\n, lone \r).

    A file with lone carriage returns is one git line per \n but several lines
    for Python and every tool: a changed git line changes all of them.
    """
    starts = [m.end() for m in _TOOL_LINE_END.finditer(data)]
    if len(starts) == data.count(b"\n"):  # no lone \r: the same numbering
        return git_lines
    result: set[int] = set()
    offset = 0
    for number, chunk in enumerate(data.split(b"\n"), start=1):
        if number in git_lines:
            first = bisect.bisect_right(starts, offset) + 1
            last = bisect.bisect_right(starts, offset + max(len(chunk) - 1, 0)) + 1
            result.update(range(first, last + 1))
        offset += len(chunk) + 1
    return result


def _read(root: Path, name: str) -> bytes | None:
    try:
        return (root / name).read_bytes()
    except OSError:
        return None


def _untracked(root: Path) -> dict[str, set[int]]:
    out = git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", ".")
    result: dict[str, set[int]] = {}
    for name in filter(None, out.split("\0")):
        data = _read(root, name)
        ends = len(_TOOL_LINE_END.findall(data)) if data is not None else 0
        count = ends + (1 if data and not data.endswith((b"\n", b"\r")) else 0)
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
        "--text",  # a .py file with NUL bytes still has changed lines (python E902)
        "--relative",
        "--src-prefix=a/",  # whatever diff.noprefix or diff.mnemonicPrefix say
        "--dst-prefix=b/",
        "--end-of-options",
        base,
        "--",
    )
    changed: dict[str, set[int]] = {}
    for name, lines in parse(diff).items():
        data = _read(root, name)
        changed[name] = lines if data is None else tool_lines(data, lines)
    for name, lines in _untracked(root).items():
        changed.setdefault(name, set()).update(lines)
    return changed
