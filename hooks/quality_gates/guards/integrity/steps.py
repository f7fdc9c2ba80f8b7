"""A job's steps: scripts whose gates cannot fail, unpinned actions, their inputs.

A report run hidden by ``|| true`` is not a neutralised gate when the same
tool runs again in the job with its failure seen (``bandit -f json -o r.json
|| true`` then ``bandit -r .``).  A failure recorded instead of failed on (a
step output, ``$GITHUB_ENV``, a file, the ``outcome`` of a step that may
continue on error) is honest when a later step, or a later job through a job
output, reads it and fails (``consumers``).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable

import yaml
from quality_gates import yamlnodes
from quality_gates.guards.integrity import (
    actioninputs,
    actiontwins,
)
from quality_gates.guards.integrity import catalogue as cat
from quality_gates.guards.integrity import (
    celltwins,
    consumers,
    expressions,
    handchecks,
    matrix,
    outdirs,
    place,
    refused,
    reportruns,
    stepfields,
    stepnames,
    testreports,
)
from quality_gates.guards.integrity.actionsteps import (
    gate_action,
)
from quality_gates.guards.integrity.fixcommits import (
    READS_TREE,
    commits,
    fix_run,
)
from quality_gates.guards.integrity.reportruns import REPORTING_STEP, StepScript
from quality_gates.guards.integrity.rules import fails
from quality_gates.guards.integrity.shell import (
    cmd,
    pwsh,
    python_step,
    script_audit,
    step_shell,
)
from quality_gates.guards.integrity.shell.flow import Shell
from quality_gates.guards.integrity.shell.records import Hit
from quality_gates.guards.integrity.stepfields import env_of, envs
from quality_gates.guards.integrity.stepinputs import InputAuditor, JobContext, Pending
from quality_gates.yamlnodes import line_of, mapping, scalar, value

never_runs = expressions.never_runs
RESULT = "result:"  # the sink of a job's own continue-on-error


def _builds_checked(job: JobContext, name: str, line: int) -> str:
    """How surely a build script the step runs is a check ('': not at all).

    ``named``: in a job that verifies the change, a step not named for
    setting up nor saying it may fail; ``context``: the last step of a job
    that builds only to see the build pass.
    """
    if job.verifies and stepnames.builds_as_check(name):
        return "named"
    return "context" if job.build_check == line else ""


_ALERTS_ONLY = (
    "its failure opens an issue instead of failing the run, on changes a run "
    "waits on: an alert, plausibly a gate lost"
)


class Auditor(InputAuditor):
    """Collects the findings and notes of one workflow or action file."""

    def job_steps(self, steps: list[yaml.Node], job: JobContext) -> bool:
        """Audit a job's steps; return whether any of them runs a gate."""
        scripts: list[StepScript] = []
        continued: list[_Continued] = []
        gates = False
        self.autofix = commits(steps)
        self.job_runs = [scalar(value(step, "run")) or "" for step in steps]
        self.job_steps_read = steps
        baselines = baseline_paths(steps)
        conditions = [scalar(value(step, "if")) or "" for step in steps]
        cells = expressions.switched(conditions, job.cells)
        for index, step in enumerate(steps):
            where = f"{job.prefix}, step `{stepfields.step_name(step)}`"
            if expressions.flag_never_set(value(step, "if"), job.cells):
                self.uses(value(step, "uses"), where)
                continue  # the matrix switches it off: it never runs
            script = self.step(step, where, job)
            if _works_in(step, baselines):
                continue  # it measures the base the change is compared with
            if expressions.only_after_failure(value(step, "if")):
                continue  # the job is red already: it turns nothing green
            runs_inputs = self.inputs(step, where, job, index)
            if script is not None:
                script.job, script.index = job.key, index
                scripts.append(script)
            uses = scalar(value(step, "uses")) or ""
            runs, fails = self.runs_gate(step, job, script, uses, runs_inputs)
            gates = gates or runs
            if runs:
                gate = _gate_step(step, where, index, script, uses, runs_inputs, fails)
                continued.append(gate)
                self.never_runs(step, where, cells=cells)
                checks = script.audit.checks if script is not None else ()
                run = value(step, "run")
                probe = fails and handchecks.remote_probe(step)
                self.listed += refused.step_checks(
                    self.lines, step, where, run, checks, probe
                )
        self.close_job(job, scripts, continued)
        return gates

    def runs_gate(
        self,
        step: yaml.Node,
        job: JobContext,
        script: StepScript | None,
        uses: str,
        runs_inputs: bool,
    ) -> tuple[bool, bool]:
        """Whether a step runs a gate, and whether only by failing on purpose."""
        runs = bool(script and script.audit.gates) or gate_action(
            uses, step, self.packages.root
        )
        runs = runs or runs_inputs or self.runs_local_gate(uses)
        fails = not runs and handchecks.fails_on_purpose(step, job)
        return runs or fails, fails

    def close_job(
        self,
        job: JobContext,
        scripts: list[StepScript],
        continued: list[_Continued],
    ) -> None:
        """Judge the job's scripts together, then its ``continue-on-error`` steps."""
        observed = self.observe_job(job, scripts)
        self.script_hits(scripts, observed)
        self.gate_steps[job.key] = [stepfields.span(item[0]) for item in continued]
        for step, where, index, reports, by_name, alone in continued:
            if not reportruns.status_free(alone, observed):
                self.continue_on_error(step, where, job, index, reports, by_name)

    def runs_local_gate(self, uses: str) -> bool:
        """Tell a step using one of the project's composite actions that checks.

        The action's steps run in the job (``uses: ./.github/build-test``):
        a test it runs is the job's, lost with the job's ``continue-on-error``.
        """
        local = uses.startswith("./") and "@" not in uses
        return local and actioninputs.local_key(uses) in self.gating

    def run_twin(self, step: yaml.Node, job: JobContext) -> Callable[[str], str]:
        """Return what names the job's strict run of a line of ``step``."""
        return functools.partial(
            actiontwins.strict_run,
            self.job_steps_read,
            step,
            runs_on=job.runs_on,
            job_shell=job.shell,
        )

    def step(self, step: yaml.Node, where: str, job: JobContext) -> StepScript | None:
        """Audit one step; return its script audit for the job-level pass."""
        self.uses(value(step, "uses"), where)
        node = value(step, "run")
        script = scalar(node)
        if node is None or not script:
            return None
        self.exit_zero(node, script, where, self.run_twin(step, job))
        self.config_scans(node, script, where, step, job)
        kind = scalar(value(step, "shell")) or job.shell
        condition = scalar(value(step, "if")) or ""
        resolved = step_shell.resolve(kind, job.runs_on, condition)
        other = _other_shell(kind, job.runs_on, condition)
        if resolved is None and other is None:
            return None
        name = scalar(value(step, "name")) or ""
        context = stepfields.step_context(name, script, job)
        demoted = place.demotion(job.workflow, job.name) or stepfields.manual(step, job)
        if other is not None:
            hits, gates, named = other(script, context, demoted)
            audit = script_audit.ScriptAudit(hits, gates=gates, named=named)
        elif resolved is None:
            return None
        else:
            workdir = stepfields.workdir(step, job)
            audit = self.shell_audit(
                script,
                resolved,
                context,
                demoted,
                workdir,
                _builds_checked(job, name, line_of(node)),
                env_of(step, job),
            )
            if not kind and matrix.windows_cells(job.runs_on, job.cells, condition):
                audit.hits += _windows_hits(script, context, demoted)
        if audit.note:
            self.notes.append(f"{self.path}:{line_of(node)}: {where}: {audit.note}")
        reporting = bool(REPORTING_STEP.match(name)) or place.reads_as_report(name)
        return StepScript(where, node, audit, reporting=reporting, env=envs(step, job))

    def shell_audit(
        self,
        script: str,
        runs_with: Shell,
        context: str,
        demoted: str,
        workdir: str,
        builds_checked: str = "",
        env: dict[str, str] | None = None,
    ) -> script_audit.ScriptAudit:
        """Audit a POSIX shell script, with the package scripts of ``workdir``."""
        return script_audit.audit_script(
            script,
            runs_with=runs_with,
            context=context,
            place=demoted,
            fixing=self.autofix,
            package_fixes=functools.partial(self.packages.fixes, workdir),
            package_checks=functools.partial(self.packages.checks, workdir),
            config_checks=self.config_checks,
            package_stub=functools.partial(self.packages.stub, workdir),
            rewrites=(
                self.autofix or any(READS_TREE.search(run) for run in self.job_runs),
                functools.partial(self.packages.fixes, workdir, formats=True),
            ),
            builds_checked=builds_checked,
            env=env,
        )

    def observe_job(self, job: JobContext, scripts: list[StepScript]) -> set[str]:
        """Return the checkers whose failure the job, or a job it needs, sees.

        A job runs after the jobs it needs succeeded: ``mypy src/ || true``
        for a report there reruns a check whose failure one of them saw.
        """
        seen = reportruns.observed(scripts).union(
            *(self.seen.get(n, set()) for n in job.needs)
        )
        self.seen[job.key] = seen
        return seen

    def script_hits(self, scripts: list[StepScript], observed: set[str]) -> None:
        """Report the job's script hits, less report runs with a twin.

        A step named for a report that re-runs a check an earlier step of
        the job already lost (``scan | tee`` with ``continue-on-error``, then
        ``Generate JSON report``: ``scan --format json > r.json || true``) is
        one lost check, reported where it first runs: fixing that run makes
        the report run an honest twin.
        """
        lost: set[str] = set()
        for script in scripts:
            for hit in script.audit.hits:
                if reportruns.report_with_twin(hit, observed, script.reporting):
                    continue
                if script.reporting and reportruns.run_of(hit) in lost:
                    continue
                lost.add(reportruns.run_of(hit))
                text = scalar(script.node) or ""
                if consumers.checked_in_script(text, hit.line, hit.sinks, hit.certain):
                    continue
                line = yamlnodes.locate(self.lines, script.node, hit.snippet, hit.line)
                detail = f"{script.where}: {hit.detail}"
                sinks = consumers.with_env_values(hit.sinks, script.env)
                hit = dataclasses.replace(hit, sinks=sinks)
                self.report(hit, line, detail, script.job, script.index)

    def report(self, hit: Hit, line: int, detail: str, job: str, index: int) -> None:
        """Add a hit now, or keep it until the workflow shows whether it is consumed."""
        why = self.why(hit)
        if hit.sinks:
            query = hit.key in cat.QUERY_TOOLS
            item = Pending(job, index, hit.sinks, hit.rule, line, detail, why)
            item.fix, item.query = hit.fix, query
            self.pending.append(item)
        else:
            self.add(hit.rule, line, detail, why, hit.fix)

    def resolve(
        self, jobs: dict[str, consumers.JobView], triggers: frozenset[str] = frozenset()
    ) -> None:
        """Report pending hits whose recorded failure nothing reads and fails on.

        A failure carried to a step that opens an issue is an alert: honest
        in a job that runs only on a schedule or by hand (no change waits on
        it, the issue is how it speaks), plausible elsewhere.
        """
        for item in self.pending:
            if item.sinks == (RESULT,):
                self.job_result(jobs, item)
                continue
            if consumers.consumed(jobs, item.job, item.index, item.sinks):
                continue
            why = _why_read(jobs, item, triggers)
            if why is None:
                continue
            if item.by_name and consumers.outputs_read(jobs, item.job, item.index):
                why = why or _OUTPUTS_READ
            if item.by_name and consumers.results_carried(jobs, item.job, item.index):
                why = why or _RESULTS_CARRIED
            if consumers.judged_downstream(jobs, item.job, item.index, item.sinks):
                why = why or (
                    "its report is uploaded and downloaded by a later job that runs "
                    "a check, which may read it"
                )
            detail = item.detail
            kept = [s.split(":", 1)[1] for s in item.sinks if s.split(":", 1)[1]]
            if kept:
                where = ", ".join(kept)
                detail += f" (recorded in `{where}`, which nothing reads and fails on)"
            self.add(item.rule, item.line, detail, why, item.fix)
        self.pending = []

    def job_result(self, jobs: dict[str, consumers.JobView], item: Pending) -> None:
        """Report a job's ``continue-on-error`` unless a job output carries it."""
        if consumers.job_result_consumed(jobs, item.job):
            return
        if consumers.artifact_carried(jobs, item.job):
            return
        if self.each_reported(item.job):
            return  # one finding per lost check: each is reported at its step
        detail, why = item.detail, item.why
        continuing = {p.job for p in self.pending if p.sinks == (RESULT,)}
        twin = consumers.blocking_twin(jobs, item.job, continuing)
        if twin and not why:
            why = (
                f"job `{twin}` runs the same check without `continue-on-error`: "
                "this one runs it against something else (upstream's main, a "
                "newer toolchain), an early warning the project chose not to block on"
            )
        readers = consumers.result_readers(jobs, item.job)
        if readers:
            named = ", ".join(f"`{name}`" for name in readers)
            detail += (
                f" (`needs.{item.job}.result` reads `success` for a job that "
                f"continues on error, so job {named} never sees the failure)"
            )
        self.add(item.rule, item.line, detail, why)

    def each_reported(self, job: str) -> bool:
        """Tell whether every gate step of ``job`` holds a failing gate finding.

        ``mypy src/ || true`` with ``continue-on-error: true`` in a job that
        continues on error too: the one lost check is already reported where
        it runs; the job's ``continue-on-error`` hides nothing more.
        """
        spans = self.gate_steps.get(job, [])
        lines = [f.line for f in self.findings if f.rule in _GATE_RULES and fails(f)]
        return bool(spans) and all(
            any(start <= line <= end for line in lines) for start, end in spans
        )

    def job_continues(self, job: JobContext, line: int, why: str) -> None:
        """Keep a job's ``continue-on-error`` until the workflow is seen."""
        detail = f"{job.prefix}: `continue-on-error: true`"
        self.pending.append(Pending(job.key, 0, (RESULT,), "QG105", line, detail, why))

    def never_runs(
        self,
        node: yaml.Node,
        where: str,
        why: str = "",
        cells: matrix.Values | None = None,
    ) -> None:
        """QG107 for a step or job that runs a gate under an ``if:`` never true."""
        entry = mapping(node).get("if")
        never = never_runs(entry[1], cells) if entry else ""
        if entry and never:
            self.add("QG107", line_of(entry[0]), f"{where}: {never}", why)

    def refused(self, node: yaml.Node, where: str, allowed: frozenset[str]) -> bool:
        """QG109 for an ``if:`` reading a context GitHub does not offer there."""
        entry = mapping(node).get("if")
        names = expressions.refused(entry[1], allowed) if entry else []
        if entry and names:
            listed = ", ".join(f"`{n}`" for n in names)
            self.add(
                "QG109",
                line_of(entry[0]),
                f"{where}: `if:` reads {listed}, which GitHub does not allow there: "
                "it refuses the whole workflow, so none of its gates ever runs",
            )
        return bool(names)

    def continue_on_error(
        self,
        step: yaml.Node,
        where: str,
        job: JobContext,
        index: int,
        reports: tuple[str, ...] = (),
        by_name: bool = False,
    ) -> None:
        """QG105 unless a later step (or job) fails on its outcome or its report.

        Its outputs (``steps.ID.outputs.*``) carry it as well as its outcome.
        """
        coe = mapping(step).get("continue-on-error")
        if not coe or not expressions.always_true(coe[1]):
            return
        folder = stepfields.workdir(step, job)
        fix = fix_run(step, self.packages, folder) if self.autofix else None
        if fix == "":
            return  # a fixer whose rewrite the job commits: it fails on nothing
        line = line_of(coe[0])
        detail = f"{where}: `continue-on-error: true`"
        why = place.demotion(job.workflow, job.name) or job.report_run
        why = why or stepfields.manual(step, job) or fix or ""
        why = why or celltwins.blocking_cell_twin(self.job_steps_read, index)
        if by_name:
            step_if = scalar(value(step, "if")) or ""
            why = why or place.off_change_step(job.triggers, step_if)
        sinks = ("outcome:", "output:", *(f"file:{name}" for name in reports))
        sinks += outdirs.made_folders(scalar(value(step, "run")) or "")
        sinks = consumers.with_env_values(sinks, envs(step, job))
        self.pending.append(
            Pending(job.key, index, sinks, "QG105", line, detail, why, by_name)
        )


