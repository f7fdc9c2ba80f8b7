"""init adopts the tools the project runs; every other one is offered, never added.

In-process: the project's files in tmp_path, init's own planning functions.
The isort case runs the real isort both ways (the project's run and the gate's).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Project, cli_json, ruff_pin
from quality_gates.adopt import choose, hooks, plan, precommit_file
from quality_gates.adopt.workspace import Workspace
from quality_gates.errors import GateError

SUITE = "https://github.com/OWNER/quality-gates"


def plan_tools(root: Path, files: dict[str, str]) -> tuple[tuple[str, ...], Workspace]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    ws = Workspace.open(root)
    config_text = files.get(".pre-commit-config.yaml")
    found = (
        hooks.classify(precommit_file.parse(config_text.encode()), [SUITE])
        if config_text
        else hooks.Found()
    )
    tools = choose.choose_tools(None, ws, found)
    choose.docstrings_off(ws, found, tools)
    return tools, ws


HOOK = "repos:\n  - repo: {url}\n    rev: '1'\n    hooks:\n      - id: {id}\n"


@pytest.mark.parametrize(
    ("files", "tools"),
    [
        pytest.param(
            {
                ".pre-commit-config.yaml": HOOK.format(
                    url="https://github.com/psf/black", id="black"
                )
            },
            ("black",),
            id="a-black-hook",
        ),
        pytest.param({"mypy.ini": "[mypy]\nstrict = True\n"}, ("mypy",), id="mypy-ini"),
        pytest.param(
            {"pyproject.toml": "[tool.bandit]\nskips = ['B101']\n[tool.isort]\n"},
            ("bandit", "isort"),
            id="configured-in-pyproject",
        ),
        pytest.param(
            {"setup.cfg": "[flake8]\nmax-line-length = 100\n", "tox.ini": "[mypy]\n"},
            ("flake8",),
            id="tox-mypy-section-is-not-mypys",
        ),
        pytest.param(
            {
                "pyproject.toml": "[tool.black]\n[tool.mypy]\n",
                ".pre-commit-config.yaml": HOOK.format(
                    url="https://github.com/astral-sh/ruff-pre-commit", id="ruff-format"
                ),
            },
            ("mypy",),
            id="ruff-format-does-black",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.quality-gates]\ntools = ["bandit"]\n'},
            ("bandit",),
            id="the-projects-own-choice",
        ),
    ],
)
def test_adopts_what_the_project_runs(
    tmp_path: Path, files: dict[str, str], tools: tuple[str, ...]
) -> None:
    assert plan_tools(tmp_path, files)[0] == tools


def test_every_tool_not_adopted_is_offered_one_line_each(tmp_path: Path) -> None:
    _, ws = plan_tools(tmp_path, {"mypy.ini": "[mypy]\n"})
    assert ws.offers == [
        "bandit (finds security problems): not added, the project does not run "
        "it; to add it: quality-gates init --tools mypy,bandit",
        "black (formats the code): not added, the project does not run it; to "
        "add it: quality-gates init --tools mypy,black",
        "flake8 (lints: pycodestyle, pyflakes, mccabe): not added, the project "
        "does not run it; to add it: quality-gates init --tools mypy,flake8",
        "isort (sorts the imports): not added, the project does not run it; to "
        "add it: quality-gates init --tools mypy,isort",
    ]


def test_nothing_to_adopt_names_the_way_out(tmp_path: Path) -> None:
    with pytest.raises(GateError, match=r"nothing to adopt: .*--tools"):
        plan_tools(tmp_path, {"app.py": ""})


RUFF_HOOKS = (
    "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.5.0\n"
    "    hooks:\n      - id: ruff\n{args}      - id: ruff-format\n"
)


@pytest.mark.parametrize(
    ("files", "args", "tools", "kept"),
    [
        pytest.param(
            {".isort.cfg": "[settings]\n", "ruff.toml": '[lint]\nselect = ["I"]\n'},
            "",
            ("mypy",),
            ["black", "flake8", "isort"],
            id="ruff-toml-selects-i",
        ),
        pytest.param(
            {
                ".isort.cfg": "[settings]\n",
                "pyproject.toml": '[tool.ruff]\nextend-select = ["I001"]\n',
            },
            "",
            ("mypy",),
            ["black", "flake8", "isort"],
            id="tool-ruff-extend-select",
        ),
        pytest.param(
            {".isort.cfg": "[settings]\n"},
            "        args: [--select=E,I]\n",
            ("mypy",),
            ["black", "flake8", "isort"],
            id="hook-args-select-i",
        ),
        pytest.param(
            {".isort.cfg": "[settings]\n", "ruff.toml": '[lint]\nselect = ["E"]\n'},
            "",
            ("isort", "mypy"),
            ["black", "flake8"],
            id="ruff-lints-without-i",
        ),
    ],
)
def test_kept_ruff_hooks_do_the_jobs_its_adapter_says(
    tmp_path: Path,
    files: dict[str, str],
    args: str,
    tools: tuple[str, ...],
    kept: list[str],
) -> None:
    files = {
        "mypy.ini": "[mypy]\n",
        "pyproject.toml": "[tool.black]\n",
        **files,
        ".pre-commit-config.yaml": RUFF_HOOKS.format(args=args),
        "setup.cfg": "[flake8]\n",
    }
    chosen, ws = plan_tools(tmp_path, files)
    assert chosen == tools
    hooks_of = {"black": "ruff-format", "flake8": "ruff's lint hook"}
    hooks_of["isort"] = hooks_of["flake8"]
    assert [n for n in ws.notes if n.startswith("kept ")] == [
        f"kept {hooks_of[t]}: it does {t}'s job; the gate runs no {t}" for t in kept
    ]


def test_a_tool_the_project_hooks_itself_stays_beside_ruffs_hooks(
    tmp_path: Path,
) -> None:
    """A project running flake8's and isort's hooks and ruff's runs all of them.

    Seen adopting celery/django-celery-beat: its flake8 hook was dropped and
    flake8 ran nowhere, because ruff's lint hook "does flake8's job"; ruff's
    default rules are not flake8's (E201, W291... only flake8 reports).
    """
    config = (
        RUFF_HOOKS.format(args="")
        + HOOK.format(url="https://github.com/PyCQA/flake8", id="flake8")[6:]
        + HOOK.format(url="https://github.com/pycqa/isort", id="isort")[6:]
    )
    files = {"setup.cfg": "[flake8]\n", ".pre-commit-config.yaml": config}
    chosen, ws = plan_tools(tmp_path, files)
    assert chosen == ("flake8", "isort")
    # ruff-format does black's job; black is not hooked, so it is left to ruff
    assert [n for n in ws.notes if n.startswith("kept ")] == [
        "kept ruff-format: it does black's job; the gate runs no black"
    ]


def test_kept_ruff_hooks_are_offered_to_the_gate_with_the_suites_ruff(
    tmp_path: Path,
) -> None:
    files = {
        "mypy.ini": "[mypy]\n",
        ".pre-commit-config.yaml": RUFF_HOOKS.format(args=""),
    }
    chosen, ws = plan_tools(tmp_path, files)
    assert chosen == ("mypy",)
    assert ws.offers[-1] == (
        "ruff (lints and formats: ruff check, ruff format --check): its hooks stay "
        "(ruff, ruff-format) and do their jobs; for the gate to run ruff instead, "
        f"with {ruff_pin()} in its hook's environment: quality-gates init --tools "
        "mypy,ruff, then remove those hooks"
    )
    # bandit and isort; not black or flake8, which ruff's hooks do
    assert [o.split(" ")[0] for o in ws.offers] == ["bandit", "isort", "ruff"]


def test_a_project_of_ruff_hooks_alone_is_offered_ruff(tmp_path: Path) -> None:
    files = {"app.py": "", ".pre-commit-config.yaml": RUFF_HOOKS.format(args="")}
    with pytest.raises(choose.NothingToAdopt) as caught:
        plan_tools(tmp_path, files)
    assert [o.split(" ")[0] for o in caught.value.offers] == [
        "bandit",
        "isort",
        "mypy",
        "ruff",
    ]
    assert str(caught.value) == (
        "nothing to adopt: the project runs none of the gate's tools (bandit, "
        "black, flake8, isort, mypy) itself (black, flake8: kept hooks do them); "
        "choose some with --tools (e.g. --tools ruff), then run init again"
    )


def test_ruff_asked_for_is_installed_in_the_gate_hook(project: Project) -> None:
    """--tools mypy,ruff: the gate hook gets the suite's ruff; ruff's hooks stay."""
    project.write("app.py", '"""A."""\n')
    project.write(".pre-commit-config.yaml", RUFF_HOOKS.format(args=""))
    project.commit()
    ws = Workspace.open(project.root)
    config = precommit_file.parse(
        (project.root / ".pre-commit-config.yaml").read_bytes()
    )
    found = hooks.classify(config, [SUITE])
    request = plan.Request(project.root, SUITE, "v0.1.0", ("mypy", "ruff"))
    planned = plan._planned(
        request, ws, config, found, (SUITE, "a" * 40, "v0.1.0"), "v0.1.0"
    )
    doc = yaml.safe_load(planned[".pre-commit-config.yaml"])
    assert [h["id"] for h in doc["repos"][0]["hooks"]] == ["ruff", "ruff-format"]
    assert doc["repos"][1]["hooks"] == [
        {
            "id": "quality-gate",
            "name": "quality gate (mypy, ruff)",
            "additional_dependencies": [ruff_pin()],
        }
    ]
    assert ws.notes == [
        "kept ruff's hooks (ruff, ruff-format): the gate runs ruff too; remove one "
        "of them"
    ]
    assert ws.offers == []


def test_a_ruff_config_without_a_ruff_hook_offers_ruff(tmp_path: Path) -> None:
    # psygnal 0.16.1: [tool.ruff] and [tool.mypy], no hook; init offered only
    # black, flake8, isort and bandit, and never named the ruff it configures
    tools, ws = plan_tools(
        tmp_path,
        {"pyproject.toml": "[tool.ruff]\nline-length = 88\n\n[tool.mypy]\n"},
    )
    assert tools == ("mypy",)
    assert ws.offers[-1] == (
        "ruff (lints and formats: ruff check, ruff format --check): configured "
        "(pyproject.toml [tool.ruff]) but run by no pre-commit hook; for the gate "
        f"to run it, with {ruff_pin()} in its hook's environment: quality-gates "
        "init --tools mypy,ruff"
    )


def test_a_project_that_only_configures_ruff_is_told_to_choose_ruff(
    tmp_path: Path,
) -> None:
    # jazzband/django-constance @e9f850b: [tool.ruff], ruff run in CI by an
    # action, no hook: the error's example named mypy, not the ruff it runs
    with pytest.raises(choose.NothingToAdopt) as caught:
        plan_tools(tmp_path, {"pyproject.toml": "[tool.ruff]\nline-length = 88\n"})
    assert str(caught.value) == (
        "nothing to adopt: the project runs none of the gate's tools (bandit, "
        "black, flake8, isort, mypy) itself; choose some with --tools "
        "(e.g. --tools ruff), then run init again"
    )


def test_a_project_that_only_runs_ruff_hooks_is_told_to_choose_ruff(
    tmp_path: Path,
) -> None:
    # 0-k/netto @fc4fbfa, 0-th/breadfund @7bea970: ruff and ruff-format hooks
    # and [tool.ruff]; the offer said --tools ruff, the error's example mypy
    config = (
        "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
        "    rev: v0.8.4\n    hooks:\n      - id: ruff\n      - id: ruff-format\n"
    )
    with pytest.raises(choose.NothingToAdopt) as caught:
        plan_tools(
            tmp_path,
            {
                ".pre-commit-config.yaml": config,
                "pyproject.toml": '[tool.ruff.lint]\nselect = ["E", "F", "I"]\n',
            },
        )
    assert str(caught.value) == (
        "nothing to adopt: the project runs none of the gate's tools (bandit, "
        "black, flake8, isort, mypy) itself (black, flake8, isort: kept hooks do "
        "them); choose some with --tools (e.g. --tools ruff), then run init again"
    )


LOCAL_BLACK = """\
repos:
  - repo: local
    hooks:
      - id: black
        name: black
        entry: black
        language: system
        types: [python]
      - id: isort
        name: isort
        entry: isort
        language: system
