"""What a script does with a checker's output captured into a variable.

``OUT=$(npm audit || true)`` (or ``OUT=$(npm audit) || true``, or the same
under ``set +e`` with ``$?`` never read) drops the checker's status and keeps
its output.  The check survives only if something can fail on that output
later: an ``exit 1`` or ``false`` after it is read (``if echo "$OUT" | grep
-q high; then exit 1; fi``), a test standing alone, ``jq -e``, or a later
step that reads it from ``$GITHUB_OUTPUT``/``$GITHUB_ENV`` and fails.  A
value that is only echoed, turned into ``::warning::``, written to the step
summary or tested by an ``if`` whose branches never fail is a report.
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity.shell import failure_sinks, parse
from quality_gates.guards.integrity.shell.compound import if_clauses
from quality_gates.guards.integrity.shell.parse import text
from tree_sitter import Node

# `COUNT=$(echo "$OUT" | jq length)`: a value computed from the output
_DERIVES = re.compile(r"^\s*(?:(?:export|local|declare|readonly)\s+)?([A-Za-z_]\w*)=")
# `echo "$OUT"`, `printf ... >> "$GITHUB_STEP_SUMMARY"`: shown, not judged
_SHOWS = re.compile(r"^\s*(echo|printf)\b[^|;&]*$")
# `if echo "$OUT" | grep -q high; then`: a test; its branches decide
_TESTS = re.compile(r"^\s*(if|elif)\s")
# where a value is read inside a derivation: `$(echo "$OUT" | jq ...)`, `<<<`
_SEGMENT = re.compile(r"\$\(|`|\|\|?|;|&&")
_FILTER_INPUT = re.compile(r"^\s*(echo|printf)\b|<<<\s*\S*$")
# `echo "$OUT" > lint.txt`: a file a later step may judge
_WRITES = re.compile(r""">>?\s*["']?([\w./${}-]+)""")
# a read that may fail by itself: `jq -e`, `jq --exit-status`
_FAILING_READ = re.compile(r"\bjq\b[^|;&]*\s(-e|--exit-status)\b")


def _read(name: str) -> re.Pattern[str]:
    return re.compile(rf"\$\{{?{re.escape(name)}\b")


def _derived(name: str, lines: list[str]) -> list[str] | None:
    """``name`` and every variable computed from it; None if one is read otherwise."""
    names = [name]
    for line in lines:
        if not any(_read(n).search(line) for n in names):
            continue
        if _FAILING_READ.search(line):
            return None
        derives = _DERIVES.match(line)
        if derives and not _SHOWS.match(line):
            if not _filtered(names, line[derives.end() :]):
                return None  # `JDK=$(gradle -Pprofile=$OUT ...)`: a program's input
            names.append(derives.group(1))
        elif not (_SHOWS.match(line) or _TESTS.match(line)):
            return None  # passed to a program of its own: it may fail on it
    return names


def _filtered(names: list[str], value: str) -> bool:
    """Tell a value computed by filtering ``$name`` (``$(echo "$OUT" | jq ...)``).

    Each read must be what ``echo``/``printf`` prints or ``<<<`` feeds, or
    the whole value (``COPY="$OUT"``); a read passed to a program as an
    argument is that program's input, and it may fail on it.
    """
    if re.fullmatch(r"""["']?\$\{?\w+\}?["']?\s*""", value):
        return True
    for segment in _SEGMENT.split(value):
        for match in (m for n in names for m in _read(n).finditer(segment)):
            if not _FILTER_INPUT.search(segment[: match.start()]):
                return False
    return True


def branch_sinks(
    root: Node, names: list[str], start: int, source: bytes
) -> tuple[str, ...] | None:
    """Return what the ``if``s testing ``$name`` record; None if one may fail.

    ``if echo "$OUT" | grep -q OPEN; then echo "ok=false" >> "$GITHUB_OUTPUT";
    fi`` carries the finding on as ``output:ok``; a flag (``clean=false``)
    read later where it can fail keeps the check.
    """
    found: list[str] = []
    for node in parse.descendants(root, "if_statement"):
        clauses = if_clauses(node)
        tested = " ".join(text(c) for cond, _ in clauses for c in cond)
        if node.start_byte < start or not any(_read(n).search(tested) for n in names):
            continue
        after = source[node.end_byte :].decode(errors="replace")
        for sink in failure_sinks.sinks([n for _, body in clauses for n in body]):
            kind, _, held = sink.partition(":")
            if kind == "var" and failure_sinks.read_later(held, after):
                return None
            found += failure_sinks.carried(held, after) if kind == "var" else [sink]
    return tuple(found)


def only_reported(
    name: str, root: Node, start: int, source: bytes
) -> tuple[str, ...] | None:
    """Return where the captured ``$name`` is carried when nothing here fails on it.

    ``start``: where the script goes on after the capture.  None when a
    later line may fail on the value (or on one computed from it);
    otherwise the step outputs, environment variables and files it (or
    what an ``if`` testing it records) is written to, which a later step
    may still judge.
    """
    after = source[start:].decode(errors="replace")
    names = _derived(name, after.splitlines())
    if names is None:
        return None
    if any(failure_sinks.read_later(n, after) for n in names):
        return None
    tested = branch_sinks(root, names, start, source)
    if tested is None:
        return None
    carried = [s for n in names for s in failure_sinks.carried(n, after)]
    return tuple(dict.fromkeys(carried + list(tested) + _files(names, after)))


def _files(names: list[str], after: str) -> list[str]:
    """Return the files the value is written to (``echo "$OUT" > lint.txt``)."""
    found = []
    for line in after.splitlines():
        if _SHOWS.match(line) and any(_read(n).search(line) for n in names):
            found += [
                f"file:{target}"
                for target in _WRITES.findall(line)
                if "GITHUB_" not in target and not target.startswith("/dev/")
            ]
    return found
