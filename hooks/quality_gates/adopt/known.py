"""The pre-commit hooks init knows: which suite tool each one is, and its defaults.

The tools' hooks are their adapters' declarations (``Adapter.hooks``,
``manifest_args``); here they are indexed for init.
"""

from __future__ import annotations

import re

from quality_gates import tools


def _superseded() -> dict[str, dict[str, str]]:
    """Return repository -> {hook id: the tool that replaces it}, from the adapters.

    The default tools' hooks are replaced; an optional tool's (ruff) are kept.
    """
    table: dict[str, dict[str, str]] = {}
    for name in tools.defaults():
        for repo, ids in tools.get(name).hooks.items():
            table.setdefault(repo, {}).update(dict.fromkeys(ids, name))
    return table


TOOL_IDS = tools.defaults()
SUPERSEDED = _superseded()

# ruff's hooks are kept: flake8 is not ruff's rule set (the ruff adapter says them)
_RUFF = tools.get("ruff")
RUFF_REPOS = tuple(_RUFF.hooks)
RUFF_LINT: tuple[str, ...] = getattr(_RUFF, "lint_hooks")
RUFF_FORMAT: tuple[str, ...] = getattr(_RUFF, "format_hooks")
# other import sorters are kept too, and take isort away: two sorters fight
IMPORT_SORTERS = {
    "github.com/asottile/reorder-python-imports": ("reorder-python-imports",),
    "github.com/asottile/reorder_python_imports": ("reorder-python-imports",),
    "github.com/facebook/usort": ("usort",),
}

# the args a hook runs with when the config gives none (its manifest's `args`)
MANIFEST_ARGS: dict[tuple[str, str], tuple[str, ...]] = {
    key: args
    for name in tools.names()
    for key, args in tools.get(name).manifest_args.items()
}

LOCAL_REPOS = ("local", "meta")


def normalise(url: str) -> str:
    """Return ``host/owner/name`` in lower case: how two spellings of a URL compare."""
    text = url.strip().lower()
    text = re.sub(r"^(git\+)?(https?|ssh|git)://", "", text)
    text = re.sub(r"^[^@/]+@", "", text)  # user@ of ssh URLs
    text = text.replace(":", "/", 1) if re.match(r"^[^/]+:[^/\d]", text) else text
    return text.rstrip("/").removesuffix(".git")
