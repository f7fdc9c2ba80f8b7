"""What a subcommand hands to the reports: findings, tool runs and a summary."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from quality_gates.errors import GateError
from quality_gates.findings import Finding
from quality_gates.score import Score, format_debt


@dataclasses.dataclass(frozen=True)
class ToolRun:
    """How one tool ran: version, status (ok, error, skipped), time, files."""

    name: str
    version: str
    status: str = "ok"
    seconds: float = 0.0
    files: int = 0
    cached: int = 0
    message: str = ""
    # the tool's documentation (its adapter's ``uri``): SARIF's informationUri
    uri: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the run as a dict without its name (the name is the key)."""
        data = dataclasses.asdict(self)
        del data["name"]
        if not data["uri"]:
            del data["uri"]  # a check of the suite's own (coverage, docs)
        return data


@dataclasses.dataclass
class RuleInfo:
    """Metadata of a rule for SARIF and reports."""

    id: str
    description: str = ""
    help_uri: str = ""
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class BaselineCounts:
    """The baseline's counts; a count is ``None`` when no baseline is in use."""

    baselined: int | None = None
    fixed: int | None = None


# the JSON types of the typed summary fields (a float field takes an int too)
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "files": (int,),
    "findings": (int,),
    "fixed_files": (int,),
    "score": (int, float),
    "rating": (str,),
    "debt_minutes": (int,),
    "debt": (str,),
    "lines_of_code": (int,),
    "debt_ratio": (int, float),
    "cost_per_line": (int, float),
    "by_tool": (dict,),
    "top_rules": (list,),
    "split": (dict,),
    "test_files": (str,),
    "new": (int,),
    "outside_diff": (int,),
    "percent": (int, float),
    "threshold_failures": (list,),
    "threshold_warnings": (list,),
    "reasons": (list,),
}


@dataclasses.dataclass
class Summary:
    """What a report says besides its findings; ``None`` means "does not apply".

    The fields are what the gates share and what code reads back.  ``details``
    holds a command's own facts that only the JSON format shows (security's
    vulnerable packages, import-time's runs, docs-check's site, ...).
    """

    files: int | None = None  # files checked
    findings: int | None = None
    fixed_files: int | None = None  # files that run --fix changed
    score: float | None = None
    rating: str | None = None
    debt_minutes: int | None = None
    debt: str | None = None
    lines_of_code: int | None = None
    debt_ratio: float | None = None
    cost_per_line: float | None = None
    by_tool: dict[str, dict[str, int]] | None = None
    top_rules: list[dict[str, Any]] | None = None
    # "tests" and "rest": files, lines_of_code, findings, debt_minutes
    split: dict[str, dict[str, int]] | None = None
    test_files: str | None = None  # which files are tests; what is left out there
    baseline: BaselineCounts | None = None  # None: the command keeps no baseline
    outside_diff: int | None = None  # findings off the changed lines
    new: int | None = None  # findings that fail (new ones with a baseline)
    percent: float | None = None  # total coverage, in %
    threshold_failures: list[str] | None = None
    # thresholds missed in changed-code mode, where they do not fail the gate
    threshold_warnings: list[str] | None = None
    reasons: list[str] | None = None  # why the verdict is what it is
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    def set_score(self, result: Score) -> None:
        """Take the score, rating, debt and what they are computed from."""
        self.score, self.rating = result.score, result.rating
        self.debt_minutes, self.debt = result.debt_minutes, format_debt(
            result.debt_minutes
        )
        self.lines_of_code = result.lines_of_code
        self.debt_ratio = round(result.ratio, 6)
        self.cost_per_line = result.cost_per_line
        self.by_tool, self.top_rules = result.by_tool, result.top_rules

    def to_dict(self) -> dict[str, Any]:
        """Return the fields that apply, then the details, as the JSON's summary."""
        data: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, BaselineCounts):
                data.update(dataclasses.asdict(value))
            elif value is not None and field.name != "details":
                data[field.name] = value
        data.update(self.details)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        """Read a JSON summary back; a typed field of the wrong type is an error."""
        summary = cls()
        for key, value in data.items():
            if key in ("baselined", "fixed"):
                summary.baseline = summary.baseline or BaselineCounts()
                setattr(summary.baseline, key, _typed(key, value, (int,)))
            elif key in _JSON_TYPES:
                setattr(summary, key, _typed(key, value, _JSON_TYPES[key]))
            else:
                summary.details[key] = value
        return summary


def _typed(key: str, value: object, types: tuple[type, ...]) -> Any:
    if value is None or (isinstance(value, types) and not isinstance(value, bool)):
        return value
    raise GateError(f"summary {key}: expected {types[0].__name__}, got {value!r}")


@dataclasses.dataclass
class Report:
    """Everything a report format renders."""

    command: str
    findings: list[Finding] = dataclasses.field(default_factory=list)
    tools: dict[str, ToolRun] = dataclasses.field(default_factory=dict)
    errors: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    summary: Summary = dataclasses.field(default_factory=Summary)
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
        summary = self.summary.to_dict()
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
