"""Follow a recorded failure to where the workflow reads it, and see if it fails.

A step may keep a gate's failure instead of failing on it: in a step output
(``echo failed=true >> "$GITHUB_OUTPUT"``), in ``$GITHUB_ENV``, in a file, or
in its own ``outcome`` under ``continue-on-error``.  The failure is carried
forward when a later step of the job, or a later job that ``needs`` this one
through a job output, reads that place and fails (``exit 1``, ``false``,
``core.setFailed``).  Read without failing, or never read, it is lost.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import shlex

import yaml
from quality_gates import yamlnodes
from quality_gates.guards.integrity import catalogue as cat
from quality_gates.guards.integrity import expressions, gatecmd, pyexec, stepnames
from quality_gates.guards.integrity.mentions import names
from quality_gates.guards.integrity.shell import (
    failure_sinks,
    parse,
    script_audit,
    unjudged,
)
from quality_gates.guards.integrity.shell.records import Shell
from quality_gates.yamlnodes import mapping, scalar, sequence, value
from tree_sitter import Node

_DEFAULT = Shell()  # bash -e {0}
_SHOWS = frozenset(
    "echo printf cat cp mv ls tar zip gzip head tail wc jq gh tee mkdir rm".split()
)
_EXPANSION = re.compile(r"\$\{\{.*?\}\}|\$\{[^}]*\}|\$\w+")
_FAILS = re.compile(
    r"\bexit\s+(?:[1-9]|\$|\"\$)|(^|[\s;&|(])false\b|core\.setFailed|"
    r"process\.exit\(\s*[1-9]|sys\.exit\(\s*[1-9'\"]"
)
# A here-document: inline Python (`python - <<'PY'`) is its body.
_HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?[^\n]*\n(.*?)^\s*\1\s*$", re.S | re.M)

_SCRIPT_FAILS = re.compile(r"core\.setFailed|process\.exit\(\s*[1-9]|\bthrow\b")

# Opening an issue: an alert that outlives the run.  A comment is not one.
_OPENS_ISSUE = re.compile(r"\bissues\.create\(|\bgh\s+issue\s+create\b")
_ISSUE_ACTION = re.compile(r"(?i)create-(an-)?issue|issue-from-file")


@dataclasses.dataclass(frozen=True)
class StepView:
    """What a later step can read and do: its condition, script and inputs."""

    id: str
    cond: str
    body: str
    run: str = ""
    name: str = ""
    uses: str = ""
    given: tuple[tuple[str, str], ...] = ()
    continued: bool = False  # `continue-on-error: true`: its failure fails nothing

    def argument(self, key: str) -> str:
        """Return a ``with:`` input (empty when absent)."""
        return dict(self.given).get(key, "")

    def uploads(self, files: list[str]) -> str:
        """Return the artifact name when this step uploads one of ``files``."""
        if not self.uses.startswith("actions/upload-artifact"):
            return ""
        paths = [p.strip() for p in self.argument("path").splitlines() if p.strip()]
        for name in files:
            if any(name == p or name.startswith(p.rstrip("/") + "/") for p in paths):
                return self.argument("name") or "artifact"
        return ""

    def uploads_any(self) -> bool:
        """Tell whether this step uploads an artifact."""
        return self.uses.startswith("actions/upload-artifact")

    def downloads(self, artifact: str) -> bool:
        """Tell whether this step downloads ``artifact`` (by name, pattern or all)."""
        if not self.uses.startswith("actions/download-artifact"):
            return False
        name, pattern = self.argument("name"), self.argument("pattern")
        if name:
            return name == artifact
        return fnmatch.fnmatch(artifact, pattern) if pattern else True

    def checks(self) -> bool:
        """Tell whether the step's script runs a check (by command or step name)."""
        if not self.run.strip():
            return False
        context = stepnames.checking_context(self.name, "")
        audit = script_audit.audit_script(self.run, runs_with=_DEFAULT, context=context)
        return audit.gates > 0 and not audit.note  # unparsed: claim nothing

    def reads(self, refs: list[str]) -> bool:
        """Tell whether the condition or the body names one of ``refs``.

        A line that only greps a file for what names no outcome (``grep -q
        DEPRECATED out.txt``) reads the file for something else.
        """
        if any(names(self.cond, ref) for ref in refs):
            return True
        return any(
            any(names(line, ref) for ref in refs) and not greps_elsewhere(line, refs)
            for line in self.body.splitlines()
        )

    def fails(self) -> bool:
        """Tell whether the step fails the job when it runs.

        A github-script ``script:`` is JavaScript: ``false`` there is a value,
        and it fails by ``core.setFailed``, ``process.exit(1)`` or a throw.
        """
        script = self.argument("script")
        rest = self.body.replace(script, " ") if script else self.body
        if any(pyexec.raises(m.group(2)) for m in _HEREDOC.finditer(self.run)):
            return True  # `assert report["failed"] == 0` in `python - <<'PY'`
        return bool(_FAILS.search(rest) or _SCRIPT_FAILS.search(script))

    def alerts(self) -> bool:
        """Tell whether the step opens an issue (``gh issue create``, a script)."""
        return bool(_OPENS_ISSUE.search(self.body) or _ISSUE_ACTION.search(self.uses))

    def judges(self, refs: list[str]) -> bool:
        """Tell whether the script hands a file to a program that can fail on it.

        ``python scripts/audit.py found-*.json`` judges the reports; ``cat``,
        ``echo`` or an upload only show or move them; a program whose failure
        ``|| true`` eats, or ``[ -f FILE ]``, judges nothing.
        """
        for line in unjudged.blank_unjudging(self.run).splitlines():
            words = line.split()
            shown = words and _program(words[0]) in _SHOWS
            if words and any(names(line, ref) for ref in refs) and not shown:
                if not _summarises(words, refs) and not greps_elsewhere(line, refs):
                    return True
        return False