def _why_read(
    jobs: dict[str, consumers.JobView], item: Pending, triggers: frozenset[str]
) -> str | None:
    """Why a lost failure is only plausible, from what reads it; None: honest.

    A commit chosen by a change flag, an alert in a job no change waits on,
    and test results a later step fails on are honest; an alert elsewhere,
    a committed fix and a failed check run published from the results are
    plausible only.
    """
    commits = consumers.chooses_commit(jobs, item.job, item.index, item.sinks)
    if item.query and commits:
        return None  # `git diff --quiet || echo changed=true`: a change flag
    why = item.why or (_COMMITS_FIX if commits else "")
    if consumers.alerted(jobs, item.job, item.index, item.sinks):
        cond = jobs[item.job].cond if item.job in jobs else ""
        if place.only_off_changes(triggers, cond):
            return None
        why = why or _ALERTS_ONLY
    published = testreports.published(jobs.get(item.job), item.index)
    if item.rule == "QG105" and published == "fails":
        return None
    if item.rule == "QG105" and published == "checks":
        why = why or testreports.CHECK_RUN
    return why


_BASE_REF = re.compile(r"\bbase\.(sha|ref)\b|\bgithub\.base_ref\b")


def baseline_paths(steps: list[yaml.Node]) -> frozenset[str]:
    """Folders where a checkout puts the pull request's base, not the change.

    A bundle-size or benchmark comparison builds the base next to the head;
    whether the base builds says nothing of the change under review.
    """
    found = set()
    for step in steps:
        uses = scalar(value(step, "uses")) or ""
        given = value(step, "with")
        ref = scalar(value(given, "ref")) or ""
        path = _folder(scalar(value(given, "path")) or "")
        if uses.startswith("actions/checkout") and path and _BASE_REF.search(ref):
            found.add(path)
    return frozenset(found)


