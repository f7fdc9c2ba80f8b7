"""init's pure parts: regex -> globs, hook args -> settings, line edits of the pre-commit config."""

from __future__ import annotations

import importlib.metadata
import re

import pytest
import yaml
from quality_gates import tools
from quality_gates.adopt import excludes, hooks, plan, precommit_file, precommit_plan
from quality_gates.adopt.edit import SuiteHook
from quality_gates.errors import GateError

PIN = ("https://github.com/OWNER/quality-gates", "a" * 40, "frozen: v0.1.0")


@pytest.mark.parametrize(
    ("pattern", "globs"),
    [
        pytest.param("^docs/", ["docs/*"], id="folder"),
        pytest.param(
            "^(docs|tests/fixtures)/", ["docs/*", "tests/fixtures/*"], id="alt"
        ),
        pytest.param("migrations/", ["*migrations/*"], id="unanchored"),
        pytest.param(r"\.pyi$", ["*.pyi"], id="suffix"),
        pytest.param(r"^setup\.py$", ["setup.py"], id="file"),
        pytest.param(
            "(?x)^(\n    tests/data/.*|   # test data\n    docs/conf.py\n)$",
            ["tests/data/*", "docs/conf.py"],
            id="verbose",
        ),
        pytest.param("^(?:a|b)/c/", ["a/c/*", "b/c/*"], id="non-capturing"),
        pytest.param("^tests$", None, id="names-no-file"),
        pytest.param("[ab]/", None, id="class"),
        pytest.param("foo?", None, id="quantifier"),
        pytest.param("", None, id="empty"),
    ],
)
def test_exclude_regex_to_globs(pattern: str, globs: list[str] | None) -> None:
    assert excludes.to_globs(pattern) == globs


@pytest.mark.parametrize(
    ("tool", "argv", "settings", "suite", "dropped"),
    [
        pytest.param(
            "black", ["--line-length=100"], {"line-length": 100}, {}, [], id="black-l"
        ),
        pytest.param(
            "mypy",
            ["--txt-report=.tox/r", "--html-report", "out", "--made-up=3"],
            {},
            {},
            ["--made-up=3: no config equivalent that init knows"],
            id="mypy-reports-and-an-unknown-option-with-its-value",
        ),
        pytest.param(
            "black",
            ["-l", "79", "-t", "py38", "-t", "py39", "-S", "--quiet"],
            {
                "line-length": 79,
                "target-version": ["py38", "py39"],
                "skip-string-normalization": True,
            },
            {},
            [],
            id="black-many",
        ),
        pytest.param(
            "isort",
            ["--profile=black", "--filter-files"],
            {"profile": "black"},
            {},
            [],
            id="isort",
        ),
        pytest.param(
            "mypy",
            [
                "--ignore-missing-imports",
                "--no-strict-optional",
                "--python-version",
                "3.8",
                "--scroll-output",
            ],
            {
                "ignore_missing_imports": True,
                "strict_optional": False,
                "python_version": "3.8",
            },
            {},
            [],
            id="mypy",
        ),
        pytest.param("mypy", ["--strict"], {"strict": True}, {}, [], id="mypy-strict"),
        pytest.param(
            "mypy",
            ["--no-such-flag"],
            {},
            {},
            ["--no-such-flag: no config equivalent that init knows"],
            id="mypy-unknown",
        ),
        pytest.param(
            "flake8",
            [
                "--max-line-length=120",
                "--extend-ignore",
                "E203,W503",
                "--exit-zero",
                "--show-source",
            ],
            {"max-line-length": "120", "extend-ignore": "E203,W503"},
            {},
            ["--exit-zero: it would make the gate unable to fail"],
            id="flake8",
        ),
        pytest.param(
            "bandit",
            ["-ll", "-ii", "-s", "B101,B601", "-r"],
            {"skips": ["B101", "B601"]},
            {"severity-threshold": "medium", "confidence-threshold": "medium"},
            [],
            id="bandit",
        ),
    ],
)
def test_args_become_settings(tool, argv, settings, suite, dropped) -> None:
    carried = tools.get(tool).hook_settings(argv)
    assert carried.settings == settings
    assert carried.suite == suite
    assert carried.dropped == dropped


