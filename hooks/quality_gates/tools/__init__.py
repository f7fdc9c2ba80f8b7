"""Tool adapters, one module each, registered by a decorator.

``load()`` imports every module of this package, so a new adapter is one new
file with ``@register`` on its class, not an edit to a central table: the
tool names config accepts, the default set, ``--version``, score categories,
SARIF links and the fix order are all read from the registered classes.
"""

from __future__ import annotations

import importlib
import pkgutil

from quality_gates.tools.base import REGISTRY, Adapter, register

__all__ = [
    "REGISTRY",
    "Adapter",
    "register",
    "load",
    "get",
    "names",
    "defaults",
    "pinned",
]


_walked: list[bool] = []


def load() -> dict[str, Adapter]:
    """Import every adapter module and return the registry.

    The package is walked once per process: callers ask in loops (a category
    per finding), and a walk lists the folder and imports each module.
    """
    if not _walked:
        for module in pkgutil.iter_modules(__path__):
            if module.name != "base" and not module.name.startswith("_"):
                importlib.import_module(f"{__name__}.{module.name}")
        _walked.append(True)
    return REGISTRY


def get(name: str) -> Adapter:
    """Return the registered adapter called ``name``."""
    return load()[name]


def names() -> tuple[str, ...]:
    """Return every registered tool's name, sorted."""
    return tuple(sorted(load()))


def defaults() -> tuple[str, ...]:
    """Return the tools a project runs when it names none (optional ones left out)."""
    return tuple(name for name in names() if REGISTRY[name].default)


def pinned() -> tuple[str, ...]:
    """Return the distributions the suite's own dependencies pin: default tools'."""
    return tuple(
        dist
        for name in defaults()
        for dist in (REGISTRY[name].distribution, *REGISTRY[name].plugins)
    )
