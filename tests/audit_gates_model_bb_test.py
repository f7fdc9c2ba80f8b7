"""audit-gates on three shapes of the twelfth corpus (bench/audit_corpus_21l).

Not blind: each case is the general form of a check the audit missed or
noted wrongly there, beside the honest twin that differs in the one thing
that decides; the real python (with mypy) and bash run where they decide.
"""

from __future__ import annotations

import subprocess  # nosec B404 - fixed argument lists
import sys
from pathlib import Path

import pytest
from audit_gates_model_test import audit_project, gate_rules, line_of
from workflow_yaml import workflow

CI = ".github/workflows/ci.yml"


def _step(name: str, script: str) -> str:
    lines = "\n".join(f"    {line}" for line in script.splitlines())
    return f"- name: {name}\n  run: |\n{lines}\n"


def _audit(tmp_path: Path, text: str, **files: str) -> list[tuple[str, int, bool]]:
    found = gate_rules(audit_project(tmp_path, {CI: text, **files}))
    return [(rule, line, fails) for rule, path, line, fails in found if path == CI]


# ---- a checker's Python API whose returned verdict `python -c` drops -------

_TWINE = "from twine.commands.check import check; check(['dist/*'])"
_CALLS = {
    "twine": _TWINE,
    "twine-module": "from twine.commands import check; check.check(['dist/*'])",
    "mypy": "from mypy import api; api.run(['src'])",
    "pylint": "from pylint.lint import Run; Run(['src'], exit=False)",
}
_KEPT = {
    "twine": "import sys; from twine.commands.check import check; "
    "sys.exit(check(['dist/*']))",
    "mypy": "import sys; from mypy import api; sys.exit(api.run(['src'])[2])",
    "pylint": "from pylint.lint import Run; Run(['src'])",  # exits by itself
    "mypy-read": "from mypy import api; out, err, status = api.run(['src']); "
    "assert status == 0, out",
}


@pytest.mark.parametrize("name", sorted(_CALLS))
def test_a_checkers_returned_verdict_dropped_by_python_c_fails(
    tmp_path: Path, name: str
) -> None:
    text = workflow(_step("Check", f'python -c "{_CALLS[name]}"'))
    line = line_of(text, "python -c")
    assert _audit(tmp_path, text) == [("QG117", line, True)]


@pytest.mark.parametrize("name", sorted(_KEPT))
def test_a_checkers_verdict_passed_to_the_exit_status_is_honest(
    tmp_path: Path, name: str
) -> None:
    text = workflow(_step("Check", f'python -c "{_KEPT[name]}"'))
    assert _audit(tmp_path, text) == []


def test_a_grep_for_a_warning_does_not_keep_a_failed_check(tmp_path: Path) -> None:
    script = f'if python -c "{_TWINE}" | grep "warning"; then\n' "  exit 1\nfi"
    text = workflow(_step("Check README", script))
    found = _audit(tmp_path, text)
    assert ("QG117", line_of(text, "python -c"), True) in found


def test_a_grep_for_an_error_word_makes_the_drop_a_note(tmp_path: Path) -> None:
    script = f'python -c "{_TWINE}" | grep -i error && exit 1'
    text = workflow(_step("Check README", script))
    found = _audit(tmp_path, text)
    qg117 = [item for item in found if item[0] == "QG117"]
    assert qg117 == [("QG117", line_of(text, "python -c"), False)]


def test_real_mypy_api_run_dropped_exits_0_and_kept_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("x: int = 'text'\n")
    dropped = f"from mypy import api; api.run(['--no-incremental', {str(bad)!r}])"
    kept = f"import sys; from mypy import api; sys.exit(api.run({[str(bad)]!r})[2])"
    runs = [
        subprocess.run(  # nosec B603 - fixed argument list
            [sys.executable, "-c", code], capture_output=True, check=False
        ).returncode
        for code in (dropped, kept)
    ]
    assert runs == [0, 1]


