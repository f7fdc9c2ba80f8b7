"""From the runner's outcome to a verdict: which findings fail the gate, and why.

The report carries the score, rating and debt of the checked files; with a
baseline each finding is ``new`` or not, with ``--diff-base`` only findings on
changed lines can be new; ``fail-under`` and ``max-debt`` add their own
reasons, except with changed lines, where a missed threshold is a warning: a
change that adds no finding must not fail for the state of the whole tree.
One shard of a split run checks part of the tree, so it only records its
thresholds (``deferred_thresholds``) for the merge to apply to the whole.
``verdict`` says the exit code and every reason for it.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from quality_gates import baseline as baseline_mod
from quality_gates import score as score_mod
from quality_gates import testfiles, tools
from quality_gates.config import SEVERITY_LEVELS, Config
from quality_gates.errors import ERROR, FAILED, PASSED, GateError
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
    # one shard of a split run: record the thresholds, the merge applies them
    defer_thresholds: bool = False


# the summary key (JSON only) under which a shard records its thresholds
DEFERRED = "deferred_thresholds"


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """Whole-tree thresholds, and whether a miss only warns (changed lines)."""

    fail_under: float | None = None
    max_debt: int | None = None
    changed: bool = False
    fail_on: str = "warning"

    @classmethod
    def of(cls, options: Options, config: Config) -> Thresholds:
        """Return the thresholds ``options`` apply, judged at ``fail-on``."""
        return cls(
            options.fail_under,
            options.max_debt,
            options.changed is not None,
            config.fail_on,
        )

    @classmethod
    def from_dict(cls, data: Any) -> Thresholds:
        """Read a shard's record back; a field of the wrong type is an error."""
        fields = {f.name for f in dataclasses.fields(cls)}
        if not isinstance(data, dict) or set(data) != fields:
            raise GateError(f"{DEFERRED}: expected the keys {sorted(fields)}")
        ok = (
            _number(data["fail_under"], float)
            and _number(data["max_debt"], int)
            and isinstance(data["changed"], bool)
            and data["fail_on"] in SEVERITY_LEVELS
        )
        if not ok:
            raise GateError(f"{DEFERRED}: a value of the wrong type: {data!r}")
        return cls(**data)


def _number(value: object, kind: type) -> bool:
    """Tell a threshold's value: ``None``, or a number (an int is a float too)."""
    if value is None:
        return True
    kinds = (int, float) if kind is float else (int,)
    return isinstance(value, kinds) and not isinstance(value, bool)


def fails(severity: str, fail_on: str) -> bool:
    """Tell whether ``severity`` is at or above the ``fail-on`` level."""
    return SEVERITY_LEVELS.index(severity) <= SEVERITY_LEVELS.index(fail_on)


def costs(config: Config) -> score_mod.Costs:
    """Return the project's remediation costs: overrides, cost per line, categories."""
    return score_mod.costs_from_table(
        config.section("costs"), config.cost_per_line, tools.category
    )


def thresholds(summary: Summary, limits: Thresholds) -> list[str]:
    """Give a reason for each threshold the score or the debt misses."""
    failures = []
    score, debt = summary.score, summary.debt_minutes
    if limits.fail_under is not None and score is not None:
        if score < limits.fail_under:
            failures.append(f"score {score} is under fail-under {limits.fail_under:g}")
    if limits.max_debt is not None and debt is not None:
        if debt > limits.max_debt:
            failures.append(
                f"debt {score_mod.format_debt(debt)} ({debt} min) is over "
                f"max-debt {limits.max_debt} min"
            )
    return failures


def apply_thresholds(report: Report, limits: Thresholds) -> None:
    """Set the missed thresholds: failures, or warnings on changed lines."""
    missed = thresholds(report.summary, limits)
    if limits.changed and missed:
        # a whole-tree threshold would fail every change of a legacy project,
        # even one that adds nothing: in changed-code mode a change is judged
        # by its new findings, and a missed threshold is only a warning
        report.summary.threshold_warnings = missed
        report.notes.extend(
            f"{reason}: not failing, since the gate judges the changed lines by"
            " their new findings (thresholds fail runs of the whole tree)"
            for reason in missed
        )
        missed = []
    report.summary.threshold_failures = missed


def defer_thresholds(report: Report, limits: Thresholds) -> None:
    """Record the thresholds of one shard's run for the merge to apply."""
    report.summary.details[DEFERRED] = dataclasses.asdict(limits)
    note = deferred_note(limits)
    if note:
        report.notes.append(note)


def deferred_note(limits: Thresholds) -> str:
    """Say which thresholds a shard left to the merge ('' when none is set)."""
    named = [
        f"{name} {value:g}"
        for name, value in (
            ("fail-under", limits.fail_under),
            ("max-debt", limits.max_debt),
        )
        if value is not None
    ]
    if not named:
        return ""
    return (
        f"{' and '.join(named)}: not applied to this shard's part of the tree;"
        " the merge of the shards applies them to the whole"
    )


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
            below_threshold={f.fingerprint for f in outcome.below_threshold},
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


def below_threshold_notes(findings: Sequence[Finding]) -> list[str]:
    """Count, per tool, the findings left out under its thresholds."""
    counts = Counter(f.tool for f in findings)
    return [
        f"{n} {tool} finding(s) under the severity or confidence threshold not"
        " reported: still there, so not fixed since the baseline"
        for tool, n in sorted(counts.items())
    ]


def build_report(
    command: str, outcome: Outcome, config: Config, options: Options | None = None
) -> Report:
    """Build the report of one run: findings marked new, score, debt, thresholds."""
    options = options or Options()
    report = Report(
        command=command,
        findings=list(outcome.findings),
        tools=dict(outcome.tools),
        errors=list(outcome.errors),
        notes=list(outcome.notes) + below_threshold_notes(outcome.below_threshold),
    )
    loc = sum(src.loc for src in outcome.sources.values())  # cached by content
    result = score_mod.compute(outcome.findings, loc, costs=costs(config))
    summary = report.summary
    summary.files, summary.findings = len(outcome.sources), len(outcome.findings)
    summary.fixed_files = len(outcome.fixed)
    summary.set_score(result)
    _split(summary, outcome, config)
    _ratchet(report, outcome, options)
    limits = Thresholds.of(options, config)
    if options.defer_thresholds:
        defer_thresholds(report, limits)
    else:
        apply_thresholds(report, limits)
    return report


def verdict(report: Report, config: Config) -> tuple[int, list[str]]:
    """Return the exit code and its reasons: errors beat findings and thresholds."""
    return judge(report, config.fail_on)


def judge(report: Report, fail_on: str) -> tuple[int, list[str]]:
    """Return the exit code and its reasons for findings failing at ``fail_on``."""
    if report.errors:
        return ERROR, [
            f"{len(report.errors)} error(s): nothing that failed to run can pass"
        ]
    failing = [f for f in report.failing if fails(f.severity, fail_on)]
    reasons: list[str] = []
    marked = any(f.new is not None for f in report.findings)
    kind = "new finding(s)" if marked else "finding(s)"
    if failing:
        reasons.append(f"{len(failing)} {kind} at or above fail-on={fail_on}")
    reasons.extend(report.summary.threshold_failures or ())
    if reasons:
        return FAILED, reasons
    return PASSED, [f"no {kind} at or above fail-on={fail_on}; thresholds met"]
