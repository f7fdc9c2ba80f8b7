"""Shuffle each list's pool with random.Random(2411) and drop excluded repositories."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAIN = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/main")
BLIND = Path("/work/wt/corpus-21l")
MIRROR = Path("/work/.mirror")


def blind_files() -> list[Path]:
    """Return the blind corpus's files and fetch logs (searched, never printed)."""
    files = list((BLIND / "bench/audit_corpus_21l").rglob("*"))
    files += [p for p in BLIND.glob("**/*fetch*log*") if ".venv" not in p.parts]
    return [p for p in files if p.is_file()]


def excluded_text() -> str:
    """Return every file of the earlier corpora and sweeps, lower-cased."""
    roots = list((MAIN / "bench").glob("audit_corpus*")) + [MAIN / "bench/audit_sweep"]
    roots += [
        p / "bench/audit_sweep"
        for p in Path("/work/wt").glob("sweep-21b*")
        if p.name != "sweep-21bj"
    ]
    files = [p for root in roots for p in root.rglob("*") if p.is_file()]
    files += blind_files()
    return "\n".join(
        p.read_text(errors="replace").lower() for p in files if HERE not in p.parents
    )


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
    rng = random.Random(2411)
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
