"""Today's findings as the new hooks will report them, found in a copy of the project.

The hook runs in the environment pre-commit builds for it: the suite at the
pinned rev and the hooks' ``additional_dependencies``, nothing else.  mypy
resolves imports against that environment, so findings taken in init's own
interpreter differ (a ``pytest`` or ``setuptools`` installed beside init is
found there and missing in the hook: ``import-not-found`` that no baseline
has).  init therefore runs the planned hooks themselves through pre-commit,
on a copy of the project that holds the planned files, each hook writing its
findings as JSON (see ``baseline_hooks``).  The environment pre-commit builds
for that is the one the first commit reuses.  The project itself is not
touched: its files are linked into the copy, and no hook there fixes a file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess  # nosec B404 - git and pre-commit with argument lists
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from quality_gates import config as config_mod
from quality_gates import files as files_mod
from quality_gates import score as score_mod
from quality_gates import verdict
from quality_gates.adopt import baseline_hooks
from quality_gates.adopt.precommit_file import PATH
from quality_gates.errors import GateError
from quality_gates.findings import Finding
from quality_gates.report import Report, ToolRun

ENVIRONMENTS = (".venv", "venv")
# what would change which hooks run, or how, under the user's shell
DROPPED_VARIABLES = ("SKIP", "PRE_COMMIT_CONFIG", "PRE_COMMIT_COLOR")


def _place(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if src.is_symlink():
        dest.symlink_to(os.readlink(src))
        return
    try:
        os.link(src, dest)  # read only by the tools: a link is enough
    except OSError:
        shutil.copy2(src, dest)


def copy_project(root: Path, target: Path, planned: Mapping[str, str]) -> None:
    """Link the tracked files into ``target``, write ``planned`` over them, git add."""
    listed = files_mod.git(root, "ls-files", "-z", "--cached")
    for name in sorted({n for n in listed.split("\0") if n}):
        src = root / name
        if src.is_file() or src.is_symlink():
            _place(src, target / name)
    for name, text in planned.items():
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.unlink(missing_ok=True)  # never write through a link to the project
        dest.write_text(text, encoding="utf-8")
    for name in ENVIRONMENTS:
        if (root / name).is_dir():
            (target / name).symlink_to(root / name)
    files_mod.git(target, "init", "-q")
    # the environments' links are never the project's files: excluded by git's
    # own list, not by a pathspec (git refuses a pathspec naming an ignored path)
    exclude = target / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    exclude.write_text("".join(f"/{n}\n" for n in ENVIRONMENTS), encoding="utf-8")
    files_mod.git(target, "add", "-A", "--", ".")


def pre_commit_command() -> list[str]:
    """Return how to start pre-commit: this interpreter's, else the one on PATH."""
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    found = shutil.which("pre-commit")
    if found is None:
        raise GateError(
            "pre-commit: not found (neither importable nor on PATH); init takes the "
            "baseline by running the new hooks through it, as every commit will: "
            "`pip install pre-commit`, then run init again"
        )
    return [found]


