"""SARIF ``artifactLocation.uri``: a relative path as an RFC 3986 URI reference.

SARIF 2.1.0 (3.10.2) makes ``uri`` a URI reference, so a path is
percent-encoded: unencoded, ``a#frag.py`` names ``a`` (with a fragment),
``q?x=1.py`` names ``q``, ``50%41.py`` names ``50A.py``, ``c:d.py`` is an
absolute URI of scheme ``c``, and ``my file.py`` is not a URI at all.  Every
byte of the path's file-system encoding outside RFC 3986's unreserved set and
``/`` is written ``%XX``; a name that is not UTF-8 keeps its bytes.
"""

from __future__ import annotations

import os
from urllib.parse import quote, unquote_to_bytes


def from_path(path: str) -> str:
    """Return the URI reference of a relative POSIX path."""
    return quote(os.fsencode(path), safe="/")


def to_path(uri: str) -> str:
    """Return the path a URI reference of ``from_path`` names."""
    return os.fsdecode(unquote_to_bytes(uri))
