"""``quality-gates init`` end to end: real git, real tools, real pre-commit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import HOOKS, Project, cli, git, pre_commit, ruff_pin, seed_mypy_cache

CONFIG = """\
# hooks of the project
ci:
  skip: [mypy]   # pre-commit.ci has no network
repos:
  - repo: https://github.com/psf/black
    rev: 24.4.2
    hooks:
      - id: black
        args: [--line-length=100]
  - repo: https://github.com/pycqa/flake8
    rev: 7.1.0
    hooks:
      - id: flake8
        exclude: ^tests/
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.10.0
    hooks:
      - id: mypy
  - repo: local
    hooks:
      - id: no-todo   # the project's own check
        name: no TODO
        entry: bash -c '! grep -rn TODO --include=*.py .'
        language: system
        pass_filenames: false
"""

SOURCES = {
    "pyproject.toml": '[project]\nname = "app"\nversion = "1"\n\n# keep me\n'
    '[tool.black]\ntarget-version = ["py311"]\n',
    "app/__init__.py": '"""App."""\n',
    "app/core.py": (
        '"""Core."""\nimport os, sys\n\n\ndef f(x):\n    return x+1\n\n\n'
        'def g() -> int:\n    return "x"\n'
    ),
    "tests/test_core.py": "import os\n",
}


@pytest.fixture(scope="session")
def suite(hook_repo: tuple[Path, str]) -> Path:
    """Tag the session's snapshot of this checkout with the installed version.

    init pins the tag's commit, the rev every other hook test pins: pre-commit
    installs one environment per repository and rev, so init runs its hooks in
    the environment the session already has.
    """
    import fcntl

    repo, rev = hook_repo
    with open(repo.parent / "suite.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if git(repo, "tag", "--list", "v0.1.0").strip() != "v0.1.0":
            git(repo, "tag", "v0.1.0", rev)
    return repo


@pytest.fixture(autouse=True)
def shared_pre_commit_home(
    pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One pre-commit store for the session: init runs the new hooks through it."""
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))


@pytest.fixture
def adopter(project: Project) -> Project:
    for name, text in {**SOURCES, ".pre-commit-config.yaml": CONFIG}.items():
        project.write(name, text)
    project.commit("a project with its own hooks")
    return project


class Initialised:
    """The adopter after its first ``init``: a copy of the session's one run.

    ``proc`` is what that ``init`` printed; ``project`` is this test's own copy
    of the repository it left (the files it wrote, not committed).
    """

    def __init__(self, project: Project, proc: subprocess.CompletedProcess[str]):
        self.project = project
        self.proc = proc


