"""Every report format, on a hand-built report and on a real run; SARIF against the official schema."""

from __future__ import annotations

import dataclasses
import json
import random

import pytest
from conftest import InProcess, Project, validate_sarif
from quality_gates.findings import Finding, fingerprint_findings
from quality_gates.report import Report, RuleInfo, ToolRun
from quality_gates.report_formats import (
    FORMATS,
    github,
    json_report,
    markdown,
    sarif,
    text,
)
from quality_gates.tools import get


@pytest.fixture
def report() -> Report:
    findings = fingerprint_findings(
        [
            Finding(
                "flake8",
                "E501",
                "warning",
                "pkg/a.py",
                3,
                89,
                "line too long (99 > 88 characters)",
            ),
            Finding(
                "mypy",
                "arg-type",
                "error",
                "pkg/a.py",
                5,
                7,
                'Argument 1 has type "str"; expected "int"',
            ),
            Finding(
                "bandit",
                "B602",
                "error",
                "pkg/b,c.py",
                2,
                1,
                "shell=True: 100% risky\nsecond line",
            ),
        ],
        {"pkg/a.py": ["", "", "x = 1", "", "f('a')"], "pkg/b,c.py": ["", "call()"]},
    )
    findings[0].new = False
    return Report(
        command="run",
        findings=findings,
        tools={
            name: ToolRun(name, "1.0") for name in ("flake8", "mypy", "bandit", "black")
        },
        rules={
            "bandit": {
                "B602": RuleInfo(
                    "B602",
                    "subprocess with shell=True",
                    "https://bandit.readthedocs.io/",
                    {
                        "help": "Avoid shell=True.",
                        "properties": {"security-severity": "8.0"},
                    },
                )
            }
        },
        exit_code=1,
    )


def test_text_is_one_line_per_finding_then_counts(report: Report) -> None:
    out = text.render(report).splitlines()
    assert (
        out[0]
        == "pkg/a.py:3:89: flake8 E501 line too long (99 > 88 characters) [not new]"
    )
    assert (
        out[1]
        == 'pkg/a.py:5:7: mypy arg-type Argument 1 has type "str"; expected "int"'
    )
    assert "3 finding(s): bandit 1, flake8 1, mypy 1" in out
    assert out[-1] == "run: failed"


def test_sarif_validates_and_has_one_run_per_tool(report: Report) -> None:
    doc = json.loads(sarif.render(report))
    validate_sarif(doc)
    runs = {run["tool"]["driver"]["name"]: run for run in doc["runs"]}
    assert set(runs) == {"bandit", "black", "flake8", "mypy"}
    assert runs["black"]["results"] == []
    assert runs["black"]["invocations"] == [{"executionSuccessful": True}]
    assert all(run["tool"]["driver"]["version"] == "1.0" for run in runs.values())
    (result,) = runs["bandit"]["results"]
    rule = runs["bandit"]["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["id"] == "B602" and rule["properties"]["security-severity"] == "8.0"
    assert rule["help"]["text"] == "Avoid shell=True."
    assert (
        result["partialFingerprints"]["qualityGates/v1"]
        == report.findings[2].fingerprint
    )
    assert runs["flake8"]["results"][0]["baselineState"] == "unchanged"
    region = runs["mypy"]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 5, "startColumn": 7}


def test_github_annotations_escape_and_skip_baselined(report: Report) -> None:
    lines = github.render(report).splitlines()
    assert len(lines) == 2  # the baselined finding is not annotated
    assert (
        lines[0]
        == '::error file=pkg/a.py,line=5,col=7,title=mypy arg-type::Argument 1 has type "str"; expected "int"'
    )
    assert lines[1].startswith(
        "::error file=pkg/b%2Cc.py,line=2,col=1,title=bandit B602::"
    )
    assert lines[1].endswith("shell=True: 100%25 risky%0Asecond line")


