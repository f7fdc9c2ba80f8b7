"""Twin runs across a repository's workflows: a lost check run strictly elsewhere.

``pip-audit`` with ``continue-on-error: true`` in ci.yml's lint job loses the
audit's failure there; when security.yml runs the same ``pip-audit`` as a
plain command of a plain step, on every push and pull request ci.yml runs
on, the project still fails on it: the lost run is a copy, a note at most.
Only a twin on the same change events counts: one run on a schedule or by
hand guards no pull request.

What counts as a strict run is read from the text, conservatively: a line
that is one simple command (no ``|``, ``||``, ``&&``, ``;``, ``&``, no
control word), in a step and job with no ``if:`` and no
``continue-on-error``, in a bash script (``shell: bash`` or a Linux or macOS
runner) that has no ``set +e``, ``trap``, ``cd`` or here-document.
"""

from __future__ import annotations

import dataclasses
import shlex

import yaml
from quality_gates.findings import Finding
from quality_gates.guards.integrity import expressions, gatecmd
from quality_gates.guards.integrity.rules import NOTE, RULES, fails
from quality_gates.textfile import Text
from quality_gates.yamlnodes import compose, line_of, mapping, scalar, sequence, value

# The events on which a change waits for CI.
CHANGE_EVENTS = ("push", "pull_request")
_LOST_BY_LINE = frozenset(("QG101", "QG102"))
_CONTROL = frozenset(
    "if then else elif fi for while until do done case esac ! { } [[ [ function".split()
)
_UNSAFE = ("set +e", "set +o errexit", "trap ", "cd ", "pushd ", "<<", "exit 0")


@dataclasses.dataclass(frozen=True)
class StepRun:
    """A ``run:`` step: its commands, where they run, and whether it is strict."""

    commands: tuple[str, ...]
    folder: str
    strict: bool
    coe_line: int  # the line of its own ``continue-on-error`` (0: none)
    simple: bool  # every line of it is one simple command


@dataclasses.dataclass(frozen=True)
class WorkflowRuns:
    """A workflow's change events (with their filters) and its ``run:`` steps."""

    path: str
    events: dict[str, str]
    steps: tuple[StepRun, ...]


def read(path: str, text: Text) -> WorkflowRuns | None:
    """Read a workflow's events and steps (None when it does not parse)."""
    if text.problem:
        return None
    root = compose(text.text).root
    if not isinstance(root, yaml.MappingNode):
        return None
    events = _events(value(root, "on"))
    folder = _folder(root)
    steps: list[StepRun] = []
    for _, (_, job) in mapping(value(root, "jobs")).items():
        steps += _job_steps(job, _folder(job) or folder)
    return WorkflowRuns(path, events, tuple(steps))


def _events(node: yaml.Node | None) -> dict[str, str]:
    """``on:``'s change events, each with its filters as text ('' for none)."""
    if isinstance(node, yaml.ScalarNode):
        return {str(node.value): ""} if node.value in CHANGE_EVENTS else {}
    if isinstance(node, yaml.SequenceNode):
        names = [scalar(item) or "" for item in sequence(node)]
        return {name: "" for name in names if name in CHANGE_EVENTS}
    found = {}
    for name, (_, filters) in mapping(node).items():
        if name in CHANGE_EVENTS:
            found[name] = yaml.serialize(filters) if mapping(filters) else ""
    return found


def _folder(node: yaml.Node | None) -> str:
    """``defaults: run: working-directory:`` of a workflow or job ('' for none)."""
    return (
        scalar(value(value(value(node, "defaults"), "run"), "working-directory")) or ""
    )


def _job_steps(job: yaml.Node, folder: str) -> list[StepRun]:
    """Return the ``run:`` steps of a job, each judged strict or not."""
    plain_job = value(job, "if") is None and not _continues(job)
    runs_on = " ".join(s.value for s in _scalars(value(job, "runs-on")))
    found = []
    for step in sequence(value(job, "steps")):
        script = scalar(value(step, "run"))
        if script is None:
            continue
        shell = scalar(value(step, "shell")) or scalar(
            value(value(value(job, "defaults"), "run"), "shell")
        )
        bash = _bash(shell, runs_on) and not any(u in script for u in _UNSAFE)
        lines = _lines(script)
        simple = all(_simple(line) for line in lines)
        strict = plain_job and bash and value(step, "if") is None
        coe = mapping(step).get("continue-on-error")
        found.append(
            StepRun(
                tuple(lines),
                scalar(value(step, "working-directory")) or folder,
                strict and not _continues(step),
                line_of(coe[0]) if coe else 0,
                simple and bash,
            )
        )
    return found


def errexit_bash(shell: str | None, runs_on: str, script: str) -> bool:
    """Tell a script bash runs with errexit that nothing in it turns off."""
    return _bash(shell, runs_on) and not any(u in script for u in _UNSAFE)


