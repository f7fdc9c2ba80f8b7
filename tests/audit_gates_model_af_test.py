"""audit-gates on checks set up outside the command line, and commands in others.

Not blind: each case is a general shape read from shell semantics or a tool's
documented (and here run) behaviour, beside the honest twin that differs in
the one thing that decides; the real tool runs where it decides.
"""

from __future__ import annotations

import subprocess  # nosec B404 - fixed argument lists
import sys
from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of
from failing_checkers import run_failing

CI = ".github/workflows/ci.yml"


def _audit(folder: Path, files: dict[str, str]) -> list[tuple[str, str, int, bool]]:
    folder.mkdir()
    return gate_rules(audit_project(folder, files))


# ---- autopep8 --diff: a check only with --exit-code, on the line or configured

_UNFORMATTED = "import os\nx=1\nprint(os, x)\n"


def _lint_step(command: str) -> str:
    return _jobs("""
        lint:
          runs-on: ubuntu-latest
          steps:
            - name: Lint
              run: <COMMAND>
        """.replace("<COMMAND>", command))


def _autopep8_status(folder: Path, files: dict[str, str], options: str) -> int:
    """Run the real autopep8 with ``options`` on an unformatted file."""
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    (folder / "bad.py").write_text(_UNFORMATTED)
    program = Path(sys.executable).parent / "autopep8"
    run = [str(program), *options.split(), "bad.py"]
    env = {"PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": str(folder / "no-user")}
    done = subprocess.run(  # nosec B603 - fixed argument list
        run, cwd=folder, check=False, capture_output=True, env=env
    )
    return done.returncode


_PEP8 = "[pycodestyle]\nmax-line-length = 100\n"


@pytest.mark.parametrize(
    ("name", "config", "lost"),
    [
        ("pyproject.toml", "[project]\nname = 'x'\n", True),
        ("pyproject.toml", "[tool.autopep8]\nexit-code = true\n", False),
        ("pyproject.toml", "[tool.autopep8]\nexit_code = true\n", False),
        ("pyproject.toml", "[tool.autopep8]\nmax_line_length = 100\n", True),
        ("setup.cfg", "[pycodestyle]\nexit-code = true\n", False),
        ("setup.cfg", "[pep8]\nexit_code = 1\n", False),
        ("tox.ini", "[flake8]\nexit-code = yes\n", False),
        (".flake8", "[flake8]\nexit-code = on\n", False),
        (".pep8", "[pep8]\nexit-code = true\n", False),
        # autopep8 reads only its own sections, and a false value is false
        ("setup.cfg", "[tool:pytest]\nexit-code = true\n" + _PEP8, True),
        ("setup.cfg", "[pycodestyle]\nexit-code = false\n", True),
    ],
)
def test_autopep8_diff_and_its_configuration(
    tmp_path: Path, name: str, config: str, lost: bool
) -> None:
    text = _lint_step("autopep8 --diff --recursive .")
    files = {CI: text, name: config}
    rules = _audit(tmp_path / "project", files)
    assert (("QG106", CI, line_of(text, "--diff"), True) in rules) is lost
    # the real autopep8: `--diff` exits 2 on a change under exit-code, else 0
    status = _autopep8_status(tmp_path / "run", {name: config}, "--diff")
    assert status == (0 if lost else 2)


@pytest.mark.parametrize(
    ("options", "status"),
    [("--diff --exit-code", 2), ("-d --exit-code", 2), ("-i --exit-code", 2)],
)
def test_autopep8_exit_code_on_the_line_checks(
    tmp_path: Path, options: str, status: int
) -> None:
    text = _lint_step(f"autopep8 {options} -r . || true")
    rules = _audit(tmp_path / "project", {CI: text})
    assert rules == [("QG101", CI, line_of(text, "autopep8"), True)]
    assert _autopep8_status(tmp_path / "run", {}, options) == status


