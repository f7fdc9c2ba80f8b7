"""The scenarios of the five-tool comparison: cold, warm, edited files, pre-commit.

``cold`` runs first on a tree: it leaves the caches of its last gate run in
``tree.warm_caches``, where the other scenarios start.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from bench.sdists import git
from bench.speed.commands import (
    direct_commands,
    environment,
    fresh_caches,
    gate_command,
)
from bench.speed.measure import Bench
from bench.speed.runs import run_direct, run_gate
from bench.speed.trees import Tree

REPO = Path(__file__).resolve().parents[2]
BASELINE = ".quality-gates-baseline.json"
PRE_COMMIT_CONFIG = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: quality-gate
  - repo: local
    hooks:
      - id: noop
        name: no-op (pre-commit's own floor)
        entry: "true"
        language: system
        types_or: [python, pyi]
        require_serial: true
"""


def cold(
    bench: Bench, tree: Tree, runs: int, *, direct: bool = True, warm: bool = True
) -> None:
    """Gate and direct run alternately, every cache fresh; keeps one warm cache."""
    for i in range(runs):
        bench.say(f"{tree.key}: cold run {i + 1}/{runs}")
        caches = fresh_caches(bench.work)
        run_gate(bench, tree, f"{tree.key}/gate-cold", caches, breakdown=True)
        if tree.warm_caches is not None:
            shutil.rmtree(tree.warm_caches, ignore_errors=True)
        tree.warm_caches = caches
        if direct:
            cold_direct(bench, tree, warm=warm and i == runs - 1)


def cold_direct(bench: Bench, tree: Tree, *, warm: bool) -> None:
    """Run the five tools from empty caches; with ``warm``, again on their caches."""
    caches = fresh_caches(bench.work)
    commands = direct_commands(tree.root, tree.valid, caches)
    run_direct(bench, tree, f"{tree.key}/direct-cold", caches, commands)
    if warm:
        bench.say(f"{tree.key}: direct run with the tools' own caches warm")
        run_direct(bench, tree, f"{tree.key}/direct-warm", caches, commands)
    shutil.rmtree(caches, ignore_errors=True)


def warm(bench: Bench, tree: Tree, runs: int) -> None:
    """Nothing changed: the gate, and ruff with its cache warm and without.

    The tree gets a baseline of its findings first (not timed): every warm run
    reports, scores and matches each finding against it, as a legacy
    project's run does.
    """
    caches = started(tree)
    env = environment(caches)
    take_baseline(tree, env)
    ruff = [sys.executable, "-m", "ruff", "check", "--quiet", "--exit-zero", "."]
    bench.measure(f"{tree.key}/ruff-prime", ruff, cwd=tree.root, env=env)
    for _ in range(runs):
        run_gate(bench, tree, f"{tree.key}/gate-warm", caches)
        bench.measure(f"{tree.key}/ruff", ruff, cwd=tree.root, env=env)
        bench.measure(
            f"{tree.key}/ruff-no-cache", [*ruff, "--no-cache"], cwd=tree.root, env=env
        )


def take_baseline(tree: Tree, env: dict[str, str]) -> None:
    """Write the tree's baseline with the gate (its caches warm), unless it has one."""
    if (tree.root / BASELINE).exists():
        return
    command = gate_command(None)
    command[command.index("run")] = "baseline"
    subprocess.run(  # nosec B603
        [c for c in command if c != "--all-files"],
        cwd=tree.root,
        env=env,
        check=True,
        capture_output=True,
    )


def started(tree: Tree) -> Path:
    """Return the caches the cold runs left; a scenario that needs them runs after."""
    if tree.warm_caches is None:
        raise RuntimeError(f"{tree.key}: the cold runs come first")
    return tree.warm_caches


def pick_spread(items: Sequence[str], count: int) -> list[str]:
    """``count`` items spread evenly over ``items`` (all of them when fewer)."""
    if count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


class Edits:
    """Appends a unique comment to files, and puts them back as they were."""

    def __init__(self, root: Path) -> None:
        """Edit files under ``root``."""
        self.root = root
        self.saved: dict[str, bytes] = {}

    def apply(self, names: Iterable[str]) -> None:
        """Append a new comment to each of ``names``."""
        token = uuid.uuid4().hex
        for name in names:
            path = self.root / name
            data = self.saved.setdefault(name, path.read_bytes())
            sep = b"" if data.endswith(b"\n") or not data else b"\n"
            path.write_bytes(data + sep + f"# bench edit {token}\n".encode())

    def restore(self) -> None:
        """Put every edited file back."""
        for name, data in self.saved.items():
            (self.root / name).write_bytes(data)
        self.saved.clear()


def edited(bench: Bench, tree: Tree, runs: int, counts: Sequence[int]) -> None:
    """Edit k files (a new comment each run) and rerun the gate."""
    caches = started(tree)
    candidates = [n for n in tree.files if (tree.root / n).stat().st_size > 0]
    for count in counts:
        chosen = pick_spread(candidates, count)
        bench.say(f"{tree.key}: {len(chosen)} file(s) edited, {runs} run(s)")
        label = f"{tree.key}/gate-edit-{count}"
        for _ in range(runs):
            edit_and_run(bench, tree, chosen, label, caches)
        # one more, untimed run writes JSON: where the time went
        edit_and_run(bench, tree, chosen, f"{label}-json", caches, breakdown=True)


def edit_and_run(
    bench: Bench,
    tree: Tree,
    names: Sequence[str],
    label: str,
    caches: Path,
    *,
    breakdown: bool = False,
) -> None:
    """Edit ``names``, run the gate, and put the files back whatever happens."""
    edits = Edits(tree.root)
    edits.apply(names)
    try:
        run_gate(bench, tree, label, caches, breakdown=breakdown)
    finally:
        edits.restore()


def pre_commit(bench: Bench, tree: Tree, runs: int) -> None:
    """Time the published hook under pre-commit against the command, both warm."""
    caches = started(tree)
    env = environment(caches)
    install_hook(bench, tree, env)
    hook = [sys.executable, "-m", "pre_commit", "run", "quality-gate", "--all-files"]
    bench.measure(f"{tree.key}/pre-commit-prime", hook, cwd=tree.root, env=env)
    noop = [sys.executable, "-m", "pre_commit", "run", "noop", "--all-files"]
    for _ in range(runs):
        bench.measure(f"{tree.key}/pre-commit-warm", hook, cwd=tree.root, env=env)
        bench.measure(f"{tree.key}/pre-commit-noop", noop, cwd=tree.root, env=env)
        run_gate(bench, tree, f"{tree.key}/gate-warm-pc", caches)


def install_hook(bench: Bench, tree: Tree, env: dict[str, str]) -> None:
    """Pin this checkout's HEAD in the tree's pre-commit config and install it."""
    rev = git(REPO, "rev-parse", "HEAD").strip()
    config = tree.root / ".pre-commit-config.yaml"
    config.write_text(PRE_COMMIT_CONFIG.format(repo=REPO, rev=rev))
    git(tree.root, "add", ".pre-commit-config.yaml")
    git(tree.root, "commit", "-q", "-m", "pre-commit config")
    bench.say(f"pre-commit: installing the hook at {rev[:10]} (not timed)")
    subprocess.run(  # nosec B603
        [sys.executable, "-m", "pre_commit", "install-hooks"],
        cwd=tree.root,
        env=env,
        check=True,
        capture_output=True,
    )
