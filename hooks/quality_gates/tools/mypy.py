"""mypy: whole-program type checking that sees the project's own environment.

Under pre-commit, mypy runs in the hook's isolated environment and cannot see
the project's dependencies.  The adapter points mypy at the project's
interpreter (``--python-executable``) so installed packages and their stubs
are found: ``python-executable`` in ``[tool.quality-gates]``, else an active
virtual environment that is not the suite's own, else ``.venv``/``venv`` in
the project root.
"""

from __future__ import annotations

import configparser
import hashlib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from quality_gates.cache import cache_dir
from quality_gates.findings import Finding
from quality_gates.program import Uncovered
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    ToolCrashed,
    ini_has_section,
    pyproject_tool,
    register,
)

DUPLICATE = re.compile(
    r"Duplicate module named|Source file found twice under different module names"
)
_LINE = re.compile(
    r"^(.+?):(\d+):(?:(\d+):)? (error|note|warning): (.*?)(?:  \[([a-z0-9-]+)\])?$"
)


def project_python(ctx: Context) -> str | None:
    """Return the interpreter whose site-packages mypy should see, if any."""
    configured = ctx.config.python_executable
    if configured:
        path = Path(configured)
        if not path.is_absolute():
            path = ctx.root / path
        return str(path)
    for var in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        prefix = os.environ.get(var)
        if prefix and Path(prefix).resolve() != Path(sys.prefix).resolve():
            exe = Path(prefix) / "bin" / "python"
            if exe.exists():
                return str(exe)
    for name in (".venv", "venv"):
        exe = ctx.root / name / "bin" / "python"
        if exe.exists():
            return str(exe)
    return None


def environment_stamp(python: str | None) -> str:
    """Return a stamp that changes when the environment's packages change."""
    stamps = []
    for site in site_packages(python):
        try:
            stamps.append(f"{site}:{site.stat().st_mtime_ns}")
        except OSError:
            continue
    return ";".join(stamps)


def site_packages(python: str | None) -> list[Path]:
    """Return the site-packages folders of the environment mypy sees."""
    prefix = Path(python).parent.parent if python else Path(sys.prefix)
    return sorted(prefix.glob("lib/python3*/site-packages"))


def pth_folders(python: str | None) -> list[Path]:
    """Folders that ``.pth`` files add to the environment's import path.

    An editable install of another local project is one: mypy reads its modules
    from there, outside the project and outside site-packages.
    """
    found = []
    for site in site_packages(python):
        for pth in sorted(site.glob("*.pth")):
            try:
                lines = pth.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            for line in lines:
                entry = line.strip()
                if entry and not entry.startswith(("#", "import ", "import\t")):
                    folder = (site / entry).resolve()
                    if folder.is_dir() and site not in (folder, *folder.parents):
                        found.append(folder)
    return found


def _split(value: object) -> list[str]:
    """mypy_path as mypy reads it: a list, or a string split on ``,`` and ``:``."""
    if isinstance(value, list):
        return [str(v) for v in value]
    return re.split(r"[,:]", str(value)) if value else []


def configured_mypy_path(ctx: Context) -> list[str]:
    """``mypy_path`` of every config file mypy may read in the project root."""
    table = ctx.config.pyproject.get("tool", {})
    mypy = table.get("mypy", {}) if isinstance(table, dict) else {}
    entries = _split(mypy.get("mypy_path")) if isinstance(mypy, dict) else []
    for name in ("mypy.ini", ".mypy.ini", "setup.cfg"):
        parser = configparser.RawConfigParser()
        try:
            parser.read(ctx.root / name, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError) as exc:
            raise Uncovered(f"cannot read mypy_path from {name}: {exc}") from exc
        if parser.has_option("mypy", "mypy_path"):
            entries += _split(parser.get("mypy", "mypy_path"))
    return entries


def mypy_path(ctx: Context) -> list[Path]:
    """MYPYPATH and mypy_path, as absolute folders (relative to the project root)."""
    found = []
    raw = os.environ.get("MYPYPATH", "").split(os.pathsep) + configured_mypy_path(ctx)
    for entry in filter(None, (e.strip() for e in raw)):
        for var in ("${MYPY_CONFIG_FILE_DIR}", "$MYPY_CONFIG_FILE_DIR"):
            entry = entry.replace(var, str(ctx.root))
        found.append(ctx.root / os.path.expanduser(os.path.expandvars(entry)))
    return found


INTERNAL_ERROR = "error: INTERNAL ERROR"
NO_CACHE = ["--cache-dir", os.devnull]


def _cache_in_use(args: Sequence[str]) -> bool:
    where = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--cache-dir"]
    return bool(where) and where[-1] != os.devnull


def _without_cache(args: Sequence[str]) -> list[str]:
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip or arg == "--cache-dir":
            skip = not skip
            continue
        kept.append(arg)
    return kept


