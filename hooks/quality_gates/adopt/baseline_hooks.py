"""The config init runs to take the baseline: the suite's hooks as planned, reporting.

Each of the suite's checker hooks in the planned ``.pre-commit-config.yaml``
becomes one hook of a config of its own: the same repository, rev, filters,
``language_version`` and ``additional_dependencies`` (so pre-commit gives it
the very environment the hook will have at the first commit), asked to check
every file once (``--all-files``, no file list, so no batches) and to write its
findings as JSON.  Nothing in it changes a file: ``--fix`` is left out, and the
one-tool hooks (``id: black`` ...) run as ``quality-gate --tools black``,
whose entry does not fix.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml
from quality_gates.adopt import known

CHECKER_IDS = ("quality-gate", *known.TOOL_IDS)
# what decides which files a hook sees and which environment it runs in
KEPT_KEYS = (
    "files",
    "exclude",
    "types",
    "types_or",
    "exclude_types",
    "always_run",
    "language_version",
    "additional_dependencies",
)
KEPT_TOP = ("files", "exclude", "default_language_version")


@dataclasses.dataclass(frozen=True)
class BaselineHooks:
    """The config's text and the JSON report each of its hooks writes."""

    text: str
    reports: tuple[Path, ...]


def _args(hook: dict[str, Any], report: Path) -> list[str]:
    args = [str(a) for a in hook.get("args") or [] if str(a) != "--fix"]
    if hook["id"] != "quality-gate":
        args = ["--tools", str(hook["id"]), *args]
    return [*args, "--all-files", "--format", "json", "--output", str(report)]


def _suite_hooks(doc: dict[str, Any], suite: str) -> tuple[dict[str, Any], list[Any]]:
    ours = known.normalise(suite)
    for repo in doc.get("repos") or []:
        if isinstance(repo, dict) and known.normalise(str(repo.get("repo"))) == ours:
            hooks = [h for h in repo.get("hooks") or [] if h.get("id") in CHECKER_IDS]
            return repo, hooks
    return {}, []


def build(planned: str, suite: str, folder: Path) -> BaselineHooks:
    """Return the baseline config for ``planned`` (the new config's text)."""
    doc = yaml.safe_load(planned) or {}
    repo, hooks = _suite_hooks(doc, suite)
    config: dict[str, Any] = {k: doc[k] for k in KEPT_TOP if k in doc}
    reports: list[Path] = []
    items = []
    for index, hook in enumerate(hooks):
        report = folder / f"hook-{index}.json"
        reports.append(report)
        item: dict[str, Any] = {"id": "quality-gate"}
        item["pass_filenames"] = False  # nosec B105 - pre-commit's key, no password
        item.update({k: hook[k] for k in KEPT_KEYS if k in hook})
        item["args"] = _args(hook, report)
        items.append(item)
    config["repos"] = (
        [{"repo": repo["repo"], "rev": str(repo["rev"]), "hooks": items}]
        if items
        else []
    )
    return BaselineHooks(yaml.safe_dump(config, sort_keys=False), tuple(reports))
