"""bandit: security findings from its JSON report."""

from __future__ import annotations

import json
from collections.abc import Sequence

from quality_gates.errors import GateError
from quality_gates.findings import Finding
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    ToolCrashed,
    pyproject_tool,
    register,
)

SEVERITY = {"HIGH": "error", "MEDIUM": "error", "LOW": "warning"}
LEVELS = ("low", "medium", "high")
THRESHOLDS = {
    "severity-threshold": "--severity-level",
    "confidence-threshold": "--confidence-level",
}


def thresholds(ctx: Context) -> dict[str, str]:
    """Read the thresholds of ``[tool.quality-gates.security]`` (default: low)."""
    section = ctx.config.section("security")
    chosen = {}
    for key in THRESHOLDS:
        value = section.get(key, "low")
        if value not in LEVELS:
            raise GateError(
                f"[tool.quality-gates.security] {key}: {value!r} is not one of "
                + ", ".join(LEVELS)
            )
        chosen[key] = str(value)
    return chosen


@register
class Bandit(Adapter):
    """bandit's security checks, at the thresholds of the security config."""

    name = "bandit"
    distribution = "bandit"
    module = "bandit"
    cost = 5.5

    def own_config(self, ctx: Context) -> str | None:
        """Name ``[tool.bandit]`` in pyproject.toml, else a ``.bandit`` file."""
        if pyproject_tool(ctx, "bandit"):
            return "pyproject.toml [tool.bandit]"
        if (ctx.root / ".bandit").is_file():
            return ".bandit"
        return None

    def settings(self, ctx: Context) -> list[str]:
        """Point bandit at the project's config file, which it does not find itself."""
        own = self.own_config(ctx)
        if own == ".bandit":
            return ["--ini", ".bandit"]
        if own:
            return ["--configfile", "pyproject.toml"]
        return []

    def check_args(self, ctx: Context) -> list[str]:
        """Ask for a JSON report, with the severity and confidence thresholds."""
        levels = [
            arg
            for key, value in thresholds(ctx).items()
            if value != "low"  # bandit's default: report every level
            for arg in (THRESHOLDS[key], value)
        ]
        return ["--format", "json", "--quiet", *self.settings(ctx), *levels]

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        """Read the JSON report; a file bandit could not scan is a tool error."""
        proc.crash(self.name, (0, 1))
        try:
            data = json.loads(proc.stdout)
            results, errors = data["results"], data["errors"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ToolCrashed(
                f"bandit: unreadable JSON report ({exc}): {proc.stderr.strip()[:200]}"
            )
        if errors:
            first = errors[0]
            raise ToolCrashed(f"bandit: {first.get('filename')}: {first.get('reason')}")
        findings = []
        for item in results:
            findings.append(
                Finding(
                    tool=self.name,
                    rule=str(item["test_id"]),
                    severity=SEVERITY.get(
                        str(item["issue_severity"]).upper(), "warning"
                    ),
                    path=str(item["filename"]).removeprefix("./"),
                    line=int(item["line_number"]),
                    column=int(item.get("col_offset", 0)) + 1,
                    message=f"{item['issue_text']} (severity {item['issue_severity']}, "
                    f"confidence {item['issue_confidence']}; {item['test_name']})",
                )
            )
        return findings
