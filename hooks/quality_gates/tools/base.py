"""What a tool adapter provides, and the helpers adapters share."""

from __future__ import annotations

import configparser
import dataclasses
import functools
import hashlib
import os
import re
import subprocess  # nosec B404 - tools run with argument lists, never a shell
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from quality_gates import processes, testfiles
from quality_gates.code_identity import identity
from quality_gates.config_files import CONFIG_FILES
from quality_gates.findings import Finding
from quality_gates.hook_args import Carried, translate
from quality_gates.tool_env import tool_environment
from quality_gates.whole_program_stamp import ancestors

if TYPE_CHECKING:  # config validates against this registry: no import circle
    from quality_gates.config import Config

REGISTRY: dict[str, Adapter] = {}
A = TypeVar("A", bound="type[Adapter]")


def register(cls: A) -> A:
    """Class decorator: make an adapter available under its ``name``."""
    REGISTRY[cls.name] = cls()
    return cls


class ToolCrashed(Exception):
    """The tool did not produce output we can trust.

    ``findings`` are the ones it did report before it stopped: real, shown,
    but never cached, since the rest of the result is missing.
    """

    def __init__(
        self,
        message: str,
        findings: Sequence[Finding] = (),
        *,
        traceback: bool = False,
    ) -> None:
        """Say what went wrong, keeping what the tool reported before it did.

        ``traceback``: an uncaught exception while checking, which one file
        can cause; not a usage or config error, which every file meets.
        """
        super().__init__(message)
        self.findings = list(findings)
        self.traceback = traceback
        # how long the tool ran before it failed: the runner fills it in
        self.seconds = 0.0


def tool_error(tool: str, path: str, message: str, line: int = 1) -> Finding:
    """Make the finding of a file the tool could not check (the others were)."""
    return Finding(tool, "tool-error", "error", path, max(line, 1), 1, message)


def config_error(tool: str, path: str, line: int, message: str) -> Finding:
    """Make the finding of a problem in the tool's config, on the config's line.

    The tool still runs on everything else; the finding fails the gate until
    the config is fixed or the finding is baselined.
    """
    return Finding(tool, "config-error", "error", path, max(line, 1), 1, message)


@dataclasses.dataclass
class Context:
    """What an adapter may know about the project it checks."""

    root: Path
    config: Config
    # the git-tracked Python files, when the run listed them (--all-files):
    # mypy's whole program without a second ``git ls-files``
    tracked: tuple[str, ...] | None = None

    @functools.cached_property
    def tests(self) -> testfiles.Rule:
        """Which files are tests: ``test-files``, else as pytest finds them."""
        return testfiles.load(self.root, self.config.test_files)


