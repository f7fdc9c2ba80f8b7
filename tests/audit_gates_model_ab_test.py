"""audit-gates on checks run through wrappers and containers.

Not blind: built from what each wrapper documents about its exit status.
``timeout``, ``env``, ``nice``, ``stdbuf``, ``ionice``, ``sudo``,
``xvfb-run``, ``docker run|exec``, ``docker compose run|exec`` exit with the
status of the command they run, so the check is that command, seen through
the wrapper's own options; util-linux ``script -c`` exits 0 whatever its
command returns unless given ``-e``.  Where the program is here, real bash
runs it with a failing checker on the PATH.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from audit_gates_model_test import audit_project, gate_rules, line_of
from failing_checkers import run_failing
from quality_gates.guards.integrity import gatecmd
from workflow_yaml import workflow

CI = ".github/workflows/ci.yml"


def _audit(tmp_path: Path, script: str) -> list[tuple[str, str, int, bool]]:
    text = workflow("- name: check\n  run: |\n" + textwrap.indent(script, "    "))
    tmp_path.mkdir(parents=True, exist_ok=True)
    return gate_rules(audit_project(tmp_path, {CI: text}))


def _line(script: str) -> int:
    text = workflow("- name: check\n  run: |\n" + textwrap.indent(script, "    "))
    return line_of(text, script.splitlines()[0])


def _exit_status(tmp_path: Path, script: str) -> int:
    """Run ``script`` as GitHub runs a step (bash -e) with a failing pytest."""
    bash = ["bash", "--noprofile", "--norc", "-e"]
    return run_failing(tmp_path, bash, script, code=3)


# ---- wrappers that pass the status on: real programs ------------------------

_REAL = ["timeout 600", "timeout -k 10 600", "env -u HOME", "env CI=1", "nice -n 5"]
_REAL += ["stdbuf -oL -eL", "ionice -c 3"]


def _program(wrapper: str) -> str:
    return wrapper.split()[0]


@pytest.mark.parametrize("wrapper", _REAL)
def test_a_wrapper_passes_the_status_on(tmp_path: Path, wrapper: str) -> None:
    """`WRAPPER pytest` fails with pytest: silent; behind `|| true` it is lost."""
    if shutil.which(_program(wrapper)) is None:
        pytest.skip(f"no {_program(wrapper)} here")
    honest = f"{wrapper} pytest\n"
    assert _exit_status(tmp_path, honest) == 3
    assert _audit(tmp_path / "a", honest) == []
    lost = f"{wrapper} pytest || true\n"
    assert _exit_status(tmp_path, lost) == 0
    assert _audit(tmp_path / "b", lost) == [("QG101", CI, _line(lost), True)]


@pytest.mark.parametrize("wrapper", _REAL)
def test_a_wrapped_shell_is_read_as_its_script(tmp_path: Path, wrapper: str) -> None:
    """`WRAPPER bash -c "pytest; echo ok"`: echo's status; `bash -ec` fails."""
    if shutil.which(_program(wrapper)) is None:
        pytest.skip(f"no {_program(wrapper)} here")
    lost = f'{wrapper} bash -c "pytest; echo ok"\n'
    assert _exit_status(tmp_path, lost) == 0
    assert _audit(tmp_path / "a", lost) == [("QG104", CI, _line(lost), True)]
    honest = f'{wrapper} bash -ec "pytest; echo ok"\n'
    assert _exit_status(tmp_path, honest) == 3
    assert _audit(tmp_path / "b", honest) == []


# ---- containers and wrappers not installed here: by their documentation -----

_DOCUMENTED = [
    "docker run --rm -e CI=1 -v $PWD:/src -w /src python:3.12",
    "docker run --rm -it --entrypoint= -u 1000 python:3.12",
    "podman run --rm --network host img",
    "docker exec -e CI=1 -u ci builder",
    "docker compose -f ci.yml run --rm -e CI=1 app",
    "docker compose exec -T app",
    "docker-compose run --rm app",
    "sudo -E -u ci",
    "xvfb-run -a -s '-screen 0 1024x768x24'",
    "catchsegv",
    "nix develop .#ci -c",
    "nix shell nixpkgs#python3 --command",
]


