"""audit-gates on the misses and false findings of the tenth corpus.

Not blind: each case is the general form of what the audit got wrong there
(bench/audit_corpus_21j), beside the twin that differs in the one thing that
decides.  No shell decides here: the tools' documented options (trivy's
``--exit-code``, cargo-llvm-cov's ``--ignore-run-fail``) and GitHub's pwsh
wrapper (the step exits with the last native program's status) do.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"


def _one_job(script: str, more: str = "", runs_on: str = "ubuntu-latest") -> str:
    return _jobs(
        """
        scan:
          runs-on: <RUNS>
          steps:
            - name: Scan
              run: |
                <SCRIPT>
        <MORE>
        """.replace("<RUNS>", runs_on),
        SCRIPT=script,
        MORE=more,
    )


def _failing(tmp_path: Path, text: str) -> list[tuple[str, int]]:
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    return [(rule, line) for rule, _, line, fails in found if fails]


# ---- cargo-llvm-cov --ignore-run-fail: the coverage run cannot fail ---------


@pytest.mark.parametrize(
    ("option", "lost"),
    [
        ("--ignore-run-fail", True),
        ("--no-fail-fast", False),  # runs every test, still fails on a failure
        ("", False),
    ],
)
def test_llvm_cov_ignore_run_fail_is_a_never_fail_option(
    tmp_path: Path, option: str, lost: bool
) -> None:
    run = f"cargo llvm-cov nextest --lcov --output-path lcov.info {option} --workspace"
    text = _one_job(run)
    expected = [("QG106", line_of(text, "llvm-cov"))] if lost else []
    assert _failing(tmp_path, text) == expected


# ---- trivy: a report run beside the same scan's threshold run ---------------

_REPORT = (
    "trivy image --format table --exit-code 0 --severity HIGH --skip-db-update app:scan"
)


@pytest.mark.parametrize(
    ("threshold", "lost"),
    [
        # the same scan of the same image, failing on CRITICAL: a report beside it
        (
            "trivy image --format table --exit-code 1 --severity CRITICAL "
            "--skip-db-update --quiet app:scan",
            False,
        ),
        ("trivy image --exit-code=2 --skip-db-update app:scan", False),
        # another image: app:scan is not checked
        ("trivy image --exit-code 1 --severity CRITICAL --skip-db-update other", True),
        # the same image scanned for other things: not the same check
        (
            "trivy image --exit-code 1 --severity CRITICAL --skip-db-update "
            "--scanners secret app:scan",
            True,
        ),
        # the same scan, still never failing
        (
            "trivy image --exit-code 0 --severity CRITICAL --skip-db-update app:scan",
            True,
        ),
        ("echo done", True),
    ],
)
def test_trivy_report_beside_its_threshold_run(
    tmp_path: Path, threshold: str, lost: bool
) -> None:
    text = _one_job(f"{_REPORT}\n{threshold}")
    expected = [("QG106", line_of(text, "--exit-code 0"))] if lost else []
    assert _failing(tmp_path, text) == expected


_DOCKER_TRIVY = (
    'docker run --rm -v "$PWD:/w" ghcr.io/aquasecurity/trivy:0.71.1 \\\n'
    "  image --severity HIGH,CRITICAL --format json \\\n"
    "  --output /w/trivy.json --ignore-unfixed \\\n"
    '  --exit-code 0 "app:${{ github.sha }}"'
)


def _convert(exit_code: str, source: str = "/w/trivy.json") -> str:
    return (
        "    - name: Fail on CRITICAL\n"
        "      if: always()\n"
        "      run: |\n"
        '        docker run --rm -v "$PWD:/w" aquasec/trivy:0.71.1 \\\n'
        "          convert --severity CRITICAL --format sarif \\\n"
        f"          --output /w/trivy.sarif --exit-code {exit_code} {source}\n"
    )


@pytest.mark.parametrize(
    ("later", "lost"),
    [
        (_convert("1"), False),  # the report's JSON fails the job on CRITICAL
        (_convert("1", "/w/other.json"), True),  # converts another report
        ("", True),
    ],
)
def test_trivy_report_converted_with_a_threshold_later(
    tmp_path: Path, later: str, lost: bool
) -> None:
    text = _one_job(_DOCKER_TRIVY, more=later)
    expected = [("QG106", line_of(text, "--exit-code 0"))] if lost else []
    assert _failing(tmp_path, text) == expected


def test_trivy_convert_that_never_fails_keeps_the_report_lost(tmp_path: Path) -> None:
    text = _one_job(_DOCKER_TRIVY, more=_convert("0"))
    lines = [line_of(text, "--exit-code 0"), line_of(text, "--exit-code 0 /w/")]
    assert _failing(tmp_path, text) == [("QG106", line) for line in lines]


def test_flake8_starter_second_run_stays_lost(tmp_path: Path) -> None:
    """flake8's ``--exit-zero`` run reports checks the first run never selects."""
    text = _one_job(
        "flake8 . --count --select=E9,F63,F7,F82 --show-source --statistics\n"
        "flake8 . --count --exit-zero --max-complexity=10 --statistics"
    )
    assert _failing(tmp_path, text) == [("QG106", line_of(text, "--exit-zero"))]


