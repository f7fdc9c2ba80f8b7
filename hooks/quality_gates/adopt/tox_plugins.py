"""The flake8 plugins a project's tox environments install for their flake8 run.

A tox environment whose ``commands`` run flake8 and whose ``deps`` name
flake8 plugins (``flake8-bugbear``...) runs flake8 with those plugins' checks.
The gate's flake8 runs in the hook's environment: without them there, their
findings are dropped (their codes in ``extend-select`` are only a
``config-error`` finding, which init baselines).  init carries them into the
hook's ``additional_dependencies``, as it does a replaced flake8 hook's.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Sequence
from pathlib import Path

from quality_gates.adopt import declared_plugins
from quality_gates.adopt.hooks import distribution, why_dropped
from quality_gates.tools.base import read_ini

# distributions that are flake8 plugins though their names do not say so
_OTHER_PLUGINS = frozenset({"pep8-naming", "darglint", "dlint", "pandas-vet"})


def _is_plugin(requirement: str) -> bool:
    name = distribution(requirement)
    return name.startswith("flake8-") or name in _OTHER_PLUGINS


def _runs_flake8(commands: str) -> bool:
    """Tell whether one of tox's ``commands`` lines runs flake8 (or flake8p)."""
    for line in commands.splitlines():
        try:
            words = shlex.split(line.strip().lstrip("-"), comments=True)
        except ValueError:
            continue
        if words and re.fullmatch(r"python[\d.]*", words[0]) and words[1:2] == ["-m"]:
            words = words[2:]
        if words and posixpath.basename(words[0]) in ("flake8", "flake8p"):
            return True
    return False


def carried(
    root: Path, deps: Sequence[str], own_env: bool = False
) -> tuple[list[str], list[str]]:
    """Return the plugins to add to the hook's ``deps``, and a note on each env.

    ``own_env``: the project's flake8 ran in its own environment (no flake8
    hook with an environment of its own): the flake8 plugins pyproject.toml
    declares among its development dependencies were there too.
    """
    plugins: list[str] = []
    notes = []
    sources = {f"tox.ini [{s}]": p for s, p in flake8_plugins(root).items()}
    if own_env:
        for where, listed in declared_plugins.declared(root).items():
            sources[f"pyproject.toml {where}"] = [p for p in listed if _is_plugin(p)]
    for source, listed in sources.items():
        added = [
            p
            for p in listed
            if p not in deps and p not in plugins and why_dropped(p) is None
        ]
        plugins += added
        if added:
            notes.append(
                f"flake8: the plugins {source} installs for its flake8 run "
                f"go to the hook's additional_dependencies: {', '.join(added)}"
            )
    return plugins, notes


def flake8_plugins(root: Path) -> dict[str, list[str]]:
    """Return ``tox.ini`` environments that run flake8 -> the plugins they install.

    Only plain requirements: a line naming another section (``{[testenv]deps}``),
    a file (``-r ...``) or an option is left alone.
    """
    ini = read_ini(root / "tox.ini")
    found: dict[str, list[str]] = {}
    for section in ini.sections():
        if section != "testenv" and not section.startswith("testenv:"):
            continue
        if not _runs_flake8(ini.get(section, "commands", fallback="")):
            continue
        deps = ini.get(section, "deps", fallback="")
        lines = (line.split("#", 1)[0].strip() for line in deps.splitlines())
        plugins = [d for d in lines if d and d[0] not in "-{" and _is_plugin(d)]
        if plugins:
            found[section] = plugins
    return found