def test_autopep8_told_to_ignore_its_configuration(tmp_path: Path) -> None:
    config = {"setup.cfg": "[pycodestyle]\nexit-code = true\n"}
    options = "--diff --ignore-local-config"
    text = _lint_step(f"autopep8 {options} -r .")
    rules = _audit(tmp_path / "project", {CI: text, **config})
    assert rules == [("QG106", CI, line_of(text, "--diff"), True)]
    assert _autopep8_status(tmp_path / "run", config, options) == 0


def test_autopep8_diff_in_tox_and_make_reads_the_ini_files(tmp_path: Path) -> None:
    tox = "[tox]\nenvlist = lint\n[testenv:lint]\ncommands =\n    autopep8 -d -r src\n"
    make = "lint:\n\tautopep8 --diff -r src\n"
    files = {"tox.ini": tox, "Makefile": make}
    rules = _audit(tmp_path / "plain", files)
    assert [(r, p) for r, p, _, _ in rules] == [
        ("QG106", "Makefile"),
        ("QG106", "tox.ini"),
    ]
    files["setup.cfg"] = "[pycodestyle]\nexit-code = true\n"
    assert _audit(tmp_path / "configured", files) == []


def test_a_configuration_autopep8_cannot_read_is_not_judged(tmp_path: Path) -> None:
    text = _lint_step("autopep8 --diff -r .")
    files = {CI: text, "setup.cfg": "[pycodestyle]\nexit-code = maybe\n"}
    assert gate_rules(audit_project(tmp_path, files)) == []


# ---- a scanner's threshold set in the environment or its config file -------


def _scan_job(run: str, job_env: str = "", step_env: str = "", top: str = "") -> str:
    """Return a job named for no check: one step runs ``run``; ``VAR: value`` envs."""
    job = f"    env:\n      {job_env}\n" if job_env else ""
    step = f"        env:\n          {step_env}\n" if step_env else ""
    head = f"env:\n  {top}\n" if top else ""
    return (
        "name: ci\non: [push]\npermissions:\n  contents: read\n" + head + "jobs:\n"
        "  sbom:\n    runs-on: ubuntu-latest\n" + job + "    steps:\n"
        f"      - name: Container image\n        run: {run}\n" + step
    )


def _lost(text: str) -> list[tuple[str, str, int, bool]]:
    return [("QG101", CI, line_of(text, "run:"), True)]


@pytest.mark.parametrize(
    ("where", "setting", "lost"),
    [
        ("", "", False),  # trivy exits 0 on findings: no check here
        ("step", "TRIVY_EXIT_CODE: 1", True),
        ("job", "TRIVY_EXIT_CODE: '1'", True),
        ("top", "TRIVY_EXIT_CODE: 1", True),
        ("step", "TRIVY_EXIT_CODE: 0", False),
        ("step", "TRIVY_EXIT_CODE: ${{ inputs.fail }}", False),
        ("step", "TRIVY_SEVERITY: HIGH,CRITICAL", False),  # a filter, no threshold
    ],
)
def test_trivy_threshold_in_the_environment(
    tmp_path: Path, where: str, setting: str, lost: bool
) -> None:
    given = {"step": "step_env", "job": "job_env", "top": "top"}
    kwargs = {given[where]: setting} if where else {}
    text = _scan_job("trivy fs . || true", **kwargs)
    assert _audit(tmp_path / "p", {CI: text}) == (_lost(text) if lost else [])


@pytest.mark.parametrize(
    ("run", "lost"),
    [
        ("TRIVY_EXIT_CODE=1 trivy image app:1 || true", True),
        ("GRYPE_FAIL_ON_SEVERITY=high grype dir:. || true", True),
        # the container gets only what -e names; sudo resets the environment
        ("TRIVY_EXIT_CODE=1 docker run aquasec/trivy image app:1 || true", False),
        ("TRIVY_EXIT_CODE=1 sudo trivy image app:1 || true", False),
        # runs that scan nothing
        ("TRIVY_EXIT_CODE=1 trivy image --download-db-only || true", False),
        ("GRYPE_FAIL_ON_SEVERITY=high grype db update || true", False),
    ],
)
def test_scanner_threshold_given_to_the_command(
    tmp_path: Path, run: str, lost: bool
) -> None:
    text = _scan_job(run)
    assert _audit(tmp_path / "p", {CI: text}) == (_lost(text) if lost else [])


