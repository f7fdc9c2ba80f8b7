"""GitHub workflows and action files: gates that cannot fail, unpinned actions."""

from __future__ import annotations

import re

import yaml
from quality_gates.findings import Finding
from quality_gates.guards import shell, yamlnodes
from quality_gates.guards.gatecmd import runs_gate
from quality_gates.guards.integrity_rules import finding
from quality_gates.guards.textfile import Text
from quality_gates.guards.yamlnodes import line_of, mapping, scalar, value

_SHA = re.compile(r"[0-9a-f]{40}")
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
_GATE_ACTION = re.compile(
    r"lint|test|(?<!-)check(?!out)|audit|scan|codeql|security|pre-commit|"
    r"quality-gates|coverage|sonar|snyk|trivy|semgrep|ruff|mypy|flake8|zizmor|"
    r"bandit|tox",
    re.IGNORECASE,
)


def pin_problem(uses: str) -> str | None:
    """Why ``uses:`` is not pinned to an immutable commit, or None when it is."""
    uses = uses.strip()
    if uses.startswith(("./", "../")):
        return None
    if uses.startswith("docker://"):
        if _DIGEST.search(uses):
            return None
        return f"docker image `{uses}` is not pinned by digest"
    name, _, ref = uses.partition("@")
    if not ref:
        return f"`{uses}` names no version at all"
    if _SHA.fullmatch(ref):
        return None
    if re.fullmatch(r"[0-9a-fA-F]{7,39}", ref):
        return f"`{name}@{ref}` is a short SHA, which can become ambiguous"
    return f"`{name}@{ref}` is a tag or branch, not a commit SHA"


def never_runs(node: yaml.Node | None) -> bool:
    """``if: false`` (also ``${{ false }}`` and ``false && ...``)."""
    text = scalar(node)
    if text is None:
        return False
    expr = text.strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2].strip()
    return bool(re.fullmatch(r"(?i)false(\s*&&.*)?", expr, re.DOTALL))


def _run_text(step: yaml.Node | None) -> str:
    text = scalar(value(step, "run")) or ""
    return "\n".join(shell.mask(line) for line in text.splitlines())


def step_runs_gate(step: yaml.Node | None) -> bool:
    """Tell whether a step's ``run`` or ``uses`` is a gate."""
    uses = scalar(value(step, "uses")) or ""
    return runs_gate(_run_text(step)) or bool(_GATE_ACTION.search(uses.split("@")[0]))


class _Auditor:
    """Collects findings for one file; ``where`` names the job and step."""

    def __init__(self, path: str, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.findings: list[Finding] = []

    def add(self, rule: str, line: int, detail: str) -> None:
        self.findings.append(finding(rule, self.path, line, detail))

    def uses(self, node: yaml.Node | None, where: str) -> None:
        text = scalar(node)
        problem = pin_problem(text) if text else None
        if node is not None and problem:
            self.add("QG110", line_of(node), f"{where}: {problem}")

    def run(self, node: yaml.Node | None, where: str) -> None:
        script = scalar(node)
        if node is None or not script:
            return
        for hit in shell.audit(script):
            line = yamlnodes.locate(self.lines, node, hit.snippet, hit.line)
            self.add(hit.rule, line, f"{where}: {hit.detail}")
        self.exit_zero(node, script, where)

    def exit_zero(self, node: yaml.Node, text: str, where: str) -> None:
        index = shell.exit_zero_line(text)
        if index is not None:
            line = yamlnodes.locate(self.lines, node, "--exit-zero", index)
            self.add("QG106", line, f"{where}: `--exit-zero`")

    def step(self, step: yaml.Node, where: str) -> None:
        entries = mapping(step)
        run = (scalar(value(step, "run")) or "").strip().split("\n")[0]
        name = scalar(value(step, "name")) or scalar(value(step, "uses"))
        name = name or (f"Run {run[:40]}" if run else "step")
        where = f"{where}, step `{name}`"
        if "if" in entries and never_runs(entries["if"][1]):
            self.add("QG107", line_of(entries["if"][0]), f"{where}: `if: false`")
        self.uses(value(step, "uses"), where)
        self.run(value(step, "run"), where)
        for item in yamlnodes.strings(value(step, "with")):
            self.exit_zero(item, str(item.value), where)
        coe = entries.get("continue-on-error")
        if coe and yamlnodes.is_true(coe[1]) and step_runs_gate(step):
            self.add("QG105", line_of(coe[0]), f"{where}: `continue-on-error: true`")

    def steps(self, node: yaml.Node | None, where: str) -> None:
        for step in yamlnodes.sequence(node):
            self.step(step, where)


def _job(auditor: _Auditor, name: str, job: yaml.Node) -> None:
    entries = mapping(job)
    where = f"job `{name}`"
    if "if" in entries and never_runs(entries["if"][1]):
        auditor.add("QG107", line_of(entries["if"][0]), f"{where}: `if: false`")
    auditor.uses(value(job, "uses"), where)
    auditor.steps(value(job, "steps"), where)
    coe = entries.get("continue-on-error")
    steps = yamlnodes.sequence(value(job, "steps"))
    reusable = scalar(value(job, "uses")) or ""
    gate = any(step_runs_gate(s) for s in steps) or bool(_GATE_ACTION.search(reusable))
    if coe and yamlnodes.is_true(coe[1]) and gate:
        auditor.add("QG105", line_of(coe[0]), f"{where}: `continue-on-error: true`")


def _permissions(auditor: _Auditor, root: yaml.Node, jobs: yaml.Node | None) -> None:
    if "permissions" in mapping(root):
        return
    job_entries = mapping(jobs)
    if not job_entries:
        auditor.add("QG111", 1, "no top-level `permissions:` and no jobs")
    for name, (key, job) in job_entries.items():
        if "permissions" not in mapping(job):
            detail = f"job `{name}` has no `permissions:` and the workflow has none"
            auditor.add("QG111", line_of(key), detail)


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


def audit_workflow(path: str, text: Text) -> list[Finding]:
    """Every finding of one ``.github/workflows/*.yml`` file."""
    root, problems = _parse(path, text, "workflow")
    if root is None:
        return problems
    auditor = _Auditor(path, text.lines)
    jobs = value(root, "jobs")
    if not isinstance(jobs, yaml.MappingNode):
        auditor.add("QG109", line_of(jobs or root), "workflow has no `jobs:` mapping")
    for name, (_, job) in mapping(jobs).items():
        _job(auditor, name, job)
    _permissions(auditor, root, jobs)
    return auditor.findings


def audit_action(path: str, text: Text) -> list[Finding]:
    """Audit a composite or docker action's ``action.yml``: steps and image."""
    root, problems = _parse(path, text, "action")
    if root is None:
        return problems
    auditor = _Auditor(path, text.lines)
    runs = value(root, "runs")
    image = scalar(value(runs, "image")) or ""
    if image.startswith("docker://"):
        auditor.uses(value(runs, "image"), "action image")
    auditor.steps(value(runs, "steps"), "action")
    return auditor.findings
