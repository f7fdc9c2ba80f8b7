"""bench/results.png: ratios against targets, and time against changed files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bench.speed.measure import Bench
from bench.speed.rows import Row
from bench.speed.trees import Tree

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def plot(
    rows: Sequence[Row],
    bench: Bench,
    trees: dict[str, Tree],
    counts: Sequence[int],
    path: Path,
) -> None:
    """Draw both panels and write the PNG (ImportError without matplotlib)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    ratios_panel(left, rows)
    scaling_panel(right, bench, trees, counts)
    fig.suptitle("quality-gates run: ratios to targets, and time against changed files")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def ratios_panel(axes: Axes, rows: Sequence[Row]) -> None:
    """Draw each row's ratio over its target, on a log scale: left of 1 is met."""
    import matplotlib.ticker

    shown = [r for r in rows if r.ratio == r.ratio]
    names = [f"{r.scenario} ({r.tree})\nvs {r.baseline_name}" for r in shown]
    scores = [r.ratio / r.target for r in shown]
    colors = ["tab:green" if r.verdict == "pass" else "tab:red" for r in shown]
    axes.barh(range(len(shown)), scores, color=colors)
    axes.set_yticks(range(len(shown)), names, fontsize=7)
    axes.axvline(1.0, color="black", linestyle="--")
    axes.set_xscale("log")
    axes.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axes.set_xlabel("ratio / target (left of the line: target met)")
    axes.invert_yaxis()


def scaling_panel(
    axes: Axes, bench: Bench, trees: dict[str, Tree], counts: Sequence[int]
) -> None:
    """Draw the gate's seconds against the number of changed files, per tree."""
    for tree in trees.values():
        xs = [c for c in counts if bench.samples.get(f"{tree.key}/gate-edit-{c}")]
        ys = [bench.wall(f"{tree.key}/gate-edit-{c}") for c in xs]
        if xs:
            axes.plot(xs, ys, marker="o", label=f"{tree.key} ({tree.lines:,} lines)")
        warm_s = bench.wall(f"{tree.key}/gate-warm")
        if warm_s == warm_s:
            axes.axhline(warm_s, linestyle=":", alpha=0.5)
    axes.set_xscale("log")
    axes.set_xlabel("changed files")
    axes.set_ylabel("gate, seconds (dotted: nothing changed)")
    axes.legend()