REAL_CONFIG = """\
# See https://pre-commit.com for more information
default_language_version:
  python: python3
ci:
  autofix_prs: false
  skip: [mypy, pylint]  # these need the network

exclude: |
  (?x)^(
    docs/conf\\.py|
    src/vendored/.*
  )$
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0  # keep
    hooks:
      - id: trailing-whitespace
      - id: check-yaml
        args: [--unsafe]

  # formatting
  - repo: https://github.com/psf/black-pre-commit-mirror
    rev: 24.4.2
    hooks:
      - id: black
        args: [--line-length=100]
      - id: black-jupyter

  - repo: https://github.com/PyCQA/flake8
    rev: 7.1.0
    hooks:
      - id: flake8
        additional_dependencies:
          - flake8-bugbear==24.4.26   # bugbear
          - flake8-docstrings
        exclude: ^tests/fixtures/
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.10.0
    hooks:
      - id: mypy
        additional_dependencies: &deps [types-requests, "pydantic>=2"]
        files: ^src/
  - repo: local
    hooks:
      - id: pylint
        name: pylint
        entry: pylint
        language: system
        types: [python]
# trailing comment
"""


def _render(text: str, tools=("black", "isort", "flake8", "mypy", "bandit")) -> str:
    config = precommit_file.parse(text.encode())
    found = hooks.classify(config, [PIN[0]])
    deps, _ = hooks.dependencies(found)
    groups = hooks.groups(found, tools, deps, None)
    return precommit_plan.render(config, found, groups, PIN)


EXPECTED = """\
# See https://pre-commit.com for more information
default_language_version:
  python: python3
ci:
  autofix_prs: false
  skip: [pylint, quality-gate]  # these need the network

exclude: |
  (?x)^(
    docs/conf\\.py|
    src/vendored/.*
  )$
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0  # keep
    hooks:
      - id: trailing-whitespace
      - id: check-yaml
        args: [--unsafe]

  # formatting
  - repo: https://github.com/psf/black-pre-commit-mirror
    rev: 24.4.2
    hooks:
      - id: black-jupyter

          # bugbear
  - repo: https://github.com/OWNER/quality-gates
    rev: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  # frozen: v0.1.0
    hooks:
      - id: quality-gate
        name: quality gate (black, isort, bandit)
        args: [--tools, 'black,isort,bandit']
      - id: quality-gate
        name: quality gate (flake8)
        args: [--tools, flake8]
        exclude: ^tests/fixtures/
        additional_dependencies: [flake8-bugbear==24.4.26]
      - id: quality-gate
        name: quality gate (mypy)
        args: [--tools, mypy]
        files: ^src/
        additional_dependencies: [types-requests, pydantic>=2]
  - repo: local
    hooks:
      - id: pylint
        name: pylint
        entry: pylint
        language: system
        types: [python]
# trailing comment
"""


def test_edit_keeps_every_other_line_and_comment() -> None:
    """Only the replaced hooks' lines go, not their comments; the entry comes first."""
    assert _render(REAL_CONFIG) == EXPECTED


def test_edit_result_is_the_expected_structure() -> None:
    doc = yaml.safe_load(_render(REAL_CONFIG))
    repos = {r["repo"]: r for r in doc["repos"]}
    assert list(repos) == [
        "https://github.com/pre-commit/pre-commit-hooks",
        "https://github.com/psf/black-pre-commit-mirror",
        PIN[0],
        "local",
    ]
    assert repos[PIN[0]]["rev"] == PIN[1]
    assert [
        h["id"]
        for h in repos["https://github.com/psf/black-pre-commit-mirror"]["hooks"]
    ] == ["black-jupyter"]
    gate = repos[PIN[0]]["hooks"]
    assert [
        (h["args"], h.get("files"), h.get("exclude"), h.get("additional_dependencies"))
        for h in gate
    ] == [
        (["--tools", "black,isort,bandit"], None, None, None),
        (["--tools", "flake8"], None, "^tests/fixtures/", ["flake8-bugbear==24.4.26"]),
        (["--tools", "mypy"], "^src/", None, ["types-requests", "pydantic>=2"]),
    ]
    assert doc["ci"]["skip"] == ["pylint", "quality-gate"]


def test_flake8_docstrings_dependency_is_dropped_as_pinned() -> None:
    config = precommit_file.parse(REAL_CONFIG.encode())
    deps, dropped = hooks.dependencies(hooks.classify(config, [PIN[0]]))
    assert dropped == {"flake8-docstrings": "the suite pins it"}
    assert deps["flake8"] == ["flake8-bugbear==24.4.26"]


BLACK_MYPY_HOOK = """\
repos:
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.14.1
    hooks:
      - id: mypy
        additional_dependencies:
          - tomli >= 0.2.6, < 2.0.0
          - packaging < 20
          - click >= 8.1.0, != 8.1.4, != 8.1.5
          - types-PyYAML
          - ./vendored/plugin
"""


