"""audit-gates on the wider checker catalogue: each tool's check and its other forms.

Not blind: each case follows a tool's documented behaviour, not a corpus.  A
checker's lost failure (``CMD || true`` in a step whose name says nothing) is
found, failing; the same tool asked to fix, report, list or set itself up is
not, nor is a scanner that exits 0 on its findings unless an option says what
fails.  Real node, ruff and bash decide where they are installed.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - fixed argument lists
import sys
import textwrap
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of
from workflow_yaml import workflow

CI = ".github/workflows/ci.yml"


def _one_step(command: str, step: str = "step") -> str:
    """Return a workflow whose one job and step run ``command``, named for nothing."""
    return _jobs("""
        main:
          runs-on: ubuntu-latest
          steps:
            - name: <STEP>
              run: <COMMAND>
        """.replace("<STEP>", step).replace("<COMMAND>", command))


def _lost(
    tmp_path: Path, command: str, step: str = "step"
) -> list[tuple[str, str, int, bool]]:
    """Audit one step running ``command || true``."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    text = _one_step(f"{command} || true", step)
    return gate_rules(audit_project(tmp_path, {CI: text}))


def _expected(
    command: str, checks: bool, step: str = "step"
) -> list[tuple[str, str, int, bool]]:
    text = _one_step(f"{command} || true", step)
    return [("QG101", CI, line_of(text, "|| true"), True)] if checks else []


_CHECKS = [
    # JavaScript and TypeScript
    "tsc --noEmit",
    "npx vue-tsc --noEmit",
    "svelte-check --fail-on-warnings",
    "npx eslint .",
    "npx oxlint",
    "npx xo",
    "npx prettier --check .",
    "npx vitest run",
    "npx jest --ci",
    "npx playwright test",
    "npx knip",
    "npx depcheck",
    "npx publint",
    "npx size-limit",
    "npx cspell lint .",
    "npx license-checker --onlyAllow MIT",
    "node --test",
    # Go and Rust
    "go vet ./...",
    "golangci-lint run ./...",
    "golangci-lint fmt --diff",
    "govulncheck ./...",
    "govulncheck -format text ./...",
    "cargo nextest run",
    "cargo llvm-cov --lcov --output-path lcov.info",
    "cargo machete",
    "cargo fmt --check",
    # shell and infrastructure
    "shfmt -d .",
    "clang-format --dry-run --Werror src/main.c",
    "tofu fmt -check",
    "tofu validate",
    "cfn-lint template.yaml",
    "kube-linter lint k8s/",
    "kubeval k8s/*.yaml",
    "trivy fs --exit-code 1 .",
    "trivy fs --exit-code=1 .",
    "docker run aquasec/trivy --exit-code 1 image app",
    "grype dir:. --fail-on high",
    "trufflehog git file://. --fail",
    "dependency-check.sh --scan . --failOnCVSS 7",
    # docs and text
    "lychee docs",
    "markdown-link-check README.md",
    "linkchecker site/index.html",
    "htmlproofer ./_site",
    # data and SQL
    "sqlfluff lint models",
    "sqlfluff parse models",
    "dbt test",
    "dbt build",
    # Python extras
    "nbqa flake8 notebooks",
    "nbqa black --check notebooks",
    "djlint --check templates",
    "djlint --lint templates",
    "autoflake --check -r src",
    "reuse lint",
    "semgrep ci",
    "semgrep scan --error --config auto",
    "semgrep --config auto --error src",
    "poetry lock --check",
    # JVM, .NET, PHP, Ruby, shell tests
    "dotnet format --verify-no-changes",
    "vendor/bin/phpunit",
    "bundle exec rspec",
    "bats test",
    "ctest --output-on-failure",
]
_NOT_CHECKS = [
    # fixers
    "npx prettier --write .",
    "shfmt -w .",
    "shfmt -l .",
    "clang-format -i src/main.c",
    "djlint --reformat templates",
    "autoflake --in-place -r src",
    "nbqa black notebooks",
    "sqlfluff fix models",
    "sqlfluff format models",
    "golangci-lint fmt",
    "tofu fmt",
    "dotnet format",
    "poetry lock",
    "gofmt -l .",
    "gofmt -d .",
    # reports: exit 0 whatever they find
    "npx license-checker --summary",
    "npx vitest bench",
    "npx jest --listTests",
    "ruff rule E501",
    # setup and listings
    "tflint --init",
    "npx tsc --init",
    "npx eslint --init",
    "dbt deps",
    "dbt seed",
    "kube-linter checks list",
    "reuse annotate --license MIT src/a.py",
    "golangci-lint cache clean",
]


