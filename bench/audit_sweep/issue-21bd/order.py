"""Walk order of the issue-21bd sweep: filter the name lists, shuffle with seed 2403.

Reads candidates-*.txt (find_repos answers: "owner/name file_versions"), keeps
repositories under 3,000 file versions that no other corpus or sweep of
bench/ names and that /work/.mirror does not hold, and prints each list's
walk order.
"""

import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent.parent
LISTS = ("gateway", "proxy", "worker", "importer")


def named_elsewhere(repo: str) -> bool:
    """Tell whether a file of bench/audit_corpus*/ or bench/audit_sweep/ names it."""
    folders = [p for p in BENCH.glob("audit_corpus*") if p.is_dir()]
    folders.append(BENCH / "audit_sweep")
    args = ["grep", "-rqiF", "--exclude-dir", HERE.name, repo]
    return subprocess.run(args + [str(f) for f in folders]).returncode == 0


def mirrored(repo: str) -> bool:
    return Path("/work/.mirror", repo.replace("/", "+")).exists()


def main() -> None:
    for name in LISTS:
        rows = (HERE / f"candidates-{name}.txt").read_text().splitlines()
        kept: list[str] = []
        for row in rows:
            if not row or row.startswith("#"):
                continue
            repo, count = row.split()
            if int(count) >= 3000:
                continue
            if repo in kept:
                continue
            if named_elsewhere(repo) or mirrored(repo):
                print(f"# {name}: dropped {repo} (named elsewhere or mirrored)")
                continue
            kept.append(repo)
        random.Random(2403).shuffle(kept)
        for repo in kept:
            print(f"{name} {repo}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
