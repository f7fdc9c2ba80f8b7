"""What a job's steps share, and the audit of what a step gives an action.

``JobContext`` (a job's names, runner, shell and place), ``Pending`` (a
finding that stands only if nothing later reads its sinks) and the base of
``steps.Auditor``: adding findings, unpinned ``uses:``, ``--exit-zero`` in a
script or input, and an action's ``with:`` inputs (failure turned off,
a checker told only to print, the scripts an action runs from them).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import yaml
from quality_gates import yamlnodes
from quality_gates.findings import Finding
from quality_gates.guards.integrity import (
    actionchecks,
    actioninputs,
    actiontwins,
    dockeractions,
    expressions,
    formatchecks,
    matrix,
    place,
    refused,
    scannerthresholds,
    stepfields,
)
from quality_gates.guards.integrity.actioninputs import InputScript
from quality_gates.guards.integrity.actionsteps import (
    FAIL_OFF_INPUTS,
    GATE_ACTION,
    ONLY_ASKS,
    OPTION_INPUTS,
    documented,
    gate_action,
    literals,
    off_by_config,
    pin_problem,
)
from quality_gates.guards.integrity.fixcommits import (
    AUTOFIX,
    FIX_RUNS,
)
from quality_gates.guards.integrity.packagescripts import PackageScripts
from quality_gates.guards.integrity.rules import finding
from quality_gates.guards.integrity.shell import (
    script_audit,
    threshold_runs,
)
from quality_gates.guards.integrity.shell.records import Hit
from quality_gates.guards.integrity.stepnames import DELIVERY, checking_context
from quality_gates.yamlnodes import line_of, mapping, scalar, value


@dataclasses.dataclass
class JobContext:
    """What the steps of one job share: names, runner, default shell, place."""

    prefix: str
    name: str = ""
    runs_on: str = ""
    shell: str | None = None
    key: str = ""
    workflow: str = ""
    delivery: bool = False
    # a later job named for shipping downloads what it builds: its builds are
    # that delivery's product, while the job itself may still test (a wheel)
    feeds_delivery: bool = False
    # the job sets up CodeQL (github/codeql-action/init), which traces the
    # compilers of the steps after it: what they build is for the analyser
    analysis: bool = False
    env: list[yaml.Node] = dataclasses.field(default_factory=list)
    report_run: str = ""
    # why the job guards no change: it runs only by hand, or after a delivery
    manual: str = ""
    triggers: frozenset[str] = frozenset()
    workdir: str = ""  # the job's (or workflow's) default working-directory
    cells: matrix.Values | None = None  # its matrix cells' values, when all are known
    needs: tuple[str, ...] = ()  # the jobs it runs after
    # on pull requests, with no action but checkout and setup: the line of its
    # last step, whose build nothing uses (not a later step, nor an upload,
    # deploy or publish): run to see it pass (0: none)
    build_check: int = 0
    # on pull requests or pushes, a job that verifies the change and ships
    # nothing: a build there is a check (its failure: the change broke it)
    verifies: bool = False
    # its `if:` is never true: a scan its config file turns off is lost
    # there by the job (QG107 at the `if:`), not by the step
    never: bool = False


@dataclasses.dataclass
class Pending:
    """A finding that stands only if nothing later consumes its sinks."""

    job: str
    index: int
    sinks: tuple[str, ...]
    rule: str
    line: int
    detail: str
    why: str
    by_name: bool = False  # a check only by its step's name
    fix: str = ""  # the fix where the script runs ('': the rule's)
    query: bool = False  # a status query (``git diff --quiet``), not a checker


class InputAuditor:
    """The findings of one file, and the audit of what its steps give actions.

    The base of ``steps.Auditor``: how a finding is added, the pin of a
    ``uses:``, ``--exit-zero`` in a script or input, and an action's ``with:``
    inputs: those that turn its failure off, a checker told only to print, the
    scripts an action runs from its inputs, environment or container.
    """

    def __init__(
        self,
        path: str,
        lines: list[str],
        local: dict[str, dict[str, InputScript]] | None = None,
        packages: PackageScripts | None = None,
        gating: frozenset[str] = frozenset(),
    ) -> None:
        """Start with no findings for the file at ``path``.

        ``local``: the project's own actions; ``packages``: its package
        scripts (none known when the audit has no project files);
        ``gating``: the folders of its composite actions whose steps run a gate.
        """
        self.path = path
        self.lines = lines
        self.local = local or {}
        self.gating = gating
        self.packages = packages or PackageScripts(None)
        root = self.packages.root
        self.config_checks = formatchecks.read(root) | scannerthresholds.from_files(
            root
        )
        self.findings: list[Finding] = []
        self.notes: list[str] = []
        self.pending: list[Pending] = []
        self.autofix = False
        self.job_runs: list[str] = []  # the run scripts of the job being read
        self.job_steps_read: list[yaml.Node] = []  # the steps of that job
        self.gate_steps: dict[str, list[tuple[int, int]]] = {}  # by job: lines
        self.seen: dict[str, set[str]] = {}  # by job: checkers whose failure it sees
        self.listed: list[refused.Listed] = []  # every check, where it stands

    def add(
        self, rule: str, line: int, detail: str, why: str = "", fix: str = ""
    ) -> None:
        """Add a finding of ``rule`` at ``line`` (a note when ``why`` is given)."""
        self.findings.append(finding(rule, self.path, line, detail, why, fix))

    def uses(self, node: yaml.Node | None, where: str) -> None:
        """QG110 for a ``uses:`` not pinned to a commit."""
        text = scalar(node)
        problem = pin_problem(text) if text else None
        if node is not None and problem:
            self.add("QG110", line_of(node), f"{where}: {problem}")

    def exit_zero(
        self,
        node: yaml.Node,
        text: str,
        where: str,
        twin: Callable[[str], str] | None = None,
    ) -> None:
        """QG106 for an ``--exit-zero`` in ``text`` (``twin``: its strict run)."""
        lines = text.splitlines()
        for index in script_audit.exit_zero_lines(text):
            if twin is not None and twin(lines[index]):
                continue  # a report run: the job runs the same check strictly
            line = yamlnodes.locate(self.lines, node, "--exit-zero", index)
            self.add("QG106", line, f"{where}: `--exit-zero`")
        off = script_audit.fail_off_flag(text)
        if off is not None and not threshold_runs.reported_beside_threshold(
            text, off[0], self.job_runs
        ):
            line = yamlnodes.locate(self.lines, node, off[1], off[0])
            self.add("QG106", line, f"{where}: `{off[1]}`")

    def inputs(
        self, step: yaml.Node, where: str, job: JobContext, index: int = 0
    ) -> bool:
        """``with:`` inputs: ``--exit-zero``, ``exit-code: 0``, scripts actions run.

        Return whether an input runs a gate.
        """
        for item in yamlnodes.strings(value(step, "with")):
            self.exit_zero(item, str(item.value), where)
        uses = scalar(value(step, "uses")) or ""
        reports = tuple(f"file:{name}" for name in stepfields.output_input(step))
        spec = actionchecks.spec_of(uses, self.line(value(step, "uses")))
        lost = self.lost_inputs(step, spec, job) if spec else self.fail_off(step, uses)
        why = place.demotion(job.workflow, job.name) or stepfields.manual(step, job)
        if lost and self.strict_twin(step, spec, job, lost):
            lost = []  # the same scan fails the job in another step
        for line, said in lost:
            detail = f"{where}: {said}"
            sinks = reports + (spec.sinks if spec else ())
            if sinks:  # the report may still be judged further on
                self.pending.append(
                    Pending(job.key, index, sinks, "QG106", line, detail, why)
                )
            else:
                self.add("QG106", line, detail, why)
        self.only_asks(step, where, uses)
        return self.input_scripts(step, where, job)

    def strict_twin(
        self,
        step: yaml.Node,
        spec: actionchecks.ActionSpec | None,
        job: JobContext,
        lost: list[tuple[int, str]],
    ) -> str:
        """Why a step's lost inputs lose nothing: a strict twin in the job."""
        steps = self.job_steps_read
        if not any(other is step for other in steps):
            return ""
        lines = {line for line, _ in lost}
        keys = frozenset(
            key
            for key, (key_node, _) in mapping(value(step, "with")).items()
            if line_of(key_node) in lines
        )
        if spec is not None and spec.config and spec.config[0] in keys:
            keys |= {item.name for item in spec.inputs}  # a twin's `exit-code: 1`

        def strict(other: yaml.Node) -> bool:
            uses = scalar(value(other, "uses")) or ""
            if spec is not None:
                return not self.lost_inputs(other, spec, job)
            return not self.fail_off(other, uses)

        index = next(i for i, other in enumerate(steps) if other is step)
        return actiontwins.strict_twin(steps, index, keys, strict)

    def fail_off(self, step: yaml.Node, uses: str) -> list[tuple[int, str]]:
        """``exit-code: 0``, ``soft_fail: true`` on an action named for scanning."""
        if not GATE_ACTION.search(uses.split("@")[0]):
            return []
        found = []
        for key, (key_node, node) in mapping(value(step, "with")).items():
            off = FAIL_OFF_INPUTS.get(key)
            if off and (scalar(node) or "").strip().lower() == off:
                found.append((line_of(key_node), f"`{key}: {off}`"))
        return found

    def line(self, node: yaml.Node | None) -> str:
        """Return the text of the line ``node`` starts on ('' for none)."""
        index = line_of(node) - 1 if node is not None else -1
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def lost_inputs(
        self, step: yaml.Node, spec: actionchecks.ActionSpec, job: JobContext
    ) -> list[tuple[int, str]]:
        """Find inputs set to a value with which a documented action passes."""
        envs = [value(step, "env"), *reversed(job.env)]
        env = {k: v for node in reversed(envs) for k, v in literals(node).items()}
        decision = documented(spec, step, env, self.packages.root)
        if decision is None:
            return []
        found = [] if job.never else self.off_in_config(step, spec, env)
        for key in decision.stopped_by:
            for node in [value(step, "with"), *envs]:
                if key in mapping(node):
                    key_node, item = mapping(node)[key]
                    text = f"`{key}: {scalar(item)}`: {spec.doc}"
                    found.append((line_of(key_node), text))
                    break
        return found

    def off_in_config(
        self, step: yaml.Node, spec: actionchecks.ActionSpec, env: dict[str, str]
    ) -> list[tuple[int, str]]:
        """``trivy-config: trivy.yaml`` whose file writes ``exit-code: 0``.

        The failure turned off in the project's file, as the input
        ``exit-code: 0`` turns it off: a lost gate where the step runs.
        """
        uses = scalar(value(step, "uses")) or ""
        if not spec.config or "TRIVY_EXIT_CODE" in env:
            return []
        if not off_by_config(uses, step, self.packages.root):
            return []
        key_node, item = mapping(value(step, "with"))[spec.config[0]]
        said = (
            f"`{spec.config[0]}: {scalar(item)}` reads a file that sets "
            f"`exit-code: 0`: {spec.doc}"
        )
        return [(line_of(key_node), said)]

    def config_scans(
        self, node: yaml.Node, script: str, where: str, step: yaml.Node, job: JobContext
    ) -> None:
        """QG106 for ``trivy fs .`` whose config file writes ``exit-code: 0``.

        The default ``trivy.yaml`` is read where the step works: only known
        at the root (no ``working-directory``, no ``cd`` in the script).
        """
        moved = bool(re.search(r"(^|[;&|(\s])(cd|pushd)\s", script))
        moved = moved or bool(stepfields.workdir(step, job).strip("./"))
        why = place.demotion(job.workflow, job.name) or stepfields.manual(step, job)
        env = stepfields.env_of(step, job)
        for index, name in scannerthresholds.off_runs(
            script, env, self.packages.root, moved
        ):
            line = yamlnodes.locate(self.lines, node, "trivy", index)
            detail = (
                f"{where}: `trivy` reads `exit-code: 0` from `{name}`, so it "
                "exits 0 whatever it finds"
            )
            self.add("QG106", line, detail, why)

    def only_asks(self, step: yaml.Node, where: str, uses: str) -> None:
        """QG106 for a checker action told to print its version or help only.

        Its options input (``options:`` of ``psf/black``, ``args:``) is
        handed to the checker's command line, where ``--version`` or
        ``--help`` makes it print and exit 0 before it checks anything.
        Given alone (``ruff-action`` with ``args: --version``) it is the
        query itself: the action only installs the checker.
        """
        if not gate_action(uses, step, self.packages.root):
            return
        for key, (key_node, node) in mapping(value(step, "with")).items():
            words = (scalar(node) or "").split() if key in OPTION_INPUTS else []
            asked = [word for word in words if word in ONLY_ASKS]
            if asked and len(asked) < len(words):  # `args: --version`: install
                detail = (
                    f"{where}: `{asked[0]}` in `{key}:` makes the checker print "
                    "and exit 0 before it checks anything"
                )
                self.add("QG106", line_of(key_node), detail)

    def input_scripts(self, step: yaml.Node, where: str, job: JobContext) -> bool:
        """Audit the inputs (and environment) an action runs as scripts."""
        uses = scalar(value(step, "uses")) or ""
        name = actioninputs.action_name(uses)
        given = literals(value(step, "with"))
        specs = actioninputs.for_step(name, actioninputs.KNOWN.get(name, {}), given)
        if uses.startswith("./"):
            specs = {**specs, **self.local.get(actioninputs.local_key(name), {})}
        context = checking_context(scalar(value(step, "name")) or "", job.name)
        runs = False
        for key, (_, node) in mapping(value(step, "with")).items():
            spec = specs.get(key)
            text = scalar(node)
            if spec is not None and text:
                runs = (
                    self.input_script(node, text, spec, f"{where}, `{key}`", context)
                    or runs
                )
        runs = self.container_scripts(step, specs, where, (context, job)) or runs
        for node in self.env_commands(step, name, job):
            runs = (
                self.input_script(
                    node, scalar(node) or "", actioninputs.CIBW, where, context
                )
                or runs
            )
        if runs or (
            name not in actioninputs.SWALLOWS
            and gate_action(uses, step, self.packages.root)
        ):
            self.swallowed_by_input(step, name, where)
        return runs

    def container_scripts(
        self,
        step: yaml.Node,
        specs: dict[str, InputScript],
        where: str,
        place: tuple[str, JobContext],
    ) -> bool:
        """Audit what a container runs: ``docker://IMAGE`` args, a local entrypoint.

        An entrypoint run by a step or job that delivers (``Iot Edge Deploy``)
        checks what it ships, plausibly not the change: its findings are notes.
        """
        context, job = place
        uses = scalar(value(step, "uses")) or ""
        runs = False
        docker = actioninputs.docker_command(uses, value(step, "with"))
        if docker is not None:
            node, text = docker
            runs = self.input_script(
                node, text, actioninputs.DOCKER, f"{where}, `args`", context
            )
        entry = specs.get(dockeractions.ENTRYPOINT) if uses.startswith("./") else None
        name = scalar(value(step, "name")) or ""
        delivers = next((n for n in (name, job.name) if DELIVERY.search(n)), "")
        if entry is not None and delivers:
            why = f"the action runs in `{delivers}`, which delivers: {_GUARDS}"
            entry = dataclasses.replace(entry, place=why)
        if entry is not None:
            uses_node = value(step, "uses")
            assert uses_node is not None  # nosec B101 - `uses` was read above
            runs = self.input_script(uses_node, "", entry, where, context) or runs
        return runs

    def env_commands(
        self, step: yaml.Node, name: str, job: JobContext
    ) -> list[yaml.Node]:
        """``CIBW_TEST_COMMAND`` and the like, from the step, job or workflow env."""
        keys = actioninputs.ENV_COMMANDS.get(name, ())
        found = []
        for env in [value(step, "env"), *job.env]:
            found += [v for k, (_, v) in mapping(env).items() if k in keys]
        return found

    def input_script(
        self, node: yaml.Node, text: str, spec: InputScript, where: str, context: str
    ) -> bool:
        """Audit one input as the script the action makes of it."""
        audit = script_audit.audit_script(
            spec.script(text),
            runs_with=spec.shell,
            context="" if spec.by_name_only else context,
            place=spec.place,
        )
        for hit in audit.hits:
            line = yamlnodes.locate(self.lines, node, hit.snippet, hit.line)
            detail = f"{where}: {hit.detail} ({spec.runner})"
            self.add(hit.rule, line, detail, self.why(hit), hit.fix)
        return audit.gates > 0 and spec.gates

    def why(self, hit: Hit) -> str:
        """Why a hit is only a note ('' when it is certain)."""
        if self.autofix and hit.key in FIX_RUNS:
            return AUTOFIX
        return "" if hit.certain else hit.why

    def swallowed_by_input(self, step: yaml.Node, name: str, where: str) -> None:
        """``continue_on_error: true`` given to an action that runs a gate.

        An action known to run its input (nick-fields/retry) says which input
        swallows; any other checking action is taken at its input's word
        (``ignore-errors: true``, ``allow-failure: true``): a note, since what
        the action does with it is known from the names only.
        """
        known = actioninputs.SWALLOWS.get(name)
        why = "" if known else _BY_INPUT_NAME.format(name=name)
        for key, (key_node, node) in mapping(value(step, "with")).items():
            says = key == known if known else actioninputs.ignores_failure(key)
            if says and expressions.always_true(node):
                detail = f"{where}: `{key}: true`"
                self.add("QG105", line_of(key_node), detail, why)


_GUARDS = "a check in its entrypoint guards the delivery, plausibly not the change"
_BY_INPUT_NAME = (
    "`{name}` is a check by its name and the input's name says failures pass; "
    "what the action does with the input is not read here"
)
