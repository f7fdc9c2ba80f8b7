"""``quality-gates security``: bandit and the dependency audit as one gate."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import sys
from collections.abc import Sequence

from quality_gates import __version__
from quality_gates import baseline as baseline_mod
from quality_gates import config as config_mod
from quality_gates import files as files_mod
from quality_gates import report_formats, session, sources, verdict
from quality_gates.commands._options import add_baseline_option, add_cache_option
from quality_gates.errors import GateError
from quality_gates.escape import terminal
from quality_gates.findings import Finding
from quality_gates.interpreter import project_python
from quality_gates.report import BaselineCounts, Report, ToolRun
from quality_gates.security import dependency_audit
from quality_gates.security import deps as deps_mod
from quality_gates.security import ignores as ignores_mod
from quality_gates.security import results
from quality_gates.security import settings as settings_mod
from quality_gates.security.advisory import Vulnerable
from quality_gates.security.settings import Settings

NAME = "security"
HELP = "bandit on the code and a dependency audit (OSV online or offline, safety)"
DESCRIPTION = """\
Scan the code with bandit and audit the dependencies for known vulnerabilities.

Dependencies come from -r requirements files, else [project] dependencies in
pyproject.toml, else the installed environment.  Advisories come from OSV
through pip-audit (online, the default; --osv-url for a mirror), or from a
folder or zip of OSV records with --vuln-db (offline), plus safety when
SAFETY_API_KEY is set.  [[tool.quality-gates.ignore]] entries need a reason
and an until date; past it they fail the gate.

exit codes: 0 passed, 1 findings, 2 usage, config or tool error (a source that
cannot be reached or read is exit 2, never a pass)"""
TEXT_VIEW = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the security gate's options to ``parser``."""
    parser.add_argument(
        "filenames",
        nargs="*",
        metavar="FILES",
        help="Python files for bandit (default: every git-tracked one)",
    )
    parser.add_argument(
        "-r",
        "--requirement",
        dest="requirements",
        action="append",
        metavar="FILE",
        help="requirements file to audit (repeatable; -r includes are followed)",
    )
    parser.add_argument(
        "--vuln-db",
        metavar="PATH",
        help="audit offline against a folder or zip of OSV records "
        "(e.g. OSV's PyPI/all.zip)",
    )
    parser.add_argument(
        "--osv-url",
        metavar="URL",
        help="OSV query URL for pip-audit "
        "(default: $PIP_AUDIT_OSV_URL, else OSV's own)",
    )
    _add_scope_options(parser)
    add_baseline_option(parser)
    add_cache_option(parser)
    report_formats.add_options(parser)


def _add_scope_options(parser: argparse.ArgumentParser) -> None:
    """Add bandit's thresholds and the options that skip one half of the gate."""
    for key in ("severity", "confidence"):
        parser.add_argument(
            f"--{key}-threshold",
            choices=settings_mod.LEVELS,
            help=f"lowest bandit {key} that fails the gate (default: low, or config)",
        )
    only = parser.add_mutually_exclusive_group()
    only.add_argument(
        "--no-code",
        action="store_true",
        help="skip bandit: audit the dependencies only",
    )
    only.add_argument(
        "--no-deps",
        action="store_true",
        help="skip the dependency audit: run bandit only",
    )


def progress(message: str) -> None:
    """Tell the person at the terminal what is happening."""
    terminal.say(f"quality-gates: {message}", file=sys.stderr, flush=True)


def _code_files(cfg: config_mod.Config, names: Sequence[str]) -> list[str]:
    if names:
        return files_mod.relative_files(cfg.root, names, cfg.exclude)
    return files_mod.tracked_python_files(cfg.root, cfg.exclude)


@dataclasses.dataclass
class Gathered:
    """What the scans found, the files bandit checked, what the ignores took out.

    ``below`` were found under the thresholds: not reported, and not fixed.
    """

    findings: list[Finding] = dataclasses.field(default_factory=list)
    checked: list[str] = dataclasses.field(default_factory=list)
    ignored: list[str] = dataclasses.field(default_factory=list)
    below: list[Finding] = dataclasses.field(default_factory=list)


def scan_code(
    report: Report,
    cfg: config_mod.Config,
    files: Sequence[str],
    limits: session.Limits,
) -> tuple[list[Finding], list[Finding]]:
    """Run bandit through the runner; its tool run and errors go into ``report``.

    Returns the findings and those under the thresholds.
    """
    if not files:
        report.notes.append("no Python files to scan with bandit")
        return [], []
    with session.open_session(limits, progress) as checking:
        outcome = checking.runner(cfg, ("bandit",)).check(files)
    report.tools.update(outcome.tools)
    report.errors.extend(outcome.errors)
    report.notes.extend(outcome.notes)
    report.notes.extend(verdict.below_threshold_notes(outcome.below_threshold))
    report.summary.files = len(files)
    return list(outcome.findings), list(outcome.below_threshold)


