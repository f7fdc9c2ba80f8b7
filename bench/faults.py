#!/usr/bin/env python3
"""The fault battery: quality-gates against hostile inputs, as a user would meet them.

Each scenario builds a real project (git repository, files, symlinks, FIFOs,
device nodes, read-only or full mounts) in a scratch folder, runs the real
``python -m quality_gates`` on it one or more times (a second run reads the
cache the first one wrote) and judges what happened:

- ``false-pass``: exit 0 where the gate must fail (findings) or error;
- ``traceback``: a Python traceback instead of a one-line error;
- ``hang``: still running after ``--hang-after`` seconds (killed);
- ``unbounded``: the process tree's peak memory over ``--memory-limit``;
- ``clobbered``: a file or node that is not the gate's to replace was changed;
- ``litter``: a temporary file or worktree left behind after the next run;
- ``unclear``: another exit code than expected, or the message that says what
  happened and what to do is missing.

Run it against any checkout of the package: ``--hooks DIR`` is put first on
PYTHONPATH (default: this checkout's ``hooks/``), so the same battery measures
the code before and after a change.  Tools come from this interpreter's
environment.  Scenarios that need root (mounts, device nodes) are skipped
without it, and say so.

    python bench/faults.py [--hooks DIR] [--only ID ...] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import faults_injection, faults_stops, faults_tamper  # noqa: E402
from bench.fault_model import (  # noqa: E402  (this checkout's bench scripts)
    CATEGORIES,
    FLAKE8_ONLY,
    GIB,
    GOOD,
    RECORD,
    REPO,
    VERSION,
    Case,
    Result,
    Run,
    Scenario,
    Signal,
    Space,
    Verdict,
    as_root,
    bind_read_only,
    bomb_zip,
    commit,
    gate,
    git,
    huge_module,
    judge,
    kept,
    killed_at,
    mount_tmpfs,
    run_scenario,
    temporaries,
    twice,
    unchanged,
)

__all__ = ["Result", "Run", "Signal", "judge", "kept", "run_scenario", "SCENARIOS"]

# -- the scenarios: false passes ---------------------------------------------------

BAD = {
    "black": ("x  =  1\n", "black BLK100"),
    "isort": ('"""Doc."""\n\nimport sys\nimport os\n\nprint(os, sys)\n', "isort I001"),
    "flake8": ('"""Doc."""\n\nimport os\n', "flake8 F401"),
    "mypy": ('"""Doc."""\n\nx: int = "text"\n', "mypy assignment"),
    "bandit": (
        '"""Doc."""\n\nimport subprocess\n\nsubprocess.call("ls", shell=True)\n',
        "bandit B602",
    ),
}


def bom_file(space: Space) -> Case:
    root = space.project({"bom.py": b"\xef\xbb\xbfx  =  1\n"})
    commit(root)
    runs = twice(
        "run", "--tools", "black", "bom.py", expect=1, says=["bom.py:1:1: black BLK100"]
    )
    return Case(root, runs)


def tab_in_name(space: Space) -> Case:
    root = space.project({"tab\tname.py": "x  =  1\n"})
    commit(root)
    says = ["tab\\tname.py:1:1: black BLK100"]  # shown, not obeyed (#22)
    return Case(
        root, twice("run", "--tools", "black", "--all-files", expect=1, says=says)
    )


def newline_in_name(space: Space) -> Case:
    root = space.project({"new\nline.py": "x  =  1\n", "good.py": GOOD})
    commit(root)
    says = ["line break"]
    return Case(
        root, twice("run", "--tools", "black", "--all-files", expect=2, says=says)
    )


def shadow(tool: str, package: bool) -> Callable[[Space], Case]:
    def build(space: Space) -> Case:
        source, rule = BAD[tool]
        files: dict[str, str | bytes] = {"bad.py": source}
        if package:
            files[f"{tool}/__init__.py"] = '"""The project\'s own package."""\n'
            files[f"{tool}/__main__.py"] = '"""Its entry point."""\n'
        else:
            files[f"{tool}.py"] = '"""Colour constants."""\n\nBLACK = "#000000"\n'
        root = space.project(files)
        commit(root)
        return Case(
            root,
            twice("run", "--tools", tool, "bad.py", expect=1, says=["bad.py:", rule]),
        )

    return build


