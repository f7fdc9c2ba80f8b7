"""Local pre-commit hooks whose inline Python (``python -c CODE``) cannot fail.

pre-commit runs a hook's ``entry`` with its ``args`` and the staged files,
and fails the hook only on a non-zero exit (or files it changed); the output
of a passing hook is shown only with ``verbose: true``.  A hook named for
checking whose code has no way to fail (``inlinepy``) passes whatever it
finds: where the code reports a finding (``if violations: print(...)``) the
finding is dropped, certainly, unless ``verbose: true`` shows it by design;
code that judges nothing fails nothing either, plausibly a lost check, but
code that parses a file (``yaml.safe_load(open(f))``) fails on what it
cannot read: that is its check.
"""

from __future__ import annotations

import re
import shlex
import textwrap

import yaml
from quality_gates import yamlnodes
from quality_gates.findings import Finding
from quality_gates.guards.integrity import inlinepy, stepnames
from quality_gates.guards.integrity.rules import finding
from quality_gates.yamlnodes import is_true, scalar, sequence, value

_PYTHON = re.compile(r"^python[0-9.]*$")
_SHOWN = (
    "`verbose: true` shows the hook's output when it passes: a warning by "
    "design, plausibly a check that was meant to fail"
)
_JUDGES_NOTHING = (
    "the code tests nothing it could fail on: plausibly a check that cannot fail"
)
_FIX = "exit non-zero on a finding (`sys.exit(1)`), or drop the hook"


def _inline_code(hook: yaml.Node) -> tuple[str, yaml.Node, int] | None:
    """Return the code after ``-c``, the node holding it and its first line there."""
    entry_node = value(hook, "entry")
    entry = scalar(entry_node) or ""
    try:
        words = [(w, entry_node) for w in shlex.split(entry)]
    except ValueError:
        return None
    words += [(scalar(n) or "", n) for n in sequence(value(hook, "args"))]
    if not words or not _PYTHON.match(words[0][0].rsplit("/", 1)[-1]):
        return None
    flags = [i for i, (word, _) in enumerate(words) if word == "-c"]
    if not flags or flags[0] + 1 >= len(words) or words[0][1] is None:
        return None
    code, node = words[flags[0] + 1]
    first = code.lstrip("\n").split("\n", 1)[0]
    held = scalar(node) or ""
    start = held[: held.find(first)].count("\n") if first and first in held else 0
    start -= len(code) - len(code.lstrip("\n"))  # the code's line 0 is before it
    return textwrap.dedent(code), node, max(start, 0)


def inline_python(path: str, lines: list[str], hook: yaml.Node) -> list[Finding]:
    """QG102 for a hook named for checking whose inline Python cannot fail."""
    found = _inline_code(hook)
    hook_id = scalar(value(hook, "id")) or "?"
    named = stepnames.checking_context(scalar(value(hook, "name")) or "", hook_id)
    if found is None or not named or not inlinepy.never_fails(found[0]):
        return []
    code, node, start = found
    where = f"hook `{hook_id}`: its inline Python (`python -c`)"
    dropped = inlinepy.dropped_finding(code)
    if dropped is None and inlinepy.validates_by_reading(code):
        return []  # `yaml.safe_load(open(f))`: the parser fails on what it reads
    if dropped is None:
        line = yamlnodes.locate(lines, node, code.strip().split("\n")[0], start)
        detail = f"{where} has no exit, raise or assert: the hook always passes"
        return [finding("QG102", path, line, detail, _JUDGES_NOTHING, _FIX)]
    said = code.split("\n")[dropped].strip()
    line = yamlnodes.locate(lines, node, said, start + dropped)
    detail = (
        f"{where} reports what it finds (`{said}`) and exits 0: pre-commit "
        "passes the hook and shows a passing hook's output only with `verbose: true`"
    )
    why = _SHOWN if is_true(value(hook, "verbose")) else ""
    return [finding("QG102", path, line, detail, why, _FIX)]