def _collect(
    report: Report, cfg: config_mod.Config, chosen: Settings
) -> deps_mod.Collected:
    """Collect the dependencies to audit, saying in ``report`` where from."""
    python = project_python(cfg.root, cfg.python_executable)
    collected = deps_mod.collect(
        cfg.root, chosen.requirements, cfg.pyproject, python=python
    )
    report.notes.extend(f"not audited: {item}" for item in collected.unaudited)
    report.summary.details.update(
        dependencies=len(collected.dependencies), dependencies_from=collected.origin
    )
    if collected.origin == deps_mod.ENVIRONMENT:
        report.notes.append(
            f"auditing the packages installed for {python or sys.executable}; name "
            "requirements with -r, or set python-executable, to audit others"
        )
    if collected.excluded:
        report.summary.details["excluded_by_markers"] = collected.excluded
        report.notes.append(excluded_note(collected))
    if not collected.dependencies:
        if collected.unaudited:
            raise GateError(
                f"none of the {len(collected.unaudited)} dependencies can be audited: "
                "pin them with == or install them"
            )
        if not collected.excluded:
            report.notes.append(f"no dependencies declared in {collected.origin}")
    return collected


def excluded_note(collected: deps_mod.Collected) -> str:
    """Say which declared dependencies the audited Python's markers leave out."""
    count = len(collected.excluded)
    what = (
        "dependency is excluded by its marker"
        if count == 1
        else "dependencies are excluded by their markers"
    )
    rest = (
        "not audited"
        if collected.dependencies or collected.unaudited
        else "nothing else is declared, so nothing to audit"
    )
    return (
        f"{count} declared {what} for this Python ({collected.python}) in"
        f" {collected.origin}: {rest}: "
        + ", ".join(f"`{req}`" for req in collected.excluded)
    )


def audit_dependencies(
    report: Report, cfg: config_mod.Config, chosen: Settings
) -> list[Vulnerable]:
    """Audit the dependencies; a source that fails is an error in ``report``."""
    collected = _collect(report, cfg, chosen)
    if not collected.dependencies:
        return []
    try:
        found = dependency_audit.run(
            collected.dependencies,
            vuln_db=chosen.vuln_db,
            osv_url=chosen.osv_url,
            progress=progress,
        )
    except GateError as exc:
        report.tools[results.TOOL] = ToolRun(
            results.TOOL, "", status="error", message=str(exc)
        )
        report.errors.append(str(exc))
        return []
    report.tools[results.TOOL] = ToolRun(
        results.TOOL,
        " + ".join(found.versions),
        seconds=round(found.seconds, 3),
        files=len(collected.dependencies),
        message="; ".join(found.sources),
    )
    report.summary.details["sources"] = found.sources
    report.notes.extend(found.notes)
    return found.vulnerable


def _package_notes(vulnerable: Sequence[Vulnerable]) -> list[str]:
    notes = []
    for vuln in vulnerable:
        dep = vuln.dependency
        ids = ", ".join(a.id for a in vuln.advisories)
        fix = f"upgrade to {vuln.upgrade}" if vuln.upgrade else "no fixed version known"
        notes.append(
            f"{dep.name} {dep.version}: {len(vuln.advisories)} advisory(ies) ({ids}); "
            f"smallest fix: {fix}"
        )
    return notes


def _settings(
    args: argparse.Namespace, limits: session.Limits
) -> tuple[config_mod.Config, Settings]:
    cfg = session.configure(limits)
    root = cfg.root
    chosen = settings_mod.merge(
        settings_mod.from_config(cfg.section("security"), root),
        severity_threshold=args.severity_threshold,
        confidence_threshold=args.confidence_threshold,
        vuln_db=args.vuln_db,
        osv_url=args.osv_url,
        requirements=args.requirements,
    )
    return settings_mod.with_thresholds(cfg, chosen), chosen


def _ignores(cfg: config_mod.Config) -> list[ignores_mod.Ignore]:
    pyproject = cfg.root / "pyproject.toml"
    text = pyproject.read_text(errors="replace") if cfg.pyproject else ""
    return ignores_mod.parse(cfg.raw.get("ignore"), text)


