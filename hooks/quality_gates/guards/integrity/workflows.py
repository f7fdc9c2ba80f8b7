"""GitHub workflows and action files: gates that cannot fail, unpinned actions."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml
from quality_gates import yamlnodes
from quality_gates.findings import Finding
from quality_gates.guards.integrity import (
    consumers,
    expressions,
    exprsyntax,
    matrix,
    permissions,
    place,
    refused,
    schematypes,
    stepnames,
    workflowschema,
)
from quality_gates.guards.integrity.actioninputs import InputScript
from quality_gates.guards.integrity.actionsteps import (
    gate_action,
    off_by_config,
    pin_problem,
)
from quality_gates.guards.integrity.packagescripts import PackageScripts
from quality_gates.guards.integrity.rules import finding
from quality_gates.guards.integrity.stepinputs import JobContext
from quality_gates.guards.integrity.steps import Auditor, never_runs
from quality_gates.guards.integrity.unfired import never_fires
from quality_gates.textfile import Text
from quality_gates.yamlnodes import line_of, mapping, scalar, sequence, value

__all__ = ["FileAudit", "audit_action", "audit_workflow", "never_runs", "pin_problem"]

LocalActions = dict[str, dict[str, InputScript]]


@dataclasses.dataclass
class FileAudit:
    """A file's findings and the notes on what could not be audited fully."""

    findings: list[Finding]
    notes: list[str] = dataclasses.field(default_factory=list)


def _default_shell(node: yaml.Node | None) -> str | None:
    return scalar(value(value(value(node, "defaults"), "run"), "shell"))


def _default_workdir(node: yaml.Node | None) -> str | None:
    return scalar(value(value(value(node, "defaults"), "run"), "working-directory"))


def triggers(top: yaml.Node | None) -> frozenset[str]:
    """Return the events a workflow runs on (``on: push``, a list, a mapping)."""
    node = value(top, "on")
    if isinstance(node, yaml.MappingNode):
        return frozenset(mapping(node))
    return frozenset(s.value for s in yamlnodes.strings(node))


def _uploads_report(job: yaml.Node) -> bool:
    """Tell whether a job uploads a report (an artifact named or found as one)."""
    for step in sequence(value(job, "steps")):
        if (scalar(value(step, "uses")) or "").startswith("actions/upload-artifact"):
            given = value(step, "with")
            names = [scalar(value(given, k)) or "" for k in ("name", "path")]
            if place.reads_as_report(*names):
                return True
    return False


def _context(
    name: str, job: yaml.Node, top: yaml.Node, shell: str | None
) -> JobContext:
    where = f"job `{name}`"
    label = scalar(value(job, "name")) or name
    runs_on = " ".join(s.value for s in yamlnodes.strings(value(job, "runs-on")))
    workflow = scalar(value(top, "name")) or ""
    return JobContext(
        where,
        label,
        runs_on,
        _default_shell(job) or shell,
        key=name,
        workflow=workflow,
        delivery=place.ships(label) or place.ships(workflow),
        feeds_delivery=_feeds_delivery(name, job, top),
        analysis=_sets_up_codeql(job),
        env=[n for n in (value(top, "env"), value(job, "env")) if n is not None],
        report_run=place.report_run(
            triggers(top), scalar(value(job, "if")) or "", _uploads_report(job)
        ),
        manual=place.manual_only(triggers(top), scalar(value(job, "if")) or "")
        or _after_delivery(name, top),
        triggers=triggers(top),
        workdir=_default_workdir(job) or _default_workdir(top) or "",
        cells=matrix.values(job),
        needs=tuple(scalar(n) or "" for n in _needs(job)),
        build_check=_builds_to_check(label, job, top),
        verifies=_verifies(label, workflow, job, top),
        never=bool(never_runs(value(job, "if"), matrix.values(job))),
    )


# Actions that only fetch the code or set the tools up (a local one too:
# ``./.github/actions/setup-node-env``); any other may ship what is built.
_SETUP_ACTION = re.compile(r"(?i)checkout|setup|cache|install")


_AFTER_ANY = re.compile(r"\b(always|failure|cancelled)\(\)")