# ---- a job that never runs, holding a scan its config file turns off -------

_TRIVY = "aquasecurity/trivy-action@915b19bbe73b92a6cf82a1bc12b087c9a19a5fe2"


def _scan_job(extra: str = "") -> str:
    withs = 'scan-type: "fs"\ntrivy-config: "trivy.yaml"\n' + extra
    step = "- name: Run Trivy scan\n  uses: " + _TRIVY + "\n  with:\n"
    step += "".join(f"    {line}\n" for line in withs.splitlines())
    return workflow(step, job="if: ${{ false }}")


def test_a_never_run_job_with_a_scan_its_config_turns_off_fails(
    tmp_path: Path,
) -> None:
    text = _scan_job()
    found = _audit(tmp_path, text, **{"trivy.yaml": "exit-code: 0\n"})
    assert found == [("QG107", line_of(text, "if: ${{ false }}"), True)]


@pytest.mark.parametrize(
    "config", ["", "timeout: 20m\n"], ids=["no-file", "threshold-left-alone"]
)
def test_a_never_run_job_whose_scan_never_asked_to_fail_is_honest(
    tmp_path: Path, config: str
) -> None:
    files = {"trivy.yaml": config} if config else {}
    assert _audit(tmp_path, _scan_job(), **files) == []


def test_a_never_run_job_making_an_sbom_is_honest(tmp_path: Path) -> None:
    text = _scan_job('format: "spdx-json"\noutput: "sbom.json"\n')
    assert _audit(tmp_path, text, **{"trivy.yaml": "exit-code: 0\n"}) == []


# ---- `query | grep VALUE`: a failed query prints no value, grep fails --------


def test_a_query_named_a_check_by_its_step_piped_to_grep_is_kept(
    tmp_path: Path,
) -> None:
    step = _step(
        'Hostname is set to "github-runner"', "hostnamectl hostname | grep runner"
    )
    assert _audit(tmp_path, workflow(step)) == []


@pytest.mark.parametrize(
    "script",
    [
        "hostnamectl hostname 2>&1 | grep runner",
        "hostnamectl hostname |& grep runner",
        "hostnamectl hostname | grep -v runner",
    ],
    ids=["stderr-merged", "pipe-and-stderr", "inverted"],
)
def test_a_query_whose_failure_may_reach_the_grep_stays_a_note(
    tmp_path: Path, script: str
) -> None:
    text = workflow(_step('Hostname is set to "github-runner"', script))
    assert _audit(tmp_path, text) == [("QG112", line_of(text, "hostnamectl"), False)]


def test_a_named_checker_piped_to_grep_still_fails(tmp_path: Path) -> None:
    text = workflow(_step("Tests", "pytest | grep passed"))
    assert _audit(tmp_path, text) == [("QG112", line_of(text, "pytest |"), True)]


@pytest.mark.parametrize(
    ("script", "status"),
    [
        ("(echo 'no such host' >&2; exit 1) | grep runner", 1),
        ("(echo 'runner: no such host' >&2; exit 1) 2>&1 | grep runner", 0),
    ],
    ids=["error-on-stderr", "error-into-the-pipe"],
)
def test_real_bash_grep_fails_on_a_failed_querys_silence(
    script: str, status: int
) -> None:
    ran = subprocess.run(  # nosec B603 B607 - fixed argument list
        ["bash", "-e", "-c", script], capture_output=True, check=False
    )
    assert ran.returncode == status


@pytest.mark.parametrize(
    "script",
    [
        "./scripts/hostname.sh | grep runner",
        "make hostname | grep runner",
        "python tools/hostname.py | grep runner",
    ],
    ids=["script", "make", "interpreter"],
)
def test_a_runner_of_other_code_piped_to_grep_stays_a_note(
    tmp_path: Path, script: str
) -> None:
    text = workflow(_step('Hostname is set to "github-runner"', script))
    assert _audit(tmp_path, text) == [("QG112", line_of(text, "| grep"), False)]
