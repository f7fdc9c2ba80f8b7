"""audit-gates on what 21f's development half, batch B, showed on its first run.

Written after that run (not blind): each case is the general form of a miss
or a false finding there, beside the twin that differs in the one thing
that decides.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from audit_gates_model_test import audit_project, gate_rules, line_of
from workflow_yaml import SHA

CI = ".github/workflows/ci.yml"


def _jobs(body: str, top: str = "on: [push, pull_request]\n", **pieces: str) -> str:
    """Return a workflow with ``body`` as its ``jobs:`` mapping (indented by two).

    A line ``<NAME>`` of ``body`` is replaced by ``pieces[NAME]``, indented
    as that line is (after the body is dedented).
    """
    text = textwrap.dedent(body).strip("\n")
    for name, piece in pieces.items():
        line = next(ln for ln in text.splitlines() if ln.strip() == f"<{name}>")
        pad = line[: len(line) - len(line.lstrip())]
        text = text.replace(line, textwrap.indent(piece.strip("\n"), pad))
    return (
        "name: ci\n"
        + top
        + "permissions:\n  contents: read\njobs:\n"
        + textwrap.indent(text, "  ")
        + "\n"
    )


# ---- an action named for a checker of the catalogue -------------------------


@pytest.mark.parametrize(
    ("uses", "given", "gate"),
    [
        # psf/black's `options` default to `--check --diff`
        ("psf/black", "", True),
        ("psf/black", "options: '--check --diff -l 159'", True),
        # options given without a check flag: black rewrites, and passes
        ("psf/black", "options: '-l 100'", False),
        ("isort/isort-action", "", True),
        ("isort/isort-action", "configuration: '--profile black'", False),
        # a checker that is not a fixer checks whatever its inputs
        ("codespell-project/actions-codespell", "", True),
        ("jakebailey/pyright-action", "", True),
        # named for installing a checker, not running it
        ("example/setup-black", "", False),
    ],
)
def test_a_checker_action_in_a_job_that_continues_on_error(
    tmp_path: Path, uses: str, given: str, gate: bool
) -> None:
    with_ = f"with:\n  {given}" if given else ""
    text = _jobs(
        f"""
        style:
          runs-on: ubuntu-latest
          continue-on-error: true
          steps:
            - uses: actions/checkout@{SHA}
            - uses: {uses}@{SHA}
              <WITH>
        """,
        WITH=with_,
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "continue-on-error")
    assert found == ([("QG105", CI, line, True)] if gate else [])


# ---- device and system queries are diagnostics ------------------------------


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ('nvidia-smi || echo "nvidia-smi not found"', None),
        ('rocminfo || echo "rocminfo not found"', None),
        ("xpu-smi discovery || true", None),
        # twin: the same fallback on a test runner in the same job
        ('pytest tests || echo "tests failed"', "QG102"),
    ],
)
def test_device_queries_in_a_test_job(
    tmp_path: Path, command: str, rule: str | None
) -> None:
    text = _jobs(f"""
        test:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{SHA}
            - name: Run NVIDIA command
              run: |
                echo "Detected image"
                {command}
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, command)
    assert found == ([(rule, CI, line, True)] if rule else [])


# ---- continue-on-error on a step whose status no gate decides ---------------


def _scan_job(second: str) -> str:
    return _jobs(
        f"""
        scan:
          name: Dependency scan
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{SHA}
            - name: Run dependency scan
              id: scan
              continue-on-error: true
              run: mend dep --dir . --export-results results.json
            - name: Convert results to SARIF
              continue-on-error: true
              run: |
                <RUN>
            - name: Fail on scan errors
              if: steps.scan.outcome == 'failure'
              run: exit 1
        """,
        RUN=second,
    )


def test_continue_on_error_on_a_report_rerun_no_gate_decides(tmp_path: Path) -> None:
    """The SARIF re-run ends in `|| true`: no gate's failure reaches the step."""
    text = _scan_job("mend dep --dir . --format sarif --filename out.sarif || true\n")
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


def test_continue_on_error_on_a_step_a_gate_still_decides(tmp_path: Path) -> None:
    """Twin: the re-run's own status is the step's: its continue-on-error loses it."""
    text = _scan_job("mend dep --dir . --format sarif --filename out.sarif\n")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    lines = [n for n, row in enumerate(text.splitlines(), 1) if "continue-on" in row]
    assert found == [("QG105", CI, lines[1], True)]


# ---- a shipping job that continues on error ---------------------------------


