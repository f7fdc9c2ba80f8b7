"""audit-gates on shapes of the issue-21bj sweep (bench/audit_sweep).

Not blind: each case is the general form of a place the sweep read by
hand, beside the twins that differ in the one thing that decides.  Real
bash runs each retry script with failing checkers on the PATH: the step
must fail (nothing lost) or pass (lost) as the audit says.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from audit_gates_model_s_test import _script_step
from audit_gates_model_test import audit_project, gate_rules, line_of
from failing_checkers import run_failing

CI = ".github/workflows/ci.yml"

# ---- a retry: `if gate; then exit 0; fi` whose way on ends in `exit 1` ------

_RETRY = """
for attempt in 1 2; do
  if cargo test -p core; then
    exit 0
  fi
  echo "::warning::tests failed on attempt ${attempt}/2"
done
exit 1
"""
_RETRY_LIST = """
for attempt in 1 2; do
  if cargo test -p a && cargo test -p b; then
    exit 0
  fi
done
exit 1
"""
_RETRY_BARE_EXIT = """
for attempt in 1 2 3; do
  if pytest -x; then
    exit
  fi
  sleep 1
done
false
"""
_RETRY_GROUPED = """
{
  if pytest -x; then
    exit 0
  fi
  echo "tests failed"
}
exit 2
"""
# twins: the way on after the `if` does not surely fail
_NO_FINAL_EXIT = """
for attempt in 1 2; do
  if cargo test -p core; then
    exit 0
  fi
done
echo "gave up"
"""
_EXIT_ZERO_AFTER = """
for attempt in 1 2; do
  if cargo test -p core; then
    exit 0
  fi
done
exit 0
"""
_MAYBE_FAILS_AFTER = """
for attempt in 1 2; do
  if cargo test -p core; then
    exit 0
  fi
done
if [ -f strict ]; then
  exit 1
