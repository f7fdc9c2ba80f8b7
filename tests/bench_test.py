"""The benchmark (bench/run.py, the bench.speed package, bench/sdists.py).

Its --help, its options and its pure helpers, on tiny inputs; the ruff and mypy
comparison end to end on a two-file repository with the real gate, ruff and
mypy.  Never timings: what is asserted is what was run and how it is reported.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from conftest import Project

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "bench" / "run.py"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # the bench package of this checkout

from bench import sdists, sections  # noqa: E402
from bench.speed import cli, commands, ruff_mypy, runs  # noqa: E402
from bench.speed.measure import Bench, Sample  # noqa: E402
from bench.speed.render import floor_notes, render_markdown, render_table  # noqa: E402
from bench.speed.rows import Row, rows_for  # noqa: E402
from bench.speed.scenarios import Edits, pick_spread  # noqa: E402
from bench.speed.stats import fmt, median, ratio, verdict  # noqa: E402
from bench.speed.trees import LARGE, MEDIUM, Tree, python_files  # noqa: E402


def script(*args: str, path: Path = SCRIPT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(path), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def sample(wall: float, cpu: float = float("nan"), peak: float = 1.0) -> Sample:
    return Sample(wall, cpu, peak, peak, 0)


# -- the command line ---------------------------------------------------------------
def test_help_runs_and_names_the_options() -> None:
    proc = script("--help")
    assert proc.returncode == 0, proc.stderr
    for option in (
        "--runs",
        "--quick",
        "--skip-pre-commit",
        "--output",
        "--plot",
        "--only {ruff-mypy}",
        "--skip-ruff-mypy",
    ):
        assert option in proc.stdout


def test_bad_runs_is_a_usage_error() -> None:
    proc = script("--runs", "0")
    assert proc.returncode == 2
    assert "--runs" in proc.stderr


@pytest.mark.parametrize(
    "args, says",
    [
        (["--only", "everything"], "invalid choice: 'everything'"),
        (["--only", "ruff-mypy", "--skip-ruff-mypy"], "contradict"),
        (["--interval", "0"], "--interval"),
    ],
)
def test_bad_options_are_usage_errors(args: list[str], says: str) -> None:
    proc = script(*args)
    assert proc.returncode == 2
    assert says in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("name", ["hook_env.py", "ci_cache.py", "agreement.py"])
def test_the_other_bench_scripts_import_the_shared_helpers(name: str) -> None:
    proc = script("--help", path=REPO / "bench" / name)
    assert proc.returncode == 0, proc.stderr
    assert "usage:" in proc.stdout


def test_the_plan_follows_the_options() -> None:
    quick = cli.Plan.of(cli.parse_args(["--quick"]))
    assert (quick.runs, quick.counts, [k for k, _ in quick.trees]) == (
        1,
        (1, 10),
        ["small"],
    )
    full = cli.Plan.of(cli.parse_args(["--runs", "5"]))
    assert full.runs == 5 and full.counts == (1, 10, 100)
    assert dict(full.trees) == {"medium": MEDIUM, "large": LARGE}
    assert cli.parse_args(["--only", "ruff-mypy"]).only == "ruff-mypy"
    assert cli.command_line(["--only", "ruff-mypy"]) == (
        "python bench/run.py --only ruff-mypy"
    )


# -- numbers and tables ---------------------------------------------------------------
def test_median_ratio_and_verdict() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0]) == 2.5
    assert math.isnan(median([]))
    assert math.isnan(median([float("nan")]))
    assert ratio(3.0, 6.0) == 0.5
    assert math.isnan(ratio(1.0, 0.0))
    assert math.isnan(ratio(float("nan"), 2.0))
    assert verdict(0.6, 0.6) == "pass"
    assert verdict(0.61, 0.6) == "fail"
    assert verdict(float("nan"), 0.6) == "n/a"


def test_fmt_keeps_three_figures() -> None:
    assert fmt(123.4, " s") == "123 s"
    assert fmt(12.34) == "12.3"
    assert fmt(1.234) == "1.23"
    assert fmt(0.01234) == "0.012"
    assert fmt(float("nan")) == "-"


def test_render_table_has_one_row_per_measurement() -> None:
    rows = [
        Row("1 cold cache", "medium", "gate", 30.0, "direct", 60.0, 0.6),
        Row("2 warm", "medium", "gate", 3.0, "direct", 60.0, 0.03),
        Row("5 memory", "medium", "gate", 10.0, "mypy", 0.0, 1.5, unit="MB"),
    ]
    text = render_table(rows)
    lines = text.splitlines()
    assert len(lines) == 2 + len(rows)
    assert lines[2].startswith(
        "| 1 cold cache | medium | gate | 30.0 s | direct | 60.0 s | 0.500"
    )
    assert lines[2].endswith("| pass | - |")
    assert "| 0.050 | <= 0.030 | fail |" in lines[3]
    assert lines[4].endswith("| n/a | - |")
    with_cpu = Row("1", "m", "gate", 2.0, "d", 4.0, 0.6, cpu_value=3, cpu_baseline=4)
    assert render_table([with_cpu]).endswith("| pass | 0.750 |")


def test_render_markdown_names_the_machine_and_counts_targets() -> None:
    rows = [Row("1 cold cache", "medium", "gate", 30.0, "direct", 60.0, 0.6)]
    tree = Tree("medium", MEDIUM, Path("/x"), ["a.py"], ["a.py"], 1234)
    text = render_markdown(
        rows,
        machine={"cores": "2", "black version": "1.0"},
        trees=[tree],
        details="(details)",
        breakdown="(breakdown)",
        warnings=["mypy crashed"],
        command="python bench/run.py --quick",
        notes=["a note"],
    )
    assert "| cores | 2 |" in text
    assert "| black version | 1.0 |" in text
    assert "`pytest==9.2.0` | 1 | 1,234 |" in text
    assert "1 of 1 targets met" in text
    assert "## Warnings\n\n- mypy crashed" in text
    assert "## Notes\n\n- a note" in text
    assert text.index("(details)") < text.index("(breakdown)")
    bare = render_markdown(
        rows,
        machine={},
        trees=[tree],
        details="",
        breakdown="",
        warnings=[],
        command="c",
    )
    assert "## Warnings" not in bare and "## Notes" not in bare


def test_rows_compare_each_scenario_with_its_baseline(tmp_path: Path) -> None:
    b = Bench(tmp_path, interval=0.05, verbose=False)
    for label, wall in {
        "medium/gate-cold": 30.0,
        "medium/direct-cold/total": 60.0,
        "medium/gate-warm": 0.3,
        "medium/ruff": 0.1,
        "medium/gate-edit-1": 0.6,
        "medium/pre-commit-warm": 0.5,
        "medium/pre-commit-noop": 0.1,
        "medium/gate-warm-pc": 0.3,
        "large/gate-edit-1": 1.2,
    }.items():
        b.samples[label] = [sample(wall)]
    b.samples["medium/direct-cold/mypy"] = [sample(1.0, peak=300.0)]
    b.samples["medium/direct-cold/black"] = [sample(1.0, peak=100.0)]
    b.samples["medium/gate-cold"][0].tree_peak_mb = 450.0
    medium = Tree("medium", MEDIUM, tmp_path, [], [], 1000)
    large = Tree("large", LARGE, tmp_path, [], [], 4000)
    rows = rows_for(b, {"medium": medium, "large": large}, [1])
    got = {(r.scenario, r.baseline_name): r for r in rows}
    assert got[("1 cold cache", "5 tools one after the other")].ratio == 0.5
    warm = got[("2 warm, nothing changed", "ruff check (cache warm)")]
    assert warm.ratio == pytest.approx(3.0)
    assert got[("3 one file edited", "5 tools, cold")].ratio == pytest.approx(0.01)
    memory = got[("5 peak memory (process tree)", "largest tool (mypy)")]
    assert (memory.value, memory.baseline, memory.unit) == (450.0, 300.0, "MB")
    hook = got[("6 pre-commit hook, warm", "quality-gates run + no-op hook's floor")]
    assert hook.baseline == pytest.approx(0.4) and "floor 0.100 s" in hook.note
    scaling = got[("4 1 changed file(s)", "same on medium (4.0x fewer lines)")]
    assert scaling.ratio == pytest.approx(2.0)
    assert len(rows) == 7  # no large cold runs recorded: no rows for them


def test_pick_spread_and_edits(tmp_path: Path) -> None:
    items = [f"f{i}.py" for i in range(10)]
    assert pick_spread(items, 3) == ["f0.py", "f3.py", "f6.py"]
    assert pick_spread(items, 20) == items
    (tmp_path / "a.py").write_bytes(b"x = 1")
    edits = Edits(tmp_path)
    edits.apply(["a.py"])
    first = (tmp_path / "a.py").read_bytes()
    assert first.startswith(b"x = 1\n# bench edit ")
    edits.apply(["a.py"])
    assert (tmp_path / "a.py").read_bytes() != first
    edits.restore()
    assert (tmp_path / "a.py").read_bytes() == b"x = 1"


def test_floor_notes_give_the_best_possible_cold_ratio(tmp_path: Path) -> None:
    """Check the note that explains the cold ratio: CPU over cores, against direct."""
    b = Bench(tmp_path, interval=0.05, verbose=False)
    b.samples["medium/gate-cold"] = [Sample(30.0, 40.0, 1.0, 1.0, 1)]
    b.samples["medium/direct-cold/total"] = [Sample(50.0, 45.0, 1.0, 1.0, 0)]
    tree = Tree("medium", MEDIUM, tmp_path, [], [], 0)
    (note,) = floor_notes(b, [tree], 2)
    assert "40.0 s of CPU" in note
    assert "at least 20.0 s" in note
    assert "a ratio of 0.400" in note
    assert floor_notes(b, [Tree("x", LARGE, tmp_path, [], [], 0)], 2) == []


def test_sections_of_other_scripts_survive_a_rewrite(tmp_path: Path) -> None:
    page = tmp_path / "BENCHMARKS.md"
    page.write_text("# Benchmarks\n\nold table\n")
    sections.update(page, "ci-cache", "## CI\n\n| a |\n")
    sections.update(page, "hook-environment", "## Hooks\n")
    sections.update(page, "ci-cache", "## CI, again\n")
    assert page.read_text().count("## CI") == 1 and "## CI, again" in page.read_text()
    rewritten = "# Benchmarks\n\nnew table\n" + sections.kept(page)
    assert rewritten.index("new table") < rewritten.index("## CI, again")
    assert "## Hooks" in rewritten and "old table" not in rewritten


# -- measuring ----------------------------------------------------------------------
def test_measure_records_exit_code_and_logs(tmp_path: Path) -> None:
    b = Bench(tmp_path, interval=0.01, verbose=False)
    cmd = [sys.executable, "-c", "import sys; print('out'); sys.exit(3)"]
    got = b.measure("t/x", cmd, cwd=tmp_path, env=commands.environment(tmp_path))
    assert got.returncode == 3
    assert Path(got.log + ".out").read_text() == "out\n"
    assert b.samples["t/x"] == [got]
    assert not math.isnan(b.wall("t/x")) and math.isnan(b.wall("t/missing"))


def test_a_direct_tool_that_crashes_is_a_warning(tmp_path: Path) -> None:
    b = Bench(tmp_path, interval=0.01, verbose=False)
    tree = Tree("t", MEDIUM, tmp_path, [], [], 0)
    crash = [
        sys.executable,
        "-c",
        "import sys; print('blew up', file=sys.stderr); sys.exit(2)",
    ]
    ok = [sys.executable, "-c", "pass"]
    runs.run_direct(b, tree, "t/direct", tmp_path, {"ok": ok, "crash": crash})
    assert list(b.samples) == ["t/direct/ok", "t/direct/crash", "t/direct/total"]
    assert b.warnings == ["t/direct/crash: exit 2: blew up"]


def test_environment_keeps_every_cache_in_the_run_folder(tmp_path: Path) -> None:
    env = commands.environment(tmp_path / "caches" / "one")
    for name in ("QUALITY_GATES_CACHE_DIR", "BLACK_CACHE_DIR", "RUFF_CACHE_DIR"):
        assert env[name].startswith(str(tmp_path / "caches" / "one"))
    assert "VIRTUAL_ENV" not in env and "PYTHONDONTWRITEBYTECODE" not in env


def test_gate_command_names_the_tools_and_the_report(tmp_path: Path) -> None:
    plain = commands.gate_command(None)
    assert plain[-2:] == ["run", "--all-files"]
    chosen = commands.gate_command(tmp_path / "r.json", "ruff,mypy")
    assert chosen[-6:] == [
        "--tools",
        "ruff,mypy",
        "--format",
        "json",
        "--output",
        str(tmp_path / "r.json"),
    ]


def test_ruff_gets_the_gates_settings_unless_the_project_has_its_own(
    project: Project,
) -> None:
    project.write("a.py", "x = 1\n")
    defaults = commands.ruff_commands(project.root)
    assert defaults["ruff-check"][1:] == ["check", "--line-length", "88", "."]
    assert defaults["ruff-format"][1:] == ["format", "--check", "--line-length"] + [
        "88",
        ".",
    ]
    project.write("pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    own = commands.ruff_mypy_commands(project.root, ["a.py"], project.root / "c")
    assert own["ruff-check"][1:] == ["check", "."]
    assert own["mypy"][-1] == "a.py" and str(project.root / "c" / "mypy") in own["mypy"]


def test_each_tool_gets_the_files_the_gate_gives_it(project: Project) -> None:
    """The direct run checks what the gate checks: mypy follows its own config."""
    project.write("pyproject.toml", '[tool.mypy]\nfiles = ["src"]\n')
    names = ["src/a.py", "tests/t.py"]
    for name in names:
        project.write(name, "x = 1\n")
    direct = commands.direct_commands(project.root, names, project.root / "c")
    assert direct["mypy"][-1] == "src/a.py" and "tests/t.py" not in direct["mypy"]
    assert direct["black"][-2:] == names and direct["flake8"][-2:] == names
    project.write("pyproject.toml", '[tool.mypy]\nfiles = ["nothing"]\n')
    direct = commands.direct_commands(project.root, names, project.root / "c")
    assert sorted(direct) == ["bandit", "black", "flake8", "isort"]
    both = commands.ruff_mypy_commands(project.root, names, project.root / "c")
    assert sorted(both) == ["ruff-check", "ruff-format"]


# -- the ruff and mypy comparison -------------------------------------------------------
def test_ruff_mypy_section_puts_the_gate_beside_the_direct_run(tmp_path: Path) -> None:
    b = Bench(tmp_path, interval=0.05, verbose=False)
    walls = {"gate-cold": 4.0, "gate-warm": 0.2, "direct-warm/total": 1.0}
    for label, wall in walls.items():
        b.samples[f"medium/ruff-mypy/{label}"] = [sample(wall, cpu=wall)]
    for tool, wall in {"ruff-check": 0.5, "ruff-format": 0.5, "mypy": 7.0}.items():
        b.samples[f"medium/ruff-mypy/direct-cold/{tool}"] = [sample(wall)]
    b.samples["medium/ruff-mypy/direct-cold/total"] = [sample(8.0, cpu=16.0)]
    b.samples["medium/gate-cold"] = [sample(30.0)]  # the five-tool run: not here
    b.gate_tools["medium/ruff-mypy/gate-cold"] = {
        "ruff": {"status": "ok", "seconds": 0.4, "cached": 0, "files": 3}
    }
    b.warnings += ["medium/ruff-mypy/direct-cold/mypy: exit 2: boom", "other: x"]
    b.findings["medium/ruff-mypy/gate-cold"] = {"ruff": 5, "ruff-format": 2, "mypy": 1}
    b.findings["medium/ruff-mypy/direct-cold"] = {"ruff-check": 5, "mypy": 1}
    tree = Tree("medium", MEDIUM, tmp_path, ["a.py", "b.py", "c.py"], ["a.py"], 9)
    tree.checked = {"ruff": 4, "mypy": 1}
    facts = ruff_mypy.facts_of({"cores": "2", "ruff version": "0.17.6"})
    text = ruff_mypy.section(b, [tree], command="python bench/run.py", facts=facts)
    assert text.startswith("## ruff and mypy: the gate against the tools run directly")
    assert "Written by `python bench/run.py`" in text and "ruff 0.17.6" in text
    assert "shared with other work" in text
    assert "| medium | cold | 4.00 s | 0.500 s | 0.500 s | 7.00 s | 8.00 s " in text
    assert "| **0.500** | 0.250 | 1.00 |" in text
    assert (
        "| medium | warm | 0.200 s | - | - | - | 1.00 s | **0.200** | 0.200 |" in text
    )
    assert "its 3 git-tracked Python files (1 valid" in text
    assert "`ruff check .` finds 4 files itself; mypy checks 1 on both" in text
    assert "| medium/ruff-mypy/gate-cold | ruff | ok | 0.400 | 0 / 3 |" in text
    assert "| medium | 5 / 5 | 2 / ? | 1 / 1 | 0 / - |" in text  # no count: "?"
    assert "- medium/ruff-mypy/direct-cold/mypy: exit 2: boom" in text
    assert "other: x" not in text and "| medium/gate-cold |" not in text
    assert cli.main_labels(b) == ["medium/gate-cold"]


def test_ruff_mypy_measures_the_real_tools_side_by_side(
    project: Project, tmp_path: Path
) -> None:
    """One round on a small repository: the real gate, ruff and mypy."""
    project.write("pkg/__init__.py", "")
    project.write("pkg/mod.py", "import os\n\n\ndef f(x: int) -> str:\n    return x\n")
    project.write("broken.py", "def (:\n")
    project.commit("three files")
    project.write("untracked.py", "y = 2\n")  # ruff finds it, the gate does not
    names, valid = python_files(project.root)
    tree = Tree("tiny", sdists.Sdist("tiny", "1"), project.root, names, valid, 3)
    b = Bench(tmp_path / "work", interval=0.05, verbose=False)
    ruff_mypy.measure(b, tree, 1)
    base = "tiny/ruff-mypy"
    assert sorted(label for label in b.samples) == sorted(
        f"{base}/{side}-{state}{tool}"
        for state in ("cold", "warm")
        for side, tool in [("gate", "")]
        + [("direct", f"/{t}") for t in ("ruff-check", "ruff-format", "mypy", "total")]
    )
    gate = b.samples[f"{base}/gate-cold"][0]
    assert gate.returncode == 1  # the findings, and the file that is not Python
    assert b.samples[f"{base}/direct-cold/mypy"][0].returncode == 1
    assert b.samples[f"{base}/direct-cold/ruff-check"][0].returncode == 1
    # the file the gate gives no tool is kept from ruff too: no parse error
    assert b.samples[f"{base}/direct-cold/ruff-format"][0].returncode == 0
    assert sorted(b.gate_tools[f"{base}/gate-cold"]) == ["mypy", "ruff"]
    # both sides find the same: F401 in pkg/mod.py and untracked.py's nothing,
    # no file to reformat, mypy's return-value error; broken.py is the gate's own
    gate, direct = (b.findings[f"{base}/{side}-cold"] for side in ("gate", "direct"))
    assert gate == {"ruff": 1, "ruff-format": 0, "mypy": 1, "python": 1}
    assert direct == {"ruff-check": 1, "ruff-format": 0, "mypy": 1}
    assert b.warnings == []
    assert (names, valid) == (["broken.py", *valid], ["pkg/__init__.py", "pkg/mod.py"])
    # ruff's own discovery: untracked.py as well
    assert tree.checked == {"ruff": 3, "mypy": 2}


# -- the shared helpers: bench/sdists.py ---------------------------------------------
def test_sdist_pins_and_archive_names() -> None:
    pin = sdists.Sdist.parse("flake8-docstrings==1.7.0")
    assert pin == sdists.Sdist("flake8-docstrings", "1.7.0")
    assert pin.requirement == "flake8-docstrings==1.7.0"
    assert pin.is_archive("flake8_docstrings-1.7.0.tar.gz")
    assert pin.is_archive("flake8-docstrings-1.7.0.tar.gz")
    assert not pin.is_archive("flake8_docstrings-1.7.01.tar.gz")
    assert not pin.is_archive("flake8_docstrings-1.7.0.whl")
    assert not pin.is_archive("flake8-1.7.0.tar.gz")
    for bad in ("pytest", "pytest==", "==1.0", ""):
        with pytest.raises(ValueError, match="NAME==VERSION"):
            sdists.Sdist.parse(bad)


def tar_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_unpack_makes_a_committed_repository(tmp_path: Path) -> None:
    archive = tmp_path / "sdists" / "tiny-1.0.tar.gz"
    archive.parent.mkdir()
    archive.write_bytes(tar_of({"tiny-1.0/a.py": b"x = 1\n", "tiny-1.0/b/c.py": b""}))
    pin = sdists.Sdist("tiny", "1.0")
    assert sdists.download(pin, tmp_path / "sdists") == archive  # there: no pip
    root = sdists.unpack(archive, tmp_path / "trees" / "tiny", "tiny==1.0 sdist")
    assert sdists.git(root, "ls-files").split() == ["a.py", "b/c.py"]
    assert sdists.git(root, "log", "--format=%s %an").strip() == "tiny==1.0 sdist bench"
    assert sdists.git(root, "status", "--porcelain") == ""
    assert [p.name for p in (tmp_path / "trees").iterdir()] == ["tiny"]
    (root / "a.py").write_text("x = 2\n")
    sdists.unpack(archive, root, "again")  # a fresh tree: the edit is gone
    assert (root / "a.py").read_text() == "x = 1\n"


@pytest.mark.parametrize(
    "content, says",
    [
        pytest.param(
            b"not a tar archive", "cannot unpack bad-1.0.tar.gz", id="not-tar"
        ),
        pytest.param(b"", "cannot unpack bad-1.0.tar.gz", id="empty"),
        pytest.param(
            tar_of({"one/a.py": b"", "two/b.py": b""}),
            "no single top folder",
            id="two-tops",
        ),
        # ids, not the bytes: gzip's header holds the time, and xdist's
        # workers must collect the same test names
        pytest.param(tar_of({"a.py": b""}), "no single top folder", id="no-top"),
    ],
)
def test_a_bad_archive_is_a_one_line_error(
    tmp_path: Path, content: bytes, says: str
) -> None:
    archive = tmp_path / "bad-1.0.tar.gz"
    archive.write_bytes(content)
    with pytest.raises(SystemExit, match=says):
        sdists.unpack(archive, tmp_path / "trees" / "bad", "m")
    assert list((tmp_path / "trees").iterdir()) == []  # no staging folder left


@pytest.mark.parametrize(
    "tool, text, count",
    [
        ("ruff-check", "x.py:1:1: F401 ...\nFound 12 errors.\n", 12),
        ("ruff-check", "Found 1 error.\n[*] 1 fixable with `--fix`.\n", 1),
        ("ruff-check", "All checks passed!\n", 0),
        ("ruff-format", "Would reformat: a.py\n1 file would be reformatted\n", 1),
        (
            "ruff-format",
            "88 files would be reformatted, 2738 files already formatted",
            88,
        ),
        ("ruff-format", "3 files already formatted\n", 0),
        (
            "mypy",
            "a.py:1: error: x\nFound 2 errors in 1 file (checked 3 source files)",
            2,
        ),
        ("mypy", "Success: no issues found in 3 source files\n", 0),
        ("mypy", "a.py: error: Duplicate module named 'a'\n", None),
        ("ruff-check", "", None),
    ],
)
def test_summary_counts_read_each_tools_own_line(
    tool: str, text: str, count: int | None
) -> None:
    assert ruff_mypy.summary_count(tool, text) == count


def test_gate_findings_are_counted_by_tool_and_reformatted_file() -> None:
    report = {
        "findings": [
            {"tool": "ruff", "rule": "F401", "path": "a.py"},
            {"tool": "ruff", "rule": "ruff-format", "path": "a.py"},
            {"tool": "ruff", "rule": "ruff-format", "path": "a.py"},
            {"tool": "ruff", "rule": "ruff-format", "path": "b.py"},
            {"tool": "mypy", "rule": "return-value", "path": "b.py"},
        ]
    }
    assert runs.count_findings(report) == {"ruff": 1, "ruff-format": 2, "mypy": 1}
    assert runs.count_findings({}) == {"ruff-format": 0}


def test_git_failure_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"^bench: git rev-parse HEAD in .*: fatal"):
        sdists.git(tmp_path, "rev-parse", "HEAD")


def test_the_bench_requirements_pin_the_ruff_of_the_ruff_extra() -> None:
    """The gate's ruff and the direct run's are one version, or the ratio lies."""
    import tomllib

    extra = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["ruff"]
    pins = [
        line.split("#")[0].strip()
        for line in (REPO / "bench" / "requirements.txt").read_text().splitlines()
    ]
    ruff_pins = [pin for pin in pins if pin.startswith("ruff")]
    assert ruff_pins == extra == ["ruff==0.17.6"]


def test_hook_env_times_cpu_of_every_child_and_renders_both_ratios() -> None:
    from bench import hook_env

    wall, cpu = hook_env.timed(
        lambda: hook_env.run([sys.executable, "-c", "sum(range(3_000_000))"])
    )
    assert wall > 0 and cpu > 0  # the child's CPU seconds are counted
    row = {"rev": "HEAD (abc1234)", "mb": 127.6, "load": "1.0 / 2.0"}
    row.update(hooks=22.0, hooks_cpu=6.6, alone=20.0, alone_cpu=6.3)
    row.update(floor=20.0, floor_cpu=6.0)
    text = hook_env.render([row], 3)
    assert text.splitlines()[-3:] == [
        "| HEAD (abc1234) | 22.0 s (6.6) | 20.0 s (6.3) | 20.0 s (6.0) "
        "| 1.10 | 1.10 | 128 MB | 1.0 / 2.0 |",
        "",
        "HEAD (abc1234): of the 0.6 CPU seconds over the floor, pre-commit's own "
        "(its start, the clone) 0.3, the suite's (building its wheel, unpacking "
        "and compiling its modules) 0.3.",
    ]


# -- --check: the ratios against the committed results ----------------------------------
def check_row(scenario: str, cpu: float, wall: float = 1.0, unit: str = "s") -> Row:
    row = Row(scenario, "medium", "gate", wall, "base", 1.0, 1.0, unit=unit)
    row.cpu_value, row.cpu_baseline = cpu, 1.0
    return row


def committed(tmp_path: Path, rows: list[Row], bounds: dict | None = None) -> Path:
    from bench.speed import check

    path = tmp_path / "results.json"
    check.save(path, rows, {"cores": "2"})
    if bounds is not None:
        data = check.load(path)
        data["bounds"] = bounds
        path.write_text(json.dumps(data))
    return path


def test_check_fails_only_past_the_noise_bound(tmp_path: Path) -> None:
    from bench.speed import check

    path = committed(
        tmp_path,
        [
            check_row("warm", 2.0),
            check_row("cold", 0.8),
            check_row("memory", float("nan"), wall=1.0, unit="MB"),
            check_row("edit", 1.0),
        ],
        {"medium | warm | base": {"bound": 0.5}},
    )
    data = check.load(path)
    verdicts = check.compare(
        [
            check_row("warm", 2.9),  # +45%: inside its own bound of 50%
            check_row("cold", 1.05),  # +31%: past the floor of 25%
            check_row("memory", float("nan"), wall=1.3, unit="MB"),  # MB, not CPU
            check_row("edit", 0.7),  # -30%: faster than the results say
            check_row("new scenario", 5.0),  # nothing committed: not compared
        ],
        data,
    )
    assert [(v.key.split(" | ")[1], v.status) for v in verdicts] == [
        ("warm", "ok"),
        ("cold", "regressed"),
        ("memory", "regressed"),
        ("edit", "improved"),
    ]
    assert check.failed(verdicts)
    table = check.render(verdicts)
    assert "| medium | cold | base | 0.800 | 1.05 | +25% | 1.00 | regressed |" in table
    assert table.endswith("2 regression(s) beyond the noise bound")


def test_check_with_nothing_to_compare_fails(tmp_path: Path) -> None:
    from bench.speed import check

    data = check.load(committed(tmp_path, [check_row("warm", 1.0)]))
    verdicts = check.compare([check_row("other", 1.0)], data)
    assert verdicts == [] and check.failed(verdicts)
    assert "no row of this run has a committed result" in check.render(verdicts)


def test_calibration_sets_each_bound_past_the_worst_run(tmp_path: Path) -> None:
    from bench.speed import check

    data = check.load(
        committed(
            tmp_path,
            [check_row("warm", 2.0), check_row("cold", 1.0), check_row("ruff", 8.0)],
        )
    )
    runs = [
        [check_row("warm", 2.2), check_row("cold", 1.01), check_row("ruff", 8.2)],
        [check_row("warm", 1.7), check_row("cold", 0.98), check_row("ruff", 1.6)],
        [check_row("warm", 2.4), check_row("cold", 1.02), check_row("ruff", 8.0)],
    ]
    bounds = check.calibrate(runs, data)
    # warm rose up to +20%: bound 2 x 20% = 40%; cold within 2%: the floor
    assert bounds["medium | warm | base"] == {
        "bound": 0.4,
        "deviations": [0.1, -0.15, 0.2],
    }
    assert bounds["medium | cold | base"]["bound"] == check.FLOOR
    # a run far faster than committed (its baseline slow) cannot fail the check:
    # it is kept, and does not widen the bound
    assert bounds["medium | ruff | base"] == {
        "bound": check.FLOOR,
        "deviations": [0.025, -0.8, 0.0],
    }


def test_a_full_run_keeps_the_calibrated_bounds(tmp_path: Path) -> None:
    from bench.speed import check

    bounds = {"medium | warm | base": {"bound": 0.4, "deviations": [0.2]}}
    path = committed(tmp_path, [check_row("warm", 2.0)], bounds)
    check.save(path, [check_row("warm", 3.0)], {"cores": "2"})
    data = check.load(path)
    assert data["bounds"] == bounds
    assert data["rows"]["medium | warm | base"]["compared"] == 3.0


VALID = {"format": "quality-gates-bench-results", "machine": {}, "bounds": {}}
ROW = {"compared": 0.8, "ratio": 0.9, "cpu_ratio": 0.8, "value": 1.0, "baseline": 1.0}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "does not exist: a full run (python bench/run.py) writes it"),
        (b"", "is unreadable: Expecting value"),
        (b'{"format": "quality-gates-bench-results", "rows": {', "is unreadable"),
        (b"\xff\xfe\x00binary", "is unreadable"),
        (b"[]", "is not a results file of bench/run.py"),
        (b'{"format": "other", "rows": {}}', "is not a results file of bench/run.py"),
        (json.dumps({**VALID, "rows": []}).encode(), "has no rows"),
        (
            json.dumps({**VALID, "rows": {"medium | 1 cold cache | x": {}}}).encode(),
            "row 'medium | 1 cold cache | x' has no number 'compared'",
        ),
        (
            json.dumps({**VALID, "rows": {"k": {**ROW, "compared": "0.8"}}}).encode(),
            "row 'k' has no number 'compared'",
        ),
        (
            json.dumps({**VALID, "rows": {"k": ROW}, "bounds": []}).encode(),
            "'bounds' is not a table",
        ),
        (
            json.dumps(
                {**VALID, "rows": {"k": ROW}, "bounds": {"k": {"bound": -0.1}}}
            ).encode(),
            "bound of 'k' is not a number from 0 to 10",
        ),
        (
            json.dumps(
                {**VALID, "rows": {"k": ROW}, "bounds": {"k": {"bound": True}}}
            ).encode(),
            "bound of 'k' is not a number from 0 to 10",
        ),
    ],
)
def test_a_missing_or_wrong_results_file_is_one_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    content: bytes | None,
    says: str,
) -> None:
    path = tmp_path / "results.json"
    if content is not None:
        path.write_bytes(content)
    measured = []
    monkeypatch.setattr(cli, "measure_check", measured.append)  # must not be reached
    code = cli.main(["--check", "--results", str(path), "--work", str(tmp_path / "w")])
    err = capsys.readouterr().err
    assert code == 2 and measured == []
    assert err.count("\n") == 1 and err.startswith(f"bench: {path}")
    assert says in err


def test_the_calibrate_option_writes_nothing_when_the_file_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "results.json"
    path.write_text('{"format": "other"}')
    output = tmp_path / "BENCHMARKS.md"
    code = cli.main(
        ["--calibrate", "3", "--results", str(path), "--output", str(output)]
    )
    assert code == 2 and path.read_text() == '{"format": "other"}'
    assert not output.exists()
    assert "is not a results file" in capsys.readouterr().err


# -- --check end to end, the measurements made up: what a slower gate does --------------
TOOL_CPU = {"black": 3.0, "isort": 1.0, "flake8": 6.0, "mypy": 9.0, "bandit": 5.0}


def made_up_check(gate_cpu: float = 1.0, gate_exit: int = 0, skip: str = "") -> object:
    """Stand in for ``measure_check``: the samples a check records, made up.

    The gate's own CPU seconds are multiplied by ``gate_cpu`` (a slower gate);
    ``skip`` names a label the run leaves out (a scenario that stopped running).
    """

    def measure(run: cli.Session) -> dict[str, Tree]:
        bench, key = run.bench, "medium"
        made = {
            "gate-cold": sample(10.0, 16.0 * gate_cpu, peak=400.0),
            "gate-warm": sample(0.3, 0.25 * gate_cpu),
            "gate-edit-1": sample(1.0, 0.9 * gate_cpu),
            "ruff": sample(0.1, 0.2),
            "direct-cold/total": sample(24.0, sum(TOOL_CPU.values()), peak=300.0),
        }
        made.update(
            {
                f"direct-cold/{t}": sample(c, c, peak=30.0 * c)
                for t, c in TOOL_CPU.items()
            }
        )
        made["gate-cold"].returncode = gate_exit
        if gate_exit == 2:
            bench.warnings.append("medium/gate-cold: exit 2: mypy crashed")
        for label, one in made.items():
            if label != skip:
                bench.samples[f"{key}/{label}"] = [one] * run.plan.runs
        return {key: Tree(key, MEDIUM, run.bench.work, [], [], 1000)}

    return measure


def committed_by_a_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Write results.json from a made-up run of the unchanged gate."""
    from bench.speed import check

    monkeypatch.setattr(cli, "measure_check", made_up_check())
    args = cli.parse_args(["--check", "--work", str(tmp_path / "w")])
    bench = cli.start(args)
    run = cli.Session(args, cli.Plan.of(args), bench, "0", "")
    path = tmp_path / "results.json"
    check.save(path, rows_for(bench, cli.measure_check(run), (1,)), {"cores": "2"})
    return path


