"""Expand a Makefile's own variables in its recipes, as make does first.

make replaces ``$(RUFF)`` and ``${SRC_DIR}`` before the shell sees a recipe
line: ``$(RUFF) format $(SRC_DIR)`` under ``RUFF := ruff`` runs ``ruff
format src``, a formatter, and must be judged as one.  Only variables the
Makefile gives a plain value are expanded (``PIP := $(PYTHON) -m pip`` once
``PYTHON`` is known); a value that calls a function (``$(shell which ruff)``)
or names a variable the Makefile does not set (``$(MAKE)``, one from the
environment) is left as written.  ``$$`` is the shell's ``$``, never make's.
"""

from __future__ import annotations

import re

_ASSIGN = re.compile(
    r"^(?:override\s+|export\s+)*([A-Za-z_][\w.-]*)\s*([:?+!]*)=[ \t]*(.*)$"
)
_REFERENCE = re.compile(r"(?<!\$)((?:\$\$)*)\$([({])([A-Za-z_][\w.-]*)([)}])")
_DEPTH = 8  # a variable naming itself never ends


def variables(text: str) -> dict[str, str]:
    """Return the plain value of each variable the Makefile sets, expanded."""
    raw: dict[str, str] = {}
    for line in text.splitlines():
        match = _ASSIGN.match(line)
        if match is None or line.startswith("\t"):
            continue
        name, how, given = match.group(1), match.group(2), match.group(3)
        given = given.split("#", 1)[0].strip()
        if how.startswith("?") and name in raw:
            continue
        if how.startswith("+") and name in raw:
            given = f"{raw[name]} {given}"
        raw[name] = given
    known = {name: _expand(value, raw, _DEPTH) for name, value in raw.items()}
    return {name: value for name, value in known.items() if "$" not in value}


def _expand(value: str, raw: dict[str, str], depth: int) -> str:
    if depth == 0:
        return value

    def one(match: re.Match[str]) -> str:
        name = match.group(3)
        if name not in raw or (match.group(2) == "(") != (match.group(4) == ")"):
            return match.group(0)
        return match.group(1) + _expand(raw[name], raw, depth - 1)

    return _REFERENCE.sub(one, value)


def expand(command: str, known: dict[str, str]) -> str:
    """Replace ``$(NAME)`` and ``${NAME}`` of ``known`` variables in a recipe line."""

    def one(match: re.Match[str]) -> str:
        name = match.group(3)
        if name not in known or (match.group(2) == "(") != (match.group(4) == ")"):
            return match.group(0)
        return match.group(1) + known[name]

    return _REFERENCE.sub(one, command)
