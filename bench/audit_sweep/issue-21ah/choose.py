"""Order this sweep's candidates: exclusions, then random.Random(8202)."""

import os
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parents[1]
LISTS = ("dashboard", "agent", "backend", "assistant")
OTHER = Path("/work/wt/corpus-21j/bench/audit_corpus_21j")


def named_text() -> str:
    """Every file under bench/audit_corpus*/, bench/audit_sweep/ (not this one), 21j."""
    roots = sorted(BENCH.glob("audit_corpus*")) + [BENCH / "audit_sweep", OTHER]
    parts = []
    for root in roots:
        for path in root.rglob("*") if root.is_dir() else []:
            if path.is_file() and HERE not in path.parents:
                parts.append(path.read_text(errors="replace"))
    return "\n".join(parts).lower()


def excluded(repo: str, text: str, mirrored: set[str]) -> str:
    if repo.lower() in text:
        return "named in a corpus or sweep file"
    if repo.replace("/", "+").lower() in mirrored:
        return "already mirrored"
    return ""


def main() -> None:
    text = named_text()
    mirrored = {name.lower() for name in os.listdir("/work/.mirror")}
    seen: set[str] = set()
    for name in LISTS:
        rows = (HERE / f"candidates-{name}.txt").read_text().split("\n")
        repos = [row.split()[0] for row in rows if row.strip()]
        random.Random(8202).shuffle(repos)
        print(f"## -{name}")
        for pos, repo in enumerate(repos):
            why = excluded(repo, text, mirrored) or (
                "in an earlier list" if repo in seen else ""
            )
            seen.add(repo)
            print(pos, repo, why or "candidate")


if __name__ == "__main__":
    main()
