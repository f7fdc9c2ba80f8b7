"""Sections of BENCHMARKS.md that scripts other than bench/run.py write.

Each lives between ``<!-- section:NAME -->`` and ``<!-- /section:NAME -->``;
``update`` replaces one (or appends it), ``kept`` returns all of them so that
bench/run.py, which rewrites the file, carries them over.
"""

from __future__ import annotations

import re
from pathlib import Path

_SECTION = re.compile(r"<!-- section:([\w-]+) -->\n.*?<!-- /section:\1 -->\n", re.S)


def wrap(name: str, body: str) -> str:
    """Return ``body`` between the markers of section ``name``."""
    return f"<!-- section:{name} -->\n{body.rstrip()}\n<!-- /section:{name} -->\n"


def kept(path: Path) -> str:
    """Return every marked section of ``path`` (none when it does not exist)."""
    if not path.exists():
        return ""
    found = [m.group(0) for m in _SECTION.finditer(path.read_text())]
    return "".join("\n" + text for text in found)


def update(path: Path, name: str, body: str) -> None:
    """Replace section ``name`` of ``path`` with ``body``, or append it."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    new = wrap(name, body)
    mark = re.escape(name)
    pattern = re.compile(
        rf"<!-- section:{mark} -->\n.*?<!-- /section:{mark} -->\n", re.S
    )
    if pattern.search(text):
        text = pattern.sub(lambda _: new, text)
    else:
        text = text.rstrip("\n") + "\n\n" + new
    path.write_text(text)
