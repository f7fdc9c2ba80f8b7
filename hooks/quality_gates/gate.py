"""From the runner's outcome to a verdict: which findings fail the gate, and why.

The report carries the score, rating and debt of the checked files; with a
baseline each finding is ``new`` or not, with ``--diff-base`` only findings on
changed lines can be new; ``fail-under`` and ``max-debt`` add their own
reasons, except with changed lines, where a missed threshold is a warning: a
change that adds no finding must not fail for the state of the whole tree.
``verdict`` says the exit code and every reason for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping

from quality_gates import baseline as baseline_mod
from quality_gates import score as score_mod
from quality_gates import testfiles
from quality_gates.config import SEVERITY_LEVELS, Config
from quality_gates.errors import ERROR, FAILED, PASSED
from quality_gates.findings import Finding
from quality_gates.report import BaselineCounts, Report, Summary
from quality_gates.runner import Outcome


@dataclasses.dataclass(frozen=True)
class Options:
    """What ``run`` adds to the plain gate: baseline, changed lines, thresholds."""

    baseline: Collection[baseline_mod.Entry] | None = None
    changed: Mapping[str, Collection[int]] | None = None
    fail_under: float | None = None
    max_debt: int | None = None
    # every tracked file was checked: baselined files that are gone count as fixed
    whole_project: bool = False


def fails(severity: str, fail_on: str) -> bool:
    """Tell whether ``severity`` is at or above the ``fail-on`` level."""
    return SEVERITY_LEVELS.index(severity) <= SEVERITY_LEVELS.index(fail_on)


def costs(config: Config) -> score_mod.Costs:
    """Return the project's remediation costs: overrides and cost per line."""
    return score_mod.costs_from_table(config.section("costs"), config.cost_per_line)


def thresholds(summary: Summary, options: Options) -> list[str]:
    """Give a reason for each threshold the score or the debt misses."""
    failures = []
    score, debt = summary.score, summary.debt_minutes
    if options.fail_under is not None and score is not None:
        if score < options.fail_under:
            failures.append(f"score {score} is under fail-under {options.fail_under:g}")
    if options.max_debt is not None and debt is not None:
        if debt > options.max_debt:
            failures.append(
                f"debt {score_mod.format_debt(debt)} ({debt} min) is over "
                f"max-debt {options.max_debt} min"
            )
    return failures


def _mark_changed(
    findings: list[Finding], changed: Mapping[str, Collection[int]]
) -> int:
    """Mark findings off the changed lines not new; return how many those are."""
    outside = 0
    for finding in findings:
        if finding.line not in changed.get(finding.path, ()):
            finding.new = False
            outside += 1
        elif finding.new is None:
            finding.new = True
    return outside


def _ratchet(report: Report, outcome: Outcome, options: Options) -> None:
    summary = report.summary
    summary.baseline = BaselineCounts()
    if options.baseline is not None:
        # "python" (E902/E999: not decodable, not valid Python) is always checked
        ran = {name for name, run in outcome.tools.items() if run.status == "ok"}
        tools = ran | {"python"}
        found = baseline_mod.compare(
            report.findings,
            options.baseline,
            paths=None if options.whole_project else set(outcome.sources),
            tools=tools,
        )
        summary.baseline = BaselineCounts(found.baselined, found.fixed)
    if options.changed is not None:
        summary.outside_diff = _mark_changed(report.findings, options.changed)
    summary.new = len(report.failing)


def _split(summary: Summary, outcome: Outcome, config: Config) -> None:
    """Split files, findings and debt between the tests and the rest."""
    if outcome.tests is None:
        return
    price = costs(config)
    summary.split = testfiles.split(
        outcome.findings,
        {name: src.loc for name, src in outcome.sources.items()},
        outcome.tests,
        lambda finding: score_mod.minutes(finding, price),
    )
    summary.test_files = testfiles.sentence(
        outcome.tests, outcome.test_defaults, outcome.test_configs
    )


def build_report(
    command: str, outcome: Outcome, config: Config, options: Options | None = None
) -> Report:
    """Build the report of one run: findings marked new, score, debt, thresholds."""
    options = options or Options()
    report = Report(
        command=command,
        findings=outcome.findings,
        tools=outcome.tools,
        errors=list(outcome.errors),
        notes=list(outcome.notes),
    )
    loc = sum(src.loc for src in outcome.sources.values())  # cached by content
    result = score_mod.compute(outcome.findings, loc, costs=costs(config))
    summary = report.summary
    summary.files, summary.findings = len(outcome.sources), len(outcome.findings)
    summary.fixed_files = len(outcome.fixed)
    summary.set_score(result)
    _split(summary, outcome, config)
    _ratchet(report, outcome, options)
    missed = thresholds(summary, options)
    if options.changed is not None and missed:
        # a whole-tree threshold would fail every change of a legacy project,
        # even one that adds nothing: in changed-code mode a change is judged
        # by its new findings, and a missed threshold is only a warning
        summary.threshold_warnings = missed
        report.notes.extend(
            f"{reason}: not failing, since the gate judges the changed lines by"
            " their new findings (thresholds fail runs of the whole tree)"
            for reason in missed
        )
        missed = []
    summary.threshold_failures = missed
    return report


def verdict(report: Report, config: Config) -> tuple[int, list[str]]:
    """Return the exit code and its reasons: errors beat findings and thresholds."""
    if report.errors:
        return ERROR, [
            f"{len(report.errors)} error(s): nothing that failed to run can pass"
        ]
    failing = [f for f in report.failing if fails(f.severity, config.fail_on)]
    reasons: list[str] = []
    marked = any(f.new is not None for f in report.findings)
    kind = "new finding(s)" if marked else "finding(s)"
    if failing:
        reasons.append(f"{len(failing)} {kind} at or above fail-on={config.fail_on}")
    reasons.extend(report.summary.threshold_failures or ())
    if reasons:
        return FAILED, reasons
    return PASSED, [f"no {kind} at or above fail-on={config.fail_on}; thresholds met"]