class Adapter:
    """One checker.  Subclasses set the class variables and the three methods.

    The class is the one place that knows a tool: what installs it, whether
    it is in the default set, what its findings cost, where its rules are
    documented, when it fixes; the rest of the suite asks the registry.
    """

    name: ClassVar[str]
    distribution: ClassVar[str]
    # distributions it runs with (plugins), listed by ``quality-gates --version``
    plugins: ClassVar[tuple[str, ...]] = ()
    module: ClassVar[str]
    # its documentation: the SARIF driver's informationUri
    uri: ClassVar[str]
    # init: the pre-commit hooks that run this tool, by repository (normalised
    # URL, adopt/known.normalise) -> hook ids; and a hook's args when the
    # project's config gives none (its manifest's), by (repository, id)
    hooks: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    manifest_args: ClassVar[Mapping[tuple[str, str], tuple[str, ...]]] = {}
    # init: other projects' hooks that do this tool's job (another import
    # sorter for isort); kept, and the gate runs no such tool beside them
    rival_hooks: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    # init: hooks of another project's repository that ran this tool until
    # that repository dropped them (pre-commit-hooks' ``flake8``): replaced as
    # ``hooks`` are, and said so; its other hooks are kept without a word.
    # repository -> hook id -> what the hook was
    retired_hooks: ClassVar[Mapping[str, Mapping[str, str]]] = {}
    # init: where a hook's settings go (``hook_settings``): the key of the line
    # length in the tool's config, the ini sections it reads (setup.cfg's
    # second one only there), the file init starts when the tool has none
    line_key: ClassVar[str | None] = None
    ini_sections: ClassVar[tuple[str, ...]] = ()
    new_config: ClassVar[str] = "pyproject.toml"
    # what the tool does, for init's offer lines
    purpose: ClassVar[str] = ""
    # the category that sets its findings' default cost (score.CATEGORY_MINUTES)
    rule_category: ClassVar[str] = "other"
    # in the tools a project runs unless it names its own (``tools``/``--tools``)
    default: ClassVar[bool] = True
    # the quality-gates extra that installs an optional tool (None: a dependency)
    extra: ClassVar[str | None] = None
    whole_program: ClassVar[bool] = False
    # how valid a file must be to be given to it (else a python E999 stands in):
    # "compile" (it would fail on the file, or on its whole batch), "parse"
    # (it parses but never compiles: `return` outside a function is fine),
    # "text" (it reads code as text: isort)
    syntax: ClassVar[str] = "compile"
    can_fix: ClassVar[bool] = False
    # fixers run in ascending order: imports sorted before the code is formatted
    fix_order: ClassVar[int] = 0
    # relative CPU per byte of source, to batch and schedule the work: measured on
    # pytest's sdist (117k lines), CPU seconds: black --fast 27, flake8 10,
    # bandit 5.5, mypy 4.5 (cold), isort 0.5
    cost: ClassVar[float] = 1.0
    # a formatter whose line length the suite's defaults follow: asked in this
    # order (config.formatter_line_length); None: not a formatter
    formatter_rank: ClassVar[int | None] = None

    def version(self) -> str:
        """Return the installed version of the tool's distribution."""
        return distribution_version(self.distribution)

    def category(self, rule: str) -> str:
        """Return the category of a finding of ``rule`` (see score.category)."""
        return self.rule_category

    def extra_requirements(self) -> tuple[str, ...]:
        """Return what installs an optional tool: its extra's pins, without marker.

        Read from the suite's own metadata (``ruff==0.17.6`` for ``[ruff]``);
        init adds them to the gate hook's environment when the gate runs it.
        """
        if not self.extra:
            return ()
        import importlib.metadata

        from packaging.requirements import Requirement

        try:
            lines = importlib.metadata.requires("quality-gates") or []
        except importlib.metadata.PackageNotFoundError:
            return ()
        found = []
        for line in lines:
            req = Requirement(line)
            marker, req.marker = req.marker, None
            if marker is not None and marker.evaluate({"extra": self.extra}):
                if not marker.evaluate({"extra": ""}):
                    found.append(str(req))
        return tuple(found)

    def install_hint(self) -> str:
        """Say how to install the tool when it is missing."""
        if self.extra:
            return f"install it with pip install 'quality-gates[{self.extra}]'"
        return "reinstall quality-gates, which pins it"

    def own_config(self, ctx: Context) -> str | None:
        """Where the project configures this tool itself, or None."""
        return None

    def line_length_sources(
        self, root: Path, pyproject: Mapping[str, Any]
    ) -> list[tuple[object, str]]:
        """Return the tables that may say the line length, first one wins, named.

        Read by ``config.formatter_line_length``, for formatters only.
        """
        return []

    def editor_settings(self, root: Path) -> dict[str, int]:
        """Return the settings the tool reads from ``.editorconfig``, as its keys.

        init keeps them in a config it starts for the tool (isort's line length).
        """
        return {}

    def default_args(self, ctx: Context) -> list[str]:
        """Return the suite's defaults, for a project with no config of its own."""
        return []

    def hook_settings(self, args: Sequence[str]) -> Carried:
        """Return what a pre-commit hook's ``args`` mean as this tool's config keys.

        init writes them where the gate's run of the tool reads them; what has
        no config equivalent is in ``dropped``.  By default nothing has one.
        """
        return translate(args, {})

    def kept_hooks_do(
        self,
        root: Path,
        pyproject: Mapping[str, Any],
        hooks: Sequence[tuple[str, Sequence[str]]],
    ) -> dict[str, str]:
        """Return the default tools whose job this tool's kept hooks do, and which.

        For an optional tool, whose hooks init keeps: ``hooks`` are the found
        ones as (id, args), ``pyproject`` pyproject.toml as init plans it; the
        answer maps a tool to the hook that does its job.
        """
        return {}

    def test_defaults(self, ctx: Context) -> str | None:
        """Say what the suite's defaults leave out of test files (``testfiles``).

        None: nothing, or the project's own config for it decides.
        """
        return None

    def test_config(self, ctx: Context) -> str | None:
        """Name the project's own config that decides instead of ``test_defaults``."""
        return None

    def file_inputs(
        self, ctx: Context, files: Sequence[str]
    ) -> dict[str, tuple[str, ...]]:
        """Return, by file, what else decides its result: part of its cache key.

        Whether a file is a test, where ``test_defaults`` apply: a changed
        ``testpaths`` checks again the files it moves, and only those.
        """
        if not self.test_defaults(ctx):
            return {}
        return {name: ("test file",) for name in files if ctx.tests(name)}

    def select(self, ctx: Context, files: Sequence[str]) -> list[str]:
        """Return the files of ``files`` that the project's own run of the tool checks.

        The runner names files, and tools apply their exclusions only while
        walking folders: each adapter answers as its tool's own walk from the
        project root would (see ``tools/walk.py``).
        """
        mine = list(filter(self.reads(ctx), files))
        return list(filter(self.scope(ctx, mine), mine))

    def reads(self, ctx: Context) -> Callable[[str], bool]:
        """Tell which kinds of file the tool's own run checks (``.py``...).

        The runner's files are every kind some tool checks (``files.is_source``):
        Python sources and stubs by default.
        """
        return lambda path: path.endswith((".py", ".pyi"))

    def program(self, ctx: Context, files: Sequence[str]) -> list[str]:
        """Return what a run naming ``files`` checks: ``select``, or more (mypy)."""
        return self.select(ctx, files)

    def scope(self, ctx: Context, files: Sequence[str]) -> Callable[[str], bool]:
        """Return the rule of ``select`` for one file (by default: every file)."""
        return lambda path: True

    def check_args(self, ctx: Context) -> list[str]:
        """Return the arguments of a checking run (they are fingerprinted)."""
        raise NotImplementedError

    def fix_args(self, ctx: Context) -> list[str]:
        """Return the arguments that rewrite files in place (fixers only)."""
        raise NotImplementedError

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        """Turn the tool's output into findings; raise ToolCrashed on bad output."""
        raise NotImplementedError

    def preflight(self, ctx: Context) -> str | None:
        """Why the tool cannot give a trustworthy result here, before it runs."""
        return None

    def config_findings(self, ctx: Context) -> list[Finding]:
        """Problems of the project's config of the tool, found before it runs.

        Each is a finding on the config file's line (``config_error``): the
        tool's own run would stop there, or silently check less, while the
        gate reports it and still runs the tool on everything else.
        """
        return []

    def notes(self, ctx: Context) -> list[str]:
        """Say how the gate's run of the tool differs from the tool's own run here."""
        return []

    def below_threshold(self, ctx: Context) -> Callable[[Finding], bool] | None:
        """Tell the findings under the project's thresholds for this tool.

        The tool reports every level, so such a finding is known to be there:
        it is not reported, and a baseline does not take it for fixed.  None:
        the tool has no thresholds here.
        """
        return None

    def run_args(self, ctx: Context) -> list[str]:
        """Arguments that do not change results (cache locations): not fingerprinted."""
        return []

    def worker_args(self, ctx: Context, args: Sequence[str], jobs: int) -> list[str]:
        """Arguments that run the tool on ``jobs`` cores, added to ``args``.

        None by default.  They do not change results: not fingerprinted.
        """
        return []

    def settings(self, ctx: Context) -> list[str]:
        """Return the suite's defaults unless the project configures the tool itself."""
        return [] if self.own_config(ctx) else self.default_args(ctx)

    def config_inputs(self, ctx: Context) -> list[str]:
        """Text whose change must invalidate cached results (config contents)."""
        return [config_text(ctx.root, name) for name in CONFIG_FILES]

    def search_path(self, ctx: Context, files: Sequence[str]) -> list[Path]:
        """Folders a whole-program tool may import from (``whole_program_stamp``)."""
        return ancestors(ctx.root, files)

    def identity(self) -> str:
        """Hash the suite's code that shapes this tool's results (see code_identity)."""
        return identity(type(self).__module__, "quality_gates.runner")

    def fingerprint(self, ctx: Context) -> str:
        """Hash the tool, its version, arguments and config: part of each cache key.

        Config enters every key here; the suite's own code does too (``identity``).
        """
        parts = [
            self.name,
            self.version(),
            self.identity(),
            *self.check_args(ctx),
            *self.config_inputs(ctx),
        ]
        return hashlib.sha256(
            "\0".join(parts).encode("utf-8", "surrogateescape")
        ).hexdigest()

    def command(self, args: Sequence[str], files: Sequence[str]) -> list[str]:
        """Return the command line: the tool's module under this interpreter.

        ``-P``: ``python -m`` puts the current folder (the project root) first
        on sys.path, so a project's own ``black.py`` or ``mypy/`` package would
        run instead of the pinned tool, report nothing, and pass.
        """
        return [sys.executable, "-P", "-m", self.module, *args, "--", *files]

    def cores_env(self, cores: int) -> dict[str, str]:
        """Return the environment that keeps the tool to ``cores`` threads.

        None by default: the tool's own parallelism is left as it is.
        """
        return {}

    def run(self, ctx: Context, args: Sequence[str], files: Sequence[str]) -> Proc:
        """Run the tool on ``files`` in the project root and capture its output."""
        return self.spawn(ctx, args, files)

    def spawn(
        self,
        ctx: Context,
        args: Sequence[str],
        files: Sequence[str],
        env: Mapping[str, str] | None = None,
        on_line: Callable[[str], None] | None = None,
    ) -> Proc:
        """Start the tool's command and capture its output.

        ``env`` adds variables to the tools' environment; ``on_line`` sees each
        line of output as it comes.  A process past ``tool-timeout`` is
        killed: ToolCrashed, never a result.
        """
        limit = ctx.config.tool_timeout
        shared = processes.cores()
        threads = self.cores_env(shared) if shared else {}
        try:
            # in a process group of its own, stopped with the run (processes)
            proc = processes.run(
                self.command(args, files),
                cwd=ctx.root,
                env={**tool_environment(), **threads, **(env or {})},
                errors="surrogateescape",  # a file name that is not UTF-8 round-trips
                timeout=limit or None,
                on_line=on_line,
            )
        except subprocess.TimeoutExpired:
            raise ToolCrashed(
                f"{self.name} timed out after {limit:g} s and was stopped; raise "
                "`tool-timeout` in [tool.quality-gates] (or --tool-timeout), or "
                "exclude the files"
            ) from None
        return Proc(proc.returncode, proc.stdout, proc.stderr)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.lru_cache(maxsize=1)
