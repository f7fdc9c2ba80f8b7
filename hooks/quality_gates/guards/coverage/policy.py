"""The coverage gate's policy: thresholds resolved, each check, the report.

Options come from the command line, then [tool.quality-gates.coverage], then
coverage.py's own ``fail_under``; the ratchet record is written only here, and
only when asked and higher.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path
from typing import Any

import coverage as coverage_py
from quality_gates import diffs, sources
from quality_gates.atomic import refuse_outside
from quality_gates.errors import FAILED, PASSED, GateError
from quality_gates.findings import Finding
from quality_gates.guards.base import rule_infos
from quality_gates.guards.coverage import changed_lines as changed_mod
from quality_gates.guards.coverage import data as coverage_mod
from quality_gates.guards.coverage import ratchet as ratchet_mod
from quality_gates.guards.coverage.rules import RULES, TOOL
from quality_gates.report import Report, ToolRun


@dataclasses.dataclass
class Options:
    """The resolved thresholds of one run."""

    fail_under: float | None = None
    ratchet: Path | None = None
    tolerance: float = 0.0
    update_ratchet: bool = False
    # the ratchet file was named with --ratchet (else the project's: it is
    # written only inside the project)
    ratchet_named: bool = False
    diff_base: str | None = None
    changed_fail_under: float = 100.0


def _path(option: str | None, configured: str | None, root: Path) -> Path | None:
    if option:
        return Path(os.path.abspath(option))
    if configured:
        return root / configured
    return None


def data_file(args: argparse.Namespace, table: dict[str, Any], root: Path) -> Path:
    """Pick --data, else `data`, else .coverage, else coverage.xml in the root."""
    chosen = _path(args.data, table.get("data"), root)
    if chosen is not None:
        return chosen
    for name in (".coverage", "coverage.xml"):
        if (root / name).exists() or (args.combine and name == ".coverage"):
            return root / name
    raise GateError(
        f"no coverage data: neither .coverage nor coverage.xml in {root}; run "
        "`python -m pytest --cov=PACKAGE` first, or give --data FILE"
    )


def options(
    args: argparse.Namespace,
    table: dict[str, Any],
    data: coverage_mod.CoverageData,
    root: Path,
) -> Options:
    """Resolve thresholds: options, then config, then coverage.py's fail_under."""
    opts = Options(update_ratchet=args.update_ratchet, diff_base=args.diff_base)
    for name in ("fail_under", "tolerance", "changed_fail_under"):
        value = getattr(args, name)
        if value is None:
            value = table.get(name.replace("_", "-"))
        if value is not None:
            setattr(opts, name, float(value))
    if opts.fail_under is None:
        opts.fail_under = data.config_fail_under
    if args.changed_fail_under is None and "changed-fail-under" not in table:
        opts.changed_fail_under = (
            opts.fail_under if opts.fail_under is not None else 100.0
        )
    opts.ratchet = _path(args.ratchet, table.get("ratchet"), root)
    opts.ratchet_named = bool(args.ratchet)
    default = root / ratchet_mod.DEFAULT_FILE
    if opts.ratchet is None and (args.update_ratchet or default.exists()):
        opts.ratchet = default
    if opts.fail_under is None and opts.ratchet is None and not opts.diff_base:
        raise GateError(
            "nothing to check: give --fail-under N, --ratchet FILE or --diff-base REF "
            "(or set fail-under in [tool.quality-gates.coverage])"
        )
    return opts