def test_dependency_the_suites_environment_excludes_is_dropped() -> None:
    """A dependency the suite's environment excludes (packaging < 20) is dropped.

    pip refuses an environment with both, so the gate's hook could never
    install: the dependency is dropped with the reason, the rest carried.
    Black's own mypy hook asks for tomli < 2, which nothing in the hooks'
    environment excludes (pip-audit, which needs tomli >= 2, is the
    dependency-audit hook's alone), so it is carried.
    """
    packaging = importlib.metadata.version("packaging")
    config = precommit_file.parse(BLACK_MYPY_HOOK.encode())
    deps, dropped = hooks.dependencies(hooks.classify(config, [PIN[0]]))
    assert dropped == {
        "packaging < 20": f"the suite's environment needs packaging {packaging}"
    }
    assert deps["mypy"] == [
        "tomli >= 0.2.6, < 2.0.0",
        "click >= 8.1.0, != 8.1.4, != 8.1.5",
        "types-PyYAML",
        "./vendored/plugin",
    ]


def test_sample_config_style_four_spaces_is_kept() -> None:
    text = (
        "repos:\n"
        "-   repo: https://github.com/psf/black\n"
        "    rev: 22.3.0\n"
        "    hooks:\n"
        "    -   id: black\n"
        "-   repo: local\n"
        "    hooks:\n"
        "    -   id: x\n"
        "        name: x\n"
        "        entry: 'true'\n"
        "        language: system\n"
    )
    out = _render(text)
    assert out.startswith(
        f"repos:\n-   repo: {PIN[0]}\n    rev: {PIN[1]}  # frozen: v0.1.0\n"
        "    hooks:\n    -   id: quality-gate\n-   repo: local\n"
    )


def test_no_repos_yet_and_missing_file() -> None:
    assert _render("repos: []\n") == f"repos:\n  - repo: {PIN[0]}\n  rev: x\n".replace(
        "  rev: x\n",
        f"    rev: {PIN[1]}  # frozen: v0.1.0\n    hooks:\n      - id: quality-gate\n",
    )
    found = hooks.Found()
    text = precommit_plan.render(None, found, [SuiteHook()], PIN)
    assert yaml.safe_load(text)["repos"][0]["hooks"] == [{"id": "quality-gate"}]


def test_a_fork_of_a_tools_hook_names_the_repositories_init_knows() -> None:
    text = "repos:\n  - repo: https://github.com/me/my-mypy\n    rev: 1\n"
    text += "    hooks:\n      - id: mypy\n"
    with pytest.raises(GateError) as caught:
        hooks.classify(precommit_file.parse(text.encode()), [PIN[0]])
    assert str(caught.value) == (
        ".pre-commit-config.yaml:5: hook `mypy` comes from "
        "https://github.com/me/my-mypy, a repository init does not know; init "
        "replaces `mypy` hooks of github.com/pre-commit/mirrors-mypy only: remove "
        "or rename that hook, then run init again"
    )


OLD_PRE_COMMIT_HOOKS = """\
repos:
-   repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v2.1.0
    hooks:
    -   id: trailing-whitespace
    -   id: flake8
        args: [--max-line-length=99]
        additional_dependencies: [flake8-typing-imports]
    -   id: autopep8-wrapper
    -   id: pyflakes
        exclude: ^docs/
"""


def test_pre_commit_hooks_old_flake8_and_pyflakes_are_flake8s_hooks() -> None:
    """pre-commit-hooks ran flake8 and pyflakes until v3.0.0: the gate's flake8 does.

    Its other hooks stay as they are, autopep8-wrapper too (a fixer, not
    flake8's job); init says what it replaced, and nothing about what it kept.
    """
    config = precommit_file.parse(OLD_PRE_COMMIT_HOOKS.encode())
    found = hooks.classify(config, [PIN[0]])
    assert [(r.hook.id, r.tool, r.args()) for r in found.replaced] == [
        ("flake8", "flake8", ["--max-line-length=99"]),
        ("pyflakes", "flake8", []),
    ]
    url = "https://github.com/pre-commit/pre-commit-hooks"
    assert found.notes == [
        f"replaced hook `flake8` of {url} (its flake8 hook, removed in v4.0.0) "
        "with the gate's flake8; that repository's other hooks stay",
        f"replaced hook `pyflakes` of {url} (its pyflakes hook, removed in "
        "v4.0.0: flake8 runs pyflakes) with the gate's flake8; that "
        "repository's other hooks stay",
    ]
    # one gate hook per exclude; flake8's plugins are every flake8 hook's
    assert _render(OLD_PRE_COMMIT_HOOKS, tools=("flake8",)) == (
        "repos:\n"
        f"-   repo: {url}\n"
        "    rev: v2.1.0\n"
        "    hooks:\n"
        "    -   id: trailing-whitespace\n"
        "    -   id: autopep8-wrapper\n"
        f"-   repo: {PIN[0]}\n"
        f"    rev: {PIN[1]}  # {PIN[2]}\n"
        "    hooks:\n"
        "    -   id: quality-gate\n"
        "        name: quality gate (flake8)\n"
        "        additional_dependencies: [flake8-typing-imports]\n"
        "    -   id: quality-gate\n"
        "        name: quality gate (flake8)\n"
        "        exclude: ^docs/\n"
        "        additional_dependencies: [flake8-typing-imports]\n"
    )


