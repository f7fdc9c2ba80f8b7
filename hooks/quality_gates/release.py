"""Release tags: ``vX.Y.Z`` for the version in pyproject.toml, with its changelog.

``.github/workflows/release.yml`` runs ``python -m quality_gates.release
--push`` on every push to main (standard library only, from the checkout):

- the version's tag exists: nothing to do (on this commit, or the version was
  not bumped since);
- it does not: CHANGELOG.md must have a ``## vX.Y.Z`` section and the README's
  ``rev:`` must name the tag, else exit 2 naming what is missing; then an
  annotated tag ``vX.Y.Z`` on HEAD, pushed to ``origin`` with the workflow's
  token passed in git's environment (never on a command line).

So ``pre-commit autoupdate`` moves a project's pin from release to release,
and ``quality-gates init`` pins the installed version's tag.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import subprocess  # nosec B404 - git with argument lists, never a shell
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

TAG = re.compile(r"^\d+\.\d+\.\d+$")


class ReleaseError(Exception):
    """What stops a release, in one line."""


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(  # nosec B603 B607
        ["git", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if proc.returncode != 0:
        message = " | ".join(ln for ln in proc.stderr.splitlines() if ln.strip())
        raise ReleaseError(f"git {args[0]}: {message or 'failed'}")
    return proc.stdout


def version(root: Path) -> str:
    """Return ``[project] version`` of pyproject.toml, which must be X.Y.Z."""
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ReleaseError(f"pyproject.toml: {exc}")
    found = str(data.get("project", {}).get("version", ""))
    if not TAG.match(found):
        raise ReleaseError(f"pyproject.toml: version {found!r} is not X.Y.Z")
    return found


def check_files(root: Path, tag: str) -> None:
    """Refuse a release whose changelog or README does not name ``tag``."""
    try:
        changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
        readme = (root / "README.md").read_text(encoding="utf-8")
    except OSError as exc:
        raise ReleaseError(f"{exc.filename}: {exc.strerror}")
    if not re.search(rf"^## {re.escape(tag)}\b", changelog, re.M):
        raise ReleaseError(f"CHANGELOG.md has no `## {tag}` section: write it first")
    revs = set(re.findall(r"^\s*rev:\s*(\S+)", readme, re.M))
    if revs != {tag}:
        raise ReleaseError(
            f"README.md pins rev {', '.join(sorted(revs)) or 'nothing'}, not {tag}"
        )


def existing(root: Path, tag: str) -> str | None:
    """Return the commit ``tag`` names, None when there is no such tag."""
    out = _git(root, "tag", "--list", tag).strip()
    return _git(root, "rev-list", "-n", "1", tag).strip() if out else None


def token_environment() -> dict[str, str]:
    """Return git's environment that sends the workflow's token to GitHub, if any."""
    token = os.environ.get("GITHUB_TOKEN", "")
    if not token:
        return {}
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraheader",
        "GIT_CONFIG_VALUE_0": f"AUTHORIZATION: basic {basic}",
    }


def release(root: Path, *, push: bool) -> str:
    """Tag the version if it has no tag yet; return what was done, in one line."""
    tag = f"v{version(root)}"
    head = _git(root, "rev-parse", "HEAD").strip()
    tagged = existing(root, tag)
    if tagged == head:
        return f"{tag} is this commit already: nothing to do"
    if tagged is not None:
        return f"{tag} is released (at {tagged[:12]}): bump the version to release"
    check_files(root, tag)
    _git(
        root,
        "-c",
        "user.name=quality-gates release",
        "-c",
        "user.email=release@quality-gates.invalid",
        "tag",
        "-a",
        tag,
        "-m",
        f"quality-gates {tag}",
        head,
    )
    if push:
        _git(root, "push", "origin", f"refs/tags/{tag}", env=token_environment())
    return f"tagged {head[:12]} as {tag}" + (" and pushed it" if push else "")


def main(argv: Sequence[str] | None = None) -> int:
    """Tag (and with --push, push) the version's release; exit 2 on a problem."""
    parser = argparse.ArgumentParser(prog="python -m quality_gates.release")
    parser.add_argument("--root", default=".", help="the suite's checkout")
    parser.add_argument("--push", action="store_true", help="push the new tag")
    args = parser.parse_args(argv)
    try:
        print(f"release: {release(Path(args.root), push=args.push)}")
    except ReleaseError as exc:
        print(f"release: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