_GREPS = frozenset(("grep", "egrep", "fgrep", "rg"))
# Words a search for a run's outcome has: a pattern with none of them
# (``DEPRECATED``, ``"_aws".*"CloudWatchMetrics"``) looks for something else.
_OUTCOME = re.compile(
    r"(?i)fail|error|\berr\b|✗|✘|not ok|exit|status|broke|crash|panic|"
    r"traceback|exception|assert|summary|pass|\btests?\b|\d"
)
_SEPARATORS = frozenset(("|", "||", "&&", ";", "if", "then", "!", "elif"))


def greps_elsewhere(line: str, refs: list[str]) -> bool:
    """Tell a line that only greps a file of ``refs`` for what names no outcome.

    Every command naming the file is ``grep`` whose patterns (the first
    word that is no option, and each ``-e``) name no failure, error, pass,
    status, test or number; a pattern file (``-f``) is not read: it may.
    """
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        return False
    commands: list[list[str]] = [[]]
    for word in words:
        if word in _SEPARATORS:
            commands.append([])
        elif word.endswith(";"):  # `out.txt;`: the word, then a new command
            commands[-1].append(word[:-1])
            commands.append([])
        else:
            commands[-1].append(word)
    reading = [c for c in commands if any(names(w, r) for w in c for r in refs)]
    return bool(reading) and all(_greps_for_other(c, refs) for c in reading)


def _greps_for_other(command: list[str], refs: list[str]) -> bool:
    if not command or command[0].rsplit("/", 1)[-1] not in _GREPS:
        return False
    patterns: list[str] = []
    rest = iter(command[1:])
    for word in rest:
        short = re.fullmatch(r"-[a-zA-Z]+", word) is not None
        if (short and "f" in word) or word.startswith("--file"):
            return False
        if (short and word.endswith("e")) or word == "--regexp":
            patterns.append(next(rest, ""))
        elif not word.startswith("-") and not any(names(word, r) for r in refs):
            patterns.append(word)
            break
    return bool(patterns) and not any(_OUTCOME.search(p) for p in patterns)


def _summarises(words: list[str], refs: list[str]) -> bool:
    """Tell a program named for a summary or report (``cihub trivy-summary r.json``).

    Its own words (not the files it reads, not its options) name a report and
    none names a check or a threshold: it shows the report, it does not judge.
    """
    own = [
        w
        for w in words
        if not w.startswith("-") and not any(names(w, ref) for ref in refs)
    ]
    said = " ".join(own)
    return bool(cat.REPORT_NAME.search(said)) and not _JUDGES.search(said)


_JUDGES = re.compile(
    r"(?i)check|test|lint|audit|verif|validat|gate|threshold|enforce|fail|assert|judge"
)


@dataclasses.dataclass(frozen=True)
class JobView:
    """A job's name, what it needs, its outputs, condition and steps."""

    name: str
    needs: tuple[str, ...]
    outputs: dict[str, str]
    cond: str
    steps: tuple[StepView, ...]


