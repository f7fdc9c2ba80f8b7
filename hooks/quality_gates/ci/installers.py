"""The actions' installer: uv where it builds what pip would, else pip.

Installing the suite into the actions' cached environment is pip's work on
about 30 wheels, and uv does the same work in a fraction of the time (see
BENCHMARKS.md, ``ci-install``).  uv is pinned (``UV``) like every tool here:
the runner's own ``uv`` when it is that version, else that version installed
with pip once per machine, beside the environments.

uv builds the same environment only when it reads the same packages under the
same constraints: pip's configuration (its environment variables and config
files, as ``pip config list`` shows them) is translated to uv's options, and a
setting uv has no equivalent for makes the install pip's.  Neither compiles
bytecode: a compiled file cannot be checked against its wheel's RECORD
(``env_verify``).  A uv that cannot be had, or that fails, leaves the install to
pip.  ``QUALITY_GATES_INSTALLER=pip`` (or ``uv``) chooses.

Standard library only: this runs before the suite is installed.
"""

from __future__ import annotations

import ast
import fcntl
import os
import shutil
import subprocess  # nosec B404 - fixed argument lists, never a shell
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from quality_gates.escape.terminal import say

UV = "0.13.9"
CHOICE = "QUALITY_GATES_INSTALLER"
# pip settings that change nothing in the environment built
IGNORED = frozenset(
    {
        "config-file",  # where the other settings came from: read already
        "no-compile",  # neither installer compiles here
        "disable-pip-version-check",
        "no-cache-dir",
        "progress-bar",
        "quiet",
        "verbose",
        "no-input",
        "retries",
        "root-user-action",
        "no-python-version-warning",
        "no-warn-script-location",
    }
)
TRUE = ("1", "true", "yes", "on")


def pip_settings(python: str) -> dict[str, str]:
    """Return pip's effective settings: its variables, then ``install``, ``global``."""
    proc = subprocess.run(  # nosec B603
        [python, "-m", "pip", "config", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_settings(proc.stdout)


def parse_settings(listing: str) -> dict[str, str]:
    """Read ``pip config list`` (``section.key='value'``), with pip's precedence."""
    found: dict[str, dict[str, str]] = {}
    for line in listing.splitlines():
        name, sep, value = line.partition("=")
        section, dot, key = name.rpartition(".")
        if not sep or not dot:
            continue
        text = ast.literal_eval(value) if value[:1] in ("'", '"') else value
        found.setdefault(section, {})[key] = str(text)
    merged: dict[str, str] = {}
    for section in ("global", "install", ":env:"):  # later wins, as in pip
        merged.update(found.get(section, {}))
    return merged


class NoEquivalent(Exception):
    """A pip setting uv has no equivalent for: pip installs."""


def uv_options(settings: Mapping[str, str]) -> tuple[list[str], dict[str, str]]:
    """Translate pip's settings to uv's arguments and variables (or NoEquivalent)."""
    # pip picks the best version across every index; uv, unless told, the first
    args, env = ["--index-strategy", "unsafe-best-match"], {}
    for key, value in sorted(settings.items()):
        if key in IGNORED:
            continue
        words, true = value.split(), value.lower() in TRUE
        if key in ("index-url", "extra-index-url", "find-links", "constraint"):
            args += [part for word in words for part in (f"--{key}", word)]
        elif key == "trusted-host":
            args += [part for w in words for part in ("--allow-insecure-host", w)]
        elif key == "no-index":
            args += ["--no-index"] if true else []
        elif key in ("cert", "timeout", "default-timeout"):
            env["SSL_CERT_FILE" if key == "cert" else "UV_HTTP_TIMEOUT"] = value
        else:
            raise NoEquivalent(f"pip's setting {key} has no uv equivalent")
    return args, env


def uv_binary(python: str, home: Path) -> str | None:
    """Return the pinned uv: the runner's if it is that version, else pip's install."""
    found = shutil.which("uv")
    if found and _version(found) == UV:
        return found
    target = home / f"uv-{UV}"
    exe = target / "bin" / "uv"
    home.mkdir(parents=True, exist_ok=True)
    with open(f"{target}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not exe.is_file() or _version(str(exe)) != UV:
            shutil.rmtree(target, ignore_errors=True)
            proc = subprocess.run(  # nosec B603
                [python, "-m", "pip", "install", "--quiet", "--target", str(target)]
                + [f"uv=={UV}"],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode:
                return None
    return str(exe) if _version(str(exe)) == UV else None


def _version(exe: str) -> str:
    try:
        proc = subprocess.run(  # nosec B603
            [exe, "--version"], capture_output=True, text=True, check=False
        )
    except OSError:
        return ""
    words = proc.stdout.split()
    return words[1] if len(words) > 1 and words[0] == "uv" else ""


class Installer(NamedTuple):
    """The installer that made an environment: its name and install command."""

    name: str
    command: list[str]
    env: dict[str, str]


def add(installer: Installer, requirements: Sequence[str]) -> None:
    """Install ``requirements`` into the environment ``installer`` made."""
    subprocess.run(  # nosec B603
        [*installer.command, *requirements],
        env={**os.environ, **installer.env},
        check=True,
    )


def _fresh_venv(python: str, venv: Path) -> Path:
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run(  # nosec B603
        [python, "-m", "venv", "--without-pip", str(venv)], check=True
    )
    return venv / "bin" / "python"


def pip(python: str, venv: Path) -> Installer:
    """Return the interpreter's own pip, installing into ``venv`` without .pyc."""
    inside = venv / "bin" / "python"
    command = [python, "-m", "pip", "--python", str(inside), "install", "--quiet"]
    return Installer("pip", [*command, "--no-compile"], {})


def uv(python: str, venv: Path, home: Path) -> Installer | str:
    """Return uv installing into ``venv`` as pip would; else say why not."""
    try:
        args, env = uv_options(pip_settings(python))
    except NoEquivalent as exc:
        return str(exc)
    exe = uv_binary(python, home)
    if exe is None:
        return f"uv {UV} could not be installed"
    inside = venv / "bin" / "python"
    # copies, not uv's default hard links into its cache: an edit to the
    # environment (a job on a shared runner) must not reach the cache and
    # from there every environment built after it
    command = [exe, "pip", "install", "--quiet", "--link-mode=copy"]
    command += ["--python", str(inside), *args]
    return Installer(f"uv {UV}", command, env)


def install(python: str, venv: Path, target: str, home: Path) -> Installer:
    """Make ``venv`` with ``target`` installed; return the installer that did."""
    choice = os.environ.get(CHOICE, "").strip().lower()
    if choice not in ("", "pip", "uv"):
        raise OSError(f"{CHOICE}={choice!r}: expected pip or uv")
    found = "asked for" if choice == "pip" else uv(python, venv, home)
    if isinstance(found, Installer):
        _fresh_venv(python, venv)
        try:
            add(found, [target])
            return found
        except subprocess.CalledProcessError as exc:
            found = f"uv failed (exit {exc.returncode})"
    say(f"quality-gates: installing with pip: {found}")
    _fresh_venv(python, venv)
    installer = pip(python, venv)
    add(installer, [target])
    return installer
