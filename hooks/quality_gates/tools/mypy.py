"""mypy: whole-program type checking that sees the project's own environment.

Under pre-commit, mypy runs in the hook's isolated environment and cannot see
the project's dependencies.  The adapter points mypy at the project's
interpreter (``--python-executable``) so installed packages and their stubs
are found: ``python-executable`` in ``[tool.quality-gates]``, else an active
virtual environment that is not the suite's own, else ``.venv``/``venv`` in
the project root.

Plugins (``plugins = pydantic.mypy``) are imported by mypy's own interpreter,
the suite's.  When the config names plugins, the project environment's
site-packages (same Python version) are added at the end of mypy's import
path, after the suite's own: a plugin installed only in the project's
``.venv`` is found, and nothing there can shadow mypy or what it imports.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from quality_gates import files as files_mod
from quality_gates import interpreter
from quality_gates.cache_files import project_mypy_folder
from quality_gates.errors import GateError
from quality_gates.findings import Finding
from quality_gates.hook_args import Carried
from quality_gates.tools import mypy_config, mypy_workers
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    ToolCrashed,
    config_error,
    config_line,
    ini_has_section,
    pyproject_tool,
    register,
    tool_error,
)

# the flag that carries a site-packages folder from run() to command()
SITE_DIR = "--quality-gates-site-dir="
# mypy under this interpreter, with folders added at the end of its import path
# (site.addsitedir: their .pth files too); never the project's own folder
BOOT = (
    "import site, sys; del sys.path[0]; "
    "from mypy.__main__ import console_entry; "
    "n = int(sys.argv[1]); [site.addsitedir(d) for d in sys.argv[2:2 + n]]; "
    "sys.argv = ['mypy', *sys.argv[2 + n:]]; console_entry()"
)
DUPLICATE = re.compile(
    r"Duplicate module named|Source file found twice under different module names"
)


def project_python(ctx: Context) -> str | None:
    """Return the interpreter whose site-packages mypy should see, if any."""
    return interpreter.project_python(ctx.root, ctx.config.python_executable)


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
    # lib64 is often a link to lib: each folder once
    return sorted({p.resolve() for p in prefix.glob("lib*/python3*/site-packages")})


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


def mypy_path(ctx: Context) -> list[Path]:
    """Return MYPYPATH and the config's mypy_path as absolute folders."""
    found = []
    configured = mypy_config.read(ctx.config, ctx.root).mypy_path
    raw = os.environ.get("MYPYPATH", "").split(os.pathsep) + configured
    for entry in filter(None, (e.strip() for e in raw)):
        for var in ("${MYPY_CONFIG_FILE_DIR}", "$MYPY_CONFIG_FILE_DIR"):
            entry = entry.replace(var, str(ctx.root))
        found.append(ctx.root / os.path.expanduser(os.path.expandvars(entry)))
    return found


INTERNAL_ERROR = "error: INTERNAL ERROR"
# files that may stop mypy one by one (each a finding) before mypy itself is to blame
MAX_BLOCKED = 10


@dataclasses.dataclass
class Streamed:
    """mypy's output, read line by line as mypy prints it (``_remember``).

    A large tree's 30k errors are parsed, and made findings, by the time
    mypy ends, not after.
    """

    # the JSON record of each line of output (None: not one)
    records: dict[str, dict[str, Any] | None] = dataclasses.field(default_factory=dict)
    # the finding of each error line, made once: ``parse`` takes each once,
    # so a line printed twice is two findings, as before
    findings: dict[str, Finding] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Blocked(Proc):
    """mypy's last run, and the files that stopped an earlier one (as findings)."""

    blocked: list[Finding] = dataclasses.field(default_factory=list)
    # mypy's output parsed while mypy ran
    streamed: Streamed = dataclasses.field(default_factory=Streamed)


