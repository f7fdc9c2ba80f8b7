"""``if:`` conditions: never true, or not allowed at all.

``if: false`` (or a context the event does not carry) means the gate never
runs.  A context GitHub does not offer where the condition stands is worse:
``secrets`` in any ``if:``, or ``matrix``/``env``/``steps`` in a job's
``if:``, makes GitHub refuse the whole workflow, so none of its gates runs.
GitHub's table of context availability: a job's ``if`` may read ``github``,
``needs``, ``vars`` and ``inputs``; a step's ``if`` also ``strategy``,
``matrix``, ``job``, ``runner``, ``env`` and ``steps``.
"""

from __future__ import annotations

import re

import yaml
from quality_gates.guards.integrity import matrix
from quality_gates.yamlnodes import is_true, scalar

CONTEXTS = frozenset(
    "github env vars job jobs steps runner secrets strategy matrix needs inputs".split()
)
JOB_IF = frozenset(("github", "needs", "vars", "inputs"))
STEP_IF = JOB_IF | frozenset(("strategy", "matrix", "job", "runner", "env", "steps"))
STRINGS = re.compile(r"'(?:[^']|'')*'")
_NAME = re.compile(r"(?<![\w.\-])([A-Za-z_][\w-]*)\s*(?=[.\[])")
# The workflow_run event carries no outputs of the workflow that ran: a test
# of `github.event.workflow_run.outputs.X == 'true'` is never true.
_NO_SUCH_CONTEXT = re.compile(r"github\.event\.workflow_run\.outputs\b")


def _expression(node: yaml.Node | None) -> str | None:
    text = scalar(node)
    return None if text is None else _expression_text(text)


def never_runs(node: yaml.Node | None, cells: matrix.Values | None = None) -> str:
    """Why ``if:`` can never be true ('' when it can).

    ``false``, a context the event lacks, or a matrix value no cell has
    (``cells``: the job's matrix, when every value of it is written out).
    """
    expr = _expression(node)
    if expr is None:
        return ""
    if cells is not None and (why := _no_cell(expr, cells)):
        return why
    if re.fullmatch(r"(?i)false(\s*&&.*)?", expr, re.DOTALL):
        return "`if: false`"
    if _NO_SUCH_CONTEXT.search(expr) and "||" not in expr:
        return (
            "`if:` needs `github.event.workflow_run.outputs`, which the "
            "workflow_run event does not have"
        )
    return ""


_LITERAL = r"'(?:[^']|'')*'|-?\d+(?:\.\d+)?"
_MATRIX_TEST = re.compile(
    rf"\(?\s*(?:matrix\.([\w-]+)\s*==\s*({_LITERAL})"
    rf"|({_LITERAL})\s*==\s*matrix\.([\w-]+))\s*\)?"
)


_EQUALS_NO_CELL = (
    "`if:` tests `matrix.{key} == {written}`, "
    "a value no cell of the job's matrix has ({listed})"
)
_CONTAINS_NO_CELL = (
    "`if:` tests `contains(matrix.{key}, {written})`, "
    "text no cell of the job's matrix holds ({listed})"
)


def _no_cell(expr: str, cells: matrix.Values) -> str:
    """Why a test of a matrix value no cell has makes ``if:`` never true.

    Only a comparison ``matrix.KEY == 'literal'``, alone or one of the terms
    joined by ``&&`` (no ``||``, no negation ``!``): any term false makes
    all false.
    """
    bare = STRINGS.sub("''", expr)
    if "||" in bare or re.search(r"!(?!=)", bare):
        return ""
    tests = (
        (_matrix_tests, matrix.may_equal, _EQUALS_NO_CELL),
        (_contains_tests, matrix.may_contain, _CONTAINS_NO_CELL),
    )
    for found, fits, why in tests:
        for key, literal, written in found(expr):
            known = cells.get(key)
            if known and not any(fits(cell, literal) for cell in known):
                listed = ", ".join(f"`{cell}`" for cell in sorted(known))
                return why.format(key=key, written=written, listed=listed)
    return ""


_CONTAINS_TEST = re.compile(
    r"\(?\s*contains\(\s*matrix\.([\w-]+)\s*,\s*('(?:[^']|'')*')\s*\)\s*\)?"
)


def _contains_tests(expr: str) -> list[tuple[str, str, str]]:
    """Each ``contains(matrix.KEY, 'text')`` term: (key lowered, text, as written).

    On a string, ``contains`` tells whether the text occurs in it, without
    regard to case; a term negated (``!contains``) does not match here.
    """
    found = []
    for term in _terms(expr):
        test = _CONTAINS_TEST.fullmatch(term.strip())
        if test is not None:
            written = test.group(2)
            text = written[1:-1].replace("''", "'")
            found.append((test.group(1).lower(), text, written))
    return found


_NOT_EQUAL = re.compile(rf"\(?\s*matrix\.([\w-]+)\s*!=\s*({_LITERAL})\s*\)?")


