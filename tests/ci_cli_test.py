"""``quality-gates ci ...`` for real: subprocesses, real git, real pytest-cov."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HOOKS, InProcess, Project
from quality_gates import commands
from quality_gates.ci import (
    action_options,
    docs_build,
    publish,
    pytest_cell,
    relative_coverage,
)
from quality_gates.errors import GateError
from quality_gates.report import Report

BAD = '"""Doc."""\n\nimport os\n'
PYPROJECT = (
    '[project]\nname = "p"\nversion = "0"\n\n[tool.quality-gates]\ntools = ["flake8"]\n'
)


def actions_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        **extra,
    }


def read_outputs(tmp_path: Path) -> dict[str, str]:
    return dict(
        line.split("=", 1) for line in (tmp_path / "out").read_text().splitlines()
    )


def test_needs_fails_on_a_failed_cell_with_annotation_summary_and_output(
    tmp_path: Path, qg: InProcess
) -> None:
    needs = json.dumps({"test": {"result": "failure"}, "lint": {"result": "success"}})
    proc = qg(tmp_path, "ci", "needs", "--needs-json", needs, env=actions_env(tmp_path))
    assert proc.returncode == 1
    assert "::error title=needed jobs::needed job 'test' failed" in proc.stdout
    assert "| test | failure |" in (tmp_path / "summary").read_text()
    assert read_outputs(tmp_path)["failed-jobs"] == "test"


def test_needs_reads_the_environment_and_rejects_empty(
    tmp_path: Path, qg: InProcess
) -> None:
    proc = qg(tmp_path, "ci", "needs", env=actions_env(tmp_path, QG_NEEDS_JSON=""))
    assert proc.returncode == 2
    assert "needs-json is empty" in proc.stderr


def test_gate_all_writes_sarif_json_summary_outputs(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    project.write("pyproject.toml", PYPROJECT)
    project.write("a.py", BAD)
    project.commit()
    env = actions_env(tmp_path)
    proc = qg(
        project.root,
        "ci",
        "gate",
        "--mode",
        "all",
        "--sarif",
        "g.sarif",
        "--json",
        "g.json",
        env=env,
    )
    assert proc.returncode == 1, proc.stderr
    # F401 (pyflakes) is an error: the annotation's level is the finding's severity
    assert "::error file=a.py,line=3" in proc.stdout
    assert "::warning file=a.py" not in proc.stdout
    assert json.loads((project.root / "g.sarif").read_text())["version"] == "2.1.0"
    assert (
        json.loads((project.root / "g.json").read_text())["findings"][0]["rule"]
        == "F401"
    )
    outputs = read_outputs(tmp_path)
    assert outputs["new-findings"] == "1" and outputs["sarif-file"] == str(
        project.root / "g.sarif"
    )
    report = json.loads((project.root / "g.json").read_text())
    assert outputs["score"] == str(report["score"]) and report["score"] < 100
    assert "## quality-gates run: failed" in (tmp_path / "summary").read_text()


def test_gate_an_empty_shard_passes_and_says_so(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    project.write("pyproject.toml", PYPROJECT)
    project.write("a.py", BAD)
    project.commit()
    codes, summaries = [], []
    for i in range(2):
        folder = tmp_path / f"shard-{i}"  # each shard's job has its own summary
        folder.mkdir()
        argv = ["--mode", "all", "--shard-index", str(i), "--shard-count", "2"]
        proc = qg(project.root, "ci", "gate", *argv, env=actions_env(folder))
        codes.append(proc.returncode)
        summary = folder / "summary"
        summaries.append(summary.read_text() if summary.exists() else "")
    # the one file goes to one shard: that one fails on it, the other passes
    assert sorted(codes) == [0, 1]
    empty = codes.index(0)
    assert summaries[empty] == (
        f"## quality-gates run: passed\n\n- shard {empty + 1} of 2 has no files\n\n"
    )
    assert summaries[1 - empty].startswith("## quality-gates run: failed\n")
    assert "| `a.py` | 3 | flake8 | F401 |" in summaries[1 - empty]


def test_gate_changed_without_a_base_is_an_error(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    project.write("a.py", '"""Doc."""\n')
    project.commit()
    proc = qg(
        project.root,
        "ci",
        "gate",
        "--mode",
        "changed",
        env=actions_env(tmp_path, GITHUB_EVENT_NAME="push"),
    )
    assert proc.returncode == 2
    assert "no base commit" in proc.stderr


def test_report_needs_a_subcommand(tmp_path: Path, qg: InProcess) -> None:
    proc = qg(tmp_path, "ci", "report", env=actions_env(tmp_path))
    assert proc.returncode == 2 and "name the subcommand" in proc.stderr


def test_report_of_score_prints_the_score_table(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    """``ci report -- score`` logs score's own table and publishes the score."""
    project.write("pyproject.toml", PYPROJECT)
    project.write("a.py", BAD)
    project.commit()
    proc = qg(project.root, "ci", "report", "--", "score", env=actions_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    outputs = read_outputs(tmp_path)
    # the table's first line is the published score and rating
    assert proc.stdout.splitlines()[0] == (
        f"score {outputs['score']}/100, rating {outputs['rating']}"
    )
    assert float(outputs["score"]) < 100 and outputs["findings"] == "1"
    assert "by tool:\n  flake8 " in proc.stdout


def test_merge_of_two_shards(project: Project, tmp_path: Path, qg: InProcess) -> None:
    project.write("pyproject.toml", PYPROJECT)
    project.write("a.py", BAD)
    project.write("b.py", BAD)
    project.commit()
    shards = tmp_path / "shards"
    for i in range(2):
        qg(
            project.root,
            "ci",
            "gate",
            "--mode",
            "all",
            "--shard-index",
            str(i),
            "--shard-count",
            "2",
            "--json",
            str(shards / f"{i}.json"),
            env=actions_env(tmp_path / f"s{i}"),
        )
    proc = qg(
        project.root,
        "ci",
        "merge",
        "--dir",
        str(shards),
        "--expected",
        "2",
        env=actions_env(tmp_path),
    )
    assert proc.returncode == 1
    assert read_outputs(tmp_path)["new-findings"] == "2"
    assert "merged 2 shard report(s)" in (tmp_path / "summary").read_text()


CALC = (
    "def f(x):\n    if x:\n        return 1\n    return 2\n\n\ndef g():\n    return 3\n"
)
TESTS = {
    "tests/test_a.py": "from calc import f\n\n\ndef test_a():\n    assert f(1) == 1\n",
    "tests/test_b.py": "from calc import g\n\n\ndef test_b():\n    assert g() == 3\n",
}


@pytest.fixture
def tested(project: Project) -> Project:
    project.write(
        "pyproject.toml",
        '[tool.pytest.ini_options]\npythonpath = ["."]\n'
        '[tool.coverage.run]\nsource = ["calc"]\n',
    )
    project.write("calc.py", CALC)
    for name, text in TESTS.items():
        project.write(name, text)
    project.commit()
    return project


def test_pytest_cells_make_relative_data_that_combines_to_the_whole(
    tested: Project, tmp_path: Path, qg: InProcess
) -> None:
    root = tested.root
    for i in range(2):
        cell = pytest_cell.Cell(
            python=sys.executable, paths=["tests"], index=i, count=2, name=f"s{i}"
        )
        code, data, how = pytest_cell.run(cell, root=root, workdir=tmp_path)
        assert (code, data, how) == (0, f".coverage.s{i}", "files")
    from coverage import CoverageData

    for i in range(2):
        d = CoverageData(basename=str(root / f".coverage.s{i}"))
        d.read()
        assert d.measured_files() == {"calc.py"}
    assert action_options.anchor_coverage(root) == [".coverage.s0", ".coverage.s1"]
    proc = qg(root, "coverage", "--combine", "--fail-under", "50", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["percent"] == pytest.approx(
        83.33, abs=0.01
    )  # 5 of 6 statements


def test_ci_coverage_warns_on_a_pull_request_and_fails_on_a_push_under_fail_under(
    tested: Project, tmp_path: Path, qg: InProcess
) -> None:
    """The coverage-gate action's step: the total is judged on the whole tree only."""
    root = tested.root
    cell = pytest_cell.Cell(
        python=sys.executable, paths=["tests"], index=0, count=1, name="all"
    )
    assert pytest_cell.run(cell, root=root, workdir=tmp_path)[0] == 0
    head = tested.git("rev-parse", "HEAD").strip()
    args = ("ci", "coverage", "--fail-under", "95", "--json", "c.json")
    missed = "total coverage 83.33% is under fail-under 95%"

    pr = qg(
        root,
        *args,
        "--diff-base",
        head,
        env=actions_env(tmp_path, GITHUB_EVENT_NAME="pull_request"),
    )
    assert pr.returncode == 0, pr.stdout + pr.stderr
    escaped = missed.replace("%", "%25")  # a workflow command's data is escaped
    assert f"::warning title=quality-gates coverage::{escaped}\n" in pr.stdout
    assert "::error" not in pr.stdout
    report = json.loads((root / "c.json").read_text())
    assert (report["findings"], report["summary"]["threshold_warnings"]) == (
        [],
        [missed],
    )

    push = qg(root, *args, env=actions_env(tmp_path, GITHUB_EVENT_NAME="push"))
    assert push.returncode == 1, push.stdout + push.stderr
    assert f"::error title=coverage fail-under::.coverage: {escaped}: add tests" in (
        push.stdout
    )
    assert "::warning" not in push.stdout
    assert [
        f["rule"] for f in json.loads((root / "c.json").read_text())["findings"]
    ] == ["fail-under"]


def test_a_cell_runs_from_the_checkout_with_the_standard_library_only(
    tested: Project, tmp_path: Path
) -> None:
    """matrix-test runs ``python hooks ci pytest`` uninstalled (-S: no site-packages).

    The tests themselves run in the project's Python, with pytest-cov.
    """
    env = actions_env(tmp_path, RUNNER_TEMP=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-S", str(HOOKS), "ci", "pytest"]
        + ["--python", sys.executable, "--paths", "tests", "--cell", "x"],
        cwd=tested.root,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert read_outputs(tmp_path)["coverage-file"] == ".coverage.x"
    assert (tested.root / ".coverage.x").stat().st_size > 0


def test_more_shards_than_test_files_is_an_error(
    tested: Project, tmp_path: Path
) -> None:
    cell = pytest_cell.Cell(
        python=sys.executable, paths=["tests"], index=2, count=3, name="x"
    )
    with pytest.raises(GateError, match="shard 3 of 3 has no tests"):
        pytest_cell.run(cell, root=tested.root, workdir=tmp_path)


def test_a_missing_interpreter_is_an_error(tested: Project, tmp_path: Path) -> None:
    cell = pytest_cell.Cell(
        python=str(tmp_path / "nope"), paths=[], index=0, count=2, name="x"
    )
    with pytest.raises(GateError, match="cannot run"):
        pytest_cell.run(cell, root=tested.root, workdir=tmp_path)


@pytest.mark.parametrize(
    ("explicit", "version", "paths", "marker", "index", "count", "expected"),
    [
        ("", "3.12", "", "", 0, 1, "py3.12"),
        ("", "3.12", "", "not slow", 1, 3, "py3.12-not-slow-2of3"),
        ("", "3.12", "tests/unit", "", 0, 2, "py3.12-tests-unit-1of2"),
        ("unit/a b", "3.11", "tests", "x", 0, 2, "unit-a-b"),
    ],
)
def test_cell_name(
    explicit: str,
    version: str,
    paths: str,
    marker: str,
    index: int,
    count: int,
    expected: str,
) -> None:
    assert (
        pytest_cell.cell_name(
            explicit=explicit,
            python_version=version,
            marker=marker,
            index=index,
            count=count,
            paths=paths,
        )
        == expected
    )


def test_relative_coverage_script_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert relative_coverage.main([]) == 2
    missing = tmp_path / "missing"
    assert relative_coverage.main([str(missing), str(tmp_path)]) == 2
    assert capsys.readouterr() == (
        "",
        "usage: relative_coverage.py DATA_FILE ROOT\n"
        f"{missing}: no coverage data (did pytest-cov run?)\n",
    )


def test_docs_detection(tmp_path: Path) -> None:
    with pytest.raises(GateError, match="no docs to build"):
        docs_build.detect(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text("")
    assert docs_build.detect(tmp_path) == ("sphinx", "docs")
    assert docs_build.install_command(tmp_path, python="py", given="") == (
        ["py", "-m", "pip", "install", "sphinx"],
        "sphinx alone (no docs requirements found)",
    )
    (tmp_path / "docs" / "requirements.txt").write_text("sphinx\n")
    assert docs_build.install_command(tmp_path, python="py", given="") == (
        ["py", "-m", "pip", "install", "-r", "docs/requirements.txt"],
        "docs/requirements.txt",
    )
    assert docs_build.install_command(tmp_path, python="py", given="make x") == (
        ["bash", "-c", "make x"],
        "install-command",
    )
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    assert docs_build.command(tmp_path, python="py", site_dir="s", build_command="")[
        :4
    ] == ["py", "-m", "mkdocs", "build"]


@pytest.mark.parametrize(
    ("build_command", "install", "message"),
    [
        pytest.param(
            "printf '\\033[31mExtension error: no module x\\033[0m\\n'; exit 3",
            None,
            "building the docs failed (exit 3): Extension error: no module x",
            id="colour-stripped",
        ),
        pytest.param(
            "echo 'ERROR - Unrecognised theme name: material'; exit 1",
            "true",
            "building the docs failed (exit 1): ERROR - Unrecognised theme name:"
            " material; the docs tools came from install-command: set"
            " install-command if it needs more",
            id="names-the-tools-source",
        ),
    ],
)
def test_a_failed_docs_build_says_its_last_lines(
    tmp_path: Path, build_command: str, install: str | None, message: str
) -> None:
    with pytest.raises(GateError) as caught:
        docs_build.build(
            tmp_path,
            python=sys.executable,
            site_dir="site",
            build_command=build_command,
            install=install,
        )
    assert str(caught.value) == message


def test_a_docs_build_without_a_site_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GateError, match="wrote no site"):
        docs_build.build(
            tmp_path, python=sys.executable, site_dir="site", build_command="true"
        )


@pytest.mark.parametrize(
    ("scan", "code", "deps"),
    [("all", True, True), ("code", True, False), ("dependencies", False, True)],
)
def test_security_options(scan: str, code: bool, deps: bool) -> None:
    """The security-scan's options, built in code as its command line would give."""
    given = action_options.security_options(
        requirements="a.txt\nb.txt",
        vuln_db="",
        osv_url="",
        severity="high",
        confidence="",
        scan=scan,
    )
    args = commands.options("security", **given)
    assert args.command == "security" and args.severity_threshold == "high"
    assert args.requirements == ["a.txt", "b.txt"]
    assert (not args.no_code, not args.no_deps) == (code, deps)
    assert args.vuln_db is None and args.osv_url is None
    argv = ["-r", "a.txt", "-r", "b.txt", "--severity-threshold", "high"]
    argv += {"all": [], "code": ["--no-deps"], "dependencies": ["--no-code"]}[scan]
    assert args == commands.parse("security", argv)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"severity": "hgh"}, "--severity-threshold: invalid choice: 'hgh'"),
        ({"confidence": "HIGH"}, "--confidence-threshold: invalid choice: 'HIGH'"),
    ],
)
def test_security_options_are_held_to_the_options_rules(
    given: dict[str, str], message: str
) -> None:
    inputs = dict(
        requirements="", vuln_db="", osv_url="", severity="", confidence="", scan="all"
    )
    with pytest.raises(GateError) as caught:
        commands.options(
            "security", **action_options.security_options(**{**inputs, **given})
        )
    assert str(caught.value) == (f"{message} (choose from 'low', 'medium', 'high')")


