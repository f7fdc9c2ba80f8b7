"""audit-gates on the missed gates of the ninth corpus (bench/audit_corpus_21i).

Not blind: each case is the general form of a lost check the audit missed
there, beside the honest twin that differs in the one thing that decides; the
real python and bash run the reading step where they decide.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess  # nosec B404 - fixed argument lists
import sys
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"

# ---- inline code that only takes values out of a report does not judge it ---

_ANALYSE = (
    "python tools/check_rules.py --format json --output rules.json"
    ' || echo "analysis completed with warnings"'
)


def _analysis_then(read: str, cond: str = "") -> str:
    return _jobs(
        """
        analysis:
          runs-on: ubuntu-latest
          steps:
            - name: Rules analysis
              run: |
                <ANALYSE>
            - name: Assess the results
        <COND>
              run: |
                <READ>
        """.replace("<COND>", f"      if: {cond}" if cond else ""),
        ANALYSE=_ANALYSE,
        READ=read,
    )


_SCORE = (
    "SCORE=$(python -c \"import json; print(json.load(open('rules.json'))['score'])\")"
    "\nif python -c \"exit(1 if float('$SCORE') < 0.9 else 0)\"; then\n"
    '  echo "WARNING: score $SCORE below 0.9"\nfi'
)
_REPORT = (
    'python -c "\nimport json\n'
    "data = json.load(open('rules.json'))\n"
    "print('## Rules:', len(data['violations']))\n\" >> report.md"
)


@pytest.mark.parametrize(
    ("read", "lost"),
    [
        # a value taken out, then only warned about
        (_SCORE, True),
        # a markdown report written from it
        (_REPORT, True),
        # twins: the inline code fails on what it reads
        (
            "python -c \"import json, sys; sys.exit(len(json.load(open('rules.json'))"
            "['violations']) > 0)\"",
            False,
        ),
        (
            "python -c \"import json; assert not json.load(open('rules.json'))"
            "['violations']\"",
            False,
        ),
        # twin: a program that judges the file by its own name
        ("python tools/judge_rules.py rules.json", False),
    ],
)
def test_inline_code_that_only_reads_values_does_not_judge(
    tmp_path: Path, read: str, lost: bool
) -> None:
    text = _analysis_then(read)
    # failing findings only: the `if python -c "exit(...)"` that warns is a note
    found = [f for f in gate_rules(audit_project(tmp_path, {CI: text})) if f[3]]
    line = line_of(text, "check_rules.py")
    assert found == ([("QG102", CI, line, True)] if lost else [])
    if "judge_rules" in read:
        return  # a script of the project's own: what it does is not run here
    # the real bash and python agree: on a report with violations only the
    # twins fail the reading step
    (tmp_path / "rules.json").write_text(
        json.dumps({"score": 0.5, "violations": [{"rule": "R1"}]})
    )
    assert (_bash(tmp_path, read) != 0) == (not lost)


def _bash(folder: Path, script: str, failing: str = "") -> int:
    """Run ``script`` as GitHub's ``bash -e {0}`` does.

    ``python`` is the real one; ``failing`` names a program that prints a
    failed result and exits 1.
    """
    bash = shutil.which("bash")
    assert bash is not None
    bin_dir = folder / "bin"
    bin_dir.mkdir(exist_ok=True)
    python = bin_dir / "python"
    if not python.exists():
        python.symlink_to(sys.executable)
    if failing:
        fake = bin_dir / failing
        fake.write_text('#!/bin/sh\necho \'{"Action":"fail"}\'\nexit 1\n')
        fake.chmod(0o755)
    path = folder / "step.sh"
    path.write_text(script + "\n")
    done = subprocess.run(  # nosec B603
        [bash, "--noprofile", "--norc", "-e", str(path)],
        cwd=folder,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode


# ---- a step with `if: false` reads nothing ----------------------------------


@pytest.mark.parametrize(
    ("cond", "lost"),
    [
        ("false", True),
        ("${{ false }}", True),
        # twins: the judging step runs (always, or on success)
        ("always()", False),
        ("", False),
    ],
)
def test_a_step_that_never_runs_carries_no_failure(
    tmp_path: Path, cond: str, lost: bool
) -> None:
    # GitHub decides whether a step runs: nothing here for a shell to run
    text = _analysis_then("python tools/judge_rules.py rules.json", cond)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "check_rules.py")
    expected = [("QG102", CI, line, True)] if lost else []
    if cond == "false" or cond == "${{ false }}":
        expected.append(("QG107", CI, line_of(text, "if:"), True))
    assert found == sorted(expected)


# ---- two scripts of one interpreter are two checks -------------------------


def _two_runs(second: str) -> str:
    return _jobs(
        """
        analysis:
          runs-on: ubuntu-latest
          steps:
            - name: Check the rules
              run: python tools/check_rules.py .
            - name: Check the layering
              run: |
                <SECOND>
        """,
        SECOND=second,
    )


@pytest.mark.parametrize(
    ("second", "lost"),
    [
        # another script: its failure is seen nowhere
        (
            "python tools/check_layers.py . --format json --output layers.json || true",
            True,
        ),
        ("python -m tools.layers --format json --output layers.json || true", True),
        # twin: the same script re-run for its JSON, its failure seen above
        (
            "python tools/check_rules.py . --format json --output rules.json || true",
            False,
        ),
    ],
)
def test_two_scripts_of_one_interpreter_are_two_checks(
    tmp_path: Path, second: str, lost: bool
) -> None:
    text = _two_runs(second)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "|| true")
    assert found == ([("QG101", CI, line, True)] if lost else [])
    # the real bash agrees: `|| true` keeps the step green whatever python says
    (tmp_path / "tools").mkdir(exist_ok=True)
    for name in ("check_rules.py", "check_layers.py", "layers.py"):
        (tmp_path / "tools" / name).write_text("raise SystemExit(1)\n")
    (tmp_path / "tools" / "__init__.py").write_text("")
    assert _bash(tmp_path, second) == 0


# ---- a local request after the script started a service is its smoke test --


def _serve_then(request: str, start: str = "python -m mcp.server &") -> str:
    return _jobs(
        """
        integration:
          runs-on: ubuntu-latest
          steps:
            - name: Test MCP Server
              run: |
                <START>
                sleep 5
                <REQUEST>
        """,
        START=start,
        REQUEST=request,
    )


@pytest.mark.parametrize(
    ("start", "request_", "found"),
    [
        # the service the script started is asked, and the answer eaten
        (None, "curl -X GET http://localhost:8765/health || true", "QG101"),
        (None, "wget --tries=1 http://localhost:8765/ || true", "QG101"),
        # twin: no `|| true`: the request's failure fails the step
        (None, "curl -X GET http://localhost:8765/health", ""),
        # twin: nothing started here: a look at a service, a note only
        (
            "echo started elsewhere",
            "curl -X GET http://localhost:8765/health || true",
            "note",
        ),
    ],
)
def test_a_request_to_a_service_the_script_started_is_its_smoke_test(
    tmp_path: Path, start: str | None, request_: str, found: str
) -> None:
    text = _serve_then(request_, start or "python -m mcp.server &")
    got = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "localhost")
    expected = {
        "QG101": [("QG101", CI, line, True)],
        "note": [("QG101", CI, line, False)],
    }
    assert got == expected.get(found, [])
    tool = request_.split()[0]
    if shutil.which(tool) is None:
        return
    # the real bash and curl/wget agree: with nothing listening the request
    # fails (a service that did not start), and only `|| true` keeps the step green
    script = request_.replace("8765", str(_closed_port()))
    status = subprocess.run(  # nosec B603 B607
        ["bash", "--noprofile", "--norc", "-e", "-c", script],
        capture_output=True,
        check=False,
        timeout=60,
    ).returncode
    assert (status == 0) == ("|| true" in request_)


def _closed_port() -> int:
    """Return a local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---- `pnpm exec tsc`, `npm exec -- tsc`: the program a package manager runs --


