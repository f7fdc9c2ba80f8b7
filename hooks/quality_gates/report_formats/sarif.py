"""SARIF 2.1.0: one run per tool, with its version and rule metadata."""

from __future__ import annotations

import json
from typing import Any

from quality_gates import __version__
from quality_gates.escape import actions_log, sarif_uri
from quality_gates.findings import Finding
from quality_gates.report import Report, RuleInfo, ToolRun

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rule(
    rule_id: str, info: RuleInfo | None, example: Finding | None
) -> dict[str, Any]:
    text = (info.description if info else "") or (
        example.message if example else rule_id
    )
    rule: dict[str, Any] = {"id": rule_id, "shortDescription": {"text": text}}
    if info and info.help_uri:
        rule["helpUri"] = info.help_uri
    if info and info.extra.get("help"):
        rule["help"] = {"text": str(info.extra["help"])}
    if info and info.extra.get("properties"):
        rule["properties"] = info.extra["properties"]
    if example is not None:
        rule["defaultConfiguration"] = {
            "level": _LEVEL.get(example.severity, "warning")
        }
    return rule


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(finding.line, 1)}
    if finding.column > 0:
        region["startColumn"] = finding.column
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL.get(finding.severity, "warning"),
        "message": {"text": finding.message or finding.rule},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": sarif_uri.from_path(finding.path),
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"qualityGates/v1": finding.fingerprint},
    }
    if finding.new is not None:
        result["baselineState"] = "new" if finding.new else "unchanged"
    return result


def _run(
    tool: str, run: ToolRun | None, findings: list[Finding], report: Report
) -> dict[str, Any]:
    infos = report.rules.get(tool, {})
    examples: dict[str, Finding] = {}
    for f in findings:
        examples.setdefault(f.rule, f)
    rule_ids = sorted(set(examples) | set(infos))
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    driver: dict[str, Any] = {
        "name": tool,
        "version": (run.version if run else "") or "unknown",
        "rules": [_rule(r, infos.get(r), examples.get(r)) for r in rule_ids],
    }
    if run is not None and run.uri:
        driver["informationUri"] = run.uri
    return {
        "tool": {"driver": driver},
        "invocations": [_invocation(tool, report)],
        "automationDetails": {"id": f"quality-gates/{report.command}/{tool}/"},
        "results": [_result(f, index[f.rule]) for f in findings],
        "properties": {"qualityGatesVersion": __version__},
    }


def _invocation(tool: str, report: Report) -> dict[str, Any]:
    """Say whether the tool ran, and its error when it did not.

    A failed tool is never reported as a clean run.
    """
    run = report.tools.get(tool)
    failed = run is not None and run.status not in ("ok", "skipped")
    invocation: dict[str, Any] = {"executionSuccessful": not failed}
    if failed and run is not None:
        message = run.message or f"{tool}: {run.status}"
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": message}}
        ]
    return invocation


def render(report: Report) -> str:
    """Render one SARIF 2.1.0 run per tool, including tools without findings."""
    by_tool: dict[str, list[Finding]] = {name: [] for name in report.tools}
    for f in report.findings:
        by_tool.setdefault(f.tool, []).append(f)
    runs = []
    for tool in sorted(by_tool):
        runs.append(_run(tool, report.tools.get(tool), by_tool[tool], report))
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": runs}
    return actions_log.inert_json(json.dumps(doc, indent=2, sort_keys=True)) + "\n"
