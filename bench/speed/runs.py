"""One gate run, and the tools run directly one after the other, measured and checked.

A run that ends in a tool error is measured all the same, and the report's
warnings say so (exit code and the last line of its log).
"""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

from bench.speed.commands import environment, gate_command, with_package_bases
from bench.speed.measure import Bench, Sample
from bench.speed.trees import Tree


def run_gate(
    bench: Bench,
    tree: Tree,
    label: str,
    caches: Path,
    *,
    breakdown: bool = False,
    tools: str | None = None,
) -> Sample:
    """Run the gate once, as ``quality-gates run --all-files`` (text report).

    With ``breakdown`` (the cold runs) it writes the JSON report instead, for the
    per-tool seconds; rendering it is under 2% of a cold run.
    """
    report = bench.log_path(label, ".json") if breakdown else None
    command = gate_command(report, tools)
    sample = bench.measure(label, command, cwd=tree.root, env=environment(caches))
    data = read_report(report) if report else {}
    if report:
        bench.gate_tools[label] = data.get("tools", {})
        bench.findings[label] = count_findings(data)
    errors = data.get("errors") or []
    if sample.returncode == 2 or errors:
        bench.warnings.append(
            f"{label}: exit {sample.returncode}: "
            + ("; ".join(map(str, errors))[:300] or tail(sample.log))
        )
    return sample


def read_report(path: Path) -> dict[str, Any]:
    """Read the gate's JSON report; empty when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def count_findings(report: dict[str, Any]) -> dict[str, int]:
    """Count a JSON report's findings by tool; ruff's formatter hunks as files."""
    counts: collections.Counter[str] = collections.Counter()
    reformat = set()
    for finding in report.get("findings", []):
        if finding.get("rule") == "ruff-format":
            reformat.add(finding.get("path"))
        else:
            counts[str(finding.get("tool"))] += 1
    counts["ruff-format"] = len(reformat)
    return dict(counts)


def tail(log: str) -> str:
    """Return the last line a measured command wrote to its standard error."""
    try:
        lines = Path(log + ".err").read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no log"
    return lines[-1][:300] if lines else "no message"


def run_direct(
    bench: Bench, tree: Tree, prefix: str, caches: Path, commands: dict[str, list[str]]
) -> float:
    """Run the tools one after the other; record each and their total; return it."""
    ran = [
        run_tool(bench, tree, f"{prefix}/{tool}", cmd, caches)
        for tool, cmd in commands.items()
    ]
    total = Sample(
        sum(s.wall for s in ran),
        sum(s.cpu for s in ran),
        max((s.tree_peak_mb for s in ran if s.tree_peak_mb > 0), default=float("nan")),
        float("nan"),
        0,
    )
    bench.samples.setdefault(f"{prefix}/total", []).append(total)
    return total.wall


def run_tool(
    bench: Bench, tree: Tree, label: str, cmd: list[str], caches: Path
) -> Sample:
    """Run one tool directly; warn when it ends in an error rather than findings."""
    env = environment(caches)
    sample = bench.measure(label, cmd, cwd=tree.root, env=env)
    if label.endswith("/mypy") and mypy_needs_bases(sample):
        # what a user does next: map files to modules by path; the failed
        # attempt is not counted against the direct run
        bench.samples[label].pop()
        cmd = with_package_bases(cmd)
        sample = bench.measure(label, cmd, cwd=tree.root, env=env)
    if sample.returncode not in (0, 1):
        bench.warnings.append(f"{label}: exit {sample.returncode}: {tail(sample.log)}")
    return sample


def mypy_needs_bases(sample: Sample) -> bool:
    """Tell whether mypy stopped before checking: two files map to one module."""
    if sample.returncode != 2:
        return False
    try:
        out = Path(sample.log + ".out").read_text(errors="replace")
    except OSError:
        return False
    return "Duplicate module named" in out or "found twice under different" in out
