"""The gate with ruff and mypy against ``ruff check``, ``ruff format --check`` and mypy.

A project that selects ``tools = ["ruff", "mypy"]`` replaces three commands
with one.  Side by side, each round: the gate (``quality-gates run --all-files
--tools ruff,mypy``) and the three commands one after the other, each from
empty caches (cold), then both again with nothing changed (warm: the gate's
result cache, ruff's own cache, mypy's incremental cache).  The order of the
two sides alternates from round to round.  It writes the ``ruff-mypy`` section
of BENCHMARKS.md.
"""

from __future__ import annotations

import re
import shutil
import subprocess  # nosec B404 - fixed argument lists, never a shell
from collections.abc import Sequence
from pathlib import Path

from bench.speed.commands import chosen, fresh_caches, ruff_commands, ruff_mypy_commands
from bench.speed.measure import Bench
from bench.speed.render import detail_table, gate_breakdown
from bench.speed.runs import run_direct, run_gate
from bench.speed.stats import fmt, ratio
from bench.speed.trees import Tree

LABEL = "ruff-mypy"
TOOLS = "ruff,mypy"
STATES = ("cold", "warm")
# each command's summary: the pattern of its count, and what it says for none
SUMMARIES = {
    "ruff-check": (r"^Found (\d+) errors?\.", "All checks passed!"),
    "ruff-format": (r"^(\d+) files? would be reformatted", "already formatted"),
    "mypy": (r"^Found (\d+) errors? in", "Success: no issues found"),
}
# the gate's name for what it found, and the direct command that finds it
PAIRS = (("ruff", "ruff-check"), ("ruff-format", "ruff-format"), ("mypy", "mypy"))
COLUMNS = {
    "ruff-check": "`ruff check .`",
    "ruff-format": "`ruff format --check .`",
    "mypy": "`mypy` (same files)",
}


def owns(label: str) -> bool:
    """Tell whether a measurement's label belongs to this comparison."""
    return f"/{LABEL}/" in label


def measure(bench: Bench, tree: Tree, runs: int) -> None:
    """Measure ``runs`` rounds, cold then warm, the gate and the direct run."""
    for i in range(runs):
        bench.say(f"{tree.key}: ruff and mypy, cold and warm, round {i + 1}/{runs}")
        one_round(bench, tree, gate_first=i % 2 == 0)
    mypy = chosen(tree.root, tree.valid)["mypy"]
    tree.checked = {"ruff": ruff_files(tree), "mypy": len(mypy.files)}


def one_round(bench: Bench, tree: Tree, *, gate_first: bool) -> None:
    """Run the gate and the three commands, each cold and then warm."""
    caches = {"gate": fresh_caches(bench.work), "direct": fresh_caches(bench.work)}
    commands = ruff_mypy_commands(
        tree.root, tree.valid, caches["direct"], invalid(tree)
    )
    order = ("gate", "direct") if gate_first else ("direct", "gate")
    for state in STATES:
        for side in order:
            label = f"{tree.key}/{LABEL}/{side}-{state}"
            if side == "gate":
                cold = state == "cold"
                run_gate(bench, tree, label, caches[side], breakdown=cold, tools=TOOLS)
            else:
                run_direct(bench, tree, label, caches[side], commands)
                bench.findings[label] = direct_findings(bench, label, commands)
    for folder in caches.values():
        shutil.rmtree(folder, ignore_errors=True)


def direct_findings(
    bench: Bench, prefix: str, commands: dict[str, list[str]]
) -> dict[str, int]:
    """Read each command's own count of what it found, from its last run's log."""
    found = {}
    for tool in commands:
        log = bench.samples[f"{prefix}/{tool}"][-1].log
        count = summary_count(tool, read_log(log))
        if count is not None:
            found[tool] = count
    return found


def read_log(log: str) -> str:
    """Return what a measured command printed, both streams ("" when gone)."""
    try:
        return "".join(
            Path(log + suffix).read_text(errors="replace")
            for suffix in (".out", ".err")
        )
    except OSError:
        return ""


def summary_count(tool: str, text: str) -> int | None:
    """Return the count a tool's summary line gives; None without one."""
    pattern, none_found = SUMMARIES[tool]
    match = re.search(pattern, text, re.M)
    if match:
        return int(match.group(1))
    return 0 if none_found in text else None


def invalid(tree: Tree) -> list[str]:
    """Return the tracked files that are not valid Python (the gate gives no tool)."""
    valid = set(tree.valid)
    return [name for name in tree.files if name not in valid]


def ruff_files(tree: Tree) -> int:
    """Count the files ``ruff check .`` finds itself (``--show-files``, not timed)."""
    check = ruff_commands(tree.root, invalid(tree))["ruff-check"]
    proc = subprocess.run(  # nosec B603
        [*check[:-1], "--show-files", "."],
        cwd=tree.root,
        capture_output=True,
        text=True,
        check=False,
    )
    return sum(1 for line in proc.stdout.splitlines() if line.strip())