def flag_never_set(node: yaml.Node | None, cells: matrix.Values | None) -> str:
    """Why ``if:`` is never true: it reads a matrix key no cell sets ('' if not).

    A key absent from every cell is null, and GitHub's loose ``==`` turns
    null into 0 against a number or a string: ``matrix.build_docs != 0``
    (or ``== 1``) is false in each cell.  Such a step is switched off by the
    matrix, as a shared step list's flag left unset: it never runs, so
    nothing in it is lost there, and its absence is the matrix's design.
    ``cells`` must be the job's whole matrix, every key of it known.
    """
    expr = _expression(node)
    if expr is None or cells is None:
        return ""
    bare = STRINGS.sub("''", expr)
    if "||" in bare or re.search(r"!(?!=)", bare):
        return ""
    for term in _terms(expr):
        equal = _MATRIX_TEST.fullmatch(term.strip())
        unequal = _NOT_EQUAL.fullmatch(term.strip())
        if equal is not None:
            key, literal = equal.group(1) or equal.group(4), equal.group(
                2
            ) or equal.group(3)
            off = not matrix.may_equal("", _unquoted(literal))
        elif unequal is not None:
            key, literal = unequal.group(1), unequal.group(2)
            off = matrix.may_equal("", _unquoted(literal))
        else:
            continue
        if off and key.lower() not in cells:
            return f"`if:` reads `matrix.{key}`, which no cell of the job's matrix sets"
    return ""


def _unquoted(literal: str) -> str:
    return literal[1:-1].replace("''", "'") if literal.startswith("'") else literal


def _matrix_tests(expr: str) -> list[tuple[str, str, str]]:
    """Each ``matrix.KEY == literal`` term: (key lowered, value, as written)."""
    found = []
    for term in _terms(expr):
        test = _MATRIX_TEST.fullmatch(term.strip())
        if test is None:
            continue
        written = test.group(2) or test.group(3)
        literal = written
        if literal.startswith("'"):
            literal = literal[1:-1].replace("''", "'")
        found.append(((test.group(1) or test.group(4)).lower(), literal, written))
    return found


def switched(
    conditions: list[str], cells: matrix.Values | None
) -> matrix.Values | None:
    """Return the cells less the keys the job's steps switch on.

    Steps under ``matrix.impl == 'python'`` and ``matrix.impl == 'pypy'``
    are the arms of a switch over the cells when every value a cell has is
    tested by some arm: each cell runs its arm, and an arm for a value no
    cell has (its cells dropped from the matrix) is dead code for cells that
    do not exist, not a lost check.  Steps only for some cells (one
    ``matrix.python == '3.11'`` beside the rest) are no switch.
    """
    if cells is None:
        return None
    tested: dict[str, set[str]] = {}
    for condition in conditions:
        for key, literal, _ in _matrix_tests(_expression_text(condition)):
            tested.setdefault(key, set()).add(literal)
    keys = {
        key
        for key, literals in tested.items()
        if (known := cells.get(key))
        and all(any(matrix.may_equal(c, lit) for lit in literals) for c in known)
    }
    return {key: values for key, values in cells.items() if key not in keys}


def _expression_text(text: str) -> str:
    expr = text.strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2].strip()
    return expr


def _terms(expr: str) -> list[str]:
    """Split at ``&&`` outside quoted strings."""
    terms, start, quoted = [], 0, False
    for index, char in enumerate(expr):
        if char == "'":
            quoted = not quoted
        elif not quoted and expr.startswith("&&", index):
            terms.append(expr[start:index])
            start = index + 2
    return [*terms, expr[start:]]


def refused(node: yaml.Node | None, allowed: frozenset[str]) -> list[str]:
    """Contexts the condition reads that GitHub does not offer there."""
    expr = _expression(node)
    if not expr:
        return []
    bare = STRINGS.sub("''", expr)
    names = [m.group(1) for m in _NAME.finditer(bare)]
    return sorted({n for n in names if n in CONTEXTS and n not in allowed})


def always_true(node: yaml.Node | None) -> bool:
    """Tell a ``continue-on-error:`` that is true whatever the run: ``true``.

    Also an expression that is: ``${{ true }}``, ``${{ inputs.x || true }}``
    (``||`` binds loosest, so one operand ``true`` makes the whole true).  An
    expression that may be false, ``${{ matrix.experimental }}``, is not.
    """
    if is_true(node):
        return True
    expr = _expression(node)
    if not expr or not (scalar(node) or "").strip().startswith("${{"):
        return False
    bare = STRINGS.sub("''", expr)
    if "(" in bare:  # `(a || true) && b`: grouping decides, not read here
        bare = bare if re.fullmatch(r"\(?\s*true\s*\)?", bare) else ""
    return any(part.strip(" ()").lower() == "true" for part in bare.split("||"))


def only_after_failure(node: yaml.Node | None) -> bool:
    """Tell an ``if:`` true only once an earlier step failed: ``failure() && x``.

    The job is red already when such a step runs, so whatever it hides
    (``continue-on-error``, ``|| true``) turns nothing green.  ``success() ||
    failure()``, ``!failure()`` and ``${{ failure() }} && x`` (a string, so
    always true) are not.
    """
    expr = _expression(node)
    if not expr or "${{" in expr or "||" in expr:
        return False
    bare = STRINGS.sub("''", expr)
    return any(term.strip() == "failure()" for term in bare.split("&&"))
