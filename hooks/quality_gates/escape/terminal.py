r"""A terminal: every control character a repository holds is shown, never obeyed.

A finding message (bandit quotes string literals), a file name, an advisory's
summary or a config value may hold ``ESC ]0;...BEL`` (retitles the terminal),
``ESC [1A ESC [2K`` (erases the line above: a finding disappears), a carriage
return (overwrites the line), or bidirectional controls that reorder what is
shown (U+202E).  ``visible`` writes each as an escape in Python's notation
(``\x1b``, ``\r``, ``\u202e``); a byte of a file name that is not UTF-8
(decoded with ``surrogateescape``) is shown as the byte, ``\xe9``.  A backslash
is left as it is.

A line for the terminal is also a line of the Actions log in CI: ``line``
applies both, and ``say`` prints one line through it.  Every line the suite
writes to standard output or error passes through here.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

from quality_gates.escape import actions_log

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 and C1 controls and DEL; bidirectional controls (Trojan Source); line and
# paragraph separators; lone surrogates (a non-UTF-8 byte under surrogateescape)
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069" "\ud800-\udfff]"
)
_UNSAFE_KEEP_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, newlines: bool = False) -> str:
    r"""Show every control character of ``text`` as an escape.

    ``newlines``: keep ``\n`` (for text whose line breaks another escape
    handles, such as a workflow command's message).
    """
    pattern = _UNSAFE_KEEP_NEWLINE if newlines else _UNSAFE
    return pattern.sub(_shown, text) if pattern.search(text) else text


def line(text: str) -> str:
    """Return ``text`` as one safe line: controls shown, no workflow command."""
    return actions_log.inert(visible(text))


# what ``actions_log.inert`` changes: ``::`` after leading white space, ``##[``
_COMMAND = re.compile(r"^[^\S\n]*::|##\[", re.M)


def lines(parts: list[str]) -> str:
    """Join ``parts``, each made one safe line, with a newline after each.

    A report of 74k findings is scanned whole first: when no part holds a
    line break, a control character or a workflow command, every part is its
    own safe line already, and only a part that is not goes through ``line``.
    """
    text = "\n".join(parts)
    if (
        text.count("\n") == max(len(parts) - 1, 0)
        and not _UNSAFE_KEEP_NEWLINE.search(text)
        and not _COMMAND.search(text)
    ):
        return text + "\n" if parts else ""
    return "".join(line(part) + "\n" for part in parts)


def say(text: str, *, file: TextIO | None = None, flush: bool = False) -> None:
    """Print ``text`` as one safe line (standard output unless ``file``)."""
    out = sys.stdout if file is None else file
    out.write(line(text) + "\n")
    if flush:
        out.flush()