def package_bases(ctx: Context) -> list[str]:
    """Folders of the project that its packages are imported from, for mypy's names.

    ``src`` when it holds packages and is none itself, and every folder of the
    project that an editable install puts on the environment's import path:
    under ``--explicit-package-bases`` a module there is ``pkg.mod``, the name
    the environment imports it by, not ``src.pkg.mod`` (mypy would otherwise
    find the one file twice, under two names, and stop).
    """
    root = ctx.root.resolve()
    found = [
        folder
        for folder in pth_folders(project_python(ctx))
        if folder != root and folder.is_relative_to(root)
    ]
    src = root / "src"
    if src.is_dir() and not (src / "__init__.py").exists():
        found.append(src)
    return sorted({str(folder) for folder in found})


def bases_environment(ctx: Context) -> dict[str, str]:
    """Return MYPYPATH with the package bases first, then the one already set."""
    bases = package_bases(ctx)
    if not bases:
        return {}
    current = os.environ.get("MYPYPATH", "")
    return {"MYPYPATH": os.pathsep.join([*bases, *filter(None, [current])])}


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


def plugin_sites(ctx: Context) -> list[str]:
    """Return the project's site-packages for mypy's plugins, if it loads any."""
    python = project_python(ctx)
    if python is None or not mypy_config.read(ctx.config, ctx.root).plugins:
        return []
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    found = [p for p in site_packages(python) if p.parent.name == version]
    return [str(p) for p in found]


