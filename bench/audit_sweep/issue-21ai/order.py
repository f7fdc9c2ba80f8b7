#!/usr/bin/env python3
"""Print the walk order of this sweep's four name lists (see ../issue-21ai.md).

Each ``candidates-<list>.txt`` holds the repositories the code index returned
under 3,000 stored file versions; a repository named in any file of
``bench/audit_corpus*/``, ``bench/audit_sweep/`` (other than this folder), in
``/work/wt/corpus-21j/bench/audit_corpus_21j/`` or already in
``/work/.mirror`` is left out; the rest are shuffled with
``random.Random(8203)`` (one generator, lists in the order api, app, tools,
bot).

Run after the walk, the mirror holds the repositories the walk fetched and
``../issue-21ai.md`` names them: ``--as-walked`` leaves both out of the
exclusions, which gives the order the walk followed (``walk-order.txt``).
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parents[1]
LISTS = ("api", "app", "tools", "bot")
SEED = 8203
NAME = re.compile(r"(?<![\w./-])([A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*)")


def excluded(as_walked: bool = False) -> set[str]:
    """Names of the scored corpora, the other sweeps, 21j and the mirror."""
    own = {HERE.parent / "issue-21ai.md"} if as_walked else set()
    folders = [*BENCH.glob("audit_corpus*"), BENCH / "audit_sweep"]
    folders.append(Path("/work/wt/corpus-21j/bench/audit_corpus_21j"))
    found: set[str] = set()
    for folder in folders:
        for path in folder.rglob("*") if folder.is_dir() else []:
            if path.is_file() and HERE not in path.parents and path not in own:
                text = path.read_text(errors="replace")
                found.update(m.lower() for m in NAME.findall(text))
    walked = _walked() if as_walked else set()
    mirror = Path("/work/.mirror")
    for entry in mirror.iterdir():
        name = entry.name.replace("+", "/", 1).lower()
        if name not in walked:
            found.add(name)
    return found


def _walked() -> set[str]:
    """Return the candidates of the walk table in ``../issue-21ai.md``."""
    text = (HERE.parent / "issue-21ai.md").read_text()
    rows = re.findall(r"^\| \w+ \| (\S+) \|", text, flags=re.MULTILINE)
    return {r.lower() for r in rows}


def main() -> None:
    """Print each list's walk order, one name a line."""
    taken = excluded("--as-walked" in sys.argv[1:])
    rng = random.Random(SEED)
    for name in LISTS:
        rows = (HERE / f"candidates-{name}.txt").read_text().split("\n")
        repos = sorted(r.split()[0] for r in rows if r.strip())
        rng.shuffle(repos)
        print(f"# {name}")
        for repo in repos:
            print(repo, "EXCLUDED" if repo.lower() in taken else "")


if __name__ == "__main__":
    main()