@pytest.mark.parametrize(
    ("gate", "code", "says"),
    [
        ({}, 0, "no regression beyond the noise bound"),
        # the gate's own CPU 30% up: past the 25% floor in every timed row
        ({"gate_cpu": 1.3}, 1, "4 regression(s) beyond the noise bound"),
        # 20% up: inside the bound
        ({"gate_cpu": 1.2}, 0, "no regression beyond the noise bound"),
        # a scenario that no longer runs: its rows cannot be judged
        ({"skip": "ruff"}, 2, "1 row(s) not measured: the check cannot judge"),
        # mypy no longer measured: the committed memory row (against mypy) is not
        (
            {"skip": "direct-cold/mypy"},
            2,
            "1 row(s) not measured: the check cannot judge",
        ),
    ],
)
def test_check_end_to_end_on_made_up_measurements(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    gate: dict,
    code: int,
    says: str,
) -> None:
    path = committed_by_a_run(tmp_path, monkeypatch)
    monkeypatch.setattr(cli, "measure_check", made_up_check(**gate))
    got = cli.main(["--check", "--results", str(path), "--work", str(tmp_path / "w")])
    out = capsys.readouterr().out
    assert out.rstrip().endswith(says)
    assert got == code


def test_a_gate_that_fails_makes_the_check_exit_2_not_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = committed_by_a_run(tmp_path, monkeypatch)
    # a gate that crashes early is fast: without this it would read as "improved"
    monkeypatch.setattr(cli, "measure_check", made_up_check(0.1, gate_exit=2))
    got = cli.main(["--check", "--results", str(path), "--work", str(tmp_path / "w")])
    captured = capsys.readouterr()
    assert got == 2 and captured.out == ""
    assert captured.err == (
        "bench: a measured command failed, so its time says nothing: "
        "medium/gate-cold: exit 2: mypy crashed\n"
    )


