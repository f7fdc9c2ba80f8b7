"""Walk order of the issue-21ap sweep: first 45 written names not excluded, shuffled.

Excluded: a name found anywhere under bench/ of this checkout (other than this
folder) or already mirrored in /work/.mirror (OWNER+NAME).
"""

import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent.parent
MIRROR = Path("/work/.mirror")


def written() -> list[str]:
    lines = (HERE / "written.txt").read_text().splitlines()
    return [ln.split()[0] for ln in lines if ln.strip() and not ln.startswith("#")]


def excluded(name: str) -> str:
    owner, repo = name.split("/")
    if (MIRROR / f"{owner}+{repo}").exists():
        return "already mirrored"
    hit = subprocess.run(
        ["grep", "-rilF", "--exclude-dir=issue-21ap", name, str(BENCH)],
        capture_output=True,
        text=True,
        check=False,
    )
    return "named under bench/" if hit.stdout.strip() else ""


def main() -> None:
    chosen: list[str] = []
    for name in written():
        why = excluded(name)
        if why:
            print(f"# excluded {name}: {why}", file=sys.stderr)
        elif len(chosen) < 45:
            chosen.append(name)
    random.Random(8204).shuffle(chosen)
    print("\n".join(chosen))


if __name__ == "__main__":
    main()
