"""The GITHUB_TOKEN's permissions: a workflow without a block, or with ``write-all``.

A reusable workflow (``on: workflow_call`` only) gets its token from the
caller's job, whose ``permissions:`` cap it: it needs no block of its own.
"""

from __future__ import annotations

import re

import yaml
from quality_gates.findings import Finding
from quality_gates.guards.integrity.rules import finding
from quality_gates.yamlnodes import line_of, mapping, scalar, sequence, value


def triggers(root: yaml.Node) -> set[str]:
    """Return the events of ``on:`` (a name, a list or a mapping)."""
    node = value(root, "on")
    if node is None:
        node = value(root, "true")  # YAML 1.1 reads a bare `on` key as true
    text = scalar(node)
    if text is not None:
        return {text}
    names = {scalar(item) or "" for item in sequence(node)}
    return (names | set(mapping(node))) - {""}


def _write_all(node: yaml.Node | None) -> bool:
    return (scalar(node) or "").strip() == "write-all"


def _missing(path: str, root: yaml.Node, jobs: yaml.Node | None) -> list[Finding]:
    if "permissions" in mapping(root) or triggers(root) == {"workflow_call"}:
        return []
    job_entries = mapping(jobs)
    if not job_entries:
        return [finding("QG111", path, 1, "no top-level `permissions:` and no jobs")]
    out = []
    for name, (key, job) in job_entries.items():
        if "permissions" not in mapping(job):
            detail = f"job `{name}` has no `permissions:` and the workflow has none"
            out.append(finding("QG111", path, line_of(key), detail))
    return out


def audit(path: str, root: yaml.Node, jobs: yaml.Node | None) -> list[Finding]:
    """QG111 (no block) and QG114 (``write-all``) for one workflow."""
    found = _missing(path, root, jobs)
    entries = [("the workflow", mapping(root).get("permissions"))]
    entries += [
        (f"job `{name}`", mapping(job).get("permissions"))
        for name, (_, job) in mapping(jobs).items()
    ]
    for where, entry in entries:
        if entry is not None and _write_all(entry[1]):
            detail = f"{where}: `permissions: write-all`"
            found.append(finding("QG114", path, line_of(entry[0]), detail))
    return found


# a `permissions:` key at any depth, or a reusable workflow's trigger
_ANY_PERMISSIONS = re.compile(r"(?m)^[\s-]*permissions\s*:|workflow_call")


def unparsed(path: str, text: str) -> list[Finding]:
    """QG111 for a workflow whose YAML does not parse, read as text.

    Only when no line of it writes a ``permissions:`` key at all (nor names
    ``workflow_call``): then no reading of the file, once fixed, can give the
    token less than the repository default.
    """
    if _ANY_PERMISSIONS.search(text):
        return []
    detail = "no line writes `permissions:` (the file does not parse; read as text)"
    return [finding("QG111", path, 1, detail)]
