"""quality_gates.ci.merge: shard reports merged; damaged or missing ones are errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from quality_gates.ci import merge
from quality_gates.errors import GateError
from quality_gates.findings import Finding
from quality_gates.report import Report, Summary, ToolRun
from quality_gates.report_formats import json_report


def shard(tmp_path: Path, name: str, findings: list[Finding], code: int) -> Path:
    report = Report(
        "run",
        findings=findings,
        tools={"bandit": ToolRun("bandit", "1.9.4", seconds=1.0, files=2)},
        exit_code=code,
    )
    report.summary = Summary(
        files=2, findings=len(findings), score=90.0, rating="A", debt_minutes=10
    )
    path = tmp_path / f"{name}.json"
    path.write_text(json_report.render(report))
    return path


def f(path: str) -> Finding:
    return Finding("bandit", "B602", "error", path, 3, 1, "shell", "fp" + path, None)


def test_two_shards_merge(tmp_path: Path) -> None:
    paths = [shard(tmp_path, "a", [f("b.py")], 1), shard(tmp_path, "b", [f("a.py")], 0)]
    merged = merge.merge([merge.read_report(p) for p in paths], expected=2)
    assert [x.path for x in merged.findings] == ["a.py", "b.py"]
    assert merged.exit_code == 1
    assert merged.tools["bandit"].files == 4 and merged.tools["bandit"].seconds == 2.0
    assert merged.summary.files == 4 and merged.summary.debt_minutes == 20
    assert merged.summary.score is None
    assert "score" not in merged.summary.to_dict()


def test_the_score_is_recomputed_from_debt_and_lines(tmp_path: Path) -> None:
    paths = []
    for name, debt, loc in (("a", 30, 100), ("b", 0, 500)):
        path = shard(tmp_path, name, [], 0)
        data = json.loads(path.read_text())
        data["debt_minutes"] = debt
        data["summary"].update(lines_of_code=loc, cost_per_line=0.5)
        path.write_text(json.dumps(data))
        paths.append(path)
    merged = merge.merge([merge.read_report(p) for p in paths])
    # 30 minutes over 600 lines at 0.5 minutes a line: ratio 10%, the top of band B
    assert merged.summary.debt_ratio == 0.1
    assert merged.summary.rating == "B" and merged.summary.score == 60.0
    assert merged.summary.debt == "30m"


def test_a_shard_without_files_leaves_the_score(tmp_path: Path) -> None:
    """More shards than files: the empty shard's report has no score to add."""
    path = shard(tmp_path, "a", [], 0)
    data = json.loads(path.read_text())
    data["debt_minutes"] = 30
    data["summary"].update(lines_of_code=600, cost_per_line=0.5)
    path.write_text(json.dumps(data))
    empty = tmp_path / "b.json"
    empty.write_text(
        json_report.render(Report("run", notes=["shard 2 of 2 has no files"]))
    )
    merged = merge.merge([merge.read_report(p) for p in (path, empty)], expected=2)
    assert (merged.summary.score, merged.summary.rating) == (60.0, "B")
    # a shard that checked files but has no score (a tool failed) still leaves none
    unscored = tmp_path / "c.json"
    failed = Report("run", errors=["mypy crashed"], exit_code=2)
    failed.summary = Summary(files=2, findings=0)
    unscored.write_text(json_report.render(failed))
    merged = merge.merge([merge.read_report(p) for p in (path, empty, unscored)])
    assert merged.summary.score is None


def test_one_report_keeps_its_score(tmp_path: Path) -> None:
    merged = merge.merge([merge.read_report(shard(tmp_path, "a", [], 0))])
    assert merged.summary.score == 90.0 and merged.exit_code == 0


@pytest.mark.parametrize(
    ("key", "value"), [("files", "4"), ("new", True), ("baselined", 1.5), ("debt", 3)]
)
def test_a_summary_field_of_the_wrong_type_is_an_error(
    tmp_path: Path, key: str, value: object
) -> None:
    path = shard(tmp_path, "a", [], 0)
    data = json.loads(path.read_text())
    data["summary"][key] = value
    path.write_text(json.dumps(data))
    with pytest.raises(GateError, match=f"summary {key}: expected"):
        merge.read_report(path)