MUTABLE_DEFAULT = '"""Module."""\n\n\ndef f(x=[]):\n    """Return x."""\n    return x\n'


def flake8_plugin_missing(space: Space) -> Case:
    root = space.project(
        {
            ".flake8": "[flake8]\nextend-select = B006\n",
            "bad.py": MUTABLE_DEFAULT,
        }
    )
    commit(root)
    return Case(
        root,
        [
            gate(
                "run",
                "--tools",
                "flake8",
                "bad.py",
                expect=1,
                says=[".flake8:2:1: flake8 config-error extend-select names B006"],
            )
        ],
    )


# -- clobbered ------------------------------------------------------------------

OUTPUT = ("run", "--tools", "flake8", "--format", "json", "good.py", "--output")


def output_symlink(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    elsewhere = space.dir / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "report.json").write_text("old")
    (root / "out.json").symlink_to(elsewhere / "report.json")

    def check() -> list[str]:
        problems = kept(root / "out.json", "symlink")
        text = (elsewhere / "report.json").read_text()
        if not problems and '"findings"' not in text:
            problems.append("unclear: the report was not written through the symlink")
        return problems

    return Case(root, [gate(*OUTPUT, "out.json", expect=0)], check=check)


def output_fifo(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    fifo = root / "out.json"
    os.mkfifo(fifo)
    got = space.dir / "got.json"
    with got.open("wb") as sink:
        reader = subprocess.Popen(  # nosec B603 B607
            ["cat", str(fifo)], stdout=sink, start_new_session=True
        )

    def check() -> list[str]:
        problems = kept(fifo, "fifo")
        try:
            reader.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(reader.pid, signal.SIGKILL)
            reader.wait()
            return problems + ["hang: the FIFO's reader never got the report"]
        if '"findings"' not in got.read_text():
            problems.append("unclear: the FIFO's reader got no report")
        return problems

    def stop() -> None:
        if reader.poll() is None:
            os.killpg(reader.pid, signal.SIGKILL)
            reader.wait()

    return Case(
        root, [gate(*OUTPUT, "out.json", expect=0)], check=check, cleanup=[stop]
    )


def device(space: Space, root: Path, name: str, minor: int) -> Path:
    """Make a /dev/null (minor 3) or /dev/full (minor 7) node under ``root``."""
    path = root / name
    mknod = ["mknod", "-m", "666", str(path), "c", "1", str(minor)]
    subprocess.run(as_root(mknod), check=True)  # nosec B603 B607
    return path


def output_null_device(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    node = device(space, root, "null-device", 3)
    return Case(
        root,
        [gate(*OUTPUT, node.name, expect=0)],
        check=lambda: kept(node, "device"),
    )


def output_full_device(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    node = device(space, root, "full-device", 7)
    run = gate(*OUTPUT, node.name, expect=2, says=["No space left on device"])
    return Case(root, [run], check=lambda: kept(node, "device"))


VICTIM = b"x  =  1\n"


def _outside_link(space: Space) -> tuple[Path, Path]:
    outside = space.dir / "outside"
    outside.mkdir()
    victim = outside / "victim.py"
    victim.write_bytes(VICTIM)
    root = space.project({"good.py": GOOD})
    (root / "link.py").symlink_to(Path("..") / "outside" / "victim.py")
    commit(root)
    return root, victim


def fix_through_symlink(space: Space) -> Case:
    root, victim = _outside_link(space)
    run = gate(
        "run",
        "--fix",
        "--all-files",
        "--tools",
        "black,isort",
        expect=2,
        says=["link.py", "outside the project"],
    )
    return Case(root, [run], check=lambda: unchanged(victim, VICTIM))


def all_files_symlink(space: Space) -> Case:
    root, victim = _outside_link(space)
    run = gate("run", "--all-files", expect=2, says=["link.py", "outside the project"])
    return Case(root, [run], check=lambda: unchanged(victim, VICTIM))


def named_symlink(space: Space) -> Case:
    root, victim = _outside_link(space)
    run = gate("run", "link.py", expect=2, says=["link.py", "outside the project"])
    return Case(root, [run], check=lambda: unchanged(victim, VICTIM))


# -- tracebacks -------------------------------------------------------------------


def output_folder(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    (root / "reports").mkdir()
    run = gate(*OUTPUT, "reports", expect=2, says=["--output", "reports"])
    return Case(root, [run], check=lambda: kept(root / "reports", "folder"))


def output_read_only(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    source = space.dir / "ro-source"
    source.mkdir()
    undo = bind_read_only(source, root / "ro")
    run = gate(*OUTPUT, "ro/report.json", expect=2, says=["--output", "ro/report.json"])
    return Case(root, [run], cleanup=[undo])


def output_under_file(space: Space) -> Case:
    root = space.project({"good.py": GOOD, "notes.txt": "mine\n"})
    run = gate(
        *OUTPUT, "notes.txt/report.json", expect=2, says=["--output", "notes.txt"]
    )
    return Case(root, [run], check=lambda: unchanged(root / "notes.txt", b"mine\n"))


def output_full_disk(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    disk = space.dir / "disk"
    undo = mount_tmpfs(disk)
    (disk / "report.json").write_bytes(b"old report")
    _fill(disk / "filler")
    run = gate(
        *OUTPUT, str(disk / "report.json"), expect=2, says=["No space left on device"]
    )

    def check() -> list[str]:
        return unchanged(disk / "report.json", b"old report") + temporaries(disk)

    return Case(root, [run], check=check, cleanup=[undo])


def _fill(path: Path) -> None:
    """Write until the file system is full (a real ENOSPC, on a small tmpfs)."""
    with path.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass
    # tmpfs may still hold a partial page: fill the last bytes too
    with path.open("ab", buffering=0) as out:
        try:
            while True:
                out.write(b"\0")
        except OSError:
            pass


def baseline_read_only(space: Space) -> Case:
    files = {"bad.py": BAD["flake8"][0], "pyproject.toml": FLAKE8_ONLY}
    source = space.project(files, name="source")
    commit(source)
    root = space.dir / "project"
    undo = bind_read_only(source, root)
    run = gate(
        "baseline",
        expect=2,
        says=[".quality-gates-baseline.json", "Read-only file system"],
    )
    return Case(root, [run], cleanup=[undo])


def deep_expression(space: Space) -> Case:
    root = space.project({"deep.py": "x = " + "+".join(["1"] * 3000) + "\n"})
    run = gate(
        "run",
        "--tools",
        "flake8",
        "deep.py",
        expect=1,
        says=["deep.py:1:1: python E999"],
    )
    return Case(root, [run])


def _requirements(root: Path) -> None:
    (root / "requirements.txt").write_text("example-package==1.0\n")


def osv_nested(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    _requirements(root)
    db = space.dir / "db"
    db.mkdir()
    deep = "[" * 100_000 + "]" * 100_000
    (db / "deep.json").write_text('{"id": "DEEP-1", "details": ' + deep + "}")
    run = gate(
        "security",
        "--no-code",
        "--vuln-db",
        str(db),
        "-r",
        "requirements.txt",
        expect=2,
        says=["--vuln-db", "deep.json"],
    )
    return Case(root, [run])


def baseline_nested(space: Space) -> Case:
    deep = "[" * 100_000 + "]" * 100_000
    doc = '{"format": "quality-gates-baseline", "version": 1, "findings": ' + deep + "}"
    root = space.project({"good.py": GOOD, ".quality-gates-baseline.json": doc})
    run = gate(
        "run", "--tools", "flake8", "good.py", expect=2, says=["baseline", "nested"]
    )
    return Case(root, [run])


def zip_bomb(capped: bool) -> Callable[[Space], Case]:
    def build(space: Space) -> Case:
        root = space.project({"good.py": GOOD})
        _requirements(root)
        run = gate(
            "security",
            "--no-code",
            "--vuln-db",
            str(bomb_zip(space.shared)),
            "-r",
            "requirements.txt",
            expect=2,
            says=["--vuln-db", "huge.json"],
        )
        run.memory = GIB if capped else None
        return Case(root, [run])

    return build


def requirements_dev_zero(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    db = space.dir / "db"
    db.mkdir()
    (db / "record.json").write_text(json.dumps(RECORD))
    run = gate(
        "security",
        "--no-code",
        "--vuln-db",
        str(db),
        "-r",
        "/dev/zero",
        expect=2,
        says=["/dev/zero"],
    )
    run.memory = GIB
    return Case(root, [run])


# -- hangs --------------------------------------------------------------------------


def huge_generated_module(space: Space) -> Case:
    root = space.project({})
    os.link(huge_module(space.shared, 20 * 1024), root / "huge.py")
    run = gate(
        "run", "--tools", "black", "huge.py", expect=2, says=["huge.py", "max-file-kb"]
    )
    return Case(root, [run])


def tool_timeout(space: Space) -> Case:
    root = space.project({"pyproject.toml": "[tool.quality-gates]\ntool-timeout = 2\n"})
    os.link(huge_module(space.shared, 400), root / "slow.py")
    run = gate(
        "run",
        "--tools",
        "black",
        "slow.py",
        expect=2,
        says=["black timed out after 2 s", "slow.py", "tool-timeout"],
    )
    return Case(root, [run])


# -- smaller --------------------------------------------------------------------------


def dash_file_name(space: Space) -> Case:
    root = space.project({"-x.py": BAD["flake8"][0]})
    commit(root)
    run = gate(
        "run", "--tools", "flake8", "-x.py", expect=1, says=["-x.py:3:1: flake8 F401"]
    )
    return Case(root, [run])


NEWER_SYNTAX = {"3.11": "type Alias = int\n", "3.12": "def f[T = int](): pass\n"}


def newer_syntax(space: Space) -> Case:
    source = NEWER_SYNTAX.get(VERSION, "type Alias = int\n")
    root = space.project({"new.py": source})
    run = gate(
        "run",
        "--tools",
        "flake8",
        "new.py",
        expect=1,
        says=["new.py:1:", "python E999", f"Python {VERSION}"],
    )
    return Case(root, [run])


def cost_per_line_inf(space: Space) -> Case:
    root = space.project(
        {
            "good.py": GOOD,
            "pyproject.toml": "[tool.quality-gates]\ncost-per-line = inf\n",
        }
    )
    run = gate("run", "--tools", "flake8", "good.py", expect=2, says=["cost-per-line"])
    return Case(root, [run])


def tools_empty(space: Space) -> Case:
    root = space.project({"good.py": GOOD})
    return Case(
        root, [gate("run", "--tools", "", "good.py", expect=2, says=["--tools"])]
    )


def skipped_file(kind: str) -> Callable[[Space], Case]:
    def build(space: Space) -> Case:
        root = space.project({"good.py": GOOD})
        name = f"{kind}.py"
        if kind == "dangling":
            (root / name).symlink_to("missing.py")
        elif kind == "loop":
            (root / name).symlink_to(name)
        else:
            (root / name).write_text(GOOD)
        commit(root)
        if kind == "deleted":
            (root / name).unlink()
        run = gate("run", "--all-files", "--tools", "flake8", expect=0, says=[name])
        return Case(root, [run])

    return build


def baseline_killed(space: Space) -> Case:
    root = space.project({"bad.py": BAD["flake8"][0], "pyproject.toml": FLAKE8_ONLY})
    commit(root)
    patch = "os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)"
    runs = [killed_at(space, patch, "baseline"), gate("baseline", expect=0)]
    return Case(root, runs, check=lambda: temporaries(root))


def dashboard_killed(space: Space) -> Case:
    root = space.project({"good.py": GOOD, "pyproject.toml": FLAKE8_ONLY})
    commit(root, "first")
    (root / "more.py").write_text(GOOD)
    commit(root, "second")
    patch = (
        "import quality_gates.history as h\n"
        "h.score_commit = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)"
    )
    args = ("dashboard", "--commits", "1", "--output", "d.html", "--no-cache")
    runs = [killed_at(space, patch, *args), gate(*args, expect=0)]

    def check() -> list[str]:
        listed = git(root, "worktree", "list", "--porcelain")
        extra = [ln for ln in listed.splitlines() if ln.startswith("worktree ")][1:]
        left = sorted((space.dir / "tmp").glob("quality-gates-history-*"))
        return [f"litter: worktree {ln[9:]} still registered" for ln in extra] + [
            f"litter: {p.name} left in the temporary folder" for p in left
        ]

    return Case(root, runs, check=check)


Row = tuple[str, str, Callable[[Space], Case]]
SHADOWS: list[Row] = [
    (f"shadow-{tool}-{kind}", f"a project {kind} named {tool} at the root", build)
    for tool in BAD
    for kind, build in (
        ("module", shadow(tool, package=False)),
        ("package", shadow(tool, package=True)),
    )
]
GROUPS: dict[str, list[Row]] = {
    "false-pass": [
        ("bom-file", "a file with a UTF-8 BOM, run twice", bom_file),
        ("tab-in-name", "a tab in a file name, run twice", tab_in_name),
        ("newline-in-name", "a newline in a file name", newline_in_name),
        *SHADOWS,
        ("flake8-plugin-missing", "a code no plugin reports", flake8_plugin_missing),
    ],
    "clobbered": [
        ("output-symlink", "--output to a symlink", output_symlink),
        ("output-fifo", "--output to a FIFO with a reader", output_fifo),
        ("output-null-device", "--output to /dev/null (a copy)", output_null_device),
        ("output-full-device", "--output to /dev/full (a copy)", output_full_device),
        ("fix-through-symlink", "--fix, a symlink to outside", fix_through_symlink),
        ("all-files-outside-symlink", "a symlink to outside", all_files_symlink),
        ("named-outside-symlink", "a named symlink to outside", named_symlink),
    ],
    "traceback": [
        ("output-folder", "--output to a folder", output_folder),
        ("output-read-only", "--output into a read-only mount", output_read_only),
        ("output-under-file", "--output under a regular file", output_under_file),
        ("output-full-disk", "--output onto a full tmpfs", output_full_disk),
        ("baseline-read-only", "baseline, read-only mount", baseline_read_only),
        ("deep-expression", "an expression of 3,000 terms", deep_expression),
        ("osv-nested", "an OSV record nested 100k deep", osv_nested),
        ("baseline-nested", "a baseline nested 100k deep", baseline_nested),
        ("zip-bomb-capped", "1 GiB OSV entry, 1 GiB cap", zip_bomb(capped=True)),
        ("requirements-dev-zero", "-r /dev/zero, 1 GiB cap", requirements_dev_zero),
    ],
    "hang": [
        ("huge-generated-module", "a 20 MB module", huge_generated_module),
        ("tool-timeout", "black past tool-timeout = 2", tool_timeout),
        ("zip-bomb-memory", "1 GiB OSV entry: peak memory", zip_bomb(capped=False)),
    ],
    "smaller": [
        ("dash-file-name", "a file named -x.py", dash_file_name),
        ("newer-syntax", "syntax of a newer Python", newer_syntax),
        ("cost-per-line-inf", "cost-per-line = inf", cost_per_line_inf),
        ("tools-empty", "--tools ''", tools_empty),
        ("dangling-symlink", "a tracked dangling symlink", skipped_file("dangling")),
        ("symlink-loop", "a tracked symlink loop", skipped_file("loop")),
        ("deleted-after-add", "a tracked file deleted", skipped_file("deleted")),
        ("baseline-killed", "kill -9 in baseline, rerun", baseline_killed),
        ("dashboard-killed", "kill -9 in dashboard, rerun", dashboard_killed),
    ],
}
# mounts and device nodes
ROOT_ONLY = {
    "output-null-device",
    "output-full-device",
    "output-read-only",
    "output-full-disk",
    "baseline-read-only",
}
# issue #22: hostile text and hostile neighbours; each module holds the issue's
# own cases (ISSUE) and more of the same classes (OWN)
SLOW = faults_tamper.SLOW
SECOND = {
    "injection": faults_injection,
    "tampering": faults_tamper,
    "stops": faults_stops,
}
SCENARIOS = [
    Scenario(name, group, what, build, needs_root=name in ROOT_ONLY)
    for group, rows in GROUPS.items()
    for name, what, build in rows
] + [
    Scenario(name, group, what, build, origin=origin, slow=name in SLOW)
    for group, module in SECOND.items()
    for origin, rows in (("#22", module.ISSUE), ("#22-own", module.OWN))
    for name, what, build in rows
]


# -- the command ---------------------------------------------------------------


def totals(verdicts: Sequence[Verdict]) -> dict[str, int]:
    """Scenarios run, skipped, clean, and how many have each problem category."""
    ran = [v for v in verdicts if not v.skipped]
    counts = {
        "scenarios": len(ran),
        "skipped": len(verdicts) - len(ran),
        "ok": sum(1 for v in ran if not v.problems),
    }
    for category in CATEGORIES:
        counts[category] = sum(1 for v in ran if category in v.categories)
    return counts


def by_origin(verdicts: Sequence[Verdict]) -> dict[str, dict[str, int]]:
    """``totals`` of each battery: #14's, #22's cases and the ones beside them."""
    origins = dict.fromkeys(v.scenario.origin for v in verdicts)
    return {
        origin: totals([v for v in verdicts if v.scenario.origin == origin])
        for origin in origins
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run the fault battery against a checkout of quality-gates."
    )
    parser.add_argument(
        "--hooks",
        type=Path,
        default=REPO / "hooks",
        help="the folder holding the quality_gates package (default: this checkout's)",
    )
    parser.add_argument("--only", nargs="+", metavar="ID", help="run these scenarios")
    parser.add_argument(
        "--hang-after",
        type=float,
        default=120.0,
        metavar="S",
        help="seconds before a command counts as hung and is killed (default: 120)",
    )
    parser.add_argument(
        "--memory-limit",
        type=int,
        default=1024,
        metavar="MB",
        help="peak memory above which a run counts as unbounded (default: 1024)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the verdicts")
    parser.add_argument("--list", action="store_true", help="list the scenarios")
    args = parser.parse_args(argv)
    known = {s.id for s in SCENARIOS}
    for name in args.only or ():
        if name not in known:
            parser.error(f"unknown scenario {name!r}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = [s for s in SCENARIOS if not args.only or s.id in args.only]
    if args.list:
        for s in chosen:
            print(f"{s.id:28} {s.group:11} {s.origin:8} {s.what}")
        return 0
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="qg-faults-") as scratch:
        shared = Path(scratch) / "shared"
        shared.mkdir()
        for index, scenario in enumerate(chosen):
            folder = Path(scratch) / f"{index:02d}-{scenario.id}"
            folder.mkdir()
            verdict = run_scenario(
                scenario,
                folder,
                shared,
                hooks=args.hooks.resolve(),
                hang_after=args.hang_after,
                memory_limit_mb=args.memory_limit,
            )
            verdicts.append(verdict)
            _print(verdict)
            shutil.rmtree(folder, ignore_errors=True)
    counts = totals(verdicts)
    print("totals: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for origin, part in by_origin(verdicts).items():
        print(f"  {origin}: " + ", ".join(f"{k} {v}" for k, v in part.items() if v))
    if args.json:
        args.json.write_text(json.dumps(_document(verdicts, counts), indent=2) + "\n")
    return 0 if counts["ok"] == counts["scenarios"] else 1


def _print(verdict: Verdict) -> None:
    s = verdict.scenario
    state = "skipped" if verdict.skipped else ("ok" if not verdict.problems else "FAIL")
    print(f"{state:7} {s.id:28} {verdict.seconds:6.1f}s  {s.what}", flush=True)
    for problem in verdict.problems:
        print(f"          {problem}", flush=True)
    if verdict.skipped:
        print(f"          {verdict.skipped}", flush=True)


def _document(verdicts: Sequence[Verdict], counts: dict[str, int]) -> dict[str, object]:
    return {
        "totals": counts,
        "by_origin": by_origin(verdicts),
        "scenarios": [
            {
                "id": v.scenario.id,
                "group": v.scenario.group,
                "origin": v.scenario.origin,
                "what": v.scenario.what,
                "problems": v.problems,
                "skipped": v.skipped,
                "seconds": round(v.seconds, 1),
            }
            for v in verdicts
        ],
    }


if __name__ == "__main__":
    raise SystemExit(main())
