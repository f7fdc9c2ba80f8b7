"""Read what a step of a job is given: its name, env, folder, outputs, triggers.

A step sees the ``env:`` blocks of the workflow, its job and itself (the
nearest wins) and runs in its ``working-directory`` or its job's; it runs
only by hand when its job's triggers or its own ``if:`` say so.  The names
that make its commands checks are its own and its job's, unless the job
builds for another (delivery, analysis, code fetched from elsewhere).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml
from quality_gates.guards.integrity import place
from quality_gates.guards.integrity.actionsteps import literals
from quality_gates.guards.integrity.stepnames import checking_context
from quality_gates.yamlnodes import mapping, scalar, value

if TYPE_CHECKING:
    from quality_gates.guards.integrity.stepinputs import JobContext


def span(step: yaml.Node) -> tuple[int, int]:
    """Return a step's first and last line (1-based)."""
    return step.start_mark.line + 1, step.end_mark.line


def manual(step: yaml.Node, job: JobContext) -> str:
    """Why the step runs only by hand (its job's triggers or its own ``if:``)."""
    step_if = scalar(value(step, "if")) or ""
    return job.manual or place.manual_step(job.triggers, step_if)


def workdir(step: yaml.Node, job: JobContext) -> str:
    """Return the folder a step's script runs in, as written ('' for the root)."""
    return scalar(value(step, "working-directory")) or job.workdir


def envs(step: yaml.Node, job: JobContext) -> list[yaml.Node | None]:
    """Return the ``env:`` blocks a step sees, nearest first (step, job, workflow)."""
    return [value(step, "env"), *reversed(job.env)]


def env_of(step: yaml.Node, job: JobContext) -> dict[str, str]:
    """Return the environment a step's script sees: the nearest ``env:`` wins."""
    return {
        k: v for node in reversed(envs(step, job)) for k, v in literals(node).items()
    }


def output_input(step: yaml.Node) -> tuple[str, ...]:
    """Return the report file a scanner action writes (``output:`` and alike)."""
    given = mapping(value(step, "with"))
    found = [scalar(given[k][1]) or "" for k in _OUTPUT_INPUTS if k in given]
    return tuple(name for name in found if name)


_OUTPUT_INPUTS = ("output", "output-file", "output_file_path", "sarif_file")


# A script that brings in another repository's code (``git clone URL``, ``git
# remote add origin URL``): what it builds is a dependency, set up for the
# job, not this project; "Build" in its step's name makes nothing a check.
def step_context(name: str, script: str, job: JobContext) -> str:
    """Return the names that make a step's commands checks ('' for none).

    A job that builds what another ships, or code fetched from elsewhere,
    builds no check of its own; neither does a CodeQL job, whose builds give
    the analyser its compiled code (``make all || true`` in ``Build C/C++
    projects`` loses no check of the project) and whose own name
    (``Analyze``) speaks of CodeQL's queries, not of the commands it runs.
    """
    builds_other = job.delivery or job.feeds_delivery or job.analysis
    builds_other = builds_other or bool(_FOREIGN_CODE.search(script))
    label = "" if job.analysis else job.name
    return checking_context(name, label, builds_other)


_FOREIGN_CODE = re.compile(
    r"\bgit\s+(?:-C\s+\S+\s+)?(?:clone|remote\s+add|fetch)\b"
    r"(?:[^\n;&|\\]|\\\n)*?(?:https?://|git@|ssh://)"
)


def step_name(step: yaml.Node) -> str:
    """Return a step's name, else its action, else the start of its script."""
    run = (scalar(value(step, "run")) or "").strip().split("\n")[0]
    name = scalar(value(step, "name")) or scalar(value(step, "uses"))
    return name or (f"Run {run[:40]}" if run else "step")
