"""Ask the advisory sources about the dependencies and merge what they say."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from packaging.version import Version
from quality_gates.security import pip_audit, safety
from quality_gates.security.advisory import Advisory, Vulnerable, merge
from quality_gates.security.deps import Dependency
from quality_gates.security.osv_db import VulnDB

PerDependency = dict[Dependency, tuple[list[Advisory], str | None]]


@dataclasses.dataclass
class Audit:
    """What the sources found, and how each ran."""

    vulnerable: list[Vulnerable] = dataclasses.field(default_factory=list)
    sources: list[str] = dataclasses.field(default_factory=list)
    versions: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0


def offline(deps: Sequence[Dependency], path: Path) -> tuple[PerDependency, str]:
    """Match ``deps`` against the OSV records at ``path``."""
    db = VulnDB.load(path)
    found = {}
    for dep in deps:
        advisories, upgrade = db.audit(dep)
        if advisories:
            found[dep] = (advisories, upgrade)
    return found, f"vuln-db {path} ({db.records} OSV records)"


def online(
    deps: Sequence[Dependency], url: str, notes: list[str]
) -> tuple[PerDependency, str]:
    """Ask OSV at ``url`` about ``deps`` through pip-audit."""
    report = pip_audit.run(deps, url=url)
    found, skipped = pip_audit.advisories(report, deps)
    notes.extend(f"pip-audit skipped {item}" for item in skipped)
    return found, f"pip-audit {pip_audit.version()} (OSV at {url})"


def _combine(results: Sequence[PerDependency]) -> list[Vulnerable]:
    """Merge advisories per dependency; the upgrade must satisfy every source."""
    deps = sorted({d for r in results for d in r}, key=lambda d: (d.key, d.version))
    out = []
    for dep in deps:
        parts = [r[dep] for r in results if dep in r]
        advisories = merge(a for advs, _ in parts for a in advs)
        upgrades = [u for _, u in parts]
        upgrade = None
        if all(u is not None for u in upgrades):
            upgrade = str(max(Version(str(u)) for u in upgrades))
        out.append(Vulnerable(dep, advisories, upgrade))
    return out


def run(
    deps: Sequence[Dependency],
    *,
    vuln_db: str | None,
    osv_url: str | None,
    progress: Callable[[str], None],
) -> Audit:
    """Audit ``deps`` with the offline database or pip-audit, plus safety if keyed."""
    audit = Audit()
    start = time.perf_counter()
    results: list[PerDependency] = []
    if vuln_db:
        progress(f"auditing {len(deps)} dependencies against {vuln_db}")
        found, described = offline(deps, Path(vuln_db))
    else:
        url = pip_audit.osv_url(osv_url)
        progress(f"auditing {len(deps)} dependencies with pip-audit (OSV at {url})")
        found, described = online(deps, url, audit.notes)
    results.append(found)
    audit.sources.append(described)
    audit.versions.append(described.split(" (")[0])
    if safety.api_key() is None and safety.installed():
        audit.notes.append(
            "safety is installed but SAFETY_API_KEY is not set: safety's database was "
            "not used"
        )
    if safety.api_key():
        progress(f"auditing {len(deps)} dependencies with safety")
        results.append(safety.advisories(safety.run(deps), deps))
        audit.sources.append(f"safety {safety.version()}")
        audit.versions.append(f"safety {safety.version()}")
    audit.vulnerable = _combine(results)
    audit.seconds = time.perf_counter() - start
    return audit
