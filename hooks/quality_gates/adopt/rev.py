"""Which repository and rev the new ``repos:`` entry and the workflow pin.

Known in one place, in this order: ``--repo``/``--rev``; what
``.quality-gates-init.json`` recorded (a second init pins what the first
did); where the installed suite came from (pip's ``direct_url.json``: a git
URL and the commit it installed, or a local checkout and its HEAD); else the
published home in the package's metadata (``[project.urls] Repository`` of
pyproject.toml) at the installed version's tag ``vX.Y.Z``, which the release
workflow makes.  A placeholder home (``OWNER``) is never pinned silently.

The rev is resolved with ``git ls-remote`` to the commit it names, written as
pre-commit's ``autoupdate --freeze`` writes it (``rev: <sha>  # frozen:
v0.1.0``), so the hooks and the actions (``@<sha> # v0.1.0``) are pinned to one
commit that a moved tag cannot change.  pre-commit clones that repository
anyway, so init asks it first: a rev it does not have is an error now, not at
the first commit.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess  # nosec B404 - git with an argument list, never a shell
from pathlib import Path
from urllib.parse import unquote, urlparse

from quality_gates import __version__
from quality_gates.errors import GateError

DISTRIBUTION = "quality-gates"
PLACEHOLDER = "OWNER"
_SHA = re.compile(r"^[0-9a-f]{40}$")
_TAG = re.compile(r"^v\d+\.\d+\.\d+$")


@dataclasses.dataclass(frozen=True)
class Source:
    """The suite's repository and rev to pin, and where they were learnt."""

    repo: str
    rev: str
    learnt: str


def home() -> str:
    """Return the published home: ``[project.urls] Repository`` of the package."""
    import importlib.metadata

    try:
        urls = importlib.metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() in ("repository", "source", "homepage"):
            return str(url).strip()
    return f"https://github.com/{PLACEHOLDER}/quality-gates"


def installed_origin() -> Source | None:
    """Return where pip installed the suite from, if it says (direct_url.json)."""
    import importlib.metadata

    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    return origin_of(dist.read_text("direct_url.json"))


def origin_of(direct_url: str | None) -> Source | None:
    """Read pip's ``direct_url.json``: a git URL and its rev, or a local checkout."""
    try:
        data = json.loads(direct_url or "null")
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        # a release tag as asked for; else the very commit pip installed
        asked = str(vcs.get("requested_revision") or "")
        rev = asked if _TAG.match(asked) else str(vcs.get("commit_id") or asked)
        return Source(data["url"].removeprefix("git+"), rev, "installed from")
    if urlparse(data["url"]).scheme != "file":
        return None
    return _checkout(Path(unquote(urlparse(data["url"]).path)))


def _checkout(folder: Path) -> Source | None:
    """Return a local checkout of the suite: its top folder, and its tag or commit."""
    try:
        top = _git(folder, "rev-parse", "--show-toplevel").strip()
        rev = _git(folder, "describe", "--tags", "--exact-match", "HEAD", check=False)
        rev = rev.strip() or _git(folder, "rev-parse", "HEAD").strip()
    except GateError:
        return None
    return Source(top, rev, "installed from the local checkout")


def _git(folder: Path, *args: str, check: bool = True) -> str:
    try:
        proc = subprocess.run(  # nosec B603 B607
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise GateError(f"git: {exc}")
    if proc.returncode != 0:
        if check:
            raise GateError(proc.stderr.strip() or "git failed")
        return ""
    return proc.stdout


def choose(repo: str | None, rev: str | None, recorded: tuple[str, str]) -> Source:
    """Return the repository and rev to pin: asked, recorded, installed, published."""
    if repo is None and recorded[0]:
        same = Source(recorded[0], rev or recorded[1] or default_rev(), "recorded")
        return _known(same)
    origin = installed_origin() if repo is None else None
    if origin is not None:
        return _known(Source(origin.repo, rev or origin.rev, origin.learnt))
    learnt = "--repo" if repo is not None else "the published home"
    return _known(Source(repo or home(), rev or default_rev(), learnt))


def _known(source: Source) -> Source:
    if f"/{PLACEHOLDER}/" in source.repo:
        raise GateError(
            f"the suite's repository is not known: {source.repo} ({source.learnt}) is "
            "a placeholder, and quality-gates was not installed from a git URL or a "
            "checkout; pass --repo with your fork, a mirror or a local checkout "
            "(and --rev with one of its tags, branches or commits)"
        )
    return source


def default_rev() -> str:
    """Return the tag of the installed version."""
    return f"v{__version__}"


def github_slug(url: str) -> str | None:
    """``OWNER/NAME`` of a GitHub URL, else None."""
    match = re.match(
        r"^(?:https?://|git@|ssh://git@)github\.com[/:]([^/]+)/([^/]+?)(?:\.git)?/?$",
        url.strip(),
    )
    return f"{match.group(1)}/{match.group(2)}" if match else None


def action_slug(url: str) -> tuple[str, str | None]:
    """Return the ``OWNER/NAME`` the workflow's ``uses:`` names, and a note if any.

    GitHub Actions fetch actions from GitHub only: a suite pinned from a
    mirror or a local checkout has its actions named by the published home,
    and init says so (and says when that home is a placeholder to replace).
    """
    own = github_slug(url)
    if own is not None:
        return own, None
    published = github_slug(home()) or f"{PLACEHOLDER}/quality-gates"
    note = (
        f"the workflow's `uses:` names {published}/actions/...: GitHub Actions fetch "
        f"actions from GitHub only, and {url} is not on GitHub"
        + (
            f"; {PLACEHOLDER} is a placeholder: write your fork's owner there"
            if published.startswith(f"{PLACEHOLDER}/")
            else ""
        )
    )
    return published, note


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