def test_security_options_reject_an_unknown_scan() -> None:
    with pytest.raises(GateError, match="scan must be"):
        action_options.security_options(
            requirements="",
            vuln_db="",
            osv_url="",
            severity="",
            confidence="",
            scan="both",
        )


@pytest.mark.parametrize(
    ("mode", "event", "expected"),
    [
        ("auto", "pull_request", "changed"),
        ("auto", "push", "all"),
        ("all", "pull_request", "all"),
        ("changed", "push", "changed"),
    ],
)
def test_resolve_mode(mode: str, event: str, expected: str) -> None:
    assert action_options.resolve_mode(mode, event) == expected


def test_run_options_pass_the_inputs_through(project: Project) -> None:
    project.write("a.py", '"""Doc."""\n')
    project.commit()
    options = action_options.GateOptions(
        tools="flake8,bandit", baseline="b.json", fail_under="75"
    )
    given = action_options.run_options(
        project.root, options, mode="changed", base="abc123"
    )
    assert given is not None
    args = commands.options("run", **given)
    assert (args.command, args.all_files, args.tools) == ("run", True, "flake8,bandit")
    assert (args.diff_base, args.baseline, args.fail_under) == ("abc123", "b.json", 75)
    # the same options as the command line the action stands for
    assert args == commands.parse(
        "run",
        "--all-files --tools flake8,bandit --diff-base abc123 --baseline b.json "
        "--fail-under 75".split(),
    )
    plain = action_options.run_options(
        project.root, action_options.GateOptions(), mode="all", base=""
    )
    assert plain is not None
    assert commands.options("run", **plain) == commands.parse("run", ["--all-files"])