@pytest.fixture(scope="session")
def first_init(
    suite: Path, pre_commit_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Run ``init`` on the adopter once for the session's workers: the repository, the run.

    Four tests start from the adopter's first init (one reads what it printed
    and wrote, three go on from there): the same run, made once and copied,
    instead of four runs of the hooks through pre-commit.  Named by the
    session's snapshot of this checkout, as ``hook_repo`` is, so a template of
    other code is never reused.
    """
    import fcntl
    import shutil

    target = suite.parent / f"first-init-{suite.name}"
    with open(suite.parent / "first-init.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "proc.json").exists():
            staging = suite.parent / f"{target.name}.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            (staging / "project").mkdir(parents=True)
            template = Project(staging / "project")
            for name, text in {**SOURCES, ".pre-commit-config.yaml": CONFIG}.items():
                template.write(name, text)
            template.commit("a project with its own hooks")
            env = {"PRE_COMMIT_HOME": str(pre_commit_home)}
            env["QUALITY_GATES_CACHE_DIR"] = str(staging / "cache")
            env["XDG_STATE_HOME"] = str(staging / "state")
            proc = cli(template.root, "init", "--repo", str(suite), env=env)
            ran = {"code": proc.returncode, "out": proc.stdout, "err": proc.stderr}
            (staging / "proc.json").write_text(json.dumps(ran))
            staging.rename(target)
    ran = json.loads((target / "proc.json").read_text())
    argv = ["quality-gates", "init", "--repo", str(suite)]
    proc = subprocess.CompletedProcess(argv, ran["code"], ran["out"], ran["err"])
    return target / "project", proc


@pytest.fixture
def initialised(
    tmp_path: Path,
    first_init: tuple[Path, subprocess.CompletedProcess[str]],
    mypy_stdlib_cache: Path,
) -> Initialised:
    """Copy the session's adopter after its first init into this test's tmp_path."""
    import shutil

    template, proc = first_init
    root = tmp_path / "project"
    shutil.copytree(template, root, symlinks=True)
    seed_mypy_cache(root, mypy_stdlib_cache)  # as ``project`` does
    project = Project.__new__(Project)  # the copied repository, not a new one
    project.root = root
    return Initialised(project, proc)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def init(project: Project, suite: Path, *extra: str):
    return cli(project.root, "init", "--repo", str(suite), *extra)


def test_init_writes_hooks_settings_baseline_workflow(
    initialised: Initialised, suite: Path
) -> None:
    proc = initialised.proc
    assert proc.returncode == 0, proc.stderr
    root = initialised.project.root
    sha = git(suite, "rev-parse", "v0.1.0").strip()
    doc = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())
    ours = [r for r in doc["repos"] if r["repo"] == str(suite)]
    assert ours[0]["rev"] == sha
    # the tools the project ran, and no other (isort and bandit are offered)
    assert [h["args"] for h in ours[0]["hooks"]] == [
        ["--tools", "black,mypy"],
        ["--tools", "flake8"],
    ]
    assert ours[0]["hooks"][1]["exclude"] == "^tests/"
    assert [r["repo"] for r in doc["repos"]] == [str(suite), "local"]
    assert doc["ci"]["skip"] == ["quality-gate"]
    text = (root / ".pre-commit-config.yaml").read_text()
    assert "# hooks of the project\n" in text and "# the project's own check\n" in text
    assert f"rev: {sha}  # frozen: v0.1.0\n" in text
    pyproject = (root / "pyproject.toml").read_text()
    assert pyproject.startswith(
        SOURCES["pyproject.toml"].replace('"py311"]\n', '"py311"]\nline-length = 100\n')
    )
    assert tomllib.loads(pyproject)["tool"]["black"]["line-length"] == 100
    workflow = (root / ".github/workflows/quality-gates.yml").read_text()
    assert (
        f"uses: OWNER/quality-gates/actions/quality-gate@{sha} # v0.1.0\n" in workflow
    )
    assert yaml.safe_load(workflow)["permissions"] == {"contents": "read"}
    baseline = json.loads((root / ".quality-gates-baseline.json").read_text())
    tools = sorted({row["tool"] for row in baseline["findings"]})
    assert tools == ["black", "flake8", "mypy"]
    assert not any(row["rule"].startswith("D") for row in baseline["findings"])
    assert (root / ".flake8").read_text() == (
        "[flake8]\nmax-line-length = 100\nextend-ignore = E203,E701,E704,W503,D\n"
    )
    offers = [ln for ln in proc.stdout.splitlines() if ln.startswith("offer: ")]
    assert [o.split(" (")[0] for o in offers] == [
        "offer: bandit",
        "offer: isort",
        "offer: flake8 docstring checks",
    ]
    assert "today's findings: " in proc.stdout
    assert "score " in proc.stdout
    assert proc.stdout.rstrip().endswith(
        "next: `pre-commit install`, then commit these files"
    )
    record = json.loads((root / ".quality-gates-init.json").read_text())
    assert sorted(record["files"]) == [
        ".flake8",
        ".github/workflows/quality-gates.yml",
        ".pre-commit-config.yaml",
        "pyproject.toml",
    ]


def test_second_init_changes_nothing(initialised: Initialised, suite: Path) -> None:
    adopter = initialised.project
    assert initialised.proc.returncode == 0, initialised.proc.stderr
    adopter.commit("init")
    before = snapshot(adopter.root)
    proc = init(adopter, suite)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith(
        "nothing to change: the project already has what init writes"
    )
    assert "commit these files" not in proc.stdout
    assert snapshot(adopter.root) == before
    # without --repo and --rev: the repository and rev the record names
    proc = cli(adopter.root, "init")
    assert proc.returncode == 0, proc.stderr
    sha = git(suite, "rev-parse", "v0.1.0").strip()
    assert f"pinning {suite} at v0.1.0, commit {sha} (recorded)\n" in proc.stderr
    assert snapshot(adopter.root) == before


def test_dry_run_prints_diffs_and_writes_nothing(adopter: Project, suite: Path) -> None:
    before = snapshot(adopter.root)
    proc = init(adopter, suite, "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert snapshot(adopter.root) == before
    out = proc.stdout
    for header in (
        "--- a/.pre-commit-config.yaml\n+++ b/.pre-commit-config.yaml\n",
        "--- /dev/null\n+++ b/.github/workflows/quality-gates.yml\n",
        "--- a/pyproject.toml\n+++ b/pyproject.toml\n",
        "--- /dev/null\n+++ b/.quality-gates-init.json\n",
    ):
        assert header in out
    assert "-  - repo: https://github.com/psf/black\n" in out
    assert "+line-length = 100\n" in out
    assert "--- .quality-gates-baseline.json: today's" in out
    assert "dry run: 6 file(s) would change; nothing written" in out


def test_hand_edit_is_not_overwritten_without_force(
    initialised: Initialised, suite: Path
) -> None:
    adopter = initialised.project
    assert initialised.proc.returncode == 0, initialised.proc.stderr
    workflow = adopter.root / ".github/workflows/quality-gates.yml"
    written = workflow.read_text()
    workflow.write_text(written + "      - run: echo extra step\n")
    before = snapshot(adopter.root)
    proc = init(adopter, suite)
    assert proc.returncode == 2
    assert (
        ".github/workflows/quality-gates.yml changed since init wrote it: not overwritten"
        in proc.stderr
    )
    assert snapshot(adopter.root) == before
    proc = init(adopter, suite, "--force")
    assert proc.returncode == 0, proc.stderr
    assert workflow.read_text() == written


def test_existing_workflow_of_the_same_name_needs_force(
    adopter: Project, suite: Path
) -> None:
    workflow = adopter.write(".github/workflows/quality-gates.yml", "name: mine\n")
    before = snapshot(adopter.root)
    proc = init(adopter, suite)
    assert proc.returncode == 2
    assert "exists and init did not write it" in proc.stderr
    assert snapshot(adopter.root) == before  # nothing written, the workflow kept
    proc = init(adopter, suite, "--force")
    assert proc.returncode == 0, proc.stderr
    assert yaml.safe_load(workflow.read_text())["name"] != "mine"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            ".pre-commit-config.yaml",
            "repos:\n  - repo: x\n   rev: 1\n",
            "quality-gates init: error: .pre-commit-config.yaml:3: invalid YAML",
            id="yaml",
        ),
        pytest.param(
            "pyproject.toml",
            "[project\nname = 1\n",
            "pyproject.toml: invalid TOML: ",
            id="toml",
        ),
        pytest.param(
            ".pre-commit-config.yaml",
            "repos:\n  - repo: https://github.com/me/my-flake8\n    rev: 1\n    hooks:\n      - id: flake8\n",
            "hook `flake8` comes from https://github.com/me/my-flake8, a repository init does not know",
            id="unknown-repo",
        ),
        pytest.param(
            "pyproject.toml",
            "[tool.quality-gates]\nline-length = 'long'\n",
            "[tool.quality-gates] line-length: expected an integer",
            id="bad-setting",
        ),
        pytest.param(
            ".quality-gates-init.json",
            "{",
            ".quality-gates-init.json: unreadable",
            id="record",
        ),
        pytest.param(".quality-gates-baseline.json", "", "baseline", id="baseline"),
    ],
)
def test_bad_input_is_one_line_and_touches_nothing(
    adopter: Project, suite: Path, name: str, content: str, message: str
) -> None:
    adopter.write(name, content)
    before = snapshot(adopter.root)
    proc = init(adopter, suite)
    assert proc.returncode == 2, proc.stdout
    assert message in proc.stderr
    assert len([ln for ln in proc.stderr.splitlines() if "error" in ln]) == 1
    assert snapshot(adopter.root) == before


def test_no_git_and_unknown_rev(tmp_path: Path, adopter: Project, suite: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.py").write_text("x = 1\n")
    proc = cli(plain, "init", "--repo", str(suite))
    assert proc.returncode == 2
    assert "is not in a git repository: init needs one" in proc.stderr
    assert sorted(p.name for p in plain.iterdir()) == ["a.py"]
    before = snapshot(adopter.root)
    proc = init(adopter, suite, "--rev", "v9.9.9")
    assert proc.returncode == 2
    assert "--rev v9.9.9: no such tag or branch in" in proc.stderr
    assert snapshot(adopter.root) == before


def test_mypy_and_flake8_args_go_to_the_configs_they_read(
    project: Project, suite: Path
) -> None:
    project.write("app.py", '"""A."""\n')
    project.write(
        "setup.cfg",
        "[metadata]\nname = app\n\n[flake8]\n# long lines are fine\nmax-line-length = 100\nper-file-ignores =\n    tests/*: D1\n",
    )
    project.write(
        ".pre-commit-config.yaml",
        "repos:\n"
        "  - repo: https://github.com/pycqa/flake8\n    rev: 7.1.0\n    hooks:\n"
        "      - id: flake8\n        args: [--max-line-length=120, --exit-zero]\n"
        "  - repo: https://github.com/pre-commit/mirrors-mypy\n    rev: v1.10.0\n    hooks:\n"
        "      - id: mypy\n        args: [--strict, --ignore-missing-imports]\n",
    )
    project.commit()
    proc = init(project, suite)
    assert proc.returncode == 0, proc.stderr
    setup = (project.root / "setup.cfg").read_text()
    assert setup == (
        "[metadata]\nname = app\n\n[flake8]\n# long lines are fine\nmax-line-length = 120\n"
        "per-file-ignores =\n    tests/*: D1\n"
    )
    mypy = tomllib.loads((project.root / "pyproject.toml").read_text())["tool"]["mypy"]
    assert mypy == {
        "ignore_missing_imports": True,
        "check_untyped_defs": True,
        "strict": True,
    }
    assert (
        "note: flake8: not carried over: --exit-zero: it would make the gate unable to fail"
        in proc.stdout
    )


def test_ruff_hooks_are_kept_and_take_their_tools(
    project: Project, suite: Path
) -> None:
    project.write("app.py", '"""A."""\n')
    project.write(
        "pyproject.toml",
        '[tool.ruff.lint]\nselect = ["E", "F", "I"]\n\n[tool.black]\n\n[tool.mypy]\n',
    )
    project.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.5.0\n"
        "    hooks:\n      - id: ruff\n        args: [--fix]\n      - id: ruff-format\n",
    )
    project.commit()
    proc = init(project, suite)
    assert proc.returncode == 0, proc.stderr
    doc = yaml.safe_load((project.root / ".pre-commit-config.yaml").read_text())
    assert [h["id"] for h in doc["repos"][0]["hooks"]] == ["ruff", "ruff-format"]
    assert doc["repos"][1]["hooks"] == [
        {"id": "quality-gate", "name": "quality gate (mypy)"}
    ]
    section = tomllib.loads((project.root / "pyproject.toml").read_text())["tool"][
        "quality-gates"
    ]
    # black is configured, but ruff-format formats: the gate leaves it to ruff
    assert section == {"tools": ["mypy"]}
    assert "note: kept ruff-format: it does black's job; the gate runs no black\n" in (
        proc.stdout
    )
    offers = [ln for ln in proc.stdout.splitlines() if ln.startswith("offer: ")]
    assert offers == [
        "offer: bandit (finds security problems): not added, the project does not "
        "run it; to add it: quality-gates init --tools mypy,bandit",
        "offer: ruff (lints and formats: ruff check, ruff format --check): its "
        "hooks stay (ruff, ruff-format) and do their jobs; for the gate to run ruff "
        f"instead, with {ruff_pin()} in its hook's environment: quality-gates init "
        "--tools mypy,ruff, then remove those hooks",
    ]


def test_another_import_sorter_is_kept_and_takes_isort_away(
    project: Project, suite: Path
) -> None:
    """Bandit's own config: reorder-python-imports and isort would undo each other."""
    project.write("app.py", '"""A."""\n')
    project.write("setup.cfg", "[isort]\nprofile = black\n\n[mypy]\n")
    project.write(
        ".pre-commit-config.yaml",
        "repos:\n- repo: https://github.com/asottile/reorder-python-imports\n"
        "  rev: v3.16.0\n  hooks:\n  - id: reorder-python-imports\n"
        "    args: [--py38-plus]\n",
    )
    project.commit()
    proc = init(project, suite)
    assert proc.returncode == 0, proc.stderr
    doc = yaml.safe_load((project.root / ".pre-commit-config.yaml").read_text())
    assert doc["repos"][0]["hooks"] == [
        {"id": "reorder-python-imports", "args": ["--py38-plus"]}
    ]
    section = tomllib.loads((project.root / "pyproject.toml").read_text())["tool"][
        "quality-gates"
    ]
    assert section == {"tools": ["mypy"]}
    assert (
        "note: kept reorder-python-imports: it does isort's job; the gate runs no isort"
        in proc.stdout
    )


