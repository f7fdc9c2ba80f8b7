#!/usr/bin/env python3
"""Compare the gate with each tool run the way the project runs it.

For each project of ``bench/agreement.toml``: download its pinned sdist with
pip, commit it to a fresh git repository, run ``quality-gates run`` one tool at
a time (``--all-files``, what a newcomer gets), and run each tool directly the
way the project runs it (its config, its paths, its environment: the commands
of the TOML file), with the pinned versions of the suite's own environment.
Findings are compared as (path, line, rule): the table counts the gate's
findings, the direct run's, those in both, and explains every difference:

- ``outside``: the gate checks every tracked file the tool's config selects;
  the project passes paths (or a pre-commit file list) on its command line;
- ``invalid``: the file is not valid Python (python E999/E902 in the gate,
  which hands it to no tool), the tool reports its own syntax error instead;
- ``crash``: the tool crashed on one file (``tool-error``), run alone;
- anything left is ``unexplained`` and listed in the JSON report.

A tool the project has no config for runs with the suite's documented
defaults on both sides (``--line-length`` ..., and the defaults for test
files: ``test_defaults``), so like is compared with like.

    python bench/agreement.py [--only NAME ...] [--work DIR] [--output FILE]
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import re
import shlex
import shutil
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import tomllib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO / "hooks"), str(REPO)]

from quality_gates import config as config_mod  # noqa: E402
from quality_gates.files import tracked_python_files  # noqa: E402
from quality_gates.tools import load  # noqa: E402
from quality_gates.tools.base import Context, diff_lines  # noqa: E402
from quality_gates.tools.testdefaults import bandit_config, bandit_name  # noqa: E402

from bench.sdists import Sdist, download, git, unpack  # noqa: E402

TOOLS = ("black", "isort", "flake8", "mypy", "bandit")
# the gate's note when it ran mypy again, as a project would by hand
RERUN = "again with --explicit-package-bases"
Key = tuple[str, int, str]  # path, line, rule
# options that say how to report, not what to find
MODES = {"--check", "--diff", "--check-only", "-r", "--recursive", "-q", "--quiet"}
FLAKE8 = "--format=%(path)s:%(row)d:%(col)d: %(code)s %(text)s"
# only what makes the output machine-readable: never what is checked
READABLE = {
    "black": ["--diff", "--no-color"],
    "isort": ["--diff"],
    "flake8": [FLAKE8],
    "mypy": ["--output", "json", "--no-error-summary", "--hide-absolute-path"],
    "bandit": ["-f", "json", "-q"],
}


@dataclasses.dataclass
class Project:
    """One entry of the TOML file: an sdist and how its project runs each tool."""

    sdist: str
    note: str
    commands: dict[str, str]
    venv: list[str]
    # "tuning" or "held-out" (#25's split), "unseen" (added after its fixes);
    # "" for the projects before it
    half: str = ""
    # flake8 plugins the project's lint run installs, for the direct run only
    direct_plugins: list[str] = dataclasses.field(default_factory=list)

    @property
    def name(self) -> str:
        """Return the distribution's name."""
        return self.sdist.split("==")[0]


def read_projects(path: Path) -> list[Project]:
    """Read ``agreement.toml``."""
    data = tomllib.loads(path.read_text())
    return [
        Project(
            sdist=p["sdist"],
            note=p.get("note", ""),
            commands={t: p[t] for t in TOOLS if t in p},
            venv=list(p.get("venv", [])),
            half=p.get("half", ""),
            direct_plugins=list(p.get("direct_plugins", [])),
        )
        for p in data["project"]
    ]