def test_markdown_summary_table(report: Report) -> None:
    out = markdown.render(report)
    assert out.startswith("## quality-gates run: failed")
    assert "| tool | version | status | findings | cached / files | seconds |" in out
    assert "| `pkg/a.py` | 5 | mypy | arg-type |" in out
    assert "E501" not in out  # baselined findings are not failures


def test_json_carries_the_design_keys(report: Report) -> None:
    data = json.loads(FORMATS["json"](report))
    for key in ("score", "rating", "debt_minutes", "findings", "tools"):
        assert key in data
    assert data["findings"][0]["new"] is False
    assert set(data["tools"]["mypy"]) >= {"version", "status", "seconds"}


# what black, isort, flake8, mypy and bandit find in REAL_RUN's module
REAL_FINDINGS = [
    ("flake8", "D100", 1, 1, "Missing docstring in public module"),
    ("flake8", "F401", 1, 1, "'os' imported but unused"),
    ("flake8", "D103", 4, 1, "Missing docstring in public function"),
    (
        "mypy",
        "return-value",
        5,
        12,
        'Incompatible return value type (got "int", expected "str")',
    ),
]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_from_a_real_run(
    project: Project, fmt: str, qg: InProcess
) -> None:
    project.write("m.py", "import os\n\n\ndef f(a: int) -> str:\n    return a\n")
    proc = qg(project.root, "run", "--format", fmt, "m.py")
    assert proc.returncode == 1
    if fmt == "sarif":
        doc = json.loads(proc.stdout)
        validate_sarif(doc)
        uris = {
            r["tool"]["driver"]["name"]: r["tool"]["driver"].get("informationUri")
            for r in doc["runs"]
        }
        # each run names its tool's documentation: the adapter's uri
        assert uris == {
            name: get(name).uri
            for name in ("black", "isort", "flake8", "mypy", "bandit")
        }
        assert sorted(
            (run["tool"]["driver"]["name"], r["ruleId"])
            for run in doc["runs"]
            for r in run["results"]
        ) == sorted((tool, rule) for tool, rule, *_ in REAL_FINDINGS)
    elif fmt == "json":
        assert [
            (f["tool"], f["rule"], f["line"], f["column"], f["message"])
            for f in json.loads(proc.stdout)["findings"]
        ] == REAL_FINDINGS
    elif fmt == "github":
        level = {"D100": "warning", "D103": "warning"}
        assert proc.stdout.splitlines() == [
            f"::{level.get(rule, 'error')} file=m.py,line={line},col={col},"
            f"title={tool} {rule}::{message}"
            for tool, rule, line, col, message in REAL_FINDINGS
        ]
    elif fmt == "markdown":
        rows = [ln for ln in proc.stdout.splitlines() if ln.startswith("| `m.py` |")]
        assert rows == [
            f"| `m.py` | {line} | {tool} | {rule} | {message} |"
            for tool, rule, line, _, message in REAL_FINDINGS
        ]
    else:
        assert proc.stdout.splitlines()[:5] == [
            f"m.py:{line}:{col}: {tool} {rule} {message}"
            for tool, rule, line, col, message in REAL_FINDINGS
        ] + ["4 finding(s): flake8 3, mypy 1"]


def test_sarif_marks_a_failed_tool_run(report: Report) -> None:
    report.tools["mypy"] = dataclasses.replace(
        report.tools["mypy"],
        status="error",
        message="mypy failed (exit 2): duplicate module",
    )
    doc = json.loads(sarif.render(report))
    validate_sarif(doc)
    (mypy,) = [run for run in doc["runs"] if run["tool"]["driver"]["name"] == "mypy"]
    (invocation,) = mypy["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].endswith(
        "duplicate module"
    )


SPLIT = {
    "tests": {"files": 40, "lines_of_code": 900, "findings": 3, "debt_minutes": 75},
    "rest": {"files": 12, "lines_of_code": 2000, "findings": 7, "debt_minutes": 605},
}


