"""Where a step stands: a job that ships, a job that reports.

The same command means different things in different places.  ``python -m
build`` checks the package in a test job and is the product in a release
job; ``pylint || true`` neutralises a gate in CI and is the point of a weekly
quality *report*.  A job or workflow named for shipping makes its builds
delivery, not checks; a job or workflow named for reporting turns certain
findings into notes.  A step's own name says what the step does, not where
it stands, so it never demotes a named checker.

When a job runs is evidence too.  A job run only by hand, on a schedule or
after another workflow (the workflow's triggers, or a job ``if:`` that allows
only those events; ``workflow_run`` runs on the default branch's last commit,
never on the change that started the other workflow)
that uploads a report as an artifact (its name or path says so) is a
*report run*: its
``continue-on-error`` lets the run finish its report (pypa/pipx's exhaustive
package test).  A schedule alone is not that evidence: a nightly test run is
still a gate, whose failure is the message.
"""

from __future__ import annotations

import re

_SHIPS = re.compile(
    r"(?i)\b(deploy\w*|publish\w*|release\w*|ship\w*|upload\w*|roll-?back\w*|pages)\b"
)
_TESTS = re.compile(r"(?i)test|check|lint|verif|validat")
_REPORT = re.compile(
    r"(?i)report|summar|metric|statistic|\bstats?\b|dashboard|digest|scorecard"
)


def ships(*names: str) -> bool:
    """Tell whether a job (or its workflow) is named for shipping, not testing."""
    joined = " / ".join(names)
    return bool(_SHIPS.search(joined)) and not _TESTS.search(joined)


_CLAUSES = re.compile(r"(?i)[\s_-]+(?:and|then)[\s_-]+|\s*[&+,;]\s*")


def _names_report(name: str) -> bool:
    """Tell whether a name reads as a report, and not as a test run beside it.

    ``Test Report`` reads as a report; ``Run Tests and Upload Coverage
    Report`` names a test run first, and its report second.
    """
    clauses = _CLAUSES.split(name)
    if any(_TESTS.search(c) and not _REPORT.search(c) for c in clauses):
        return False
    return bool(_REPORT.search(name))


def demotion(workflow: str, job: str) -> str:
    """Why findings in this place are only plausible ('' when they are not)."""
    for kind, name in (("workflow", workflow), ("job", job)):
        if name and _names_report(name):
            return (
                f"it runs in the {kind} `{name}`, which reads as a report, not a gate"
            )
    return ""


_OFF_CHANGES = frozenset(("schedule", "workflow_dispatch", "workflow_run"))
_EVENT_IS = re.compile(r"github\.event_name\s*==\s*['\"]([\w-]+)['\"]")


def _only_off_changes(triggers: frozenset[str], job_if: str) -> bool:
    """Tell whether the job runs only by hand or on a schedule."""
    if triggers and triggers <= _OFF_CHANGES:
        return True
    if not job_if or "!=" in job_if:
        return False
    for alternative in job_if.split("||"):
        events = set(_EVENT_IS.findall(alternative))
        if not events or not events <= _OFF_CHANGES:
            return False
    return True


def only_off_changes(triggers: frozenset[str], job_if: str) -> bool:
    """Tell whether a job runs only on a schedule or by hand, never on a change."""
    return _only_off_changes(triggers, job_if)


def manual_only(triggers: frozenset[str], job_if: str) -> str:
    """Why a job that runs only by hand guards no change ('' when it may).

    A workflow (or a job whose ``if:`` allows only that event) started only
    by ``workflow_dispatch`` runs when someone asks for it and watches it: no
    push, pull request or schedule waits on it, so what it loses is a tool's
    output, plausibly a gate's.
    """
    manual = bool(triggers) and triggers <= {"workflow_dispatch"}
    if not manual and job_if and "!=" not in job_if:
        alternatives = [set(_EVENT_IS.findall(a)) for a in job_if.split("||")]
        manual = all(events == {"workflow_dispatch"} for events in alternatives)
    if not manual:
        return ""
    return (
        "it runs only by hand (workflow_dispatch), so no change waits on it: "
        "a tool run, plausibly not a gate"
    )


