"""``quality-gates import-time``: fail when importing the package is over budget."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from quality_gates import config as config_mod
from quality_gates import files as files_mod
from quality_gates import report_formats, sources
from quality_gates.errors import FAILED, PASSED, GateError
from quality_gates.findings import Finding
from quality_gates.guards.base import rule_infos
from quality_gates.guards.import_time import measure as import_time
from quality_gates.guards.import_time.rules import RULES
from quality_gates.interpreter import project_python
from quality_gates.report import Report, ToolRun

NAME = "import-time"
HELP = "fail when importing the package takes longer than its time budget"
DESCRIPTION = """\
Import PACKAGE in fresh interpreters (one warm-up, then --runs measured runs)
with `python -X importtime`, take the median total, fail when it is over
--budget seconds, and list the slowest imports by cumulative time: the ones
worth making lazy.

The interpreter is --python, else the project's own (python-executable in
[tool.quality-gates], an active virtual environment, .venv or venv), else the
one running quality-gates.  PACKAGE, --budget and --runs default to package,
budget and runs in [tool.quality-gates.import-time].

exit codes: 0 within budget, 1 over budget, 2 usage error or the import failed"""
TEXT_VIEW = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add PACKAGE, the budget options and the report options."""
    parser.add_argument(
        "package",
        nargs="?",
        metavar="PACKAGE",
        help="module to import (pkg or pkg.sub)",
    )
    parser.add_argument(
        "--budget", type=float, metavar="SECONDS", help="the most the import may take"
    )
    parser.add_argument(
        "--runs",
        type=int,
        metavar="N",
        help=f"measured imports, median taken (default {import_time.DEFAULT_RUNS})",
    )
    parser.add_argument("--python", metavar="PATH", help="interpreter to import with")
    parser.add_argument(
        "--top", type=int, default=10, metavar="N", help="slowest imports to list (10)"
    )
    report_formats.add_options(parser)


def choose_python(option: str | None, cfg: config_mod.Config) -> str:
    """--python, else the project's interpreter, else the current one."""
    if option:
        return os.path.abspath(option)
    return project_python(cfg.root, cfg.python_executable) or sys.executable


def build_report(
    measured: import_time.Measurement, budget: float, root: Path
) -> Report:
    """Turn a measurement into notes, a summary and the over-budget finding."""
    report = Report(command=NAME, rules={NAME: rule_infos(RULES)})
    report.tools[NAME] = ToolRun(NAME, f"python {measured.python_version}")
    median = measured.median_s
    report.summary.details.update(
        measured.to_dict(), budget_seconds=budget, over_budget=median > budget
    )
    report.notes.append(
        f"{measured.package}: median {median:.3f} s of {measured.runs} run(s), "
        f"budget {budget:.3f} s, imported with {measured.python}"
    )
    if measured.slowest:
        report.notes.append("slowest imports (cumulative s, self s, module):")
    for entry in measured.slowest:
        cumulative, own = entry.cumulative_us / 1e6, entry.self_us / 1e6
        report.notes.append(f"  {cumulative:8.3f} {own:8.3f}  {entry.module}")
    if median > budget:
        report.findings.append(over_budget(measured, budget, root))
    report.findings = sources.fingerprint_files(root, report.findings)
    report.exit_code = FAILED if report.findings else PASSED
    return report


def over_budget(
    measured: import_time.Measurement, budget: float, root: Path
) -> Finding:
    """Build the finding that names the slowest imports."""
    names = ", ".join(
        f"{e.module} {e.cumulative_us / 1e6:.3f} s" for e in measured.slowest[:3]
    )
    return Finding(
        tool=NAME,
        rule="over-budget",
        severity="error",
        path=_display(measured.module_file, root) or measured.package,
        line=1,
        column=0,
        message=(
            f"importing {measured.package} takes {measured.median_s:.3f} s (median of "
            f"{measured.runs} runs), over its {budget:.3f} s budget; make the slowest "
            f"imports lazy: {names or 'none below the package itself'}"
        ),
    )


def _display(path: str, root: Path) -> str:
    if not path:
        return ""
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return path


def report(args: argparse.Namespace) -> Report:
    """Resolve package, budget and interpreter, and measure the import."""
    root = files_mod.project_root()
    cfg = config_mod.load(root)
    table = import_time.settings(cfg.section("import-time"))
    package = args.package or table.get("package")
    if not package:
        raise GateError(
            "no package: name it (quality-gates import-time PACKAGE) or set "
            "package in [tool.quality-gates.import-time]"
        )
    budget = args.budget if args.budget is not None else table.get("budget")
    if budget is None or budget <= 0:
        raise GateError(
            "no budget: give --budget SECONDS (more than 0) or set budget in "
            "[tool.quality-gates.import-time]"
        )
    if args.top < 0:
        raise GateError("--top must be 0 or more")
    measured = import_time.measure(
        package,
        python=choose_python(args.python, cfg),
        cwd=root,
        runs=(
            args.runs
            if args.runs is not None
            else table.get("runs", import_time.DEFAULT_RUNS)
        ),
        top=args.top,
    )
    return build_report(measured, float(budget), root)


def main(args: argparse.Namespace) -> int:
    """Measure the import, emit the report and return the exit code."""
    return report_formats.emit_verdict(report(args), args)
