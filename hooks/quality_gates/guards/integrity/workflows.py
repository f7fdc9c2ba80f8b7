"""GitHub workflows and action files: gates that cannot fail, unpinned actions."""

from __future__ import annotations

import dataclasses

import yaml
from quality_gates import yamlnodes
from quality_gates.findings import Finding
from quality_gates.guards.integrity import permissions
from quality_gates.guards.integrity.rules import finding
from quality_gates.guards.integrity.steps import (
    Auditor,
    JobContext,
    gate_action,
    never_runs,
    pin_problem,
)
from quality_gates.textfile import Text
from quality_gates.yamlnodes import line_of, mapping, scalar, sequence, value

__all__ = ["FileAudit", "audit_action", "audit_workflow", "never_runs", "pin_problem"]


@dataclasses.dataclass
class FileAudit:
    """A file's findings and the notes on what could not be audited fully."""

    findings: list[Finding]
    notes: list[str] = dataclasses.field(default_factory=list)


def _default_shell(node: yaml.Node | None) -> str | None:
    return scalar(value(value(value(node, "defaults"), "run"), "shell"))


def _job(auditor: Auditor, name: str, job: yaml.Node, shell: str | None) -> None:
    entries = mapping(job)
    where = f"job `{name}`"
    auditor.uses(value(job, "uses"), where)
    label = scalar(value(job, "name")) or name
    runs_on = " ".join(s.value for s in yamlnodes.strings(value(job, "runs-on")))
    context = JobContext(where, label, runs_on, _default_shell(job) or shell)
    steps = sequence(value(job, "steps"))
    gate = auditor.job_steps(steps, context)
    gate = gate or gate_action(scalar(value(job, "uses")) or "")
    if gate:
        auditor.never_runs(job, where)
    coe = entries.get("continue-on-error")
    if coe and yamlnodes.is_true(coe[1]) and gate:
        auditor.add("QG105", line_of(coe[0]), f"{where}: `continue-on-error: true`")


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
    return parsed.root, []


def audit_workflow(path: str, text: Text) -> FileAudit:
    """Every finding of one ``.github/workflows/*.yml`` file."""
    root, problems = _parse(path, text, "workflow")
    if root is None:
        return FileAudit(problems)
    auditor = Auditor(path, text.lines)
    jobs = value(root, "jobs")
    if not isinstance(jobs, yaml.MappingNode):
        auditor.add("QG109", line_of(jobs or root), "workflow has no `jobs:` mapping")
    shell = _default_shell(root)
    for name, (_, job) in mapping(jobs).items():
        _job(auditor, name, job, shell)
    auditor.findings += permissions.audit(path, root, jobs)
    return FileAudit(auditor.findings, auditor.notes)


def audit_action(path: str, text: Text) -> FileAudit:
    """Audit a composite or docker action's ``action.yml``: steps and image."""
    root, problems = _parse(path, text, "action")
    if root is None:
        return FileAudit(problems)
    auditor = Auditor(path, text.lines)
    runs = value(root, "runs")
    image = scalar(value(runs, "image")) or ""
    if image.startswith("docker://"):
        auditor.uses(value(runs, "image"), "action image")
    steps = sequence(value(runs, "steps"))
    auditor.job_steps(steps, JobContext("action", scalar(value(root, "name")) or ""))
    return FileAudit(auditor.findings, auditor.notes)
