"""Sharded gates apply fail-under and max-debt to the merged result only.

Real flake8 in a real git repository, ``ci gate`` and ``ci merge`` in-process:
two shards of one file each, whose partial scores and debts differ from the
whole's, give the verdict of the unsharded run, both ways.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Project
from quality_gates import cli

# a.py: 92 lines, one F401 (10 min); b.py: 3 lines, two F401 (20 min).
# The whole: score 95.8, debt 30 min; shard b.py alone: score 38.5, debt 20.
A = '"""Clean."""\n\nimport os\n' + "".join(
    f'\n\ndef f{i}() -> int:\n    """Return {i}."""\n    return {i}\n'
    for i in range(30)
)
B = '"""Doc."""\n\nimport os\nimport sys\n'
PYPROJECT = (
    '[project]\nname = "p"\nversion = "0"\n\n'
    '[tool.quality-gates]\ntools = ["flake8"]\n{threshold}\n'
)


def ci(
    capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, dict[str, Any], str]:
    """Run ``quality-gates ci ARGV --json`` here: exit code, JSON report, stdout."""
    capsys.readouterr()
    report = Path.cwd().parent / "report.json"
    code = cli.main(["ci", *argv, "--json", str(report)])
    return code, json.loads(report.read_text()), capsys.readouterr().out


def baselined(project: Project, threshold: str) -> str:
    """Commit a.py and b.py with their findings baselined; return the commit."""
    project.write("pyproject.toml", PYPROJECT.format(threshold=threshold))
    project.write("a.py", A)
    project.write("b.py", B)
    project.commit("code")
    assert cli.main(["baseline"]) == 0
    return project.commit("baseline")


def sharded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, *mode: str
) -> tuple[list[dict[str, Any]], tuple[int, dict[str, Any], str]]:
    """Run the two shards, then merge them: the shard reports and the merge."""
    folder = tmp_path / "shards"
    folder.mkdir()
    parts = []
    for index in range(2):
        code, report, _ = ci(
            capsys,
            "gate",
            *mode,
            "--shard-index",
            str(index),
            "--shard-count",
            "2",
        )
        assert code == 0, report  # no shard fails on its part's score or debt
        (folder / f"{index}.json").write_text(json.dumps(report))
        parts.append(report)
    return parts, ci(capsys, "merge", "--dir", str(folder), "--expected", "2")


@pytest.fixture
def actions(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Project:
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary"))
    monkeypatch.delenv("GITHUB_EVENT_NAME", raising=False)
    return project


@pytest.mark.parametrize(
    ("threshold", "code", "failures"),
    [
        # shard b.py alone scores 38.5: under 90, though the whole is 95.8
        pytest.param("fail-under = 90", 0, [], id="passes-though-a-shard-is-under"),
        # each shard's debt (10, 20 min) is under 25; the whole's 30 is over
        pytest.param(
            "max-debt = 25",
            1,
            ["debt 30m (30 min) is over max-debt 25 min"],
            id="fails-though-every-shard-is-under",
        ),
    ],
)
def test_the_merged_verdict_is_the_unsharded_one(
    actions: Project,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    threshold: str,
    code: int,
    failures: list[str],
) -> None:
    baselined(actions, threshold)
    whole_code, whole, _ = ci(capsys, "gate", "--mode", "all")
    parts, (merged_code, merged, log) = sharded(capsys, tmp_path, "--mode", "all")
    assert sorted(p["score"] for p in parts) == [38.5, 98.6]
    assert sorted(p["debt_minutes"] for p in parts) == [10, 20]
    assert (whole_code, merged_code) == (code, code)
    for key in ("score", "rating", "debt_minutes"):
        assert merged[key] == whole[key] == {"score": 95.8, "rating": "A"}.get(key, 30)
    assert merged["summary"]["threshold_failures"] == failures
    assert whole["summary"]["threshold_failures"] == failures
    assert merged["summary"]["reasons"] == whole["summary"]["reasons"]
    assert "deferred_thresholds" not in merged["summary"]
    errors = [line for line in log.splitlines() if line.startswith("::error")]
    assert errors == [f"::error title=quality-gates run::{f}" for f in failures]


def test_a_shard_records_its_thresholds_and_says_so(
    actions: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baselined(actions, "fail-under = 90\nmax-debt = 25")
    parts, _ = sharded(capsys, tmp_path, "--mode", "all")
    for part in parts:
        assert part["summary"]["deferred_thresholds"] == {
            "fail_under": 90,
            "max_debt": 25,
            "changed": False,
            "fail_on": "warning",
        }
        assert "threshold_failures" not in part["summary"]
        assert part["notes"] == [
            "fail-under 90 and max-debt 25: not applied to this shard's part of the"
            " tree; the merge of the shards applies them to the whole"
        ]


def test_with_a_diff_base_the_merge_warns_like_the_unsharded_run(
    actions: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baselined(actions, "max-debt = 25")
    actions.write("README.md", "A change that adds no code.\n")
    actions.commit("docs")
    mode = ("--mode", "changed", "--base", base)
    whole_code, whole, _ = ci(capsys, "gate", *mode)
    _, (merged_code, merged, log) = sharded(capsys, tmp_path, *mode)
    warning = "debt 30m (30 min) is over max-debt 25 min"
    assert (whole_code, merged_code) == (0, 0)
    assert merged["summary"]["threshold_warnings"] == [warning]
    assert whole["summary"]["threshold_warnings"] == [warning]
    assert merged["summary"]["threshold_failures"] == []
    assert f"::warning title=quality-gates run::{warning}" in log.splitlines()
    assert not [line for line in log.splitlines() if line.startswith("::error")]


def test_the_merge_jobs_own_fail_under_wins(
    actions: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baselined(actions, "fail-under = 90")
    folder = tmp_path / "shards"
    sharded(capsys, tmp_path, "--mode", "all")
    code, merged, log = ci(capsys, "merge", "--dir", str(folder), "--fail-under", "96")
    assert code == 1
    assert merged["summary"]["threshold_failures"] == [
        "score 95.8 is under fail-under 96"
    ]
    assert "run: failed: score 95.8 is under fail-under 96" in log.splitlines()
