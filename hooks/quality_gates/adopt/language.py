"""The Python the gate's hooks run on: the project's ``language_version``.

pre-commit builds a ``language: python`` hook's environment with the hook's
``language_version``, else the config's ``default_language_version`` (its
``python`` key), else its own Python.  A project that pinned its black or
mypy hook to ``python3.11`` keeps that pin on the ``quality-gate`` hook that
replaces it: mypy checks for the Python it runs on unless configured, and the
workflow init writes runs the suite on the same version.  A Python the suite
cannot run on (it needs 3.11 or later) is not carried, since pre-commit could
not install the hook: the hook gets the Python init itself runs on, and a
note says so.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Sequence

from quality_gates.adopt.edit import SuiteHook
from quality_gates.adopt.precommit_file import Config, Repo
from quality_gates.yamlnodes import scalar, value

MIN_PYTHON = (3, 11)  # pyproject.toml's requires-python (a test keeps them equal)
_VERSION = re.compile(r"(?:python|pypy)?(\d+)(?:\.(\d+))?(?:\.exe)?", re.I)


def version(language_version: str) -> tuple[int, int | None] | None:
    """Return (major, minor) of ``python3.11``, ``/usr/bin/pypy3.10``, ``3.12``.

    ``python3`` has no minor (None); ``default``, ``system`` or a name that
    does not say a version is None.
    """
    name = re.split(r"[\\/]", language_version.strip())[-1]
    match = _VERSION.fullmatch(name)
    if match is None:
        return None
    minor = match.group(2)
    return int(match.group(1)), int(minor) if minor is not None else None


def too_old(language_version: str) -> bool:
    """Tell whether the name says a Python the suite cannot run on."""
    found = version(language_version)
    if found is None:
        return False
    major, minor = found
    if major != MIN_PYTHON[0]:
        return major < MIN_PYTHON[0]
    return minor is not None and minor < MIN_PYTHON[1]


def default(config: Config | None) -> str | None:
    """Return the config's ``default_language_version: {python: ...}``."""
    if config is None:
        return None
    return scalar(value(config.top("default_language_version"), "python"))


def running() -> str:
    """Return the ``language_version`` of the Python init runs on."""
    return f"python{sys.version_info.major}.{sys.version_info.minor}"


@dataclasses.dataclass
class Pythons:
    """Resolve the gate's hooks' ``language_version``, noting what is not carried."""

    default: str | None = None  # the config's default_language_version
    notes: list[str] = dataclasses.field(default_factory=list)

    def resolve(self, own: str | None, what: str) -> str | None:
        """Return the ``language_version`` the gate's hook in place of ``what`` gets.

        None when it inherits the default; init's own Python in place of one
        the suite cannot run on.
        """
        effective = own or self.default
        if effective is None or not too_old(effective):
            return None if own == self.default else own
        where = "its language_version" if own else "default_language_version"
        note = (
            f"{what}: not carried over: {where} {effective}: the suite needs Python"
            f" {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or later; the gate's hook runs on"
            f" {running()}, the Python init runs on"
        )
        if note not in self.notes:
            self.notes.append(note)
        return running()


def workflow_python(
    hooks: Sequence[SuiteHook], config: Config | None, suite: Repo | None
) -> str | None:
    """Return ``3.11`` when every hook of the suite runs on that Python, else None.

    ``suite`` is the suite's entry already in the config (a second init): its
    hooks are kept, so they count too.
    """
    fallback = default(config)
    pins = [h.language_version for h in hooks]
    pins += [h.text("language_version") for h in suite.hooks] if suite else []
    versions = set()
    for pin in pins:
        name = pin or fallback or ""
        found = version(name)
        if found is None or found[1] is None or too_old(name):
            return None
        versions.add(f"{found[0]}.{found[1]}")
    return versions.pop() if len(versions) == 1 else None
