"""Shuffle each list's pool with random.Random(2413) and drop excluded repositories."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAIN = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/main")
BLIND = Path("/work/wt/corpus-21l")
MIRROR = Path("/work/.mirror")


def texts(root: Path) -> list[str]:
    """Return the lower-cased text of every file under `root` (no venv, no git)."""
    parts = []
    for path in root.rglob("*"):
        skip = {".venv", ".git", "node_modules"} & set(path.parts)
        if path.is_file() and not skip and HERE not in path.parents:
            parts.append(path.read_text(errors="replace").lower())
    return parts


def excluded_text() -> tuple[str, str]:
    """Return the earlier corpora and sweeps, and the blind corpus (names only)."""
    roots = list((MAIN / "bench").glob("audit_corpus*")) + [MAIN / "bench/audit_sweep"]
    roots += [
        p / "bench/audit_sweep"
        for p in Path("/work/wt").glob("sweep-21b*")
        if p.name != "sweep-21bl"
    ]
    earlier = "\n".join(t for root in roots for t in texts(root))
    blind = "\n".join(texts(BLIND / "bench")) if BLIND.exists() else ""
    for log in Path("/work/wt").glob("corpus-21l*"):
        if log.is_file():
            blind += "\n" + log.read_text(errors="replace").lower()
    for log in BLIND.glob("*"):
        if log.is_file():
            blind += "\n" + log.read_text(errors="replace").lower()
    return earlier, blind


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
    earlier, blind = excluded_text()
    mirrored = {p.name.lower() for p in MIRROR.iterdir()}
    rng = random.Random(2413)
    for name, repos in pools().items():
        order = list(repos)
        rng.shuffle(order)
        for pos, repo in enumerate(order):
            pattern = re.escape(repo.lower()) + r"(?![\w.-])"
            why = ""
            if re.search(pattern, earlier):
                why = "excluded: named in an earlier corpus or sweep"
            elif re.search(pattern, blind):
                why = "excluded: named by the blind corpus being built"
            elif repo.lower().replace("/", "+") in mirrored:
                why = "excluded: already mirrored"
            print(f"{name}\t{pos}\t{repo}\t{why}")


if __name__ == "__main__":
    main()
