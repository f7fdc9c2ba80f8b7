"""A secret scanner run in its recording mode where the step means to check.

``detect-secrets scan`` writes a baseline of the secrets it finds (to
stdout, or in place with ``--baseline FILE``) and exits 0 whatever it finds:
it records, and ``detect-secrets-hook`` (or ``audit``) is what fails on a new
secret.  Run where the step is named for scanning, with nothing after it that
reads what it recorded (the baseline compared by ``git diff``, its output
piped on or read back), the scan the step is named for cannot fail.
"""

from __future__ import annotations

import re

from tree_sitter import Node

_SCANNERS = frozenset(("detect-secrets", "detect_secrets"))
# after the scan: the baseline compared, or the scanner run again to judge it
_JUDGED = re.compile(
    r"\bgit\s+(?:diff|status)\b|\bdetect[-_]secrets(?:-hook\b|\s+audit\b)"
)


def records(words: list[str]) -> bool:
    """Tell ``detect-secrets scan ...`` (wrappers already stripped)."""
    if not words or re.split(r"[/\\]", words[0])[-1] not in _SCANNERS:
        return False
    plain = [w for w in words[1:] if not w.startswith("-")]
    return plain[:1] == ["scan"]


def baseline(words: list[str]) -> str:
    """Return the file ``--baseline FILE`` updates ('' when it prints the baseline)."""
    for flag, value in zip(words, words[1:]):
        if flag == "--baseline":
            return value
    given = [w.split("=", 1)[1] for w in words if w.startswith("--baseline=")]
    return given[0] if given else ""


def judged(after: str) -> bool:
    """Tell whether commands ``after`` a scan judge its baseline (``git diff``)."""
    return bool(_JUDGED.search(after))


def read_later(node: Node, source: bytes, files: tuple[str, ...]) -> bool:
    """Tell whether what the scan recorded is read after it.

    Piped on, its output is read by the next command; a file it writes (the
    baseline, a ``> FILE``) named again later is read back; ``git diff``
    after it compares the baseline it updated.
    """
    if _in_pipeline(node):
        return True
    whole = node  # with its redirections: `scan > scan.json` names no reader
    while whole.parent is not None and whole.parent.type == "redirected_statement":
        whole = whole.parent
    after = source[whole.end_byte :].decode(errors="replace")
    return bool(_JUDGED.search(after)) or any(name in after for name in files if name)


def _in_pipeline(node: Node) -> bool:
    """Tell a command whose output a later command of its pipeline reads."""
    parent = node.parent
    while parent is not None and parent.type == "redirected_statement":
        parent = parent.parent
    return (
        parent is not None
        and parent.type == "pipeline"
        and (node.end_byte < parent.end_byte)
    )
