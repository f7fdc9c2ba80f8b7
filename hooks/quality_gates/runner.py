"""Run the adapters concurrently, in batches, through the content-hash cache."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import math
import os
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from quality_gates import files as files_mod
from quality_gates import processes, program, sources, testfiles
from quality_gates.cache import Cache, key
from quality_gates.code_identity import identity
from quality_gates.findings import Finding, fingerprint_findings
from quality_gates.report import ToolRun
from quality_gates.tools import load
from quality_gates.tools.base import Adapter, Context, ToolCrashed, tool_error

MIN_BATCH_BYTES = 64 * 1024
# files that may crash a tool one by one before the tool itself is to blame
MAX_ISOLATED = 8


@dataclasses.dataclass
class Outcome:
    """What the runner found: fingerprinted findings, tool runs, errors, notes."""

    findings: list[Finding]
    tools: dict[str, ToolRun]
    errors: list[str]
    notes: list[str]
    sources: dict[str, sources.Source]
    fixed: list[str] = dataclasses.field(default_factory=list)
    # which files are tests, and what the suite's defaults leave out there
    tests: testfiles.Rule | None = None
    test_defaults: list[str] = dataclasses.field(default_factory=list)
    test_configs: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Task:
    """One tool process to start: an adapter, its files and their total size."""

    adapter: Adapter
    files: list[str]
    size: int

    @property
    def cost(self) -> float:
        """Estimate the task's run time, to start the longest tasks first."""
        return self.adapter.cost * max(self.size, 1)


# The layout of a cached result is part of every key: a new layout never reads an old.
RESULTS = "findings+fingerprints"


def _encode(findings: Sequence[Finding]) -> list[list[Any]]:
    return [
        [f.rule, f.severity, f.path, f.line, f.column, f.message, f.fingerprint]
        for f in findings
    ]


class WrongShape(ValueError):
    """A cached value (checksum valid) is not what this code writes."""


def _decode(tool: str, rows: object) -> list[Finding]:
    """Rebuild cached findings; raise WrongShape for what ``_encode`` never writes."""
    if not isinstance(rows, list):
        raise WrongShape(f"{type(rows).__name__}, not a list of findings")
    found = []
    for r in rows:
        if not (isinstance(r, list) and len(r) == 7):
            raise WrongShape(f"a finding of {len(r) if isinstance(r, list) else r!r}")
        text = [r[0], r[1], r[2], r[5], r[6]]
        if not all(isinstance(v, str) for v in text) or not all(
            type(v) is int for v in (r[3], r[4])
        ):
            raise WrongShape(f"a finding with wrong field types: {r!r:.80}")
        found.append(Finding(tool, r[0], r[1], r[2], r[3], r[4], r[5], r[6]))
    return found


def _syntax_entry(value: object) -> bool:
    """Tell whether a cached syntax verdict has the shape ``_syntax`` writes."""
    if not (isinstance(value, list) and len(value) == 2 and type(value[1]) is int):
        return False
    verdict = value[0]
    return verdict is None or (
        isinstance(verdict, list)
        and len(verdict) == 4
        and [type(v) for v in verdict] == [int, int, str, bool]
    )


def _verdict(name: str, text: str) -> list[Any] | None:
    """Judge a file's syntax: None, or [line, column, message, whether it parses]."""
    problem = sources.syntax_problem(name, text)
    if problem is None:
        return None
    return [problem.line, problem.column, problem.message, sources.parses(text)]


