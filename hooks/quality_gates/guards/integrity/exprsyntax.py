"""Expressions GitHub cannot parse: the workflow is refused before any job starts.

GitHub parses every ``${{ }}`` of a workflow before it starts a job; one it
cannot parse makes it refuse the file.  Judged here, as GitHub's parser
(``@actions/workflow-parser``) judges them: a ``${{`` never closed, a
double-quoted string (its strings take single quotes only), a function it
does not have.  Where the text is a step's ``if:`` or a job's ``if:`` with
no ``${{``, the whole text is the expression.
"""

from __future__ import annotations

import re

import yaml
from quality_gates.guards.integrity.expressions import CONTEXTS, STRINGS
from quality_gates.yamlnodes import line_of, mapping, scalar, sequence, strings

_FUNCTIONS = frozenset(
    "case contains endswith format fromjson join startswith tojson "
    "always failure cancelled success".split()
)
_STEP_FUNCTIONS = _FUNCTIONS | {"hashfiles"}
_CALL = re.compile(r"(?<![\w.\-])([A-Za-z_][\w-]*)\s*\(")
_NAMED = re.compile(r"(?<![\w.\-])([A-Za-z_][\w-]*)(?![\w-]*\s*\()")
# every context any expression may read, and the literal words
_KNOWN = CONTEXTS | frozenset("true false null nan infinity".split())
_STEP_KEYS = ("run", "name", "with", "env", "working-directory", "shell")


def refusals(jobs: yaml.Node | None) -> list[tuple[int, str]]:
    """Each expression of the jobs' ``if:`` and steps GitHub cannot parse."""
    found: list[tuple[int, str]] = []
    for name, (_, job) in mapping(jobs).items():
        entry = mapping(job).get("if")
        if entry:
            found += _judge(entry[1], f"job `{name}` `if:`", _FUNCTIONS, True)
        for step in sequence(mapping(job).get("steps", (None, None))[1]):
            keys = mapping(step)
            if "if" in keys:
                found += _judge(keys["if"][1], "a step's `if:`", _STEP_FUNCTIONS, True)
            for key in _STEP_KEYS:
                for node in strings(keys[key][1]) if key in keys else []:
                    found += _judge(node, f"a step's `{key}:`", _STEP_FUNCTIONS)
    return found


def _judge(
    node: yaml.Node, where: str, functions: frozenset[str], whole: bool = False
) -> list[tuple[int, str]]:
    text = scalar(node)
    if text is None:
        return []
    if whole and "${{" not in text:
        exprs: list[str] | None = [text]
    else:
        exprs = embedded(text)
    if exprs is None:
        return [(line_of(node), f"{where}: a `${{{{` is never closed by `}}}}`")]
    return [
        (line_of(node), f"{where}: {why}")
        for e in exprs
        if (why := problem(e, functions))
    ]


def embedded(text: str) -> list[str] | None:
    """Return the expressions inside ``${{ }}``; None if one is never closed."""
    out: list[str] = []
    start = text.find("${{")
    while start >= 0:
        end = _closing(text, start + 3)
        if end < 0:
            return None
        out.append(text[start + 3 : end])
        start = text.find("${{", end + 2)
    return out


def _closing(text: str, index: int) -> int:
    """Index of the ``}}`` that closes an expression, outside its strings."""
    quoted = False
    while index < len(text):
        char = text[index]
        if char == "'":
            quoted = not quoted
        elif not quoted and text.startswith("}}", index):
            return index
        index += 1
    return -1


def problem(expr: str, functions: frozenset[str]) -> str:
    """Why GitHub cannot parse an expression ('' when it can, as far as judged)."""
    bare = STRINGS.sub("''", expr)
    if bare.count("'") % 2:
        return ""  # an unclosed string: left to GitHub, not judged here
    if '"' in bare:
        return "a double-quoted string in `${{ }}` (GitHub takes single quotes only)"
    unknown = [
        m.group(1) for m in _CALL.finditer(bare) if m.group(1).lower() not in functions
    ]
    if unknown:
        return f"`{unknown[0]}()` is no function GitHub has there"
    names = [
        m.group(1) for m in _NAMED.finditer(bare) if m.group(1).lower() not in _KNOWN
    ]
    if names:
        return f"`{names[0]}` is no context GitHub has"
    return ""
