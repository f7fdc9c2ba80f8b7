"""bench/run.py: its --help and its pure helpers, on tiny inputs (never timings)."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import load_script

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_script(SCRIPT, "bench_run")


def test_help_runs_and_names_the_options() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for option in ("--runs", "--quick", "--skip-pre-commit", "--output", "--plot"):
        assert option in proc.stdout


def test_bad_runs_is_a_usage_error() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--runs", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "--runs" in proc.stderr


def test_median_ratio_and_verdict(bench: ModuleType) -> None:
    assert bench.median([3.0, 1.0, 2.0]) == 2.0
    assert bench.median([4.0, 1.0]) == 2.5
    assert math.isnan(bench.median([]))
    assert math.isnan(bench.median([float("nan")]))
    assert bench.ratio(3.0, 6.0) == 0.5
    assert math.isnan(bench.ratio(1.0, 0.0))
    assert math.isnan(bench.ratio(float("nan"), 2.0))
    assert bench.verdict(0.6, 0.6) == "pass"
    assert bench.verdict(0.61, 0.6) == "fail"
    assert bench.verdict(float("nan"), 0.6) == "n/a"


def test_fmt_keeps_three_figures(bench: ModuleType) -> None:
    assert bench.fmt(123.4, " s") == "123 s"
    assert bench.fmt(12.34) == "12.3"
    assert bench.fmt(1.234) == "1.23"
    assert bench.fmt(0.01234) == "0.012"
    assert bench.fmt(float("nan")) == "-"


def test_render_table_has_one_row_per_measurement(bench: ModuleType) -> None:
    rows = [
        bench.Row("1 cold cache", "medium", "gate", 30.0, "direct", 60.0, 0.6),
        bench.Row("2 warm", "medium", "gate", 3.0, "direct", 60.0, 0.03),
        bench.Row("5 memory", "medium", "gate", 10.0, "mypy", 0.0, 1.5, unit="MB"),
    ]
    text = bench.render_table(rows)
    lines = text.splitlines()
    assert len(lines) == 2 + len(rows)
    assert lines[2].startswith(
        "| 1 cold cache | medium | gate | 30.0 s | direct | 60.0 s | 0.500"
    )
    assert lines[2].endswith("| pass | - |")
    assert "| 0.050 | <= 0.030 | fail |" in lines[3]
    assert lines[4].endswith("| n/a | - |")
    with_cpu = bench.Row(
        "1", "m", "gate", 2.0, "d", 4.0, 0.6, cpu_value=3, cpu_baseline=4
    )
    assert bench.render_table([with_cpu]).endswith("| pass | 0.750 |")


def test_render_markdown_names_the_machine_and_counts_targets(
    bench: ModuleType,
) -> None:
    rows = [bench.Row("1 cold cache", "medium", "gate", 30.0, "direct", 60.0, 0.6)]
    tree = bench.Tree("medium", bench.MEDIUM, Path("/x"), ["a.py"], ["a.py"], 1234)
    text = bench.render_markdown(
        rows,
        machine={"cores": "2", "black version": "1.0"},
        trees=[tree],
        details="(details)",
        breakdown="(breakdown)",
        warnings=["mypy crashed"],
        command="python bench/run.py --quick",
    )
    assert "| cores | 2 |" in text
    assert "| black version | 1.0 |" in text
    assert "`pytest==9.2.0` | 1 | 1,234 |" in text
    assert "1 of 1 targets met" in text
    assert "- mypy crashed" in text


def test_pick_spread_and_edits(bench: ModuleType, tmp_path: Path) -> None:
    items = [f"f{i}.py" for i in range(10)]
    assert bench.pick_spread(items, 3) == ["f0.py", "f3.py", "f6.py"]
    assert bench.pick_spread(items, 20) == items
    (tmp_path / "a.py").write_bytes(b"x = 1")
    edits = bench.Edits(tmp_path)
    edits.apply(["a.py"])
    first = (tmp_path / "a.py").read_bytes()
    assert first.startswith(b"x = 1\n# bench edit ")
    edits.apply(["a.py"])
    assert (tmp_path / "a.py").read_bytes() != first
    edits.restore()
    assert (tmp_path / "a.py").read_bytes() == b"x = 1"


def test_floor_notes_give_the_best_possible_cold_ratio(
    bench: ModuleType, tmp_path: Path
) -> None:
    """Check the note that explains the cold ratio: CPU over cores, against direct."""
    b = bench.Bench(tmp_path, interval=0.05, verbose=False)
    b.samples["medium/gate-cold"] = [bench.Sample(30.0, 40.0, 1.0, 1.0, 1)]
    b.samples["medium/direct-cold/total"] = [bench.Sample(50.0, 45.0, 1.0, 1.0, 0)]
    tree = bench.Tree("medium", bench.MEDIUM, tmp_path, [], [], 0)
    (note,) = bench.floor_notes(b, [tree], 2)
    assert "40.0 s of CPU" in note
    assert "at least 20.0 s" in note
    assert "a ratio of 0.400" in note
    assert (
        bench.floor_notes(b, [bench.Tree("x", bench.LARGE, tmp_path, [], [], 0)], 2)
        == []
    )


def test_sections_of_other_scripts_survive_a_rewrite(tmp_path: Path) -> None:
    sys.path.insert(0, str(SCRIPT.parent))
    import sections

    page = tmp_path / "BENCHMARKS.md"
    page.write_text("# Benchmarks\n\nold table\n")
    sections.update(page, "ci-cache", "## CI\n\n| a |\n")
    sections.update(page, "hook-environment", "## Hooks\n")
    sections.update(page, "ci-cache", "## CI, again\n")
    assert page.read_text().count("## CI") == 1 and "## CI, again" in page.read_text()
    rewritten = "# Benchmarks\n\nnew table\n" + sections.kept(page)
    assert rewritten.index("new table") < rewritten.index("## CI, again")
    assert "## Hooks" in rewritten and "old table" not in rewritten
