"""A job's ``strategy.matrix``: the values each key takes in some cell.

Read only when every value is written out: a matrix (or its ``include``)
given by an expression (``${{ fromJSON(...) }}``) is unknown as a whole, a
key whose list is an expression, or holds one or objects, is unknown by
itself (the other keys' values are still every value a cell can have).
``include`` adds values (to a key of the matrix, or a key of its own);
``exclude`` only takes cells away, so it is not read: the values found are
all a cell can have, and perhaps more.  GitHub reads a context's keys
without regard to case (``matrix.OS`` is ``matrix.os``): keys are lowered.
"""

from __future__ import annotations

import re

import yaml
from quality_gates.yamlnodes import mapping, scalar, sequence, value

# key -> every value some cell has (None: not known, an expression or object)
Values = dict[str, "frozenset[str] | None"]
_MATRIX_KEY = re.compile(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}")


def values(job: yaml.Node | None) -> Values | None:
    """Every matrix key's literal values across the job's cells (None: unknown)."""
    node = value(value(job, "strategy"), "matrix")
    if not isinstance(node, yaml.MappingNode):
        return None
    found: dict[str, set[str] | None] = {}
    entries = mapping(node)
    for key, (_, item) in entries.items():
        if key == "exclude":
            continue
        if key == "include":
            if not isinstance(item, yaml.SequenceNode):
                return None
            for entry in sequence(item):
                if not isinstance(entry, yaml.MappingNode):
                    return None
                for name, (_, one) in mapping(entry).items():
                    _add(found, name, [one])
            continue
        if _expression(item):  # `${{ fromJSON(inputs.versions) }}`: that key's
            found[key.lower()] = None  # values only are unknown
            continue
        if not isinstance(item, yaml.SequenceNode):
            return None
        _add(found, key, sequence(item))
    for key in _sometimes_missing(node, found):
        known = found[key]
        if known is not None:
            known.add("")  # null in a cell without the key
    return {k: frozenset(v) if v is not None else None for k, v in found.items()}


def _expression(item: yaml.Node) -> bool:
    """Tell a key's list given by one expression (GitHub evaluates it to a list)."""
    text = scalar(item)
    return isinstance(item, yaml.ScalarNode) and text is not None and "${{" in text


def _sometimes_missing(
    node: yaml.MappingNode, found: dict[str, set[str] | None]
) -> list[str]:
    """Keys some cell may lack: given only by ``include``, or missing from one."""
    base = {key.lower() for key in mapping(node)} - {"include", "exclude"}
    extras = [
        {key.lower() for key in mapping(entry)}
        for entry in sequence(value(node, "include"))
    ]
    return [
        key
        for key in found
        if key not in base or any(key not in extra for extra in extras)
    ]


def _add(found: dict[str, set[str] | None], key: str, nodes: list[yaml.Node]) -> None:
    key = key.lower()
    texts = [scalar(n) for n in nodes]
    known = found.setdefault(key, set())
    if known is None or any(t is None or "${{" in t for t in texts):
        found[key] = None
        return
    known.update(t for t in texts if t is not None)


def key_of(text: str) -> str:
    """Return the matrix key a value is made of (``${{ matrix.os }}``), or ''."""
    match = _MATRIX_KEY.fullmatch(text.strip())
    return match.group(1).lower() if match else ""


def may_equal(cell: str, literal: str) -> bool:
    """Tell whether GitHub's ``==`` may find a cell's value equal to a literal.

    Strings compare without regard to case; a number against a string
    compares as numbers (``3.10`` unquoted is the number 3.1): either
    reading equal is enough.
    """
    if cell.lower() == literal.lower():
        return True
    if not cell:  # a cell without the key: null, which equals '' and 0
        return literal in ("", "0", "false")
    try:
        return float(cell) == float(literal)
    except ValueError:
        return False


def windows_cells(runs_on: str, cells: Values | None, condition: str) -> bool:
    """Tell a step that runs on Windows in some cells: ``runs-on: ${{ matrix.os }}``.

    Some value of that key names a Windows runner, and the step's ``if:``
    reads nothing that may differ between cells (``runner``, ``matrix``,
    ``env``: ``env.IS_MAIN`` may be set from the runner): there the step's
    default shell is PowerShell.
    """
    key = key_of(runs_on)
    known = (cells or {}).get(key) if key else None
    if not known or not any("windows" in cell.lower() for cell in known):
        return False
    return _PER_CELL.search(condition) is None


_PER_CELL = re.compile(r"(?i)\b(runner|matrix|env)\s*[.\[]")


def may_contain(cell: str, text: str) -> bool:
    """Tell whether ``contains(cell, text)`` may be true: text in the value.

    Without regard to case; a number is turned into a string first, so
    ``3.10`` unquoted (the number 3.1) is read both ways.
    """
    if text.lower() in cell.lower():
        return True
    try:
        number = float(cell)
    except ValueError:
        return False
    return text.lower() in f"{number:g}".lower()
