"""Benchmark ``quality-gates run`` against the tools run directly, on real sdists.

Downloads pinned source distributions from PyPI with pip, unpacks each into
``bench/work/`` (git-ignored), commits it to a fresh git repository (``--all-files``
reads git-tracked files), then measures, side by side in one run, the medians of
several runs:

1. cold cache: the gate against black, isort, flake8, mypy and bandit run one
   after the other with equivalent settings (every cache cleared);
2. warm, nothing changed: against the direct run and against ``ruff check``;
3. one file edited, rerun;
4. 1, 10 and 100 changed files, on the medium and the large tree;
5. peak memory of the whole process tree: the gate against the largest tool;
6. the ``quality-gate`` hook under ``pre-commit run`` against ``quality-gates run``;
7. the gate with ``--tools ruff,mypy`` against ``ruff check .``, ``ruff format
   --check .`` and mypy run directly, cold and warm (``--only ruff-mypy`` runs
   this part alone and rewrites only its section).

It writes ``BENCHMARKS.md`` at the repository root, ``bench/results.png`` and
``bench/results.json`` (the rows, which ``--check`` compares with: see
``bench/speed/check.py``).
Timings are wall-clock seconds; CPU seconds (user + system of every child
process) are recorded beside them because a shared machine makes wall time noisy.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import sections
from bench.sdists import Sdist
from bench.speed import check, ruff_mypy
from bench.speed.machine import load_average, machine
from bench.speed.measure import Bench
from bench.speed.plot import plot
from bench.speed.render import (
    detail_table,
    floor_notes,
    gate_breakdown,
    render_markdown,
    render_table,
)
from bench.speed.rows import Row, rows_for
from bench.speed.scenarios import cold, edited, pre_commit, warm
from bench.speed.trees import LARGE, MEDIUM, SMALL, Tree, prepare

HERE = Path(__file__).resolve().parents[1]
REPO = HERE.parent
PARTS = (ruff_mypy.LABEL,)
# the section of BENCHMARKS.md that --calibrate writes
BOUNDS_SECTION = "check-bounds"


def build_parser() -> argparse.ArgumentParser:
    """Return the command line's parser."""
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="Needs the dev venv "
        "(`pip install -e '.[test]' -r bench/requirements.txt`). "
        "The default run takes about 25 minutes on 2 cores; --quick about 3; "
        "--only ruff-mypy about 4.",
    )
    add = parser.add_argument
    add("--runs", type=int, default=3, help="runs per measurement (median; default 3)")
    add(
        "--large-runs",
        type=int,
        default=1,
        help="cold runs on the large tree (default 1)",
    )
    add(
        "--quick",
        action="store_true",
        help=f"smoke run: {SMALL.requirement} only, 1 run",
    )
    add(
        "--only", choices=PARTS, help="run this part alone and rewrite only its section"
    )
    add_check(parser)
    add("--skip-pre-commit", action="store_true", help="skip scenario 6")
    add("--skip-ruff-mypy", action="store_true", help="skip scenario 7")
    add(
        "--skip-large-direct",
        action="store_true",
        help="no direct cold run on the large tree",
    )
    add_paths(parser)
    return parser


def add_check(parser: argparse.ArgumentParser) -> None:
    """Add --check and --calibrate (bench/speed/check.py)."""
    parser.add_argument(
        "--check",
        action="store_true",
        help="measure the medium tree (a few minutes) and fail on a ratio worse than "
        "the committed results by more than its noise bound; writes nothing",
    )
    parser.add_argument(
        "--calibrate",
        type=int,
        metavar="N",
        help="run --check N times and set each row's noise bound in --results",
    )


def add_paths(parser: argparse.ArgumentParser) -> None:
    """Add the options that name folders and files, and the sampling interval."""
    add = parser.add_argument
    add(
        "--work",
        type=Path,
        default=HERE / "work",
        help="downloads and trees (default bench/work)",
    )
    add(
        "--output",
        type=Path,
        default=REPO / "BENCHMARKS.md",
        help="the Markdown report",
    )
    add("--plot", type=Path, default=HERE / "results.png", help="the PNG plot")
    add(
        "--results",
        type=Path,
        default=HERE / "results.json",
        help="the rows a full run writes and --check compares with",
    )
    add(
        "--interval", type=float, default=0.05, help="memory sampling interval, seconds"
    )
    add("-v", "--verbose", action="store_true", help="print every measurement")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.runs < 1 or args.large_runs < 1:
        parser.error("--runs and --large-runs must be at least 1")
    if args.interval <= 0:
        parser.error("--interval must be more than 0")
    if args.only and args.skip_ruff_mypy:
        parser.error("--only ruff-mypy and --skip-ruff-mypy contradict each other")
    if args.calibrate is not None and args.calibrate < 2:
        parser.error("--calibrate needs at least 2 runs")
    if (args.check or args.calibrate) and (args.only or args.quick):
        parser.error(
            "--check and --calibrate measure their own plan: no --only/--quick"
        )
    return args


