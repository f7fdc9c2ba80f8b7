"""Which contexts and functions an expression may read, where it stands.

GitHub's workflow schema (the one ``@actions/workflow-parser`` ships) gives
each place of a workflow the contexts its expressions may read; a place
inherits those of the places around it and adds its own.  A place the
schema gives none (``on:``, a step's ``uses:``, ``permissions:``) takes an
expression of literals only.  Each text here is paired with what its place
offers, so that an expression reading more is refused, as GitHub refuses it.
"""

from __future__ import annotations

import re

import yaml
from quality_gates.yamlnodes import mapping, sequence, strings, value

Names = tuple[str, ...]  # contexts, and functions as `name(fewest,most)`
Place = tuple[yaml.ScalarNode, str, Names, bool]  # text, where, offered, an `if:`

G: Names = ("github", "inputs", "vars")
NEEDS: Names = (*G, "needs")
STRATEGY: Names = (*NEEDS, "strategy", "matrix")
_RUNNER_NO_SECRETS: Names = (*STRATEGY, "steps", "job", "runner", "env")
RUNNER: Names = (*_RUNNER_NO_SECRETS, "secrets")
STEP: Names = (*RUNNER, "hashFiles(1,255)")
_STATUS = ("always(0,0)", "cancelled(0,0)")
JOB_IF: Names = (*NEEDS, *_STATUS, "failure(0,MAX)", "success(0,MAX)")
STEP_IF: Names = (*_RUNNER_NO_SECRETS, *_STATUS, "failure(0,0)", "success(0,0)")
STEP_IF = (*STEP_IF, "hashFiles(1,255)")
_TOP = {"run-name": G, "env": (*G, "secrets"), "concurrency": G}
_JOB = {
    "name": STRATEGY,
    "runs-on": STRATEGY,
    "timeout-minutes": STRATEGY,
    "cancel-timeout-minutes": STRATEGY,
    "continue-on-error": STRATEGY,
    "env": (*STRATEGY, "secrets"),
    "environment": STRATEGY,
    "concurrency": STRATEGY,
    "outputs": RUNNER,
    "strategy": NEEDS,
    "with": STRATEGY,
    "secrets": (*STRATEGY, "secrets"),
    "snapshot": STRATEGY,  # its `if:` reads these; a bare image name, none
}
_LITERAL_ONLY = frozenset(("uses", "id", "shell"))
# steps of other kinds (wait, cancel, parallel): not judged
_OTHER_STEPS = frozenset("wait wait-all cancel parallel".split())
# the plain scalars YAML 1.2's core schema reads as no string
_NOT_STRING = re.compile(
    r"true|True|TRUE|false|False|FALSE|~|null|Null|NULL|"
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|"
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|"
    r"[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN"
)


def is_string(node: yaml.Node) -> bool:
    """Tell a scalar GitHub reads as a string (YAML 1.2: ``yes`` is one)."""
    if not isinstance(node, yaml.ScalarNode):
        return False
    return bool(node.style) or not _NOT_STRING.fullmatch(str(node.value))


def places(root: yaml.Node) -> list[Place]:
    """Every text of a workflow, with the contexts its place offers."""
    found: list[Place] = []
    for key, (_, node) in mapping(root).items():
        if key == "on":
            found += _on(node)
        elif key != "jobs":
            found += _all(node, f"the workflow's `{key}:`", _TOP.get(key, ()))
    for name, (_, job) in mapping(value(root, "jobs")).items():
        found += _job(f"job `{name}`", job)
    return found


def _all(node: yaml.Node | None, where: str, names: Names) -> list[Place]:
    return [(text, where, names, False) for text in strings(node)]


def _on(node: yaml.Node) -> list[Place]:
    """``on:`` offers nothing, but a reusable workflow's defaults and outputs."""
    call = value(node, "workflow_call")
    offered: dict[int, Place] = {}
    for _, (_, entry) in mapping(value(call, "inputs")).items():
        for text in strings(value(entry, "default")):
            offered[id(text)] = (text, "an input's `default:`", G, False)
    for _, (_, entry) in mapping(value(call, "outputs")).items():
        for text in strings(value(entry, "value")):
            offered[id(text)] = (text, "an output's `value:`", (*G, "jobs"), False)
    return [offered.get(id(text), (text, "`on:`", (), False)) for text in strings(node)]


def _job(where: str, job: yaml.Node) -> list[Place]:
    found: list[Place] = []
    for key, (_, node) in mapping(job).items():
        at = f"{where} `{key}:`"
        if key == "steps":
            for index, step in enumerate(sequence(node), 1):
                found += _step(f"{where}, step {index}", step)
        elif key == "if":
            found += [(text, at, JOB_IF, True) for text in strings(node)[:1]]
        elif key == "container":
            found += _container(node, at)
        elif key == "services":
            for _, (_, service) in mapping(node).items():
                found += _container(service, at)
        elif key in ("environment", "defaults"):
            found += _nested(key, node, at)
        else:
            found += _all(node, at, _JOB.get(key, ()))
    return found


def _nested(key: str, node: yaml.Node, at: str) -> list[Place]:
    """``environment:`` (its ``url:`` reads runner contexts) and ``defaults:``."""
    inner, names, outer = "url", _RUNNER_NO_SECRETS, STRATEGY
    if key == "defaults":
        inner, names, outer = "run", (*STRATEGY, "env"), ()
    special = {id(text) for text in strings(value(node, inner))}
    return [
        (text, at, names if id(text) in special else outer, False)
        for text in strings(node)
    ]


def _container(node: yaml.Node, at: str) -> list[Place]:
    """Pair a container's texts: its credentials also read secrets, its env more."""
    within: dict[str, Names] = {
        "credentials": (*STRATEGY, "secrets", "env"),
        "env": RUNNER,
    }
    found: list[Place] = []
    keys = mapping(node)
    for text in strings(node):
        names = STRATEGY
        for key, names_there in within.items():
            if key in keys and text in strings(keys[key][1]):
                names = names_there
        found.append((text, at, names, False))
    return found


def _step(where: str, step: yaml.Node) -> list[Place]:
    keys = mapping(step)
    if _OTHER_STEPS & set(keys):
        return []
    found: list[Place] = []
    for key, (_, node) in keys.items():
        at = f"{where} `{key}:`"
        if key == "if":
            found += [(text, at, STEP_IF, True) for text in strings(node)[:1]]
        else:
            found += _all(node, at, () if key in _LITERAL_ONLY else STEP)
    return found