@pytest.mark.parametrize("command", _CHECKS)
def test_a_checker_of_the_catalogue_loses_its_failure(
    tmp_path: Path, command: str
) -> None:
    assert _lost(tmp_path, command) == _expected(command, True)


@pytest.mark.parametrize("command", _NOT_CHECKS)
def test_its_fixer_report_or_setup_form_loses_nothing(
    tmp_path: Path, command: str
) -> None:
    assert _lost(tmp_path, command) == _expected(command, False)


# Scanners that exit 0 on what they find unless told what fails: they still
# fail when they cannot scan, a check only where the step says it scans.
_FAILS_ON_ERRORS_ONLY = [
    "trivy fs .",
    "grype dir:.",
    "trufflehog git file://.",
    "dependency-check.sh --scan .",
    "semgrep scan --config auto",
    "semgrep --config=auto --json --output=semgrep.json src",
    "docker run --rm aquasec/trivy:latest image --format json app",
    "docker run --rm trufflesecurity/trufflehog:latest github --json",
    "govulncheck -format json ./...",
    "govulncheck -json ./...",
]


@pytest.mark.parametrize("command", _FAILS_ON_ERRORS_ONLY)
@pytest.mark.parametrize(("step", "lost"), [("step", False), ("Security scan", True)])
def test_a_scanner_without_its_fail_option_checks_only_by_its_step(
    tmp_path: Path, command: str, step: str, lost: bool
) -> None:
    assert _lost(tmp_path, command, step) == _expected(command, lost, step)


def test_a_fail_option_set_to_nothing_is_found_as_the_lost_check(
    tmp_path: Path,
) -> None:
    """``--exit-code 0`` is the scanner's check turned off: QG106 on the option."""
    text = _one_step("trivy fs --exit-code 0 .")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG106", CI, line_of(text, "trivy"), True)]


@pytest.mark.parametrize("step", ["step", "Check licenses"])
def test_a_license_lister_not_told_what_fails_is_no_check(
    tmp_path: Path, step: str
) -> None:
    """An inventory exits 0 whatever it lists: its ``|| true`` loses nothing."""
    assert _lost(tmp_path, "npx license-checker --summary", step) == []