"""


def test_a_local_hook_of_a_tool_is_a_tool_the_project_runs(tmp_path: Path) -> None:
    # 000AG000/BashMetaHandler @c82814a: black only as a local hook, no
    # [tool.black]: init offered black as a tool "the project does not run"
    # and in the same output said "the gate runs black too"
    tools, ws = plan_tools(
        tmp_path,
        {".pre-commit-config.yaml": LOCAL_BLACK, "pyproject.toml": "[tool.mypy]\n"},
    )
    assert tools == ("black", "isort", "mypy")
    assert ws.notes == [
        "kept local hook `black` (line 4): the gate runs black too; remove one of them",
        "kept local hook `isort` (line 9): the gate runs isort too; remove one of them",
    ]
    assert [o.split(" (")[0] for o in ws.offers] == ["bandit", "flake8"]


def test_a_local_hook_of_a_tool_left_out_by_tools_says_so(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.quality-gates]\ntools = ["isort"]\n'
    )
    ws = Workspace.open(tmp_path)
    found = hooks.classify(precommit_file.parse(LOCAL_BLACK.encode()), [SUITE])
    assert choose.choose_tools(None, ws, found) == ("isort",)
    assert ws.notes == [
        "kept local hook `black` (line 4): the gate runs no black (not in its tools)",
        "kept local hook `isort` (line 9): the gate runs isort too; remove one of them",
    ]


TOX_LINT = """\
[tox]
envlist = lint,py312

