"""Online advisories: pip-audit against OSV's query API, run as a subprocess.

The dependencies are handed to pip-audit as exact pins (``--no-deps
--disable-pip``), so pip-audit resolves nothing and asks OSV only about the
versions we found.  ``--osv-url`` (or ``PIP_AUDIT_OSV_URL``) points it at a
mirror of OSV's ``/v1/query`` endpoint.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from quality_gates import processes
from quality_gates.errors import GateError
from quality_gates.security.advisory import Advisory, smallest_upgrade
from quality_gates.security.deps import Dependency
from quality_gates.tool_env import tool_environment

DEFAULT_OSV_URL = "https://api.osv.dev/v1/query"
OFFLINE = "work offline with --vuln-db PATH (a folder or zip of OSV records)"
# what the network failure was, from the words of the traceback's last line
_NETWORK = (
    ("Connection refused", "connection refused"),
    ("Failed to resolve", "cannot resolve the host name"),
    ("Name or service not known", "cannot resolve the host name"),
    ("Temporary failure in name resolution", "cannot resolve the host name"),
    ("Network is unreachable", "network is unreachable"),
    ("ConnectTimeout", "connection timed out"),
    ("ReadTimeout", "no answer in time"),
    ("ConnectionError", "connection failed"),
)


def osv_url(option: str | None) -> str:
    """Return the OSV query URL: the option, the env var, or OSV's own."""
    return option or os.environ.get("PIP_AUDIT_OSV_URL") or DEFAULT_OSV_URL


def command(requirements: Path, url: str, cache: Path, timeout: int) -> list[str]:
    """Build the pip-audit command line."""
    return [
        sys.executable,
        "-m",
        "pip_audit",
        "--format",
        "json",
        "--vulnerability-service",
        "osv",
        "--osv-url",
        url,
        "--requirement",
        str(requirements),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--desc",
        "on",
        "--aliases",
        "on",
        "--cache-dir",
        str(cache),
        "--timeout",
        str(timeout),
    ]


def version() -> str:
    """Return pip-audit's version; a GateError when it is missing."""
    import importlib.metadata

    try:
        return importlib.metadata.version("pip-audit")
    except importlib.metadata.PackageNotFoundError:
        raise GateError(
            "pip-audit is not installed: `pip install 'quality-gates[audit]'` (the "
            "dependency-audit hook has it), or audit offline with --vuln-db PATH"
        )


def run(deps: Sequence[Dependency], *, url: str, timeout: int = 30) -> dict[str, Any]:
    """pip-audit's JSON report for ``deps``; any failure is a GateError naming OSV."""
    version()
    with tempfile.TemporaryDirectory(prefix="qg-pip-audit-") as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text(
            "".join(f"{d.name}=={d.version}\n" for d in deps), encoding="utf-8"
        )
        # in a process group of its own: stopped with the run, pip included
        proc = processes.run(
            command(req, url, Path(tmp) / "cache", timeout),
            cwd=tmp,
            env=tool_environment(),
        )
    return parse_output(proc.returncode, proc.stdout, proc.stderr, url=url)


def _failure(stderr: str, url: str, code: int) -> GateError:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    detail = lines[-1] if lines else f"exit code {code}, no message"
    if len(detail) > 300:
        detail = detail[:300] + "..."
    reason = next((why for word, why in _NETWORK if word in detail), None)
    if reason:
        return GateError(
            f"pip-audit could not reach OSV at {url} ({reason}); {OFFLINE}"
        )
    return GateError(f"pip-audit failed querying OSV at {url} ({detail}); {OFFLINE}")


def parse_output(code: int, stdout: str, stderr: str, *, url: str) -> dict[str, Any]:
    """Read pip-audit's JSON: exit 0 clean, 1 vulnerable, anything else an error."""
    if code not in (0, 1) or "Traceback (most recent call last)" in stderr:
        raise _failure(stderr, url, code)
    try:
        data = json.loads(stdout)
        if not isinstance(data.get("dependencies"), list):
            raise ValueError("no 'dependencies' list")
    except (ValueError, AttributeError) as exc:
        if code == 1:
            raise _failure(stderr, url, code)
        raise GateError(f"pip-audit: unreadable JSON report ({exc}); {OFFLINE}")
    return dict(data)


def advisories(
    report: dict[str, Any], deps: Sequence[Dependency]
) -> tuple[dict[Dependency, tuple[list[Advisory], str | None]], list[str]]:
    """Advisories per dependency from pip-audit's report, and what it skipped."""
    by_key = {(d.key, d.version): d for d in deps}
    found: dict[Dependency, tuple[list[Advisory], str | None]] = {}
    skipped: list[str] = []
    for item in report["dependencies"]:
        if not isinstance(item, dict):
            continue
        if item.get("skip_reason"):
            skipped.append(f"{item.get('name')}: {item['skip_reason']}")
            continue
        dep = _find(by_key, str(item.get("name", "")), str(item.get("version", "")))
        vulns = [_advisory(v) for v in item.get("vulns") or [] if isinstance(v, dict)]
        if dep is not None and vulns:
            found[dep] = (vulns, smallest_upgrade(dep.version, vulns))
    return found, skipped


def _find(
    by_key: dict[tuple[str, str], Dependency], name: str, version: str
) -> Dependency | None:
    from packaging.utils import canonicalize_name

    key = canonicalize_name(name)
    if (key, version) in by_key:
        return by_key[(key, version)]
    return next((d for (k, _), d in by_key.items() if k == key), None)


def _advisory(vuln: dict[str, Any]) -> Advisory:
    return Advisory(
        id=str(vuln.get("id", "unknown")),
        aliases=tuple(str(a) for a in vuln.get("aliases") or []),
        summary=" ".join(str(vuln.get("description") or "").split()),
        fixed=tuple(str(f) for f in vuln.get("fix_versions") or []),
        source="pip-audit",
    )
