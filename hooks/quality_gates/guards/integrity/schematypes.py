"""Values of the wrong kind GitHub's workflow schema refuses before any job starts.

Where the schema wants a boolean (``continue-on-error``, ``fail-fast``,
``cancel-in-progress``) or a number (``timeout-minutes``, ``max-parallel``),
a value of another kind refuses the file: ``continue-on-error: yes`` (YAML
1.2, which GitHub reads, has no ``yes``), ``'true'`` quoted, a number where
a boolean goes.  A ``${{ }}`` is judged when it runs, not here.
``permissions:`` takes the scopes GitHub has, each ``read``, ``write`` or
``none`` as the scope allows, or ``read-all``/``write-all``; ``runs-on:``
takes no empty label.  Each judgement is one GitHub's parser makes.
"""

from __future__ import annotations

import re

import yaml
from quality_gates.yamlnodes import line_of, mapping, scalar, sequence, value

Refusal = tuple[int, str]

_BOOLEAN = re.compile(r"true|True|TRUE|false|False|FALSE")
_NUMBER = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|"
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|"
    r"[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN"
)
_KINDS = {"a boolean": _BOOLEAN, "a number": _NUMBER}
_JOB = {
    "timeout-minutes": "a number",
    "cancel-timeout-minutes": "a number",
    "continue-on-error": "a boolean",
}
_STEP = {"timeout-minutes": "a number", "continue-on-error": "a boolean"}
_WITHIN = {
    "strategy": {"fail-fast": "a boolean", "max-parallel": "a number"},
    "concurrency": {"cancel-in-progress": "a boolean"},
    "environment": {"deployment": "a boolean"},
}
_ANY: tuple[str, ...] = ("read", "write", "none")
_SCOPES = {
    scope: _ANY
    for scope in (
        "actions artifact-metadata attestations checks code-quality contents "
        "deployments discussions drives issues packages pages pull-requests "
        "repository-projects security-events statuses".split()
    )
}
_SCOPES.update({"copilot-requests": ("write", "none"), "id-token": ("write", "none")})
_SCOPES.update({"models": ("read", "none"), "vulnerability-alerts": ("read", "none")})


def refusals(root: yaml.Node) -> list[Refusal]:
    """Each value of the wrong kind in the workflow ``root``, with its line."""
    found = _permissions(value(root, "permissions"), "the workflow")
    found += _kinds(value(root, "concurrency"), _WITHIN["concurrency"], "the workflow")
    for name, (_, job) in mapping(value(root, "jobs")).items():
        where = f"job `{name}`"
        found += _kinds(job, _JOB, where)
        found += _permissions(value(job, "permissions"), where)
        found += _runs_on(value(job, "runs-on"), where)
        for key, kinds in _WITHIN.items():
            found += _kinds(value(job, key), kinds, f"{where} `{key}:`")
        for index, step in enumerate(sequence(value(job, "steps")), 1):
            found += _kinds(step, _STEP, f"{where}, step {index}")
    return found


def _kinds(node: yaml.Node | None, kinds: dict[str, str], where: str) -> list[Refusal]:
    found: list[Refusal] = []
    for key, (_, entry) in mapping(node).items():
        kind = kinds.get(key)
        if kind is None or "${{" in (scalar(entry) or ""):
            continue
        plain = isinstance(entry, yaml.ScalarNode) and not entry.style
        if not plain or not _KINDS[kind].fullmatch(scalar(entry) or ""):
            shown = scalar(entry) if isinstance(entry, yaml.ScalarNode) else "a list"
            why = f"{where}: `{key}: {shown}` is not {kind}, as GitHub wants there"
            found.append((line_of(entry), why))
    return found


def _permissions(node: yaml.Node | None, where: str) -> list[Refusal]:
    if node is None or "${{" in (scalar(node) or ""):
        return []
    if isinstance(node, yaml.ScalarNode):
        if scalar(node) in ("read-all", "write-all"):
            return []
        why = (
            f"{where}: `permissions: {scalar(node)}` (GitHub takes read-all, write-all)"
        )
        return [(line_of(node), why)]
    if not isinstance(node, yaml.MappingNode):
        return [(line_of(node), f"{where}: `permissions:` is a list")]
    found: list[Refusal] = []
    for scope, (key, level) in mapping(node).items():
        text = scalar(level)
        if scope not in _SCOPES:
            found.append((line_of(key), f"{where}: `{scope}` is no permission scope"))
        elif "${{" not in (text or "") and text not in _SCOPES[scope]:
            allowed = ", ".join(_SCOPES[scope])
            why = f"{where}: `{scope}: {text}` (GitHub takes {allowed} there)"
            found.append((line_of(level), why))
    return found


def _runs_on(node: yaml.Node | None, where: str) -> list[Refusal]:
    """Refuse an empty label, or a key of a mapping but ``group``/``labels``."""
    if isinstance(node, yaml.MappingNode):
        found = [
            (line_of(key), f"{where}: `runs-on:` has `{name}:`, no key GitHub knows")
            for name, (key, _) in mapping(node).items()
            if name not in ("group", "labels")
        ]
        labels = [value(node, "group"), value(node, "labels")]
        texts = [n for n in labels if n is not None]
        texts += [item for n in labels for item in sequence(n)]
    else:
        found, texts = [], [node] if node is not None else []
        texts += sequence(node)
    for text in texts:
        if isinstance(text, yaml.ScalarNode) and not text.value:
            found.append((line_of(text), f"{where}: `runs-on:` has an empty label"))
    return found