@pytest.mark.parametrize(("step", "lost"), [("Build the models", True), ("dbt", False)])
def test_dbt_run_checks_where_its_step_says_so(
    tmp_path: Path, step: str, lost: bool
) -> None:
    """``dbt run`` fails on a model that does not build: a check by its step."""
    text = _jobs(f"""
        models:
          runs-on: ubuntu-latest
          steps:
            - name: {step}
              run: dbt run || true
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert [(r, ln) for r, _, ln, _ in found] == (
        [("QG101", line_of(text, "dbt run"))] if lost else []
    )


# ---- options that turn one checker's failure off ---------------------------


@pytest.mark.parametrize(
    ("command", "flag"),
    [
        ("sqlfluff lint models --nofail", "--nofail"),
        ("vale --no-exit docs", "--no-exit"),
        ("npx knip --no-exit-code", "--no-exit-code"),
        ("golangci-lint run --issues-exit-code=0", "--issues-exit-code=0"),
        ("golangci-lint run --issues-exit-code 0", "--issues-exit-code 0"),
        ("kics scan -p . --ignore-on-exit results", "--ignore-on-exit results"),
        ("kics scan -p . --ignore-on-exit all", "--ignore-on-exit all"),
    ],
)
def test_a_checkers_own_never_fail_option_is_found(
    tmp_path: Path, command: str, flag: str
) -> None:
    text = _one_step(command)
    found = audit_project(tmp_path, {CI: text})
    assert [(r, ln, fl) for r, _, ln, fl, _ in found] == [
        ("QG106", line_of(text, command), True)
    ]
    assert flag in found[0][4]


@pytest.mark.parametrize(
    "command",
    [
        "golangci-lint run --issues-exit-code=2",
        "kics scan -p . --ignore-on-exit errors",
        "sqlfluff lint models",
        "vale docs",
    ],
)
def test_twins_that_still_fail_are_silent(tmp_path: Path, command: str) -> None:
    text = _one_step(command)
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


_PYUPGRADE_HOOK = """
repos:
  - repo: local
    hooks:
      - id: upgrade
        name: upgrade
        entry: pyupgrade --py39-plus{flag}
        language: system
        types: [python]
"""


@pytest.mark.parametrize(
    ("flag", "found"),
    [(" --exit-zero-even-if-changed", False), (" --exit-zero", True), ("", False)],
)
def test_pyupgrades_exit_zero_even_if_changed_loses_nothing(
    tmp_path: Path, flag: str, found: bool
) -> None:
    """pre-commit fails a hook that rewrote a file, whatever it exits with."""
    config = _PYUPGRADE_HOOK.format(flag=flag)
    result = gate_rules(audit_project(tmp_path, {".pre-commit-config.yaml": config}))
    line = line_of(config.lstrip("\n"), "entry:")
    expected = [("QG106", ".pre-commit-config.yaml", line, True)] if found else []
    assert result == expected


# ---- real tools decide ------------------------------------------------------


def _bash(script: str, cwd: Path, path: str) -> int:
    bash = shutil.which("bash")
    assert bash is not None
    env = {"PATH": path, "HOME": str(cwd)}
    done = subprocess.run(  # nosec B603 - fixed argument list
        [bash, "-e", "-c", script], cwd=cwd, env=env, capture_output=True, check=False
    )
    return done.returncode


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
@pytest.mark.parametrize("swallow", [" || true", ""])
def test_node_test_runner_fails_on_a_failing_test(tmp_path: Path, swallow: str) -> None:
    """``node --test`` exits 1 on a failing test: its ``|| true`` loses it."""
    project = tmp_path / "p"
    (project / "test").mkdir(parents=True)
    (project / "test" / "a.test.js").write_text(
        "const test = require('node:test');\n"
        "const assert = require('node:assert');\n"
        "test('fails', () => assert.strictEqual(1, 2));\n"
    )
    node_dir = str(Path(shutil.which("node") or "").parent)
    status = _bash(f"node --test{swallow}", project, node_dir)
    text = workflow(f"- name: step\n  run: node --test{swallow}\n")
    (tmp_path / "audit").mkdir()
    found = gate_rules(audit_project(tmp_path / "audit", {CI: text}))
    assert (status == 0) == bool(found)
    assert status == (0 if swallow else 1)


def _ruff() -> str | None:
    local = Path(sys.executable).parent / "ruff"
    return str(local) if local.exists() else shutil.which("ruff")


@pytest.mark.skipif(_ruff() is None, reason="ruff not installed")
@pytest.mark.parametrize(
    ("command", "fails"), [("ruff rule E501", False), ("ruff check bad.py", True)]
)
def test_ruff_shows_its_rules_without_checking(
    tmp_path: Path, command: str, fails: bool
) -> None:
    """``ruff rule`` exits 0 on a project ``ruff check`` fails: no check is lost."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "bad.py").write_text("import os\n")
    ruff_dir = str(Path(_ruff() or "").parent)
    assert (_bash(command, project, ruff_dir) != 0) is fails
    found = _lost(tmp_path / "audit", command)
    assert found == _expected(command, fails)
    assert _bash(f"{command} || true", project, ruff_dir) == 0


def test_a_docs_listing_of_the_catalogue_is_not_empty() -> None:
    """Every family in the documentation is a checker the catalogue knows."""
    from quality_gates.guards.integrity import catalogue as cat

    docs = Path(__file__).parent.parent / "docs" / "gate-integrity.md"
    text = textwrap.dedent(docs.read_text())
    for tool in ("knip", "sqlfluff", "govulncheck", "shfmt", "cfn-lint", "lychee"):
        assert tool in text
        assert (
            tool in cat.CHECKER_NAMES
            or tool in cat.SUBCOMMAND_CHECKS
            or tool in cat.FIXERS
        )
