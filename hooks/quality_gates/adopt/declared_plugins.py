"""The flake8 plugins a project declares among its development dependencies.

A project whose flake8 runs from its own environment (a ``repo: local`` hook,
``entry: flake8``, ``language: system``; a nox or make target) has the
plugins that environment installs: poetry's ``[tool.poetry.dev-dependencies]``
and ``[tool.poetry.group.NAME.dependencies]``, PEP 735's
``[dependency-groups]``, ``[project.optional-dependencies]``.  Without them
in the hook's environment the gate's flake8 drops their codes (a
``config-error`` finding, which init baselines).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet


def _poetry_requirement(name: str, spec: object) -> str:
    """``flake8-bugbear = ">=21.9"`` -> ``flake8-bugbear>=21.9``; ``^1.0`` -> name."""
    version = spec.get("version") if isinstance(spec, dict) else spec
    text = str(version or "").strip()
    try:
        SpecifierSet(text)
    except InvalidSpecifier:  # poetry's ^1.0, ~1.0, *
        return name
    return f"{name}{text}"


def _table(doc: object, *keys: str) -> dict[str, Any]:
    """Return the table at ``keys``, empty where it is missing or not a table."""
    for key in keys:
        doc = doc.get(key) if isinstance(doc, dict) else None
    return doc if isinstance(doc, dict) else {}


def _poetry(doc: dict[str, Any]) -> Iterator[tuple[str, list[str]]]:
    poetry = _table(doc, "tool", "poetry")
    tables = {"[tool.poetry.dev-dependencies]": _table(poetry, "dev-dependencies")}
    for name in _table(poetry, "group"):
        where = f"[tool.poetry.group.{name}.dependencies]"
        tables[where] = _table(poetry, "group", name, "dependencies")
    for where, table in tables.items():
        yield where, [_poetry_requirement(n, s) for n, s in table.items()]


def _lists(doc: dict[str, Any]) -> Iterator[tuple[str, list[str]]]:
    for table, where in (
        (_table(doc, "dependency-groups"), "[dependency-groups] {}"),
        (
            _table(doc, "project", "optional-dependencies"),
            "[project.optional-dependencies] {}",
        ),
    ):
        for name, items in table.items():
            if isinstance(items, list):
                yield where.format(name), [i for i in items if isinstance(i, str)]


def declared(root: Path) -> dict[str, list[str]]:
    """Return ``pyproject.toml`` table -> the requirements it declares."""
    try:
        doc = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return dict([*_poetry(doc), *_lists(doc)])