def _code(
    report: Report,
    cfg: config_mod.Config,
    args: argparse.Namespace,
    active: Sequence[ignores_mod.Ignore],
    got: Gathered,
) -> None:
    got.checked = _code_files(cfg, args.filenames)
    found, below = scan_code(
        report, cfg, got.checked, session.Limits(use_cache=not args.no_cache)
    )
    got.below += below
    code = results.code_findings(found, active)
    report.rules["bandit"] = code.rules
    got.findings += code.findings
    got.ignored += code.ignored


def _dependencies(
    report: Report,
    cfg: config_mod.Config,
    chosen: Settings,
    active: Sequence[ignores_mod.Ignore],
    got: Gathered,
) -> None:
    vulnerable = audit_dependencies(report, cfg, chosen)
    minimum = settings_mod.MIN_SCORE[chosen.severity_threshold]
    deps = results.dependency_findings(cfg.root, vulnerable, active, min_score=minimum)
    report.rules[results.TOOL] = deps.rules
    report.summary.details.update(
        vulnerable=[v.to_dict() for v in vulnerable],
        below_threshold=deps.below_threshold,
    )
    report.notes += _package_notes(vulnerable)
    report.notes += [f"below the severity threshold: {i}" for i in deps.below_threshold]
    got.findings += deps.findings
    got.below += deps.below
    got.ignored += deps.ignored


def _expired(report: Report, expired: Sequence[ignores_mod.Ignore]) -> list[Finding]:
    if expired:
        report.rules["quality-gates"] = {"expired-ignore": results.expired_rule()}
        report.tools["quality-gates"] = ToolRun("quality-gates", __version__)
    report.summary.details["expired_ignores"] = [e.describe() for e in expired]
    return [ignores_mod.expired_finding(e) for e in expired]


def _unused(
    report: Report,
    active: Sequence[ignores_mod.Ignore],
    args: argparse.Namespace,
    ignored: list[str],
) -> None:
    """Note ignores of the kinds that ran (code, advisories) that matched nothing."""
    ran = {
        kind for kind, off in ((True, args.no_code), (False, args.no_deps)) if not off
    }
    unused = [e for e in active if e.used == 0 and e.is_code in ran]
    report.summary.details.update(
        ignored=ignored, unused_ignores=[e.describe() for e in unused]
    )
    report.notes += [
        f"ignore matched nothing: {e.describe()}; remove it" for e in unused
    ]
    report.notes += [f"ignored: {item}" for item in ignored]


def _ratchet(
    report: Report, cfg: config_mod.Config, explicit: str | None, got: Gathered
) -> None:
    """Mark findings new against the baseline; an expired ignore is always new.

    A baselined finding still there under the thresholds is not fixed.
    """
    path = baseline_mod.locate(
        cfg.root, explicit, cfg.baseline, required=cfg.baseline_required
    )
    if path is None:
        return
    ran = {name for name, run in report.tools.items() if run.status == "ok"}
    paths = {f.path for f in report.findings} | set(got.checked)
    found = baseline_mod.compare(
        report.findings,
        baseline_mod.load(path),
        paths=paths,
        tools=ran,
        below_threshold={f.fingerprint for f in got.below},
    )
    for finding in report.findings:
        if finding.rule == "expired-ignore":
            finding.new = True
    report.summary.baseline = BaselineCounts(found.baselined, found.fixed)


def report(args: argparse.Namespace) -> Report:
    """Run the gate: bandit, the dependency audit, ignores; the report has a verdict."""
    cfg, chosen = _settings(args, session.Limits(use_cache=not args.no_cache))
    active, expired = ignores_mod.split(_ignores(cfg), datetime.date.today())
    built = Report(command=NAME)
    built.summary.details["thresholds"] = {
        "severity": chosen.severity_threshold,
        "confidence": chosen.confidence_threshold,
    }
    got = Gathered()
    if not args.no_code:
        _code(built, cfg, args, active, got)
    if not args.no_deps:
        _dependencies(built, cfg, chosen, active, got)
    got.findings += _expired(built, expired)
    _unused(built, active, args, got.ignored)
    # fingerprinted together, as the runner does: one occurrence index for all
    below = {id(f) for f in got.below}
    ordered = sources.fingerprint_files(cfg.root, [*got.findings, *got.below])
    built.findings = [f for f in ordered if id(f) not in below]
    _ratchet(built, cfg, args.baseline, got)
    built.summary.findings, built.summary.new = len(built.findings), len(built.failing)
    built.exit_code, built.summary.reasons = verdict.verdict(built, cfg)
    return built


def main(args: argparse.Namespace) -> int:
    """Run the gate, emit its report and return the exit code."""
    return report_formats.emit_verdict(report(args), args)
