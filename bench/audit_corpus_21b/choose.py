#!/usr/bin/env python3
"""Choose the repositories of ``bench/audit_corpus_21b`` by its written rule.

The rule (README.md): four name lists (``candidates-*.txt``: the three of
``bench/audit_corpus_21`` continued after the repositories that corpus used,
and ``candidates-pytest.txt``), each filtered to fewer than 3,000 stored file
versions and shuffled with ``random.Random(21)``.  Walking each list in that
order, a repository qualifies when its snapshot has a workflow with a ``run:``
step and a Python project file; it joins the *pattern* stratum when one of its
CI files contains a neutralising pattern (``PATTERNS``), the *clean* stratum
otherwise.  Each list gives its first ``PATTERN_QUOTA`` pattern repositories
and its first ``CLEAN_QUOTA`` clean ones, among its first ``EXAMINED_CAP``
candidates at most.  Only the presence of a pattern is
looked at here, never what it is on: the truth is written by hand.

``python choose.py order`` prints each list's order (what to fetch next);
``python choose.py classify`` reads the mirrors present and prints the
verdicts and the chosen set.
"""

from __future__ import annotations

import glob
import random
import re
import subprocess  # nosec B404 - fixed argument lists
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIRRORS = Path("/work/.mirror")
LISTS = {
    "fastapi": HERE.parent / "audit_corpus_21" / "candidates-fastapi.txt",
    "django": HERE.parent / "audit_corpus_21" / "candidates-django.txt",
    "flask": HERE.parent / "audit_corpus_21" / "candidates-flask.txt",
    "pytest": HERE / "candidates-pytest.txt",
    "sphinx": HERE / "candidates-sphinx.txt",
    # Batch B (README.md): added after batch A's truth held 16 gates.
    "devsecops": HERE / "candidates-devsecops.txt",
}
PATTERN_QUOTA = 7
CLEAN_QUOTA = 1
EXAMINED_CAP = 40  # candidates looked at per list, at most
# Added after the first pass gave 27 repositories (README.md): the one list
# that filled its quota is walked on, in the same order, for three more.
QUOTA_OF = {"pytest": 10, "devsecops": 12}
PATTERNS = re.compile(
    r"\|\|\s*(true|:|echo|exit 0)\b|continue-on-error:\s*true|--exit-zero"
    r"|set \+e|ignore_outcome|success_codes"
)
CI_FILES = re.compile(
    r"^(\.github/workflows/[^/]+\.ya?ml|\.github/actions/.+/action\.ya?ml"
    r"|action\.ya?ml|tox\.ini|noxfile\.py|Makefile|\.pre-commit-config\.yaml)$"
)
# Repositories the fetch tool had no snapshot of (skipped, like round 1's four).
NO_SNAPSHOT = frozenset((HERE / "no-snapshot.txt").read_text().split())
PYTHON = re.compile(r"^(pyproject\.toml|setup\.py|setup\.cfg|requirements[^/]*\.txt)$")


def used() -> set[str]:
    """Every repository of the earlier corpora."""
    found = set()
    for pattern in ("audit_corpus/*.toml", "audit_corpus_21/*.toml"):
        for path in glob.glob(str(HERE.parent / pattern)):
            found.add(tomllib.loads(Path(path).read_text())["repo"])
    return found


def order(name: str) -> list[str]:
    """Return the list in its shuffled order, after the last repository used."""
    rows = [line.split() for line in LISTS[name].read_text().splitlines() if line]
    names = [repo for repo, count in rows if int(count) < 3000]
    random.Random(21).shuffle(names)
    taken = used()
    last = max((i for i, repo in enumerate(names) if repo in taken), default=-1)
    if LISTS[name].parent == HERE:
        last = -1  # a new list: only the earlier corpora's repositories are left out
    return [repo for repo in names[last + 1 :] if repo not in taken]


def _git(mirror: Path, *args: str) -> str:
    return subprocess.run(  # nosec B603 B607
        ["git", f"--git-dir={mirror}", *args], capture_output=True, text=True
    ).stdout


def classify(repo: str) -> tuple[str, str]:
    """``(verdict, commit)``: pattern, clean, no-workflow, no-python or no-mirror."""
    mirror = MIRRORS / repo.replace("/", "+") / "repo"
    if (mirror / ".git").is_dir():
        mirror = mirror / ".git"  # a few snapshots come as a work tree
    if repo in NO_SNAPSHOT:
        return "no-snapshot", ""
    if not mirror.is_dir():
        return "no-mirror", ""
    commit = _git(mirror, "rev-parse", "HEAD").strip()
    paths = _git(mirror, "ls-tree", "-r", "--name-only", commit).splitlines()
    ci = [p for p in paths if CI_FILES.match(p)]
    workflows = [p for p in ci if p.startswith(".github/workflows/")]
    texts = {p: _git(mirror, "show", f"{commit}:{p}") for p in ci}
    if not any(re.search(r"^\s*(-\s+)?run:", texts[p], re.M) for p in workflows):
        return "no-workflow", commit
    if not any(PYTHON.match(p.rsplit("/", 1)[-1]) for p in paths):
        return "no-python", commit
    hit = any(PATTERNS.search(text) for text in texts.values())
    return ("pattern" if hit else "clean"), commit


def main(argv: list[str]) -> int:
    """Print the order, or the verdicts and the chosen repositories."""
    for name in LISTS:
        names = order(name)
        if argv[:1] == ["order"]:
            print(name, " ".join(names[:EXAMINED_CAP]))
            continue
        counts = {"pattern": 0, "clean": 0}
        for repo in names[:EXAMINED_CAP]:
            quota = QUOTA_OF.get(name, PATTERN_QUOTA)
            if counts["pattern"] >= quota and counts["clean"] >= CLEAN_QUOTA:
                break
            verdict, commit = classify(repo)
            if verdict == "no-mirror":
                print(f"{name}\t{repo}\tno-mirror (fetch it, or record why not)")
                break
            chosen = verdict in counts and counts[verdict] < (
                quota if verdict == "pattern" else CLEAN_QUOTA
            )
            if chosen:
                counts[verdict] += 1
            print(f"{name}\t{repo}\t{verdict}\t{commit}\t{'chosen' if chosen else '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