@dataclasses.dataclass(frozen=True)
class Plan:
    """What one run measures: how often, on which trees, how many edited files."""

    runs: int
    counts: tuple[int, ...]
    trees: tuple[tuple[str, Sdist], ...]

    @classmethod
    def of(cls, args: argparse.Namespace) -> Plan:
        """Return the plan the options ask for (``--quick``: the small tree, once)."""
        if args.quick:
            return cls(1, (1, 10), (("small", SMALL),))
        if args.check or args.calibrate:
            return cls(check.CHECK_RUNS, (1,), (("medium", MEDIUM),))
        return cls(args.runs, (1, 10, 100), (("medium", MEDIUM), ("large", LARGE)))


@dataclasses.dataclass
class Session:
    """One invocation: its options and plan, the bench, what the report says of it."""

    args: argparse.Namespace
    plan: Plan
    bench: Bench
    load_before: str
    command: str


def main(argv: Sequence[str] | None = None) -> int:
    """Run every scenario (or the part ``--only`` names) and write the report."""
    args = parse_args(argv)
    if args.check or args.calibrate:
        return run_check(args, command_line(argv))
    bench = start(args)
    run = Session(args, Plan.of(args), bench, load_average(), command_line(argv))
    if args.only:
        trees = measure_ruff_mypy(run)
    else:
        trees = measure_all(run)
        write_report(run, trees)
    if not args.skip_ruff_mypy:
        write_ruff_mypy(run, trees)
    shutil.rmtree(bench.work / "caches", ignore_errors=True)
    return 0


def start(args: argparse.Namespace) -> Bench:
    """Return a bench with empty caches and logs folders."""
    bench = Bench(args.work.resolve(), interval=args.interval, verbose=args.verbose)
    shutil.rmtree(bench.work / "caches", ignore_errors=True)
    shutil.rmtree(bench.logs, ignore_errors=True)
    bench.logs.mkdir(parents=True)
    return bench


def command_line(argv: Sequence[str] | None) -> str:
    """Return the command that wrote the report, as the report names it."""
    words = list(argv) if argv else sys.argv[1:]
    return " ".join(["python bench/run.py", *words])


def prepare_tree(bench: Bench, key: str, sdist: Sdist) -> Tree:
    """Download, unpack and commit one sdist, saying so."""
    bench.say(f"{key}: {sdist.requirement}: download and unpack")
    return prepare(key, sdist, bench.work)


def measure_ruff_mypy(run: Session) -> dict[str, Tree]:
    """Scenario 7 alone, on every tree of the plan."""
    trees = {key: prepare_tree(run.bench, key, sdist) for key, sdist in run.plan.trees}
    for tree in trees.values():
        ruff_mypy.measure(run.bench, tree, run.plan.runs)
    return trees


def run_check(args: argparse.Namespace, command: str) -> int:
    """Check (exit 0, 1 for a regression) or calibrate; 2 when it cannot judge."""
    load_before = load_average()
    try:
        data = check.load(args.results.resolve())
        rounds = [check_round(args, command, i) for i in range(args.calibrate or 1)]
        if args.calibrate:
            return write_calibration(args, data, rounds, load_before)
    except check.CheckError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    verdicts = check.compare(rounds[0], data)
    print(check.render(verdicts))
    return check.exit_code(verdicts)


def check_round(args: argparse.Namespace, command: str, i: int) -> list[Row]:
    """Measure the check's plan once; a tool error makes the round worthless."""
    bench = start(args)
    run = Session(args, Plan.of(args), bench, load_average(), command)
    if args.calibrate:
        bench.say(f"calibration run {i + 1}/{args.calibrate}")
    rows = rows_for(bench, measure_check(run), run.plan.counts)
    shutil.rmtree(bench.work / "caches", ignore_errors=True)
    if bench.warnings:
        raise check.CheckError(
            "a measured command failed, so its time says nothing: "
            + "; ".join(bench.warnings)
        )
    return rows


