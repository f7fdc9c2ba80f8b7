"""A grep further down the pipe that looks for a failure in the output.

``python -c "...check()..." | grep -i error`` drops the checker's status,
but the grep still reads what a failing check prints: whether it keeps the
failure depends on the checker's words, so the loss is plausible only.  A
grep for another word (``grep warning``) does not read the failure.
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity.shell import parse
from tree_sitter import Node

_GREPS = frozenset(("grep", "egrep", "fgrep", "rg"))
_FAILURE_WORDS = re.compile(r"err|fail|fatal", re.IGNORECASE)


def _pipeline(node: Node) -> tuple[Node, Node] | None:
    """Return the pipeline ``node`` stands in, and its stage holding ``node``."""
    stage = node
    while stage.parent is not None and stage.parent.type != "pipeline":
        if stage.parent.type not in ("redirected_statement", "command"):
            return None
        stage = stage.parent
    return (stage.parent, stage) if stage.parent is not None else None


def _patterns(words: list[str]) -> list[str]:
    """Return the patterns a grep is given (``-e PAT`` or its first operand)."""
    given = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "-e"]
    operands = [w for w in words[1:] if not w.startswith("-") and w not in given]
    return given or operands[:1]


def failure_grep(node: Node) -> str:
    """Why a grep after ``node`` in its pipe reads a failure ('' when none does)."""
    found = _pipeline(node)
    if found is None:
        return ""
    pipeline, stage = found
    later = [c for c in pipeline.named_children if c.start_byte > stage.start_byte]
    for command in later:
        words = parse.words(command) if command.type == "command" else []
        if not words or words[0] not in _GREPS:
            continue
        if any(_FAILURE_WORDS.search(p) for p in _patterns(words)):
            return f"`{words[0]}` reads the output for a failure word"
    return ""
