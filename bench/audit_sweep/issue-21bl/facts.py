"""Print a mirror's HEAD commit, per-workflow permissions and unpinned `uses:` count.

Used to fill `[permissions]` and `[actions]` of a truth file (checked by eye).
Usage: python facts.py OWNER+NAME
"""

from __future__ import annotations

import re
import subprocess  # nosec B404 - fixed argument lists
import sys

import yaml


def git(repo: str, *args: str) -> str:
    """Run git on the bare mirror of `repo`."""
    gdir = f"/work/.mirror/{repo}/repo"
    return subprocess.run(  # nosec B603 B607
        ["git", f"--git-dir={gdir}", *args], capture_output=True, text=True
    ).stdout


def permission(text: str) -> str:
    """Classify one workflow's permissions by the truth guide's rules."""
    try:
        doc = yaml.load(text, Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError:
        return "invalid"
    on = doc.get("on", {})
    if on == "workflow_call" or (
        isinstance(on, dict) and list(on) == ["workflow_call"]
    ):
        return "reusable"
    if "permissions" in doc:
        return "set"
    jobs = doc.get("jobs", {}) or {}
    if jobs and all(isinstance(j, dict) and "permissions" in j for j in jobs.values()):
        return "set"
    return "missing"


def main() -> None:
    """Print the facts of one repository."""
    repo = sys.argv[1]
    print("commit =", git(repo, "rev-parse", "HEAD").strip())
    files = git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines()
    unpinned = 0
    for path in files:
        wf = re.match(r"\.github/workflows/[^/]+\.ya?ml$", path)
        act = re.match(r"(\.github/.*/)?action\.ya?ml$", path)
        if not (wf or act):
            continue
        text = git(repo, "show", f"HEAD:{path}")
        if wf:
            print(f'"{path}" = "{permission(text)}"')
        for ref in re.findall(r"^\s*(?:-\s*)?uses:\s*['\"]?([^\s'\"#]+)", text, re.M):
            if ref.startswith(("./", "docker://")):
                continue
            if not re.search(r"@[0-9a-f]{40}$", ref):
                unpinned += 1
    print("unpinned =", unpinned)


if __name__ == "__main__":
    main()