fi
"""


def _exit_status(tmp_path: Path, script: str) -> int:
    """Run ``script`` as GitHub runs a step (bash -e) with failing checkers."""
    bash = ["bash", "--noprofile", "--norc", "-e"]
    return run_failing(tmp_path, bash, textwrap.dedent(script), ("cargo", "pytest"))


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        (_RETRY, False),
        (_RETRY_LIST, False),
        (_RETRY_BARE_EXIT, False),
        (_RETRY_GROUPED, False),
        (_NO_FINAL_EXIT, True),
        (_EXIT_ZERO_AFTER, True),
        (_MAYBE_FAILS_AFTER, True),
    ],
)
def test_a_retry_whose_way_on_ends_failing(
    tmp_path: Path, script: str, lost: bool
) -> None:
    """A gate failing every attempt fails the step unless the way on passes."""
    assert (_exit_status(tmp_path, script) == 0) is lost
    found = gate_rules(audit_project(tmp_path, {CI: _script_step(script)}))
    failing = [rule for rule, _, _, fails in found if fails]
    assert bool(failing) is lost, found
    if not lost:
        assert found == [], found


def test_the_retry_is_judged_where_the_if_is(tmp_path: Path) -> None:
    """The hidden gate is the one in the ``if``, reported on its line."""
    text = _script_step(_NO_FINAL_EXIT)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG113", CI, line_of(text, "if cargo test"), True)]


# ---- a build in a job that verifies the change is a check -------------------


def _build_job(
    name: str,
    *,
    on: str = "[pull_request]",
    extra: str = "",
    run: str = "",
    step: str = "Build renderer",
) -> str:
    """Return a workflow named ``name`` whose one job builds, then tests."""
    steps = [
        "- uses: actions/checkout@0000000000000000000000000000000000000000",
        "- name: Install dependencies",
        "  run: npm ci",
        f"- name: {step}",
        f"  run: {run or 'npm run build || true'}",
        "- name: Unit tests",
        "  run: npm test",
    ]
    if extra:
        steps.append(extra)
    body = "\n".join(f"      {line}" for line in steps)
    return (
        f"name: {name}\non: {on}\npermissions:\n  contents: read\njobs:\n"
        f"  app:\n    runs-on: ubuntu-latest\n    steps:\n{body}\n"
    )


@pytest.mark.parametrize("name", ["CI", "Build Smoke", "Lint and test", "Verify"])
def test_a_lost_build_in_a_verifying_job_fails(tmp_path: Path, name: str) -> None:
    text = _build_job(name)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == [("QG101", CI, line_of(text, "npm run build"), True)]


@pytest.mark.parametrize(
    ("name", "on", "extra"),
    [
        ("Deploy site", "[push]", ""),  # named for shipping
        ("Release", "[push]", ""),
        ("CI", "[release]", ""),  # started by a release only
        ("CI", "[workflow_dispatch]", ""),
        ("Nightly", "[pull_request]", ""),  # named for nothing it verifies
        (
            "CI",
            "[pull_request]",
            "- uses: actions/upload-artifact@0000000000000000000000000000000000000000",
        ),  # what it builds is shipped on
    ],
)
def test_a_lost_build_elsewhere_is_not_judged(
    tmp_path: Path, name: str, on: str, extra: str
) -> None:
    found = gate_rules(
        audit_project(tmp_path, {CI: _build_job(name, on=on, extra=extra)})
    )
    assert found == []


@pytest.mark.parametrize(
    "run",
    ["npm ci || true", "npm run build-deps || true", "npm run build:install || true"],
)
def test_a_setup_script_in_a_verifying_job_stays_setup(
    tmp_path: Path, run: str
) -> None:
    """Building the dependencies sets up: no check of the change."""
    assert gate_rules(audit_project(tmp_path, {CI: _build_job("CI", run=run)})) == []


@pytest.mark.parametrize(
    "step",
    ["Compile Extension (Optional)", "Build docs (experimental)", "Install and build"],
)
def test_a_build_whose_step_says_it_may_fail_or_sets_up(
    tmp_path: Path, step: str
) -> None:
    """Whether such a build is meant to gate is arguable: not judged."""
    text = _build_job("CI", step=step)
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


def test_the_builds_of_a_refused_verifying_workflow_never_run(tmp_path: Path) -> None:
    """A key GitHub does not know in a job: no build of the file runs (QG107)."""
    text = _build_job("Build Smoke", run="npm run build").replace(
        "  app:\n", "  app:\n    schedule:\n      - cron: '0 9 * * 1'\n"
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert ("QG107", CI, line_of(text, "npm run build"), True) in found
    assert ("QG107", CI, line_of(text, "npm test"), True) in found


# ---- a listing written to a file whose size a later test fails on -----------

_SIZE_IF = """
gofmt -l ./src > gofmt.out
if [ -s gofmt.out ]; then
  echo "The following files are not formatted:"
  cat gofmt.out
  exit 1
fi
"""
_SIZE_AND = """
gofmt -l . > "unformatted.txt"
test -s "unformatted.txt" && { cat unformatted.txt; exit 1; }
echo formatted
"""
# twins: the file is only shown, or tested with no failure after the test
_SHOWN = """
gofmt -l . > gofmt.out
cat gofmt.out
"""
_TESTED_ONLY = """
gofmt -l . > gofmt.out
if [ -s gofmt.out ]; then
  echo "some files are not formatted"
fi
"""


@pytest.mark.parametrize(
    ("script", "lost"),
    [(_SIZE_IF, False), (_SIZE_AND, False), (_SHOWN, True), (_TESTED_ONLY, True)],
)
def test_a_listing_whose_file_size_is_tested(
    tmp_path: Path, script: str, lost: bool
) -> None:
    """``gofmt -l`` exits 0 whatever it lists: only the size test can fail."""
    bash = ["bash", "--noprofile", "--norc", "-e"]
    (tmp_path / "src").mkdir()
    code = run_failing(
        tmp_path, bash, textwrap.dedent(script), ("gofmt",), 0, "echo main.go"
    )
    assert (code == 0) is lost
    text = _script_step(script).replace("Run tests", "Check formatting")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    expected = [("QG106", CI, line_of(text, "gofmt -l"), True)]
    assert found == (expected if lost else [])