def display(path: Path, root: Path) -> str:
    """Show ``path`` relative to the project root when it is inside it."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _finding(rule: str, path: str, line: int, message: str) -> Finding:
    return Finding(TOOL, rule, "error", path, line, 0, message)


def fmt(percent: float) -> str:
    """Show a percentage rounded down, so 79.996 % never shows as 80.00 %."""
    return f"{ratchet_mod.floor2(percent):.2f}%"


def check_total(
    data: coverage_mod.CoverageData, opts: Options, report: Report, root: Path
) -> None:
    """Fail when the total is under fail-under; with a diff base, only warn.

    The rule of quality-gate's changed mode: the total is the whole tree's, so
    on a change (``--diff-base``) it would fail every pull request of a project
    under its threshold, even one that adds nothing uncovered.  A change is
    judged by its changed lines (and the ratchet); the total fails the runs of
    the whole tree.
    """
    if opts.fail_under is None:
        return
    report.summary.details["fail_under"] = opts.fail_under
    if data.percent >= opts.fail_under:
        return
    missed = (
        f"total coverage {fmt(data.percent)} is under fail-under {opts.fail_under:g}%"
    )
    if opts.diff_base:
        report.summary.threshold_warnings = [missed]
        report.notes.append(
            f"{missed}: not failing, since with a diff base the gate judges the"
            " changed lines (changed-fail-under); fail-under fails the runs of"
            " the whole tree"
        )
        return
    report.findings.append(
        _finding(
            "fail-under",
            display(data.source, root),
            0,
            f"{missed}: add tests for the missing lines"
            " (`coverage report -m` lists them)",
        )
    )


def check_ratchet(
    data: coverage_mod.CoverageData, opts: Options, report: Report, root: Path
) -> None:
    """Fail when the total dropped below the record; update it if asked."""
    if opts.ratchet is None:
        return
    shown = display(opts.ratchet, root)
    recorded = ratchet_mod.read(opts.ratchet)
    info: dict[str, Any] = {
        "file": shown,
        "recorded": recorded,
        "tolerance": opts.tolerance,
    }
    report.summary.details["ratchet"] = info
    if recorded is not None and ratchet_mod.dropped(
        data.percent, recorded, opts.tolerance
    ):
        report.findings.append(
            _finding(
                "ratchet",
                shown,
                1,
                f"total coverage {fmt(data.percent)} dropped below the recorded "
                f"{recorded:.2f}% (tolerance {opts.tolerance:g} points): cover the new "
                f"code, or lower the record in {shown} in a reviewed commit",
            )
        )
    _record(data, opts, report, (opts.ratchet, root), recorded, info)


def _record(
    data: coverage_mod.CoverageData,
    opts: Options,
    report: Report,
    where: tuple[Path, Path],
    recorded: float | None,
    info: dict[str, Any],
) -> None:
    """Raise the record when asked and the total is above it; else say it.

    ``where``: the ratchet file and the project's root.
    """
    ratchet, root = where
    shown = display(ratchet, root)
    if opts.update_ratchet and (
        recorded is None or ratchet_mod.floor2(data.percent) > recorded
    ):
        if not opts.ratchet_named:
            refuse_outside(
                ratchet,
                root,
                "coverage ratchet",
                hint="name the file with --ratchet to write it there, or record "
                "it inside the project",
            )
        info["updated"] = updated = ratchet_mod.write(ratchet, data.percent)
        report.notes.append(f"ratchet: recorded {updated:.2f}% in {shown}")
    elif recorded is None:
        raise GateError(
            f"{shown}: no recorded coverage yet; record {fmt(data.percent)} with "
            "`quality-gates coverage --update-ratchet` and commit the file"
        )
    else:
        report.notes.append(f"ratchet: {recorded:.2f}% recorded in {shown}")


def check_changed(
    data: coverage_mod.CoverageData, opts: Options, report: Report, root: Path
) -> None:
    """Fail when the lines changed since the base are covered too little."""
    if not opts.diff_base:
        return
    changed = diffs.changed_lines(root, opts.diff_base)
    result = changed_mod.changed_coverage(data.files, changed)
    listed = {
        path: [changed_mod.describe(a, b) for a, b in spans]
        for path, spans in result.uncovered.items()
    }
    report.summary.details["changed"] = {
        "base": opts.diff_base,
        "percent": ratchet_mod.floor2(result.percent),
        "covered": result.covered,
        "relevant": result.relevant,
        "fail_under": opts.changed_fail_under,
        "uncovered": listed,
    }
    report.notes.append(
        f"changed lines since {opts.diff_base}: {result.covered} of {result.relevant} "
        f"executable line(s) covered ({fmt(result.percent)}), needed "
        f"{opts.changed_fail_under:g}%"
    )
    _report_uncovered(
        result.uncovered,
        opts.diff_base,
        report,
        failing=result.percent < opts.changed_fail_under,
    )


def _report_uncovered(
    uncovered: dict[str, list[tuple[int, int]]],
    base: str,
    report: Report,
    *,
    failing: bool,
) -> None:
    """Each uncovered changed span: a finding when the check fails, else a note."""
    for path, spans in uncovered.items():
        for first, last in spans:
            where = changed_mod.describe(first, last)
            if failing:
                report.findings.append(
                    _finding(
                        "changed-lines",
                        path,
                        first,
                        f"line(s) {where} changed since {base} and not "
                        "covered by tests: add a test that runs them",
                    )
                )
            else:
                report.notes.append(f"uncovered changed line(s): {path}:{where}")


def build_report(data: coverage_mod.CoverageData, opts: Options, root: Path) -> Report:
    """Run every check that is on and decide the exit code."""
    report = Report(command=TOOL, rules={TOOL: rule_infos(RULES)})
    report.tools[TOOL] = ToolRun(TOOL, coverage_py.__version__, files=len(data.files))
    report.summary.percent = ratchet_mod.floor2(data.percent)
    report.summary.files = len(data.files)
    report.summary.details.update(data=display(data.source, root), kind=data.kind)
    report.notes.append(
        f"total coverage {fmt(data.percent)} of {len(data.files)} file(s) in "
        f"{display(data.source, root)}"
    )
    check_total(data, opts, report, root)
    check_ratchet(data, opts, report, root)
    check_changed(data, opts, report, root)
    text_files = {f.path for f in report.findings if f.rule == "changed-lines"}
    report.findings = sources.fingerprint_files(root, report.findings, text_files)
    report.exit_code = FAILED if report.findings else PASSED
    return report