def _builds_to_check(label: str, job: yaml.Node, top: yaml.Node) -> int:
    """Return the line of a job's last step, when nothing uses what it builds.

    On pull requests, in a job named for building (``Storybook Build``) that
    uses no action but checkout and setup ones (nothing it builds is
    uploaded, deployed or published), the last ``run:`` step (before those
    run whatever happened: a summary) has no later step to build for: its
    build runs only to show that it passes (``npm run build-storybook``).
    A job named otherwise (``test``) may build for what it is named for.
    0 for none.
    """
    if "pull_request" not in triggers(top) or not stepnames.BUILD_WORDS.search(label):
        return 0
    last = 0
    for step in sequence(value(job, "steps")):
        uses = scalar(value(step, "uses"))
        if uses is not None and not _SETUP_ACTION.search(uses.split("@", 1)[0]):
            return 0
        run = value(step, "run")
        if run is not None and not _AFTER_ANY.search(scalar(value(step, "if")) or ""):
            last = line_of(run)
    return last


# A job (or workflow) named for verifying the change: CI, tests, a build...
_VERIFYING = re.compile(
    r"(?i)\b(ci|tests?|testing|smoke|checks?|lint\w*|verif\w*|validat\w*)\b"
)


def _verifies(label: str, workflow: str, job: yaml.Node, top: yaml.Node) -> bool:
    """Tell a job that builds to verify the change, shipping nothing.

    Started by pull requests or pushes, named (or in a workflow named) for
    building or checking, and using no action but checkout and setup ones
    (nothing it builds is uploaded, deployed or published): a build there
    is a check, its failure says the change broke the build.  A job named
    for shipping (``deploy``, ``release``) verifies nothing.
    """
    if not {"pull_request", "push"} & triggers(top):
        return False
    if place.ships(label) or place.ships(workflow):
        return False
    named = f"{label} {workflow}"
    if not (stepnames.BUILD_WORDS.search(named) or _VERIFYING.search(named)):
        return False
    for step in sequence(value(job, "steps")):
        uses = scalar(value(step, "uses"))
        if uses is not None and not _SETUP_ACTION.search(uses.split("@", 1)[0]):
            return False
    return True


def _after_delivery(name: str, top: yaml.Node) -> str:
    """Why the job runs after a delivery it cannot hold back ('' if it does not)."""
    jobs = mapping(value(top, "jobs"))
    needs = {k: tuple(scalar(n) or "" for n in _needs(j)) for k, (_, j) in jobs.items()}
    labels = {k: scalar(value(j, "name")) or k for k, (_, j) in jobs.items()}
    return place.after_delivery(name, needs, labels)


def _needs(job: yaml.Node) -> list[yaml.Node]:
    """Return the ``needs:`` of a job as a list (one name or a sequence)."""
    node = value(job, "needs")
    return sequence(node) or ([node] if node is not None else [])


def _sets_up_codeql(job: yaml.Node) -> bool:
    """Tell a job that runs ``github/codeql-action/init`` (a CodeQL analysis)."""
    for step in sequence(value(job, "steps")):
        uses = scalar(value(step, "uses")) or ""
        if uses.startswith("github/codeql-action/init"):
            return True
    return False


def _feeds_delivery(name: str, job: yaml.Node, top: yaml.Node) -> bool:
    """Tell a job that builds what a later job ships.

    It uploads artifacts, and a job that needs it, named for shipping
    (publish, release, deploy), downloads one of them: the build is the
    product of a delivery, as in a release job, not a check.
    """
    steps = [consumers.step_view(s) for s in sequence(value(job, "steps"))]
    built = [s.argument("name") or "artifact" for s in steps if s.uploads_any()]
    if not built:
        return False
    views = consumers.job_views(value(top, "jobs"))
    for other, (_, node) in mapping(value(top, "jobs")).items():
        label = scalar(value(node, "name")) or other
        if name not in views[other].needs or not place.ships(label):
            continue
        if any(step.downloads(a) for step in views[other].steps for a in built):
            return True
    return False