def _works_in(step: yaml.Node, folders: frozenset[str]) -> bool:
    """Tell whether a step runs in one of ``folders`` (its ``working-directory``)."""
    return (
        bool(folders)
        and _folder(scalar(value(step, "working-directory")) or "") in folders
    )


def _folder(path: str) -> str:
    return path.strip().removeprefix("./").rstrip("/")


_Continued = tuple[yaml.Node, str, int, tuple[str, ...], bool, "StepScript | None"]


_GATE_RULES = frozenset("QG101 QG102 QG103 QG104 QG105 QG106 QG112 QG117".split())


def _gate_step(
    step: yaml.Node,
    where: str,
    index: int,
    script: StepScript | None,
    uses: str,
    runs_inputs: bool,
    fails: bool,
) -> _Continued:
    """Return what the job-level pass needs of a step that runs a gate.

    Its reports, whether its failure is judged by the gate's name only, and
    its script when the script alone decides the step's status.
    """
    reports = script.audit.reports if script is not None else ()
    reports += stepfields.output_input(step)
    by_name = script is not None and not script.audit.named
    by_name = by_name or fails
    by_name = by_name and not script_audit.exit_zero_judged(
        scalar(value(step, "run")) or ""
    )  # `SCORE=$(pylint --exit-zero ...)`, failed on: pylint checks
    by_name = by_name and not runs_inputs and not gate_action(uses, step)
    alone = script if not (runs_inputs or fails or uses) else None
    return (step, where, index, reports, by_name, alone)