@register
class Mypy(Adapter):
    """mypy over the whole program at once, in the project's environment."""

    name = "mypy"
    distribution = "mypy"
    module = "mypy"
    whole_program = True
    uri = "https://mypy.readthedocs.io/"
    # the pre-commit hooks init replaces with the suite's mypy, and the args a
    # hook runs with when its config gives none (the hook manifest's)
    hooks = {"github.com/pre-commit/mirrors-mypy": ("mypy",)}
    manifest_args = {
        ("github.com/pre-commit/mirrors-mypy", "mypy"): (
            "--ignore-missing-imports",
            "--scroll-output",
        )
    }
    rule_category = "types"
    cost = 4.5
    ini_sections = ("mypy",)
    purpose = "checks types"

    def own_config(self, ctx: Context) -> str | None:
        """Name the mypy config: mypy.ini, .mypy.ini, pyproject.toml or setup.cfg."""
        for name in ("mypy.ini", ".mypy.ini"):
            if (ctx.root / name).is_file():
                return name
        if pyproject_tool(ctx, "mypy"):
            return "pyproject.toml [tool.mypy]"
        if ini_has_section(ctx.root, "setup.cfg", "mypy"):
            return "setup.cfg"
        return None

    def hook_settings(self, args: Sequence[str]) -> Carried:
        """Translate mypy's flags, which are its config keys (``mypy_config``)."""
        return mypy_config.hook_settings(args)

    def program(self, ctx: Context, files: Sequence[str]) -> list[str]:
        """Check the whole program whenever one of its files is named.

        mypy's findings in one module depend on every module it imports and
        is imported by, and the baseline holds those of the whole tree: a
        staged run checks exactly what ``--all-files`` checks, with the same
        module names, so the two agree on the same tree (mypy's own cache
        and the runner's make the unchanged part cheap).
        """
        if not self.select(ctx, files):
            return []
        tree: Sequence[str] | None = ctx.tracked
        try:
            if tree is None:
                tree = files_mod.tracked_python_files(ctx.root, ctx.config.exclude)
        except GateError:
            tree = []  # not a git checkout: the named files are the program
        return self.select(ctx, sorted({*tree, *files}))

    def scope(self, ctx: Context, files: Sequence[str]) -> Callable[[str], bool]:
        """Check what ``mypy`` checks as configured (``files``, ``exclude``...).

        See ``mypy_config``; with no config of the project's own, what
        ``mypy .`` checks.
        """
        settings = mypy_config.read(ctx.config, ctx.root)
        return mypy_config.scope(settings, ctx.root, files)

    def config_findings(self, ctx: Context) -> list[Finding]:
        """``files``, ``packages`` or ``modules`` that name what is not there."""
        settings = mypy_config.read(ctx.config, ctx.root)
        if not (settings.files or settings.packages or settings.modules):
            return []
        assert settings.source is not None  # nosec B101 - they come from a file
        python = project_python(ctx)
        elsewhere = [*site_packages(python), *pth_folders(python)]
        section = "tool.mypy" if settings.source == "pyproject.toml" else "mypy"
        return [
            config_error(
                self.name,
                settings.source,
                config_line(ctx.root, settings.source, section, key),
                why,
            )
            for key, why in mypy_config.problems(settings, ctx.root, elsewhere)
        ]

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
        try:
            folder = project_mypy_folder(
                ctx.root
            )  # named by the user's key (cache_key)
            os.utime(folder)  # last used: folders unused past the age bound are pruned
        except OSError:
            return ["--cache-dir", os.devnull]
        usable = os.access(folder, os.W_OK)
        return ["--cache-dir", str(folder) if usable else os.devnull]

    def worker_args(self, ctx: Context, args: Sequence[str], jobs: int) -> list[str]:
        """Check a cold program with worker processes (``mypy_workers``)."""
        return mypy_workers.workers(ctx.config, ctx.root, args, jobs)

    def check_args(self, ctx: Context) -> list[str]:
        """Ask for one JSON record per error, seeing the project's interpreter.

        The project's display settings (``pretty``, ``show_error_end``,
        ``show_column_numbers = False``, ``show_absolute_path``, colour, the
        summary...) are overridden on the command line, and JSON records have
        one shape whatever they say.
        """
        args = [
            "--output",
            "json",
            "--show-column-numbers",
            "--show-error-codes",
            "--no-error-summary",
            "--no-pretty",
            "--no-color-output",
            "--hide-error-context",
            "--hide-error-end",
            "--hide-absolute-path",
            "--hide-error-code-links",
            # an INTERNAL ERROR says its exception (on standard output)
            "--show-traceback",
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
        sites = [a[len(SITE_DIR) :] for a in args if a.startswith(SITE_DIR)]
        if not sites:
            return super().command(args, kept)
        rest = [a for a in args if not a.startswith(SITE_DIR)]
        return [sys.executable, "-c", BOOT, str(len(sites)), *sites, *rest, "--", *kept]

    def run(self, ctx: Context, args: Sequence[str], files: Sequence[str]) -> Proc:
        """Run mypy; a file that stops mypy is a finding, and the rest are checked.

        mypy stops at a blocking error (``No parent module -- cannot perform
        relative import``, a folder named like no package can be): that file
        becomes one finding the baseline can hold, and mypy runs again without
        it, up to ``MAX_BLOCKED`` files.
        """
        args = [*(SITE_DIR + site for site in plugin_sites(ctx)), *args]
        kept = list(files)
        blocked: list[Finding] = []
        streamed = Streamed()
        proc = self._run(ctx, args, kept, streamed)
        notes, passing = list(proc.notes), list(proc.passing_notes)
        if mypy_workers.NOT_STARTED in passing:  # the next runs: no workers either
            args = mypy_workers.without(args)
        while len(blocked) < MAX_BLOCKED:
            stopped = _blocking(proc, kept)
            if not stopped:
                break
            for finding, dropped in stopped:
                blocked.append(finding)
                kept = [f for f in kept if f not in dropped]
            proc = self._run(ctx, args, kept, streamed) if kept else Proc(0, "", "")
            notes += [
                n for n in proc.notes if n not in notes and not _repeated(n, notes)
            ]
        proc, blocked = self._twins(ctx, args, proc, blocked, streamed)
        return Blocked(
            proc.returncode,
            proc.stdout,
            proc.stderr,
            notes=notes,
            passing_notes=passing,
            blocked=blocked,
            streamed=streamed,
        )

    def _twins(
        self,
        ctx: Context,
        args: list[str],
        proc: Proc,
        blocked: list[Finding],
        streamed: Streamed,
    ) -> tuple[Proc, list[Finding]]:
        """Check the files left out as another file's twin in a mypy run of their own.

        ``src/pkg`` beside a top-level ``pkg`` (a template's leftover) is one
        module name twice: mypy stops, and the files it named last were left
        out for good, though the project's ``mypy src`` checks them.  Alone,
        they are one module each; a run that stops again leaves them out.
        """
        twins = [f for f in blocked if DUPLICATE.search(f.message)]
        if not twins or proc.returncode not in (0, 1):
            return proc, blocked
        alone = self._run(ctx, args, [f.path for f in twins], streamed)
        if alone.returncode not in (0, 1) or alone.traceback:
            return proc, blocked
        merged = Proc(
            max(proc.returncode, alone.returncode),
            "\n".join(filter(None, (proc.stdout, alone.stdout))),
            "\n".join(filter(None, (proc.stderr, alone.stderr))),
            notes=list(proc.notes),
        )
        return merged, [f for f in blocked if f not in twins]

    def _run(
        self,
        ctx: Context,
        args: list[str],
        files: Sequence[str],
        streamed: Streamed,
    ) -> Proc:
        """Run mypy; when two files map to one module name, map them by path.

        Folders without ``__init__.py`` (tests/, docs/ examples) make two
        ``conftest.py`` both module ``conftest``, and mypy stops before checking
        anything (pytest's and django's own sdists do).  Then run it again with
        ``--explicit-package-bases``, which names each module by its path from
        the root, or from a folder the project imports its packages from
        (``src``, an editable install's folder: see ``package_bases``), as the
        project would by hand.  ``streamed`` gets the JSON records of its
        output, parsed as mypy prints them (a large tree's 30k errors are
        parsed by the time mypy ends).
        """
        start = time.perf_counter()
        on_line = functools.partial(_remember, streamed)
        proc = self.spawn(ctx, args, files, on_line=on_line)
        notes = []
        env = None
        twice = proc.returncode == 2 and DUPLICATE.search(proc.stdout)
        if twice and "--explicit-package-bases" not in args:
            lost = time.perf_counter() - start
            args = [*args, "--explicit-package-bases"]
            notes.append(_rerun_note(proc.stdout, lost))
            env = bases_environment(ctx)
            proc = self.spawn(ctx, args, files, env, on_line)
        proc = self._serial_or_without_cache(ctx, args, files, env, on_line, proc)
        proc.notes += notes + _config_notes(proc)
        return proc

    def _serial_or_without_cache(
        self,
        ctx: Context,
        args: list[str],
        files: Sequence[str],
        env: dict[str, str] | None,
        on_line: Callable[[str], None],
        proc: Proc,
    ) -> Proc:
        """Run mypy again in one process, or without its cache, when it stopped for it.

        Its workers did not start in time (a busy machine): the same run in one
        process, with its cache, and a note of this run.  It could not write its
        cache (a full disk): a run without one.  ``MYPY_NUM_WORKERS=0`` holds
        for the project's own workers too (mypy's config, or the variable):
        they change how fast mypy runs, never what it finds, and a run without
        a cache cannot have them.
        """
        serial = {**(env or {}), mypy_workers.VARIABLE: "0"}
        if mypy_workers.failed_to_start(proc):
            args = mypy_workers.without(args)
            proc = self.spawn(ctx, args, files, serial, on_line)
            proc.passing_notes.append(mypy_workers.NOT_STARTED)
        if INTERNAL_ERROR in proc.stdout + proc.stderr and _cache_in_use(args):
            said = proc.passing_notes
            args = [*mypy_workers.without(_without_cache(args)), *NO_CACHE]
            proc = self.spawn(ctx, args, files, serial, on_line)
            proc.passing_notes += said
        return proc

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        """Read the JSON error records, skipping notes; other output is a tool error."""
        findings: list[Finding] = []
        other: list[str] = []
        streamed = proc.streamed if isinstance(proc, Blocked) else Streamed()
        known, made = streamed.records, streamed.findings
        for text in proc.stdout.split("\n"):
            record = known[text] if text in known else _record(text)
            if record is None:
                if text.strip() and not _NOTE.match(text):
                    other.append(text.strip())
            elif _is_error(record):
                findings.append(made.pop(text) if text in made else _finding(record))
        findings += proc.blocked if isinstance(proc, Blocked) else []
        if proc.returncode not in (0, 1) or proc.traceback or other:
            raise ToolCrashed(_cause(ctx, files, proc, findings, other), findings)
        if proc.returncode == 1 and not findings:
            raise ToolCrashed(f"mypy exited 1 without errors: {proc.detail()}")
        return findings


# what mypy says about its config, not about the code: "setup.cfg: note: unused
# section(s): [mypy-x]" on standard output, "setup.cfg: [mypy]: Unrecognized
# option: foo = bar" and unsupported python_version on standard error
_CONFIG_NOTE = re.compile(r"^[^\s:{][^:]*: note: .*$", re.M)
_CONFIG_WARNING = re.compile(r"^[^\s:][^:]*: \[[^\]]+\]: .*$", re.M)


def _config_notes(proc: Proc) -> list[str]:
    """Take mypy's notes on its config out of its output, as the report's notes.

    mypy's own run prints them and goes on; they are no finding and no error.
    """
    found = _CONFIG_WARNING.findall(proc.stderr)
    if ": note: " in proc.stdout:  # else no line is one (a large tree's output)
        found[:0] = _CONFIG_NOTE.findall(proc.stdout)
        proc.stdout = _CONFIG_NOTE.sub("", proc.stdout)
    return [f"mypy: {line.strip()}" for line in found]


RERUN = "mypy: two files map to one module name"


def _repeated(note: str, notes: Sequence[str]) -> bool:
    """Tell whether the note of a rerun is said already (by mypy's first run)."""
    return note.startswith(RERUN) and any(n.startswith(RERUN) for n in notes)


def _rerun_note(stdout: str, lost: float) -> str:
    """Say that mypy ran again, why, what it cost, and how to run it once."""
    said = next(
        (
            str(r["message"]).rstrip(".")
            for r in map(_record, stdout.split("\n"))
            if r is not None and DUPLICATE.search(str(r["message"]))
        ),
        "a module found twice",
    )
    return (
        f"{RERUN} ({said}), where mypy's own run stops; the gate ran mypy again "
        f"with --explicit-package-bases ({lost:.1f} s lost). Set "
        "explicit_package_bases = true (with mypy_path) in mypy's config, or add "
        "__init__.py files, to run once and make both runs the same"
    )


# a note outside the JSON records is about the run, not the code (``pyproject.toml:
# note: unused section(s)`` under warn_unused_configs): never an error
_NOTE = re.compile(r"^[^{][^\n]*?: note: ")


def _remember(streamed: Streamed, line: str) -> None:
    """Parse one line of mypy's output as it comes (``_record``), once per text.

    An error's finding is made here too, while mypy still runs.
    """
    text = line[:-1] if line.endswith("\n") else line
    if text.startswith("{") and text not in streamed.records:
        record = streamed.records[text] = _record(text)
        if record is not None and _is_error(record):
            streamed.findings[text] = _finding(record)


def _is_error(record: dict[str, Any]) -> bool:
    """Tell whether a record is a finding: not a note, and on a line of the file."""
    return bool(record["severity"] != "note" and int(record["line"]) > 0)


def _record(text: str) -> dict[str, Any] | None:
    """One JSON record of ``--output json``, or None for any other line."""
    if not text.startswith("{"):
        return None
    try:
        record = json.loads(text)
    except ValueError:
        return None
    keys = ("file", "line", "column", "message", "severity")
    if not isinstance(record, dict) or any(k not in record for k in keys):
        return None
    return record


@functools.lru_cache(maxsize=8192)
def _posix(name: str) -> str:
    """Return a path mypy printed as the report's (once per file: 30k records)."""
    return Path(name).as_posix().removeprefix("./")


def _finding(record: dict[str, Any]) -> Finding:
    return Finding(
        tool="mypy",
        rule=str(record.get("code") or "misc"),
        severity="error" if record["severity"] == "error" else "warning",
        path=_posix(str(record["file"])),
        line=int(record["line"]),
        column=max(int(record["column"]), 0) + 1,  # JSON columns count from 0
        message=str(record["message"]),
    )


_BAD_PACKAGE = re.compile(
    r"^(.+) contains __init__.py but is not a valid Python package"
)


def _cause(
    ctx: Context,
    files: Sequence[str],
    proc: Proc,
    findings: Sequence[Finding],
    other: Sequence[str],
) -> str:
    """Say why mypy stopped: which file, which line, and what to do."""
    crashed = _internal_error(proc)
    if crashed:
        return crashed
    for text in [*other, *proc.stderr.split("\n")]:
        m = _BAD_PACKAGE.match(text.strip())
        if m:
            return _bad_package(files, m.group(1))
    # a plugin mypy cannot import: a record on standard error, not output
    stderr = [r for r in map(_record, proc.stderr.split("\n")) if r is not None]
    for message in [f.message for f in findings] + [str(r["message"]) for r in stderr]:
        m = _PLUGIN.match(message)
        if m:
            return _missing_plugin(ctx, m.group(1), m.group(2))
    if proc.returncode == 2 and findings and not proc.traceback:
        last = [f for f in findings if f.severity == "error"] or list(findings)
        block = last[-1]
        return (
            f"mypy stopped at a blocking error in {block.path}:{block.line}: "
            f"{block.message}; fix it (or exclude {block.path} in mypy's config) "
            "to let mypy check the rest"
        )
    if other and not proc.traceback:
        return f"mypy: {other[0][:300]}"
    what = "crashed" if proc.traceback else "failed"
    return f"mypy {what} (exit {proc.returncode}): {proc.detail()}"


_PLUGIN = re.compile(r'^Error importing plugin "(.+?)": (.*)$')
_INTERNAL = re.compile(r"^(?:(.+?):(\d+): )?error: INTERNAL ERROR", re.M)


def _internal_error(proc: Proc) -> str | None:
    """Name where mypy crashed and with what, from its INTERNAL ERROR report.

    mypy prints ``FILE:LINE: error: INTERNAL ERROR`` on standard error and,
    with ``--show-traceback``, the traceback on standard output: the errors it
    printed before are not what stopped it.
    """
    crash = _crash(proc)
    if crash is None:
        return None
    path, line, exception = crash
    if path is None:
        return (
            f"mypy crashed with an INTERNAL ERROR{exception}; that is mypy's "
            "fault or a plugin's: report it to mypy"
        )
    return (
        f"mypy crashed with an INTERNAL ERROR at {path}:{line}{exception}; that "
        f"is mypy's fault or a plugin's, not the code's: exclude {path} in "
        "mypy's config to let mypy check the rest, and report it to mypy"
    )


def _crash(proc: Proc) -> tuple[str | None, int, str] | None:
    """Return where an INTERNAL ERROR happened (file or None, line), its exception."""
    m = _INTERNAL.search(proc.stderr) or _INTERNAL.search(proc.stdout)
    if m is None:
        return None
    out = proc.stdout.split("Traceback (most recent call last)", 1)
    tail = [ln.strip() for ln in out[-1].split("\n") if ln.strip()]
    exception = f" ({tail[-1][:200]})" if len(out) > 1 and tail else ""
    path = Path(m.group(1)).as_posix().removeprefix("./") if m.group(1) else None
    return path, int(m.group(2) or 1), exception


def _missing_plugin(ctx: Context, plugin: str, why: str) -> str:
    """Say where mypy looked for its plugin, and the two ways to provide it."""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    python = project_python(ctx)
    looked = (
        f"and in the project's environment ({python})"
        if python
        else "and found no project environment (.venv, venv, VIRTUAL_ENV)"
    )
    return (
        f"mypy could not import its plugin {plugin} ({why}): it looked in the "
        f"suite's environment (Python {version}) {looked}. Install the plugin's "
        "package in the project's .venv with Python "
        f"{version}, or under pre-commit add it to the mypy hook's "
        "`additional_dependencies`"
    )


def _bad_package(files: Sequence[str], name: str) -> str:
    """Name the folders mypy refused as packages, with the way out."""
    base = Path(name).name
    folders = sorted(
        {
            "/".join(parts[: i + 1])
            for f in files
            for parts in [f.split("/")[:-1]]
            for i, part in enumerate(parts)
            if part == base
        }
    )
    where = ", ".join(folders) or name
    return (
        f"mypy: folder {where} holds __init__.py but {base!r} is not a valid "
        "Python package name; rename it, or add it to `exclude` in mypy's config"
    )


def _blocking(proc: Proc, files: Sequence[str]) -> list[tuple[Finding, set[str]]]:
    """Return the files that stopped mypy, each as a finding and the files it drops.

    A blocking error is the last error record of a run that exited 2 without a
    traceback, on a file mypy was given; a folder that is no valid package
    name drops every file under it.  Anything else stops the gate as before.
    """
    if proc.returncode != 2 or proc.traceback:
        return []
    crash = _crash(proc)
    if crash is not None:
        return _crashed_on(files, *crash)
    for text in [*proc.stdout.split("\n"), *proc.stderr.split("\n")]:
        m = _BAD_PACKAGE.match(text.strip())
        if m:
            return _bad_folder(files, m.group(1))
    records = [r for r in map(_record, proc.stdout.split("\n")) if r is not None]
    errors = [r for r in records if r["severity"] == "error"]
    if not errors:
        return []
    last = errors[-1]
    path = Path(str(last["file"])).as_posix().removeprefix("./")
    if path not in files or _PLUGIN.match(str(last["message"])):
        return []
    message = (
        f"mypy cannot check this file: {last['message']}; it stops mypy, so it "
        "is left out and the other files were checked"
    )
    return [(tool_error("mypy", path, message, int(last["line"])), {path})]


def _crashed_on(
    files: Sequence[str], path: str | None, line: int, exception: str
) -> list[tuple[Finding, set[str]]]:
    """Make the file mypy crashed on (its INTERNAL ERROR) a finding there, left out.

    Not the last error mypy printed before it crashed: that file is fine.  A
    crash at no file of the run is the gate's error (``_cause``).
    """
    if path is None or path not in files:
        return []
    message = (
        f"mypy crashed with an INTERNAL ERROR here{exception}; that is mypy's "
        "fault or a plugin's, not the code's: the file is left out and the "
        "other files were checked; report it to mypy, or exclude the file in "
        "mypy's config"
    )
    return [(tool_error("mypy", path, message, line), {path})]


def _bad_folder(files: Sequence[str], name: str) -> list[tuple[Finding, set[str]]]:
    """Each folder named like no Python package: a finding on its __init__.py."""
    base = Path(name).name
    found = []
    folders = {
        "/".join(parts[: i + 1])
        for f in files
        for parts in [f.split("/")[:-1]]
        for i, part in enumerate(parts)
        if part == base
    }
    for folder in sorted(folders):
        inside = {f for f in files if f.startswith(folder + "/")}
        first = f"{folder}/__init__.py"
        path = first if first in inside else min(inside)
        message = (
            f"mypy cannot check folder {folder}: it holds __init__.py but {base!r} "
            "is not a valid Python package name; its files are left out (rename "
            "it, or exclude it in mypy's config)"
        )
        found.append((tool_error("mypy", path, message), inside))
    return found
