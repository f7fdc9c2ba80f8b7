"""A job's steps: scripts whose gates cannot fail, unpinned actions, and their inputs.

A report run hidden by ``|| true`` is not a neutralised gate when the same
tool runs again in the job with its failure seen (``bandit -f json -o r.json
|| true`` then ``bandit -r .``).  ``continue-on-error: true`` is not either
when a later step of the job reads the step's ``outcome`` and fails on it.
"""

from __future__ import annotations

import dataclasses
import re

import yaml
from quality_gates import yamlnodes
from quality_gates.findings import Finding
from quality_gates.guards.integrity import gatecmd, shell, shells
from quality_gates.guards.integrity.rules import finding
from quality_gates.guards.integrity.shellflow import Hit
from quality_gates.yamlnodes import line_of, mapping, scalar, value

_SHA = re.compile(r"[0-9a-f]{40}")
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
_GATE_ACTION = re.compile(
    r"lint|test|(?<!-)check(?!out)|audit|scan|codeql|security|pre-commit|"
    r"quality-gates|coverage|sonar|snyk|trivy|semgrep|ruff|mypy|flake8|zizmor|"
    r"bandit|tox|grype|gitleaks|trufflehog",
    re.IGNORECASE,
)
_FAILS = re.compile(r"\bexit\s+(?:[1-9]|\$|\"\$)|\bfalse\b|::error")


def pin_problem(uses: str) -> str | None:
    """Why ``uses:`` is not pinned to an immutable commit, or None when it is."""
    uses = uses.strip()
    if uses.startswith(("./", "../", "$/")):
        return None  # this repository's own action or workflow, at this commit
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


# The workflow_run event carries no outputs of the workflow that ran: a test
# of `github.event.workflow_run.outputs.X == 'true'` is never true.
_NO_SUCH_CONTEXT = re.compile(r"github\.event\.workflow_run\.outputs\b")


def never_runs(node: yaml.Node | None) -> str:
    """Why ``if:`` can never be true ('' when it can): ``false``, a missing context."""
    text = scalar(node)
    if text is None:
        return ""
    expr = text.strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2].strip()
    if re.fullmatch(r"(?i)false(\s*&&.*)?", expr, re.DOTALL):
        return "`if: false`"
    if _NO_SUCH_CONTEXT.search(expr) and "||" not in expr:
        return (
            "`if:` needs `github.event.workflow_run.outputs`, which the "
            "workflow_run event does not have"
        )
    return ""


# Scanners that report and exit 0 unless told otherwise (``exit-code: 1``).
_REPORT_BY_DEFAULT = {"aquasecurity/trivy-action": "exit-code"}


def gate_action(uses: str, step: yaml.Node | None = None) -> bool:
    """Tell whether an action checks: its name says so, and it can fail."""
    name = uses.split("@")[0]
    if not _GATE_ACTION.search(name):
        return False
    option = _REPORT_BY_DEFAULT.get(name)
    if option is None:
        return True
    chosen = (scalar(value(value(step, "with"), option)) or "0").strip()
    return chosen not in ("0", "")


@dataclasses.dataclass
class JobContext:
    """What the steps of one job share: its name, runner and default shell."""

    prefix: str
    name: str = ""
    runs_on: str = ""
    shell: str | None = None


@dataclasses.dataclass
class _Script:
    """One step's script audit, kept until the whole job is seen."""

    where: str
    node: yaml.Node
    audit: shell.ScriptAudit


