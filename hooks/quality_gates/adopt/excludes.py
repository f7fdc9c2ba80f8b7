"""pre-commit ``exclude:`` regexes as the suite's ``exclude`` globs, where exact.

pre-commit matches ``re.search(pattern, path)``; the suite matches a glob on
the path or on any folder leading to it.  Simple patterns translate exactly:
literal paths, ``^``/``$``, ``.*``, alternatives in groups, ``(?x)`` verbose
regexes with comments.  A ``.`` that is not escaped is read as a dot, as the
author of ``docs/conf.py`` meant.  Anything else (classes, ``?``, ``+``...)
returns None: the regex then stays on the hook, where pre-commit applies it.
"""

from __future__ import annotations

import re

_SPECIAL = set("[]{}?+\\|()^$*")


def _verbose(pattern: str) -> str:
    """Strip ``(?x)``'s whitespace and comments (outside escapes)."""
    out = []
    for line in pattern.splitlines():
        line = re.sub(r"(?<!\\)#.*$", "", line)
        out.append(re.sub(r"(?<!\\)\s+", "", line))
    return "".join(out)


def _alternatives(text: str) -> list[str] | None:
    """Split on top-level ``|``, expanding groups; None on anything not literal."""
    results = [""]
    i = 0
    options: list[str] = []
    while i < len(text):
        char = text[i]
        if char == "(":
            depth, j = 1, i + 1
            while j < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
            if depth:
                return None
            inner = text[i + 1 : j - 1].removeprefix("?:")
            expanded = _alternatives(inner)
            if expanded is None:
                return None
            results = [r + e for r in results for e in expanded]
            i = j
            continue
        if char == "|":
            options += results
            results = [""]
        elif text.startswith(".*", i):
            results = [r + "*" for r in results]
            i += 1
        elif char == "\\" and i + 1 < len(text) and not text[i + 1].isalnum():
            results = [r + text[i + 1] for r in results]
            i += 1
        elif char == "." or char not in _SPECIAL:
            results = [r + char for r in results]
        elif char not in "^$":
            return None
        else:
            results = [r + "\0" + char for r in results]  # anchors, placed below
        i += 1
    return options + results


def _glob(alternative: str) -> str | None:
    start = alternative.startswith("\0^")
    end = alternative.endswith("\0$")
    body = alternative.removeprefix("\0^").removesuffix("\0$")
    if "\0" in body or any(c in body for c in "[]"):
        return None
    last = body.rsplit("/", 1)[-1]
    if end and "." not in last and "*" not in last:
        return None  # ``^tests$`` names no file; the glob would take the folder
    glob = ("" if start else "*") + body + ("" if end else "*")
    return glob.replace("**", "*")


def to_globs(pattern: str) -> list[str] | None:
    """Return the globs that exclude exactly what ``pattern`` excludes, or None."""
    text = pattern.strip()
    if text.startswith("(?x)"):
        text = _verbose(text[4:])
    alternatives = _alternatives(text)
    if not alternatives or "" in alternatives:
        return None
    globs = [_glob(a) for a in alternatives]
    if any(g is None or g in ("", "*") for g in globs):
        return None
    return list(dict.fromkeys(g for g in globs if g))