@pytest.mark.parametrize(
    ("name", "config", "run", "lost"),
    [
        ("trivy.yaml", "exit-code: 1\nseverity: [HIGH, CRITICAL]\n", "", True),
        ("trivy.yaml", "severity: [HIGH]\n", "", False),
        # told to read another file, trivy leaves trivy.yaml alone
        ("trivy.yaml", "exit-code: 1\n", "trivy fs --config ci.yaml . || true", False),
        (".grype.yaml", "fail-on-severity: high\n", "grype dir:. || true", True),
        (
            ".grype/config.yaml",
            "fail-on-severity: critical\n",
            "grype dir:. || true",
            True,
        ),
        (".grype.yaml", "only-fixed: true\n", "grype dir:. || true", False),
    ],
)
def test_scanner_threshold_in_its_config_file(
    tmp_path: Path, name: str, config: str, run: str, lost: bool
) -> None:
    text = _scan_job(run or "trivy fs . || true")
    found = _audit(tmp_path / "p", {CI: text, name: config})
    assert found == (_lost(text) if lost else [])


def test_a_threshold_the_config_file_turns_off(tmp_path: Path) -> None:
    """``exit-code: 0`` written in trivy.yaml turns the scan's failure off (QG106)."""
    text = _scan_job("trivy fs . || true")
    found = _audit(tmp_path / "p", {CI: text, "trivy.yaml": "exit-code: 0\n"})
    assert found == [("QG106", CI, line_of(text, "trivy fs"), True)]


def test_a_config_file_behind_a_link_is_not_read(tmp_path: Path) -> None:
    """A ``trivy.yaml`` linking out of the repository is not read (resolved first)."""
    outside = tmp_path / "outside.yaml"
    outside.write_text("exit-code: 1\n")
    text = _scan_job("trivy fs . || true")
    project = tmp_path / "p"
    project.mkdir()
    (project / "trivy.yaml").symlink_to(outside)
    assert gate_rules(audit_project(project, {CI: text})) == []


def test_an_environment_threshold_overrides_the_file(tmp_path: Path) -> None:
    text = _scan_job("trivy fs . || true", step_env="TRIVY_EXIT_CODE: 0")
    assert _audit(tmp_path / "p", {CI: text, "trivy.yaml": "exit-code: 1\n"}) == []


def test_a_threshold_outside_the_command_line_is_no_report(tmp_path: Path) -> None:
    """A step named for a report still runs a check when the threshold is set."""
    text = _scan_job("trivy fs . || true", step_env="TRIVY_EXIT_CODE: 1")
    text = text.replace("Container image", "Vulnerability report")
    assert _audit(tmp_path / "p", {CI: text}) == _lost(text)


def _trivy_action(config: str, exit_code: str = "") -> str:
    given = f"            exit-code: '{exit_code}'\n" if exit_code else ""
    given += f"            trivy-config: {config}\n" if config else ""
    return (
        _scan_job("make image")
        + "      - uses: aquasecurity/trivy-action@0.28.0\n"
        + "        continue-on-error: true\n"
        + "        with:\n          scan-type: fs\n"
        + given.replace("            ", "          ")
    )


@pytest.mark.parametrize(
    ("config", "file", "exit_code", "gate"),
    [
        ("trivy.yaml", "exit-code: 1\n", "", True),
        ("./trivy.yaml", "exit-code: 1\n", "", True),
        ("", "exit-code: 1\n", "", False),  # the action's run reads no file
        ("../trivy.yaml", "exit-code: 1\n", "", False),  # outside the project
        ("trivy.yaml", "exit-code: 1\n", "1", True),
    ],
)
def test_trivy_action_reads_its_threshold_from_trivy_config(
    tmp_path: Path, config: str, file: str, exit_code: str, gate: bool
) -> None:
    text = _trivy_action(config, exit_code)
    rules = _audit(tmp_path / "p", {CI: text, "trivy.yaml": file})
    expected = [("QG105", CI, line_of(text, "continue-on-error"), True)]
    assert rules == (expected if gate else [])