@pytest.fixture
def split_report(report: Report) -> Report:
    """Return the hand-built report with its split, and a test-files line."""
    report.summary.score, report.summary.rating = 72.5, "B"
    report.summary.debt_minutes, report.summary.debt = 680, "11h 20m"
    report.summary.split = SPLIT
    report.summary.test_files = "test files: <b>*_test.py</b> | x"
    return report


def test_text_says_tests_and_the_rest_in_one_line(split_report: Report) -> None:
    out = text.render(split_report).splitlines()
    at = out.index("score 72.5 (B), debt 11h 20m")
    assert out[at + 1] == (
        "tests: 3 finding(s), debt 1h 15m in 40 file(s); "
        "the rest: 7 finding(s), debt 10h 5m in 12 file(s)"
    )


def test_markdown_tables_the_split_and_escapes_the_rule(split_report: Report) -> None:
    out = markdown.render(split_report)
    assert (
        "| | files | findings | debt |\n|---|---|---|---|\n"
        "| tests | 40 | 3 | 1h 15m |\n| the rest | 12 | 7 | 10h 5m |\n\n"
        "test files: &lt;b&gt;\\*\\_test.py&lt;/b&gt; \\| x\n"  # escape.markdown
    ) in out


def test_json_has_the_split_and_the_rule(split_report: Report) -> None:
    summary = json.loads(FORMATS["json"](split_report))["summary"]
    assert summary["split"] == SPLIT
    assert summary["test_files"] == "test files: <b>*_test.py</b> | x"


def test_dashboard_shows_where_the_debt_is(split_report: Report) -> None:
    from quality_gates.report_formats import dashboard

    page = dashboard.render(split_report, [], title="t")
    assert (
        "<h2>Tests and the rest</h2><table><thead><tr><th></th><th>files</th>"
        "<th>lines of code</th><th>findings</th><th>debt</th><th>share of debt</th>"
        '</tr></thead><tbody><tr><td>tests</td><td class="n">40</td>'
        '<td class="n">900</td><td class="n">3</td><td>1h 15m</td>'
        '<td class="n">11%</td></tr><tr><td>the rest</td><td class="n">12</td>'
        '<td class="n">2000</td><td class="n">7</td><td>10h 5m</td>'
        '<td class="n">89%</td></tr></tbody></table>'
        '<p class="muted">test files: &lt;b&gt;*_test.py&lt;/b&gt; | x</p>'
    ) in page


def _tricky(rnd: random.Random) -> str:
    chars = ["a", '"', "\\", "{", "}", ",", "\n", "\t", "é", "\u2028", "\0", " "]
    chars += [":", "[", "]", "😀", "##[", "},\n      {"]
    return "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 8)))


def _scalar(rnd: random.Random) -> object:
    return rnd.choice(
        [_tricky(rnd), rnd.randint(-5, 10**12), rnd.random() * 1e6, True, None]
        + [False, float("nan"), float("inf"), -0.0]
    )


def test_json_is_the_standard_indented_text_whatever_the_findings_hold() -> None:
    """The findings' fast path writes exactly what ``json.dumps(indent=2)`` does."""
    rnd = random.Random(23)
    for _ in range(400):
        findings: list[object] = [
            {_tricky(rnd) or "k": _scalar(rnd) for _ in range(rnd.randint(1, 6))}
            for _ in range(rnd.randint(0, 4))
        ]
        if rnd.random() < 0.2:  # the standard encoder's own path
            findings.append(rnd.choice([{}, {"x": [1]}, [1], {1: 2}]))
        doc: dict[str, object] = {"command": _tricky(rnd), "findings": findings}
        doc["notes"] = [_tricky(rnd)]
        doc["summary"] = {"a": {"b": [1, {"c": _tricky(rnd)}], "e": {}}, "z": []}
        assert json_report.dumps(doc) == json.dumps(doc, indent=2, sort_keys=True)
