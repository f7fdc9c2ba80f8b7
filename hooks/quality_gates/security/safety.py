"""Safety's commercial database, when ``SAFETY_API_KEY`` is set (optional extra).

safety 3 probes its platform at start-up and fails without network or a
valid key; every such failure becomes one clear line and exit 2, never a
traceback and never a pass.  Install with ``pip install 'quality-gates[safety]'``.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import subprocess  # nosec B404 - safety runs with an argument list, never a shell
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

KEY_VAR = "SAFETY_API_KEY"
OFFLINE = "unset SAFETY_API_KEY to skip safety, and work offline with --vuln-db PATH"
EXIT_OK, EXIT_FOUND = 0, 64
_MEANING = {
    65: "the API key was refused",
    66: "too many requests",
    68: "cannot fetch its vulnerability database",
    69: "its vulnerability database is malformed",
}


def api_key() -> str | None:
    """Return the key from the environment; an empty value counts as unset."""
    value = os.environ.get(KEY_VAR, "").strip()
    return value or None


def installed() -> bool:
    """Tell whether the optional safety extra is installed."""
    return importlib.util.find_spec("safety") is not None


def version() -> str:
    """Return the version of safety; a GateError naming the extra if missing."""
    if not installed():
        raise GateError(
            f"{KEY_VAR} is set but safety is not installed: "
            "pip install 'quality-gates[safety]', or unset the key"
        )
    return importlib.metadata.version("safety")


def run(deps: Sequence[Dependency], *, timeout: int = 120) -> dict[str, Any]:
    """Run safety on ``deps`` and return its JSON report; failures are GateErrors."""
    version()
    with tempfile.TemporaryDirectory(prefix="qg-safety-") as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text(
            "".join(f"{d.name}=={d.version}\n" for d in deps), encoding="utf-8"
        )
        cmd = [sys.executable, "-W", "ignore", "-m", "safety", "check"]
        cmd += ["--file", str(req), "--output", "json"]
        try:
            proc = processes.run(cmd, cwd=tmp, env=tool_environment(), timeout=timeout)
        except subprocess.TimeoutExpired:
            raise GateError(f"safety did not answer within {timeout}s; {OFFLINE}")
    return parse_output(proc.returncode, proc.stdout, proc.stderr)


def parse_output(code: int, stdout: str, stderr: str) -> dict[str, Any]:
    """Read ``safety check --output json``; every failure is one clear line."""
    if (
        code not in (EXIT_OK, EXIT_FOUND)
        or "Traceback (most recent call last)" in stderr
    ):
        lines = [ln.strip() for ln in (stderr or stdout).splitlines() if ln.strip()]
        detail = _MEANING.get(code) or (
            lines[-1][:300] if lines else f"exit code {code}"
        )
        raise GateError(
            f"safety failed (exit {code}): {detail}; safety needs network and a valid "
            f"{KEY_VAR}; {OFFLINE}"
        )
    try:
        start = stdout.index("{")
        data = json.loads(stdout[start:])
        if not isinstance(data.get("vulnerabilities"), list):
            raise ValueError("no 'vulnerabilities' list")
    except (ValueError, AttributeError) as exc:
        raise GateError(f"safety: unreadable JSON report ({exc}); {OFFLINE}")
    return dict(data)


def _score(vuln: dict[str, Any]) -> str | None:
    severity = vuln.get("severity")
    if not isinstance(severity, dict):
        return None
    for key in ("cvssv3", "cvssv2"):
        block = severity.get(key)
        if isinstance(block, dict) and isinstance(
            block.get("base_score"), (int, float)
        ):
            return f"{float(block['base_score']):.1f}"
    return None


def advisories(
    report: dict[str, Any], deps: Sequence[Dependency]
) -> dict[Dependency, tuple[list[Advisory], str | None]]:
    """Advisories per dependency from safety's report."""
    from packaging.utils import canonicalize_name

    by_key = {d.key: d for d in deps}
    grouped: dict[Dependency, list[Advisory]] = {}
    for vuln in report["vulnerabilities"]:
        if not isinstance(vuln, dict) or vuln.get("ignored"):
            continue
        dep = by_key.get(canonicalize_name(str(vuln.get("package_name", ""))))
        if dep is None:
            continue
        cve = vuln.get("CVE")
        grouped.setdefault(dep, []).append(
            Advisory(
                id=str(vuln.get("vulnerability_id", "unknown")),
                aliases=(str(cve),) if cve else (),
                summary=" ".join(str(vuln.get("advisory") or "").split()),
                fixed=tuple(str(v) for v in vuln.get("fixed_versions") or []),
                score=_score(vuln),
                source="safety",
            )
        )
    return {
        dep: (advs, smallest_upgrade(dep.version, advs))
        for dep, advs in grouped.items()
    }
