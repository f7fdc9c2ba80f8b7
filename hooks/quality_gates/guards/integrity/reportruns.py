"""Report runs: a checker run again for its report, its failure seen elsewhere.

A job's step scripts are kept (``StepScript``) until the whole job is seen:
``bandit -f json -o r.json || true`` loses no failure when ``bandit -r .``
runs in the job with its failure seen, and a step whose hidden gates are
all such twins lets nothing pass under ``continue-on-error``.
"""

from __future__ import annotations

import dataclasses
import re

import yaml
from quality_gates.guards.integrity import gatecmd
from quality_gates.guards.integrity.shell import script_audit
from quality_gates.guards.integrity.shell.records import Hit


@dataclasses.dataclass
class StepScript:
    """One step's script audit, kept until the whole job is seen."""

    where: str
    node: yaml.Node
    audit: script_audit.ScriptAudit
    job: str = ""
    index: int = 0
    reporting: bool = False  # the step is named for producing a report
    env: list[yaml.Node | None] = dataclasses.field(default_factory=list)


def observed(scripts: list[StepScript]) -> set[str]:
    """Return the checkers whose failure some script of the job sees."""
    return set().union(*(s.audit.observed for s in scripts)) if scripts else set()


def status_free(script: StepScript | None, observed: set[str]) -> bool:
    """Tell a step whose gates are only report re-runs of checks seen elsewhere.

    ``mend dep --format sarif ... || true`` re-run for its SARIF after a
    step that ran the scan with its failure seen: no gate's failure reaches
    the step's status and every gate it hides is such a twin, so its
    ``continue-on-error`` lets pass nothing a check decided.  A step that
    also runs a gate otherwise (``script`` None: an action, its inputs) is
    not free; nor one whose hidden gate is reported (``pytest || echo`` with
    ``continue-on-error``: two things to remove), nor one that hides nothing
    itself (``set +e; pytest; echo "rc=$?" >> "$GITHUB_OUTPUT"``).
    """
    if script is None or script.audit.note or not script.audit.hits:
        return False
    if script.audit.last:
        return False
    return all(
        report_with_twin(h, observed, script.reporting) for h in script.audit.hits
    )


REPORTING_STEP = re.compile(r"(?i)^\s*(create|generate|produce|collect|count)\b")


def report_with_twin(hit: Hit, observed: set[str], reporting: bool = False) -> bool:
    """Tell whether a report run's checker runs again with its failure seen.

    ``bandit -f json -o r.json || true`` then ``bandit -r .``; or, in a step
    named for producing a report, ``pytest | tee | sed > summary.txt`` after a
    step that ran ``pytest`` on its own.
    """
    if hit.key not in observed and gatecmd.unselected(hit.key) not in observed:
        return False  # no run of the same checker on as much has its failure seen
    if hit.rule in ("QG101", "QG102") and hit.report:
        return True
    return reporting and hit.rule in ("QG101", "QG102", "QG112")


def run_of(hit: Hit) -> str:
    """``python scripts/scan.py . --format json`` -> ``python scripts/scan.py``.

    The program and its first word: what a re-run for a report runs again,
    finer than the checker's key (``python`` for any script).
    """
    words = gatecmd.strip_wrappers(hit.snippet.split())
    return " ".join([hit.key, *[w for w in words if not w.startswith("-")][:2]])