def _dist_infos() -> dict[str, str]:
    """Map each distribution on sys.path (normalised name) to its version.

    Read from the ``NAME-VERSION.dist-info`` folder names: one listing per
    sys.path entry, instead of importlib.metadata, whose import alone (email,
    zipfile, csv) costs a warm run ~20 ms.  The first entry wins, as for imports.
    """
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist, _, version = name[: -len(".dist-info")].partition("-")
                if version[:1].isdigit():
                    found.setdefault(_normalise(dist), version)
    return found


def distribution_version(name: str) -> str:
    """Return the installed version of ``name`` (PackageNotFoundError if none)."""
    version = _dist_infos().get(_normalise(name))
    if version:
        return version
    import importlib.metadata

    return importlib.metadata.version(name)


@dataclasses.dataclass
class Proc:
    """A finished tool process: exit code, decoded output, notes for the report."""

    returncode: int
    stdout: str
    stderr: str
    # what the report should say of how the tool was run (mypy: run twice, why;
    # what it said of its config)
    notes: list[str] = dataclasses.field(default_factory=list)
    # what the report should say of this run only, never of its cached results
    # (mypy: its workers did not start in time)
    passing_notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def traceback(self) -> bool:
        """Tell whether the tool died of an uncaught exception."""
        return "Traceback (most recent call last)" in self.stderr

    def detail(self) -> str:
        """Return the line that says why the tool stopped.

        A traceback's last stderr line (the exception); else the first line
        that says "error"; else the last line of output.
        """
        if self.traceback:
            lines = self.stderr.strip().split("\n")
        else:
            lines = (self.stderr + "\n" + self.stdout).strip().split("\n")
        tail = [ln.strip() for ln in lines if ln.strip()]
        errors = [ln for ln in tail if "error" in ln.lower() and not self.traceback]
        return (errors or tail or ["no message"])[0 if errors else -1]

    def crash(self, tool: str, expected: Sequence[int]) -> None:
        """Raise ToolCrashed when the exit code or a traceback says so."""
        if self.returncode not in expected or self.traceback:
            what = "crashed" if self.traceback else "failed"
            raise ToolCrashed(
                f"{tool} {what} (exit {self.returncode}): {self.detail()}",
                traceback=self.traceback,
            )


