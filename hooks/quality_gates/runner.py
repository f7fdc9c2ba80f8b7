"""Run the adapters concurrently, in batches, through the content-hash cache."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import math
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from quality_gates import program, sources
from quality_gates.cache import Cache, key
from quality_gates.code_identity import identity
from quality_gates.findings import Finding, fingerprint_findings
from quality_gates.report import ToolRun
from quality_gates.tools import load
from quality_gates.tools.base import Adapter, Context, ToolCrashed

MIN_BATCH_BYTES = 64 * 1024


@dataclasses.dataclass
class Outcome:
    """What the runner found: fingerprinted findings, tool runs, errors, notes."""

    findings: list[Finding]
    tools: dict[str, ToolRun]
    errors: list[str]
    notes: list[str]
    sources: dict[str, sources.Source]
    fixed: list[str] = dataclasses.field(default_factory=list)


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
        and len(verdict) == 3
        and [type(v) for v in verdict] == [int, int, str]
    )


class LinesOf(Mapping[str, Sequence[str]]):
    """Lines of a file by path: the sources read this run, else the disk; once each.

    Fingerprints need the flagged line's text; only files with fresh findings
    are split into lines, so a warm run splits none.
    """

    def __init__(self, root: Path, srcs: Mapping[str, sources.Source]) -> None:
        """Look up ``srcs`` first, then files under ``root``."""
        self.root = root
        self.srcs = srcs
        self.other: dict[str, list[str]] = {}

    def __getitem__(self, path: str) -> Sequence[str]:
        """Return the lines of ``path`` (none for a missing or unreadable file)."""
        src = self.srcs.get(path)
        if src is not None:
            return src.lines
        if path not in self.other:
            full = self.root / path
            try:
                text = full.read_text(errors="replace") if full.is_file() else ""
            except OSError:
                text = ""
            self.other[path] = text.splitlines()
        return self.other[path]

    def __iter__(self) -> Iterator[str]:
        """Iterate over the paths read this run."""
        return iter(self.srcs)

    def __len__(self) -> int:
        """Count the paths read this run."""
        return len(self.srcs)


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
        self.notes: list[str] = []
        self.tools: dict[str, ToolRun] = {}

    # -- reading ----------------------------------------------------------
    def read_sources(self, files: Sequence[str]) -> dict[str, sources.Source]:
        """Read the files once each, noting unreadable ones and syntax errors."""
        read: dict[str, sources.Source] = {}
        texts: dict[str, str] = {}
        for name in files:
            try:
                read[name], texts[name] = sources.read(self.ctx.root, name)
            except OSError as exc:
                self.errors.append(f"{name}: cannot read: {exc.strerror}")
        self._syntax(read, texts)
        return read

    def _syntax(self, read: dict[str, sources.Source], texts: dict[str, str]) -> None:
        todo = {n: s for n, s in read.items() if s.problem is None}
        code = identity("quality_gates.sources", "quality_gates.runner")
        keys = {
            n: key("syntax+loc", sys.version, code, s.digest) for n, s in todo.items()
        }
        cached = self.cache.get_many(keys.values()) if self.cache else {}
        fresh: dict[str, Any] = {}
        for name, src in todo.items():
            k = keys[name]
            if _syntax_entry(cached.get(k)):
                verdict, src.known_loc = cached[k]
            else:
                problem = sources.syntax_problem(name, texts[name])
                verdict = (
                    [problem.line, problem.column, problem.message] if problem else None
                )
                fresh[k] = [verdict, src.loc]
            if verdict:
                src.problem = Finding(
                    "python", "E999", "error", name, verdict[0], verdict[1], verdict[2]
                )
        if self.cache:
            self.cache.put_many(fresh)

    # -- fixing -----------------------------------------------------------
    def fix(self, files: Sequence[str]) -> list[str]:
        """Apply isort then black in place; return the files they changed."""
        before = self.read_sources(files)
        good = [n for n in files if n in before and before[n].problem is None]
        sizes = {n: (self.ctx.root / n).stat().st_size for n in good}
        for adapter in sorted(
            (a for a in self.adapters if a.can_fix), key=lambda a: a.name != "isort"
        ):
            parts = batches(good, sizes, self.jobs)
            with concurrent.futures.ThreadPoolExecutor(self.jobs) as pool:
                procs = pool.map(
                    lambda part: adapter.run(
                        self.ctx, adapter.fix_args(self.ctx), part
                    ),
                    parts,
                )
                for proc in procs:
                    if proc.returncode != 0:
                        tail = proc.stderr.strip().splitlines()
                        self.errors.append(
                            f"{adapter.name} --fix failed (exit {proc.returncode}): "
                            f"{tail[-1] if tail else 'no message'}"
                        )
        after = self.read_sources(good)
        return [n for n in good if n in after and after[n].digest != before[n].digest]

    # -- checking ---------------------------------------------------------
    def check(self, files: Sequence[str]) -> Outcome:
        """Run every tool on the files, through the cache, and collect the outcome."""
        srcs = self.read_sources(files)
        good = [n for n in files if n in srcs and srcs[n].problem is None]
        lines = LinesOf(self.ctx.root, srcs)
        problems = [s.problem for s in srcs.values() if s.problem]
        found = fingerprint_findings(problems, lines)
        todo: list[tuple[Adapter, list[str]]] = []
        pending_keys: dict[str, dict[str, str]] = {}
        for adapter in self.adapters:
            run = self._tool_run(adapter)
            if run is None:
                continue
            if not good:
                run.status = "skipped"
                continue
            fp = adapter.fingerprint(self.ctx)
            if adapter.whole_program:
                stamp = self._program_stamp(adapter, good)
                keys = {"*": key(adapter.name, RESULTS, fp, stamp)} if stamp else {}
            else:
                keys = {
                    n: key(adapter.name, RESULTS, fp, n, srcs[n].digest) for n in good
                }
            hits = self._hits(adapter.name, keys)
            misses = [n for n, k in keys.items() if k not in hits]
            hit = adapter.whole_program and keys and not misses
            run.cached = len(good) if hit else len(keys) - len(misses)
            run.files = len(good)
            for findings in hits.values():
                found.extend(findings)
            pending_keys[adapter.name] = {n: keys[n] for n in misses}
            if misses or not keys:
                todo.append((adapter, good if adapter.whole_program else misses))
        # cached findings carry their fingerprints; only fresh ones are computed
        found.extend(self._execute(self._plan(todo), pending_keys, lines))
        found.sort(key=Finding.sort_key)
        notes = (list(self.cache.notes) if self.cache else []) + self.notes
        return Outcome(found, self.tools, self.errors, notes, srcs)

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
                "reinstall quality-gates, which pins it"
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
        self, tasks: list[Task], pending: dict[str, dict[str, str]], lines: LinesOf
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
        with concurrent.futures.ThreadPoolExecutor(self.jobs) as pool:
            futures = {pool.submit(self._run_task, t): t for t in tasks}
            for future in concurrent.futures.as_completed(futures):
                task = futures[future]
                run = self.tools[task.adapter.name]
                try:
                    findings, seconds = future.result()
                except ToolCrashed as exc:
                    run.status = "error"
                    run.message = str(exc)
                    self.errors.append(f"{exc} (files: {_names(task.files)})")
                    continue
                run.seconds += seconds
                # an occurrence index counts within (path, tool, rule, line text):
                # all from this one task, so the fingerprints are final: cache them
                findings = fingerprint_findings(findings, lines)
                results.extend(findings)
                to_store.update(
                    self._entries(task, findings, pending[task.adapter.name])
                )
        if self.cache:
            self.cache.put_many(to_store)
        return results

    def _entries(
        self, task: Task, findings: list[Finding], keys: dict[str, str]
    ) -> dict[str, Any]:
        if task.adapter.whole_program:
            return {keys["*"]: _encode(findings)} if "*" in keys else {}
        per_file: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            per_file[f.path].append(f)
        return {keys[n]: _encode(per_file.get(n, [])) for n in task.files if n in keys}

    def _run_task(self, task: Task) -> tuple[list[Finding], float]:
        adapter = task.adapter
        start = time.perf_counter()
        args = adapter.check_args(self.ctx) + adapter.run_args(self.ctx)
        proc = adapter.run(self.ctx, args, task.files)
        findings = adapter.parse(self.ctx, task.files, proc)
        if proc.returncode != 0 and not findings:
            proc.crash(adapter.name, (0,))
        return findings, time.perf_counter() - start


def _names(files: Sequence[str]) -> str:
    return ", ".join(files[:3]) + (
        f" and {len(files) - 3} more" if len(files) > 3 else ""
    )
