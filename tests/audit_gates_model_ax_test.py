"""audit-gates reads the files each tool reads, where the tool reads them.

Not blind: each case comes from a tool's documented file discovery, not
from a corpus.  make reads the first of GNUmakefile, makefile, Makefile, in
the folder ``-C`` names; tox reads tox.ini, else setup.cfg with
``[tox:tox]``, else ``legacy_tox_ini`` of pyproject.toml; npm, yarn, pnpm and
bun run the scripts of the folder their folder option names.  Real make
decides which makefile runs and whether the failure is lost.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of
from failing_checkers import run_failing

CI = ".github/workflows/ci.yml"
_SHA = "0000000000000000000000000000000000000000"
_LOST = "lint:\n\t-ruff check .\n"  # make ignores the status of a `-` line
_KEPT = "lint:\n\truff check .\n"


def _make_status(tmp_path: Path, args: str = "lint") -> int:
    """Run real make as a step would, with a failing ruff on the PATH."""
    bash = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
    return run_failing(tmp_path, bash, f"make {args}\n", ("ruff",))


def _audit(root: Path, files: dict[str, str]) -> list[tuple[str, str, int]]:
    """Failing gate findings of a project of ``files`` at ``root``."""
    root.mkdir(exist_ok=True)
    return _failing(gate_rules(audit_project(root, files)))


def _failing(found: list[tuple[str, str, int, bool]]) -> list[tuple[str, str, int]]:
    return [(rule, path, line) for rule, path, line, fails in found if fails]


# ---- make reads the first of GNUmakefile, makefile, Makefile ----------------


@pytest.mark.parametrize(
    ("files", "lost_in"),
    [
        ({"GNUmakefile": _LOST}, "GNUmakefile"),
        ({"makefile": _LOST}, "makefile"),
        ({"GNUmakefile": _LOST, "Makefile": _KEPT}, "GNUmakefile"),
        # twins: the makefile make reads keeps the failure
        ({"GNUmakefile": _KEPT, "Makefile": _LOST}, None),
        ({"makefile": _KEPT, "Makefile": _LOST}, None),
    ],
)
def test_the_makefile_audited_is_the_one_make_reads(
    tmp_path: Path, files: dict[str, str], lost_in: str | None
) -> None:
    run = tmp_path / "run"
    run.mkdir()
    for name, text in files.items():
        (run / name).write_text(text)
    assert (_make_status(run) == 0) is (lost_in is not None)  # real make decides
    found = _audit(tmp_path / "p", files)
    assert found == ([("QG101", lost_in, 2)] if lost_in else [])


# ---- `make -C docs lint`: the makefile of that folder -----------------------


def _make_step(args: str) -> str:
    return _jobs(f"""
        misc:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{_SHA}
            - name: Go
              run: make {args} || true
        """)


@pytest.mark.parametrize(
    ("args", "lost"),
    [
        ("-C docs go", True),
        ("--directory=docs go", True),
        ("-Cdocs go", True),
        ("-C docs hello", False),  # a goal whose recipe runs no checker
        ("-C site go", False),  # no makefile there: the name decides
        ("-C $DIR go", False),  # a folder computed at run time
        ("-C ../docs go", False),  # outside the project
    ],
)
def test_make_dash_c_reads_the_makefile_of_that_folder(
    tmp_path: Path, args: str, lost: bool
) -> None:
    """A goal named for no check (``go``) is one by what its recipe runs."""
    docs = "go:\n\truff check .\nhello:\n\t@echo hello\n"
    run = tmp_path / "run"
    (run / "docs").mkdir(parents=True)
    (run / "docs" / "Makefile").write_text(docs)
    if args.startswith(("-C docs", "--dir", "-Cdocs")):
        assert (_make_status(run, args) != 0) is lost  # real make decides
    files = {CI: _make_step(args), "docs/Makefile": docs}
    found = _audit(tmp_path / "p", files)
    assert (("QG101", CI, line_of(files[CI], "make ")) in found) is lost, found


# ---- tox reads tox.ini, else setup.cfg [tox:tox], else legacy_tox_ini ------

_ENVS = """
[testenv:lint]
deps = flake8
commands =
    - flake8 src
"""


def test_tox_in_setup_cfg_is_read_when_it_has_tox_tox(tmp_path: Path) -> None:
    text = "[metadata]\nname = x\n\n[tox:tox]\nenvlist = lint\n" + _ENVS
    found = _failing(gate_rules(audit_project(tmp_path, {"setup.cfg": text})))
    assert found == [("QG101", "setup.cfg", line_of(text, "- flake8"))]


@pytest.mark.parametrize(
    "files",
    [
        {"setup.cfg": "[metadata]\nname = x\n" + _ENVS},  # no [tox:tox]: ignored
        {"setup.cfg": "[tox:tox]\n" + _ENVS, "tox.ini": "[tox]\nenvlist = py\n"},
    ],
    ids=["without-tox-tox", "tox-ini-first"],
)
def test_tox_in_setup_cfg_is_not_read_when_tox_reads_another(
    tmp_path: Path, files: dict[str, str]
) -> None:
    assert _failing(gate_rules(audit_project(tmp_path, files))) == []


@pytest.mark.parametrize("same_line", [False, True])
def test_tox_legacy_ini_in_pyproject_is_read_on_its_lines(
    tmp_path: Path, same_line: bool
) -> None:
    body = textwrap.dedent(_ENVS).strip("\n")
    start = '"""[tox]\n' if same_line else '"""\n[tox]\n'
    text = (
        '[project]\nname = "x"\n\n[tool.tox]\nlegacy_tox_ini = '
        + start
        + "envlist = lint\n\n"
        + body
        + '\n"""\n'
    )
    found = _failing(gate_rules(audit_project(tmp_path, {"pyproject.toml": text})))
    assert found == [("QG101", "pyproject.toml", line_of(text, "- flake8"))]


