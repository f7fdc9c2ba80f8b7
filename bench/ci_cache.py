#!/usr/bin/env python3
"""Measure the quality-gate action cold and warm, under act, on pytest's sdist.

The action runs twice, with GitHub's cache service mocked by the act stand-in for
actions/cache (tests/standins/cache: a folder on disk): first with an empty
cache, then after a commit that edits one file, as the next push would.  The
step times are act's own (``Success - Main STEP [time]``).  It writes the
``ci-cache`` section of BENCHMARKS.md.  The suite is installed from a local
wheelhouse, offline, as in the act tests.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]
import act_harness  # noqa: E402  (tests/act_harness.py: act with the stand-ins)

from bench import sections  # noqa: E402  (this checkout's bench scripts)
from bench.sdists import commit_all, download, git, unpack  # noqa: E402
from bench.speed.trees import MEDIUM  # noqa: E402  (the medium tree: pytest)

STEPS = (
    "Install quality-gates from this action's checkout (unless restored)",
    "Restore the suite's environment",
    "Save the suite's environment",
    "Restore the result cache (the newest of this branch, else of its base)",
    "Quality gate",
    "Save the result cache (also when the gate failed)",
)
ACTION = "qg-test/quality-gates/actions/quality-gate@v1"
_STEP = re.compile(r"(?:Success|Failure) - Main (.+?) \[([0-9.]+)(ms|µs|s|m[0-9.]+s)\]")


def seconds(number: str, unit: str) -> float:
    """Convert act's Go duration (``512ms``, ``13.4s``, ``2m58.3s``) to seconds."""
    if unit == "ms":
        return float(number) / 1000
    if unit == "µs":
        return float(number) / 1e6
    if unit.startswith("m") and unit != "ms":
        return float(number) * 60 + float(unit[1:-1])
    return float(number)


def step_times(log: str) -> dict[str, float]:
    """Return each step's duration (seconds) from an act log."""
    return {m.group(1): seconds(m.group(2), m.group(3)) for m in _STEP.finditer(log)}


def workflow() -> str:
    """Return the consumer workflow: the action on the whole tree."""
    uses = act_harness.uses("quality-gate")
    job = {"steps": [{"uses": "actions/checkout@v4"}, {"id": "subject", "uses": uses}]}
    job["steps"][1]["with"] = {"mode": "all"}
    return act_harness.workflow({"gate": job})


def prepare(work: Path) -> Path:
    """Unpack pytest's pinned sdist into a git repository with the workflow."""
    archive = download(MEDIUM, work / "sdists")
    root = work / "trees" / f"{MEDIUM.name}-{MEDIUM.version}"
    unpack(archive, root, f"{MEDIUM.requirement} sdist")
    (root / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (root / ".github" / "workflows" / "gate.yml").write_text(workflow())
    commit_all(root, "workflow")
    return root


def edit_one_file(root: Path) -> str:
    """Edit one Python file and commit, as the next push would."""
    target = sorted((root / "src" / "_pytest").glob("*.py"))[-1]
    target.write_text(target.read_text() + "\n# edited\n")
    git(root, "commit", "-qam", "edit one file")
    return target.relative_to(root).as_posix()


def render(cold: dict[str, float], warm: dict[str, float], edited: str) -> str:
    """Render the section: each step's seconds, cold and warm."""
    out = [
        "## CI: the quality-gate action, cold and warm (act)",
        "",
        f"Written by `python bench/ci_cache.py`. `pytest=={MEDIUM.version}`"
        " (the medium tree), the action with `mode: all`, run twice under act; "
        "GitHub's cache service is mocked by the actions/cache stand-in (a "
        f"folder). Between the runs one file changes (`{edited}`). Step times in "
        "seconds, as act reports them; the machine is shared, so compare the columns.",
        "",
        "| step | cold | warm |",
        "|---|---:|---:|",
    ]
    for step in STEPS:
        c, w = cold.get(step), warm.get(step)
        cell = [f"{v:.1f}" if v is not None else "skipped" for v in (c, w)]
        out.append(f"| {step} | {cell[0]} | {cell[1]} |")
    whole = [t.get(ACTION, float("nan")) for t in (cold, warm)]
    out.append(f"| **the whole action** | {whole[0]:.1f} | {whole[1]:.1f} |")
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the action cold then warm and write the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=HERE / "work" / "ci-cache")
    parser.add_argument("--output", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    for name in ("act", "cache-service", "home", "wheelhouse", "repo-copy"):
        shutil.rmtree(work / name, ignore_errors=True)
    root = prepare(work)
    wheelhouse = work / "wheelhouse"
    act_harness.build_wheelhouse(wheelhouse)
    (work / "act").mkdir(parents=True)
    (work / "home").mkdir()
    act = act_harness.Act(
        home=work / "home",
        repo_copy=act_harness.copy_tree(work / "repo-copy"),
        wheelhouse=wheelhouse,
        work=work / "act",
    )
    env = {"QG_STANDIN_CACHE": str(work / "cache-service")}
    act_harness.ACT_TIMEOUT = 3600  # a cold run of the whole tree on a busy machine
    runs = []
    edited = ""
    for _ in range(2):
        shutil.rmtree(act.home)  # a fresh machine: only the cache service remembers
        act.home.mkdir()
        result = act.run(root, env=env)
        runs.append(step_times(result.log))
        print(f"run {len(runs)}: exit {result.returncode}", file=sys.stderr)
        edited = edited or edit_one_file(root)
    text = render(runs[0], runs[1], edited)
    sections.update(args.output, "ci-cache", text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
