"""The base commit of a pull request, fetched when the checkout is shallow.

A shallow clone (actions/checkout's default ``fetch-depth: 1``) has no base
commit, and a diff against a missing base is either an error or, worse, empty
and passing.  This deepens the clone until the merge base is there, and fails
clearly when it cannot.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from quality_gates.errors import GateError
from quality_gates.files import git

DEPTHS = (50, 200, 1000)


def event_base(event_path: str, *, env: Mapping[str, str]) -> str:
    """Return the base SHA of the pull request in the event payload, or ''."""
    if not event_path or not Path(event_path).is_file():
        return ""
    try:
        event: Any = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GateError(f"{event_path}: unreadable event payload ({exc})")
    for key in ("pull_request", "merge_group"):
        part = event.get(key) if isinstance(event, dict) else None
        if isinstance(part, dict):
            base = part.get("base")
            sha = base.get("sha") if isinstance(base, dict) else part.get("base_sha")
            if sha:
                return str(sha)
    before = event.get("before") if isinstance(event, dict) else None
    if env.get("GITHUB_EVENT_NAME") == "push" and before and set(str(before)) != {"0"}:
        return str(before)
    return ""


def refuse_option(value: str, what: str) -> None:
    """Refuse a ref or remote that git would read as an option.

    ``--upload-pack=CMD`` as the base or the remote of ``git fetch`` runs CMD;
    every git call below also ends its options with ``--end-of-options``.
    """
    if value.startswith("-"):
        raise GateError(
            f"{what} {value!r}: starts with '-', which git would read as an "
            "option; give a commit SHA, a branch or a remote name"
        )


def has_commit(root: Path, ref: str) -> bool:
    """Tell whether ``ref`` names a commit present in the clone."""
    try:
        git(root, "cat-file", "-e", "--end-of-options", f"{ref}^{{commit}}")
    except GateError:
        return False
    return True


def is_shallow(root: Path) -> bool:
    """Tell whether the clone is shallow."""
    return git(root, "rev-parse", "--is-shallow-repository").strip() == "true"


def has_merge_base(root: Path, base: str) -> bool:
    """Tell whether ``base`` and HEAD have a merge base in the clone."""
    try:
        git(root, "merge-base", "--end-of-options", base, "HEAD")
    except GateError:
        return False
    return True


def _fetch(
    root: Path, remote: str, options: tuple[str, ...], refs: tuple[str, ...]
) -> str:
    try:
        git(
            root,
            "fetch",
            "--no-tags",
            "--quiet",
            *options,
            "--end-of-options",
            remote,
            *refs,
        )
    except GateError as exc:
        return str(exc)
    return ""


def _ready(root: Path, base: str) -> bool:
    return has_commit(root, base) and has_merge_base(root, base)


Attempt = tuple[tuple[str, ...], tuple[str, ...]]


def _attempts(root: Path, base: str) -> list[Attempt]:
    """List the fetches to try, each its options and refs: the base, then deeper."""
    first: list[Attempt] = [] if has_commit(root, base) else [(("--depth=1",), (base,))]
    deepen: list[Attempt] = [((f"--deepen={depth}",), ()) for depth in DEPTHS]
    return first + deepen + [(("--unshallow",), ())]


def ensure_base(root: Path, base: str, *, remote: str = "origin") -> str:
    """Make ``base`` and its merge base with HEAD present; return the base SHA."""
    if not base:
        raise GateError(
            "no base commit: not a pull_request event and no base-ref given;"
            " set base-ref or use mode: all"
        )
    refuse_option(base, "base")
    refuse_option(remote, "remote")
    last = ""
    for options, refs in _attempts(root, base):
        if _ready(root, base):
            break
        if not refs and not is_shallow(root):
            break
        last = _fetch(root, remote, options, refs) or last
    if not _ready(root, base):
        reason = f" ({last})" if last else ""
        raise GateError(
            f"cannot fetch the base commit {base} from {remote!r}{reason}; give"
            " actions/checkout `fetch-depth: 0` or check the remote"
        )
    return git(
        root, "rev-parse", "--verify", "--end-of-options", f"{base}^{{commit}}"
    ).strip()


def from_environment(explicit: str, *, env: Mapping[str, str] | None = None) -> str:
    """Return an explicit base, else the pull request's base SHA from the event."""
    values = os.environ if env is None else env
    return explicit or event_base(values.get("GITHUB_EVENT_PATH", ""), env=values)