def simple(line: str) -> bool:
    """Tell a line that is one simple command: its status is the line's."""
    return _simple(line)


def script_lines(script: str) -> list[str]:
    """Return a script's lines: continuations joined, blanks and comments out."""
    return _lines(script)


def _scalars(node: yaml.Node | None) -> list[yaml.ScalarNode]:
    if isinstance(node, yaml.ScalarNode):
        return [node]
    return [n for n in sequence(node) if isinstance(n, yaml.ScalarNode)]


def _continues(node: yaml.Node) -> bool:
    entry = mapping(node).get("continue-on-error")
    return bool(entry) and expressions.always_true(entry[1] if entry else None)


def _bash(shell: str | None, runs_on: str) -> bool:
    """Tell a script bash runs with errexit: ``shell: bash``, or Linux's default."""
    if shell is not None:
        return shell.strip() in ("bash", "bash -e {0}", "bash -el {0}")
    lowered = runs_on.lower()
    return bool(lowered) and "windows" not in lowered and "${{" not in lowered


def _lines(script: str) -> list[str]:
    """Return the script's lines: continuations joined, blanks and comments out."""
    joined = script.replace("\\\n", " ")
    lines = [" ".join(line.split()) for line in joined.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def _simple(line: str) -> bool:
    """Tell a line that is one simple command: its status is the line's."""
    if any(mark in line for mark in ("|", "&", ";", "`", "$(", ">", "<")):
        return False
    try:
        words = shlex.split(line)
    except ValueError:
        return False
    return bool(words) and words[0] not in _CONTROL and "=" not in words[0]


def _check(line: str) -> bool:
    """Tell a simple command that is a check by its own name."""
    return gatecmd.named(shlex.split(line)) is True


def demote(
    findings: list[Finding], runs: list[WorkflowRuns], lines: dict[str, list[str]]
) -> None:
    """Make a note of each failing lost run whose twin another workflow keeps."""
    by_path = {r.path: r for r in runs}
    for index, item in enumerate(findings):
        mine = by_path.get(item.path)
        if mine is None or not fails(item) or not mine.events:
            continue
        text = lines.get(item.path, ())
        source = text[item.line - 1] if 0 < item.line <= len(text) else ""
        lost = _lost(item, mine, str(source))
        if not lost:
            continue
        twin = _twin(mine, lost, runs)
        if twin:
            findings[index] = _as_note(item, lost[1], twin)


def _lost(item: Finding, mine: WorkflowRuns, source: str) -> tuple[str, ...]:
    """Return the folder, then the checks a finding loses (() when not sure)."""
    if item.rule in _LOST_BY_LINE:
        source = " ".join(source.split())
        for step in mine.steps:
            for line in step.commands:
                command, bar, _ = line.partition(" || ")
                if (
                    bar
                    and source.endswith(line)
                    and _simple(command)
                    and _check(command)
                ):
                    return (step.folder, command)
        return ()
    if item.rule != "QG105":
        return ()
    for step in mine.steps:
        if step.coe_line == item.line and step.simple:
            checks = tuple(line for line in step.commands if _check(line))
            return (step.folder, *checks) if checks else ()
    return ()


def _twin(mine: WorkflowRuns, lost: tuple[str, ...], runs: list[WorkflowRuns]) -> str:
    """Return the path of another workflow that runs every lost check strictly."""
    folder, checks = lost[0], lost[1:]
    for other in runs:
        if other.path == mine.path or not _covers(other.events, mine.events):
            continue
        kept = {
            line
            for step in other.steps
            if step.strict and step.folder == folder
            for line in step.commands
            if _simple(line)
        }
        if set(checks) <= kept:
            return other.path
    return ""


def _covers(theirs: dict[str, str], mine: dict[str, str]) -> bool:
    """Tell whether a workflow runs on every change event ``mine`` runs on.

    Each event with no filters, or with the very filters of ``mine``: a twin
    whose pull requests are narrowed by ``paths:`` covers only some of them.
    """
    return all(
        event in theirs and theirs[event] in ("", filters)
        for event, filters in mine.items()
    )


def _as_note(item: Finding, command: str, twin: str) -> Finding:
    """Return the finding as a note: the same check runs strictly in ``twin``."""
    rule = RULES[item.rule]
    events = "/".join(CHANGE_EVENTS)
    why = (
        f"{twin} runs the same `{command}` as a plain step on the same "
        f"{events} events, where its failure fails the run: this is a copy"
    )
    tail = f": {rule.why}. Fix: "
    message = item.message.replace(tail, f" (a note, not certain: {why}){tail}", 1)
    return dataclasses.replace(item, severity=NOTE, message=message)
