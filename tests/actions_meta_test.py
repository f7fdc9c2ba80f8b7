"""The actions as files: docs in sync, zizmor clean, valid against GitHub's schemas.

These run offline and fast (no act): zizmor with ``--offline``, and
check-jsonschema with the schemas it vendors.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ACTIONS = sorted(p.parent.name for p in REPO.glob("actions/*/action.yml"))
WORKFLOWS = sorted(
    [*REPO.glob(".github/workflows/*.yml"), *REPO.glob("examples/workflows/*.yml")]
)
FULL_SHA = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(found).exists():
        pytest.fail(f"{name} is not installed (it is in the test extra)")
    return found


def action(name: str) -> dict:
    return yaml.safe_load((REPO / "actions" / name / "action.yml").read_text())


def action_page(name: str) -> str:
    """Return the action's docs page, docs/actions/NAME.md."""
    page = REPO / "docs" / "actions" / f"{name}.md"
    assert page.is_file(), f"no docs page {page.relative_to(REPO)}"
    return page.read_text()


def bullets(page: str, heading: str) -> list[str]:
    found = re.search(rf"^## {heading}\n\n(.*?)(?:\n\n|\Z)", page, re.M | re.S)
    assert found, f"no '## {heading}' list"
    return found.group(1).strip().splitlines()


def action_table(text: str) -> dict[str, str]:
    """Map each action of the `| action | does |` table to the page it links."""
    start = text.index("| action | does |")
    table = text[start : text.index("\n\n", start)]
    return dict(re.findall(r"^\| \[`([a-z-]+)`\]\(([^)]+)\) \|", table, re.M))


def test_the_five_actions_exist() -> None:
    assert ACTIONS == [
        "coverage-gate",
        "docs-deploy",
        "matrix-test",
        "quality-gate",
        "security-scan",
    ]


@pytest.mark.parametrize("name", ACTIONS)
def test_docs_page_inputs_outputs_and_example_match_action_yml(name: str) -> None:
    data, section = action(name), action_page(name)
    assert section.startswith(f"# The `{name}` action\n\n")
    assert section.split("\n\n")[1] == " ".join(data["description"].split())
    expected_inputs = []
    for key, spec in data["inputs"].items():
        desc = " ".join(spec["description"].split())
        kind = (
            "required"
            if spec.get("required")
            else f"default `'{spec.get('default', '')}'`"
        )
        expected_inputs.append(f"- `{key}` ({kind}): {desc}")
    assert bullets(section, "Inputs") == expected_inputs
    expected_outputs = [
        f"- `{k}`: {' '.join(v['description'].split())}"
        for k, v in data["outputs"].items()
    ]
    assert bullets(section, "Outputs") == expected_outputs
    example = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert example, "no example"
    steps = yaml.safe_load(example.group(1))["steps"]
    ours = [s for s in steps if f"/actions/{name}@" in s.get("uses", "")]
    assert len(ours) == 1
    given = set((ours[0].get("with") or {}))
    assert given <= set(data["inputs"]), given - set(data["inputs"])
    required = {k for k, v in data["inputs"].items() if v.get("required")}
    assert required <= given


def test_the_readme_and_the_actions_overview_link_every_action_page() -> None:
    readme = action_table((REPO / "README.md").read_text())
    overview = action_table((REPO / "docs" / "actions" / "index.md").read_text())
    assert readme == {name: f"docs/actions/{name}.md" for name in ACTIONS}
    assert overview == {name: f"{name}.md" for name in ACTIONS}


@pytest.mark.parametrize("name", ACTIONS)
def test_action_yml_is_declarative(name: str) -> None:
    """Inputs reach scripts only through env, defaults are stated, pins are full SHAs."""
    data = action(name)
    for key, spec in data["inputs"].items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key), key
        assert "Default" in spec["description"] or spec.get("required"), key
        if spec.get("default") in ("true", "false"):
            assert isinstance(spec["default"], str)
    text = (REPO / "actions" / name / "action.yml").read_text()
    for step in data["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step["run"]
            # every step calls the suite (its command, or its checkout's code
            # uninstalled), except the consumer's own install command
            assert (
                "quality-gates" in step["run"]
                or "-m quality_gates.ci." in step["run"]
                or '"$GITHUB_ACTION_PATH/../../hooks" ci ' in step["run"]
                or step["run"] == 'eval "$QG_INPUT_INSTALL_COMMAND"'
            )

            for value in (step.get("env") or {}).values():
                assert not re.search(r"inputs\.", str(value)) or str(value).startswith(
                    "${{ inputs."
                )
            # `--option "$VALUE"` reads a value that starts with `-` (pytest-args:
            # --ignore=...) as another option; `--option="$VALUE"` cannot
            assert not re.search(r'--[a-z-]+ "\$QG_INPUT_', step["run"]), step["run"]
        if "uses" in step:
            line = next(ln.strip() for ln in text.splitlines() if step["uses"] in ln)
            assert FULL_SHA.match(
                line.removeprefix("uses: ").removeprefix("- uses: ")
            ), line
    for key in data["inputs"]:
        env_name = "QG_INPUT_" + key.upper().replace("-", "_")
        used = f"inputs.{key}" in text
        assert used, f"input {key} is never used"
        if env_name in text:
            assert f"${{{{ inputs.{key} }}}}" in text


def test_zizmor_pedantic_reports_nothing() -> None:
    proc = subprocess.run(
        [
            tool("zizmor"),
            "--offline",
            "--persona",
            "pedantic",
            "--no-progress",
            "actions/",
            ".github/",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("schema", "paths"),
    [
        (
            "vendor.github-actions",
            [str(REPO / "actions" / a / "action.yml") for a in ACTIONS],
        ),
        ("vendor.github-workflows", [str(p) for p in WORKFLOWS]),
    ],
    ids=["actions", "workflows"],
)
def test_valid_against_github_schemas(schema: str, paths: list[str]) -> None:
    assert paths
    proc = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", schema, *paths],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_jsonschema_catches_a_broken_action(tmp_path: Path) -> None:
    bad = tmp_path / "action.yml"
    bad.write_text(
        "name: x\ndescription: x\nruns:\n  using: composite\n  steps:\n    - run: echo\n"
    )
    proc = subprocess.run(
        [
            tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.github-actions",
            str(bad),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1, "a run step without shell must fail the schema"
