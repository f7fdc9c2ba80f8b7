"""BENCHMARKS.md: the machine, the trees, the results and every measurement."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bench.speed.measure import Bench
from bench.speed.rows import Row
from bench.speed.stats import fmt, ratio
from bench.speed.trees import Tree


def render_table(rows: Sequence[Row]) -> str:
    """Render the results as a Markdown table."""
    head = (
        "| scenario | tree | measured | value | baseline | baseline value "
        "| ratio | target | result | CPU ratio |"
        "\n|---|---|---|---:|---|---:|---:|---:|---|---:|"
    )
    return "\n".join([head, *(table_line(r) for r in rows)])


def table_line(r: Row) -> str:
    """Render one row of the results table."""
    result = r.verdict + (" - " + r.note if r.note else "")
    return (
        f"| {r.scenario} | {r.tree} | {r.measured} | {fmt(r.value, ' ' + r.unit)} "
        f"| {r.baseline_name} | {fmt(r.baseline, ' ' + r.unit)} | {fmt(r.ratio)} "
        f"| <= {fmt(r.target)} | {result} | {fmt(r.cpu_ratio)} |"
    )


def detail_table(bench: Bench, labels: Iterable[str]) -> str:
    """Tabulate ``labels``: runs, median wall, median CPU, peak tree memory."""
    lines = [
        "| measurement | runs | wall (median) | CPU (median) "
        "| peak RSS, process tree |",
        "|---|---:|---:|---:|---:|",
    ]
    for label in labels:
        lines.append(
            f"| {label} | {len(bench.samples[label])} | {fmt(bench.wall(label), ' s')} "
            f"| {fmt(bench.cpu(label), ' s')} | {fmt(bench.peak(label), ' MB')} |"
        )
    return "\n".join(lines)


def gate_breakdown(bench: Bench, labels: Iterable[str]) -> str:
    """Per tool inside the gate (last run of each label): seconds and cached files."""
    lines = [
        "| gate run | tool | status | seconds (sum of its batches) | cached / files |",
        "|---|---|---|---:|---:|",
    ]
    for label in labels:
        for name, info in sorted(bench.gate_tools[label].items()):
            lines.append(
                f"| {label} | {name} | {info.get('status')} "
                f"| {fmt(float(info.get('seconds', 0)))} "
                f"| {info.get('cached')} / {info.get('files')} |"
            )
    return "\n".join(lines)


def floor_notes(bench: Bench, trees: Sequence[Tree], cores: int) -> list[str]:
    """Explain the cold ratio: the best a gate on ``cores`` cores could do."""
    notes = []
    for tree in trees:
        t = tree.key
        gate_cpu = bench.cpu(f"{t}/gate-cold")
        direct = bench.wall(f"{t}/direct-cold/total")
        if gate_cpu != gate_cpu or direct != direct:
            continue
        floor = gate_cpu / cores
        notes.append(
            f"{t}, cold: the gate needs {fmt(gate_cpu, ' s')} of CPU (the tools' "
            f"own work: {fmt(bench.cpu(f'{t}/direct-cold/total'), ' s')}); on "
            f"{cores} cores that is at least {fmt(floor, ' s')}, a ratio of "
            f"{fmt(ratio(floor, direct))} to the direct run, which already runs "
            "black and flake8 on every core."
        )
    return notes


def render_markdown(
    rows: Sequence[Row],
    *,
    machine: dict[str, str],
    trees: Sequence[Tree],
    details: str,
    breakdown: str,
    warnings: Sequence[str],
    command: str,
    notes: Sequence[str] = (),
) -> str:
    """Render the whole BENCHMARKS.md (the sections other scripts write apart)."""
    out = ["# Benchmarks", "", f"Written by `{command}`; do not edit by hand.", ""]
    out += machine_lines(machine) + [""] + tree_lines(trees) + [""]
    out += results_lines(rows)
    out += ["", "## Every measurement", "", details]
    out += ["", "## Inside the gate", "", breakdown]
    out += bullets("Notes", notes) + bullets("Warnings", warnings)
    return "\n".join(out) + "\n"


def machine_lines(machine: dict[str, str]) -> list[str]:
    """Render the machine table."""
    head = ["## Machine", "", "| | |", "|---|---|"]
    return head + [f"| {k} | {v} |" for k, v in machine.items()]


def tree_lines(trees: Sequence[Tree]) -> list[str]:
    """Render the table of trees: sdist, Python files and lines."""
    head = ["## Trees (pinned sdists from PyPI, unpacked and committed to git)", ""]
    head += ["| tree | sdist | Python files | lines |", "|---|---|---:|---:|"]
    return head + [
        f"| {t.key} | `{t.sdist.requirement}` | {len(t.files)} | {t.lines:,} |"
        for t in trees
    ]


def results_lines(rows: Sequence[Row]) -> list[str]:
    """Render the results heading (targets met), its legend and its table."""
    passed = sum(r.verdict == "pass" for r in rows)
    return [
        f"## Results: {passed} of {len(rows)} targets met",
        "",
        "Medians of the runs; times are wall-clock seconds. Ratio = value / baseline.",
        "",
        render_table(rows),
    ]


def bullets(title: str, items: Sequence[str]) -> list[str]:
    """Render a titled list, or nothing when there is nothing to list."""
    return ["", f"## {title}", ""] + [f"- {i}" for i in items] if items else []