def _text(node: yaml.Node | None) -> str:
    return " ".join(str(item.value) for item in yamlnodes.strings(node))


def step_view(step: yaml.Node) -> StepView:
    """Return the parts of a step that can read a recorded failure.

    A step that never runs (``if: false``) reads, fails and alerts on
    nothing: its view keeps only its id and name.
    """
    if expressions.never_runs(value(step, "if")):
        name = scalar(value(step, "name")) or ""
        return StepView(scalar(value(step, "id")) or "", "false", "", name=name)
    body = " ".join(_text(value(step, key)) for key in ("run", "with", "env"))
    run = scalar(value(step, "run")) or ""
    step_id = scalar(value(step, "id")) or ""
    given = tuple(
        (key, scalar(node) or "")
        for key, (_, node) in mapping(value(step, "with")).items()
    )
    return StepView(
        step_id,
        scalar(value(step, "if")) or "",
        body,
        run,
        scalar(value(step, "name")) or "",
        scalar(value(step, "uses")) or "",
        given,
        expressions.always_true(value(step, "continue-on-error")),
    )


def job_views(jobs: yaml.Node | None) -> dict[str, JobView]:
    """Every job of a workflow, by name."""
    views = {}
    for name, (_, job) in mapping(jobs).items():
        needs_node = value(job, "needs")
        needs = [scalar(n) or "" for n in sequence(needs_node)] or [
            scalar(needs_node) or ""
        ]
        outputs = {k: _text(v) for k, (_, v) in mapping(value(job, "outputs")).items()}
        steps = tuple(step_view(s) for s in sequence(value(job, "steps")))
        cond = scalar(value(job, "if")) or ""
        views[name] = JobView(name, tuple(n for n in needs if n), outputs, cond, steps)
    return views


def refs_of(sink: str, step_id: str) -> list[str]:
    """How later steps name a sink (``output:failed`` of step ``t``)."""
    kind, _, name = sink.partition(":")
    if kind == "output":
        return [f"steps.{step_id}.outputs.{name}"] if step_id else []
    if kind == "outcome":
        return (
            [f"steps.{step_id}.outcome", f"steps.{step_id}.conclusion"]
            if step_id
            else []
        )
    if kind == "env":
        return [f"env.{name}", f"${name}", f"${{{name}}}"]
    if kind == "file":
        base = name.rsplit("/", 1)[-1]
        pattern = _EXPANSION.sub("*", base)
        return [name, base] + ([pattern] if pattern.strip("*") else [])
    return []


def consumed(
    jobs: dict[str, JobView], job: str, index: int, sinks: tuple[str, ...]
) -> bool:
    """Tell whether a later step or job reads one of ``sinks`` and fails on it."""
    view = jobs.get(job)
    if view is None or index >= len(view.steps):
        return False
    step_id = view.steps[index].id
    refs = [ref for sink in sinks for ref in refs_of(sink, step_id)]
    if not refs:
        return False
    files = [
        ref for sink in sinks if sink.startswith("file:") for ref in refs_of(sink, "")
    ]
    for later in view.steps[index + 1 :]:
        if (later.reads(refs) and later.fails()) or later.judges(files):
            return True
        if any(names(later.cond, ref) for ref in refs) and gatecmd.runs_gate(later.run):
            return True  # the flag chooses to run a check that can fail
    if passed_on(jobs, view, index, refs):
        return True
    if judged_downstream(jobs, job, index, sinks) == "judged":
        return True
    keys = [
        key for key, text in view.outputs.items() if any(names(text, r) for r in refs)
    ]
    return any(_needs_and_fails(other, job, keys) for other in jobs.values())


# Committing what changed: the step that takes regenerated files in.
_COMMITS = re.compile(r"\bgit\s+(?:-C\s+\S+\s+)?(?:commit|push)\b|\bgh\s+pr\s+create\b")
_COMMIT_ACTION = re.compile(r"(?i)create-pull-request|auto-commit|add-and-commit")


