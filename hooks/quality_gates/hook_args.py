"""A pre-commit hook's ``args`` read as the settings they stand for.

Each adapter says what its tool's options mean (``Adapter.hook_settings``),
with the helpers here: ``--line-length=100`` is black's ``line-length = 100``,
``--ignore-missing-imports`` is mypy's ``ignore_missing_imports = true``.
Arguments that only change how a tool prints are dropped (the suite chooses
the output it parses); arguments that would stop the gate failing
(``--exit-zero``) are dropped and said.  What has no config equivalent is
listed, never silently lost.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

Value = str | int | bool | list[str]
# an option's kind in a table: flag, int, str, list, csv, suite (a suite
# setting), config (--config FILE), ignore, ignore-value, gate, baseline
Table = dict[str, tuple[str, str]]
TAKES_VALUE = ("int", "str", "list", "csv", "suite", "config", "ignore-value")


@dataclasses.dataclass
class Carried:
    """What one hook's args mean: tool settings, suite settings, what was dropped."""

    settings: dict[str, Value] = dataclasses.field(default_factory=dict)
    suite: dict[str, Value] = dataclasses.field(default_factory=dict)
    config_file: str | None = None  # --config FILE and kin
    dropped: list[str] = dataclasses.field(default_factory=list)


def tokens(args: Sequence[str]) -> list[tuple[str, str | None]]:
    """Split ``--opt=value`` and pair each option with the word after it, if any."""
    words: list[str] = []
    for arg in args:
        if arg.startswith("--") and "=" in arg:
            words += arg.split("=", 1)
        else:
            words.append(arg)
    return [
        (w, words[i + 1] if i + 1 < len(words) else None) for i, w in enumerate(words)
    ]


def store(out: Carried, key: str, kind: str, word: str | None) -> None:
    """Set ``key`` from ``word`` as its kind says; ValueError for a bad number."""
    if kind == "flag":
        out.settings[key] = True
    elif kind == "int":
        out.settings[key] = int(word or "")
    elif kind == "str":
        out.settings[key] = word or ""
    elif kind == "list":
        previous = out.settings.get(key)
        out.settings[key] = [
            *(previous if isinstance(previous, list) else []),
            word or "",
        ]
    elif kind == "csv":
        out.settings[key] = [w.strip() for w in (word or "").split(",") if w.strip()]
    elif kind == "suite":
        out.suite[key] = (word or "").lower()


def unknown(out: Carried, option: str, word: str | None) -> bool:
    """Say an option has no config equivalent; it takes no value (False)."""
    out.dropped.append(f"{option}: no config equivalent that init knows")
    return False


def _one(out: Carried, option: str, word: str | None, key: str, kind: str) -> None:
    if kind == "config":
        out.config_file = word
    elif kind == "gate":
        out.dropped.append(f"{option}: it would make the gate unable to fail")
    elif kind == "baseline":
        out.dropped.append(f"{option}: the suite's baseline replaces it")
    elif kind not in ("ignore", "ignore-value"):
        try:
            store(out, key, kind, word)
        except ValueError:
            out.dropped.append(f"{option} {word}: not a number")


def translate(
    args: Sequence[str],
    table: Table,
    other: Callable[[Carried, str, str | None], bool] = unknown,
) -> Carried:
    """Translate with a table; ``other(out, option, word)`` handles the rest.

    ``other`` returns whether the option took the next word as its value.
    """
    out = Carried()
    pairs = tokens(args)
    i = 0
    while i < len(pairs):
        option, word = pairs[i]
        key, kind = table.get(option, ("", "?"))
        if kind == "?":
            takes = other(out, option, word)
        else:
            takes = kind in TAKES_VALUE or kind == "baseline"
            _one(out, option, word, key, kind)
        i += 2 if takes else 1
    return out


def attached(args: Sequence[str], table: Table) -> list[str]:
    """Keep ``--opt=value`` whole when ``--opt`` is not in ``table``.

    Its value is then never read as an argument of its own.
    """
    return [
        (
            a.replace("=", "\0", 1)
            if a.startswith("--") and "=" in a and a.split("=")[0] not in table
            else a
        )
        for a in args
    ]