def test_calibrate_writes_each_rows_bound_from_its_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.speed import check

    path = committed_by_a_run(tmp_path, monkeypatch)
    slower = iter([1.0, 1.2, 0.9])
    monkeypatch.setattr(
        cli,
        "measure_check",
        lambda run: made_up_check(next(slower))(run),
    )
    output = tmp_path / "BENCHMARKS.md"
    output.write_text("# Benchmarks\n\nthe last full run\n")
    args = ["--calibrate", "3", "--results", str(path), "--work", str(tmp_path / "w")]
    assert cli.main([*args, "--output", str(output)]) == 0
    data = check.load(path)
    warm = data["bounds"]["medium | 2 warm, nothing changed | ruff check (cache warm)"]
    # +20% the worst: 2 x 20% = 40%
    assert warm == {"bound": 0.4, "deviations": [0.0, 0.2, -0.1]}
    memory = data["bounds"][
        "medium | 5 peak memory (process tree) | largest tool (mypy)"
    ]
    assert memory == {"bound": check.FLOOR, "deviations": [0.0, 0.0, 0.0]}
    assert data["calibration"]["runs per measurement"] == "3"
    assert json.loads(capsys.readouterr().out) == data["bounds"]
    text = output.read_text()
    assert text.startswith(
        "# Benchmarks\n\nthe last full run\n\n<!-- section:check-bounds"
    )
    assert (
        "| medium | 2 warm, nothing changed | ruff check (cache warm) | 1.25 "
        "| +0.0%, +20.0%, -10.0% | +40% |\n"
    ) in text
    assert "run 3 times on one commit" in text