@register
class Mypy(Adapter):
    """mypy over the whole program at once, in the project's environment."""

    name = "mypy"
    distribution = "mypy"
    module = "mypy"
    whole_program = True
    cost = 4.5

    def own_config(self, ctx: Context) -> str | None:
        """Name the mypy config: pyproject.toml, mypy.ini, .mypy.ini or setup.cfg."""
        if pyproject_tool(ctx, "mypy"):
            return "pyproject.toml [tool.mypy]"
        for name in ("mypy.ini", ".mypy.ini"):
            if (ctx.root / name).is_file():
                return name
        if ini_has_section(ctx.root, "setup.cfg", "mypy"):
            return "setup.cfg"
        return None

    def default_args(self, ctx: Context) -> list[str]:
        """Check untyped functions too, and tolerate packages without types."""
        # no config file at all: not one found in a parent folder
        return ["--config-file=", "--ignore-missing-imports", "--check-untyped-defs"]

    def run_args(self, ctx: Context) -> list[str]:
        """Keep mypy's incremental cache per project, in the suite's cache folder.

        A folder that cannot be made or written (the cache folder is a file, a
        read-only place) gets ``os.devnull``: mypy then keeps no cache at all,
        instead of stopping with an INTERNAL ERROR.
        """
        digest = hashlib.sha256(str(ctx.root).encode()).hexdigest()[:16]
        folder = cache_dir() / "mypy" / digest
        try:
            folder.mkdir(parents=True, exist_ok=True)
            os.utime(folder)  # last used: folders unused past the age bound are pruned
        except OSError:
            return ["--cache-dir", os.devnull]
        usable = os.access(folder, os.W_OK)
        return ["--cache-dir", str(folder) if usable else os.devnull]

    def check_args(self, ctx: Context) -> list[str]:
        """Ask for one plain line per error, seeing the project's interpreter."""
        args = [
            "--show-column-numbers",
            "--show-error-codes",
            "--no-error-summary",
            "--no-pretty",
            "--no-color-output",
            "--hide-error-context",
            *self.settings(ctx),
        ]
        python = project_python(ctx)
        if python:
            args += ["--python-executable", python]
        return args

    def search_path(self, ctx: Context, files: Sequence[str]) -> list[Path]:
        """Add mypy_path, MYPYPATH and the environment's ``.pth`` folders."""
        python = project_python(ctx)
        return [
            *super().search_path(ctx, files),
            *mypy_path(ctx),
            *pth_folders(python),
        ]

    def config_inputs(self, ctx: Context) -> list[str]:
        """Add the environment's stamp: installed packages change mypy's results."""
        return [*super().config_inputs(ctx), environment_stamp(project_python(ctx))]

    def command(self, args: Sequence[str], files: Sequence[str]) -> list[str]:
        """Build the command, leaving out a module whose stub is also named.

        Both named would be a duplicate module; mypy reads the stub.
        """
        stubs = {f[:-1] for f in files if f.endswith(".pyi")}
        kept = [f for f in files if f not in stubs]
        return super().command(args, kept)

    def run(self, ctx: Context, args: Sequence[str], files: Sequence[str]) -> Proc:
        """Run mypy; when two files map to one module name, map them by path.

        Folders without ``__init__.py`` (tests/, docs/ examples) make two
        ``conftest.py`` both module ``conftest``, and mypy stops before checking
        anything (pytest's and django's own sdists do).  Then run it again with
        ``--explicit-package-bases``, which names each module by its path from
        the root (or ``mypy_path``), as the project would by hand.
        """
        proc = super().run(ctx, args, files)
        retry = proc.returncode == 2 and DUPLICATE.search(proc.stdout) is not None
        if retry and "--explicit-package-bases" not in args:
            args = [*args, "--explicit-package-bases"]
            proc = super().run(ctx, args, files)
        if INTERNAL_ERROR in proc.stdout + proc.stderr and _cache_in_use(args):
            # mypy stops when it cannot write its cache (a full disk): without one
            proc = super().run(ctx, [*_without_cache(args), *NO_CACHE], files)
        return proc

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        """Read the error lines, skipping notes; any other output is a tool error."""
        proc.crash(self.name, (0, 1))
        findings: list[Finding] = []
        for text in proc.stdout.splitlines():
            m = _LINE.match(text)
            if m is None:
                if text.strip():
                    raise ToolCrashed(f"mypy: {text.strip()[:200]}")
                continue
            path, line, col, level, message, code = m.groups()
            if level == "note":
                continue
            findings.append(
                Finding(
                    tool=self.name,
                    rule=code or "misc",
                    severity="error" if level == "error" else "warning",
                    path=Path(path).as_posix().removeprefix("./"),
                    line=int(line),
                    column=int(col or 0),
                    message=message,
                )
            )
        if proc.returncode == 1 and not findings:
            raise ToolCrashed(
                f"mypy exited 1 without errors: {proc.stderr.strip()[:200]}"
            )
        return findings
