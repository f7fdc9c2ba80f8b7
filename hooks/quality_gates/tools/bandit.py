"""bandit: security findings from its JSON report."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from quality_gates.errors import GateError
from quality_gates.findings import Finding
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    ToolCrashed,
    pyproject_tool,
    read_ini,
    register,
    tool_error,
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
        """Point bandit at the project's config file, which it does not find itself.

        An ``output`` in ``.bandit`` would send the report to a file (bandit
        1.9 crashes on it): the report goes to standard output, where it is read.
        """
        own = self.own_config(ctx)
        if own == ".bandit":
            ini = read_ini(ctx.root / ".bandit")
            output = ini.has_option("bandit", "output")
            return [
                "--ini",
                ".bandit",
                *(["--output", "/dev/stdout"] if output else []),
            ]
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
        """Read the JSON report, with the files and lines bandit could not check.

        A file bandit skipped (its ``errors``) and a check that raised on one
        line (logged as an internal error, with a traceback) are findings of
        their own; every other result is kept.
        """
        try:
            data = json.loads(proc.stdout)
            results, errors = data["results"], data["errors"]
        except (ValueError, KeyError, TypeError) as exc:
            proc.crash(self.name, (0, 1))
            raise ToolCrashed(
                f"bandit: unreadable JSON report ({exc}): {proc.detail()}"
            )
        if proc.returncode not in (0, 1):
            proc.crash(self.name, (0, 1))
        findings = [_result(item) for item in results]
        for error in errors:
            path = str(error.get("filename", "")).removeprefix("./")
            findings.append(
                tool_error(
                    self.name,
                    path,
                    f"bandit could not check this file: {error.get('reason')}",
                )
            )
        findings += _internal_errors(proc.stderr)
        return findings


def _result(item: dict[str, Any]) -> Finding:
    return Finding(
        tool="bandit",
        rule=str(item["test_id"]),
        severity=SEVERITY.get(str(item["issue_severity"]).upper(), "warning"),
        path=str(item["filename"]).removeprefix("./"),
        line=int(item["line_number"]),
        column=int(item.get("col_offset", 0)) + 1,
        message=f"{item['issue_text']} (severity {item['issue_severity']}, "
        f"confidence {item['issue_confidence']}; {item['test_name']})",
    )


_INTERNAL = re.compile(
    r"Bandit internal error running: (\S+) on file (.+?) at line (\d+): "
    r"(.*?)(?:Traceback \(most recent call last\):|$)"
)


def _internal_errors(stderr: str) -> list[Finding]:
    """Make a finding of each check that raised on one line (the others ran)."""
    found = []
    for m in _INTERNAL.finditer(stderr):
        test, path, line, error = m.groups()
        found.append(
            tool_error(
                "bandit",
                path.removeprefix("./"),
                f"bandit's check {test} raised on this line "
                f"({error.strip() or 'no message'}); "
                "its other checks ran. Report it to bandit, or skip the check "
                "here with `# nosec`",
                int(line),
            )
        )
    return found