def _scans_turned_off(steps: list[yaml.Node], root: Path | None) -> bool:
    """Tell a job with a scan whose failure the project's config turns off.

    Such a scan is a lost check where it runs; a job that never runs loses
    it as well, and that is the finding (at its ``if:``).
    """
    for step in steps:
        uses = scalar(value(step, "uses")) or ""
        if uses and off_by_config(uses, step, root):
            return True
    return False


def _job(auditor: Auditor, name: str, job: yaml.Node, top: yaml.Node) -> bool:
    """Audit one job; return whether it runs a gate."""
    context = _context(name, job, top, _default_shell(top))
    auditor.uses(value(job, "uses"), context.prefix)
    auditor.refused(job, context.prefix, expressions.JOB_IF)
    steps = sequence(value(job, "steps"))
    for step in steps:
        auditor.refused(step, f"{context.prefix}, step", expressions.STEP_IF)
    gate = auditor.job_steps(steps, context)
    gate = gate or gate_action(scalar(value(job, "uses")) or "")
    builds = _named_for_building(context.name, steps)
    if gate or _scans_turned_off(steps, auditor.packages.root):
        auditor.never_runs(job, context.prefix, _BUILDS if builds else "")
    builds = builds and _uploads(steps)
    coe = mapping(job).get("continue-on-error")
    if coe and expressions.always_true(coe[1]) and gate:
        why = place.demotion(context.workflow, context.name) or context.report_run
        why = why or context.manual or (_SHIPS if context.delivery else "")
        why = why or (_BUILDS_ARTIFACTS if builds else "")
        auditor.job_continues(context, line_of(coe[0]), why)
    return gate


_UNFIRED = (
    "the workflow's only triggers can never fire (`push`/`pull_request` "
    "ignoring every branch, `branches-ignore: '**'`, and for `push` every tag): "
    "none of its jobs, and none of their gates, ever runs"
)
# A job that only builds: a build is not a check.
_BUILDS = "the job only builds (nothing in it is named for a test or check)"
_BUILDS_ARTIFACTS = (
    "the job only builds and uploads artifacts: a build is not a check, and a "
    "job that takes the artifact by name fails without it"
)


def _named_for_building(label: str, steps: list[yaml.Node]) -> bool:
    """Tell a job whose name and scripts' step names say only that it builds.

    Neither the job's name nor the name of any step that runs a script says
    it tests, lints or checks, once the words for building are taken out;
    at least one says it builds.
    """
    runs = [step for step in steps if value(step, "run") is not None]
    names = " ".join([label, *(scalar(value(s, "name")) or "" for s in runs)])
    names = _EXPRESSION.sub("", names)  # `(${{ matrix.library-type }})`: a value
    said = stepnames.BUILD_WORDS.sub("", names)
    built = stepnames.BUILD_WORDS.search(names) is not None
    return built and stepnames.CONTEXT_WORDS.search(said) is None


_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def _uploads(steps: list[yaml.Node]) -> bool:
    """Tell whether a job uploads an artifact."""
    uses = [scalar(value(step, "uses")) or "" for step in steps]
    return any(u.startswith("actions/upload-artifact@") for u in uses)


# A job that ships (publish, release, deploy): a failing check still stops its
# delivery steps; `continue-on-error` may only keep one delivery from failing
# the others.
_SHIPS = (
    "the job ships (publish, release, deploy): a failing check still stops its "
    "delivery, only the workflow's result is lost"
)


def _parse(path: str, text: Text, kind: str) -> tuple[yaml.Node | None, list[Finding]]:
    if text.problem:
        return None, [finding("QG109", path, text.line, f"{kind} is {text.problem}")]
    parsed = yamlnodes.compose(text.text)
    if parsed.error:
        return None, [finding("QG109", path, parsed.line, f"{kind}: {parsed.error}")]
    if parsed.root is None:
        return None, [finding("QG108", path, 1, f"{kind} is empty")]
    if not isinstance(parsed.root, yaml.MappingNode):
        detail = f"{kind} is not a mapping of keys"
        return None, [finding("QG109", path, line_of(parsed.root), detail)]
    # refused by GitHub; read on as PyYAML reads it (the later key), since
    # what is found there stays once the key is written once
    twice = yamlnodes.duplicate_keys(parsed.root)
    return parsed.root, [_written_twice(path, kind, f, later) for f, _, later in twice]