def test_an_ignored_venv_is_fine_and_the_workflow_builds_one(
    adopter: Project, suite: Path
) -> None:
    # git refuses a pathspec that names an ignored path that exists (exit 1)
    adopter.write(".gitignore", ".venv\n")
    adopter.commit("ignore .venv")
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", ".venv"],
        cwd=adopter.root,
        check=True,
    )
    proc = init(adopter, suite)
    assert proc.returncode == 0, proc.stderr
    workflow = (adopter.root / ".github/workflows/quality-gates.yml").read_text()
    assert (
        "      - name: The project's environment, which mypy sees\n"
        "        run: python3 -m venv .venv && .venv/bin/pip install --quiet -e .\n"
    ) in workflow
    assert workflow.count("pip install") == 1  # no second list of packages
    assert (
        "note: mypy sees the project's .venv here: the workflow builds one in CI "
        "with `pip install -e .`; if yours holds more, say so in that step"
    ) in proc.stdout


def test_nothing_to_adopt_is_one_line_that_says_what_to_do(
    project: Project, suite: Path
) -> None:
    project.write("app.py", '"""A."""\n')
    project.commit()
    before = snapshot(project.root)
    proc = init(project, suite)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == (
        "quality-gates init: error: nothing to adopt: the project runs none of the "
        "gate's tools (bandit, black, flake8, isort, mypy) itself; choose some with "
        "--tools (e.g. --tools mypy), then run init again"
    )
    offers = [ln.split(" (")[0] for ln in proc.stdout.splitlines()]
    assert offers == [
        f"offer: {t}" for t in ("bandit", "black", "flake8", "isort", "mypy")
    ]
    assert snapshot(project.root) == before
    proc = init(project, suite, "--tools", "mypy")
    assert proc.returncode == 0, proc.stderr


