"""The actions' cached install: keys, and when a restored environment is kept."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HOOKS, REPO
from quality_gates.ci import suite_env
from quality_gates.tools.base import CONFIG_FILES


def installed(venv: Path) -> None:
    """Make ``venv`` with quality_gates importable, as pip would record it.

    A ``.pth`` file names this checkout's package, and a distribution's
    RECORD lists it with its hash, so ``env_verify`` finds nothing amiss.
    """
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True
    )
    site = next(venv.glob("lib/python3*/site-packages"))
    pth = site / "qg.pth"
    pth.write_text(str(HOOKS) + "\n")
    digest = base64.urlsafe_b64encode(hashlib.sha256(pth.read_bytes()).digest())
    (site / "qg-0.dist-info").mkdir()
    (site / "qg-0.dist-info" / "RECORD").write_text(
        f"qg.pth,sha256={digest.rstrip(b'=').decode()},{pth.stat().st_size}\n"
        "qg-0.dist-info/RECORD,,\n"
    )


def keys_of(project: Path, **env: str) -> dict[str, str]:
    """Run the keys step as the action does: from the checkout, site-packages off."""
    proc = subprocess.run(
        [sys.executable, "-S", "-m", "quality_gates.ci.suite_env", "keys"]
        + ["--python", sys.executable, "--suite", str(REPO), "--project", str(project)],
        env={**os.environ, "PYTHONPATH": str(HOOKS), "GITHUB_OUTPUT": "", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    text = proc.stdout.replace("<<QG_EOF\n", "=").replace("\nQG_EOF\n", "\n")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        else:
            out[name] += "\n" + line
    return out


def test_keys_need_the_standard_library_only_and_change_with_what_they_hold(
    tmp_path: Path,
) -> None:
    run = {"GITHUB_SHA": "abc", "GITHUB_RUN_ID": "7", "GITHUB_RUN_ATTEMPT": "1"}
    first = keys_of(tmp_path, **run)
    assert first["results-key"].endswith("-abc-7-1")
    restore = first["results-restore-keys"].split("\n")
    assert len(restore) == 2 and all(
        first["results-key"].startswith(k) for k in restore
    )
    assert first["venv-key"].startswith(Path(first["venv-dir"]).name + "-")
    # another home, another folder: an environment cannot move, another key
    other = keys_of(tmp_path, **run, HOME=str(tmp_path / "elsewhere"))
    assert other["venv-key"] != first["venv-key"]
    again = keys_of(tmp_path, **{**run, "GITHUB_RUN_ID": "8"})
    assert again["venv-key"] == first["venv-key"]
    assert again["results-key"] != first["results-key"]
    (tmp_path / "setup.cfg").write_text("[flake8]\nmax-line-length = 100\n")
    config = keys_of(tmp_path, **run)
    assert config["venv-key"] == first["venv-key"]
    assert not config["results-key"].startswith(restore[0])
    assert config["results-key"].startswith(restore[1])  # restores across the change


def test_the_suite_digest_follows_the_suites_files(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    (suite / "hooks" / "quality_gates").mkdir(parents=True)
    (suite / "pyproject.toml").write_text("[project]\n")
    module = suite / "hooks" / "quality_gates" / "x.py"
    module.write_text("A = 1\n")
    before = suite_env.suite_digest(suite)
    (suite / "hooks" / "quality_gates" / "__pycache__").mkdir()
    (suite / "hooks" / "quality_gates" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert suite_env.suite_digest(suite) == before
    module.write_text("A = 2\n")
    assert suite_env.suite_digest(suite) != before


@pytest.mark.parametrize(
    ("stamp", "kept"),
    [
        pytest.param("same", True, id="this suite, this folder"),
        pytest.param("other-suite", False, id="another suite"),
        pytest.param("moved", False, id="another folder"),
        pytest.param(None, False, id="no stamp"),
    ],
)
def test_a_restored_environment_is_kept_only_when_its_stamp_matches(
    tmp_path: Path, stamp: str | None, kept: bool
) -> None:
    venv = tmp_path / "venv"
    installed(venv)  # quality_gates importable, every file in a RECORD
    text = suite_env.stamp_text(REPO, venv)
    if stamp == "other-suite":
        text = "0" * 16 + text[16:]
    elif stamp == "moved":
        text = text.split("\n")[0] + f"\n{tmp_path / 'elsewhere'}\n"
    if stamp is not None:
        (venv / suite_env.STAMP).write_text(text)
    assert suite_env.usable(venv, REPO) is kept


def test_every_config_file_an_adapter_reads_moves_the_results_key(
    tmp_path: Path,
) -> None:
    """A changed .flake8, mypy.ini, ... must not restore results made under the old."""
    before = keys_of(tmp_path)["results-key"]
    for name in CONFIG_FILES:
        (tmp_path / name).write_text("# changed\n")
        after = keys_of(tmp_path)["results-key"]
        assert after != before, name
        before = after


@pytest.mark.parametrize("extra", ["", "audit"])
def test_install_without_a_folder_uses_this_machines_environment(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: str,
) -> None:
    """The actions but quality-gate name no folder: venv-dir, kept when usable.

    security-scan's environment has the audit extra: a folder of its own.
    """
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GITHUB_OUTPUT", "")
    venv = suite_env.venv_dir(REPO, sys.executable, extra)
    assert venv.parent == tmp_path / ".cache" / "quality-gates-actions"
    plain = suite_env.venv_dir(REPO, sys.executable)
    assert (venv == plain) is (not extra) and venv.name.endswith(extra)
    installed(venv)
    (venv / suite_env.STAMP).write_text(suite_env.stamp_text(REPO, venv))
    argv = ["install", "--python", sys.executable, "--suite", str(REPO)]
    assert suite_env.main(argv + (["--extra", extra] if extra else [])) == 0
    out = capsys.readouterr().out
    assert f"environment in {venv} ready; nothing to install" in out
    assert f"installed=false\nvenv-dir={venv}\n" in out
    assert suite_env.keys(REPO, tmp_path, sys.executable)["venv-dir"] == str(plain)
    found = suite_env.keys(REPO, tmp_path, sys.executable, extra=extra)
    assert found["venv-dir"] == str(venv)
    assert found["venv-key"].startswith(f"{venv.name}-")
    assert found["venv-ready"] == "true"  # the cache step is skipped
    shutil.rmtree(venv)
    assert (
        suite_env.keys(REPO, tmp_path, sys.executable, extra=extra)["venv-ready"]
        == "false"
    )


def fake_suite_venv(venv: Path) -> None:
    """Make a usable suite environment without pip: quality_gates from the checkout."""
    installed(venv)  # every file in a RECORD, as env_verify checks
    (venv / suite_env.STAMP).write_text(suite_env.stamp_text(REPO, venv))


def test_parallel_jobs_restoring_one_environment_unpack_it_once_under_the_lock(
    tmp_path: Path,
) -> None:
    """Unpack once: four jobs of one machine, each with the archive in its own folder.

    One unpacks it into the shared folder, the others wait and use it.
    (Restored straight into the shared folder, a job unpacked over the one
    another job was running: one shard's report was lost.)
    """
    venv = tmp_path / "home" / "venv"
    fake_suite_venv(venv)
    archives = [tmp_path / f"job{i}" / "quality-gates-suite-env" for i in range(4)]
    for archive in archives:
        suite_env._pack(venv, archive)
    shutil.rmtree(venv)
    script = (
        "import subprocess, sys; from quality_gates.ci import suite_env;"
        " code = suite_env.main(sys.argv[1:]);"
        " sys.exit(code or subprocess.run([sys.argv[5] + '/bin/python', '-c',"
        " 'import quality_gates']).returncode)"
    )
    jobs = [
        subprocess.Popen(
            [sys.executable, "-c", script, "install", "--python", sys.executable]
            + ["--venv", str(venv), "--suite", str(REPO), "--archive", str(archive)],
            env={**os.environ, "PYTHONPATH": str(HOOKS), "GITHUB_OUTPUT": ""},
            stdout=subprocess.PIPE,
            text=True,
        )
        for archive in archives
    ]
    said = [job.communicate()[0] for job in jobs]
    assert [job.returncode for job in jobs] == [0, 0, 0, 0], said
    unpacked = [s for s in said if "environment restored into" in s]
    ready = [s for s in said if "ready; nothing to install" in s]
    assert (len(unpacked), len(ready)) == (1, 3), said
    assert all("installed=false" in s for s in said)
    assert suite_env.usable(venv, REPO)


def test_an_unusable_archive_is_not_kept(tmp_path: Path) -> None:
    """A truncated archive, or one of another suite, leaves the folder to a build."""
    venv = tmp_path / "venv"
    fake_suite_venv(venv)
    archive = tmp_path / "archive"
    suite_env._pack(venv, archive)
    shutil.rmtree(venv)
    tar = archive / suite_env.ARCHIVE
    tar.write_bytes(tar.read_bytes()[:1000])
    assert suite_env._unpack(archive, venv, REPO) is False
    fake_suite_venv(venv)
    (venv / suite_env.STAMP).write_text("0" * 16 + "\n" + str(venv) + "\n")
    suite_env._pack(venv, archive)
    assert suite_env._unpack(archive, venv, REPO) is False
    assert suite_env._unpack(tmp_path / "no-archive", venv, REPO) is False
