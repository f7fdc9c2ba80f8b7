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

from quality_gates.guards.integrity.shell import failure_sinks

# `COUNT=$(echo "$OUT" | jq length)`: a value computed from the output
_DERIVES = re.compile(r"^\s*(?:(?:export|local|declare|readonly)\s+)?([A-Za-z_]\w*)=")
# `echo "$OUT"`, `printf ... >> "$GITHUB_STEP_SUMMARY"`: shown, not judged
_SHOWS = re.compile(r"^\s*(echo|printf)\b[^|;&]*$")
# `if echo "$OUT" | grep -q high; then`: a test; its branches decide
_TESTS = re.compile(r"^\s*(if|elif)\s")
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
            names.append(derives.group(1))
        elif not (_SHOWS.match(line) or _TESTS.match(line)):
            return None  # passed to a program of its own: it may fail on it
    return names


def only_reported(name: str, after: str) -> tuple[str, ...] | None:
    """Return where the captured ``$name`` is carried when nothing here fails on it.

    None when a later line may fail on the value (or on one computed from
    it); otherwise the step outputs and environment variables it is written
    to (``output:NAME``, ``env:NAME``), which a later step may still judge.
    """
    names = _derived(name, after.splitlines())
    if names is None:
        return None
    if any(failure_sinks.read_later(n, after) for n in names):
        return None
    return tuple(s for n in names for s in failure_sinks.carried(n, after))