def test_trivy_action_whose_config_turns_the_threshold_off(tmp_path: Path) -> None:
    """``exit-code: 0`` written in the ``trivy-config:`` file: QG106 at that input."""
    text = _trivy_action("trivy.yaml", "")
    rules = _audit(tmp_path / "p", {CI: text, "trivy.yaml": "exit-code: 0\n"})
    assert rules == [("QG106", CI, line_of(text, "trivy-config"), True)]


@pytest.mark.parametrize(("config", "lost"), [("exit-code: 1\n", True), ("", False)])
def test_scanner_threshold_file_reaches_make_recipes(
    tmp_path: Path, config: str, lost: bool
) -> None:
    files = {"Makefile": "image:\n\t-trivy fs .\n", CI: _scan_job("make image")}
    found = _audit(tmp_path / "p", {**files, "trivy.yaml": config})
    assert found == ([("QG101", "Makefile", 2, True)] if lost else [])


# ---- a script handed to another shell: script -c, nix-shell, su, ssh ---------

_QEMU = (
    "docker run --rm -v $PWD:/w img /bin/script {e}-q -c "
    "\"/bin/bash -eo pipefail -c 'cd /w && pytest{rest}'\" /dev/null"
)


def _block(run: str) -> str:
    """Return a job whose one step runs ``run`` as a block scalar."""
    return _scan_job("|\n          " + run)


@pytest.mark.parametrize(
    ("e", "rest", "rule"),
    [
        ("-e ", "", None),  # --return: the container exits with pytest's status
        ("-e ", " || true", "QG101"),  # lost three programs deep
        ("", "", "QG117"),  # script without -e exits 0 whatever pytest returned
    ],
)
def test_a_script_in_script_in_a_container(
    tmp_path: Path, e: str, rest: str, rule: str | None
) -> None:
    text = _block(_QEMU.format(e=e, rest=rest))
    expected = [(rule, CI, line_of(text, "docker run"), True)] if rule else []
    assert _audit(tmp_path / "p", {CI: text}) == expected
    # the real util-linux script: its own status is pytest's with -e only
    inner = _QEMU.format(e=e, rest=rest).split(" img ", 1)[1].replace("/w", ".")
    status = run_failing(tmp_path, ["bash", "-c"], inner)
    assert (status == 0) is (rule is not None)


@pytest.mark.parametrize(
    ("run", "rule"),
    [
        ("nix-shell --run 'pytest || true'", "QG101"),
        ("nix-shell --command 'pytest; echo done'", "QG104"),
        ("nix-shell --run 'pytest'", None),
        ("nix-shell --run 'echo pytest || true'", None),
        ("su -c 'pytest || true' ci", "QG101"),
        ("su ci -c 'cd app && pytest; echo done'", "QG104"),
        ("ssh -p 2222 -i key ci@host 'cd app && pytest || true'", "QG101"),
        ("ssh host pytest || true", "QG101"),
        ("ssh -o BatchMode=yes host 'cd app && pytest'", None),
        # a deploy's remote commands are no check
        ("ssh host 'cd app && git pull && systemctl restart app || true'", None),
    ],
)
def test_a_script_another_program_runs_in_a_shell(
    tmp_path: Path, run: str, rule: str | None
) -> None:
    text = _block(run)
    expected = [(rule, CI, line_of(text, run[:8]), True)] if rule else []
    assert _audit(tmp_path / "p", {CI: text}) == expected


def _ssh_action(script: str, name: str = "Deploy", extra: str = "") -> str:
    text = _scan_job("make image") + (
        f"      - name: {name}\n        uses: appleboy/ssh-action@v1.2.0\n"
        f"        with:\n          host: example.org\n{extra}          script: |\n"
    )
    return text + "".join(f"            {line}\n" for line in script.splitlines())


