"""Markdown for a job summary: what a repository wrote is shown as text.

GitHub renders ``$GITHUB_STEP_SUMMARY`` as GitHub-flavoured Markdown with
HTML, so a string literal quoted in a finding could add an image (a tracking
pixel), a link, or a forged ``<h2>quality-gates run: passed</h2>``, and a
backtick in a file name would end its code span.  ``text`` shows control
characters (``terminal.visible``), writes ``&``, ``<``, ``>``, ``"`` and ``'``
as HTML entities and escapes every other ASCII punctuation character with a
backslash (CommonMark: any of them may be, and is then literal), so no
Markdown or HTML syntax survives, ``|`` included (table cells).  ``code``
shows a value in code style without a code span: ``<code>`` around ``text``.
"""

from __future__ import annotations

import html
import re

from quality_gates.escape.terminal import visible

# ASCII punctuation except what html.escape writes as entities (& < > " ')
_PUNCTUATION = re.compile(r"""([!#$%()*+,\-./:;=?@\[\\\]^_`{|}~])""")


def text(value: object) -> str:
    """Return ``value`` as Markdown that renders exactly as its characters."""
    shown = visible(str(value))
    return html.escape(_PUNCTUATION.sub(r"\\\1", shown), quote=True)


def code(value: object) -> str:
    """Return ``value`` in code style (``<code>``), escaped like ``text``."""
    return f"<code>{text(value)}</code>"