# -- the tree ---------------------------------------------------------------------
def run(cmd: Sequence[str], cwd: Path, **kw: Any) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing its text output."""
    return subprocess.run(  # nosec B603
        list(cmd),
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
        **kw,
    )


def tree(project: Project, work: Path) -> Path:
    """Download and unpack the sdist into a fresh, committed git repository.

    The sdist's files are tracked as in the project's own checkout: what its
    ``.gitignore`` names (generated files such as black's
    ``_black_version.py``) stays untracked.
    """
    archive = download(Sdist.parse(project.sdist), work / "sdists")
    root = unpack(archive, work / "trees" / project.name, project.sdist)
    if project.venv:
        make_venv(root, project.venv)
    if project.direct_plugins:
        target = plugins_folder(root)
        shutil.rmtree(target, ignore_errors=True)
        pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps"]
        proc = run([*pip, "--target", str(target), *project.direct_plugins], root)
        if proc.returncode:
            raise SystemExit(
                f"agreement: pip install {project.direct_plugins}: {proc.stderr}"
            )
    return root


def plugins_folder(root: Path) -> Path:
    """Where the direct run's flake8 plugins are (beside the trees, never in one)."""
    return root.parent.parent / "plugins" / root.name


def make_venv(root: Path, packages: Sequence[str]) -> None:
    """Make the project's own .venv (after the commit: never tracked)."""
    run([sys.executable, "-m", "venv", str(root / ".venv")], root)
    pip = [str(root / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q"]
    proc = run([*pip, *packages], root)
    if proc.returncode:
        raise SystemExit(f"agreement: pip install {packages}: {proc.stderr}")


# -- pre-commit's file lists -------------------------------------------------------
def pre_commit_files(root: Path, hook: str) -> list[str]:
    """List the tracked files pre-commit passes to ``hook`` of the project."""
    import yaml

    data = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())
    top = data.get("exclude", "^$")
    for repo in data.get("repos", []):
        for entry in repo.get("hooks", []):
            if entry.get("id") == hook:
                files = git(root, "ls-files", "-z").split("\0")
                wanted = re.compile(entry.get("files", ""))
                skip = re.compile(entry.get("exclude", "^$"))
                return [
                    f
                    for f in files
                    if f.endswith((".py", ".pyi"))
                    and wanted.search(f)
                    and not skip.search(f)
                    and not re.search(top, f)
                ]
    raise SystemExit(f"agreement: no hook {hook!r} in {root}/.pre-commit-config.yaml")


def expand(root: Path, command: str) -> tuple[list[str], list[str] | None]:
    """Split a command; return it and the paths it names (None: the whole tree)."""
    argv: list[str] = []
    paths: list[str] = []
    for index, word in enumerate(shlex.split(command)):
        m = re.fullmatch(r"\{pre-commit:(.+)\}", word)
        if m:
            listed = pre_commit_files(root, m.group(1))
            argv += listed
            paths += listed
        else:
            argv.append(word)
            if not word.startswith("-") and index and (root / word).exists():
                paths.append(os.path.normpath(word))  # ./alembic/ is alembic
    whole = not paths or any(p in (".", "") for p in paths)
    return argv, None if whole else paths


def inside(path: str, paths: Sequence[str] | None) -> bool:
    """Tell whether ``path`` is one of ``paths`` or under one of them."""
    if paths is None:
        return True
    return any(path == p or path.startswith(p + "/") for p in paths)


# -- the two sides -------------------------------------------------------------------
def relative(root: Path, path: str) -> str:
    """Return a tool's path from the project root, posix."""
    path = path.split("\t")[0].removesuffix(":before").removesuffix(":after")
    full = Path(path) if os.path.isabs(path) else root / path
    try:
        return full.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


def parse_direct(tool: str, root: Path, out: str, err: str) -> list[Key]:
    """Return the findings of a direct run, as (path, line, rule)."""
    if tool in ("black", "isort"):
        rule = "BLK100" if tool == "black" else "I001"
        found = [(relative(root, p), line, rule) for p, line, _, _ in diff_lines(out)]
        # a file black cannot parse: the gate's python E999 names black
        bad = re.findall(r"^error: cannot parse: (.+):(\d+):\d+$", err, re.M)
        return found + [(relative(root, p), int(n), "E999") for p, n in bad]
    if tool == "flake8":
        found = re.findall(r"^(.+?):(\d+):\d+: ([A-Z]+\d+) ", out, re.M)
        return [(relative(root, p), int(n), c) for p, n, c in found]
    if tool == "mypy":
        keys = []
        for text in (out + "\n" + err).split("\n"):
            if text.startswith("{"):
                r = json.loads(text)
                if r["severity"] != "note" and r["line"] > 0:
                    # a syntax error: the gate's python E999 names mypy
                    code = "E999" if r["code"] == "syntax" else r["code"] or "misc"
                    keys.append((relative(root, r["file"]), r["line"], code))
        return keys
    data = json.loads(out) if out.strip().startswith("{") else {"results": []}
    return [
        (relative(root, r["filename"]), r["line_number"], r["test_id"])
        for r in data["results"]
    ]


@dataclasses.dataclass
class Direct:
    """A direct run: its findings, the paths it named, how it ended."""

    found: list[Key]
    paths: list[str] | None
    crash: str | None
    # the files pre-commit gives the project's hook: the gate's hook gets them too
    pre_commit: list[str] | None = None
    # settings the project gives on its command line, which no config holds
    options: list[str] = dataclasses.field(default_factory=list)


def test_defaults(tool: str, ctx: Context) -> list[str]:
    """The suite's defaults for test files, as arguments of a direct run.

    The gate names each test file to bandit (``assert_used`` skips, in a config
    file) and flake8 (``--per-file-ignores``) where the project has no config
    of its own for them (docs/score.md, "Test code"): the direct run gets the
    same, so like is compared with like.
    """
    adapter = load()[tool]
    tracked = tracked_python_files(ctx.root)
    tests = [p for p in tracked if ctx.tests(p)] if adapter.test_defaults(ctx) else []
    if not tests:
        return []
    if tool == "bandit":
        config = ctx.root.parent / f"{ctx.root.name}-bandit-tests.toml"
        # `bandit -r .` calls a file ./path; one named on the command line, ././path
        names = [f"./{p}" for p in tests] + [bandit_name(p) for p in tests]
        config.write_text(bandit_config(names), encoding="utf-8")
        return ["--configfile", str(config)]
    ignores = getattr(adapter, "per_file_ignores")(ctx)
    if ignores is None:
        return []  # flake8 refuses the project's own per-file-ignores: it says so
    return ["--per-file-ignores", ignores.value([ignores.entry(p) for p in tests])]


def direct(
    project: Project,
    tool: str,
    root: Path,
    skip: Sequence[str] = (),
    extra: Sequence[str] = (),
) -> Direct:
    """Run the tool the project's way; return its findings and the paths it named.

    ``skip``: files mypy must not read (``--exclude``), those the gate found
    not valid Python and handed to no tool; mypy would stop at them.
    ``extra``: options the gate's note says it added (``--explicit-package-bases``).
    """
    argv, paths = expand(root, project.commands[tool])
    argv += extra
    if skip:
        argv += ["--exclude", "^(" + "|".join(re.escape(p) for p in skip) + ")$"]
    ctx = Context(root, config_mod.load(root))
    defaults = load()[tool].settings(ctx)  # none when the project configures it
    defaults += test_defaults(tool, ctx)
    python = sys.executable
    if tool == "mypy" and (root / ".venv").is_dir():
        python = str(root / ".venv" / "bin" / "python")  # the project's own mypy
    exe, *rest = argv
    env = dict(os.environ)
    if project.direct_plugins:
        env["PYTHONPATH"] = str(plugins_folder(root))
    proc = run([python, "-m", exe, *READABLE[tool], *defaults, *rest], root, env=env)
    crash = None
    failed = re.search(r'^.+: ".+" failed during execution .*$', proc.stdout, re.M)
    if "Traceback (most recent call last)" in proc.stderr:
        crash = proc.stderr.strip().split("\n")[-1]
    elif failed:  # a flake8 plugin failed on one file: flake8 stopped there
        crash = failed.group(0)
    elif tool == "mypy" and proc.returncode == 2:
        crash = "mypy exit 2: " + (proc.stdout + proc.stderr).strip()[:200]
    hooked = "{pre-commit:" in project.commands[tool]
    found = parse_direct(tool, root, proc.stdout, proc.stderr)
    options = [
        w for w in rest if w.startswith("-") and w not in MODES and w not in extra
    ]
    return Direct(found, paths, crash, paths if hooked else None, options)


def gate(tool: str, root: Path, cache: Path, files: list[str] | None) -> dict[str, Any]:
    """Run the gate for one tool over every tracked file, or the files named."""
    env = {**os.environ, "QUALITY_GATES_CACHE_DIR": str(cache)}
    env.pop("VIRTUAL_ENV", None)
    proc = run(
        [sys.executable, "-m", "quality_gates", "run", *(files or ["--all-files"])]
        + ["--tools", tool, "--format", "json"],
        root,
        env={**env, "PYTHONPATH": str(REPO / "hooks")},
    )
    if not proc.stdout.strip():
        raise SystemExit(f"agreement: the gate printed nothing: {proc.stderr[-500:]}")
    report: dict[str, Any] = json.loads(proc.stdout)
    report["exit_code"] = proc.returncode
    return report


# -- the comparison ------------------------------------------------------------------
@dataclasses.dataclass
class Row:
    """One project and tool: counts and the explained differences."""

    project: str
    tool: str
    gate: int
    direct: int
    both: int
    reasons: collections.Counter[str]
    unexplained: list[str]
    errors: list[str]
    crash: str | None = None
    where: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    # the gate's exit code on first contact (cold cache), this tool alone
    exit: int | None = None

    def cells(self) -> list[str]:
        """Return the table's cells."""
        why = ", ".join(f"{n} {r}" for r, n in sorted(self.reasons.items())) or "-"
        if self.unexplained:
            why += f"; {len(self.unexplained)} unexplained"
        if self.errors:
            why += f"; gate error: {self.errors[0][:80]}"
        if self.crash:
            why += f"; the direct run crashed: {self.crash[:80]}"
        return [
            self.project,
            self.tool,
            "-" if self.exit is None else str(self.exit),
            str(self.gate),
            str(self.direct),
            str(self.both),
            why,
        ]


def _explainer(
    root: Path, tool: str, report: dict[str, Any], run: Direct
) -> Callable[[str, str, str], tuple[str, str]]:
    """Return why a finding only one side has is expected: (reason, where) or ""."""
    invalid = {f["path"] for f in report["findings"] if f["tool"] == "python"}
    tracked = set(git(root, "ls-files", "-z").split("\0"))
    crashed = {f["path"] for f in report["findings"] if f["rule"] == "tool-error"}
    named = [p for p in run.paths or () if p in tracked]
    ctx = Context(root, config_mod.load(root))
    scope = set(load()[tool].select(ctx, named)) if named else set()

    def explain(side: str, path: str, rule: str) -> tuple[str, str]:
        if side == "gate" and rule == "config-error":
            return "a problem of the tool's config, on its line", "config"
        if side == "direct" and path in (run.paths or ()) and path not in scope:
            # `black docs/build/conf.py` checks what `black .` excludes
            return "named on the command line, excluded by the tool's walk", "named"
        if side == "gate" and not inside(path, run.paths):
            return "outside the project's paths", "outside"
        if path in invalid:
            return "not valid Python", ""
        if path in crashed:
            return "tool crashed on the file", ""
        if side == "direct" and path not in tracked:
            return "untracked (the project's .gitignore)", "untracked"
        if side == "gate" and run.crash:
            return "the direct run crashed", ""
        if run.options:
            return f"settings on the command line ({' '.join(run.options)})", ""
        return "", ""

    return explain


def names(message: str, tool: str) -> bool:
    """Tell whether a python E999/E902 message names ``tool`` as not given the file."""
    m = re.search(r"\(reported once for (.+), which (?:was|were) not given", message)
    return m is not None and tool in re.split(r", | and ", m.group(1))


def compare(
    root: Path, project: Project, tool: str, report: dict[str, Any], run: Direct
) -> Row:
    """Match the gate's findings with the direct run's, and explain the rest."""
    found = run.found
    # a file that is not valid Python is one finding for every tool it names
    mine = [
        (f["path"], f["line"], f["rule"])
        for f in report["findings"]
        if f["tool"] == tool or (f["tool"] == "python" and names(f["message"], tool))
    ]
    gate_count, direct_count = collections.Counter(mine), collections.Counter(found)
    both = gate_count & direct_count
    reasons: collections.Counter[str] = collections.Counter()
    unexplained = []
    where: dict[str, list[str]] = {}
    explain = _explainer(root, tool, report, run)
    for side, extra in (("gate", gate_count - both), ("direct", direct_count - both)):
        for (path, line, rule), n in extra.items():
            reason, place = explain(side, path, rule)
            if reason:
                reasons[reason] += n
                if place:
                    where.setdefault(place, []).append(path)
            else:
                unexplained += [f"{side} only: {path}:{line} {rule}"] * n
    return Row(
        project.name,
        tool,
        sum(gate_count.values()),
        sum(direct_count.values()),
        sum(both.values()),
        reasons,
        unexplained,
        list(report.get("errors", [])),
        run.crash,
        {k: sorted(set(v)) for k, v in where.items()},
        report.get("exit_code"),
    )


def table(rows: Iterable[Row]) -> str:
    """Return the Markdown table."""
    head = ["project", "tool", "exit", "gate", "direct", "both", "differences"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def first_contact(rows: Sequence[Row]) -> str:
    """Return the table of each project's first-contact exit code.

    A project's code is its tools' worst (2 beats 1 beats 0): the gate runs
    each tool independently, so a run of all five ends the same way.  An exit
    2 is counted against the goal only where the project's own run of that
    tool did not fail too.
    """
    lines = [
        "| project | exit | exit 2 from | the project's own run fails too |",
        "|---|---|---|---|",
    ]
    for name in dict.fromkeys(r.project for r in rows):
        mine = [r for r in rows if r.project == name]
        codes = {r.exit for r in mine}
        code = 2 if 2 in codes else max((c for c in codes if c is not None), default=0)
        errors = [r for r in mine if r.exit == 2]
        own = [r.tool for r in errors if r.crash]
        lines.append(
            f"| {name} | {code} | {', '.join(r.tool for r in errors) or '-'} "
            f"| {', '.join(own) or '-'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison; print the table; exit 1 when anything is unexplained."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=Path, default=HERE / "agreement.toml")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="these projects only")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated")
    parser.add_argument("--work", type=Path, default=HERE / "work" / "agreement")
    parser.add_argument("--output", type=Path, help="write the rows as JSON here")
    parser.add_argument(
        "--half",
        choices=("tuning", "held-out", "unseen"),
        help="the projects of one part of #25's corpus only",
    )
    args = parser.parse_args(argv)
    projects = read_projects(args.projects)
    if args.only:
        projects = [p for p in projects if p.name in args.only]
    if args.half:
        projects = [p for p in projects if p.half == args.half]
    rows = []
    for project in projects:
        root = tree(project, args.work)
        cache = args.work / "cache" / project.name
        shutil.rmtree(cache, ignore_errors=True)
        for tool in args.tools.split(","):
            ran = direct(project, tool, root)
            report = gate(tool, root, cache, ran.pre_commit)
            invalid = sorted(
                {f["path"] for f in report["findings"] if f["tool"] == "python"}
            )
            rerun = any(RERUN in note for note in report.get("notes", []))
            extra = ["--explicit-package-bases"] if tool == "mypy" and rerun else []
            if tool == "mypy" and ran.crash and (invalid or extra):
                # mypy stopped at a file the gate hands to no tool, or at a
                # module found twice: compare with mypy run as the gate ran it
                # (on the rest; with the option its note names)
                ran = direct(project, tool, root, invalid, extra)
            row = compare(root, project, tool, report, ran)
            print("| " + " | ".join(row.cells()) + " |", file=sys.stderr, flush=True)
            rows.append(row)
    print(table(rows))
    print(first_contact(rows))
    if args.output:
        args.output.write_text(
            json.dumps(
                [{**vars(r), "reasons": dict(r.reasons)} for r in rows], indent=2
            )
            + "\n"
        )
    return 1 if any(r.unexplained or r.errors for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
