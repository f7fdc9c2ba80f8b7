"""Build a docs site: mkdocs or Sphinx, detected, or the project's own command.

The docs tools are installed from where the project says they are (its Read
the Docs config, a docs requirements file, a ``docs`` dependency group or
extra), and Sphinx's own build files never reach the published site.
"""

from __future__ import annotations

import collections
import shutil
import subprocess  # nosec B404 - fixed argument lists; a given command runs under bash
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from quality_gates.ci import outputs
from quality_gates.errors import GateError
from quality_gates.escape.terminal import say

SPHINX_SOURCES = ("docs", "doc", "docs/source", "doc/source", ".")
REQUIREMENTS = (
    "docs/requirements.txt",
    "doc/requirements.txt",
    "docs/source/requirements.txt",
    "requirements/docs.txt",
    "requirements/doc.txt",
    "requirements/requirements-docs.txt",
    "requirements-docs.txt",
    "requirements_docs.txt",
    "docs-requirements.txt",
)
READTHEDOCS = (".readthedocs.yaml", ".readthedocs.yml", "readthedocs.yml")
DOCS_NAMES = ("docs", "doc")
# what Sphinx writes for its own incremental builds: never part of a site
BUILD_FILES = (".doctrees", ".buildinfo", ".buildinfo.bak")


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


def _readthedocs(root: Path) -> tuple[list[str], str] | None:
    """Return the ``python.install`` steps of a Read the Docs config as pip args."""
    for name in READTHEDOCS:
        if (root / name).is_file():
            break
    else:
        return None
    import yaml  # not at the top: `ci pytest` imports this module, stdlib only

    try:
        data: Any = yaml.safe_load((root / name).read_text(encoding="utf-8"))
        steps = data["python"]["install"]
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError):
        return None
    args: list[str] = []
    for step in steps if isinstance(steps, list) else []:
        if isinstance(step, dict) and isinstance(step.get("requirements"), str):
            args += ["-r", step["requirements"]]
        elif isinstance(step, dict) and isinstance(step.get("path"), str):
            extras = step.get("extra_requirements") or []
            suffix = f"[{','.join(map(str, extras))}]" if extras else ""
            args.append(step["path"] + suffix)
    return (args, f"{name} python.install") if args else None


def _group(table: dict[str, Any], name: str, seen: tuple[str, ...] = ()) -> list[str]:
    """Return the requirements of a dependency group (PEP 735), with its includes."""
    out: list[str] = []
    for item in table.get(name) or []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and item.get("include-group") not in seen:
            out += _group(table, str(item.get("include-group")), (*seen, name))
    return out


def _pyproject(root: Path) -> tuple[list[str], str] | None:
    """Return a ``docs`` dependency group, else a ``docs`` extra, with the project."""
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    groups = data.get("dependency-groups") or {}
    extras = (data.get("project") or {}).get("optional-dependencies") or {}
    for name in DOCS_NAMES:
        if isinstance(groups, dict) and _group(groups, name):
            # the docs import the project, as `uv run --group docs` installs it
            return [
                ".",
                *_group(groups, name),
            ], f"pyproject.toml dependency group {name}"
        if isinstance(extras, dict) and extras.get(name):
            return [f".[{name}]"], f"pyproject.toml extra {name}"
    return None


def install_source(root: Path) -> tuple[list[str], str]:
    """Return pip's arguments that install the docs tools, and where they came from.

    The Read the Docs config, else a docs requirements file, else a ``docs``
    dependency group or extra, else the detected tool alone.
    """
    found = _readthedocs(root)
    if found:
        return found
    for name in REQUIREMENTS:
        if (root / name).is_file():
            return ["-r", name], name
    found = _pyproject(root)
    if found:
        return found
    kind, _ = detect(root)
    return [kind], f"{kind} alone (no docs requirements found)"


def install_command(root: Path, *, python: str, given: str) -> tuple[list[str], str]:
    """Return what installs the docs tools, and where its list came from."""
    if given.strip():
        return ["bash", "-c", given], "install-command"
    args, source = install_source(root)
    return [python, "-m", "pip", "install", *args], source


def run_step(argv: list[str], root: Path, what: str, hint: str = "") -> None:
    """Run one step of the build, its output streamed to the log.

    A failure is a GateError naming the step, the command and its last lines.
    """
    say(f"{what}: " + " ".join(argv), flush=True)
    tail: collections.deque[str] = collections.deque(maxlen=40)
    try:
        with subprocess.Popen(  # nosec B603
            argv,
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        ) as proc:
            assert proc.stdout is not None  # nosec B101 - set by stdout=PIPE
            for line in proc.stdout:
                say(line.rstrip("\n"), flush=True)  # the project's text: escaped
                tail.append(line)
    except OSError as exc:
        raise GateError(f"{what}: cannot run {argv[0]}: {exc.strerror}")
    if proc.returncode != 0:
        said = outputs.last_lines("".join(tail))
        raise GateError(f"{what} failed (exit {proc.returncode}): {said}{hint}")


def command(
    root: Path, *, python: str, site_dir: str, build_command: str, doctrees: str = ""
) -> list[str]:
    """Return the argument list that builds the site into ``site_dir``.

    Sphinx keeps its doctrees in ``doctrees`` (outside the site) when given.
    """
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
    cache = ["-d", doctrees] if doctrees else []
    return [python, "-m", "sphinx", "-W", "-b", "html", *cache, where, site_dir]


def remove_build_files(site: Path) -> list[str]:
    """Remove Sphinx's build files from the site; return what was removed.

    ``.doctrees/`` (``environment.pickle`` and a pickle per page) and
    ``.buildinfo`` serve incremental builds; published, they are megabytes of
    internals that Pages would serve to anyone.
    """
    removed = []
    for name in BUILD_FILES:
        path = site / name
        if path.is_dir() and not path.is_symlink():
            count = sum(1 for p in path.rglob("*") if p.is_file())
            shutil.rmtree(path)
            removed.append(f"{name}/ ({count} files)")
        elif path.exists() or path.is_symlink():
            path.unlink()
            removed.append(name)
    return removed


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
    hint = ""
    if install is not None:
        argv, source = install_command(root, python=python, given=install)
        run_step(argv, root, f"installing the docs tools (from {source})")
        hint = (
            f"; the docs tools came from {source}: set install-command if it needs more"
        )
    with tempfile.TemporaryDirectory(prefix="quality-gates-doctrees-") as doctrees:
        argv = command(
            root,
            python=python,
            site_dir=site_dir,
            build_command=build_command,
            doctrees=doctrees,
        )
        run_step(argv, root, "building the docs", hint)
    site = root / site_dir
    if not site.is_dir():
        raise GateError(f"the docs build wrote no site at {site_dir}; set site-dir")
    removed = remove_build_files(site)
    if removed:
        say(
            f"removed Sphinx's build files from {site_dir} (never published): "
            + ", ".join(removed)
        )
    return site
