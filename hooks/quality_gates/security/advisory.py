"""The advisory record every source produces, and the smallest upgrade fixing all."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence

from packaging.version import InvalidVersion, Version
from quality_gates.security.deps import Dependency

# GitHub's code-scanning bands: critical >= 9.0, high >= 7.0, medium >= 4.0, low > 0.
LABEL_SCORES = {
    "CRITICAL": "9.5",
    "HIGH": "7.5",
    "MODERATE": "5.5",
    "MEDIUM": "5.5",
    "LOW": "2.5",
}
UNKNOWN_SCORE = "7.5"


@dataclasses.dataclass
class Advisory:
    """One advisory about one package, as a source reported it."""

    id: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    fixed: tuple[str, ...] = ()
    score: str | None = None  # CVSS-like base score as text, e.g. "9.8"
    source: str = ""

    @property
    def names(self) -> set[str]:
        """The id and every alias, upper-cased for matching."""
        return {self.id.upper(), *(a.upper() for a in self.aliases)}

    def to_dict(self) -> dict[str, object]:
        """Return the advisory as JSON-ready data."""
        return {
            "id": self.id,
            "aliases": list(self.aliases),
            "summary": self.summary,
            "fixed_versions": list(self.fixed),
            "security_severity": self.score or UNKNOWN_SCORE,
            "severity_known": self.score is not None,
            "source": self.source,
        }


@dataclasses.dataclass
class Vulnerable:
    """A dependency with the advisories that apply to its installed version."""

    dependency: Dependency
    advisories: list[Advisory]
    upgrade: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the vulnerable dependency as JSON-ready data."""
        dep = self.dependency
        return {
            "name": dep.name,
            "installed": dep.version,
            "declared_in": f"{dep.source}:{dep.line}" if dep.line else dep.source,
            "advisories": [a.to_dict() for a in self.advisories],
            "smallest_fix": self.upgrade,
        }


def parse_version(text: str) -> Version | None:
    """Parse a PEP 440 version; None when it is not one."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


def merge(advisories: Iterable[Advisory]) -> list[Advisory]:
    """One advisory per vulnerability: records sharing an id or alias are merged."""
    merged: list[Advisory] = []
    for adv in advisories:
        same = next((m for m in merged if m.names & adv.names), None)
        if same is None:
            merged.append(dataclasses.replace(adv))
            continue
        extra = [a for a in (adv.id, *adv.aliases) if a.upper() not in same.names]
        same.aliases = tuple(sorted({*same.aliases, *extra}))
        same.fixed = tuple(sorted({*same.fixed, *adv.fixed}, key=_version_key))
        same.summary = same.summary or adv.summary
        same.score = same.score or adv.score
        if adv.source not in same.source.split(","):
            same.source = f"{same.source},{adv.source}"
    return merged


def _version_key(text: str) -> tuple[int, Version | str]:
    parsed = parse_version(text)
    return (0, parsed) if parsed is not None else (1, text)


def smallest_upgrade(
    installed: str,
    advisories: Sequence[Advisory],
    *,
    affected: Callable[[Version], bool] | None = None,
) -> str | None:
    """Find the lowest version above ``installed`` that fixes every advisory.

    With ``affected`` (the offline matcher, which knows every range of every
    advisory on the package) each fixed version is tried in order and the
    first one no advisory affects wins, so an upgrade never lands inside
    another advisory's range.  Without it (a source that reports only fixed
    versions) it is the highest of each advisory's lowest fix above
    ``installed``.  Final releases are preferred to pre-releases unless the
    installed version is itself a pre-release.
    """
    current = parse_version(installed)
    if current is None or not advisories:
        return None
    if affected is not None:
        every = _above(current, (f for a in advisories for f in a.fixed))
        return next((str(v) for v in every if not affected(v)), None)
    needed: list[Version] = []
    for adv in advisories:
        own = _above(current, adv.fixed)
        if not own:
            return None
        needed.append(own[0])
    return str(max(needed))


def _above(current: Version, texts: Iterable[str]) -> list[Version]:
    """Versions above ``current``, ascending; finals only when there are some."""
    above = sorted({v for v in _parsed(texts) if v > current})
    if not current.is_prerelease and any(not v.is_prerelease for v in above):
        above = [v for v in above if not v.is_prerelease]
    return above


def _parsed(texts: Iterable[str]) -> set[Version]:
    return {v for t in texts if (v := parse_version(t)) is not None}


_WEIGHTS = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "C": {"H": 0.56, "L": 0.22, "N": 0.0},
}
_PRIVILEGES = {
    "U": {"N": 0.85, "L": 0.62, "H": 0.27},
    "C": {"N": 0.85, "L": 0.68, "H": 0.5},
}


def _roundup(value: float) -> float:
    """CVSS 3.1 Roundup: the smallest one-decimal number >= value."""
    integer = round(value * 100000)
    if integer % 10000 == 0:
        return integer / 100000.0
    return (math.floor(integer / 10000) + 1) / 10.0


def cvss3_score(vector: str) -> str | None:
    """Compute the CVSS v3.x base score of a vector (``CVSS:3.1/AV:N/...``)."""
    if not vector.startswith("CVSS:3."):
        return None
    try:
        metrics = dict(part.split(":", 1) for part in vector.split("/")[1:])
        scope = metrics["S"]
        cia = [_WEIGHTS["C"][metrics[k]] for k in ("C", "I", "A")]
        exploitability = (
            8.22
            * _WEIGHTS["AV"][metrics["AV"]]
            * _WEIGHTS["AC"][metrics["AC"]]
            * _PRIVILEGES[scope][metrics["PR"]]
            * _WEIGHTS["UI"][metrics["UI"]]
        )
    except (KeyError, ValueError):
        return None
    iss = 1 - (1 - cia[0]) * (1 - cia[1]) * (1 - cia[2])
    if scope == "U":
        impact = 6.42 * iss
    else:
        impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
    if impact <= 0:
        return "0.0"
    total = (
        impact + exploitability if scope == "U" else 1.08 * (impact + exploitability)
    )
    return f"{_roundup(min(total, 10.0)):.1f}"


def score_of(label: str | None) -> str | None:
    """Turn a label such as GitHub's ``HIGH`` or ``MODERATE`` into a score."""
    return LABEL_SCORES.get((label or "").upper())
