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
from typing import Callable

_ASSIGN = re.compile(
    r"^(?:override\s+|export\s+)*([A-Za-z_][\w.-]*)\s*([:?+!]*)=[ \t]*(.*)$"
)
_REFERENCE = re.compile(r"(?<!\$)((?:\$\$)*)\$([({])([A-Za-z_][\w.-]*)([)}])")
_DEPTH = 8  # a variable naming itself never ends
_LONGEST = 4096  # a value longer than this is not expanded (`A = $(B)$(B)`...)


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
    done: dict[str, str] = {}
    for name in raw:
        _resolve(name, raw, done, ())
    return {name: value for name, value in done.items() if "$" not in value}


def _resolve(
    name: str, raw: dict[str, str], done: dict[str, str], stack: tuple[str, ...]
) -> str:
    """Expand one variable once (memoised); a cycle, or too deep, stays unknown."""
    if name in done:
        return done[name]
    if name in stack or len(stack) >= _DEPTH:
        return f"$({name})"

    def inner(other: str) -> str | None:
        return _resolve(other, raw, done, (*stack, name)) if other in raw else None

    value = _substitute(raw[name], inner)
    done[name] = value if len(value) <= _LONGEST else f"$({name})"
    return done[name]


def expand(command: str, known: dict[str, str]) -> str:
    """Replace ``$(NAME)`` and ``${NAME}`` of ``known`` variables in a recipe line."""
    return _substitute(command, known.get)


def _substitute(text: str, value_of: Callable[[str], str | None]) -> str:
    """Replace each well-bracketed reference whose value ``value_of`` knows."""

    def one(match: re.Match[str]) -> str:
        value = value_of(match.group(3))
        if value is None or (match.group(2) == "(") != (match.group(4) == ")"):
            return match.group(0)
        return match.group(1) + value

    return _REFERENCE.sub(one, text)
