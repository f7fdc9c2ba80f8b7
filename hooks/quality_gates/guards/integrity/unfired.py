"""A workflow whose only triggers can never fire.

``push``, ``pull_request`` and ``pull_request_target`` filter the branches
(``push`` also the tags) they run for.  ``branches-ignore: '**'`` ignores
every branch (``**`` matches any name, slashes too).  A ``push`` that filters
branches only runs for no tag, and one that filters tags only runs for no
branch (GitHub: the workflow does not run for the ref left undefined).  So
a ``push`` whose branches are all ignored and whose tags are all ignored or
left undefined never fires, nor does a pull request event whose branches are
all ignored.  Any other event, a filter that lists what to run for, or one
not written out (an empty list, a pattern short of ``**``) can fire: only
those certain shapes are read.
"""

from __future__ import annotations

import yaml
from quality_gates.yamlnodes import mapping, strings

_FILTERED = frozenset(("push", "pull_request", "pull_request_target"))


def _all_ignored(event: yaml.Node, side: str) -> bool:
    """Tell whether the event ignores every ref of ``side`` (branches, tags)."""
    entries = mapping(event)
    ignored = entries.get(f"{side}-ignore")
    if ignored is not None and side not in entries:
        return any(s.value.strip() == "**" for s in strings(ignored[1]))
    return False


def _never(name: str, event: yaml.Node) -> bool:
    entries = mapping(event)
    if name not in _FILTERED or not entries:
        return False
    branches = _all_ignored(event, "branches")
    if name != "push":
        return branches
    tags = _all_ignored(event, "tags")
    has_branches = "branches" in entries or "branches-ignore" in entries
    has_tags = "tags" in entries or "tags-ignore" in entries
    # a side left undefined is closed only when the other side is filtered
    return (branches or has_tags and not has_branches) and (
        tags or has_branches and not has_tags
    )


def never_fires(root: yaml.Node | None) -> yaml.Node | None:
    """Return the ``on:`` key of a workflow none of whose triggers can fire."""
    entry = mapping(root).get("on")
    if entry is None or not isinstance(entry[1], yaml.MappingNode):
        return None
    events = mapping(entry[1])
    if not events or not all(_never(n, e) for n, (_, e) in events.items()):
        return None
    return entry[0]