@pytest.mark.parametrize(
    ("script", "name", "extra", "rule"),
    [
        # the remote shell runs without -e: only the last command decides
        ("cd app\npytest\necho deployed", "Deploy", "", "QG104"),
        ("cd app\npytest || true", "Deploy", "", "QG101"),
        ("set -e\ncd app\npytest\necho deployed", "Deploy", "", None),
        (
            "cd app\npytest\necho deployed",
            "Deploy",
            "          script_stop: true\n",
            None,
        ),
        # a deploy's own commands are no check, lost or not
        ("cd app\ngit pull\ndocker compose up -d\necho deployed", "Deploy", "", None),
        ("cd app\n./migrate.sh\necho deployed", "Deploy", "", None),
    ],
)
def test_ssh_action_script_runs_without_errexit(
    tmp_path: Path, script: str, name: str, extra: str, rule: str | None
) -> None:
    text = _ssh_action(script, name, extra)
    expected = [(rule, CI, line_of(text, "pytest"), True)] if rule else []
    assert _audit(tmp_path / "p", {CI: text}) == expected
    # the real shell, as the remote one runs the script: no -e, last decides
    (tmp_path / "app").mkdir()
    status = run_failing(tmp_path, ["sh", "-c"], script)
    if "pytest" in script and "||" not in script:
        assert (status == 0) is ("set -e" not in script)


@pytest.mark.parametrize("how", ["ssh", "action"])
def test_remote_commands_check_by_their_own_name_only(tmp_path: Path, how: str) -> None:
    """A step named for checking does not make a remote restart a check."""
    script = "systemctl restart app || true"
    if how == "ssh":
        text = _block(f"ssh deploy@example.org '{script}'")
    else:
        text = _ssh_action(script)
    text = text.replace("Container image", "Verify").replace("Deploy", "Verify")
    assert _audit(tmp_path / "p", {CI: text}) == []
    lost = text.replace("systemctl restart app", "pytest")
    rules = _audit(tmp_path / "q", {CI: lost})
    assert [r for r, _, _, _ in rules] == ["QG101"]


def test_autopep8_run_as_its_own_script(tmp_path: Path) -> None:
    """``./autopep8.py --diff`` is autopep8 itself (its module run as a script)."""
    make = "check:\n\tflake8 src\n\t./autopep8.py --diff src/app.py\n"
    rules = _audit(tmp_path / "p", {"Makefile": make, CI: _lint_step("make check")})
    assert rules == [("QG106", "Makefile", 3, True)]
    fixed = make.replace("--diff", "--diff --exit-code")
    assert (
        _audit(tmp_path / "q", {"Makefile": fixed, CI: _lint_step("make check")}) == []
    )


# ---- detect-secrets scan in a nox session named for checking ----------------

_NOX = '''import nox


@nox.session()
def {name}(session):
    """{doc}"""
    session.install("detect-secrets")
    session.run("detect-secrets", "scan", "--baseline", ".secrets.baseline")
{after}'''


@pytest.mark.parametrize(
    ("name", "doc", "after", "note"),
    [
        ("secrets", "Check for accidentally committed secrets.", "", True),
        ("secrets", "", "", True),  # named for what it scans, as a step
        ("refresh", "", "", False),  # named for no check
        ("baseline", "Update the secrets baseline.", "", False),
        # the baseline compared after the scan: the check can fail
        (
            "secrets",
            "Check for secrets.",
            '    session.run("git", "diff", "--exit-code", ".secrets.baseline")\n',
            False,
        ),
    ],
)
def test_detect_secrets_scan_in_a_nox_session(
    tmp_path: Path, name: str, doc: str, after: str, note: bool
) -> None:
    text = _NOX.format(name=name, doc=doc, after=after)
    found = audit_project(
        tmp_path / "p" if (tmp_path / "p").mkdir() else tmp_path / "p",
        {"noxfile.py": text},
    )
    rules = [(r, p, ln, failing) for r, p, ln, failing, _ in found]
    line = line_of(text, '"scan"')
    assert rules == ([("QG106", "noxfile.py", line, False)] if note else [])
