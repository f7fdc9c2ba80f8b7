#!/usr/bin/env python3
"""Time the quality-gate action's cold install under act: pip against uv.

A one-file project runs the action with nothing cached (a fresh HOME and an
empty stand-in cache service each time), once with ``QUALITY_GATES_INSTALLER=
pip`` and once with ``=uv``, alternately, ``--runs`` times each.  The install
step's time is act's own (``Success - Main STEP [time]``); with uv it includes
installing the pinned uv itself.  Offline, from the act tests' wheelhouse: both
installers read the same wheels.  It writes the ``ci-install`` section of
BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "hooks")]
import act_harness  # noqa: E402  (tests/act_harness.py: act with the stand-ins)
from quality_gates.ci.installers import UV  # noqa: E402

from bench import sections  # noqa: E402  (this checkout's bench scripts)
from bench.ci_cache import STEPS, step_times, workflow  # noqa: E402
from bench.sdists import commit_all, git  # noqa: E402
from bench.speed.machine import load_average  # noqa: E402

INSTALL = STEPS[0]
INSTALLERS = ("pip", "uv")


def project(root: Path) -> Path:
    """Make a one-file repository with the workflow."""
    shutil.rmtree(root, ignore_errors=True)
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "gate.yml").write_text(workflow())
    (root / "app.py").write_text('"""App."""\n')
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "one file")
    return root


def cold_install(act: act_harness.Act, root: Path, installer: str) -> float:
    """Run the action with nothing cached; return the install step's seconds."""
    for folder in (act.home, act.work / "cache-service"):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    env = {
        "QG_STANDIN_CACHE": str(act.work / "cache-service"),
        "QUALITY_GATES_INSTALLER": installer,
    }
    result = act.run(root, env=env)
    used = f"with uv {UV} in " if installer == "uv" else "with pip in "
    if result.returncode or used not in result.log:
        raise SystemExit(f"bench: the {installer} run failed:\n{result.log[-2000:]}")
    return step_times(result.log)[INSTALL]


def render(times: dict[str, list[float]], load: str) -> str:
    """Render the section: each installer's median and every run."""
    pip, uv = (statistics.median(times[name]) for name in INSTALLERS)
    out = [
        "## CI: the quality-gate action's cold install, pip and uv (act)",
        "",
        "Written by `python bench/ci_install.py`. A one-file project, the action "
        "with nothing cached (fresh HOME, empty cache service), installing the "
        f"suite offline from one wheelhouse with pip, then with uv {UV} (its own "
        "install included), alternately; act's step times, median of "
        f"{len(times['pip'])} run(s) each. Load average before / after: {load}.",
        "",
        "| installer | install step (median) | runs |",
        "|---|---:|---|",
    ]
    for name in INSTALLERS:
        runs = ", ".join(f"{t:.1f}" for t in times[name])
        median = statistics.median(times[name])
        out.append(f"| {name} | {median:.1f} s | {runs} |")
    out += ["", f"uv / pip: {uv / pip:.2f}."]
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Measure both installers and write the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per installer")
    parser.add_argument("--work", type=Path, default=HERE / "work" / "ci-install")
    parser.add_argument("--output", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    wheelhouse = work / "wheelhouse"
    wheelhouse.mkdir(parents=True)
    act_harness.build_wheelhouse(wheelhouse)
    act = act_harness.Act(
        home=work / "home",
        repo_copy=act_harness.copy_tree(work / "repo-copy"),
        wheelhouse=wheelhouse,
        work=work / "act",
    )
    (work / "act").mkdir()
    root = project(work / "project")
    load = load_average()
    times: dict[str, list[float]] = {name: [] for name in INSTALLERS}
    for _ in range(args.runs):
        for name in INSTALLERS:
            times[name].append(cold_install(act, root, name))
    text = render(times, f"{load} / {load_average()}")
    sections.update(args.output, "ci-install", text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