def test_run_options_of_a_shard(project: Project) -> None:
    for name in ("a.py", "b.py"):
        project.write(name, '"""Doc."""\n')
    project.commit()
    shards = [
        action_options.run_options(
            project.root,
            action_options.GateOptions(shard_index=index, shard_count=2),
            mode="all",
            base="",
        )
        for index in (0, 1)
    ]
    named = [given["filenames"] for given in shards if given is not None]
    assert sorted(sum(named, [])) == ["a.py", "b.py"]
    assert all(given is None or "all_files" not in given for given in shards)


@pytest.mark.parametrize(
    ("fail_under", "message"),
    [
        ("75%", "--fail-under: invalid float value: '75%'"),
        ("", None),
    ],
)
def test_run_options_check_the_score_input(
    project: Project, fail_under: str, message: str | None
) -> None:
    project.write("a.py", '"""Doc."""\n')
    project.commit()
    options = action_options.GateOptions(fail_under=fail_under)
    given = action_options.run_options(project.root, options, mode="all", base="")
    assert given is not None
    if message is None:
        assert commands.options("run", **given).fail_under is None
        return
    with pytest.raises(GateError) as caught:
        commands.options("run", **given)
    assert str(caught.value) == message


def test_coverage_options() -> None:
    """The coverage-gate's options, as the `coverage` parser gives them."""
    args = commands.options(
        "coverage",
        **action_options.coverage_options(
            fail_under="", changed_fail_under="90", base=""
        ),
    )
    assert args.combine and args.fail_under is None and args.diff_base is None
    assert args.changed_fail_under is None  # without a base it means nothing
    assert args == commands.parse("coverage", ["--combine"])
    args = commands.options(
        "coverage",
        **action_options.coverage_options(
            fail_under="80", changed_fail_under="90", base="abc"
        ),
    )
    assert (args.fail_under, args.diff_base, args.changed_fail_under) == (80, "abc", 90)
    assert args == commands.parse(
        "coverage",
        "--combine --fail-under 80 --diff-base abc --changed-fail-under 90".split(),
    )
    with pytest.raises(GateError) as caught:
        commands.options(
            "coverage",
            **action_options.coverage_options(
                fail_under="120", changed_fail_under="", base=""
            ),
        )
    assert str(caught.value) == "--fail-under: 120 is not from 0 to 100"


