"""The pre-commit hooks init knows: which suite tool each one is, and its defaults.

The tools' hooks are their adapters' declarations (``Adapter.hooks``,
``rival_hooks``, ``manifest_args``); here they are indexed for init.
"""

from __future__ import annotations

import re

from quality_gates import tools


def _hooks(names: tuple[str, ...], rivals: bool = False) -> dict[str, dict[str, str]]:
    """Return repository -> {hook id: its tool}: the named adapters' hooks.

    ``rivals``: their ``rival_hooks`` instead, other tools' hooks that do theirs.
    """
    table: dict[str, dict[str, str]] = {}
    for name in names:
        adapter = tools.get(name)
        for repo, ids in (adapter.rival_hooks if rivals else adapter.hooks).items():
            table.setdefault(repo, {}).update(dict.fromkeys(ids, name))
    return table


TOOL_IDS = tools.defaults()
# the default tools' hooks are replaced by the gate
SUPERSEDED = _hooks(TOOL_IDS)
# hooks another project's repository dropped that ran a default tool
# (pre-commit-hooks' flake8): repository -> hook id -> (tool, what it was);
# replaced too, and the repository's other hooks kept without a note
RETIRED: dict[str, dict[str, tuple[str, str]]] = {}
for name in TOOL_IDS:
    for repo, ids in tools.get(name).retired_hooks.items():
        RETIRED.setdefault(repo, {}).update(
            {hook_id: (name, what) for hook_id, what in ids.items()}
        )
# an optional tool's hooks are kept (docs/init.md, "ruff's hooks"); the
# adapter says which default tools' jobs they do (``Adapter.kept_hooks_do``)
KEPT = _hooks(tuple(name for name in tools.names() if name not in TOOL_IDS))
# other projects' hooks that do a tool's job (another import sorter): kept,
# and the gate runs no such tool beside them
RIVALS = _hooks(tools.names(), rivals=True)

# the args a hook runs with when the config gives none (its manifest's `args`)
MANIFEST_ARGS: dict[tuple[str, str], tuple[str, ...]] = {
    key: args
    for name in tools.names()
    for key, args in tools.get(name).manifest_args.items()
}

LOCAL_REPOS = ("local", "meta")


def repos_running(hook_id: str) -> list[str]:
    """Return the repositories whose hook ``hook_id`` init replaces."""
    return [
        repo
        for table in (SUPERSEDED, RETIRED)
        for repo, ids in table.items()
        if hook_id in ids
    ]


def normalise(url: str) -> str:
    """Return ``host/owner/name`` in lower case: how two spellings of a URL compare."""
    text = url.strip().lower()
    text = re.sub(r"^(git\+)?(https?|ssh|git)://", "", text)
    text = re.sub(r"^[^@/]+@", "", text)  # user@ of ssh URLs
    text = text.replace(":", "/", 1) if re.match(r"^[^/]+:[^/\d]", text) else text
    return text.rstrip("/").removesuffix(".git")
