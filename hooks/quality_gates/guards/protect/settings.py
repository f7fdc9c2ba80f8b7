"""``[tool.quality-gates.protect]``: layers of gitignore-style patterns, and options.

Every key whose value is a list of strings is a layer; the reserved keys are
``approval-env`` (default ``QUALITY_GATES_APPROVE``), ``trailer`` (default
``Protected-change``) and ``codeowners`` (default true).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

import pathspec
from quality_gates.errors import GateError

OPTIONS = ("approval-env", "trailer", "codeowners")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TRAILER = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")


@dataclasses.dataclass(frozen=True)
class Layer:
    """A named list of patterns, compiled as one gitignore spec."""

    name: str
    patterns: tuple[str, ...]
    spec: pathspec.GitIgnoreSpec

    def match(self, path: str) -> str | None:
        """Return the pattern that protects ``path`` (last match wins), or None."""
        result = self.spec.check_file(path)
        if not result.include or result.index is None:
            return None
        return self.patterns[result.index]


@dataclasses.dataclass(frozen=True)
class ProtectConfig:
    """The validated protect settings."""

    layers: tuple[Layer, ...] = ()
    approval_env: str = "QUALITY_GATES_APPROVE"
    trailer: str = "Protected-change"
    codeowners: bool = True

    def matches(self, path: str) -> list[tuple[str, str]]:
        """Return every ``(layer, pattern)`` that protects ``path``."""
        hits = [(layer.name, layer.match(path)) for layer in self.layers]
        return [(name, pattern) for name, pattern in hits if pattern is not None]

    def patterns(self) -> list[tuple[str, str]]:
        """Return every ``(layer, pattern)`` that protects (negations left out)."""
        return [
            (layer.name, p)
            for layer in self.layers
            for p in layer.patterns
            if not p.startswith("!")
        ]


def _layer(name: str, value: Any) -> Layer:
    where = f"[tool.quality-gates.protect] {name}"
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise GateError(f"{where}: expected a list of path patterns")
    patterns = tuple(p.strip() for p in value)
    for pattern in patterns:
        if not pattern or pattern.startswith("#") or pattern == "!":
            raise GateError(f"{where}: {pattern!r} is not a path pattern")
    if not patterns:
        raise GateError(f"{where}: the list of patterns is empty")
    try:
        spec = pathspec.GitIgnoreSpec.from_lines(patterns)
    except (ValueError, TypeError) as exc:
        raise GateError(f"{where}: invalid pattern: {exc}")
    return Layer(name, patterns, spec)


def _option(config: dict[str, Any], key: str, value: Any) -> None:
    where = f"[tool.quality-gates.protect] {key}"
    if key == "codeowners":
        if not isinstance(value, bool):
            raise GateError(f"{where}: expected true or false, got {value!r}")
        config[key] = value
        return
    pattern = _ENV_NAME if key == "approval-env" else _TRAILER
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise GateError(f"{where}: {value!r} is not a valid name")
    config[key] = value


def parse(section: Mapping[str, Any]) -> ProtectConfig:
    """Validate the table; a wrong type or pattern is a GateError naming the key."""
    options: dict[str, Any] = {}
    layers = []
    for key, value in section.items():
        if key in OPTIONS:
            _option(options, key, value)
        else:
            layers.append(_layer(key, value))
    return ProtectConfig(
        layers=tuple(layers),
        approval_env=options.get("approval-env", "QUALITY_GATES_APPROVE"),
        trailer=options.get("trailer", "Protected-change"),
        codeowners=options.get("codeowners", True),
    )


def pattern_line(lines: list[str], pattern: str) -> int:
    """Line of ``pattern`` written as a TOML string in pyproject.toml, else 0."""
    for quoted in (f'"{pattern}"', f"'{pattern}'"):
        for number, line in enumerate(lines, start=1):
            if quoted in line:
                return number
    return 0


def section_line(lines: list[str]) -> int:
    """Line of the ``[tool.quality-gates.protect]`` header, else 1."""
    for number, line in enumerate(lines, start=1):
        if re.match(
            r"\s*\[\s*tool\s*\.\s*\"?quality-gates\"?\s*\.\s*protect\s*\]", line
        ):
            return number
    return 1


def merge(head: ProtectConfig, base: ProtectConfig | None) -> ProtectConfig:
    """Head's and base's layers together; the options of the base when it has any.

    A branch cannot unprotect a path, or rename the trailer or the approval
    variable, for its own review: the base's protection still applies.
    """
    if base is None or not base.layers:
        return head
    patterns: dict[str, list[str]] = {}
    for layer in (*base.layers, *head.layers):
        patterns.setdefault(layer.name, []).extend(layer.patterns)
    merged = parse({name: list(dict.fromkeys(p)) for name, p in patterns.items()})
    return dataclasses.replace(
        merged,
        approval_env=base.approval_env,
        trailer=base.trailer,
        codeowners=base.codeowners or head.codeowners,
    )
