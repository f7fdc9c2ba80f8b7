"""The checks of a workflow GitHub refuses at start-up: none of them ever runs.

GitHub validates a whole workflow before it starts any job of it: a context
an ``if:`` may not read there (``secrets`` in any ``if:``, ``env`` or
``matrix`` in a job's) or a key written twice makes it refuse the file, and
the run fails at once with no job started.  The QG109 finding says why;
each check the file lists is reported too, where it stands, as never
running (QG107): those are the checks a reader believes run and that are
lost.  A file that does not parse has no jobs to read: its QG109 stands
alone.
"""

from __future__ import annotations

import dataclasses

import yaml
from quality_gates import yamlnodes
from quality_gates.findings import Finding
from quality_gates.guards.integrity.rules import fails, finding
from quality_gates.guards.integrity.shell.records import Gate
from quality_gates.yamlnodes import line_of

# rules whose failing finding already reports a check as lost where it runs
_LOST = frozenset("QG101 QG102 QG103 QG104 QG105 QG106 QG107 QG112 QG113 QG117".split())
_BY_NAME = (
    "a check only by its step's name (the command is no checker by its own "
    "name): plausibly a gate that never runs"
)
_FIX = "fix what makes GitHub refuse the workflow (the QG109 finding), then it runs"


@dataclasses.dataclass(frozen=True)
class Listed:
    """A check a workflow lists: its line, where it stands, its text."""

    line: int
    where: str
    text: str
    named: bool  # a checker by its own name (False: by its step's name only)
    span: tuple[int, int] = (0, 0)  # its step's first and last line


def step_checks(
    lines: list[str],
    step: yaml.Node,
    where: str,
    run: yaml.Node | None,
    gates: tuple[Gate, ...],
    by_name: bool = False,
) -> list[Listed]:
    """Return the checks one step runs: each gate of its script, else the step.

    A step whose check is an action, an input the action runs as a script,
    or a ``bash -c`` inside its script is listed at its first line.  One
    that is a check only by its name and an ``exit 1`` of its own
    (``by_name``: ``Check ERP (public)`` probing a live URL) is listed as
    plausibly a check: what it tests may be a deployed service, not the code.
    """
    span = (line_of(step), int(step.end_mark.line))
    if run is not None and gates:
        return [
            Listed(
                yamlnodes.locate(lines, run, gate.text, gate.line),
                where,
                gate.text,
                gate.strength == "named",
                span,
            )
            for gate in gates
        ]
    return [Listed(line_of(step), where, "", not by_name, span)]


def never_run(
    path: str, refusals: list[Finding], listed: list[Listed], found: list[Finding]
) -> list[Finding]:
    """QG107 for each listed check of a refused workflow not already reported lost.

    A check whose loss a failing finding already reports where it runs
    (``pytest || true``), or in its step (``continue-on-error: true``; for
    an action, any), is one lost check: it is not reported twice.
    """
    if not refusals:
        return []
    refusal = min(refusals, key=lambda item: item.line)
    lost = [f for f in found if f.rule in _LOST and fails(f)]
    taken = {f.line for f in lost} | {refusal.line for refusal in refusals}
    out: list[Finding] = []
    for item in listed:
        first, last = item.span
        whole = [f for f in lost if (f.rule == "QG105" or not item.text)]
        if item.line in taken or any(first <= f.line <= last for f in whole):
            continue
        taken.add(item.line)
        what = f"`{item.text}` " if item.text else ""
        detail = (
            f"{item.where}: {what}never runs: GitHub refuses the whole workflow "
            f"at start-up (QG109, line {refusal.line}), so no job of it starts"
        )
        why = "" if item.named else _BY_NAME
        out.append(finding("QG107", path, item.line, detail, why, fix=_FIX))
    return out