@pytest.mark.parametrize(
    ("command", "lost"),
    [
        ("pnpm exec tsc src/main.ts --noEmit || true", True),
        ("npm exec -- tsc --noEmit || true", True),
        ("yarn dlx eslint . || true", True),
        # twins: a fixer run the same way, or the check without `|| true`
        ("pnpm exec prettier --write . || true", False),
        ("pnpm exec tsc src/main.ts --noEmit", False),
    ],
)
def test_a_package_managers_exec_runs_the_named_program(
    tmp_path: Path, command: str, lost: bool
) -> None:
    # the step's name says it builds: the program's own name makes it a check
    text = _jobs("""
        signals:
          runs-on: ubuntu-latest
          steps:
            - name: Build TypeScript
              run: <COMMAND>
        """.replace("<COMMAND>", command))
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == ([("QG101", CI, line_of(text, "run:"), True)] if lost else [])


# ---- `|| cat results.json` of the report the gate wrote: the step is green --


def _e2e(fallback: str, earlier: str = "go build ./cmd/scanner") -> str:
    return _jobs(
        """
        e2e:
          runs-on: ubuntu-latest
          steps:
            - name: Build the scanner
              run: |
                <EARLIER>
            - name: Run E2E Tests
              run: |
                <E2E>
        """,
        EARLIER=earlier,
        E2E=f"go test -json ./e2e > results.json {fallback}",
    )


