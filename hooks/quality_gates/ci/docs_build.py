"""Build a docs site: mkdocs or Sphinx, detected, or the project's own command."""

from __future__ import annotations

import subprocess  # nosec B404 - fixed argument lists; a given command runs under bash
from pathlib import Path

from quality_gates.errors import GateError
from quality_gates.escape.terminal import say

SPHINX_SOURCES = ("docs", "doc", "docs/source", "doc/source", ".")


def detect(root: Path) -> tuple[str, str]:
    """``("mkdocs", config)`` or ``("sphinx", source folder)``; neither is an error."""
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        if (root / name).is_file():
            return "mkdocs", name
    for folder in SPHINX_SOURCES:
        if (root / folder / "conf.py").is_file():
            return "sphinx", folder
    raise GateError(
        "no docs to build: neither mkdocs.yml nor a Sphinx conf.py (docs/, doc/,"
        " docs/source/); set build-command"
    )


def install_command(root: Path, *, python: str, given: str) -> list[str]:
    """Return what installs the docs tools.

    The given command, else docs/requirements.txt, else the detected tool.
    """
    if given.strip():
        return ["bash", "-c", given]
    for name in (
        "docs/requirements.txt",
        "doc/requirements.txt",
        "requirements-docs.txt",
    ):
        if (root / name).is_file():
            return [python, "-m", "pip", "install", "-r", name]
    kind, _ = detect(root)
    return [python, "-m", "pip", "install", kind]


def run_step(argv: list[str], root: Path, what: str) -> None:
    """Run one step of the build; a failure is a GateError naming the step."""
    say(f"{what}: " + " ".join(argv), flush=True)
    try:
        proc = subprocess.run(argv, cwd=root, check=False)  # nosec B603
    except OSError as exc:
        raise GateError(f"{what}: cannot run {argv[0]}: {exc.strerror}")
    if proc.returncode != 0:
        raise GateError(f"{what} failed (exit {proc.returncode})")


def command(root: Path, *, python: str, site_dir: str, build_command: str) -> list[str]:
    """Return the argument list that builds the site into ``site_dir``."""
    if build_command.strip():
        return ["bash", "-c", build_command]
    kind, where = detect(root)
    if kind == "mkdocs":
        return [
            python,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            where,
            "--site-dir",
            site_dir,
        ]
    return [python, "-m", "sphinx", "-W", "-b", "html", where, site_dir]


def build(
    root: Path,
    *,
    python: str,
    site_dir: str,
    build_command: str,
    install: str | None = None,
) -> Path:
    """Install the docs tools (unless ``install`` is None), then build the site.

    A failed step or a missing site folder is a GateError.
    """
    if install is not None:
        run_step(
            install_command(root, python=python, given=install),
            root,
            "installing the docs tools",
        )
    argv = command(root, python=python, site_dir=site_dir, build_command=build_command)
    run_step(argv, root, "building the docs")
    site = root / site_dir
    if not site.is_dir():
        raise GateError(f"the docs build wrote no site at {site_dir}; set site-dir")
    return site