class Auditor:
    """Collects the findings and notes of one workflow or action file."""

    def __init__(self, path: str, lines: list[str]) -> None:
        """Start with no findings for the file at ``path``."""
        self.path = path
        self.lines = lines
        self.findings: list[Finding] = []
        self.notes: list[str] = []

    def add(self, rule: str, line: int, detail: str) -> None:
        """Add a finding of ``rule`` at ``line``."""
        self.findings.append(finding(rule, self.path, line, detail))

    def uses(self, node: yaml.Node | None, where: str) -> None:
        """QG110 for a ``uses:`` not pinned to a commit."""
        text = scalar(node)
        problem = pin_problem(text) if text else None
        if node is not None and problem:
            self.add("QG110", line_of(node), f"{where}: {problem}")

    def exit_zero(self, node: yaml.Node, text: str, where: str) -> None:
        """QG106 for an ``--exit-zero`` in ``text``."""
        index = shell.exit_zero_line(text)
        if index is not None:
            line = yamlnodes.locate(self.lines, node, "--exit-zero", index)
            self.add("QG106", line, f"{where}: `--exit-zero`")

    def inputs(self, step: yaml.Node, where: str) -> None:
        """``with:`` inputs: ``--exit-zero`` anywhere, ``exit-code: 0`` on a scanner."""
        for item in yamlnodes.strings(value(step, "with")):
            self.exit_zero(item, str(item.value), where)
        uses = scalar(value(step, "uses")) or ""
        code = mapping(value(step, "with")).get("exit-code")
        scanner = _GATE_ACTION.search(uses.split("@")[0])
        if code and scanner and (scalar(code[1]) or "").strip() == "0":
            self.add("QG106", line_of(code[0]), f"{where}: `exit-code: 0`")

    def job_steps(self, steps: list[yaml.Node], job: JobContext) -> bool:
        """Audit a job's steps; return whether any of them runs a gate."""
        scripts: list[_Script] = []
        gates = False
        for index, step in enumerate(steps):
            where = f"{job.prefix}, step `{step_name(step)}`"
            script = self.step(step, where, job)
            if script is not None:
                scripts.append(script)
            uses = scalar(value(step, "uses")) or ""
            runs = bool(script and script.audit.gates) or gate_action(uses, step)
            gates = gates or runs
            if runs:
                self.continue_on_error(step, steps[index + 1 :], where)
                self.never_runs(step, where)
        self.script_hits(scripts)
        return gates

    def step(self, step: yaml.Node, where: str, job: JobContext) -> _Script | None:
        """Audit one step; return its script audit for the job-level pass."""
        self.uses(value(step, "uses"), where)
        self.inputs(step, where)
        node = value(step, "run")
        script = scalar(node)
        if node is None or not script:
            return None
        self.exit_zero(node, script, where)
        kind = scalar(value(step, "shell")) or job.shell
        resolved = shells.resolve(kind, job.runs_on)
        if resolved is None:
            return None
        context = gatecmd.checking_context(scalar(value(step, "name")) or "", job.name)
        audit = shell.audit_script(script, runs_with=resolved, context=context)
        if audit.note:
            self.notes.append(f"{self.path}:{line_of(node)}: {where}: {audit.note}")
        return _Script(where, node, audit)

    def script_hits(self, scripts: list[_Script]) -> None:
        """Report the job's script hits, less report runs with a twin."""
        observed = (
            set().union(*(s.audit.observed for s in scripts)) if scripts else set()
        )
        for script in scripts:
            for hit in script.audit.hits:
                if _report_with_twin(hit, observed):
                    continue
                line = yamlnodes.locate(self.lines, script.node, hit.snippet, hit.line)
                self.add(hit.rule, line, f"{script.where}: {hit.detail}")

    def never_runs(self, node: yaml.Node, where: str) -> None:
        """QG107 for a step or job that runs a gate under an ``if:`` never true."""
        entry = mapping(node).get("if")
        never = never_runs(entry[1]) if entry else ""
        if entry and never:
            self.add("QG107", line_of(entry[0]), f"{where}: {never}")

    def continue_on_error(
        self, step: yaml.Node, later: list[yaml.Node], where: str
    ) -> None:
        """QG105 unless a later step fails on this step's outcome."""
        coe = mapping(step).get("continue-on-error")
        if not coe or not yamlnodes.is_true(coe[1]):
            return
        step_id = scalar(value(step, "id"))
        if step_id and any(_fails_on_outcome(s, step_id) for s in later):
            return
        self.add("QG105", line_of(coe[0]), f"{where}: `continue-on-error: true`")


def _report_with_twin(hit: Hit, observed: set[str]) -> bool:
    return hit.rule in ("QG101", "QG102") and hit.report and hit.key in observed


def _fails_on_outcome(step: yaml.Node, step_id: str) -> bool:
    """Tell whether a later step reads ``steps.<id>.outcome`` and fails on it."""
    reads = re.compile(rf"steps\.{re.escape(step_id)}\.(outcome|conclusion)")
    condition = scalar(value(step, "if")) or ""
    script = scalar(value(step, "run")) or ""
    return bool(reads.search(condition + script)) and bool(_FAILS.search(script))


def step_name(step: yaml.Node) -> str:
    """Return a step's name, else its action, else the start of its script."""
    run = (scalar(value(step, "run")) or "").strip().split("\n")[0]
    name = scalar(value(step, "name")) or scalar(value(step, "uses"))
    return name or (f"Run {run[:40]}" if run else "step")