def test_package_bases_go_where_the_project_configures_mypy(tmp_path: Path) -> None:
    from bench.speed.trees import MYPY_INI, set_package_bases

    own = tmp_path / "own"
    own.mkdir()
    (own / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.mypy]\nstrict = true\n'
    )
    set_package_bases(own)
    assert (
        (own / "pyproject.toml")
        .read_text()
        .endswith("[tool.mypy]\nexplicit_package_bases = true\nstrict = true\n")
    )
    assert not (own / "mypy.ini").exists()
    bare = tmp_path / "bare"
    bare.mkdir()
    set_package_bases(bare)
    assert (bare / "mypy.ini").read_text() == MYPY_INI


def test_warm_runs_match_findings_against_a_baseline_the_gate_wrote(
    project: Project, tmp_path: Path
) -> None:
    from bench.speed.commands import environment
    from bench.speed.scenarios import BASELINE, take_baseline

    project.write("pyproject.toml", '[tool.quality-gates]\ntools = ["flake8"]\n')
    project.write("m.py", "import os\n")
    project.commit()
    tree = Tree("small", MEDIUM, project.root, ["m.py"], ["m.py"], 1)
    env = environment(tmp_path / "caches")
    take_baseline(tree, env)
    written = json.loads((project.root / BASELINE).read_text())
    assert {(f["path"], f["rule"]) for f in written["findings"]} == {
        ("m.py", "D100"),
        ("m.py", "F401"),
    }
    (project.root / BASELINE).write_text("kept")  # one there already: untouched
    take_baseline(tree, env)
    assert (project.root / BASELINE).read_text() == "kept"
