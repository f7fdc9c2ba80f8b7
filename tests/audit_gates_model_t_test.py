"""audit-gates on the misses and false findings of a full-read sweep (issue-21ah).

Not blind: each case is the general form of a lost check the audit missed,
or of a command it took for one, on CI read by hand
(bench/audit_sweep/issue-21ah), beside the honest twin that differs in the
one thing that decides.  Where a tool decides, the real one runs: GNU make
for what a recipe is, sh and bash for statuses, detect-secrets for what
``scan`` exits with.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - fixed argument lists
import sys
from pathlib import Path

import pytest
from audit_gates_model_g_test import _gnu_make
from audit_gates_model_i_test import _jobs
from audit_gates_model_k_test import _failing_tool
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"


def _step(name: str, script: str, job: str = "build") -> str:
    """Return a workflow whose job ``job`` has one step ``name`` running ``script``."""
    return _jobs(
        f"""
        {job}:
          runs-on: ubuntu-latest
          steps:
            - name: {name}
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )


def _dir(tmp_path: Path, name: str) -> Path:
    """Make a fresh folder ``name`` under ``tmp_path``."""
    folder = tmp_path / name
    folder.mkdir()
    return folder


def _make(folder: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real GNU make on ``text`` with a failing ``pytest`` on PATH."""
    make = _gnu_make()  # skips where make is missing or a shim; never under CI
    (folder / "Makefile").write_text(text)
    return subprocess.run(  # nosec B603
        [make, "-s", *args],
        cwd=folder,
        env=_failing_tool(folder, "pytest"),
        capture_output=True,
        text=True,
        check=False,
    )


# ---- make: conditionals and comment lines do not end a recipe ---------------

_CONDITIONAL = (
    "test-file:\n"
    "ifndef FILE\n"
    "\t$(error FILE is required)\n"
    "endif\n"
    "\tpytest $(FILE) 2>&1 | tee results.txt\n"
)
_COMMENTED = (
    "test:\n\t@echo running\n# the whole suite\n\tpytest 2>&1 | tee results.txt\n"
)
_PIPEFAIL = "SHELL := /bin/bash\n.SHELLFLAGS := -eo pipefail -c\n"


@pytest.mark.parametrize(
    ("body", "target"), [(_CONDITIONAL, "test-file"), (_COMMENTED, "test")]
)
def test_a_recipe_goes_on_past_a_conditional_or_a_comment(
    tmp_path: Path, body: str, target: str
) -> None:
    found = gate_rules(audit_project(_dir(tmp_path, "lost"), {"Makefile": body}))
    assert found == [("QG112", "Makefile", line_of(body, "pytest"), True)]
    message = audit_project(_dir(tmp_path, "msg"), {"Makefile": body})[0][4]
    assert f"target `{target}`" in message
    # twin: pipefail in the Makefile's shell keeps pytest's status
    twin = _PIPEFAIL + body
    assert gate_rules(audit_project(_dir(tmp_path, "twin"), {"Makefile": twin})) == []


@pytest.mark.parametrize(
    ("body", "target"), [(_CONDITIONAL, "test-file"), (_COMMENTED, "test")]
)
def test_the_real_make_runs_the_line_as_the_targets_and_loses_its_status(
    tmp_path: Path, body: str, target: str
) -> None:
    lost = _make(_dir(tmp_path, "lost"), body, target, "FILE=t.py")
    assert (
        lost.returncode == 0
        and "1 failed" in (tmp_path / "lost" / "results.txt").read_text()
    )
    twin = _make(_dir(tmp_path, "twin"), _PIPEFAIL + body, target, "FILE=t.py")
    assert twin.returncode != 0


# ---- macOS's `security` is keychain setup, not a security check -------------


@pytest.mark.parametrize(
    ("command", "lost"),
    [
        ('security delete-keychain "$RUNNER_TEMP/build.keychain-db" || true', False),
        ("security find-identity -p codesigning || true", False),
        # twin: the project's own security script is a check by its name
        ("./scripts/security.sh || true", True),
    ],
)
def test_the_macos_keychain_tool_is_no_check(
    tmp_path: Path, command: str, lost: bool
) -> None:
    text = _step("Sign and verify the app", command, job="security")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, command.split()[0])
    assert found == ([("QG101", CI, line, True)] if lost else [])


# ---- elm-review and elm-test are checkers by their own names -----------------


@pytest.mark.parametrize("tool", ["elm-review", "elm-test", "elm-test-rs"])
def test_elm_checkers_in_a_make_loop(tmp_path: Path, tool: str) -> None:
    body = (
        "plugins-check:\n"
        "\t@for p in $(PLUGINS); do \\\n"
        f"\t\tcd plugins/$$p; npx {tool}; cd -; \\\n"
        "\tdone\n"
    )
    found = gate_rules(audit_project(_dir(tmp_path, "lost"), {"Makefile": body}))
    line = line_of(body, f"npx {tool}")
    assert found == [("QG104", "Makefile", line, True)]  # certain: no longer a note
    twin = ".SHELLFLAGS := -ec\n" + body
    assert gate_rules(audit_project(_dir(tmp_path, "twin"), {"Makefile": twin})) == []


# ---- a program cargo built is the product under test --------------------------


@pytest.mark.parametrize(
    ("name", "command", "lost"),
    [
        (
            "Test non-interactive preflight",
            "timeout 30 ./target/release/app-installer install --non-interactive"
            " || true",
            True,
        ),
        (
            "Smoke test",
            "./target/x86_64-unknown-linux-musl/release/app run || true",
            True,
        ),
        # twins: a step that installs it, and a setup script of the project
        ("Install the app", "./target/release/app-installer install || true", False),
        ("Run tests", "./scripts/install-deps.sh || true", False),
        ("Test --help", "./target/release/app --help || true", False),
    ],
)
def test_a_cargo_built_program_run_by_a_test_step(
    tmp_path: Path, name: str, command: str, lost: bool
) -> None:
    text = _step(name, command, job="smoke")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, command.split()[0])
    assert found == ([("QG101", CI, line, True)] if lost else [])


# ---- a build told to skip the tests its step is named for --------------------


@pytest.mark.parametrize(
    ("name", "script", "lost"),
    [
        ("Build and test", "./gradlew build -x test --no-daemon", True),
        ("Build and test", "./gradlew build --exclude-task test", True),
        ("Run tests", "mvn -B verify -DskipTests", True),
        ("Run tests", "./mvnw -B package -Dmaven.test.skip=true", True),
        # twins: a deploy build promises no test ...
        ("Build project", "./gradlew clean build -x test", False),
        # ... the tests run by the next command ...
        ("Build and test", "./gradlew assemble -x test\n./gradlew test", False),
        ("Build and test", "./gradlew build -x test && ./gradlew check", False),
        # ... or nothing is left out
        ("Build and test", "./gradlew build", False),
        ("Run tests", "mvn -B verify", False),
    ],
)
def test_a_build_that_leaves_out_its_tests(
    tmp_path: Path, name: str, script: str, lost: bool
) -> None:
    text = _step(name, script)
    found = [
        f for f in gate_rules(audit_project(tmp_path, {CI: text})) if f[0] == "QG107"
    ]
    assert found == (
        [("QG107", CI, line_of(text, script.split()[0]), True)] if lost else []
    )


def test_the_left_out_tests_message_names_the_fix(tmp_path: Path) -> None:
    text = _step("Build and test", "./gradlew build -x test")
    message = next(
        m for r, *_, m in audit_project(tmp_path, {CI: text}) if r == "QG107"
    )
    assert "leaves the test task out" in message and "drop `-x test`" in message


# ---- detect-secrets `scan` records; a scan step needs something that fails ---

_SCAN = "python -m detect_secrets scan --baseline .secrets.baseline"


@pytest.mark.parametrize(
    ("name", "script", "note"),
    [
        ("Scan for hardcoded secrets", f'{_SCAN}\necho "Secret scan passed"', True),
        ("Scan secrets", "detect-secrets scan > scan.json", True),
        # twins: the baseline compared, the output read, the hook run
        (
            "Scan for hardcoded secrets",
            f"{_SCAN}\ngit diff --exit-code .secrets.baseline",
            False,
        ),
        (
            "Scan secrets",
            "detect-secrets scan > scan.json\npython check.py scan.json",
            False,
        ),
        ("Scan secrets", "detect-secrets scan | jq -e '.results == {}'", False),
        (
            "Scan secrets",
            "detect-secrets-hook --baseline .secrets.baseline app.py",
            False,
        ),
        # twin: a step that refreshes the baseline checks nothing
        (
            "Update the secrets baseline",
            "detect-secrets scan > .secrets.baseline",
            False,
        ),
    ],
)
def test_a_secret_scan_nothing_reads(
    tmp_path: Path, name: str, script: str, note: bool
) -> None:
    text = _step(name, script, job="secrets")
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    line = line_of(text, "detect")
    assert found == ([("QG106", CI, line, False)] if note else [])


def test_the_real_scan_passes_and_only_the_diff_fails(tmp_path: Path) -> None:
    tool = Path(sys.executable).parent / "detect-secrets"
    bash = shutil.which("bash")
    if not tool.exists() or bash is None:
        pytest.skip("detect-secrets or bash is not installed")
    git = ["git", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)  # nosec B603 B607
    (tmp_path / "app.py").write_text("x = 1\n")
    clean = subprocess.run(  # nosec B603
        [str(tool), "scan"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    (tmp_path / ".secrets.baseline").write_text(clean)
    (tmp_path / "app.py").write_text(
        'token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"\n'
    )
    for command in (
        ["add", "."],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"],
    ):
        subprocess.run([*git, *command], check=True)  # nosec B603 B607
    scan = f"{tool} scan --baseline .secrets.baseline"

    def status(script: str) -> int:
        done = subprocess.run(  # nosec B603
            [bash, "--noprofile", "--norc", "-e", "-c", script],
            cwd=tmp_path,
            capture_output=True,
            check=False,
        )
        return done.returncode

    assert status(f'{scan}\necho "Secret scan passed"') == 0  # the lost case
    subprocess.run([*git, "checkout", "-q", ".secrets.baseline"], check=True)  # nosec
    assert status(f"{scan}\ngit diff --exit-code .secrets.baseline") == 1  # the twin


# ---- a check re-run for show after the script read its status --------------

_JUDGED = (
    "set +e\n"
    "out=$(npm audit --audit-level=high --json)\n"
    "rc=$?\n"
    "set -e\n"
    "if [ $rc -eq 0 ]; then exit 0; fi\n"
    'if [ -n "$WAIVE" ]; then\n'
    '  echo "::warning::waived"\n'
    "  npm audit --audit-level=high || true\n"
    "  exit 0\n"
    "fi\n"
    "exit 1\n"
)


@pytest.mark.parametrize(
    ("script", "failing"),
    [
        # the same audit, judged by `$rc` before: a note
        (_JUDGED, False),
        # twins: nothing read the earlier status ...
        (_JUDGED.replace("rc=$?\n", "rc=1\n"), True),
        # ... the earlier run was another check (another level) ...
        (_JUDGED.replace("--audit-level=high --json", "--audit-level=critical"), True),
        # ... or there was no earlier run
        ("npm audit --audit-level=high || true\n", True),
    ],
)
def test_a_check_shown_again_after_its_status_was_read(
    tmp_path: Path, script: str, failing: bool
) -> None:
    text = _step("Security audit", script.rstrip("\n"), job="audit")
    found = [
        f for f in gate_rules(audit_project(tmp_path, {CI: text})) if f[0] == "QG101"
    ]
    line = line_of(text, "npm audit --audit-level=high || true")
    assert found == [("QG101", CI, line, failing)]


def test_the_real_bash_fails_on_the_judged_status_unless_waived(
    tmp_path: Path,
) -> None:
    bash = shutil.which("bash")
    assert bash is not None
    (tmp_path / "step.sh").write_text(_JUDGED)

    def status(waive: str) -> int:
        env = dict(_failing_tool(tmp_path, "npm"), WAIVE=waive)
        done = subprocess.run(  # nosec B603
            [bash, "--noprofile", "--norc", "-e", "step.sh"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            check=False,
        )
        return done.returncode

    assert status("") == 1  # the audit's failure, read from $rc, fails the step
    assert status("1") == 0  # the waiver is the branch's decision
