"""Markdown for a job summary: what a repository wrote is shown as text.

GitHub renders ``$GITHUB_STEP_SUMMARY`` as GitHub-flavoured Markdown with
HTML, so a string literal quoted in a finding could add an image (a tracking
pixel), a link, or a forged ``<h2>quality-gates run: passed</h2>``, and a
backtick in a file name would end its code span.

``text`` shows control characters (``terminal.visible``), writes ``&``, ``<``
and ``>`` as HTML entities (no HTML, no autolink, no entity), escapes with a
backslash what Markdown reads inline (backslash, backtick, ``*``, ``_``,
``~``, ``[``, ``]``, ``|``: no code span, emphasis, link, image or table cell)
and what starts a block in a list item (a leading ``#``, ``+``, ``-``, or
``1.``).  ``code`` is a code span, whose content Markdown never reads, with a
fence longer than any run of backticks in it; a value holding ``##[`` (an
Actions log command, if the summary is printed) is ``<code>`` around ``text``.
A bare URL may still be shown as a link by GitHub: its text is the URL.
"""

from __future__ import annotations

import re

from quality_gates.escape.terminal import visible

_INLINE = re.compile(r"([\\`*_~\[\]|])")
_BLOCK = re.compile(r"^(\s*)([#+\-])|^(\s*\d+)([.)])")
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


def text(value: object) -> str:
    """Return ``value`` as Markdown that renders exactly as its characters."""
    shown = _INLINE.sub(r"\\\1", visible(str(value)))
    for raw, entity in _ENTITIES:
        shown = shown.replace(raw, entity)
    return _BLOCK.sub(_block, shown, count=1)


def _block(match: re.Match[str]) -> str:
    space, mark = (
        (match.group(1), match.group(2)) if match.group(2) else match.group(3, 4)
    )
    return f"{space}\\{mark}"


def code(value: object) -> str:
    """Return ``value`` in code style: a code span Markdown does not read."""
    shown = visible(str(value))
    if "##[" in shown:
        return f"<code>{text(value)}</code>"
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown[:1] in ("`", " ") or shown[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{shown.replace('|', chr(92) + '|')}{pad}{fence}"