def config_text(root: Path, name: str) -> str:
    """Return the name and text of a config file (just the name when unreadable)."""
    try:
        return name + "\0" + (root / name).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return name + "\0"


def read_ini(path: Path) -> configparser.RawConfigParser:
    """Read an ini-style config as the tools do; an unreadable one reads empty."""
    try:
        return read_ini_text(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return configparser.RawConfigParser()


def read_ini_text(text: str) -> configparser.RawConfigParser:
    """Parse ini-style text as the tools do; a malformed one reads empty."""
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return configparser.RawConfigParser()
    return parser


# a section or table header: [flake8], [tool.mypy], [[tool.mypy.overrides]]
_HEADER = re.compile(r"^\s*\[\[?[\w.\-\s\"':]+\]\]?\s*(#.*)?$")


def config_line(root: Path, name: str, section: str, key: str | None = None) -> int:
    """Return the line of ``key`` in ``section`` of the config file ``name``.

    ``section`` is an ini section (``flake8``) or a TOML table (``tool.mypy``);
    a key matches spelled with ``-`` or ``_``.  The section's header line when
    the key is not found (a default), else 1.
    """
    try:
        text = (root / name).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 1
    header = re.compile(r"^\s*\[\s*" + re.escape(section) + r"\s*\]\s*(#.*)?$")
    spellings = {key, key.replace("-", "_"), key.replace("_", "-")} if key else set()
    wanted = "|".join(re.escape(k) for k in spellings)
    item = re.compile(rf"^\s*[\"']?(?:{wanted})[\"']?\s*[=:]") if key else None
    start = 0
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        if header.match(line):
            start = number
        elif start and _HEADER.match(line):
            break  # the next section: the key is not set here
        elif start and item is not None and item.match(line):
            return number
    return start or 1


def ini_has_section(root: Path, name: str, *sections: str) -> bool:
    """Tell whether the ini-style file ``name`` has one of ``sections``."""
    try:
        text = (root / name).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    headers = {m.group(1).strip() for m in re.finditer(r"^\s*\[([^\]]+)\]", text, re.M)}
    return any(section in headers for section in sections)


def pyproject_tool(ctx: Context, name: str) -> bool:
    """Tell whether pyproject.toml has a ``[tool.<name>]`` table."""
    tool = ctx.config.pyproject.get("tool", {})
    return isinstance(tool, dict) and name in tool


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def diff_lines(diff: str) -> list[tuple[str, int, int, int]]:
    """One (path, line, lines removed, lines added) per line a formatter changes.

    A formatter's finding is each line of the file its diff removes or
    rewrites, at that line: so its fingerprint is that line's own text (see
    ``findings``), and clean lines added above, below or between them change
    nothing, while a new badly formatted line is a finding of its own.  Lines
    only inserted (blank lines before a ``def``) flag the line they go before
    (the last line at the end of the file).  The counts are the hunk's.

    Blank lines inserted beside blank lines flag the first line after those
    blank lines: difflib may put the same insertion before or after a blank
    line, and which it picks changes with the rest of the file (a block fixed
    above it), so the flagged line, and the fingerprint, would change too.
    """
    found: list[tuple[str, int, int, int]] = []
    for hunk in _hunks(diff):
        old_line = hunk.start
        flagged: list[int] = []
        previous = " "
        for index, kind in enumerate(text[:1] for text in hunk.lines):
            if kind == "-":
                flagged.append(old_line)
                old_line += 1
            elif kind == "+" and previous == " ":
                # an insertion before this line (past blank lines, if blank)
                flagged.append(old_line + _blank_run(hunk.lines, index))
            elif kind == " ":
                old_line += 1
            previous = kind
        kinds = [text[:1] for text in hunk.lines]
        counts = (kinds.count("-"), kinds.count("+"))
        last = max(old_line - 1, 1)
        for line in dict.fromkeys(flagged):
            found.append((hunk.path, max(min(line, last), 1), *counts))
    return found


def _blank_run(lines: Sequence[str], start: int) -> int:
    """Count the blank context lines after the insertion at ``start``, if blank.

    0 when the insertion at ``lines[start]`` adds a line that is not blank.
    """
    index = start
    while index < len(lines) and lines[index][:1] == "+":
        if lines[index][1:].strip():
            return 0
        index += 1
    count = 0
    while index + count < len(lines) and lines[index + count][:1] == " ":
        if lines[index + count][1:].strip():
            break
        count += 1
    return count


@dataclasses.dataclass
class _Hunk:
    path: str
    start: int  # the first old line the hunk shows (-1: a file header)
    lines: list[str] = dataclasses.field(default_factory=list)


def _hunks(diff: str) -> list[_Hunk]:
    """Split a unified diff into its hunks."""
    hunks: list[_Hunk] = []
    path = ""
    for text in diff.split("\n"):  # a form feed in a source line is not a break
        text = text.removeprefix("\ufeff")  # black echoes a file's UTF-8 BOM
        if text.startswith("--- "):
            # "--- PATH\tTIMESTAMP": the path may hold a tab, the timestamp never
            path = text[4:].rsplit("\t", 1)[0]
            hunks.append(_Hunk(path, -1))  # no hunk yet: lines are not taken
        elif text.startswith("+++ "):
            continue
        elif (m := _HUNK.match(text)) is not None:
            hunks.append(_Hunk(path, int(m.group(1))))
        elif hunks and hunks[-1].start >= 0 and text[:1] in ("-", "+", " "):
            hunks[-1].lines.append(text)
    return [h for h in hunks if h.lines]