def chooses_commit(
    jobs: dict[str, JobView], job: str, index: int, sinks: tuple[str, ...]
) -> bool:
    """Tell whether a later step's ``if:`` reads one of ``sinks`` and commits.

    ``git diff --quiet || echo changed=true >> "$GITHUB_OUTPUT"`` read by
    ``if: steps.diff.outputs.changed == 'true'`` on a step that commits and
    pushes: the status query chooses whether to commit, as ``if git diff
    --quiet; then`` does within one script; it checks nothing.
    """
    view = jobs.get(job)
    if view is None or index >= len(view.steps):
        return False
    refs = [ref for sink in sinks for ref in refs_of(sink, view.steps[index].id)]
    return bool(refs) and any(
        any(names(s.cond, ref) for ref in refs)
        and bool(_COMMITS.search(s.run) or _COMMIT_ACTION.search(s.uses))
        for s in view.steps[index + 1 :]
    )


def alerted(
    jobs: dict[str, JobView], job: str, index: int, sinks: tuple[str, ...]
) -> bool:
    """Tell whether a later step of the job reads one of ``sinks`` and opens an issue.

    ``echo status=failure >> "$GITHUB_OUTPUT"`` read by ``if:
    steps.audit.outputs.status == 'failure'`` on a step that creates an
    issue: the failure is carried to an alert instead of a red run.  So it
    is when a step reading it writes outputs of its own (``no_issues=true``
    after looking for an open issue) that the alerting step reads; the step
    itself may (``VULNS=$(jq ... report.json)``, then ``echo found=true >>
    "$GITHUB_ENV"``).
    """
    view = jobs.get(job)
    if view is None or index >= len(view.steps):
        return False
    reading = [ref for sink in sinks for ref in refs_of(sink, view.steps[index].id)]
    for later in view.steps[index:] if reading else ():
        if later.reads(reading):
            if later.alerts():
                return True
            passed = _passes_on(later.run)
            reading += [r for sink in passed for r in refs_of(sink, later.id)]
    return False


def outputs_read(jobs: dict[str, JobView], job: str, index: int) -> bool:
    """Tell whether a later step, or a job output, reads the step's outputs."""
    view = jobs.get(job)
    if view is None or index >= len(view.steps) or not view.steps[index].id:
        return False
    ref = f"steps.{view.steps[index].id}.outputs."
    later = view.steps[index + 1 :]
    return any(names(step.body, ref) for step in later) or any(
        names(text, ref) for text in view.outputs.values()
    )


_WHATEVER_HAPPENED = re.compile(r"\b(always|failure)\(\)|!\s*cancelled\(\)")


def results_carried(jobs: dict[str, JobView], job: str, index: int) -> bool:
    """Tell whether a later step that runs whatever happened writes the job's outputs.

    ``Parse results`` with ``if: always()`` and an id the job's ``outputs:``
    name: what the continued step left behind (its results) is read after
    it and passed on to the jobs or callers that need this one.
    """
    view = jobs.get(job)
    if view is None or index >= len(view.steps):
        return False
    for step in view.steps[index + 1 :]:
        if not step.id or not _WHATEVER_HAPPENED.search(step.cond):
            continue
        ref = f"steps.{step.id}.outputs."
        if any(names(text, ref) for text in view.outputs.values()):
            return True
    return False


def judged_downstream(
    jobs: dict[str, JobView], job: str, index: int, sinks: tuple[str, ...]
) -> str:
    """Where a report uploaded as an artifact is checked by a later job.

    ``bandit ... -o reports/bandit.json`` under continue-on-error, the report
    uploaded, and a job that ``needs`` this one downloading it and running a
    check.  Returns ``"judged"`` when that check names where the artifact
    landed, ``"maybe"`` when it names no location at all (it may read the
    reports by default), ``""`` otherwise (it reads somewhere else, or
    nothing checks).
    """
    view = jobs.get(job)
    files = [
        ref for sink in sinks if sink.startswith("file:") for ref in refs_of(sink, "")
    ]
    if view is None or not files:
        return ""
    later = view.steps[index + 1 :]
    artifacts = [name for step in later if (name := step.uploads(files))]
    verdict = ""
    for other in jobs.values():
        if job not in other.needs:
            continue
        for position, step in enumerate(other.steps):
            if not any(step.downloads(name) for name in artifacts):
                continue
            landed = step.argument("path").strip().rstrip("/")
            for after in other.steps[position + 1 :]:
                if not after.checks():
                    continue
                if landed and landed in after.run:
                    return "judged"
                if not _names_a_location(after.run):
                    verdict = "maybe"
    return verdict


def _names_a_location(run: str) -> bool:
    """Tell whether a check's arguments name a path (beyond its own script)."""
    for line in run.replace("\\\n", " ").splitlines():
        words = line.split()
        paths = [w for w in words[2:] if "/" in w and not w.startswith("$")]
        if paths:
            return True
    return False