[testenv]
deps = pytest
commands = pytest {posargs} test

[testenv:lint]
skip_install = True
deps =
    flake8
    flake8-bugbear  # its B9 codes are in extend-select
    flake8-docstrings
    pep8-naming>=0.13
    {[testenv]deps}
commands =
    - python -m flake8 src test

[testenv:typing]
deps = flake8-not-run-here
commands = mypy src

[flake8]
extend-select = B950
"""


def test_the_flake8_plugins_of_a_tox_lint_run_go_to_the_gate_hook(
    project: Project,
) -> None:
    # versioningit's tox lint env: without bugbear in the hook, B042 was dropped
    project.write("tox.ini", TOX_LINT)
    project.write("app.py", '"""A."""\n')
    project.commit()
    ws = Workspace.open(project.root)
    request = plan.Request(project.root, SUITE, "v0.1.0")
    planned = plan._planned(
        request, ws, None, hooks.Found(), (SUITE, "a" * 40, "v0.1.0"), "v0.1.0"
    )
    doc = yaml.safe_load(planned[".pre-commit-config.yaml"])
    (gate,) = doc["repos"][0]["hooks"]
    # flake8-docstrings: the suite pins it; flake8-not-run-here: that env runs mypy
    assert gate["additional_dependencies"] == ["flake8-bugbear", "pep8-naming>=0.13"]
    assert (
        "flake8: the plugins tox.ini [testenv:lint] installs for its flake8 run go "
        "to the hook's additional_dependencies: flake8-bugbear, pep8-naming>=0.13"
    ) in ws.notes


POETRY_DEV = """\
[tool.poetry.dev-dependencies]
black = ">=21.10b0"
flake8 = ">=4.0.1"
flake8-bugbear = ">=21.9.2"
flake8-docstrings = ">=1.6.0"
pep8-naming = "^0.12.1"

