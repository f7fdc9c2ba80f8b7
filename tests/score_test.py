"""Debt, rating and score: recomputed by hand, and through the real CLI."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, InProcess, Project
from quality_gates import score, tools
from quality_gates.errors import GateError
from quality_gates.findings import Finding


def finding(tool: str, rule: str, severity: str = "warning") -> Finding:
    return Finding(tool, rule, severity, "pkg/mod.py", 1, 1, "message")


# the adapters' categories, as the gate passes them (gate.costs)
COSTS = score.Costs(category=tools.category)


# The worked example of docs/score.md: the same findings, the same numbers.
HAND_BUILT = [
    finding("flake8", "E501"),  # style, warning: 2
    finding("flake8", "E501"),  # 2
    finding("flake8", "F401", "error"),  # bug-risk, error: 10
    finding("flake8", "D103"),  # docs, warning: 5
    finding("mypy", "arg-type", "error"),  # types, error: 10
    finding("bandit", "B602", "error"),  # security, error: 30
    finding("bandit", "B404"),  # security, warning: 10
    finding("black", "BLK100"),  # format: 1
]


def test_docs_worked_example_recomputed_by_hand() -> None:
    result = score.compute(HAND_BUILT, 400, costs=COSTS)
    assert result.debt_minutes == 2 + 2 + 10 + 5 + 10 + 30 + 10 + 1 == 70
    # 70 / (30 min x 400 lines) = 0.5833% -> A, 100 - 20 x 0.005833 / 0.05 = 97.7
    assert result.ratio == pytest.approx(70 / 12000)
    assert result.rating == "A"
    assert result.score == 97.7
    assert score.format_debt(result.debt_minutes) == "1h 10m"
    assert result.by_tool["bandit"] == {"findings": 2, "debt_minutes": 40}
    assert result.top_rules[0] == {
        "tool": "bandit",
        "rule": "B602",
        "findings": 1,
        "debt_minutes": 30,
    }


def test_the_docs_page_states_the_numbers_recomputed_here() -> None:
    page = (REPO / "docs" / "score.md").read_text()
    example = page[
        page.index("## Worked example") : page.index("## `quality-gates score`")
    ]
    assert "400 lines of code with these eight findings" in example
    for shown in ("**70 = 1h 10m**", "rating **A**", "**97.7**", "**76.7**"):
        assert shown in example, shown
    assert score.compute(HAND_BUILT, 40, costs=COSTS).score == 76.7


def test_same_findings_on_less_code_rate_worse() -> None:
    # 70 / (30 x 100) = 2.33% -> A 90.7; on 40 lines 5.83% -> B, 80 - 20 x 0.83/5 = 76.7
    assert score.compute(HAND_BUILT, 100, costs=COSTS).score == 90.7
    small = score.compute(HAND_BUILT, 40, costs=COSTS)
    assert (small.rating, small.score) == ("B", 76.7)


def test_overrides_per_rule_and_per_tool_rule_and_cost_per_line() -> None:
    costs = score.costs_from_table(
        {"E501": 0, "bandit:B602": 60, "flake8:B602": 1}, 15, tools.category
    )
    result = score.compute(HAND_BUILT, 400, costs=costs)
    assert result.debt_minutes == 70 - 4 + 30
    assert result.ratio == pytest.approx(96 / (15 * 400))


@pytest.mark.parametrize(
    ("ratio", "rating", "value"),
    [
        pytest.param(0.0, "A", 100.0, id="no-debt"),
        pytest.param(0.025, "A", 90.0, id="mid-A"),
        pytest.param(0.05, "A", 80.0, id="A-edge"),
        pytest.param(0.0500001, "B", 80.0, id="just-B"),
        pytest.param(0.10, "B", 60.0, id="B-edge"),
        pytest.param(0.15, "C", 50.0, id="mid-C"),
        pytest.param(0.20, "C", 40.0, id="C-edge"),
        pytest.param(0.35, "D", 30.0, id="mid-D"),
        pytest.param(0.50, "D", 20.0, id="D-edge"),
        pytest.param(0.75, "E", 10.0, id="mid-E"),
        pytest.param(1.0, "E", 0.0, id="E-floor"),
        pytest.param(3.0, "E", 0.0, id="beyond"),
    ],
)
def test_grid_and_score_bands(ratio: float, rating: str, value: float) -> None:
    assert score.rating(ratio) == rating
    assert score.score_from_ratio(ratio) == value


@pytest.mark.parametrize(
    ("tool", "rule", "severity", "minutes"),
    [
        ("isort", "I001", "warning", 1),
        ("flake8", "W291", "warning", 2),
        ("flake8", "E999", "error", 10),
        ("flake8", "C901", "warning", 30),
        ("flake8", "D401", "warning", 5),
        ("mypy", "misc", "warning", 5),
        ("bandit", "B101", "warning", 10),
        ("python", "E902", "error", 30),
        ("pylint", "X1", "info", 2),
    ],
)
def test_default_cost_table(tool: str, rule: str, severity: str, minutes: int) -> None:
    assert (
        score.minutes(Finding(tool, rule, severity, "a.py", 1, 1, ""), COSTS) == minutes
    )


def test_no_code_no_debt_is_A_and_any_debt_on_no_code_is_E() -> None:
    assert score.compute([], 0).rating == "A"
    assert score.compute([finding("python", "E902", "error")], 0).rating == "E"


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0m"), (45, "45m"), (60, "1h"), (200, "3h 20m"), (1501, "25h 1m")],
)
def test_format_debt(minutes: int, text: str) -> None:
    assert score.format_debt(minutes) == text


@pytest.mark.parametrize("value", [-1, 1.5, "5", True])
def test_bad_cost_override_is_an_error(value: object) -> None:
    with pytest.raises(GateError, match="costs"):
        score.costs_from_table({"E501": value})


CODE = '''"""Module."""

import os  # unused: F401


def add(a, b):
    """Add."""
    return a +b
'''


def make(project: Project, extra: str = "") -> None:
    project.write(
        "pyproject.toml", f'[tool.quality-gates]\ntools = ["flake8", "bandit"]\n{extra}'
    )
    project.write("pkg/mod.py", CODE)
    project.write("pkg/__init__.py", '"""Package."""\n')
    project.commit("code")


def test_score_json_recomputes_from_its_own_findings(
    project: Project, qg: InProcess
) -> None:
    make(project)
    proc = qg(project.root, "score", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    found = [Finding.from_dict(f) for f in data["findings"]]
    assert {f.rule for f in found} == {"F401", "E225"}
    assert data["debt_minutes"] == sum(score.minutes(f, COSTS) for f in found) == 12
    assert data["summary"]["lines_of_code"] == 6
    expected = score.compute(found, 6, costs=COSTS)
    assert (
        (data["score"], data["rating"])
        == (expected.score, expected.rating)
        == (73.3, "B")
    )  # 12 / 180 = 6.67%
    assert data["summary"]["debt"] == "12m"


def test_score_text_names_the_costliest_rules(project: Project, qg: InProcess) -> None:
    make(project, "[tool.quality-gates.costs]\nE225 = 25\n")
    proc = qg(project.root, "score")
    assert proc.returncode == 0, proc.stderr
    assert "score " in proc.stdout and "rating " in proc.stdout
    assert "debt 35m (35 min)" in proc.stdout
    rules = proc.stdout.split("rules that cost most:")[1].splitlines()
    assert rules[1].split()[:2] == ["flake8", "E225"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(
            "cost-per-line = 0\n", "cost-per-line: must be above 0", id="zero-per-line"
        ),
        pytest.param(
            'cost-per-line = "30"\n', "cost-per-line: expected", id="string-per-line"
        ),
        pytest.param(
            "cost-per-line = inf\n",
            "cost-per-line: must be above 0 and finite",
            id="infinite-per-line",
        ),
        pytest.param(
            "[tool.quality-gates.costs]\nE225 = -3\n", "costs] E225", id="negative-cost"
        ),
        pytest.param(
            "fail-under = 120\n", "fail-under: must be from 0 to 100", id="fail-under"
        ),
        pytest.param("max-debt = -1\n", "max-debt: must be at least 0", id="max-debt"),
    ],
)
def test_bad_score_config_is_exit_2(
    project: Project, extra: str, message: str, qg: InProcess
) -> None:
    make(project, extra)
    proc = qg(project.root, "run", "--all-files")
    assert proc.returncode == 2
    assert message in proc.stderr


def test_thresholds_fail_with_reasons_even_without_new_findings(
    project: Project, qg: InProcess
) -> None:
    make(project)
    assert qg(project.root, "baseline").returncode == 0
    passed = qg(
        project.root, "run", "--all-files", "--fail-under", "70", "--max-debt", "12"
    )
    assert passed.returncode == 0, passed.stderr
    assert "thresholds met" in passed.stderr + passed.stdout
    failed = qg(
        project.root, "run", "--all-files", "--fail-under", "90", "--max-debt", "11"
    )
    assert failed.returncode == 1
    out = failed.stdout
    assert "score 73.3 is under fail-under 90" in out
    assert "debt 12m (12 min) is over max-debt 11 min" in out


def test_threshold_from_config_and_option_wins(project: Project, qg: InProcess) -> None:
    make(project, "fail-under = 95\n")
    assert qg(project.root, "baseline").returncode == 0
    assert qg(project.root, "run", "--all-files").returncode == 1
    assert qg(project.root, "run", "--all-files", "--fail-under", "50").returncode == 0
    bad = qg(project.root, "run", "--all-files", "--fail-under", "101")
    assert bad.returncode == 2 and "--fail-under must be from 0 to 100" in bad.stderr


def test_scoring_100k_findings_walks_the_tool_registry_once(monkeypatch) -> None:
    """The cost of each finding comes from its adapter; the registry is read once.

    Each walk of the tools package lists its folder and imports its modules:
    once per finding, django's 74k findings took 21 s. Counted, not timed: the
    walk (``pkgutil.iter_modules`` on the tools package) and the adapters'
    ``category`` calls, against the number of findings and of distinct rules.
    """
    import pkgutil

    from quality_gates import tools

    walks = []
    real_walk = pkgutil.iter_modules

    def counted_walk(path=None, prefix=""):
        if path is not None and list(path) == list(tools.__path__):
            walks.append(path)
        return real_walk(path, prefix)

    monkeypatch.setattr(pkgutil, "iter_modules", counted_walk)
    monkeypatch.setattr(tools, "_walked", [])  # as in a fresh process
    asked = []
    costs = score.Costs(category=lambda *key: asked.append(key) or tools.category(*key))
    rules = [("flake8", f"E{100 + n}", "warning") for n in range(40)]
    rules += [("mypy", f"code-{n}", "error") for n in range(40)]
    found = [
        Finding(*rules[n % len(rules)][:2], rules[n % len(rules)][2], "a.py", n, 1, "")
        for n in range(100_000)
    ]
    result = score.compute(found, 1_000_000, costs=costs)
    assert len(walks) == 1
    assert sorted(asked) == sorted((tool, rule) for tool, rule, _ in rules)
    assert result.findings == 100_000
    # E1xx are style (2 min a warning), mypy's errors are types (10 min)
    assert result.debt_minutes == 50_000 * 2 + 50_000 * 10
