"""quality_gates.ci.outputs and publish: step outputs, summaries, capped annotations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from quality_gates import commands
from quality_gates.ci import outputs, publish
from quality_gates.errors import GateError
from quality_gates.findings import Finding
from quality_gates.report import Report, Summary


def finding(line: int, new: bool | None = None) -> Finding:
    return Finding(
        "bandit", "B602", "error", "a.py", line, 1, f"shell {line}", f"fp{line}", new
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(
            {"score": 97.5, "rating": "A"}, "score=97.5\nrating=A\n", id="plain"
        ),
        pytest.param({"empty": None}, "empty=\n", id="none"),
    ],
)
def test_format_outputs(values: dict[str, object], expected: str) -> None:
    assert outputs.format_outputs(values) == expected


def test_multiline_output_uses_a_heredoc_delimiter() -> None:
    text = outputs.format_outputs({"list": "a\nb"})
    name, rest = text.split("<<", 1)
    delimiter = rest.split("\n", 1)[0]
    assert name == "list" and delimiter.startswith("ghadelimiter_")
    assert text == f"list<<{delimiter}\na\nb\n{delimiter}\n"


def test_outputs_and_summary_append_to_the_files(tmp_path: Path) -> None:
    out, summary = tmp_path / "out", tmp_path / "summary"
    outputs.write_outputs({"a": 1}, path=str(out))
    outputs.write_outputs({"b": 2}, path=str(out))
    outputs.write_summary("## one", path=str(summary))
    outputs.write_summary("## two\n", path=str(summary))
    assert out.read_text() == "a=1\nb=2\n"
    assert summary.read_text() == "## one\n\n## two\n\n"


def test_outputs_print_outside_actions(capsys: pytest.CaptureFixture[str]) -> None:
    outputs.write_outputs({"a": 1}, path="")
    assert capsys.readouterr().out == "a=1\n"


def test_annotations_are_capped_and_baselined_findings_skipped() -> None:
    report = Report(
        "run", findings=[finding(1, True), finding(2, False), finding(3), finding(4)]
    )
    text, left = outputs.annotation_commands(report, limit=2)
    assert text.splitlines() == [
        "::error file=a.py,line=1,col=1,title=bandit B602::shell 1",
        "::error file=a.py,line=3,col=1,title=bandit B602::shell 3",
    ]
    assert left == 1
    assert outputs.annotation_commands(report, limit=0) == ("", 3)


def test_publish_writes_every_view(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary"))
    report = Report("run", findings=[finding(1), finding(2)], exit_code=1)
    report.summary = Summary(score=88.5, rating="B", debt_minutes=20)
    targets = publish.Targets(
        str(tmp_path / "r.json"), str(tmp_path / "r.sarif"), 1, "the gate"
    )
    assert publish.publish(report, targets) == 1
    assert capsys.readouterr().out.count("::error ") == 1
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 88.5
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    summary = (tmp_path / "summary").read_text()
    assert summary.startswith("## the gate: failed")
    assert "1 finding(s) were not annotated" in summary
    out = (tmp_path / "out").read_text().splitlines()
    assert "score=88.5" in out and "rating=B" in out and "new-findings=2" in out
    assert f"sarif-file={tmp_path / 'r.sarif'}" in out


def test_a_subcommand_without_report_is_an_error() -> None:
    with pytest.raises(GateError, match="quality-gates baseline makes no report"):
        commands.reporting("baseline")


def test_missed_thresholds_and_whole_project_findings_are_annotated_uncoloured() -> (
    None
):
    """Every reason a gate fails has an annotation; line 0 pins no position."""
    total = Finding(
        "coverage", "fail-under", "error", ".coverage", 0, 0, "total \x1b[31m74%\x1b[0m"
    )
    report = Report("run", findings=[total, finding(3)])
    report.summary = Summary(
        threshold_failures=["score 75.6 is under fail-under 80"],
        threshold_warnings=["debt 3h is over max-debt 60 min"],
    )
    text, left = outputs.annotation_commands(report, limit=5)
    assert (text.splitlines(), left) == (
        [
            "::error title=coverage fail-under::.coverage: total 74%25",
            "::error file=a.py,line=3,col=1,title=bandit B602::shell 3",
            "::error title=quality-gates run::score 75.6 is under fail-under 80",
            "::warning title=quality-gates run::debt 3h is over max-debt 60 min",
        ],
        0,
    )


@pytest.mark.parametrize("code", [0, 1, 2])
def test_sarif_is_written_only_for_a_run_that_completed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: int,
) -> None:
    """After exit 2 an upload would close the alerts the run never checked."""
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    sarif = tmp_path / "r.sarif"
    sarif.write_text("stale, from an earlier run on this runner")
    report = Report(
        "security",
        findings=[finding(1)] if code == 1 else [],
        errors=["--requirement nope.txt: no such file"] if code == 2 else [],
        exit_code=code,
    )
    assert publish.publish(report, publish.Targets("", str(sarif))) == code
    written = dict(
        line.split("=", 1) for line in (tmp_path / "out").read_text().splitlines()
    )
    if code == 2:
        assert not sarif.exists() and written["sarif-file"] == ""
        assert f"no SARIF written to {sarif}" in capsys.readouterr().out
    else:
        assert json.loads(sarif.read_text())["version"] == "2.1.0"
        assert written["sarif-file"] == str(sarif)


def test_the_log_lists_the_failing_findings_and_counts_the_rest() -> None:
    from quality_gates.ci import subcommand

    report = Report(
        "run", findings=[finding(1, False), finding(2, True), finding(3, False)]
    )
    lines = subcommand.log_text(report).splitlines()
    assert lines[:2] == [
        "a.py:2:1: bandit B602 shell 2",
        "(2 finding(s) that are not new are not listed here: they are in the JSON"
        " and SARIF reports)",
    ]