def _written_twice(path: str, kind: str, first: yaml.Node, later: yaml.Node) -> Finding:
    """QG109 for a key written twice in one mapping: GitHub refuses the file."""
    detail = (
        f"{kind}: `{scalar(later)}` is written twice in one mapping (lines "
        f"{line_of(first)} and {line_of(later)}): GitHub refuses the file "
        f"(`'{scalar(later)}' is already defined`), so none of its jobs runs"
    )
    return finding("QG109", path, line_of(later), detail)


def _schema_refusals(path: str, root: yaml.Node) -> list[Finding]:
    """QG109 for each thing GitHub's schema or expression parser refuses."""
    found = workflowschema.refusals(root) + schematypes.refusals(root)
    found += exprsyntax.refusals(root)
    return [
        finding(
            "QG109",
            path,
            line,
            f"{why}: GitHub refuses the whole workflow, so none of its jobs runs",
        )
        for line, why in found
    ]


def audit_workflow(
    path: str,
    text: Text,
    local: LocalActions | None = None,
    packages: PackageScripts | None = None,
    gating: frozenset[str] = frozenset(),
) -> FileAudit:
    """Every finding of one ``.github/workflows/*.yml`` file."""
    root, problems = _parse(path, text, "workflow")
    if root is None:
        if any(f.rule == "QG109" for f in problems) and not text.problem:
            problems += permissions.unparsed(path, text.text)
        return FileAudit(problems)
    auditor = Auditor(path, text.lines, local, packages, gating)
    auditor.findings += problems + _schema_refusals(path, root)
    jobs = value(root, "jobs")
    if not isinstance(jobs, yaml.MappingNode):
        auditor.add("QG109", line_of(jobs or root), "workflow has no `jobs:` mapping")
    gates = [_job(auditor, name, job, root) for name, (_, job) in mapping(jobs).items()]
    unfired = never_fires(root) if any(gates) else None
    if unfired is not None:
        fix = "let a trigger fire (`branches: [main]`), or delete the workflow"
        auditor.add("QG107", line_of(unfired), _UNFIRED, fix=fix)
    auditor.resolve(consumers.job_views(jobs), triggers(root))
    refusals = [f for f in auditor.findings if f.rule == "QG109"]
    found = auditor.findings
    auditor.findings += refused.never_run(path, refusals, auditor.listed, found)
    auditor.findings += permissions.audit(path, root, jobs)
    return FileAudit(auditor.findings, auditor.notes)


def action_runs_gate(
    path: str,
    text: Text,
    local: LocalActions | None = None,
    packages: PackageScripts | None = None,
) -> bool:
    """Tell whether a composite action's steps run a gate."""
    root, _ = _parse(path, text, "action")
    if root is None:
        return False
    steps = sequence(value(value(root, "runs"), "steps"))
    name = scalar(value(root, "name")) or ""
    context = JobContext("action", name, key="action", workflow=name)
    return Auditor(path, text.lines, local, packages).job_steps(steps, context)


def audit_action(
    path: str,
    text: Text,
    local: LocalActions | None = None,
    packages: PackageScripts | None = None,
    gating: frozenset[str] = frozenset(),
) -> FileAudit:
    """Audit a composite or docker action's ``action.yml``: steps and image."""
    root, problems = _parse(path, text, "action")
    if root is None:
        return FileAudit(problems)
    auditor = Auditor(path, text.lines, local, packages, gating)
    auditor.findings += problems
    runs = value(root, "runs")
    image = scalar(value(runs, "image")) or ""
    if image.startswith("docker://"):
        auditor.uses(value(runs, "image"), "action image")
    steps = sequence(value(runs, "steps"))
    name = scalar(value(root, "name")) or ""
    auditor.job_steps(steps, JobContext("action", name, key="action", workflow=name))
    views = {
        "action": consumers.JobView(
            "action", (), {}, "", tuple(consumers.step_view(s) for s in steps)
        )
    }
    auditor.resolve(views)
    return FileAudit(auditor.findings, auditor.notes)