def write_calibration(
    args: argparse.Namespace,
    data: dict[str, Any],
    rounds: list[list[Row]],
    load_before: str,
) -> int:
    """Write the bounds the rounds give, and the machine they ran on."""
    data["bounds"] = check.calibrate(rounds, data)
    data["calibration"] = machine(load_before, args.calibrate)
    args.results.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    sections.update(args.output, BOUNDS_SECTION, check.render_bounds(data))
    print(json.dumps(data["bounds"], indent=2, sort_keys=True))
    return 0


def measure_check(run: Session) -> dict[str, Tree]:
    """Measure the check's scenarios on the medium tree: cold once, warm, one edit."""
    (key, sdist), *_ = run.plan.trees
    tree = prepare_tree(run.bench, key, sdist)
    cold(run.bench, tree, 1, warm=False)
    warm(run.bench, tree, run.plan.runs)
    edited(run.bench, tree, run.plan.runs, run.plan.counts)
    return {tree.key: tree}


def measure_all(run: Session) -> dict[str, Tree]:
    """Every scenario on the first tree; all but pre-commit on the large one."""
    bench, args, plan = run.bench, run.args, run.plan
    (key, sdist), *rest = plan.trees
    first = prepare_tree(bench, key, sdist)
    cold(bench, first, plan.runs)
    warm(bench, first, plan.runs)
    edited(bench, first, plan.runs, plan.counts)
    if not args.skip_pre_commit:
        pre_commit(bench, first, plan.runs)
    trees = {first.key: first}
    for key, sdist in rest:
        tree = trees[key] = prepare_tree(bench, key, sdist)
        direct = not args.skip_large_direct
        cold(bench, tree, args.large_runs, direct=direct, warm=False)
        warm(bench, tree, plan.runs)
        edited(bench, tree, plan.runs, plan.counts)
    if not args.skip_ruff_mypy:
        for tree in trees.values():
            ruff_mypy.measure(bench, tree, plan.runs)
    return trees


def write_report(run: Session, trees: dict[str, Tree]) -> None:
    """Write BENCHMARKS.md (keeping the sections other scripts write) and the plot."""
    bench, counts, output = run.bench, run.plan.counts, run.args.output
    rows = rows_for(bench, trees, counts)
    try:
        plot(rows, bench, trees, counts, run.args.plot)
    except ImportError:
        bench.warnings.append("matplotlib not installed: no plot")
    text = render_markdown(
        rows,
        machine=machine(run.load_before, run.plan.runs),
        trees=list(trees.values()),
        details=detail_table(bench, main_labels(bench)),
        breakdown=gate_breakdown(bench, breakdown_labels(bench)),
        warnings=[w for w in bench.warnings if not ruff_mypy.owns(w)],
        command=run.command,
        notes=floor_notes(bench, list(trees.values()), os.cpu_count() or 1),
    )
    # sections other scripts write (bench/hook_env.py, bench/ci_cache.py) stay
    output.write_text(text + sections.kept(output))
    check.save(run.args.results, rows, machine(run.load_before, run.plan.runs))
    print(render_table(rows))
    print(f"wrote {output} and {run.args.plot}", file=sys.stderr)


def main_labels(bench: Bench) -> list[str]:
    """Return the measurements of the five-tool scenarios (priming runs left out)."""
    return [
        label
        for label in bench.samples
        if not label.endswith(("-prime", "-json")) and not ruff_mypy.owns(label)
    ]


def breakdown_labels(bench: Bench) -> list[str]:
    """Return the gate runs whose JSON report the main page breaks down per tool."""
    return [
        label
        for label in bench.gate_tools
        if label.endswith(("gate-cold", "-json")) and not ruff_mypy.owns(label)
    ]


def write_ruff_mypy(run: Session, trees: dict[str, Tree]) -> None:
    """Write the ``ruff-mypy`` section of BENCHMARKS.md, and print it."""
    facts = ruff_mypy.facts_of(
        machine(run.load_before, run.plan.runs, ("ruff", "mypy"))
    )
    body = ruff_mypy.section(
        run.bench, list(trees.values()), command=run.command, facts=facts
    )
    sections.update(run.args.output, ruff_mypy.LABEL, body)
    print(body)
    print(f"wrote section {ruff_mypy.LABEL} of {run.args.output}", file=sys.stderr)