def job_result_consumed(jobs: dict[str, JobView], job: str) -> bool:
    """Tell whether a job that continues on error passes its failure on.

    ``needs.JOB.result`` cannot: GitHub reports ``success`` for a job whose
    ``continue-on-error`` let it pass (actions/runner#1161).  A job output
    carrying a step's ``outcome`` (or ``conclusion``) can, when a later job
    reads it and fails.
    """
    view = jobs.get(job)
    if view is None:
        return False
    refs = [
        f"steps.{step.id}.{kind}"
        for step in view.steps
        if step.id
        for kind in ("outcome", "conclusion")
    ]
    keys = [
        key for key, text in view.outputs.items() if any(names(text, r) for r in refs)
    ]
    return any(_needs_and_fails(other, job, keys) for other in jobs.values())


def artifact_carried(jobs: dict[str, JobView], job: str) -> bool:
    """Tell whether a job's failure stops an artifact a later job must download.

    The job ends by uploading an artifact (no script runs after it, and it
    has no ``if:``: every matrix cell uploads, and only when everything
    before it passed); a job that needs this one
    downloads that artifact by name, and the download fails when it is
    missing: a failed build fails the job that takes its wheel.
    """
    view = jobs.get(job)
    if view is None:
        return False
    steps = list(view.steps)
    uploads = [i for i, s in enumerate(steps) if s.uses.startswith(_UPLOAD)]
    if not uploads:
        return False
    last = steps[uploads[-1]]
    if last.cond.strip() or any(s.run for s in steps[uploads[-1] :]):
        return False
    name = last.argument("name")
    return bool(name) and any(
        job in other.needs
        and any(
            s.uses.startswith(_DOWNLOAD) and s.argument("name") == name
            for s in other.steps
        )
        for other in jobs.values()
    )


_UPLOAD = "actions/upload-artifact@"
_DOWNLOAD = "actions/download-artifact@"


def result_readers(jobs: dict[str, JobView], job: str) -> list[str]:
    """Later jobs that read ``needs.JOB.result`` (which hides a continued failure)."""
    ref = f"needs.{job}.result"
    return [
        other.name
        for other in jobs.values()
        if job in other.needs
        and (names(other.cond, ref) or any(step.reads([ref]) for step in other.steps))
    ]


def _needs_and_fails(other: JobView, job: str, keys: list[str]) -> bool:
    if job not in other.needs or not keys:
        return False
    refs = [f"needs.{job}.outputs.{key}" for key in keys]
    if refs and any(names(other.cond, ref) for ref in refs):
        return any(step.fails() for step in other.steps)
    return any(step.reads(refs) and step.fails() for step in other.steps)


# ---- a value derived from a sink, passed on to later steps ---------------


def _program(word: str) -> str:
    """Return the program a line's first word runs: ``TOTALS=$(jq`` runs ``jq``."""
    if re.match(r"[A-Za-z_]\w*=", word):
        word = word.split("=", 1)[1]
    return word.lstrip("$(`\"'")


def passed_on(
    jobs: dict[str, JobView], view: JobView, index: int, refs: list[str]
) -> bool:
    """Tell whether a value derived from a sink reaches a step or job that fails.

    ``HIGH=$(jq ... report.sarif)`` then ``echo HIGH=$HIGH >> "$GITHUB_ENV"``
    passes the report on as ``env.HIGH``; a later step that reads it (``if:
    env.HIGH > 0``) and fails, or a job reading it through a job output and
    failing, consumes the report.  Written and only shown, it is lost.
    """
    reading, derived = list(refs), list[str]()
    for later in view.steps[index + 1 :]:
        if derived and later.reads(derived) and later.fails():
            return True
        if later.reads(reading):
            new = [r for sink in _passes_on(later.run) for r in refs_of(sink, later.id)]
            derived += new
            reading += new
    keys = [
        k for k, text in view.outputs.items() if any(names(text, r) for r in derived)
    ]
    return any(_needs_and_fails(other, view.name, keys) for other in jobs.values())


def _passes_on(run: str) -> tuple[str, ...]:
    """Return the step outputs and environment variables a script writes."""
    try:
        root = parse.parse(run)
    except (parse.ParseFailure, RecursionError):
        return ()
    found = failure_sinks.sinks(parse.statements(root))
    return tuple(s for s in found if s.startswith(("env:", "output:")))