_INPUT_TRUE = re.compile(
    r"^\s*(?:\$\{\{)?\s*inputs\.[\w-]+\s*"
    r"""(?:==\s*(?:true|'true'|"true"))?\s*(?:\}\})?\s*$"""
)


def manual_step(triggers: frozenset[str], step_if: str) -> str:
    """Why a step runs only by hand: its ``if:`` needs a dispatch input to be true.

    ``inputs`` is empty on any event but ``workflow_dispatch`` (and
    ``workflow_call``, whose caller may set it), so ``if: inputs.dry_run ==
    true`` in a scheduled workflow is true only in a run someone started.
    """
    if "workflow_dispatch" not in triggers or "workflow_call" in triggers:
        return ""
    alternatives = [a.split("&&") for a in step_if.split("||")] if step_if else []
    if not alternatives or not all(
        any(_INPUT_TRUE.match(term) for term in terms) for terms in alternatives
    ):
        return ""
    return (
        "its `if:` needs a workflow_dispatch input, so it runs only by hand and "
        "no change waits on it: a tool run, plausibly not a gate"
    )


_EVENT_IS_NOT = re.compile(r"github\.event_name\s*!=\s*['\"]([\w-]+)['\"]")


def off_change_step(triggers: frozenset[str], step_if: str) -> str:
    """Why a check known only by its step's name is plausible: no change waits.

    The workflow's triggers less the events the step's ``if:`` excludes
    (``github.event_name != 'push'``, joined by ``&&``) leave only a
    schedule or a run by hand.  A named checker is still a gate there (a
    nightly test run); a step that checks only by its name, continuing on
    error where no change waits on it, is plausibly a task.
    """
    excluded: set[str] = set()
    if step_if and "||" not in step_if:
        excluded = set(_EVENT_IS_NOT.findall(step_if))
    events = set(triggers) - excluded
    if not events or not events <= _OFF_CHANGES:
        return ""
    return (
        "it checks only by its step's name and runs only on a schedule, by hand "
        "or after another workflow, so no change waits on it: plausibly a task, "
        "not a gate"
    )


def reads_as_report(*names: str) -> bool:
    """Tell whether an artifact's name or path reads as a report."""
    return any(_REPORT.search(name) for name in names if name)


def report_run(triggers: frozenset[str], job_if: str, uploads: bool) -> str:
    """Why a job's ``continue-on-error`` is only plausible ('' when it is certain).

    ``uploads``: the job uploads an artifact named (or found at a path
    named) for a report; coverage data or wheels are not reports.
    """
    if not uploads or not _only_off_changes(triggers, job_if):
        return ""
    return (
        "it runs only by hand, on a schedule or after another workflow (never "
        "on a change) and uploads "
        "a report as an artifact: a report run, whose continue-on-error lets "
        "the report finish"
    )


# A job that puts a release out (not one that uploads a backup or a report).
_DEPLOYS = re.compile(r"(?i)\b(deploy\w*|release\w*|publish\w*|roll-?out\w*)\b")


def _deploys(label: str) -> bool:
    return bool(_DEPLOYS.search(label)) and not _TESTS.search(label)


def after_delivery(
    name: str, needs: dict[str, tuple[str, ...]], labels: dict[str, str]
) -> str:
    """Why a job's checks come after the delivery they would guard ('' if not).

    A job that needs a job named for deploying (``Deploy to server``, a
    release, a publish; not an upload of a backup or a report), where
    no job named for shipping needs it in turn, runs once the deployment is
    done: a health check there cannot hold the delivery back, and a check
    that only warns may be its design (a post-deploy smoke test).  A smoke
    job between a staging and a production deploy still guards the second.
    """
    shipped = [n for n in needs.get(name, ()) if _deploys(labels.get(n, n))]
    if not shipped:
        return ""
    if any(
        name in needs.get(other, ()) and ships(labels.get(other, other))
        for other in needs
    ):
        return ""
    return (
        f"it runs after the job `{labels.get(shipped[0], shipped[0])}`, which ships, "
        "and guards no later delivery: a post-delivery check, plausibly an alert"
    )