_Auditor = Callable[[str, str, str], tuple[list[Hit], int, int]]


def _other_shell(kind: str | None, runs_on: str, condition: str) -> _Auditor | None:
    """Return the audit of a step run by Python, cmd or PowerShell (None: bash)."""
    if python_step.runs_python(kind):
        return python_step.audit
    if (kind or "").strip() == "cmd":
        return cmd.audit
    if step_shell.powershell(kind, runs_on, condition):
        return pwsh.audit
    return None


def _windows_hits(script: str, context: str, place: str) -> list[Hit]:
    """Return the PowerShell hits of a step some matrix cells run on Windows."""
    hits, _, _ = pwsh.audit(script, context, place)
    where = " (in the matrix's Windows cells, where the step runs in PowerShell)"
    return [dataclasses.replace(hit, detail=hit.detail + where) for hit in hits]


_COMMITS_FIX = (
    "its failure chooses whether a later step commits or opens a pull request "
    "with what the job regenerated: a fix offered instead of a red run, "
    "plausibly a gate lost"
)
_OUTPUTS_READ = (
    "it counts as a check only because its step or job is named for checking, "
    "and a later step reads its outputs, which may carry its result on"
)
_RESULTS_CARRIED = (
    "it counts as a check only because its step or job is named for checking, "
    "and a later step that runs whatever happened writes the job's outputs: "
    "its results may be carried on to the jobs that read them"
)
