"""``[tool.quality-gates.security]`` merged with the command line."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from quality_gates.config import Config
from quality_gates.errors import GateError

LEVELS = ("low", "medium", "high")
KEYS = (
    "severity-threshold",
    "confidence-threshold",
    "vuln-db",
    "osv-url",
    "requirements",
)
# the lowest advisory score each threshold lets fail the gate (GitHub's bands)
MIN_SCORE = {"low": 0.0, "medium": 4.0, "high": 7.0}


@dataclasses.dataclass
class Settings:
    """What the security gate checks, and against what."""

    severity_threshold: str = "low"
    confidence_threshold: str = "low"
    vuln_db: str | None = None
    osv_url: str | None = None
    requirements: tuple[str, ...] = ()


def _level(key: str, value: Any) -> str:
    if value not in LEVELS:
        raise GateError(
            f"[tool.quality-gates.security] {key}: {value!r} is not one of "
            + ", ".join(LEVELS)
        )
    return str(value)


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise GateError(
            f"[tool.quality-gates.security] {key}: expected a non-empty string"
        )
    return value


def from_config(section: dict[str, Any], root: Path) -> Settings:
    """Validate the sub-table; paths in it are relative to the project ``root``."""
    unknown = sorted(set(section) - set(KEYS))
    if unknown:
        raise GateError(
            f"[tool.quality-gates.security] unknown key {unknown[0]!r}; use "
            + ", ".join(KEYS)
        )
    settings = Settings()
    if "severity-threshold" in section:
        settings.severity_threshold = _level(
            "severity-threshold", section["severity-threshold"]
        )
    if "confidence-threshold" in section:
        settings.confidence_threshold = _level(
            "confidence-threshold", section["confidence-threshold"]
        )
    if "vuln-db" in section:
        settings.vuln_db = str(root / _text("vuln-db", section["vuln-db"]))
    if "osv-url" in section:
        settings.osv_url = _text("osv-url", section["osv-url"])
    if "requirements" in section:
        value = section["requirements"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise GateError(
                "[tool.quality-gates.security] requirements: expected a list of paths"
            )
        settings.requirements = tuple(str(root / v) for v in value)
    return settings


def merge(settings: Settings, **options: Any) -> Settings:
    """Command-line options (None: not given) override the config."""
    given = {k: v for k, v in options.items() if v not in (None, [], ())}
    if "requirements" in given:
        given["requirements"] = tuple(given["requirements"])
    return dataclasses.replace(settings, **given)


def with_thresholds(config: Config, settings: Settings) -> Config:
    """Return the config for the bandit adapter, with the effective thresholds."""
    section = dict(config.section("security"))
    section["severity-threshold"] = settings.severity_threshold
    section["confidence-threshold"] = settings.confidence_threshold
    return dataclasses.replace(config, raw={**config.raw, "security": section})
