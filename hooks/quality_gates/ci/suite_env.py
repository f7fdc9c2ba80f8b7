"""The actions' cached install: cache keys, and the suite's environment made once.

These steps run before the suite is installed, so they run from the action's
checkout (``PYTHONPATH=$GITHUB_ACTION_PATH/../../hooks python -m
quality_gates.ci.suite_env ...``) and use the standard library only.

``keys`` writes the step outputs the ``actions/cache`` steps use:

- ``venv-key``: the suite's environment, by OS, architecture, Python (version
  and interpreter path) and the suite's own files (its rev, as content), and
  ``venv-dir``, where it lives (``venv_home``);
- ``results-key``: the result cache and mypy's, by OS, Python, the suite and
  the project's config files, plus the commit and run (a new entry per run,
  since a saved key is never overwritten);
- ``results-restore-keys``: the same without the run, then without the config,
  so a pull request starts from the newest cache of its base branch.

``install`` keeps a restored environment only when its stamp names the same
suite digest and folder (a virtual environment cannot move) and its Python
runs; otherwise it builds it anew.  Restored results are then read through the
same keys and checksums as local ones.  Without ``--venv``, install uses
``venv-dir`` with no cache step around it (coverage-gate, docs-deploy, and
security-scan with ``--extra audit``): jobs on one machine (a self-hosted
runner) share one environment, others install.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import platform
import shutil
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

# stdlib only, like every module this one imports (a test runs it with -S)
from quality_gates.ci import env_verify, installers
from quality_gates.config_files import CONFIG_FILES
from quality_gates.escape import terminal
from quality_gates.escape.terminal import say

STAMP = ".quality-gates-suite"
HOOKS_CONFIG = ".pre-commit-config.yaml"


def digest_files(root: Path, names: Sequence[str]) -> str:
    """Hash the names and contents of ``names`` under ``root`` (missing: name only)."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0")
        path = root / name
        if path.is_file():
            digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def suite_digest(suite: Path) -> str:
    """Hash what an install of the suite is made of: pyproject.toml and the package.

    Only the package's folder: building it writes ``*.egg-info`` beside it.
    """
    names = ["pyproject.toml"]
    for path in sorted((suite / "hooks" / "quality_gates").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            names.append(path.relative_to(suite).as_posix())
    return digest_files(suite, names)


def python_tag(python: str) -> str:
    """Return ``py3.12.4-<hash of the interpreter's path>`` for the keys."""
    version = subprocess.run(  # nosec B603
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    where = hashlib.sha256(str(Path(python).resolve()).encode()).hexdigest()[:8]
    return f"py{version}-{where}"


def keys(
    suite: Path,
    project: Path,
    python: str,
    part: str = "",
    extra: str = "",
    hooks: bool = False,
) -> dict[str, str]:
    """Return the cache keys of the suite's environment and of the results.

    ``part`` tells apart jobs of one run that save their own results (shards);
    ``extra`` names the environment with that extra (security-scan's audit);
    ``hooks`` one with the project's hooks' additional_dependencies (the
    quality-gate action's, named for the project's pre-commit config).
    ``venv-archive`` is where the cache step restores the environment to: a
    folder of this job's own, never the shared environment itself (see
    ``install``); ``venv-ready`` says this machine already has a usable one.
    """
    runner, arch = _machine()
    py = python_tag(python)
    code = suite_digest(suite)
    prefix = f"quality-gates-results-{runner}-{arch}-{py}-{code}-"
    name = _venv_name(runner, arch, py, code + (hooks_digest(project) if hooks else ""))
    venv = venv_home() / (f"{name}-{extra}" if extra else name)
    return {
        # the folder too: an environment cannot move, so one made under another
        # home (another user of a self-hosted machine) is never restored here
        "venv-key": f"{venv.name}-{_short_hash(str(venv.parent))}",
        "venv-dir": str(venv),
        "venv-archive": str(archive_dir()),
        "venv-ready": (
            "true" if usable(venv, suite, project if hooks else None) else "false"
        ),
        **_results_keys(prefix, digest_files(project, CONFIG_FILES), part),
        "suite-digest": code,
    }


def _results_keys(prefix: str, config: str, part: str) -> dict[str, str]:
    """Return this run's results key and the keys to restore from, nearest first.

    A run saves under its commit, run and attempt; it restores the newest
    results of the same config (and part), else of any config.
    """
    run = "-".join(
        os.environ.get(name, "0")
        for name in ("GITHUB_SHA", "GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT")
    )
    part = f"{part}-" if part else ""
    return {
        "results-key": f"{prefix}{config}-{part}{run}",
        "results-restore-keys": "\n".join(
            dict.fromkeys([f"{prefix}{config}-{part}", f"{prefix}{config}-", prefix])
        ),
    }


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def hooks_digest(project: Path) -> str:
    """``-hooks<hash>`` of the project's pre-commit config, "" without one.

    The environment holds the suite's hooks' additional_dependencies from it
    (see ``install``), so a project's environment is its own.
    """
    if not (project / HOOKS_CONFIG).is_file():
        return ""
    return "-hooks" + digest_files(project, [HOOKS_CONFIG])[:8]


def _machine() -> tuple[str, str]:
    return (
        os.environ.get("RUNNER_OS") or platform.system(),
        os.environ.get("RUNNER_ARCH") or platform.machine(),
    )


def venv_dir(suite: Path, python: str, extra: str = "") -> Path:
    """Return the folder of the suite's environment for ``python`` (``venv-dir``).

    An environment with an extra (security-scan's ``audit``) is another folder.
    """
    runner, arch = _machine()
    name = _venv_name(runner, arch, python_tag(python), suite_digest(suite))
    return venv_home() / (f"{name}-{extra}" if extra else name)


def _venv_name(runner: str, arch: str, py: str, code: str) -> str:
    return f"quality-gates-venv-{runner}-{arch}-{py}-{code}"


def venv_home() -> Path:
    """Where the actions keep the suite's environments: a path the same on every run.

    A virtual environment cannot move, and ``$RUNNER_TEMP`` is not the same
    folder everywhere (act makes a new one per run); the home folder is.
    """
    return Path.home() / ".cache" / "quality-gates-actions"


def archive_dir() -> Path:
    """Where this job's cache step restores the environment's archive.

    ``$RUNNER_TEMP`` is this job's own folder (and the same path on every
    hosted runner, as actions/cache needs to find the entry again).
    """
    temp = os.environ.get("RUNNER_TEMP") or tempfile.gettempdir()
    return Path(temp) / "quality-gates-suite-env"


def stamp_text(
    suite: Path, venv: Path, digest: str = "", project: Path | None = None
) -> str:
    """Return what a usable environment's stamp says: suite digest and folder."""
    hooks = hooks_digest(project) if project is not None else ""
    return f"{digest or suite_digest(suite)}{hooks}\n{venv.resolve()}\n"


def usable(venv: Path, suite: Path, project: Path | None = None) -> bool:
    """Tell whether an environment is this suite's, here, as installed, and runs.

    Shared by a machine's jobs (or restored from the cache), it is checked file
    by file against what pip installed (``env_verify``) before it is trusted;
    a difference is said, and the environment is made again.
    """
    try:
        if (venv / STAMP).read_text() != stamp_text(suite, venv, project=project):
            return False
    except OSError:
        return False
    return _as_installed(venv) and _runs(venv)


def _as_installed(venv: Path) -> bool:
    """Check every file against its RECORD; drop compiled files (env_verify)."""
    start = time.perf_counter()
    differs = env_verify.problems(venv)
    if differs:
        say(
            f"quality-gates: the environment in {venv} differs from what pip "
            f"installed ({'; '.join(differs)}): not trusted, installing it again"
        )
        return False
    env_verify.drop_bytecode(venv)
    say(
        f"quality-gates: environment in {venv} checked against its RECORD files "
        f"in {time.perf_counter() - start:.2f} s"
    )
    return True


def _runs(venv: Path) -> bool:
    check = [str(venv / "bin" / "python"), "-c", "import quality_gates"]
    quiet = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        proc = subprocess.run(  # nosec B603
            check, capture_output=True, check=False, env=quiet
        )
        return proc.returncode == 0
    except OSError:
        return False


def install(
    python: str,
    venv: Path,
    suite: Path,
    extra: str = "",
    archive: Path | None = None,
    project: Path | None = None,
) -> bool:
    """Make the suite's environment unless a usable one is there; True if made.

    With ``project``, the suite's hooks' additional_dependencies of its
    pre-commit config go in too, as pre-commit puts them in the hook's
    environment: mypy in CI sees what it sees in the hook (``hook_deps``).
    Jobs on one machine (a self-hosted runner, parallel act runs) share the
    folder: a lock makes one of them build it while the others wait and use it.
    The actions cache restores an archive into each job's own ``archive``
    folder, never into the shared folder, where a job may be running the
    suite: it is unpacked here, under the same lock.  A new environment is
    archived there for the cache to save.
    """
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{venv}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if usable(venv, suite, project):
            say(f"quality-gates: environment in {venv} ready; nothing to install")
            return False
        if archive is not None and _unpack(archive, venv, suite, project):
            return False
        _install(python, venv, suite, extra, project)
        if archive is not None:
            _pack(venv, archive)
        return True


def _hook_dependencies(venv: Path, project: Path) -> list[str]:
    """Ask the installed suite for the project's hook dependencies (it has YAML)."""
    listed = subprocess.run(  # nosec B603
        [str(venv / "bin" / "python"), "-m", "quality_gates.hook_deps", str(project)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in listed.splitlines() if line.strip()]


ARCHIVE = "env.tar"


def _unpack(
    archive: Path, venv: Path, suite: Path, project: Path | None = None
) -> bool:
    """Unpack a restored archive into ``venv``; True when that made it usable."""
    tar_path = archive / ARCHIVE
    if not tar_path.is_file():
        return False
    start = time.perf_counter()
    shutil.rmtree(venv, ignore_errors=True)
    try:
        with tarfile.open(tar_path) as tar:
            # the members are checked by _inside, and by the tar filter
            tar.extractall(venv, members=_inside(tar), filter="tar")  # nosec B202
    except (OSError, tarfile.TarError) as exc:
        say(f"quality-gates: the restored environment is unreadable ({exc})")
        return False
    if not usable(venv, suite, project):
        say("quality-gates: the restored environment is not usable here")
        return False
    seconds = time.perf_counter() - start
    say(f"quality-gates: environment restored into {venv} in {seconds:.1f} s")
    return True


def _inside(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Every member, checked to land inside the folder; anything else is refused.

    (The ``tar`` filter checks this too; the venv's own symlinks to the base
    interpreter are absolute, so the stricter ``data`` filter cannot be used.)
    """
    members = tar.getmembers()
    for member in members:
        parts = Path(member.name).parts
        if member.name.startswith("/") or ".." in parts:
            raise tarfile.TarError(f"{member.name}: outside the environment")
    return members


def _pack(venv: Path, archive: Path) -> None:
    """Archive the environment for the cache step to save (written atomically)."""
    archive.mkdir(parents=True, exist_ok=True)
    tmp = archive / f".{ARCHIVE}.{os.getpid()}"
    with tarfile.open(tmp, "w") as tar:
        tar.add(venv, arcname=".")
    os.replace(tmp, archive / ARCHIVE)


def _install(
    python: str, venv: Path, suite: Path, extra: str, project: Path | None
) -> None:
    digest = suite_digest(suite)  # before the build writes beside the package
    start = time.perf_counter()
    target = f"{suite}[{extra}]" if extra else str(suite)
    # no .pyc: a compiled file cannot be checked against its RECORD (env_verify)
    installer = installers.install(python, venv, target, venv_home())
    deps = _hook_dependencies(venv, project) if project is not None else []
    if deps:
        say(f"quality-gates: the hooks' additional_dependencies: {' '.join(deps)}")
        installers.add(installer, deps)
    differs = env_verify.problems(venv)
    if differs:  # what the installer took from its cache is not what it recorded
        raise OSError(
            f"the environment just installed in {venv} differs from its wheels' "
            f"RECORD ({'; '.join(differs)}): the installer's cache may have been "
            "tampered with; clear it (`uv cache clean`, `pip cache purge`)"
        )
    (venv / STAMP).write_text(stamp_text(suite, venv, digest, project))
    seconds = time.perf_counter() - start
    used = installer.name
    say(f"quality-gates: installed into {venv} with {used} in {seconds:.1f} s")


def write_outputs(values: dict[str, str]) -> None:
    """Append outputs to ``$GITHUB_OUTPUT`` (multi-line values as heredocs)."""
    lines = []
    for name, value in values.items():
        if "\n" in value:
            lines.append(f"{name}<<QG_EOF\n{value}\nQG_EOF\n")
        else:
            lines.append(f"{name}={value}\n")
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write("".join(lines))
    else:
        sys.stdout.write(terminal.lines("".join(lines).rstrip("\n").split("\n")))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m quality_gates.ci.suite_env")
    parser.add_argument("step", choices=("keys", "install"))
    parser.add_argument("--python", required=True, help="interpreter of the venv")
    parser.add_argument("--suite", required=True, help="the action's checkout")
    parser.add_argument(
        "--project",
        default=".",
        help="the project (keys; install: its hooks' additional_dependencies too)",
    )
    parser.add_argument(
        "--venv", default="", help="the environment (install; default: venv-dir)"
    )
    parser.add_argument("--part", default="", help="a shard's name (keys)")
    parser.add_argument(
        "--extra",
        default="",
        choices=("", "audit"),
        help="the suite with this extra (its own venv-dir and key)",
    )
    parser.add_argument(
        "--hooks",
        action="store_true",
        help="with the project's hooks' additional_dependencies (quality-gate)",
    )
    parser.add_argument(
        "--archive",
        default="",
        help="install: the folder the cache restored an archive to, and saves",
    )
    return parser


def _step(args: argparse.Namespace, suite: Path) -> dict[str, str]:
    """Run the chosen step; return its outputs."""
    if args.step == "keys":
        project = Path(args.project)
        return keys(suite, project, args.python, args.part, args.extra, args.hooks)
    venv = Path(args.venv or venv_dir(suite, args.python, args.extra))
    archive = Path(args.archive) if args.archive else None
    project_dir = Path(args.project).resolve() if args.hooks else None
    made = install(args.python, venv, suite, args.extra, archive, project_dir)
    return {"installed": "true" if made else "false", "venv-dir": str(venv)}


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``keys`` or ``install``; exit 2 with one line on an error."""
    args = _parser().parse_args(argv)
    try:
        write_outputs(_step(args, Path(args.suite).resolve()))
    except (OSError, subprocess.CalledProcessError) as exc:
        say(f"quality-gates: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
