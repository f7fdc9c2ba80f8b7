"""A checker action let pass in one step while its strict twin gates the job.

``aquasecurity/trivy-action`` with ``exit-code: "0"`` and ``format: sarif``
for the Security tab, beside a step of the same job that runs the same
action on the same scan (same target, scanners, severities) with
``exit-code: "1"``: a finding still fails the job through the twin, so the
advisory run loses nothing.  Inputs that only shape the report (its format,
its output file, progress) may differ; the twin must not continue on error,
and must run whenever the lenient step's job can still turn green.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

import yaml
from quality_gates.guards.integrity import repotwins
from quality_gates.yamlnodes import mapping, scalar, value

# inputs that say where and how the report is written, not what is checked
_REPORT_INPUT = re.compile(r"(?i)output|format|report|sarif|template|progress|quiet")

# a twin's `if:` under which it runs whenever the job can still pass
_RUNS_WHEN_GREEN = frozenset(("", "success()", "always()", "!cancelled()"))


def _inputs(step: yaml.Node, ignored: frozenset[str]) -> dict[str, str]:
    """Return a step's scan-defining inputs: ``with:`` less report and fail-off keys."""
    return {
        key: (scalar(node) or "").strip()
        for key, (_, node) in mapping(value(step, "with")).items()
        if key not in ignored and not _REPORT_INPUT.search(key)
    }


def _action(step: yaml.Node) -> str:
    return (scalar(value(step, "uses")) or "").split("@")[0].strip()


def _condition(step: yaml.Node) -> str:
    text = (scalar(value(step, "if")) or "").strip()
    return text.removeprefix("${{").removesuffix("}}").strip()


def _continues(step: yaml.Node) -> bool:
    """Tell a step whose ``continue-on-error`` is set to anything but false."""
    entry = mapping(step).get("continue-on-error")
    if entry is None:
        return False
    return (scalar(entry[1]) or "").strip().lower() != "false"


def strict_twin(
    steps: list[yaml.Node],
    index: int,
    lost: frozenset[str],
    strict: Callable[[yaml.Node], bool],
) -> str:
    """Why the action of ``steps[index]`` still gates the job ('' when it does not).

    ``lost``: the inputs that let it pass; ``strict``: tells a step whose
    own inputs keep the checker's failure.
    """
    step = steps[index]
    action = _action(step)
    if not action or action.startswith(("./", "docker://")):
        return ""
    scan = _inputs(step, lost)
    mine = _condition(step)
    for other in steps:
        if other is step or _action(other) != action or _continues(other):
            continue
        if _condition(other) not in _RUNS_WHEN_GREEN | {mine}:
            continue
        if _inputs(other, lost) == scan and strict(other):
            name = scalar(value(other, "name")) or action
            return (
                f"step `{name}` of the same job runs `{action}` on the same scan "
                "and fails on its findings: this run only writes a report"
            )
    return ""


# options that say how and where the findings are written, not what is checked
_REPORT_OPTION = re.compile(
    r"^--?(format|output[-\w]*|o|tee|reports?[-\w]*|statistics|count|"
    r"show-source|quiet|q)$"
)


def _scan_words(line: str) -> list[str]:
    """Return a command's words less ``--exit-zero`` and its report options."""
    try:
        words = shlex.split(line)
    except ValueError:
        return []
    kept: list[str] = []
    skip = False
    for word in words:
        name, equals, _ = word.partition("=")
        if skip or word == "--exit-zero":
            skip = False
        elif _REPORT_OPTION.match(name):
            skip = not equals and name not in _REPORT_FLAGS
        else:
            kept.append(word)
    return kept


_REPORT_FLAGS = frozenset("--tee --statistics --count --show-source --quiet -q".split())


def strict_run(
    steps: list[yaml.Node],
    step: yaml.Node,
    line: str,
    runs_on: str,
    job_shell: str | None,
) -> str:
    """Name the step of the job whose plain command runs ``line``'s check strictly.

    ``flake8 --exit-zero --format json --output-file f.json .`` beside a
    step running ``flake8 .``: the same command less the option that lets
    it pass and its report options, a simple command of a bash script with
    errexit, in a step that does not continue on error ('' for none).
    """
    wanted = _scan_words(line)
    if not wanted:
        return ""
    for other in steps:
        script = scalar(value(other, "run")) or ""
        if other is step or not script or _continues(other):
            continue
        kind = scalar(value(other, "shell")) or job_shell
        if _condition(other) not in _RUNS_WHEN_GREEN or not repotwins.errexit_bash(
            kind, runs_on, script
        ):
            continue
        if any(
            repotwins.simple(cmd) and _scan_words(cmd) == wanted
            for cmd in repotwins.script_lines(script)
        ):
            return scalar(value(other, "name")) or wanted[0]
    return ""
