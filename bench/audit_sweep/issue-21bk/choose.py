"""Shuffle each list's pool with random.Random(2412) and drop excluded repositories."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAIN = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/main")
OTHER = Path("/work/wt/corpus-21l/bench/audit_corpus_21l")
MIRROR = Path("/work/.mirror")


def excluded_text() -> str:
    """Return every file of the earlier corpora and sweeps, lower-cased."""
    roots = list((MAIN / "bench").glob("audit_corpus*")) + [
        MAIN / "bench/audit_sweep",
        OTHER,
    ]
    roots += [
        p / "bench/audit_sweep"
        for p in Path("/work/wt").iterdir()
        if p.name != "sweep-21bk" and (p / "bench/audit_sweep").is_dir()
    ]
    parts = []
    for root in roots:
        for path in root.rglob("*"):
            if (
                path.is_file()
                and HERE not in path.parents
                and HERE.name not in path.name
            ):
                parts.append(path.read_text(errors="replace").lower())
    return "\n".join(parts)


def pools() -> dict[str, list[str]]:
    """Return the four lists of pool.txt, in order."""
    result: dict[str, list[str]] = {}
    name = ""
    for line in (HERE / "pool.txt").read_text().splitlines():
        if line.startswith("# "):
            name = line.split()[1]
            result[name] = []
        elif line.strip():
            result[name].append(line.strip())
    return result


def main() -> None:
    """Print each list's shuffled pool with why a repository is excluded."""
    text = excluded_text()
    mirrored = {p.name.lower() for p in MIRROR.iterdir()}
    rng = random.Random(2412)
    for name, repos in pools().items():
        order = list(repos)
        rng.shuffle(order)
        for pos, repo in enumerate(order):
            why = ""
            if re.search(re.escape(repo.lower()) + r"(?![\w.-])", text):
                why = "excluded: named in an earlier corpus or sweep"
            elif repo.lower().replace("/", "+") in mirrored:
                why = "excluded: already mirrored"
            print(f"{name}\t{pos}\t{repo}\t{why}")


if __name__ == "__main__":
    main()