def batches(files: Sequence[str], sizes: dict[str, int], count: int) -> list[list[str]]:
    """Split files into at most ``count`` batches of similar byte size, in order."""
    total = sum(sizes[f] for f in files)
    count = max(1, min(count, len(files), total // MIN_BATCH_BYTES + 1))
    target = total / count
    out: list[list[str]] = [[]]
    acc = 0
    for name in files:
        if acc >= target * len(out) and len(out) < count:
            out.append([])
        out[-1].append(name)
        acc += sizes[name]
    return [b for b in out if b]


class Runner:
    """One run of the chosen tools over the chosen files."""

    def __init__(
        self,
        ctx: Context,
        tools: Sequence[str],
        *,
        jobs: int = 0,
        cache: Cache | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        """Prepare a run; ``jobs`` 0 means one job per core."""
        registry = load()
        self.ctx = ctx
        self.adapters = [registry[name] for name in tools]
        self.jobs = jobs or os.cpu_count() or 1
        self.cache = cache
        self.progress = progress or (lambda message: None)
        self.errors: list[str] = []
        # what the report should say beside the findings (files skipped, ...)
        self.notes: list[str] = []
        self.tools: dict[str, ToolRun] = {}
        # problems of the tools' configs, each on its config file's line
        self.config_findings: list[Finding] = []
        # what each tool's runs said about themselves (cached with its results)
        self.run_notes: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    # -- reading ----------------------------------------------------------
    def read_sources(
        self, files: Sequence[str], parsed: Collection[str] | None = None
    ) -> dict[str, sources.Source]:
        """Read the files once each, noting unreadable ones and syntax errors.

        ``parsed``: the files whose syntax matters, those a tool that parses
        Python checks (None: all); isort alone sorts a file as text.
        """
        read: dict[str, sources.Source] = {}
        texts: dict[str, str] = {}
        for name in files:
            refused = self._refused(name)
            if refused:
                self._error(refused)
                continue
            try:
                read[name], texts[name] = sources.read(self.ctx.root, name)
            except OSError as exc:
                self._error(f"{name}: cannot read: {exc.strerror}")
        self._syntax(
            {n: s for n, s in read.items() if parsed is None or n in parsed}, texts
        )
        return read

    def _refused(self, name: str) -> str | None:
        """Why ``name`` is not checked at all: its name, where it leads, its size."""
        target = files_mod.outside_link(self.ctx.root, name)
        if target is not None:
            return files_mod.outside_message(name, target)
        return (
            files_mod.line_break_in(name)
            or files_mod.not_utf8(name)
            or self._too_big(name)
        )

    def _too_big(self, name: str) -> str | None:
        limit = self.ctx.config.max_file_kb
        try:
            size = (self.ctx.root / name).stat().st_size
        except OSError:
            return None  # reading it says why
        if not limit or size <= limit * 1024:
            return None
        return (
            f"{name}: {size / 1024:,.0f} KB, over max-file-kb = {limit}: not checked "
            "(generated code?); exclude it (`exclude` in [tool.quality-gates]) or "
            "raise the limit (`max-file-kb`, or --max-file-kb)"
        )

    def _error(self, message: str) -> None:
        """Record an error once (the files are read again after --fix)."""
        if message not in self.errors:
            self.errors.append(message)

    def _syntax(self, read: dict[str, sources.Source], texts: dict[str, str]) -> None:
        todo = {n: s for n, s in read.items() if s.problem is None}
        code = identity("quality_gates.sources", "quality_gates.runner")
        keys = {
            n: key("compile+loc", sys.version, code, s.digest) for n, s in todo.items()
        }
        cached = self.cache.get_many(keys.values()) if self.cache else {}
        fresh: dict[str, Any] = {}
        for name, src in todo.items():
            k = keys[name]
            if _syntax_entry(cached.get(k)):
                verdict, src.known_loc = cached[k]
            else:
                verdict = _verdict(name, texts[name])
                fresh[k] = [verdict, src.loc]
            if verdict:
                line, column, message, src.parses = verdict
                src.problem = Finding(
                    "python", "E999", "error", name, line, column, message
                )
        if self.cache:
            self.cache.put_many(fresh)

    # -- fixing -----------------------------------------------------------
    def fix(self, files: Sequence[str]) -> list[str]:
        """Apply the fixers in place, in their ``fix_order``; return the files changed.

        Each fixer rewrites only the files its own run would (its exclusions),
        and only those valid enough for it (isort sorts any; black parses).
        """
        fixers = sorted(
            (a for a in self.adapters if a.can_fix), key=lambda a: a.fix_order
        )
        scoped = {a.name: set(a.select(self.ctx, files)) for a in fixers}
        before = self.read_sources(
            [n for n in files if n in set().union(*scoped.values())]
        )
        good = [n for n in files if n in before]
        sizes = {n: (self.ctx.root / n).stat().st_size for n in good}
        if good and fixers:
            names = ", ".join(a.name for a in fixers)
            self.progress(f"fixing {len(good)} file(s) with {names} ({self.jobs} jobs)")
        for adapter in fixers:
            mine = [
                n
                for n in good
                if n in scoped[adapter.name] and _usable(adapter, before[n])
            ]
            parts = batches(mine, sizes, self.jobs)
            with processes.pool(self.jobs) as pool:
                failures = pool.map(lambda part: self._fix_batch(adapter, part), parts)
                self.errors.extend(f for f in failures if f)
        after = self.read_sources(good)
        return [n for n in good if n in after and after[n].digest != before[n].digest]

    def _fix_batch(self, adapter: Adapter, part: list[str]) -> str | None:
        """Rewrite one batch in place; return why it failed, if it did."""
        try:
            proc = adapter.run(self.ctx, adapter.fix_args(self.ctx), part)
        except ToolCrashed as exc:
            return f"{adapter.name} --fix: {exc} (files: {_names(part)})"
        if proc.returncode == 0:
            return None
        tail = proc.stderr.strip().splitlines()
        return (
            f"{adapter.name} --fix failed (exit {proc.returncode}): "
            f"{tail[-1] if tail else 'no message'}"
        )

    # -- checking ---------------------------------------------------------
    def scopes(self, files: Sequence[str]) -> dict[str, list[str]]:
        """Each tool's files: those of ``files`` the project's own run would check.

        A whole-program tool's are its whole program (``Adapter.program``).
        """
        return {a.name: a.program(self.ctx, files) for a in self.adapters}

    def check(self, files: Sequence[str]) -> Outcome:
        """Run every tool on its files, through the cache, and collect the outcome.

        A file no tool checks (each tool's own exclusions) is not read at all;
        one that is not valid Python is a finding, and goes only to the tools
        that do not need it valid (``Adapter.syntax``).
        """
        scoped = self.scopes(files)
        self.config_findings = []
        wanted = set().union(*scoped.values())
        parsed = set().union(
            *(scoped[a.name] for a in self.adapters if a.syntax != "text")
        )
        srcs = self.read_sources([n for n in files if n in wanted], parsed)
        # a whole-program tool checks its whole scope whatever files were named
        # (see Adapter.program): those files go to it unless they are not Python
        program = self.read_sources(sorted(wanted - set(files)), parsed)
        every = {**program, **srcs}
        lines = sources.LinesOf(self.ctx.root, every)
        for src in srcs.values():
            if src.problem:
                src.problem.message += _not_given(self.adapters, scoped, src)
        problems = [s.problem for s in srcs.values() if s.problem]
        found = fingerprint_findings(problems, lines)
        todo: list[tuple[Adapter, list[str]]] = []
        pending_keys: dict[str, dict[str, str]] = {}
        for adapter in self.adapters:
            usable = [n for n in scoped[adapter.name] if _usable(adapter, every.get(n))]
            mine = self._ready(adapter, usable)
            if mine is None:
                continue
            keys = self._keys(adapter, mine, srcs)
            hits = self._hits(adapter.name, keys)
            misses = [n for n, k in keys.items() if k not in hits]
            hit = adapter.whole_program and keys and not misses
            run = self.tools[adapter.name]
            run.cached = len(mine) if hit else len(keys) - len(misses)
            run.files = len(mine)
            for findings in hits.values():
                found.extend(findings)
            if hit:
                self._cached_notes(keys["*"])
            pending_keys[adapter.name] = {n: keys[n] for n in misses}
            if misses or not keys:
                todo.append((adapter, mine if adapter.whole_program else misses))
        # cached findings carry their fingerprints; only fresh ones are computed
        found.extend(self._execute(self._plan(todo), pending_keys, lines))
        found.extend(fingerprint_findings(self.config_findings, lines))
        found.sort(key=Finding.sort_key)
        notes = self.notes + (list(self.cache.notes) if self.cache else [])
        return self._outcome(found, notes, srcs)

    def _outcome(
        self, found: list[Finding], notes: list[str], srcs: dict[str, sources.Source]
    ) -> Outcome:
        """Return the outcome, with which files are tests and the defaults there."""
        ctx = self.ctx
        return Outcome(
            found,
            self.tools,
            self.errors,
            notes,
            srcs,
            tests=ctx.tests,
            test_defaults=[d for a in self.adapters if (d := a.test_defaults(ctx))],
            test_configs=[d for a in self.adapters if (d := a.test_config(ctx))],
        )

    def _ready(self, adapter: Adapter, mine: list[str]) -> list[str] | None:
        """Return the tool's files, or None when it is missing, refused or idle."""
        run = self._tool_run(adapter)
        if run is None:
            return None
        refused = adapter.preflight(self.ctx)
        if refused:
            run.status, run.message = "error", refused
            self._error(refused)
            return None
        if not mine:
            run.status = "skipped"
            return None
        self.config_findings += adapter.config_findings(self.ctx)
        self._note(*adapter.notes(self.ctx))
        return mine

    def _note(self, *notes: str) -> None:
        """Add notes to the report, each once."""
        self.notes += [n for n in dict.fromkeys(notes) if n not in self.notes]

    def _keys(
        self, adapter: Adapter, mine: list[str], srcs: Mapping[str, sources.Source]
    ) -> dict[str, str]:
        """Return the result keys by file (one ``*`` for a whole-program tool)."""
        fp = adapter.fingerprint(self.ctx)
        if adapter.whole_program:
            stamp = self._program_stamp(adapter, mine)
            return {"*": key(adapter.name, RESULTS, fp, stamp)} if stamp else {}
        more = adapter.file_inputs(self.ctx, mine)  # only the files it names
        return {
            n: key(adapter.name, RESULTS, fp, n, srcs[n].digest, *more.get(n, ()))
            for n in mine
        }

    def _cached_notes(self, result: str) -> None:
        """Repeat the notes of the run whose result the cache gave."""
        k = _notes_key(result)
        notes = (self.cache.get_many([k]) if self.cache else {}).get(k)
        if isinstance(notes, list) and all(isinstance(n, str) for n in notes):
            self._note(*notes)

    def _hits(self, tool: str, keys: Mapping[str, str]) -> dict[str, list[Finding]]:
        """Return cached findings by key; a value of the wrong shape is a miss."""
        values = self.cache.get_many(keys.values()) if self.cache else {}
        hits = {}
        for name, k in keys.items():
            if k in values:
                try:
                    hits[k] = _decode(tool, values[k])
                except WrongShape as exc:
                    self.notes.append(
                        f"cache entry of {tool} for {name} had the wrong shape "
                        f"({exc}); checked again"
                    )
        return hits

    def _tool_run(self, adapter: Adapter) -> ToolRun | None:
        try:
            version = adapter.version()
        except Exception as exc:  # importlib.metadata.PackageNotFoundError and kin
            self.tools[adapter.name] = ToolRun(adapter.name, "", status="missing")
            self.errors.append(
                f"{adapter.name}: not installed in this environment ({exc}); "
                f"{adapter.install_hint()}"
            )
            return None
        run = ToolRun(adapter.name, version)
        self.tools[adapter.name] = run
        return run

    def _program_stamp(self, adapter: Adapter, files: Sequence[str]) -> str | None:
        """Stamp the named files and every module the tool may import, or None.

        None (the result is not cached) when the stamp cannot cover the search
        path: a wrong key would be a stale result, a missing one only a slower run.
        """
        try:
            folders = adapter.search_path(self.ctx, files)
            return key("\n".join(files), program.stamp(self.ctx.root, folders))
        except program.Uncovered as exc:
            self.notes.append(f"{adapter.name}: result not cached: {exc}")
            return None

    def _plan(self, todo: Sequence[tuple[Adapter, list[str]]]) -> list[Task]:
        """Batch every tool's files at once, by cost, so the workers finish together.

        Each batch pays the tool's start-up, so a tool is split only as far as
        balancing needs: into as many batches as its cost holds shares of the
        total cut in ``2 * jobs``.  mypy (whole-program) is never split.
        """
        sized = []
        for adapter, files in todo:
            sizes = {n: max((self.ctx.root / n).stat().st_size, 1) for n in files}
            sized.append((adapter, files, sizes, adapter.cost * sum(sizes.values())))
        share = sum(cost for *_, cost in sized) / (2 * self.jobs)
        tasks = []
        for adapter, files, sizes, cost in sized:
            if adapter.whole_program or self.jobs == 1:
                tasks.append(Task(adapter, files, sum(sizes.values())))
                continue
            count = min(math.ceil(cost / share), 2 * self.jobs)
            for part in batches(files, sizes, count):
                tasks.append(Task(adapter, part, sum(sizes[n] for n in part)))
        return tasks

    def _execute(
        self,
        tasks: list[Task],
        pending: dict[str, dict[str, str]],
        lines: sources.LinesOf,
    ) -> list[Finding]:
        if not tasks:
            return []
        names = sorted({t.adapter.name for t in tasks})
        count = len({f for t in tasks for f in t.files})
        self.progress(
            f"checking {count} file(s) with {', '.join(names)} ({self.jobs} jobs)"
        )
        tasks.sort(key=lambda t: t.cost, reverse=True)
        results: list[Finding] = []
        to_store: dict[str, Any] = {}
        with processes.pool(self.jobs) as pool:
            futures = {pool.submit(self._run_task, t): t for t in tasks}
            for future in concurrent.futures.as_completed(futures):
                task = futures[future]
                results += self._collect(task, future, pending, lines, to_store)
        if self.cache:
            self.cache.put_many(to_store)
        return results

    def _collect(
        self,
        task: Task,
        future: concurrent.futures.Future[tuple[list[Finding], float]],
        pending: dict[str, dict[str, str]],
        lines: sources.LinesOf,
        to_store: dict[str, Any],
    ) -> list[Finding]:
        """Return one finished task's findings; cacheable entries go to ``to_store``."""
        run = self.tools[task.adapter.name]
        try:
            findings, seconds = future.result()
        except ToolCrashed as exc:
            run.seconds += exc.seconds  # it ran that long before it failed
            run.status = "error"
            run.message = str(exc)
            self.errors.append(f"{exc} (files: {_names(task.files)})")
            # what it reported before it stopped: shown, never cached
            return fingerprint_findings(exc.findings, lines)
        run.seconds += seconds
        # an occurrence index counts within (path, tool, rule, line text):
        # all from this one task, so the fingerprints are final: cache them
        findings = fingerprint_findings(findings, lines)
        to_store.update(self._entries(task, findings, pending[task.adapter.name]))
        return findings

    def _entries(
        self, task: Task, findings: list[Finding], keys: dict[str, str]
    ) -> dict[str, Any]:
        if task.adapter.whole_program:
            if "*" not in keys:
                return {}
            notes = self.run_notes.get(task.adapter.name)
            extra = {_notes_key(keys["*"]): notes} if notes else {}
            return {keys["*"]: _encode(findings), **extra}
        per_file: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            per_file[f.path].append(f)
        return {keys[n]: _encode(per_file.get(n, [])) for n in task.files if n in keys}

    def _run_task(self, task: Task) -> tuple[list[Finding], float]:
        start = time.perf_counter()
        try:
            findings = self._check_or_isolate(task)
        except ToolCrashed as exc:
            exc.seconds = time.perf_counter() - start
            raise
        return findings, time.perf_counter() - start

    def _check_or_isolate(self, task: Task) -> list[Finding]:
        try:
            return self._check_files(task.adapter, task.files)
        except ToolCrashed as exc:
            if task.adapter.whole_program or len(task.files) < 2 or not exc.traceback:
                raise
            return self._isolate(task.adapter, task.files, exc, [MAX_ISOLATED])

    def _check_files(self, adapter: Adapter, files: Sequence[str]) -> list[Finding]:
        args = adapter.check_args(self.ctx) + adapter.run_args(self.ctx)
        proc = adapter.run(self.ctx, args, files)
        with self._lock:  # batches of one tool run at once
            self._note(*proc.notes)
            self.run_notes.setdefault(adapter.name, []).extend(proc.notes)
        findings = adapter.parse(self.ctx, files, proc)
        if proc.returncode != 0 and not findings:
            proc.crash(adapter.name, (0,))
        if not adapter.whole_program:
            _only_given(adapter.name, findings, files)
        return findings

    def _isolate(
        self, adapter: Adapter, files: Sequence[str], exc: ToolCrashed, left: list[int]
    ) -> list[Finding]:
        """Rerun a crashed batch by halves, down to the files that crash the tool.

        Each file that crashes the tool alone becomes its own finding, with the
        tool's message; every other file keeps its results.  Past
        ``MAX_ISOLATED`` such files the cause is not a file: a tool error.
        """
        if len(files) == 1:
            left[0] -= 1
            if left[0] < 0:
                raise ToolCrashed(
                    f"{exc}; it also crashed on each of {MAX_ISOLATED} files run "
                    "alone, so the cause is not one file: check the tool's "
                    "installation and configuration"
                )
            return [_crash_finding(adapter.name, files[0], exc)]
        half = len(files) // 2
        found: list[Finding] = []
        for part in (files[:half], files[half:]):
            try:
                found += self._check_files(adapter, part)
            except ToolCrashed as inner:
                if not inner.traceback:
                    raise
                found += self._isolate(adapter, part, inner, left)
        return found


def _usable(adapter: Adapter, src: sources.Source | None) -> bool:
    """Tell whether to give the tool the file: read, and as valid as it needs."""
    if src is None:
        return False
    if src.problem is None:
        return True
    if src.problem.rule != "E999":
        return False  # not decodable: no tool reads it
    return adapter.syntax == "text" or (adapter.syntax == "parse" and src.parses)


def _not_given(
    adapters: Sequence[Adapter], scoped: Mapping[str, list[str]], src: sources.Source
) -> str:
    """Name the tools that would have reported the problem and were not given it.

    One finding per cause, but each tool's own run reports it too: so a
    count by tool still adds up.
    """
    names = [
        a.name for a in adapters if src.path in scoped[a.name] and not _usable(a, src)
    ]
    if not names:
        return ""
    listed = (
        names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    )
    which = "which was" if len(names) == 1 else "which were"
    return f" (reported once for {listed}, {which} not given the file)"


def _notes_key(result: str) -> str:
    """Key the notes of a whole-program run by its result's key."""
    return key(result, "notes")


def _crash_finding(tool: str, path: str, exc: ToolCrashed) -> Finding:
    detail = str(exc).split(": ", 1)[-1]
    return tool_error(
        tool,
        path,
        f"{tool} crashed on this file ({detail}); the other files were checked. "
        f"The fault is {tool}'s or a plugin's: report it, or exclude this file "
        f"in {tool}'s config",
    )


def _only_given(tool: str, findings: Sequence[Finding], files: Sequence[str]) -> None:
    """Refuse findings on files the tool was not given: its output was misread.

    Cached per file, such a finding would leave the real file's entry empty:
    a pass on every later run.
    """
    stray = sorted({f.path for f in findings} - set(files))
    if stray:
        raise ToolCrashed(
            f"{tool}: output names a file it was not given ({stray[0]!r}); "
            "not trusted, not cached"
        )


def _names(files: Sequence[str]) -> str:
    return ", ".join(files[:3]) + (
        f" and {len(files) - 3} more" if len(files) > 3 else ""
    )