@pytest.mark.parametrize(
    ("fallback", "lost"),
    [
        ("|| cat results.json", True),
        ("|| tail -n 50 results.json", True),
        # twins: the shown file is not the one the tests wrote, or the
        # fallback fails after showing it
        ("|| cat other.json", False),
        ("|| { cat results.json; exit 1; }", False),
    ],
)
def test_showing_the_report_the_gate_wrote_succeeds(
    tmp_path: Path, fallback: str, lost: bool
) -> None:
    text = _e2e(fallback)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "go test")
    # `|| cat other.json` may fail (no such file): the failure is handled
    assert found == ([("QG101", CI, line, True)] if lost else [])
    # the real bash agrees: a failing `go test` leaves the step green only
    # where the fallback shows the file its redirect created
    script = f"go test -json ./e2e > results.json {fallback}"
    status = _bash(tmp_path, script, "go")
    assert (status == 0) == lost


@pytest.mark.parametrize(
    ("earlier", "lost"),
    [
        # `go build` seen failing is another check than `go test`
        ("go build ./cmd/scanner", True),
        # twin: the same `go test` seen failing before: this run is its report
        ("go test ./e2e", False),
    ],
)
def test_two_subcommands_of_one_tool_are_two_checks(
    tmp_path: Path, earlier: str, lost: bool
) -> None:
    text = _e2e("|| true", earlier)
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "go test -json")
    assert found == ([("QG101", CI, line, True)] if lost else [])


# ---- Go-style `-no-fail` on an action's args --------------------------------


@pytest.mark.parametrize(
    ("args", "lost"),
    [
        ("-no-fail -fmt sarif -out results.sarif ./...", True),
        ("--no-fail -fmt sarif -out results.sarif ./...", True),
        # twins: no such option; an option that only starts alike
        ("-fmt sarif -out results.sarif ./...", False),
        ("-no-fail-fast ./...", False),
    ],
)
def test_a_go_style_no_fail_option_turns_the_scanner_off(
    tmp_path: Path, args: str, lost: bool
) -> None:
    # the action (gosec) runs in its container: nothing here for a shell to run
    text = _jobs("""
        security-scan:
          runs-on: ubuntu-latest
          steps:
            - uses: securego/gosec@d2d3ae66bd8d340b78b5142b6fe610691783c2fe
              with:
                args: "<ARGS>"
        """.replace("<ARGS>", args))
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == ([("QG106", CI, line_of(text, "args:"), True)] if lost else [])


# ---- `npm run NAME` is judged by the checker its package script runs --------

_PACKAGE = (
    '{"scripts": {"compile": "tsc -p ./", "tc": "tsc --noEmit", "gen": "node gen.js"}}'
)


@pytest.mark.parametrize(
    ("step", "command", "lost"),
    [
        # a script named for building, in a step named for type checking
        ("TypeScript Type Checking", "npm run compile || true", True),
        # a script whose name says nothing, running a type checker
        ("Run tc", "npm run tc || true", True),
        # the same build script in a step named only for building, in a
        # `test` job of workflow `ci`: a build in a job that verifies the
        # change is a check (corpus 21l's rule)
        ("Compile Extension", "npm run compile || true", True),
        # twins: the build in a step that says it may fail, a script that
        # runs no checker, and the type check without `|| true`
        ("Compile Extension (Optional)", "npm run compile || true", False),
        ("TypeScript Type Checking", "npm run gen || true", False),
        ("Run tc", "npm run tc", False),
    ],
)
def test_a_package_script_is_judged_by_the_checker_it_runs(
    tmp_path: Path, step: str, command: str, lost: bool
) -> None:
    text = _jobs(
        """
        test:
          runs-on: ubuntu-latest
          steps:
            - name: <STEP>
              working-directory: interfaces/vscode
              run: |
                <COMMAND>
        """.replace("<STEP>", step),
        COMMAND=command,
    )
    files = {CI: text, "interfaces/vscode/package.json": _PACKAGE}
    found = gate_rules(audit_project(tmp_path, files))
    line = line_of(text, "npm run")
    assert found == ([("QG101", CI, line, True)] if lost else [])
    if shutil.which("npm") is None:
        return
    # the real npm and bash agree: the script runs the (failing) type
    # checker, and only `|| true` keeps the step green
    folder = tmp_path / "interfaces" / "vscode"
    status = _bash(folder, command, "tsc")
    assert (status == 0) == ("|| true" in command or "gen" in command)