def test_the_tools_never_write_the_workflows_outputs(
    project: Project, tmp_path: Path, qg: InProcess
) -> None:
    """Black 26 appends is_formatted=... to $GITHUB_OUTPUT when it inherits it."""
    project.write("pyproject.toml", PYPROJECT.replace('["flake8"]', '["black"]'))
    project.write("a.py", BAD)
    project.commit()
    env = actions_env(tmp_path, GITHUB_ENV=str(tmp_path / "env"), GITHUB_ACTIONS="true")
    (tmp_path / "env").write_text("")
    proc = qg(project.root, "ci", "gate", "--mode", "all", env=env)
    assert proc.returncode == 0, proc.stderr
    lines = (tmp_path / "out").read_text().splitlines()
    keys = sorted(line.split("=", 1)[0] for line in lines)
    assert keys == sorted(publish.step_outputs(Report("run"), publish.Targets()))
    assert (tmp_path / "env").read_text() == ""
    plain = qg(project.root, "run", "--all-files", env=env)
    assert plain.returncode == 0, plain.stderr
    assert (tmp_path / "out").read_text().count("\n") == len(keys)


RTD = """version: 2
python:
  install:
    - requirements: requirements/docs.txt
    - method: pip
      path: .
      extra_requirements: [docs, api]
"""


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {".readthedocs.yaml": RTD, "docs/requirements.txt": "x\n"},
            (
                ["-r", "requirements/docs.txt", ".[docs,api]"],
                ".readthedocs.yaml python.install",
            ),
            id="readthedocs-first",
        ),
        pytest.param(
            {"requirements/docs.txt": "sphinx\n"},
            (["-r", "requirements/docs.txt"], "requirements/docs.txt"),
            id="requirements-folder",
        ),
        pytest.param(
            {
                "pyproject.toml": '[dependency-groups]\nbase = ["sphinx"]\n'
                'docs = [{include-group = "base"}, "furo"]\n'
            },
            ([".", "sphinx", "furo"], "pyproject.toml dependency group docs"),
            id="dependency-group",
        ),
        pytest.param(
            {
                "pyproject.toml": '[project]\nname = "p"\nversion = "0"\n'
                '[project.optional-dependencies]\ndocs = ["mkdocs"]\n'
            },
            ([".[docs]"], "pyproject.toml extra docs"),
            id="extra",
        ),
        pytest.param(
            {
                ".readthedocs.yaml": "version: 2\nsphinx:\n  configuration: docs/conf.py\n"
            },
            (["sphinx"], "sphinx alone (no docs requirements found)"),
            id="readthedocs-without-install",
        ),
    ],
)
def test_the_docs_tools_come_from_where_the_project_lists_them(
    tmp_path: Path, files: dict[str, str], expected: tuple[list[str], str]
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text("")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert docs_build.install_source(tmp_path) == expected


def test_sphinx_build_files_never_stay_in_the_site(tmp_path: Path) -> None:
    """`sphinx-build -b html docs site` writes .doctrees/ and .buildinfo there."""
    build = (
        "mkdir -p site/.doctrees site/_static && touch site/.doctrees/environment.pickle"
        " site/.buildinfo site/.nojekyll site/index.html site/_static/x.css"
    )
    site = docs_build.build(
        tmp_path, python=sys.executable, site_dir="site", build_command=build
    )
    left = sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))
    assert left == [".nojekyll", "_static", "_static/x.css", "index.html"]
    argv = docs_build.command(
        _sphinx(tmp_path), python="py", site_dir="s", build_command="", doctrees="/t/d"
    )
    assert argv == ["py", "-m", "sphinx", "-W", "-b", "html", "-d", "/t/d", "docs", "s"]


def _sphinx(root: Path) -> Path:
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "conf.py").write_text("")
    return root
