"""Find a name in text whole: ``env.HIGH`` is not in ``env.HIGHER``.

A variable, a file or a step output is read where its name stands whole.
A name goes on with a letter, digit, ``_``, ``-`` or a dotted suffix
(``$HIGH_X``, ``steps.a.outputs.failed``, ``steps.my-a.outcome``,
``out.txt.bak``; but ``$OUT.txt`` reads ``$OUT``), and ``layout.txt`` is
not ``out.txt``; a path, quote or expression may stand around it
(``reports/out.txt``, ``${{ env.HIGH }}``, ``${HIGH}_x``, ``out.txt.``).
"""

from __future__ import annotations

import re


def _pattern(ref: str) -> re.Pattern[str]:
    before = r"(?<![\w.-])" if re.match(r"[\w-]", ref) else ""
    dotted = "" if ref.startswith("$") else r"|\.\w"  # `$OUT.txt` reads `$OUT`
    after = rf"(?![\w-]{dotted})" if re.match(r"[\w-]", ref[-1]) else ""
    return re.compile(before + re.escape(ref) + after)


def names(text: str, ref: str) -> bool:
    """Tell whether ``text`` names ``ref`` whole."""
    if not ref or ref not in text:
        return False
    return _pattern(ref).search(text) is not None


def count(text: str, ref: str) -> int:
    """Return how many times ``text`` names ``ref`` whole."""
    if not ref or ref not in text:
        return 0
    return len(_pattern(ref).findall(text))