_ENV_EXPRESSION = re.compile(r"\$\{\{\s*env\.([A-Za-z_][\w-]*)\s*\}\}")


def with_env_values(
    sinks: tuple[str, ...], envs: list[yaml.Node | None]
) -> tuple[str, ...]:
    """Add the literal name of each file named through ``${{ env.X }}``.

    ``-o "${{ env.SARIF }}"`` with ``SARIF: results.sarif`` in the step's,
    job's or workflow's ``env:`` (``envs``, nearest first) also writes
    ``results.sarif``, which a later step may name instead.
    """
    values: dict[str, str] = {}
    for env in reversed(envs):
        values.update({k: scalar(v) or "" for k, (_, v) in mapping(env).items()})
    found = list(sinks)
    for sink in sinks:
        kind, _, name = sink.partition(":")
        names = _ENV_EXPRESSION.findall(name) if kind == "file" else []
        known = all(values.get(n) and "${{" not in values[n] for n in names)
        if names and known:
            literal = _ENV_EXPRESSION.sub(lambda m: values[m.group(1)], name)
            found.append(f"file:{literal}")
    return tuple(dict.fromkeys(found))


def checked_in_script(
    script: str, line: int, sinks: tuple[str, ...], named: bool = True
) -> bool:
    """Tell whether a statement after ``line`` reads a file sink and fails.

    ``bench --output "$DIR/r.json"`` under a shell without ``-e``, then ``if
    [[ ! -s "$DIR/r.json" ]]; then exit 1; fi``: the result the command
    exists to write is checked in the same script, as a later step would.
    A script that ends by reading the file (``cat FILE``: the step keeps its
    status) checks that it exists, too.  Existence carries the failure only
    of a command that checks by its step's name (``named`` False): a test
    runner writes its report when tests fail too, so for it only a statement
    reading what the file says carries its failure.
    """
    refs = [
        ref for sink in sinks if sink.startswith("file:") for ref in refs_of(sink, "")
    ]
    if not refs:
        return False
    try:
        root = parse.parse(script)
    except (parse.ParseFailure, RecursionError):
        return False
    later = [n for n in parse.statements(root) if n.start_point[0] > line]
    for node in later:
        body = parse.text(node)
        if named:
            body = _EXISTS.sub(" ", body)
        if any(names(body, ref) for ref in refs) and _FAILS.search(body):
            return True
    return not named and bool(later) and _last_reads(later[-1], refs)


def _last_reads(node: Node, refs: list[str]) -> bool:
    """Tell whether the script ends by reading a file (``cat "$D/r.json"``).

    The step keeps the last command's status: reading a missing result file
    fails it, as ``[[ -s FILE ]] || exit 1`` would.
    """
    if node.type not in ("command", "redirected_statement"):
        return False
    words = parse.words(node) if node.type == "command" else []
    return (
        bool(words)
        and _program(words[0]) in _READS
        and any(names(" ".join(words[1:]), ref) for ref in refs)
    )


_READS = frozenset("cat head tail jq wc test [ [[".split())


_EXISTS = re.compile(r"""!?\s*-[sfe]\s+["']?[^\s\]"']+["']?""")


def blocking_twin(jobs: dict[str, JobView], job: str, continuing: set[str]) -> str:
    """Name a job that runs the same program as ``job`` and does not continue on error.

    ``libssh2-main`` runs ``run_libssh2_integration.sh`` against upstream's
    main and may fail; ``libssh2`` runs the same script pinned to a release
    and blocks.  The check is kept; only the early warning does not block.
    Each script of the project ``job`` runs, the twin runs too, and one's id
    is the other's with a suffix (``libssh2``, ``libssh2-main``): a variant,
    not another check that happens to share ``./ci/run.sh``.
    """
    mine = _programs(jobs.get(job))
    if not mine:
        return ""
    for name, other in jobs.items():
        if name == job or name in continuing or not mine <= _programs(other):
            continue
        if job.startswith(name) or name.startswith(job):
            return name
    return ""


def _programs(view: JobView | None) -> frozenset[str]:
    """Return the first word of each ``run:`` of a job: a script of the project."""
    if view is None:
        return frozenset()
    heads = (step.run.split(maxsplit=1)[:1] for step in view.steps)
    return frozenset(h[0] for h in heads if h and "/" in h[0] and h[0][0] != "-")
