"""Shell scripts of steps, hooks and tox commands: gates whose failure is hidden.

A script is parsed with tree-sitter's bash grammar and its gates' exit
statuses are followed through the shell's control flow (``flow``).  A
script the grammar cannot read is never passed over: it is audited line by
line (``line_audit``) and the audit says so in a note.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from quality_gates.guards.integrity import gatecmd
from quality_gates.guards.integrity.shell import line_audit, parse
from quality_gates.guards.integrity.shell.flow import Gate, Hit, Shell, Walker
from quality_gates.guards.integrity.shell.line_audit import (
    exit_zero_judged,
    exit_zero_line,
    exit_zero_lines,
    fail_off_flag,
    logical_lines,
    mask,
)
from quality_gates.guards.integrity.shell.records import Result

__all__ = ["Hit", "Shell", "ScriptAudit", "audit", "audit_script"]
__all__ += [
    "exit_zero_judged",
    "exit_zero_line",
    "exit_zero_lines",
    "fail_off_flag",
    "logical_lines",
    "mask",
]

# Failures thrown away on purpose (`|| true`, `|| echo`, `; exit 0`), not by accident.
_ON_PURPOSE = frozenset(("QG101", "QG102", "QG103"))
BASH_C = Shell(errexit=False, pipefail=False, label="bash -c", kind="bash")


@dataclasses.dataclass
class ScriptAudit:
    """Hits, what the script runs as a gate, and a note when it was not parsed."""

    hits: list[Hit] = dataclasses.field(default_factory=list)
    observed: set[str] = dataclasses.field(default_factory=set)
    gates: int = 0
    note: str = ""
    reports: tuple[str, ...] = ()
    named: int = 0  # of ``gates``, those known by their own name
    last: tuple[Gate, ...] = ()  # the gates whose failure is the script's status
    checks: tuple[Gate, ...] = ()  # every gate it runs (not those of a `bash -c`)


def audit_script(
    script: str,
    *,
    runs_with: Shell,
    context: str = "",
    place: str = "",
    fixing: bool = False,
    package_fixes: Callable[[list[str]], bool | None] | None = None,
    package_checks: Callable[[list[str]], bool] | None = None,
    config_checks: frozenset[str] = frozenset(),
    package_stub: Callable[[list[str]], str] | None = None,
    rewrites: tuple[bool, Callable[[list[str]], bool | None] | None] = (False, None),
    builds_checked: str = "",
    env: dict[str, str] | None = None,
) -> ScriptAudit:
    """Audit one script run by ``runs_with``; ``context`` names its step and job.

    ``place`` says why findings here are only plausible (a report job), if so;
    ``fixing``: the job commits what its steps changed; ``package_fixes``:
    whether ``npm run NAME`` runs a package script that only fixes;
    ``package_checks``: whether it runs a checker by name (``tsc -p ./``);
    ``config_checks``: formatters and scanners the project's configuration
    makes check; ``env``: the step's environment (``TRIVY_EXIT_CODE``);
    ``package_stub``: the script, when it is a stub of a check (``echo skip``);
    ``rewrites``: whether the job commits or reads the tree after a
    formatter's rewrite, and whether ``npm run NAME`` only formats;
    ``builds_checked``: how surely a build script is a check, the job building to
    see it pass (``context``: by the job; ``named``: the job verifies the change).
    """
    try:
        root = parse.parse(script)
        walker = Walker(runs_with, context, script, place)
        walker.fixing, walker.builds_checked = fixing, builds_checked
        walker.config_checks, walker.env = config_checks, dict(env or {})
        walker.rewrites_caught = rewrites[0]
        _know_packages(walker, package_fixes, package_checks, package_stub, rewrites[1])
        result = walker.program(root)
    except (parse.ParseFailure, RecursionError) as exc:
        return _line_by_line(script, exc)
    return _walked(walker, result)


def _know_packages(
    walker: Walker,
    fixes: Callable[[list[str]], bool | None] | None,
    checks: Callable[[list[str]], bool] | None,
    stub: Callable[[list[str]], str] | None,
    rewrites: Callable[[list[str]], bool | None] | None,
) -> None:
    """Tell ``walker`` what the project's package scripts do, where known."""
    if fixes is not None:
        walker.package_fixes = fixes
    if checks is not None:
        walker.package_checks = checks
    if stub is not None:
        walker.package_stub = stub
    if rewrites is not None:
        walker.package_rewrites = rewrites


def _walked(walker: Walker, result: Result) -> ScriptAudit:
    """Return what a walk found: hits in order, gates, reports, status."""
    hits = sorted(result.hits, key=lambda hit: (hit.line, hit.rule))
    if result.named_seen:  # the check the step is named for is that checker
        hits = [hit for hit in hits if not (hit.by_name and hit.rule in _ON_PURPOSE)]
    reports = tuple(sorted(walker.reports))
    return ScriptAudit(
        hits,
        result.observed,
        walker.gates,
        reports=reports,
        named=walker.named,
        last=tuple(result.last),
        checks=tuple(walker.checks),
    )


def _line_by_line(script: str, exc: parse.ParseFailure | RecursionError) -> ScriptAudit:
    """Audit a script the grammar cannot read line by line, and say so."""
    reason = str(exc) if isinstance(exc, parse.ParseFailure) else "too deep"
    return ScriptAudit(
        hits=line_audit.audit(script),
        gates=1 if gatecmd.runs_gate(script) else 0,
        named=1,
        note=f"not parsed as a shell script ({reason}); audited line by line",
    )


def audit(script: str) -> list[Hit]:
    """Hits of a ``bash -c`` script (a pre-commit entry, a tox command): no ``-e``."""
    return audit_script(script, runs_with=BASH_C).hits
