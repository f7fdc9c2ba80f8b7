"""``make quality`` in a step: a check when the goal's recipes run a checker.

make runs the recipe of each goal it is given and, first, those of the
goal's prerequisites (``quality: lint typecheck``) and of the targets its
recipe's own ``$(MAKE) X`` calls; a recipe line that fails stops make with
an error, unless it starts with ``-`` (GNU make manual, 5.5 Errors in
Recipes).  So a goal whose reached recipes run a checker by its own name
(``uv run mypy``, ``pytest --cov-fail-under=80``) is that check, whatever
the goal is called.  The Makefile read is that of the step's own folder,
or of the folder ``-C dir`` names (make changes to it before reading
anything; GNU make manual, 9.7 Summary of Options), inside the project
only; ``-f file`` or a goal computed at run time are not judged here.
"""

from __future__ import annotations

import re
from pathlib import Path

from quality_gates import textfile
from quality_gates.guards.integrity import gatecmd, makefiles

_MAKES = frozenset(("make", "gmake"))
MAKEFILES = ("GNUmakefile", "makefile", "Makefile")  # the order make looks in
_LIMIT = 1 << 20  # a Makefile larger than this is not read
_PARTS = re.compile(r"&&|\|\||[;|]")


def directory(words: list[str]) -> tuple[str, list[str]] | None:
    """Split ``make -C docs lint`` into ``("docs", ["make", "lint"])``.

    Several ``-C`` are each relative to the one before; a folder computed at
    run time is None.
    """
    where: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word in ("-C", "--directory") and index < len(words):
            where.append(words[index])
            index += 1
        elif word.startswith("--directory="):
            where.append(word.split("=", 1)[1])
        elif word.startswith("-C") and len(word) > 2:
            where.append(word[2:])
        else:
            rest.append(word)
    if any(not w or w.startswith(("/", "~")) or re.search(r"[$`]", w) for w in where):
        return None  # computed at run time, or outside the project
    return "/".join(w.rstrip("/") for w in where), rest


def goals(words: list[str]) -> list[str] | None:
    """Return the goals of ``make lint typecheck`` (None: not a plain call here)."""
    if not words or words[0] not in _MAKES:
        return None
    out: list[str] = []
    for word in words[1:]:
        if word.startswith(("-C", "-f", "--directory", "--file", "-I")):
            return None  # another folder's or file's rules
        if "$" in word or "`" in word:
            return None  # a goal computed at run time
        if not word.startswith("-") and "=" not in word:
            out.append(word)
    return out or [""]


def makefile(root: Path | None, folder: str) -> str | None:
    """Return the text of the Makefile make reads in ``folder`` (None: none)."""
    if root is None or "${{" in folder:
        return None
    for name in MAKEFILES:
        try:  # a NUL byte, a name too long, a loop of links: nothing to read
            path = (root / (folder or ".") / name).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                continue
            if path.stat().st_size > _LIMIT:
                return None
        except (OSError, ValueError):
            return None
        text = textfile.read(path)
        return None if text.problem else text.text
    return None


def checks(root: Path | None, folder: str, words: list[str]) -> bool:
    """Tell whether ``make GOAL`` runs a checker by its name in a reached recipe."""
    split = directory(words) if words and words[0] in _MAKES else None
    if split is None:
        return False
    sub, words = split
    asked = goals(words)
    here = "/".join(p for p in (folder, sub) if p and p != ".")
    text = makefile(root, here) if asked is not None else None
    if asked is None or text is None:
        return False
    reached = makefiles.reached(text, set(asked))
    for recipe in makefiles.recipes(text):
        if recipe.target not in reached or "-" in recipe.prefix:
            continue  # a `-` line: make goes on whatever it returns
        command = recipe.command.replace("\\\n", " ")
        if any(gatecmd.named_gate(part.split()) for part in _PARTS.split(command)):
            return True
    return False
