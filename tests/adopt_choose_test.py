"""init adopts the tools the project runs; every other one is offered, never added.

In-process: the project's files in tmp_path, init's own planning functions.
The isort case runs the real isort both ways (the project's run and the gate's).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Project, cli_json
from quality_gates.adopt import choose, hooks, precommit
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
        hooks.classify(precommit.parse(config_text.encode()), [SUITE])
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
        f"{tool} ({choose.WHY[tool]}): not added, the project does not run it; "
        f"to add it: quality-gates init --tools mypy,{tool}"
        for tool in ("bandit", "black", "flake8", "isort")
    ]


def test_nothing_to_adopt_names_the_way_out(tmp_path: Path) -> None:
    with pytest.raises(GateError, match=r"nothing to adopt: .*--tools"):
        plan_tools(tmp_path, {"app.py": ""})


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