@pytest.mark.parametrize(
    ("label", "failing"),
    [
        # the tests stop this entry's publish; the flag keeps the others going
        ("Publish", False),
        # twin: a job named for testing: the continued failure is lost
        ("Test", True),
    ],
)
def test_continue_on_error_on_a_publish_job(
    tmp_path: Path, label: str, failing: bool
) -> None:
    last = "- name: Publish to PyPI\n  run: uv publish dist/*"
    text = _jobs(
        f"""
        publish:
          name: ${{{{ matrix.project }}}} - {label}
          continue-on-error: true
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{SHA}
            - name: Test
              run: uv run pytest tests/
            <LAST>
        """,
        top="on:\n  push:\n    branches: [main]\n",
        LAST=last,
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG105", CI, line_of(text, "continue-on-error"), failing)]


# ---- a result file checked later in the same script -------------------------


def _login_shell_step(name: str, script: str) -> str:
    """One job under ``shell: bash -l {0}`` (no ``-e``) whose step runs ``script``."""
    return _jobs(
        f"""
        bench:
          runs-on: ubuntu-latest
          defaults:
            run:
              shell: bash -l {{0}}
          steps:
            - uses: actions/checkout@{SHA}
            - name: {name}
              run: |
                <RUN>
        """,
        RUN=script,
    )


def _bench(after: str, command: str = "python -m benchmarks.run") -> str:
    script = f'{command} --output "$OUT/bench.json"\n{after}'
    return _login_shell_step("Run Benchmark", script)


def test_benchmark_result_checked_in_the_same_script_is_honest(
    tmp_path: Path,
) -> None:
    after = (
        'if [[ ! -s "$OUT/bench.json" ]]; then\n  exit 1\nfi\ncat "$OUT/bench.json"\n'
    )
    assert gate_rules(audit_project(tmp_path, {CI: _bench(after)})) == []


def test_benchmark_result_read_last_is_honest(tmp_path: Path) -> None:
    """`cat FILE` last: the step keeps its status, so a missing result fails."""
    text = _bench('echo "results:"\ncat "$OUT/bench.json"\n')
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


def test_benchmark_result_only_shown_is_a_note(tmp_path: Path) -> None:
    """Twin: shown, then a command that always succeeds decides the step."""
    text = _bench('cat "$OUT/bench.json"\necho done\n')
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG104", CI, line_of(text, "benchmarks.run"), False)]


def test_a_test_report_read_last_carries_no_failure(tmp_path: Path) -> None:
    """A test runner's report exists when tests fail: `cat` of it says nothing."""
    text = _bench('cat "$OUT/bench.json"\n', command="pytest tests --json-report-file")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG104", CI, line_of(text, "pytest tests"), True)]


def test_a_test_report_that_exists_carries_no_failure(tmp_path: Path) -> None:
    """A test runner writes its report when tests fail: existence says nothing."""
    after = 'if [[ ! -s "$OUT/bench.json" ]]; then\n  exit 1\nfi\necho done\n'
    text = _bench(after, command="pytest tests --json-report-file")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG104", CI, line_of(text, "pytest tests"), True)]


# ---- building another repository's code is setup ----------------------------


@pytest.mark.parametrize(
    ("fetch", "failing"),
    [
        (
            'git -C "$DIR" remote add origin \\\n'
            "  https://github.com/example/kernels.git\n"
            'git -C "$DIR" fetch --depth=1 origin "$COMMIT"\n',
            None,
        ),
        ('git clone --depth 1 https://github.com/example/kernels.git "$DIR"\n', None),
        # twin: the project's own code, built by a step named for building
        ('cd "$DIR"\n', False),
    ],
)
def test_building_a_foreign_checkout(
    tmp_path: Path, fetch: str, failing: bool | None
) -> None:
    script = f'DIR=$(mktemp -d)\n{fetch}"$DIR/develop.sh"\necho built\n'
    text = _login_shell_step("Build pinned kernels reference", script)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "develop.sh")
    assert found == ([] if failing is None else [("QG104", CI, line, failing)])


def test_continue_on_error_on_a_status_written_to_an_output(tmp_path: Path) -> None:
    """No gate decides the step, but the script hides nothing itself either.

    The status is carried to an output nothing reads: the continue-on-error
    still stands as the finding.
    """
    text = _scan_job(
        "set +e\nmend dep --dir . --format sarif --filename out.sarif\n"
        'echo "rc=$?" >> "$GITHUB_OUTPUT"\n'
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    lines = [n for n, row in enumerate(text.splitlines(), 1) if "continue-on" in row]
    assert found == [("QG105", CI, lines[1], True)]


def test_continue_on_error_beside_a_reported_fallback_is_reported_too(
    tmp_path: Path,
) -> None:
    """`check || echo` plus `continue-on-error`: two things to remove, two findings."""
    text = _jobs(f"""
        quality:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@{SHA}
            - name: Check code formatting
              run: ruff format --check . || echo "format issues"
              continue-on-error: true
        """)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [
        ("QG102", CI, line_of(text, "ruff format"), True),
        ("QG105", CI, line_of(text, "continue-on-error"), True),
    ]