@pytest.mark.parametrize("wrapper", _DOCUMENTED)
def test_a_container_runs_its_command(tmp_path: Path, wrapper: str) -> None:
    """The command in the container decides: its shell script is walked."""
    lost = f'{wrapper} bash -c "pytest; echo ok"\n'
    assert _audit(tmp_path / "a", lost) == [("QG104", CI, _line(lost), True)]
    honest = f'{wrapper} bash -ec "pytest; echo ok"\n'
    assert _audit(tmp_path / "b", honest) == []
    assert _audit(tmp_path / "c", f"{wrapper} pytest\n") == []


@pytest.mark.parametrize(
    ("tokens", "key"),
    [
        ("docker run --rm -v a:/b -w /b python:3.12 pytest -x", "pytest"),
        ("docker compose -p ci run --rm -e X=1 web pytest -x", "pytest"),
        ("sudo -u ci -E nice -n 5 xvfb-run -a pytest -x", "pytest"),
        ("timeout -s KILL -k 5 60 pytest -x", "pytest"),
        ("env -u HOME -C /src pytest -x", "pytest"),
        ("nix develop --impure -c pytest -x", "pytest"),
    ],
)
def test_the_key_is_the_inner_check(tokens: str, key: str) -> None:
    """A re-run through another wrapper is the same check (twin logic)."""
    assert gatecmd.strip_wrappers(tokens.split())[:2] == [key, "-x"]
    assert gatecmd.gate_key(tokens.split()) == gatecmd.gate_key([key, "-x"])


@pytest.mark.parametrize(
    "tokens",
    [
        "docker run -d img pytest",  # detached: exits 0 at once
        "docker run --detach img pytest",
        "docker build -t x .",
        "docker run --rm img",  # the image's own command
    ],
)
def test_not_seen_through(tokens: str) -> None:
    assert gatecmd.strip_wrappers(tokens.split()) == tokens.split()


def test_other_commands_stay_in_their_container(tmp_path: Path) -> None:
    """`docker compose exec db createdb ... || true` sets up, whatever the step."""
    words = "docker compose exec -T db createdb -U odoo app".split()
    assert gatecmd.strip_wrappers(words) == words
    script = "docker compose exec -T db createdb -U odoo app || true\n"
    text = workflow(
        "- name: Ensure database exists\n  run: |\n" + textwrap.indent(script, "    ")
    )
    (tmp_path / "a").mkdir()
    assert gate_rules(audit_project(tmp_path / "a", {CI: text})) == []


def test_a_checker_image_keeps_its_name() -> None:
    words = "docker run --rm -i hadolint/hadolint".split()
    assert gatecmd.strip_wrappers(words) == ["hadolint"]
    assert gatecmd.named_gate(words)


# ---- script -c: exits 0 unless -e ------------------------------------------


@pytest.mark.parametrize(
    ("options", "lost"),
    [("-q -c", True), ("-qc", True), ("-e -q -c", False), ("-qec", False)],
)
def test_script_c_loses_the_status_without_e(
    tmp_path: Path, options: str, lost: bool
) -> None:
    """util-linux `script -c CMD` exits 0 whatever CMD returns; `-e` returns it."""
    script = f'script {options} "pytest tests" /dev/null\n'
    if shutil.which("script") is not None:
        assert (_exit_status(tmp_path, script) == 0) is lost
    found = _audit(tmp_path / "a", script)
    assert found == ([("QG117", CI, _line(script), True)] if lost else [])


def test_script_c_of_no_check_is_silent(tmp_path: Path) -> None:
    assert _audit(tmp_path, 'script -q -c "echo hi" /dev/null\n') == []


@pytest.mark.parametrize(
    ("script", "lost"),
    [
        ("npm --prefix web run test || true", True),
        ("npm --prefix web test || true", True),
        ("pnpm -C web run lint || true", True),
        ("yarn --cwd web test || true", True),
        ("npm --prefix web test", False),
        ("npm --prefix web install || true", False),
    ],
)
def test_a_package_manager_in_another_directory(
    tmp_path: Path, script: str, lost: bool
) -> None:
    """`npm --prefix DIR test`: DIR is the option's value, `test` the verb."""
    found = _audit(tmp_path, script + "\n")
    assert found == ([("QG101", CI, _line(script), True)] if lost else [])
