"""audit-gates on the shapes of the issue-21bk sweep (-pdf, -image, -chat, -map).

Not blind: the sweep's hand-read truth was written first, and its first run
showed three shapes.  A smoke step that starts its service in the
background and asks it with ``curl -fsS localhost... | head`` (no
pipefail) loses the request's failure, but the audit read ``-fsS`` as a
request "without ``--fail``" and only noted it.  A documentation build in a
workflow that publishes it (``Build Documentation`` in ``Publish
Documentation``) is the publication's own build, not a docs check.  A local
pre-commit hook whose inline Python parses a file (``yaml.safe_load(open(
'config.yaml'))``) fails on a file it cannot read: that parse is its check.
Each case beside the twin that differs in the one thing that decides.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - fixed argument lists
import sys
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"

_SMOKE = """
linux-portable-smoke:
  runs-on: ubuntu-latest
  steps:
    - name: Boot via run-portable.sh and probe the API
      run: |
        <START>
        for i in $(seq 1 240); do
          if curl -fsS --max-time 3 http://127.0.0.1:8499/ > /dev/null; then
            <PROBE> | head -c 200
            exit 0
          fi
          sleep 1
        done
        exit 1
"""


def _smoke(probe: str, start: str = "./run-portable.sh > launcher.log 2>&1 &") -> str:
    return _jobs(_SMOKE.replace("<PROBE>", probe).replace("<START>", start))


def _found(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int, bool]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    return gate_rules(audit_project(tmp_path, files))


# ---- a request to the service the script started, in a smoke job ----------

API = "curl -fsS --max-time 5 http://127.0.0.1:8499/api/aesthetic/status"


@pytest.mark.parametrize("fail", ["-fsS", "--fail -sS", "--fail-with-body -s"])
def test_failing_request_to_the_started_service_is_a_smoke_check(
    tmp_path: Path, fail: str
) -> None:
    probe = f"curl {fail} --max-time 5 http://127.0.0.1:8499/api/aesthetic/status"
    text = _smoke(probe)
    line = line_of(text, "| head -c 200")
    assert _found(tmp_path, {CI: text}) == [("QG112", CI, line, True)]


def test_request_without_fail_to_the_started_service_stays_a_note(
    tmp_path: Path,
) -> None:
    # `curl -sS` fails only when nothing listens; only the job names a check
    text = _smoke("curl -sS --max-time 5 http://127.0.0.1:8499/api/aesthetic/status")
    line = line_of(text, "| head -c 200")
    assert _found(tmp_path, {CI: text}) == [("QG112", CI, line, False)]


def test_failing_request_to_a_service_not_started_here_stays_a_note(
    tmp_path: Path,
) -> None:
    text = _smoke(API, start="echo the service runs elsewhere")
    line = line_of(text, "| head -c 200")
    assert _found(tmp_path, {CI: text}) == [("QG112", CI, line, False)]


def test_a_note_on_curl_with_fail_does_not_say_it_lacks_fail(tmp_path: Path) -> None:
    text = _smoke(API, start="echo the service runs elsewhere")
    found = audit_project(tmp_path, {CI: text})
    messages = [m for r, _, _, _, m in found if r == "QG112"]
    assert len(messages) == 1
    assert "without `--fail`" not in messages[0]


def test_pipefail_keeps_the_request(tmp_path: Path) -> None:
    start = "set -o pipefail\n        ./run-portable.sh > launcher.log 2>&1 &"
    text = _smoke(API, start=start)
    assert _found(tmp_path, {CI: text}) == []


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_bash_e_goes_on_after_a_failing_curl_piped_to_head() -> None:
    # GitHub's default `bash -e {0}`: the pipeline's status is head's
    script = "curl -fsS --max-time 2 http://127.0.0.1:9/ | head -c 200; echo reached"
    run = ["bash", "--noprofile", "--norc", "-e", "-c", script]
    done = subprocess.run(run, check=False, capture_output=True, text=True)  # nosec
    assert done.returncode == 0 and "reached" in done.stdout
    piped = ["bash", "-e", "-o", "pipefail", "-c", script]
    kept = subprocess.run(piped, check=False, capture_output=True, text=True)  # nosec
    assert kept.returncode != 0 and "reached" not in kept.stdout


# ---- documentation built by the workflow that publishes it ------------------

_DOCS = """name: <NAME>
on:
  <ON>
