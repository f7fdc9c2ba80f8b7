"""Which repository and rev the new ``repos:`` entry and the workflow pin.

The rev defaults to the installed version's tag (``v0.1.0``) and is resolved
with ``git ls-remote`` to the commit it names, written as pre-commit's
``autoupdate --freeze`` writes it (``rev: <sha>  # frozen: v0.1.0``), so the
hooks and the actions (``@<sha> # v0.1.0``) are pinned to one commit that a
moved tag cannot change.  pre-commit clones that repository anyway, so init
asks it first: a rev it does not have is an error now, not at the first commit.
"""

from __future__ import annotations

import os
import re
import subprocess  # nosec B404 - git with an argument list, never a shell

from quality_gates import __version__
from quality_gates.errors import GateError

HOME = "https://github.com/OWNER/quality-gates"
_SHA = re.compile(r"^[0-9a-f]{40}$")


def default_rev() -> str:
    """Return the tag of the installed version."""
    return f"v{__version__}"


def slug(url: str) -> str:
    """``OWNER/NAME`` of a GitHub URL; the suite's home for any other repository."""
    match = re.match(
        r"^(?:https?://|git@|ssh://git@)github\.com[/:]([^/]+)/([^/]+?)(?:\.git)?/?$",
        url.strip(),
    )
    if match:
        return f"{match.group(1)}/{match.group(2)}"
    return slug(HOME) if url != HOME else "OWNER/quality-gates"


def _ls_remote(repo: str, rev: str) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true"}
    try:
        proc = subprocess.run(  # nosec B603 B607
            ["git", "ls-remote", "--", repo, rev, f"{rev}^{{}}"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
    except FileNotFoundError:
        raise GateError("git: not found on PATH; init needs git")
    except subprocess.TimeoutExpired:
        raise GateError(f"git ls-remote {repo}: no answer in 120 s; pass --repo")
    if proc.returncode != 0:
        detail = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        raise GateError(
            f"cannot read {repo} ({detail}); pre-commit must clone it: pass --repo "
            "with a URL or path it can reach"
        )
    return proc.stdout


def resolve(repo: str, rev: str) -> tuple[str, str]:
    """Return the commit to pin and the comment that names ``rev`` ("" for a SHA)."""
    if _SHA.match(rev):
        return rev, ""
    refs: dict[str, str] = {}
    for line in _ls_remote(repo, rev).splitlines():
        sha, _, ref = line.partition("\t")
        refs[ref] = sha
    for ref in (f"refs/tags/{rev}^{{}}", f"refs/tags/{rev}", f"refs/heads/{rev}", rev):
        if ref in refs:
            return refs[ref], f"frozen: {rev}"
    raise GateError(
        f"--rev {rev}: no such tag or branch in {repo}; pass --rev with one it has "
        "(a tag, a branch or a commit SHA)"
    )