# -- the section ---------------------------------------------------------------
def section(
    bench: Bench, trees: Sequence[Tree], *, command: str, facts: dict[str, str]
) -> str:
    """Render the ``ruff-mypy`` section of BENCHMARKS.md."""
    own = [label for label in bench.samples if owns(label)]
    cold = [label for label in bench.gate_tools if owns(label)]
    out = ["## ruff and mypy: the gate against the tools run directly", ""]
    out += [intro(command, facts), "", table(bench, trees), ""]
    out += [f"- {files_note(tree)}" for tree in trees]
    out += ["", "What each side found, the last cold run (gate / direct):", ""]
    out += [findings_table(bench, trees)]
    out += ["", "Inside the gate, the last cold run of each tree:", ""]
    out += [gate_breakdown(bench, cold), "", "Every measurement:", ""]
    out += [detail_table(bench, own)]
    warnings = [w for w in bench.warnings if owns(w)]
    out += ["", "Warnings:", ""] + [f"- {w}" for w in warnings] if warnings else []
    return "\n".join(out) + "\n"


def intro(command: str, facts: dict[str, str]) -> str:
    """Say what was compared, how, and on what machine."""
    return (
        f'Written by `{command}`. A project that selects `tools = ["ruff", '
        '"mypy"]` runs `quality-gates run --all-files --tools ruff,mypy` instead '
        "of `ruff check .`, `ruff format --check .` and `mypy` on its files. Each "
        "round times both sides cold (every cache empty), then warm (nothing "
        "changed: the gate's result cache; ruff's own cache and mypy's incremental "
        "cache), side by side, the side that goes first alternating. Medians of "
        f"{facts['runs']} round(s); ratio = gate / direct (under 1: the gate is "
        f"faster). Measured on {facts['cores']} cores ({facts['CPU']}), a machine "
        "shared with other work, so wall times are noisy and the ratios are what "
        f"to compare (load average before / after: {facts['load']}); "
        f"{facts['date']} UTC, quality-gates {facts['commit']}, "
        f"ruff {facts['ruff']}, mypy {facts['mypy']}."
    )


def table(bench: Bench, trees: Sequence[Tree]) -> str:
    """Tabulate each tree and state: the gate, each command, the ratios."""
    head = " | ".join(["gate, ruff + mypy", *COLUMNS.values()])
    lines = [
        f"| tree | caches | {head} | direct, one after the other "
        "| ratio | CPU ratio | peak RSS ratio |",
        "|---|---|" + "---:|" * (len(COLUMNS) + 5),
    ]
    for tree in trees:
        lines += [table_line(bench, tree.key, state) for state in STATES]
    return "\n".join(lines)


def table_line(bench: Bench, t: str, state: str) -> str:
    """Render the gate against the direct run, ``state`` caches, on tree ``t``."""
    gate, direct = f"{t}/{LABEL}/gate-{state}", f"{t}/{LABEL}/direct-{state}"
    tools = [fmt(bench.wall(f"{direct}/{tool}"), " s") for tool in COLUMNS]
    cells = [t, state, fmt(bench.wall(gate), " s"), *tools]
    cells.append(fmt(bench.wall(f"{direct}/total"), " s"))
    cells += [
        f"**{fmt(ratio(bench.wall(gate), bench.wall(f'{direct}/total')))}**",
        fmt(ratio(bench.cpu(gate), bench.cpu(f"{direct}/total"))),
        fmt(ratio(bench.peak(gate), bench.peak(f"{direct}/total"))),
    ]
    return "| " + " | ".join(cells) + " |"


def files_note(tree: Tree) -> str:
    """Say what each side checks on ``tree``."""
    ruff, mypy = (tree.checked.get(tool, "?") for tool in ("ruff", "mypy"))
    skipped = len(tree.files) - len(tree.valid)
    kept = f"; the {skipped} not valid are kept from direct ruff too" if skipped else ""
    return (
        f"{tree.key} (`{tree.sdist.requirement}`): the gate checks its "
        f"{len(tree.files)} git-tracked Python files ({len(tree.valid)} valid "
        f"Python, given to the tools{kept}); `ruff check .` finds {ruff} files "
        f"itself; mypy checks {mypy} on both sides (those the project's mypy "
        "config selects)."
    )


def findings_table(bench: Bench, trees: Sequence[Tree]) -> str:
    """Tabulate the gate's findings beside the direct commands' own counts."""
    lines = [
        "| tree | `ruff check` findings | files `ruff format` would change "
        "| mypy errors | files that are not valid Python |",
        "|---|---:|---:|---:|---:|",
    ]
    for tree in trees:
        gate = bench.findings.get(f"{tree.key}/{LABEL}/gate-cold", {})
        direct = bench.findings.get(f"{tree.key}/{LABEL}/direct-cold", {})
        cells = [
            f"{gate.get(g, 0) if gate else '?'} / {direct.get(d, '?')}"
            for g, d in PAIRS
        ]
        python = gate.get("python", 0) if gate else "?"
        lines.append(f"| {tree.key} | {' | '.join(cells)} | {python} / - |")
    return "\n".join(lines)


def facts_of(machine: dict[str, str]) -> dict[str, str]:
    """Pick the machine table's entries the section's sentence names."""
    keys = {
        "cores": "cores",
        "CPU": "CPU",
        "load": "load average before / after",
        "date": "date (UTC)",
        "commit": "quality-gates commit",
        "runs": "runs per measurement",
        "ruff": "ruff version",
        "mypy": "mypy version",
    }
    return {short: machine.get(long, "unknown") for short, long in keys.items()}
