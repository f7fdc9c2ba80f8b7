"""Which of a replaced hook's ``additional_dependencies`` the suite's hook cannot hold.

The suite's hook installs the suite and every tool it pins in one environment,
with the old hooks' ``additional_dependencies`` beside them.  A dependency
that asks for a version the suite's own requirements exclude (``packaging <
20``; the suite needs ``packaging >= 23``) makes pip refuse the whole
environment.  Such a dependency is left out, with a
note, and the baseline is taken in the environment that can exist.

The suite's requirements are read from the installed distributions (init's
interpreter has the suite installed as the hook installs it), recursively,
with the markers evaluated for this interpreter.
"""

from __future__ import annotations

import functools
import importlib.metadata

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

SUITE = "quality-gates"


def _requirements(name: str) -> list[Requirement]:
    try:
        texts = importlib.metadata.requires(name) or []
    except importlib.metadata.PackageNotFoundError:
        return []
    found = []
    for text in texts:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            found.append(req)
    return found


@functools.cache
def suite_versions() -> dict[str, Version]:
    """Return every distribution the suite needs, at the version installed here."""
    versions: dict[str, Version] = {}
    todo = [SUITE]
    while todo:
        for req in _requirements(todo.pop()):
            key = canonicalize_name(req.name)
            if key in versions:
                continue
            try:
                versions[key] = Version(importlib.metadata.version(key))
            except (importlib.metadata.PackageNotFoundError, InvalidVersion):
                continue
            todo.append(key)
    return versions


def conflict(dependency: str) -> str | None:
    """Say why ``dependency`` cannot go beside the suite, else None."""
    try:
        req = Requirement(dependency)
    except InvalidRequirement:
        return None  # a path or URL: pip decides, and init reports what it says
    installed = suite_versions().get(canonicalize_name(req.name))
    if installed is None or req.specifier.contains(installed, prereleases=True):
        return None
    return f"the suite's environment needs {req.name} {installed}"