# ---- a matrix key given by an expression: the other keys are still known ---

_CLI_TEST = "mytool init -y\npytest -q tests/smoke\nmytool --version"


@pytest.mark.parametrize(
    ("versions", "oses", "lost"),
    [
        ("${{ fromJSON(inputs.versions) }}", "[ubuntu-latest, windows-latest]", True),
        ('["3.10", "3.14"]', "[ubuntu-latest, windows-latest]", True),
        ("${{ fromJSON(inputs.versions) }}", "[ubuntu-latest, macos-latest]", False),
        ("${{ fromJSON(inputs.versions) }}", "${{ fromJSON(inputs.oses) }}", False),
    ],
)
def test_windows_cells_seen_beside_an_expression_key(
    tmp_path: Path, versions: str, oses: str, lost: bool
) -> None:
    text = _jobs(
        """
        test:
          strategy:
            matrix:
              python-version: <V>
              os: <O>
          runs-on: ${{ matrix.os }}
          steps:
            - run: |
                <SCRIPT>
        """.replace("<V>", versions).replace("<O>", oses),
        SCRIPT=_CLI_TEST,
    )
    expected = [("QG104", line_of(text, "pytest -q"))] if lost else []
    assert _failing(tmp_path, text) == expected


@pytest.mark.parametrize(
    ("last", "lost"),
    [
        ("mytool --version", True),  # a version query still sets $LASTEXITCODE
        ("Write-Host done", False),  # a cmdlet does not
    ],
)
def test_pwsh_help_query_after_a_check_loses_it(
    tmp_path: Path, last: str, lost: bool
) -> None:
    text = _one_job(f"pytest -q\n{last}", runs_on="windows-latest")
    expected = [("QG104", line_of(text, "pytest -q"))] if lost else []
    assert _failing(tmp_path, text) == expected


# ---- a tab between a key's colon and its value: white space to GitHub ------

_STEPS = "name: ci\non: push\npermissions: {}\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"


@pytest.mark.parametrize(
    ("step", "refused"),
    [
        ("    - run: \tpyroma -d .\n", False),  # GitHub's parser accepts it
        ("    - run:\truff check .\n", False),
        ("    - name: \tLint\n      run: ruff check .\n", False),
        ("    - \trun: ruff check .\n", True),  # a tab after `- ` is indentation
        ("    - name: Lint\n\t  run: ruff check .\n", True),
    ],
)
def test_tab_after_a_key_is_white_space(
    tmp_path: Path, step: str, refused: bool
) -> None:
    found = audit_project(tmp_path, {CI: _STEPS + step})
    assert any(rule == "QG109" for rule, *_ in found) is refused


def test_tab_separated_script_is_audited(tmp_path: Path) -> None:
    text = _STEPS + "    - run: \truff check . || true\n"
    assert _failing(tmp_path, text) == [("QG101", line_of(text, "ruff"))]


# ---- an unknown checker's runs: its leading words say which check ----------

_REPORT_RUN = "graphwalk analyze circular src/ --format json > circular.json || true"


@pytest.mark.parametrize(
    ("other", "lost"),
    [
        ("graphwalk security scan --format json", True),  # another check
        ("graphwalk analyze circular src/", False),  # the same check, seen
    ],
)
def test_unknown_checker_twin_by_its_leading_words(
    tmp_path: Path, other: str, lost: bool
) -> None:
    text = _jobs(
        """
        analysis:
          runs-on: ubuntu-latest
          steps:
            - name: Check with graphwalk
              run: |
                <OTHER>
            - name: Check circular dependencies
              run: |
                <REPORT>
        """,
        OTHER=other,
        REPORT=_REPORT_RUN,
    )
    expected = [("QG101", line_of(text, "circular.json"))] if lost else []
    assert _failing(tmp_path, text) == expected
