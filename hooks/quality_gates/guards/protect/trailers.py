"""Commit message trailers: ``Key: value`` lines in the last paragraph."""

from __future__ import annotations

import re

_SCISSORS = re.compile(r"^# -+ >8 -+$")
_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$")


def clean(message: str) -> str:
    """Drop comment lines and everything below a ``--verbose`` scissors line.

    A commit-msg hook sees the message before git strips them.
    """
    kept: list[str] = []
    for line in message.splitlines():
        if _SCISSORS.match(line):
            break
        if not line.startswith("#"):
            kept.append(line.rstrip())
    return "\n".join(kept).strip()


def trailers(message: str) -> list[tuple[str, str]]:
    """Return the trailers of the last paragraph (never of the subject line)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", clean(message)) if p.strip()]
    if len(paragraphs) < 2:
        return []
    found: list[tuple[str, str]] = []
    for line in paragraphs[-1].splitlines():
        if line[:1] in " \t" and found:
            key, text = found[-1]
            found[-1] = (key, f"{text} {line.strip()}".strip())
            continue
        match = _TRAILER.match(line)
        if not match:
            return []
        found.append((match.group(1), match.group(2).strip()))
    return found


def reason(message: str, key: str) -> str | None:
    """Return the value of trailer ``key`` (case-insensitive), None when absent."""
    values = [text for name, text in trailers(message) if name.lower() == key.lower()]
    non_empty = [text for text in values if text]
    if non_empty:
        return non_empty[0]
    return "" if values else None