def test_pre_commit_hooks_without_an_old_linter_are_all_kept_unsaid() -> None:
    text = OLD_PRE_COMMIT_HOOKS.replace("rev: v2.1.0", "rev: v4.6.0")
    text = text.split("    -   id: flake8")[0]
    found = hooks.classify(precommit_file.parse(text.encode()), [PIN[0]])
    assert (found.replaced, found.notes) == ([], [])


def test_no_final_newline_is_fine() -> None:
    out = _render(
        "repos:\n  - repo: https://github.com/pycqa/isort\n    rev: 5.0.0\n    hooks:\n      - id: isort"
    )
    assert yaml.safe_load(out)["repos"][0]["repo"] == PIN[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "repos:\n  - repo: x\n   rev: 1\n",
            r"\.pre-commit-config\.yaml:3: invalid YAML",
            id="yaml",
        ),
        pytest.param(
            "repos:\n  - repo: https://github.com/someone/black-fork\n    rev: 1\n    hooks:\n      - id: black\n",
            r"\.pre-commit-config\.yaml:5: hook `black` comes from https://github.com/someone/black-fork, a repository init does not know",
            id="unknown-repo",
        ),
        pytest.param(
            "repos: [{repo: local, hooks: []}]\n",
            r":1: `repos:` is a flow-style list",
            id="flow",
        ),
        pytest.param("- a\n- b\n", r"not a mapping with a `repos:` key", id="list"),
        pytest.param(
            "repos:\n  - hooks: []\n",
            r":2: a `repos:` item has no `repo:`",
            id="no-repo",
        ),
        pytest.param(b"repos:\n  - repo: \xff\n", r":2: not UTF-8", id="not-utf8"),
    ],
)
def test_bad_configs_are_one_line_errors(text: str | bytes, message: str) -> None:
    data = text if isinstance(text, bytes) else text.encode()
    with pytest.raises(GateError) as info:
        config = precommit_file.parse(data)
        hooks.classify(config, [PIN[0]])
    assert re.search(message, str(info.value)), str(info.value)
    assert "\n" not in str(info.value)


def test_local_mypy_hook_is_kept_and_counted() -> None:
    text = "repos:\n  - repo: local\n    hooks:\n      - id: mypy\n        name: mypy\n        entry: mypy\n        language: system\n"
    found = hooks.classify(precommit_file.parse(text.encode()), [PIN[0]])
    assert not found.replaced
    assert [(item.tool, item.hook.line) for item in found.local] == [("mypy", 4)]
    assert found.notes == []


# 000AG000/BashMetaHandler @c82814a (the hypermodern-python template): black,
# flake8 and isort as the project's own local hooks, flake8's with an exclude
LOCAL_TOOL_HOOKS = """\
repos:
  - repo: local
    hooks:
      - id: black
        name: black
        entry: black --line-length 100
        language: system
        types: [python]
      - id: flake8
        name: flake8
        entry: flake8
        exclude: ^$|test_env/lib/python3.10/*
        language: system
        types: [python]
        args: [--darglint-ignore-regex, .*]
      - id: isort
        name: isort
        entry: isort
        language: python
        additional_dependencies: [isort-plugin-x]
"""