def test_audit_findings_are_printed_and_do_not_fail(
    adopter: Project, suite: Path
) -> None:
    adopter.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: flake8 . || true\n",
    )
    adopter.commit()
    proc = init(adopter, suite)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    start = lines.index("audit-gates: 3 problem(s) in the gates already there:")
    assert [ln.split(" job ")[0] for ln in lines[start + 1 : start + 4]] == [
        "  .github/workflows/ci.yml:6:0: audit-gates QG110",
        "  .github/workflows/ci.yml:7:0: audit-gates QG101",
        "  .github/workflows/ci.yml:3:0: audit-gates QG111",
    ]
    assert lines[start + 4] == "updated .pre-commit-config.yaml"


@pytest.mark.heavy
@pytest.mark.slow
def test_ruff_asked_for_runs_in_the_hook_environment_pre_commit_builds(
    project: Project, suite: Path, pre_commit_home: Path
) -> None:
    """--tools mypy,ruff: real pre-commit installs the suite's ruff for the gate.

    ruff's own hooks stay in the project's config; pre-commit here runs a copy
    with the gate's entry alone (it would fetch ruff-pre-commit from GitHub).
    """
    project.write("app.py", '"""A."""\n\nimport os\n\nprint(os)\n')
    project.write("mypy.ini", "[mypy]\n")
    project.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
        "    rev: v0.5.0\n    hooks:\n      - id: ruff\n      - id: ruff-format\n",
    )
    project.commit()
    proc = cli(
        project.root,
        *("init", "--repo", str(suite), "--tools", "mypy,ruff"),
        env={"PRE_COMMIT_HOME": str(pre_commit_home)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = yaml.safe_load((project.root / ".pre-commit-config.yaml").read_text())
    assert [h["id"] for h in doc["repos"][0]["hooks"]] == ["ruff", "ruff-format"]
    gate = doc["repos"][1]
    assert gate["hooks"][0]["additional_dependencies"] == [ruff_pin()]
    (project.root.parent / "gate.yaml").write_text(yaml.safe_dump({"repos": [gate]}))
    project.write("app/new.py", '"""B."""\n\nimport json\n')
    project.git("add", "-A")
    proc = pre_commit(
        project.root,
        pre_commit_home,
        *("run", "quality-gate", "--all-files", "-c", "../gate.yaml"),
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    found = [ln for ln in proc.stdout.splitlines() if ln.startswith("app/new.py:")]
    assert found == ["app/new.py:3:8: ruff F401 `json` imported but unused"]


@pytest.mark.heavy
@pytest.mark.slow
def test_pre_commit_passes_after_init(
    initialised: Initialised, pre_commit_home: Path
) -> None:
    adopter = initialised.project
    assert initialised.proc.returncode == 0, initialised.proc.stderr
    adopter.git("add", "-A")
    proc = pre_commit(
        adopter.root, pre_commit_home, "validate-config", ".pre-commit-config.yaml"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = pre_commit(adopter.root, pre_commit_home, "run", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "quality gate (black, mypy)" in proc.stdout
    # and it still fails on a new finding
    adopter.write("app/new.py", "import os\n")
    adopter.git("add", "-A")
    proc = pre_commit(adopter.root, pre_commit_home, "run", "--all-files")
    assert proc.returncode == 1
    assert "app/new.py:1:1: flake8 F401" in proc.stdout


MYPY_ONLY = """\
repos:
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.10.0
    hooks:
      - id: mypy
        args: []   # not the mirror's --ignore-missing-imports
        additional_dependencies: [pydantic>=2]
"""


@pytest.mark.heavy
@pytest.mark.slow
def test_baseline_is_what_the_hook_reports_in_its_own_environment(
    project: Project, suite: Path, pre_commit_home: Path
) -> None:
    """The hook's mypy sees the suite and the hook's additional_dependencies only.

    pytest is installed beside init (this interpreter), not in the hook's
    environment: the hook reports `import pytest` as import-not-found, so the
    baseline must hold it (a baseline taken in init's interpreter did not, and
    the first `pre-commit run --all-files` failed).  pydantic comes with the
    hook: `import pydantic` is clean in both.  (pydantic, not another package:
    precommit_test's plugin test installs the very same environment, which the
    session's pre-commit store then holds once.)
    """
    project.write("pyproject.toml", "[tool.mypy]\nstrict = true\n")
    project.write(
        "app.py",
        '"""App."""\nimport pydantic\nimport pytest\n\n\ndef f() -> None:\n'
        '    """F."""\n    pytest.fail(pydantic.VERSION)\n',
    )
    project.write(".pre-commit-config.yaml", MYPY_ONLY)
    project.commit()
    proc = init(project, suite, "--tools", "mypy")
    assert proc.returncode == 0, proc.stderr
    baseline = json.loads((project.root / ".quality-gates-baseline.json").read_text())
    assert [(r["tool"], r["rule"], r["path"]) for r in baseline["findings"]] == [
        ("mypy", "import-not-found", "app.py")
    ]
    assert "today's findings: 1 (mypy 1)" in proc.stdout
    project.git("add", "-A")
    proc = pre_commit(project.root, pre_commit_home, "run", "--all-files", "-v")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "baseline: 0 new, 1 baselined" in proc.stdout


PINNED_PYTHON = """\
repos:
  - repo: https://github.com/psf/black
    rev: 24.4.2
    hooks:
      - id: black
        language_version: python{running}
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.10.0
    hooks:
      - id: mypy
        language_version: python3.9   # a Python the suite cannot run on
"""


@pytest.mark.slow
def test_the_hooks_python_is_carried_and_pre_commit_builds_it(
    project: Project, suite: Path, pre_commit_home: Path
) -> None:
    """The gate's hook runs on the Python the project's black hook pinned.

    mypy's python3.9 would leave pre-commit unable to install the suite: the
    hook gets init's own Python, and a note says so.  The baseline is taken by
    pre-commit in that very environment, and the next run passes in it.
    """
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    project.write("app.py", '"""App."""\nx = 1\n')
    project.write(".pre-commit-config.yaml", PINNED_PYTHON.format(running=running))
    project.commit()
    proc = init(project, suite)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = yaml.safe_load((project.root / ".pre-commit-config.yaml").read_text())
    assert [h.get("language_version") for h in doc["repos"][0]["hooks"]] == [
        f"python{running}"
    ]
    assert "language_version python3.9: the suite needs Python 3.11" in proc.stdout
    workflow = (project.root / ".github/workflows/quality-gates.yml").read_text()
    assert f"python-version: '{running}'\n" in workflow
    project.git("add", "-A")
    proc = pre_commit(project.root, pre_commit_home, "run", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "quality gate (black, mypy)" in proc.stdout


def assert_one_error_nothing_written(
    proc: subprocess.CompletedProcess[str], root: Path, before: dict[str, bytes]
) -> str:
    """Exit 2, one error line on stderr, no file of the project touched."""
    assert proc.returncode == 2, proc.stdout + proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if "error" in ln.lower()]
    assert len(errors) == 1, proc.stderr
    assert snapshot(root) == before
    return errors[0]


def test_pre_commit_missing_is_one_line_and_writes_nothing(
    adopter: Project, suite: Path
) -> None:
    """No pre-commit in init's interpreter, and none on PATH.

    pre-commit is installed in this environment, so its absence is made by
    blocking the import (``sys.modules['pre_commit'] = None``) and a PATH
    with git but not this environment's scripts.
    """
    before = snapshot(adopter.root)
    code = (
        "import sys; sys.modules['pre_commit'] = None; "
        "from quality_gates.cli import main; sys.exit(main())"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "init", "--repo", str(suite)],
        cwd=adopter.root,
        env={**os.environ, "PYTHONPATH": str(HOOKS), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    line = assert_one_error_nothing_written(proc, adopter.root, before)
    assert "pre-commit: not found" in line and "pip install pre-commit" in line


BROKEN_DEPENDENCY = """\
repos:
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.10.0
    hooks:
      - id: mypy
        additional_dependencies: [/nonexistent/qg-missing-dependency]
"""


@pytest.mark.heavy
@pytest.mark.slow
def test_hook_install_failure_is_one_line_and_writes_nothing(
    project: Project, suite: Path
) -> None:
    """The hook's additional_dependencies cannot be installed: no baseline."""
    project.write("app.py", "x = 1\n")
    project.write(".pre-commit-config.yaml", BROKEN_DEPENDENCY)
    project.commit()
    before = snapshot(project.root)
    proc = init(project, suite, "--tools", "mypy")
    line = assert_one_error_nothing_written(proc, project.root, before)
    assert "pre-commit could not install the new hooks, so no baseline" in line
    assert "qg-missing-dependency" in line


NO_SUCH_PYTHON = """\
repos:
  - repo: https://github.com/psf/black
    rev: 24.4.2
    hooks:
      - id: black
        language_version: python3.99
"""


def test_a_language_version_this_machine_lacks_is_named(
    project: Project, suite: Path
) -> None:
    """The hook's Python is not installed: one line names it, nothing written."""
    project.write("app.py", "x = 1\n")
    project.write(".pre-commit-config.yaml", NO_SUCH_PYTHON)
    project.commit()
    before = snapshot(project.root)
    proc = init(project, suite)
    line = assert_one_error_nothing_written(proc, project.root, before)
    assert line.startswith(
        "quality-gates init: error: pre-commit could not install the new hooks, so "
        "no baseline: there is no python3.99 on this machine, the hooks' "
        "language_version (the project's own hooks need it too): install it, or "
        "change their language_version in .pre-commit-config.yaml (Check the log at "
    )


@pytest.mark.slow
def test_tool_crash_in_the_hook_is_one_line_and_writes_nothing(
    project: Project, suite: Path
) -> None:
    """The hook's mypy cannot load the project's plugin: a tool error, no baseline."""
    project.write("pyproject.toml", '[tool.mypy]\nplugins = ["no_such_plugin"]\n')
    project.write("app.py", "x = 1\n")
    project.write(".pre-commit-config.yaml", MYPY_ONLY)
    project.commit()
    before = snapshot(project.root)
    proc = init(project, suite, "--tools", "mypy")
    line = assert_one_error_nothing_written(proc, project.root, before)
    assert "tool error(s), so no baseline" in line and "mypy" in line


def app_with_a_test(project: Project) -> None:
    """Write a module with a docstring, and a test that asserts and has none."""
    project.write("app.py", '"""A."""\n')
    project.write("tests/test_app.py", "def test_a():\n    assert 1\n")


def test_replaced_hooks_that_checked_the_tests_keep_checking_them(
    project: Project, suite: Path
) -> None:
    """A bandit or flake8-docstrings hook ran on the tests: init writes it down."""
    app_with_a_test(project)
    project.write(
        "setup.cfg", "[metadata]\nname = app\n\n[flake8]\nmax-line-length = 100\n"
    )
    project.write(
        ".pre-commit-config.yaml",
        "repos:\n"
        "  - repo: https://github.com/pycqa/bandit\n    rev: 1.7.9\n    hooks:\n"
        "      - id: bandit\n"
        "  - repo: https://github.com/pycqa/flake8\n    rev: 7.1.0\n    hooks:\n"
        "      - id: flake8\n        additional_dependencies: [flake8-docstrings]\n",
    )
    project.commit()
    proc = init(project, suite, "--tools", "bandit,flake8")
    assert proc.returncode == 0, proc.stderr
    pyproject = tomllib.loads((project.root / "pyproject.toml").read_text())
    assert pyproject["tool"]["bandit"] == {}
    assert (project.root / "setup.cfg").read_text() == (
        "[metadata]\nname = app\n\n[flake8]\nmax-line-length = 100\n"
        "docstring-convention = pep257\n"
    )
    baseline = json.loads((project.root / ".quality-gates-baseline.json").read_text())
    assert sorted((r["tool"], r["rule"]) for r in baseline["findings"]) == [
        ("bandit", "B101"),
        ("flake8", "D100"),
        ("flake8", "D103"),
    ]
    assert (
        "test files: test_*.py *_test.py, and conftest.py (as pytest finds them: "
        "pytest's defaults, no pytest config); as the project's own config says: "
        "bandit (pyproject.toml [tool.bandit]), flake8 docstrings (setup.cfg "
        "[flake8] docstring-convention) (`test-files` in [tool.quality-gates] "
        "changes it)\n"
    ) in proc.stdout
    assert (
        "note: bandit: the replaced hook checked the test files with bandit's "
        "defaults: [tool.bandit] in pyproject.toml keeps that (without it the suite "
        "leaves B101 out of test files)\n"
    ) in proc.stdout


def test_init_says_the_defaults_for_tests_in_one_line(
    project: Project, suite: Path
) -> None:
    app_with_a_test(project)
    project.commit()
    proc = init(project, suite, "--tools", "bandit,flake8")
    assert proc.returncode == 0, proc.stderr
    assert (
        "test files: test_*.py *_test.py, and conftest.py (as pytest finds them: "
        "pytest's defaults, no pytest config); left out there: bandit B101 "
        "(assert), flake8 D1 (missing docstrings) (`test-files` in "
        "[tool.quality-gates] changes it)\n"
    ) in proc.stdout
    assert (
        not (project.root / ".quality-gates-baseline.json")
        .read_text()
        .count("tests/test_app.py")
    )


OLD_FLAKE8 = """\
repos:
-   repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v2.1.0
    hooks:
    -   id: trailing-whitespace
    -   id: flake8
        args: [--max-line-length=100]
    -   id: end-of-file-fixer
"""


@pytest.mark.slow
def test_pre_commit_hooks_old_flake8_hook_is_replaced_and_its_others_kept(
    project: Project, suite: Path, pre_commit_home: Path
) -> None:
    """The config of pluggy 1.5.0: pre-commit-hooks v2.1.0 ran flake8 itself.

    init replaces that hook as it does pycqa/flake8's, says so, and keeps the
    repository's other hooks; the gate's flake8 takes the hook's line length,
    and through pre-commit passes on today's findings and fails on a new one.
    """
    project.write("app.py", '"""A."""\nimport os\n\nWIDE = "' + "x" * 80 + '"\n')
    project.write(".pre-commit-config.yaml", OLD_FLAKE8)
    project.commit()
    proc = init(project, suite)
    assert proc.returncode == 0, proc.stderr
    url = "https://github.com/pre-commit/pre-commit-hooks"
    notes = [ln for ln in proc.stdout.splitlines() if url in ln]
    assert notes == [
        f"note: replaced hook `flake8` of {url} (its flake8 hook, removed in "
        "v4.0.0) with the gate's flake8; that repository's other hooks stay"
    ]
    text = (project.root / ".pre-commit-config.yaml").read_text()
    assert text.startswith(
        f"repos:\n-   repo: {url}\n    rev: v2.1.0\n    hooks:\n"
        "    -   id: trailing-whitespace\n    -   id: end-of-file-fixer\n"
    )
    ours = yaml.safe_load(text)["repos"][1]
    assert (ours["repo"], ours["hooks"]) == (
        str(suite),
        [{"id": "quality-gate", "name": "quality gate (flake8)"}],
    )
    assert "max-line-length = 100\n" in (project.root / ".flake8").read_text()
    baseline = json.loads((project.root / ".quality-gates-baseline.json").read_text())
    assert [(r["path"], r["rule"]) for r in baseline["findings"]] == [
        ("app.py", "F401")
    ]
    # the loop of a user: the GitHub-hosted hooks cannot be cloned here
    doc = yaml.safe_load(text)
    doc["repos"] = doc["repos"][1:]
    project.write(".pre-commit-config.yaml", yaml.safe_dump(doc, sort_keys=False))
    project.git("add", "-A")
    proc = pre_commit(project.root, pre_commit_home, "run", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    project.write("new.py", '"""N."""\nimport sys\n')
    project.git("add", "-A")
    proc = pre_commit(project.root, pre_commit_home, "run", "--all-files")
    assert proc.returncode == 1
    assert "new.py:2:1: flake8 F401" in proc.stdout
