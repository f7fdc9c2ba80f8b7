"""Expressions GitHub cannot parse: the workflow is refused before any job starts.

GitHub parses every ``${{ }}`` of a workflow before it starts a job; one it
cannot parse makes it refuse the file.  Judged here, as GitHub's parser
(``@actions/workflow-parser``) judges them: a ``${{`` never closed, an
expression outside the grammar (a double-quoted string, ``=`` for ``==``,
an operand missing, a ``${{`` inside another), a function or a context its
place does not offer (exprplaces.py), a call with the wrong number of
arguments.  Where the text is an ``if:`` with no ``${{``, the whole text is
the expression.  The contexts an ``if:`` reads are judged where the
condition is read (expressions.py), not here.
"""

from __future__ import annotations

import yaml
from quality_gates.guards.integrity import exprgrammar, exprplaces
from quality_gates.guards.integrity.expressions import CONTEXTS
from quality_gates.yamlnodes import line_of, scalar


def refusals(root: yaml.Node) -> list[tuple[int, str]]:
    """Each expression of the workflow ``root`` GitHub cannot parse there."""
    found: list[tuple[int, str]] = []
    for node, where, names, condition in exprplaces.places(root):
        contexts, functions = exprgrammar.functions_of(names)
        if condition:
            contexts |= CONTEXTS
        for why in _judge(node, contexts, functions, condition):
            if (line_of(node), f"{where}: {why}") not in found:
                found.append((line_of(node), f"{where}: {why}"))
    return found


def _judge(
    node: yaml.ScalarNode,
    contexts: frozenset[str],
    functions: exprgrammar.Functions,
    condition: bool,
) -> list[str]:
    text = scalar(node) or ""
    if condition and "${{" not in text:
        whole = exprplaces.is_string(node) and text.strip()
        exprs: list[str] | None = [text] if whole else []
    else:
        exprs = embedded(text)
    if exprs is None:
        return ["a `${{` is never closed by `}}`"]
    found = [exprgrammar.problem(e, contexts, functions) for e in exprs]
    return [why for why in found if why]


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
