"""What a subcommand hands to the reports: findings, tool runs and a summary."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from quality_gates.findings import Finding


@dataclasses.dataclass
class ToolRun:
    """How one tool ran: version, status (ok, error, skipped), time, files."""

    name: str
    version: str
    status: str = "ok"
    seconds: float = 0.0
    files: int = 0
    cached: int = 0
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the run as a dict without its name (the name is the key)."""
        data = dataclasses.asdict(self)
        del data["name"]
        return data


@dataclasses.dataclass
class RuleInfo:
    """Metadata of a rule for SARIF and reports."""

    id: str
    description: str = ""
    help_uri: str = ""
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Report:
    """Everything a report format renders."""

    command: str
    findings: list[Finding] = dataclasses.field(default_factory=list)
    tools: dict[str, ToolRun] = dataclasses.field(default_factory=dict)
    errors: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    summary: dict[str, Any] = dataclasses.field(default_factory=dict)
    rules: dict[str, dict[str, RuleInfo]] = dataclasses.field(default_factory=dict)
    exit_code: int = 0

    @property
    def failing(self) -> list[Finding]:
        """Findings that fail the gate: new ones when a baseline is in use."""
        return [f for f in self.findings if f.new is not False]

    def counts_by_tool(self) -> dict[str, int]:
        """Count all findings per tool, sorted by tool name."""
        return dict(sorted(Counter(f.tool for f in self.findings).items()))

    def to_dict(self) -> dict[str, Any]:
        """Return the report as the JSON format's document."""
        summary = dict(self.summary)
        return {
            "command": self.command,
            "exit_code": self.exit_code,
            "score": summary.pop("score", None),
            "rating": summary.pop("rating", None),
            "debt_minutes": summary.pop("debt_minutes", None),
            "summary": summary,
            "findings": [f.to_dict() for f in self.findings],
            "tools": {name: run.to_dict() for name, run in sorted(self.tools.items())},
            "errors": list(self.errors),
            "notes": list(self.notes),
        }