[tool.poetry.group.lint.dependencies]
flake8-bandit = {version = ">=2.1.2"}
"""
LOCAL_FLAKE8 = """\
repos:
  - repo: local
    hooks:
      - id: flake8
        name: flake8
        entry: flake8
        language: system
        types: [python]
"""


def _planned_with_poetry_dev(project: Project, hook: str) -> tuple[Any, Workspace]:
    """Plan init for a project with POETRY_DEV and ``hook`` as its pre-commit config."""
    project.write("pyproject.toml", POETRY_DEV)
    project.write(".pre-commit-config.yaml", hook)
    project.write("app.py", '"""A."""\n')
    project.commit()
    ws = Workspace.open(project.root)
    config = precommit_file.parse(hook.encode())
    found = hooks.classify(config, [SUITE])
    request = plan.Request(project.root, SUITE, "v0.1.0")
    planned = plan._planned(
        request, ws, config, found, (SUITE, "a" * 40, "v0.1.0"), "v0.1.0"
    )
    return yaml.safe_load(planned[".pre-commit-config.yaml"]), ws


def test_the_flake8_plugins_a_local_hooks_environment_declares_go_to_the_gate_hook(
    project: Project,
) -> None:
    # 000AG000/BashMetaHandler @c82814a: flake8 as a local hook, its plugins in
    # poetry's dev-dependencies; the gate's flake8 dropped bugbear's six B036
    project.write(".flake8", "[flake8]\nselect = B,C,E,F,N,S,W\n")
    doc, ws = _planned_with_poetry_dev(project, LOCAL_FLAKE8)
    gate = doc["repos"][1]["hooks"][0]
    # flake8-docstrings: the suite pins it; ^0.12.1 is poetry's, not pip's
    assert gate["additional_dependencies"] == [
        "flake8-bugbear>=21.9.2",
        "pep8-naming",
        "flake8-bandit>=2.1.2",
    ]
    assert ws.notes[-2:] == [
        "flake8: the plugins pyproject.toml [tool.poetry.dev-dependencies] installs "
        "for its flake8 run go to the hook's additional_dependencies: "
        "flake8-bugbear>=21.9.2, pep8-naming",
        "flake8: the plugins pyproject.toml [tool.poetry.group.lint.dependencies] "
        "installs for its flake8 run go to the hook's additional_dependencies: "
        "flake8-bandit>=2.1.2",
    ]


def test_a_flake8_hook_of_its_own_keeps_its_plugins_not_the_declared_ones(
    project: Project,
) -> None:
    hook = HOOK.format(url="https://github.com/pycqa/flake8", id="flake8")
    doc, _ = _planned_with_poetry_dev(project, hook)
    assert "additional_dependencies" not in doc["repos"][0]["hooks"][0]


@pytest.mark.parametrize(
    ("tool", "url", "hook_id"),
    [
        (
            "isort",
            "https://github.com/asottile/reorder-python-imports",
            "reorder-python-imports",
        ),
        ("isort", "https://github.com/facebook/usort", "usort"),
    ],
)
def test_a_rival_hook_takes_its_tool_away(
    tmp_path: Path, tool: str, url: str, hook_id: str
) -> None:
    files = {".isort.cfg": "[settings]\n", "mypy.ini": "[mypy]\n"}
    files[".pre-commit-config.yaml"] = HOOK.format(url=url, id=hook_id)
    chosen, ws = plan_tools(tmp_path, files)
    assert chosen == ("mypy",)
    assert ws.notes == [
        f"kept {hook_id}: it does {tool}'s job; the gate runs no {tool}"
    ]


@pytest.mark.parametrize(
    ("flake8_config", "deps", "off"),
    [
        pytest.param("[flake8]\nmax-line-length = 100\n", [], True, id="never-ran"),
        pytest.param("[flake8]\nextend-select = D\n", [], False, id="selects-d"),
        pytest.param(
            "[flake8]\nper-file-ignores = tests/*: D1\n", [], False, id="ignores-d1"
        ),
        pytest.param("[flake8]\ndocstring-convention = numpy\n", [], False, id="conv"),
        pytest.param("[flake8]\n", ["flake8-docstrings==1.7.0"], False, id="plugin"),
    ],
)
def test_docstring_codes_stay_as_the_project_had_them(
    tmp_path: Path, flake8_config: str, deps: list[str], off: bool
) -> None:
    hook = HOOK.format(url="https://github.com/pycqa/flake8", id="flake8")
    if deps:
        hook += f"        additional_dependencies: {deps}\n"
    _, ws = plan_tools(
        tmp_path, {"setup.cfg": flake8_config, ".pre-commit-config.yaml": hook}
    )
    ignored = ws.ini_value("setup.cfg", "flake8", "extend-ignore")
    assert (ignored == "D") is off
    assert any("docstring checks" in offer for offer in ws.offers) is off


def test_docstring_codes_off_in_a_tool_flake8_list_keep_it_a_list(
    project: Project,
) -> None:
    # flake8-pyproject reads [tool.flake8]; D joins its list, never its text
    hook = HOOK.format(url="https://github.com/pycqa/flake8", id="flake8")
    hook += "        additional_dependencies: [flake8-pyproject]\n"
    pyproject = '[tool.flake8]\nextend-ignore = ["E203", "W503"]\n'
    _, ws = plan_tools(
        project.root, {"pyproject.toml": pyproject, ".pre-commit-config.yaml": hook}
    )
    assert ws.lookup("tool", "flake8", "extend-ignore") == ["E203", "W503", "D"]
    # the real flake8 reads it: E203 and D ignored, the rest reported
    project.write("pyproject.toml", ws.text("pyproject.toml") or "")
    project.write("m.py", "x = [1, 2]\ny = x[1 :]\nimport os\n")
    project.commit()
    code, report, err = cli_json(
        project.root, "run", "--all-files", "--tools", "flake8"
    )
    assert report["errors"] == [], err
    rules = [(f["rule"], f["line"]) for f in report["findings"]]
    assert (code, rules) == (1, [("E402", 3), ("F401", 3)])


LONG_IMPORT = (
    "from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, "
    "Awaitable\n\nprint(AsyncGenerator, AsyncIterable, AsyncIterator, Awaitable)\n"
)


def test_isort_reads_the_line_length_of_editorconfig(project: Project) -> None:
    # 104 characters: the project's isort (line length 120 from .editorconfig) keeps it
    project.write(
        ".editorconfig", "root = true\n\n[*.{py,pyi}]\nmax_line_length = 120\n"
    )
    project.write("pyproject.toml", '[tool.quality-gates]\ntools = ["isort"]\n')
    project.write("m.py", LONG_IMPORT)
    project.commit()
    own = subprocess.run(
        [sys.executable, "-m", "isort", "--check-only", "m.py"],
        cwd=project.root,
        capture_output=True,
        text=True,
    )
    assert own.returncode == 0, own.stderr
    code, report, err = cli_json(project.root, "run", "m.py")
    assert (code, report["errors"], report["findings"]) == (0, [], []), err


# -- where the suite's repository and rev come from -------------------------------


@pytest.mark.parametrize(
    ("direct_url", "repo", "rev"),
    [
        pytest.param(
            '{"url": "https://github.com/me/qg.git", "vcs_info": {"vcs": "git", '
            '"requested_revision": "v1.2.3", "commit_id": "' + "a" * 40 + '"}}',
            "https://github.com/me/qg.git",
            "v1.2.3",
            id="git-tag",
        ),
        pytest.param(
            '{"url": "git+ssh://git@mirror.example/qg", "vcs_info": {"vcs": "git", '
            '"requested_revision": "main", "commit_id": "' + "b" * 40 + '"}}',
            "ssh://git@mirror.example/qg",
            "b" * 40,
            id="git-branch-pins-the-installed-commit",
        ),
        pytest.param(
            '{"url": "https://files.example/qg-1.tar.gz"}', None, None, id="sdist"
        ),
        pytest.param("not json", None, None, id="garbage"),
        pytest.param(None, None, None, id="from-an-index"),
    ],
)
def test_installed_origin(
    direct_url: str | None, repo: str | None, rev: str | None
) -> None:
    from quality_gates.adopt import rev as rev_mod

    origin = rev_mod.origin_of(direct_url)
    assert ((origin.repo, origin.rev) if origin else (None, None)) == (repo, rev)


def test_installed_from_a_local_checkout_pins_its_tag(project: Project) -> None:
    from quality_gates.adopt import rev as rev_mod

    project.write("a.txt", "1\n")
    project.commit()
    project.git("tag", "v9.8.7")
    url = json.dumps({"url": project.root.as_uri(), "dir_info": {"editable": True}})
    origin = rev_mod.origin_of(url)
    assert origin == rev_mod.Source(
        str(project.root), "v9.8.7", "installed from the local checkout"
    )


def test_recorded_repo_and_rev_win_and_a_placeholder_is_never_pinned() -> None:
    from quality_gates.adopt import rev as rev_mod

    recorded = rev_mod.choose(None, None, ("/srv/mirror/qg", "v0.1.0"))
    assert (recorded.repo, recorded.rev, recorded.learnt) == (
        "/srv/mirror/qg",
        "v0.1.0",
        "recorded",
    )
    with pytest.raises(GateError, match="the suite's repository is not known: "):
        rev_mod.choose("https://github.com/OWNER/quality-gates", None, ("", ""))
