"""What mypy sees beside the suite: the suite's hooks' ``additional_dependencies``.

pre-commit installs them into the hook's environment with the suite, and mypy
resolves imports there (unless the project has an environment of its own:
``.venv``, ``python-executable``).  The list is written once, in
``.pre-commit-config.yaml``; the ``quality-gate`` action reads it from there
(``python -m quality_gates.hook_deps``) and installs it beside the suite, so
mypy in CI sees what the hook sees.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

CONFIG = ".pre-commit-config.yaml"
# the suite's hooks that may run mypy (quality-gate runs it unless --tools leaves
# it out); a third-party mypy hook (mirrors-mypy) is not the suite's
MYPY_HOOKS = ("quality-gate", "mypy")


def _runs_mypy(hook: dict[str, Any]) -> bool:
    if hook.get("id") == "mypy":
        return True
    args = [str(a) for a in hook.get("args") or []]
    for index, arg in enumerate(args):
        if arg == "--tools" and index + 1 < len(args):
            return "mypy" in args[index + 1].split(",")
        if arg.startswith("--tools="):
            return "mypy" in arg.split("=", 1)[1].split(",")
    return True


def _suite_repos(doc: Any) -> list[dict[str, Any]]:
    """Return the ``repos:`` items that are the suite (with a ``quality-gate`` hook)."""
    repos = doc.get("repos") if isinstance(doc, dict) else None
    found = []
    for repo in repos if isinstance(repos, list) else []:
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        if isinstance(hooks, list) and any(
            isinstance(h, dict) and h.get("id") == "quality-gate" for h in hooks
        ):
            found.append(repo)
    return found


def mypy_dependencies(text: str) -> list[str]:
    """Return the dependencies of the suite's hooks that run mypy, once each."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    deps: list[str] = []
    for repo in _suite_repos(doc):
        for hook in repo["hooks"]:
            if not isinstance(hook, dict) or hook.get("id") not in MYPY_HOOKS:
                continue
            if _runs_mypy(hook):
                listed = hook.get("additional_dependencies") or []
                deps += [str(d) for d in listed if str(d) not in deps]
    return deps


def main(argv: Sequence[str] | None = None) -> int:
    """Print the dependencies of PROJECT's config, one a line (none: nothing)."""
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0] if args else ".") / CONFIG
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return 0
    for dep in mypy_dependencies(text):
        print(dep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