def run_hooks(copy: Path, config: Path, say: Callable[[str], None]) -> tuple[int, str]:
    """Run ``pre-commit run --all-files --config CONFIG``; return code and output."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_VARIABLES}
    command = [*pre_commit_command(), "run", "--all-files", "--color", "never"]
    proc = subprocess.Popen(  # nosec B603
        [*command, "--config", str(config)],
        cwd=copy,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    lines = []
    assert proc.stdout is not None  # nosec B101 - stdout=PIPE
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("[INFO]"):
            say("pre-commit: " + line.removeprefix("[INFO]").strip())
    return proc.wait(), "".join(lines)


# virtualenv's words when the hook's language_version names no Python here
_NO_PYTHON = re.compile(r"failed to find interpreter for .*python_spec='([^']+)'")
PRE_COMMIT_ERRORS = ("An unexpected error has occurred", "An error has occurred")


def _tail(output: str) -> str:
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    return " | ".join(lines[-4:]) or "no output"


def pre_commit_error(code: int, output: str) -> GateError | None:
    """Return pre-commit's own failure (not a hook's) as one line, else None."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    start = next(
        (i for i, ln in enumerate(lines) if ln.startswith(PRE_COMMIT_ERRORS)), None
    )
    if start is None and code in (0, 1):
        return None  # the hooks ran: passed, or found something
    if start is None:
        return GateError(
            f"pre-commit failed (exit {code}), so no baseline: {_tail(output)}"
        )
    rest = lines[start + 1 :]
    cause = next((ln for ln in rest if ln.startswith("ERROR:")), lines[start])
    missing = next((m[1] for ln in rest if (m := _NO_PYTHON.search(ln))), None)
    if missing is not None:
        cause = (
            f"there is no {missing} on this machine, the hooks' language_version "
            "(the project's own hooks need it too): install it, or change their "
            "language_version in .pre-commit-config.yaml"
        )
    log = next((ln for ln in rest if ln.startswith("Check the log at")), "")
    what = (
        "pre-commit could not install the new hooks"
        if any(ln.startswith("[INFO] Installing environment") for ln in lines[:start])
        else f"pre-commit failed (exit {code})"
    )
    return GateError(f"{what}, so no baseline: {cause} ({log or 'no log'})")


def read_reports(
    reports: tuple[Path, ...], code: int, output: str
) -> list[dict[str, Any]]:
    """Read each hook's JSON report; a hook that failed to report is an error."""
    failure = pre_commit_error(code, output)
    if failure is not None:
        raise failure
    found = []
    for path in reports:
        if not path.is_file():
            if code == 0:
                continue  # the hook had no file to check: pre-commit skipped it
            raise GateError(
                f"the suite's hook failed before it reported, so no baseline: "
                f"{_tail(output)}"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise GateError(f"the suite's hook wrote an unreadable report: {exc}")
        if data.get("errors"):
            raise GateError(
                f"{len(data['errors'])} tool error(s), so no baseline: "
                + "; ".join(" ".join(str(e).split()) for e in data["errors"])
            )
        found.append(data)
    return found


def merge(reports: list[dict[str, Any]], cfg: config_mod.Config) -> Report:
    """Return one report of every hook's findings, scored over the project's lines."""
    findings: dict[tuple[str, str], Finding] = {}
    tools: dict[str, ToolRun] = {}
    loc = 0
    for data in reports:
        for item in data.get("findings", []):
            finding = Finding.from_dict(item)
            finding.new = None
            findings.setdefault((finding.tool, finding.fingerprint), finding)
        for name, run in data.get("tools", {}).items():
            tools[name] = ToolRun(name, **run)
        loc = max(loc, int(data.get("summary", {}).get("lines_of_code") or 0))
    ordered = sorted(findings.values(), key=Finding.sort_key)
    result = score_mod.compute(ordered, loc, costs=verdict.costs(cfg))
    report = Report("init", findings=ordered, tools=tools)
    report.summary.findings = len(ordered)
    report.summary.set_score(result)
    said = [str(d.get("summary", {}).get("test_files") or "") for d in reports]
    report.summary.test_files = next((line for line in said if line), None)
    return report


def findings(
    root: Path, planned: Mapping[str, str], suite: str, say: Callable[[str], None]
) -> Report:
    """Run the planned hooks on a copy of the project; tool errors are fatal."""
    with tempfile.TemporaryDirectory(prefix="quality-gates-init-") as tmp:
        copy = Path(tmp) / "project"
        copy_project(root, copy, planned)
        hooks = baseline_hooks.build(planned[PATH], suite, Path(tmp))
        config = Path(tmp) / "baseline-hooks.yaml"
        config.write_text(hooks.text, encoding="utf-8")
        say(
            "running the new hooks through pre-commit on a copy of the project, in "
            "their own environment (installed once, then reused by every commit)"
        )
        code, output = run_hooks(copy, config, say)
        reports = read_reports(hooks.reports, code, output)
        return merge(reports, config_mod.load(copy))