permissions:
  contents: write
jobs:
  build:
    runs-on: windows-latest
    steps:
      - uses: actions/checkout@v4
      - name: <STEP>
        run: |
          .tools/docfx/docfx.exe docs/docfx.json
          powershell -ExecutionPolicy ByPass -command "docs\\FixApiRefLinks"
      - name: Publish Documentation
        shell: cmd
        run: |
          cd output\\docs_site
          git push --force origin HEAD:gh-pages
"""


def _docs(name: str, on: str, step: str = "Build Documentation") -> str:
    return _DOCS.replace("<NAME>", name).replace("<ON>", on).replace("<STEP>", step)


def test_docs_built_to_be_published_are_no_check(tmp_path: Path) -> None:
    text = _docs("Publish Documentation", "push:\n    branches: [main]")
    assert _found(tmp_path, {CI: text}) == []


def test_docs_built_in_a_ci_workflow_are_a_check(tmp_path: Path) -> None:
    text = _docs("CI", "[push, pull_request]")
    line = line_of(text, "docfx.exe")
    assert _found(tmp_path, {CI: text}) == [("QG104", CI, line, False)]


def test_docs_checked_in_a_publishing_workflow_are_a_check(tmp_path: Path) -> None:
    # the step says it checks: publishing does not make that a build
    text = _docs("Publish Documentation", "push:\n    branches: [main]", "Check docs")
    line = line_of(text, "docfx.exe")
    assert _found(tmp_path, {CI: text}) == [("QG104", CI, line, False)]


# ---- a pre-commit hook whose inline Python parses a file --------------------


def _hook(code: str) -> str:
    return (
        "repos:\n  - repo: local\n    hooks:\n      - id: validate-config\n"
        "        name: Validate config.yaml\n"
        f'        entry: python -c "{code}"\n'
        "        language: system\n        files: ^config\\.yaml$\n"
    )


PARSE = "import yaml; yaml.safe_load(open('config.yaml'))"


@pytest.mark.parametrize(
    "code",
    [
        PARSE,
        "import json; json.load(open('config.json'))",
        "import ast, sys; [ast.parse(open(f).read()) for f in sys.argv[1:]]",
    ],
)
def test_inline_python_that_parses_a_file_checks_it(tmp_path: Path, code: str) -> None:
    text = _hook(code)
    found = audit_project(tmp_path, {".pre-commit-config.yaml": text})
    assert [f for f in found if f[0] == "QG102"] == []


def test_inline_python_that_only_reads_a_file_checks_nothing(tmp_path: Path) -> None:
    text = _hook("import yaml; print(open('config.yaml').read())")
    found = audit_project(tmp_path, {".pre-commit-config.yaml": text})
    hits = [(r, ln, f) for r, _, ln, f, _ in found if r == "QG102"]
    assert hits == [("QG102", line_of(text, "entry:"), False)]


def test_inline_python_that_parses_then_only_reports_still_drops_it(
    tmp_path: Path,
) -> None:
    text = (
        "repos:\n  - repo: local\n    hooks:\n      - id: keys\n"
        "        name: Check config keys\n        entry: python\n"
        "        language: system\n        args:\n          - -c\n          - |\n"
        "            import json\n"
        "            bad = [k for k in json.load(open('c.json')) if k[0] == '_']\n"
        "            if bad:\n                print(bad)\n"
    )
    found = audit_project(tmp_path, {".pre-commit-config.yaml": text})
    hits = [(r, ln, f) for r, _, ln, f, _ in found if r == "QG102"]
    assert hits == [("QG102", line_of(text, "if bad:"), True)]


def test_python_fails_on_a_file_its_parser_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("key: [unclosed\n")
    run = [sys.executable, "-c", PARSE]
    bad = subprocess.run(run, cwd=tmp_path, check=False, capture_output=True)  # nosec
    assert bad.returncode == 1
    (tmp_path / "config.yaml").write_text("key: [closed]\n")
    good = subprocess.run(run, cwd=tmp_path, check=False, capture_output=True)  # nosec
    assert good.returncode == 0