def test_tox_legacy_ini_is_not_read_beside_tox_ini(tmp_path: Path) -> None:
    text = '[tool.tox]\nlegacy_tox_ini = """\n[tox]\n' + _ENVS + '"""\n'
    files = {"pyproject.toml": text, "tox.ini": "[tox]\nenvlist = py\n"}
    assert _failing(gate_rules(audit_project(tmp_path, files))) == []


# ---- npm --prefix web, yarn --cwd web, pnpm -C web: that folder's scripts ---


@pytest.mark.parametrize(
    ("run", "lost"),
    [
        ("npm --prefix web run go", True),
        ("npm run go --prefix=web", True),
        ("yarn --cwd web go", True),
        ("pnpm -C web run go", True),
        ("pnpm --dir web go", True),
        ("bun --cwd web run go", True),
        ("npm --prefix web run serve", False),  # the script checks nothing
        ("npm run go", False),  # no package.json at the root
        ("npm --prefix $WEB run go", False),  # a folder computed at run time
        ("npm --prefix /srv/web run go", False),  # outside the project
    ],
)
def test_a_package_script_of_the_folder_the_runner_is_told(
    tmp_path: Path, run: str, lost: bool
) -> None:
    """A script named for no check (``go``) is one by what it runs: ``eslint``."""
    package = '{"scripts": {"go": "eslint src/", "serve": "vite preview"}}'
    text = _jobs(f"""
        web:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{_SHA}
            - name: Go
              run: {run} || true
        """)
    found = _audit(tmp_path, {CI: text, "web/package.json": package})
    assert found == ([("QG101", CI, line_of(text, run))] if lost else []), found


# ---- pdm run NAME, hatch run [ENV:]NAME: the scripts of pyproject.toml -----

_PDM = """
[tool.pdm.scripts]
go = "ruff check ."
go_cmd = {cmd = ["ruff", "check", "."]}
go_all = {composite = ["build", "go"]}
build = "python -m build"
"""
_HATCH = """
[tool.hatch.envs.default.scripts]
go = ["python -m build", "ruff check ."]
go_all = ["build", "go"]
build = "python -m build"
soft = ["- ruff check .", "python -m build"]
[tool.hatch.envs.lint.scripts]
go = "mypy src"
"""


@pytest.mark.parametrize(
    ("run", "pyproject", "lost"),
    [
        ("pdm run go", _PDM, True),
        ("pdm run go_cmd", _PDM, True),
        ("pdm run go_all", _PDM, True),  # composite: build, then go
        ("pdm run build", _PDM, False),
        ("hatch run go", _HATCH, True),
        ("hatch run go_all", _HATCH, True),  # a command naming another script
        ("hatch run lint:go", _HATCH, True),
        ("hatch -e lint run go", _HATCH, True),
        ("hatch run build", _HATCH, False),
        ("hatch run soft", _HATCH, False),  # hatch ignores a `- ` command's status
        ("hatch run docs:go", _HATCH, False),  # no such environment
        ("pdm run go", "", False),  # no pyproject.toml: the name decides
    ],
)
def test_a_pdm_or_hatch_script_is_a_check_by_what_it_runs(
    tmp_path: Path, run: str, pyproject: str, lost: bool
) -> None:
    text = _jobs(f"""
        py:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{_SHA}
            - name: Go
              run: {run} || true
        """)
    files = {CI: text, "pyproject.toml": pyproject}
    found = _audit(tmp_path, files)
    assert found == ([("QG101", CI, line_of(text, run))] if lost else []), found


# ---- the runner loads action.yml, and action.yaml only when it is absent ----

_ACTION = """
name: lint
runs:
  using: composite
  steps:
    - run: ruff check . || true
      shell: bash
"""
_HONEST = _ACTION.replace(" || true", "")


@pytest.mark.parametrize(
    ("files", "lost_in"),
    [
        ({"action.yaml": _ACTION}, "action.yaml"),
        ({"action.yml": _ACTION, "action.yaml": _HONEST}, "action.yml"),
        ({"action.yml": _HONEST, "action.yaml": _ACTION}, None),  # never loaded
        ({"tools/ci/action.yml": _HONEST, "tools/ci/action.yaml": _ACTION}, None),
    ],
)
def test_the_action_file_read_is_the_one_the_runner_loads(
    tmp_path: Path, files: dict[str, str], lost_in: str | None
) -> None:
    uses = _jobs(f"""
        ci:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{_SHA}
            - uses: ./tools/ci
        """)
    found = _audit(tmp_path, {CI: uses, **files})
    expected = [("QG101", lost_in, line_of(_ACTION.lstrip("\n"), "|| true"))]
    assert [f for f in found if f[1] != CI] == (expected if lost_in else []), found