def test_local_tool_hooks_give_the_gate_their_filters_args_and_dependencies() -> None:
    # their exclude was dropped: the gate's flake8 checked the 3,900 files of a
    # committed virtualenv the project's flake8 never saw (68,474 findings)
    found = hooks.classify(precommit_file.parse(LOCAL_TOOL_HOOKS.encode()), [PIN[0]])
    deps, _ = hooks.dependencies(found)
    groups = hooks.groups(found, ("black", "isort", "flake8"), deps, None)
    assert [(g.args, g.exclude, g.additional_dependencies) for g in groups] == [
        (("--tools", "black,isort"), None, ("isort-plugin-x",)),
        (("--tools", "flake8"), "^$|test_env/lib/python3.10/*", ()),
    ]
    assert plan.shared_args(found) == {
        "black": (["--line-length", "100"], []),
        "flake8": (["--darglint-ignore-regex", ".*"], []),
        "isort": ([], []),
    }


TWO_HOOKS_OF_A_TOOL = """\
repos:
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.14.1
    hooks:
      - id: mypy
        exclude: ^scripts/generate_schema.py$
        args: [--strict]
      - id: mypy
        files: scripts/generate_schema.py
        args: [--strict, "--python-version=3.10"]
  - repo: https://github.com/pycqa/flake8
    rev: 7.1.1
    hooks:
      - id: flake8
        args: [--max-line-length, "100", --select, E]
      - id: flake8
        args: [--max-line-length, "100", --select, F]
"""


def test_args_only_some_hooks_of_a_tool_had_are_not_settings() -> None:
    """Black's second mypy hook checks one script as Python 3.10: not every file."""
    config = precommit_file.parse(TWO_HOOKS_OF_A_TOOL.encode())
    shared = plan.shared_args(hooks.classify(config, [PIN[0]]))
    assert shared == {
        "mypy": (["--strict"], ["--python-version=3.10"]),
        "flake8": (["--max-line-length", "100"], ["--select E", "--select F"]),
    }


SPACED = """\
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0
    hooks:
      - id: trailing-whitespace

  # the formatter, pinned with the project's black
  - repo: https://github.com/psf/black
    rev: 24.4.2
    hooks:
      - id: black  # fast
        # args: [--preview]

  - repo: https://github.com/pycqa/isort
    rev: 5.13.2
    hooks:
      - id: isort

  - repo: local
    hooks:
      - id: x
        name: x
        entry: x
        language: system
"""


def test_replaced_hooks_leave_their_comments_and_no_doubled_blank_line() -> None:
    assert _render(SPACED, ("black", "isort")) == """\
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0
    hooks:
      - id: trailing-whitespace

  # the formatter, pinned with the project's black
      # fast
  - repo: https://github.com/OWNER/quality-gates
    rev: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  # frozen: v0.1.0
    hooks:
      - id: quality-gate
        name: quality gate (black, isort)
        # args: [--preview]

  - repo: local
    hooks:
      - id: x
        name: x
        entry: x
        language: system
"""


LAST_REPLACED = """\
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.3.0
    hooks:
      - id: end-of-file-fixer

  - repo: https://github.com/psf/black.git
    rev: 25.12.0
    hooks:
      - id: black

  - repo: https://github.com/PyCQA/flake8.git
    rev: 7.3.0
    hooks:
      - id: flake8
"""


@pytest.mark.parametrize("nl", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_the_last_repository_replaced_leaves_no_blank_line_at_the_end(
    nl: str,
) -> None:
    # end-of-file-fixer, kept, would fail on the file init wrote
    text = LAST_REPLACED.replace("\n", nl)
    assert _render(text, ("black", "flake8")) == (
        "repos:\n"
        "  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
        "    rev: v4.3.0\n"
        "    hooks:\n"
        "      - id: end-of-file-fixer\n\n"
        "  - repo: https://github.com/OWNER/quality-gates\n"
        "    rev: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  # frozen: v0.1.0\n"
        "    hooks:\n"
        "      - id: quality-gate\n"
        "        name: quality gate (black, flake8)\n"
    ).replace("\n", nl)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "[tool.black]\nline-length = 100\n\n[build-system]\nrequires = []\n",
            '[tool.black]\nline-length = 100\n\n[tool.quality-gates]\ntools = ["mypy"]\n'
            "\n[build-system]\nrequires = []\n",
            id="before-another-table",
        ),
        pytest.param(
            '[project]\nname = "a"\n',
            '[project]\nname = "a"\n\n[tool.quality-gates]\ntools = ["mypy"]\n',
            id="at-the-end",
        ),
    ],
)
def test_a_table_init_makes_is_set_apart_by_a_blank_line(
    tmp_path, before: str, after: str
) -> None:
    from quality_gates.adopt.workspace import Workspace

    (tmp_path / "pyproject.toml").write_text(before)
    ws = Workspace.open(tmp_path)
    ws.table("tool", "quality-gates")["tools"] = ["mypy"]
    assert ws.text("pyproject.toml") == after
