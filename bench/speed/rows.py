"""The results table's rows: each measurement against its baseline and target."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from bench.speed.commands import TOOLS
from bench.speed.measure import Bench
from bench.speed.stats import fmt, ratio, verdict
from bench.speed.trees import Tree

# the ratio each scenario must stay under
TARGETS = {
    "cold": 0.6,
    "warm": 0.03,
    "warm_vs_ruff": 10.0,
    "one_edit": 0.1,
    "scaling": 2.0,
    "memory": 1.5,
    # the hook under pre-commit against the command plus pre-commit's own floor
    # (a no-op hook on the same files)
    "pre_commit": 1.2,
}


@dataclasses.dataclass
class Row:
    """One line of the results table: a measurement, its baseline and the ratio."""

    scenario: str
    tree: str
    measured: str
    value: float
    baseline_name: str
    baseline: float
    target: float
    unit: str = "s"
    note: str = ""
    cpu_value: float = float("nan")
    cpu_baseline: float = float("nan")

    @property
    def ratio(self) -> float:
        """Value over baseline."""
        return ratio(self.value, self.baseline)

    @property
    def cpu_ratio(self) -> float:
        """CPU seconds over the baseline's CPU seconds (NaN when not recorded)."""
        return ratio(self.cpu_value, self.cpu_baseline)

    @property
    def verdict(self) -> str:
        """Pass or fail against the target."""
        return verdict(self.ratio, self.target)


@dataclasses.dataclass(frozen=True)
class Comparison:
    """A timed comparison of one tree: the gate's label against a baseline's."""

    scenario: str
    label: str
    baseline_name: str
    baseline: str
    target: str


DIRECT = "direct-cold/total"
COMPARISONS = (
    Comparison(
        "1 cold cache", "gate-cold", "5 tools one after the other", DIRECT, "cold"
    ),
    Comparison("2 warm, nothing changed", "gate-warm", "5 tools, cold", DIRECT, "warm"),
    Comparison(
        "2 warm, nothing changed",
        "gate-warm",
        "ruff check (cache warm)",
        "ruff",
        "warm_vs_ruff",
    ),
    Comparison("3 one file edited", "gate-edit-1", "5 tools, cold", DIRECT, "one_edit"),
)


def rows_for(
    bench: Bench, trees: dict[str, Tree], scaling_counts: Sequence[int]
) -> list[Row]:
    """Build every comparison, from the recorded samples."""
    rows: list[Row] = []
    for tree in trees.values():
        rows.extend(tree_rows(bench, tree.key))
    rows.extend(scaling_rows(bench, trees, scaling_counts))
    return rows


def tree_rows(bench: Bench, t: str) -> list[Row]:
    """Build the rows of scenarios 1, 2, 3, 5 and 6 for the tree ``t``."""
    rows = [
        timed_row(bench, t, c)
        for c in COMPARISONS
        if f"{t}/{c.label}" in bench.samples and f"{t}/{c.baseline}" in bench.samples
    ]
    return rows + memory_rows(bench, t) + pre_commit_rows(bench, t)


def timed_row(bench: Bench, t: str, c: Comparison) -> Row:
    """Compare the gate's median wall seconds with the baseline's, CPU beside them."""
    label, base = f"{t}/{c.label}", f"{t}/{c.baseline}"
    return Row(
        c.scenario,
        t,
        "gate",
        bench.wall(label),
        c.baseline_name,
        bench.wall(base),
        TARGETS[c.target],
        cpu_value=bench.cpu(label),
        cpu_baseline=bench.cpu(base),
    )


def memory_rows(bench: Bench, t: str) -> list[Row]:
    """Compare the gate's cold peak memory with the largest tool's, run alone."""
    peak = bench.peak(f"{t}/gate-cold")
    known = {x: bench.peak(f"{t}/direct-cold/{x}") for x in TOOLS}
    known = {x: v for x, v in known.items() if v == v}
    if not known or peak != peak:
        return []
    top = max(known, key=lambda x: known[x])
    return [
        Row(
            "5 peak memory (process tree)",
            t,
            "gate, cold",
            peak,
            f"largest tool ({top})",
            known[top],
            TARGETS["memory"],
            unit="MB",
        )
    ]


def pre_commit_rows(bench: Bench, t: str) -> list[Row]:
    """Compare the hook under pre-commit with the command plus pre-commit's floor."""
    hook = f"{t}/pre-commit-warm"
    if hook not in bench.samples:
        return []
    floor = bench.wall(f"{t}/pre-commit-noop")
    alone = bench.wall(f"{t}/gate-warm-pc")
    return [
        Row(
            "6 pre-commit hook, warm",
            t,
            "pre-commit run quality-gate",
            bench.wall(hook),
            "quality-gates run + no-op hook's floor",
            alone + floor,
            TARGETS["pre_commit"],
            note=f"floor {fmt(floor, ' s')}, command alone {fmt(alone, ' s')}",
        )
    ]


def scaling_rows(
    bench: Bench, trees: dict[str, Tree], counts: Sequence[int]
) -> list[Row]:
    """Compare k changed files on the large tree with the same k on the medium tree."""
    if "large" not in trees or "medium" not in trees:
        return []
    big, small = trees["large"], trees["medium"]
    size = big.lines / max(small.lines, 1)
    return [
        Row(
            f"4 {count} changed file(s)",
            big.key,
            "gate",
            bench.wall(f"{big.key}/gate-edit-{count}"),
            f"same on {small.key} ({size:.1f}x fewer lines)",
            bench.wall(f"{small.key}/gate-edit-{count}"),
            TARGETS["scaling"],
        )
        for count in counts
    ]