def test_a_report_read_back_renders_the_same_json(tmp_path: Path) -> None:
    path = shard(tmp_path, "a", [f("a.py")], 1)
    data = json.loads(path.read_text())
    data["summary"].update(baselined=None, fixed=None, vulnerable=[{"name": "x"}])
    path.write_text(json.dumps(data))
    assert json.loads(json_report.render(merge.read_report(path))) == data


def test_a_missing_shard_is_an_error(tmp_path: Path) -> None:
    merged = merge.merge([merge.read_report(shard(tmp_path, "a", [], 0))], expected=3)
    assert merged.exit_code == 2
    assert merged.errors == ["expected 3 shard report(s), found 1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"{", "not a readable JSON report", id="truncated"),
        pytest.param(b"\xff\xfe", "not a readable JSON report", id="binary"),
        pytest.param(b"[]", "no findings list", id="not-a-report"),
        pytest.param(
            json.dumps({"findings": [{"tool": "x"}]}).encode(),
            "malformed finding",
            id="bad-finding",
        ),
    ],
)
def test_damaged_reports_are_errors(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(content)
    with pytest.raises(GateError, match=message):
        merge.read_report(path)


def test_no_reports_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GateError, match="no shard reports"):
        merge.report_files(tmp_path)
    with pytest.raises(GateError, match="no such folder"):
        merge.report_files(tmp_path / "missing")
    with pytest.raises(GateError, match="no shard reports to merge"):
        merge.merge([])


def recorded(tmp_path: Path, name: str, **limits: object) -> Report:
    """Return a shard's report whose run recorded thresholds for the merge."""
    data = json.loads(shard(tmp_path, name, [], 0).read_text())
    data["summary"]["deferred_thresholds"] = {
        "fail_under": None,
        "max_debt": None,
        "changed": False,
        "fail_on": "warning",
        **limits,
    }
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data))
    return merge.read_report(path)


def test_shards_that_recorded_different_thresholds_are_an_error(
    tmp_path: Path,
) -> None:
    parts = [recorded(tmp_path, "a", fail_under=80), recorded(tmp_path, "b")]
    with pytest.raises(GateError, match="different thresholds or modes"):
        merge.judge(merge.merge(parts), parts)
    parts = [recorded(tmp_path, "a"), recorded(tmp_path, "b", changed=True)]
    with pytest.raises(GateError, match="different thresholds or modes"):
        merge.judge(merge.merge(parts), parts)


@pytest.mark.parametrize(
    "record",
    [
        {"fail_under": "80", "max_debt": None, "changed": False, "fail_on": "error"},
        {"fail_under": None, "max_debt": 1.5, "changed": False, "fail_on": "error"},
        {"fail_under": None, "max_debt": None, "changed": 1, "fail_on": "error"},
        {"fail_under": None, "max_debt": None, "changed": False, "fail_on": "x"},
        {"fail_under": None},
        [],
    ],
)
def test_a_damaged_threshold_record_is_an_error(tmp_path: Path, record: object) -> None:
    path = shard(tmp_path, "a", [], 0)
    data = json.loads(path.read_text())
    data["summary"]["deferred_thresholds"] = record
    path.write_text(json.dumps(data))
    parts = [merge.read_report(path)]
    with pytest.raises(GateError, match="deferred_thresholds: "):
        merge.judge(merge.merge(parts), parts)


@pytest.mark.parametrize("text", ["abc", "-1", "100.5", "nan"])
def test_the_merge_jobs_fail_under_must_be_a_score(text: str) -> None:
    with pytest.raises(GateError, match="must be a score from 0 to 100"):
        merge.fail_under_input(text)
    assert merge.fail_under_input(" ") is None
    assert merge.fail_under_input("80") == 80.0
