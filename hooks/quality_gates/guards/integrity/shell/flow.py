"""Follow a gate's exit status through a parsed bash script.

For every command that runs a gate, the walk decides whether its failure can
still fail the script, the way bash decides it:

* under ``errexit`` (``-e``) a failing command ends the script, except on the
  left of ``&&``/``||``, in an ``if``/``while`` condition and after ``!``;
* without ``pipefail`` a pipeline's status is its last command's;
* a status nobody stops on is lost unless the next command reads ``$?`` (or a
  later one ``PIPESTATUS``), or it is the script's last, whose status the step
  keeps;
* a failure recorded in a variable read later is carried forward; one
  recorded in a step output, an environment file or a file is a *sink* the
  job may still read and fail on (``consumers``);
* ``bash -c``, ``python -c`` and ``find -exec`` run commands of their own
  (``inner_scripts``).

What hides a failure names the rule: a fallback that always succeeds
(QG101, QG102 when it echoes), ``exit 0`` right after (QG103), ``errexit``
off (QG104), a pipe (QG112), a test whose failure branch does nothing
(QG113), a wrapper that drops the status (QG117).  A hit is *certain* when
the command checks by its own name or the failure is thrown away on purpose;
a command that checks only by the name of its step, whose failure is lost by
accident, is a plausible note.

The tree's shapes (``a && b || c``, an ``if``'s clauses, a loop's words) are
read in ``compound``; the commands that read a failed gate's report or
status after it, in ``report_readers``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Callable, TypeVar

from quality_gates.guards.integrity import (
    gatecmd,
    mentions,
    rules,
    scannerthresholds,
    skipped_tests,
    stepnames,
)
from quality_gates.guards.integrity.shell import (
    captured_values,
    failure_sinks,
    flags,
    inner_scripts,
    line_audit,
    log_reads,
    masked,
    parse,
    passed_scripts,
    records_only,
    report_readers,
    reruns,
)
from quality_gates.guards.integrity.shell.assertions import negated_assertion
from quality_gates.guards.integrity.shell.compound import (
    backgrounded,
    branch_verdict,
    ever_fails,
    first_command,
    flatten,
    if_clauses,
    is_case_value,
    is_negated,
    literal_loop,
    negated_body,
    pipeline_parts,
    repeats,
    strands,
    tests_a_gate,
)
from quality_gates.guards.integrity.shell.doomed import doomed, doomed_from
from quality_gates.guards.integrity.shell.fallbacks import Verdict, verdict
from quality_gates.guards.integrity.shell.parse import (
    ParseFailure,
    short,
    statements,
    text,
)
from quality_gates.guards.integrity.shell.records import Flow, Gate, Hit, Result, Shell
from tree_sitter import Node

__all__ = ["Flow", "Gate", "Hit", "Result", "Shell", "Walker"]

T = TypeVar("T")


def _unknown(words: list[str]) -> bool | None:
    """Know no package script (the audit has no project files)."""
    return None


def _checks_nothing(words: list[str]) -> bool:
    """Know no package script that checks (the audit has no project files)."""
    return False


def _no_stub(words: list[str]) -> str:
    """Know no package script that is a stub (the audit has no project files)."""
    return ""


_LOOPS = frozenset(
    ("while_statement", "until_statement", "for_statement", "c_style_for_statement")
)
_STATUS_READ = re.compile(r"\$\{?\?|PIPESTATUS")
_EXPECTED = re.compile(
    r"(?i)(fail\w*|error\w*|exit\w*) as expected|expected (failure|error|to fail)"
)
_EXPLICIT = frozenset(("QG101", "QG102", "QG103"))
_HELD = re.compile(r"^\$\{?([A-Za-z_]\w*)\}?$")  # `$tool`, `${tool}`
_PROGRAM = re.compile(r"[\w.+-]+")  # a plain file name, not `$(which x)`
# A step named for checking (`Check frontend prettier`, `Lint`, `Verify format`)
_CHECK_MEANT = re.compile(r"(?i)\b(check|verif|lint|validat)")
# ... unless the name also says it fixes (`lint-fix`, `Format and lint`)
_FIX_MEANT = re.compile(
    r"(?i)(?<![a-z])(auto-?)?fix|(?<![a-z])(reformat|write|apply)"
    r"|(?<![a-z])format(ting)?\s*(&|and\b|\+|,)"
)


class Walker:
    """Walks one script; ``context`` names its step and job, ``place`` demotes."""

    def __init__(
        self, shell: Shell, context: str, script: str, place: str = ""
    ) -> None:
        """Start in the state the step's shell gives."""
        self.state = dataclasses.replace(shell)
        self.context = context
        self.place = place
        self.result = Result()
        self.source = script.encode()
        self.pipestatus = "PIPESTATUS" in script
        self.heredocs = parse.heredocs(script)
        self.depth = 0
        self.gates = 0
        self.named = 0  # gates known by their own name, not only their step's
        self.tested = 0
        self.capturing = 0  # walking `out=$(...)` whose status a `||` judges
        self.serving = False  # the script started a service (`server &`)
        self.swallowing = 0  # ... and that `||` swallows the failure
        # walking `out=$(checker || true)` whose output is only reported: where
        # the output is carried (None: not walking such a capture)
        self.carrying: tuple[str, ...] | None = None
        self.outputs: dict[Gate, tuple[str, ...]] = {}  # ... per gate, for `||`
        self.inverted = 0  # walking a test whose success fails (`P | grep X && exit 1`)
        self.reports: set[str] = set()  # files the gates write their reports to
        self.judged: set[str] = set()  # runs whose status a `$?` read judged
        self.checks: list[Gate] = []  # every gate the script runs, as found
        self.functions: dict[str, list[Gate]] = {}  # what a call's status carries
        self.bodies: dict[str, Node] = {}  # each function's body
        self.ignoring = ""  # a call in a tested place: errexit ignored in its body
        self.piping = 0  # walking a part of a pipeline (a subshell keeping -e)
        self.values: dict[str, str] = {}  # `tool=/path/to/helm`: what `$tool` runs
        self.loop_words: dict[str, list[str]] = {}  # `for f in tests/*.sh`: `$f`
        self.root: Node | None = None
        self.forced = False  # `trap 'exit 0' EXIT` seen
        self.fixing = False  # the job commits what its steps changed
        self._package_judges()

    def _package_judges(self) -> None:
        """Start with no knowledge of the project's package scripts."""
        # `npm run NAME` whose package.json script only fixes (None: unknown)
        self.package_fixes: Callable[[list[str]], bool | None] = _unknown
        # ... and whether it runs a checker by name (`compile: tsc -p ./`)
        self.package_checks: Callable[[list[str]], bool] = _checks_nothing
        # ... and whether it is a stub of a check (`lint: echo skip`)
        self.package_stub: Callable[[list[str]], str] = _no_stub
        # formatters (`check = true`), scanners (`exit-code: 1`) configured to
        self.config_checks: frozenset[str] = frozenset()
        self.env: dict[str, str] = {}  # the step's `env:`, as literals
        # the job commits what changed or reads the tree (`git diff --exit-code`)
        self.rewrites_caught = False
        # `npm run NAME` whose script only formats (`prettier --write`)
        self.package_rewrites: Callable[[list[str]], bool | None] = _unknown
        self.builds_checked = False  # the job builds only to see the build pass

    # ---- results -------------------------------------------------------

    def hit(
        self,
        rule: str,
        gate: Gate,
        detail: str,
        line: int | None = None,
        sinks: tuple[str, ...] = (),
        because: str = "",
        fix: str = "",
    ) -> None:
        """Record a hit for ``gate`` (at ``line`` when given: a ``set +e``).

        ``because``: why the evidence makes it plausible only, when it does.
        ``fix``: the fix of this shape, when the rule's own does not fit it.
        """
        if self.carrying is not None:
            sinks += self.carrying
        sinks += self.outputs.get(gate, ())
        where = gate.line if line is None else line
        snippet = gate.text if line is None else "set +"
        certain, why = self.certainty(gate, rule in _EXPLICIT)
        if because:
            certain, why = False, because
        by_shell = rule != "QG104" or (
            self.state.errexit_off_line is None and not self.ignoring
        )
        fix = fix or (rules.place_fix(rule, self.state.kind) if by_shell else "")
        hit = Hit(
            rule, where, snippet, detail, gate.key, gate.report, certain, why, sinks
        )
        by_name = gate.strength in ("context", "probe")  # a probe: `curl -s URL`
        self.add(dataclasses.replace(hit, fix=fix, by_name=by_name))

    def add(self, hit: Hit) -> None:
        """Keep one hit per place: a function's gate lost at two calls is one.

        The same hit again (``set +e`` then two calls) is dropped; one that
        differs only in its detail (``check a | tee x``, ``check b | tee y``)
        is named in the first one's detail.
        """
        hits = self.result.hits
        for index, old in enumerate(hits):
            if dataclasses.replace(old, detail=hit.detail) == hit:
                hits[index] = dataclasses.replace(old, detail=_also(old, hit))
                return
        hits.append(hit)

    def certainty(self, gate: Gate, explicit: bool) -> tuple[bool, str]:
        """Certain on a checker's own name, or a failure thrown away on purpose."""
        if self.place:
            return False, self.place
        if gate.strength == "probe":
            return False, (
                f"`{gate.key}` asks a local service or a health URL without "
                "`--fail` and is a check only by its step's or target's name: "
                "it may be a look, not a probe"
            )
        if gate.strength == "named" or explicit:
            return True, ""
        return False, (
            f"`{gate.key}` counts as a check only because its step or job is named "
            "for checking, and nothing throws its failure away on purpose"
        )

    def observe(self, gates: list[Gate]) -> None:
        """Mark gates whose failure is seen (for honest twins)."""
        self.result.observed.update(gate.key for gate in gates)

    def fails_step(self, gates: list[Gate]) -> None:
        """Mark gates whose failure fails the step itself (errexit, last status).

        Not one carried to a later reader (``pylint > r.json || true`` read
        by a threshold check): that reader is then the check.
        """
        if self.forced:
            for gate in gates:
                detail = (
                    "an earlier `trap '... exit 0' EXIT` ends the script with "
                    f"success whatever `{gate.text}` returned"
                )
                self.hit("QG103", gate, detail)
            return
        self.observe(gates)
        self.result.named_seen |= any(gate.strength == "named" for gate in gates)

    # ---- statements ----------------------------------------------------

    def program(self, root: Node) -> Result:
        """Walk a whole script; the step keeps its last status."""
        flow = self.last_flow(root)
        self.fails_step(flow.carriers())  # the step keeps the script's last status
        self.result.last = flow.carriers()
        for node, name, sinks in flags.unread_flags(root, self.source):
            if tests_a_gate(node):
                continue  # `if ! bash -n "$f"; then FAIL=1`: judged with its gate
            gate = Gate(node.start_point[0], short(node, self.source), name)
            detail = (
                f"`{gate.text}` records a finding in `${name}`, which nothing "
                "in the script fails on"
            )
            self.hit("QG101", gate, detail, sinks=sinks)
        return self.result

    def last_flow(self, root: Node) -> Flow:
        """Walk a whole script and return the flow of its end."""
        self.root = root
        return self.sequence(statements(root), eligible=True)

    def sequence(self, nodes: list[Node], eligible: bool) -> Flow:
        """Walk statements in order; ``eligible``: errexit may apply."""
        flow = Flow()
        for index, node in enumerate(nodes):
            if backgrounded(node):
                self.background(node, nodes[index + 1 :])
                self.serving = True
                continue  # `server &`: a service started, its status never read
            current = self.statement(node, eligible and self.state.errexit)
            status = current.status if eligible else current.carriers()
            if eligible:
                self.fails_step(current.exits)
                flow.exits += current.exits
            following = nodes[index + 1] if index + 1 < len(nodes) else None
            if following is None:
                flow.status = status  # a compound's status is its last command's
            else:
                self.judge_capture(node, following)
                self.lost_status(status, following)
        return flow

    def judge_capture(self, node: Node, following: Node) -> None:
        """``out=$(tool --json)`` then ``rc=$?``: a run whose status is read."""
        if node.type == "variable_assignment" and _STATUS_READ.search(text(following)):
            self.judged.add(reruns.run_of(text(node)))

    def lost_status(self, gates: list[Gate], following: Node) -> None:
        """Judge a non-last statement's status: read by the next one, or lost."""
        if not gates:
            return
        if _STATUS_READ.search(text(following)):
            if following.type == "if_statement" and not ever_fails(following):
                how = "with `$?` tested by an `if` whose branches never fail"
                branches = [n for _, body in if_clauses(following) for n in body]
                self.hidden(gates, branch_verdict(branches), how, branches, following)
                return
            self.observe(gates)
            self.judged.update(reruns.run_of(gate.text) for gate in gates)
            return
        if doomed_from(following):
            self.observe(gates)  # `diag; exit 1`: the step fails whatever it returns
            return
        words = parse.words(following) if following.type == "command" else []
        for gate in gates:
            if words[:2] == ["exit", "0"]:
                self.hit("QG103", gate, f"`{gate.text}; exit 0`")
            elif not self.state.errexit:
                self.errexit_off(gate)
            elif gate.negated:
                detail = (
                    f"`! {gate.text}` in the middle of the script: errexit never "
                    "stops on a negated command or pipeline, so its unexpected "
                    "success is lost"
                )
                self.hit("QG113", gate, detail)
            else:
                detail = (
                    f"`{gate.text}` on the left of `&&` (or tested by `if`): "
                    "errexit does not apply there and nothing checks its status"
                )
                self.hit("QG113", gate, detail)

    def errexit_off(self, gate: Gate) -> None:
        """Report a gate whose status is lost because errexit is off."""
        if self.ignoring:
            detail = (
                f"`{gate.text}` in a function called as `{self.ignoring}`: bash "
                "ignores errexit in the whole body of a function whose status is "
                "tested, so only the body's last command decides and this "
                "failure is lost"
            )
            self.hit("QG104", gate, detail, sinks=_file_sinks(gate.files))
        elif self.state.errexit_off_line is not None:
            detail = f"`set +e` then `{gate.text}` with no check of its exit status"
            self.hit(
                "QG104",
                gate,
                detail,
                line=self.state.errexit_off_line,
                sinks=_file_sinks(gate.files),
            )
        else:
            detail = (
                f"{self.state.named} runs without `-e`, so `{gate.text}` "
                "failing does not stop the script and nothing checks its status"
            )
            self.hit("QG104", gate, detail, sinks=_file_sinks(gate.files))

    def statement(self, node: Node, errexit: bool) -> Flow:
        """Walk one statement, bounded in depth."""
        self.depth += 1
        if self.depth > parse.MAX_DEPTH:
            raise ParseFailure("nested too deeply")
        try:
            return self._statement(node, errexit)
        finally:
            self.depth -= 1

    def tested_statement(self, node: Node) -> Flow:
        """Walk a statement whose status is tested (a condition, left of &&/||)."""
        self.tested += 1
        try:
            return self.statement(node, False)
        finally:
            self.tested -= 1

    def _statement(self, node: Node, errexit: bool) -> Flow:
        kind = node.type
        if kind == "command":
            return self.command(node, errexit)
        if kind == "redirected_statement":
            body = node.child_by_field_name("body")
            return self.statement(body, errexit) if body is not None else Flow()
        if kind == "list":
            return self.and_or(node, errexit)
        if kind == "pipeline":
            return self.pipeline(node, errexit)
        if kind == "negated_command":
            return self.negated(node, [negated_body(node)])
        if kind in ("subshell", "compound_statement", "do_group"):
            inner = self.sequence(statements(node), eligible=errexit)
            return (
                self._wrap(inner.carriers(), errexit) if kind == "subshell" else inner
            )
        if kind == "if_statement":
            return self.if_statement(node, errexit)
        if kind in _LOOPS:
            return self.loop(node, errexit)
        if kind == "case_statement":
            return self.case(node, errexit)
        if kind == "function_definition":
            self.define(node)
            return Flow()
        if kind in ("variable_assignment", "declaration_command"):
            self.assign(node)
            self.declared(node)
            return self.kept_output(node, errexit)
        return Flow()

    def declared(self, node: Node) -> None:
        """``export OUT=$(gate)``: the builtin's status replaces the gate's.

        Only when the value is at most shown later: a value used further on
        is what the command produced, judged where it is used.
        """
        for builtin, name, given in masked.declared(node):
            after = self.source[node.end_byte :].decode(errors="replace")
            if not report_readers.only_shown(name, after):
                continue
            for gate in self.captured_status(given, swallows=False).carriers():
                detail = (
                    f"`{builtin} {name}=$(...)` exits with `{builtin}`'s own status "
                    f"(0), so `{gate.text}` failing inside `$(...)` is lost"
                )
                self.hit("QG117", gate, detail)

    def kept_output(self, node: Node, errexit: bool) -> Flow:
        """``out=$(checker || true)``: a status dropped, the output only reported.

        The assignment's status is its substitution's: under errexit
        ``out=$(checker)`` fails the step; with errexit off (``set +e``) or
        with the status swallowed inside, the checker is lost unless
        something later can fail on the output (``captured_values``).
        """
        given = _substitution(node)
        name = node.child_by_field_name("name")
        if given is None or name is None:
            return Flow()
        return self._wrap(self.reported(text(name), given, node.end_byte), errexit)

    def reported(self, name: str, given: Node, start: int) -> list[Gate]:
        """Walk ``$(...)`` whose output in ``$name`` is at most reported."""
        root = self.root if self.root is not None else given
        carried = captured_values.only_reported(name, root, start, self.source)
        if carried is None:
            return []
        saved, self.carrying = self.carrying, carried
        try:
            gates = self.captured_status(given, swallows=False).carriers()
        finally:
            self.carrying = saved
        named = [gate for gate in gates if gate.strength == "named"]
        self.outputs.update((gate, carried) for gate in named)
        return named

    def background(self, node: Node, rest: list[Node]) -> None:
        """``gate &`` then a bare ``wait``, which returns 0 whatever the job did."""
        waited = masked.lost_to_bare_wait(rest)
        words = parse.words(node) if node.type == "command" else []
        check = gatecmd.judge(words, self.context) if words else None
        if waited is None or check is None or check.strength != "named":
            return
        gate = self.gate(node, words, check)
        detail = (
            f"`{gate.text} &` then `wait` with no job id, which returns 0 "
            "whatever the background job returned"
        )
        self.hit("QG117", gate, detail)

    def define(self, node: Node) -> None:
        """Walk a function's body once; a call's status is its body's last.

        ``lint() { helm lint "$1" || failed=1; }`` is judged where it is
        written; ``lint chart`` then carries whatever the body leaves in its
        status, not a check named by the function's name.
        """
        body = node.child_by_field_name("body")
        name = node.child_by_field_name("name")
        flow = self.statement(body, self.state.errexit) if body is not None else Flow()
        if name is not None and body is not None:
            self.functions[text(name)] = flow.carriers()
            self.bodies[text(name)] = body

    def tested_call(self, node: Node, name: str) -> list[Gate]:
        """``run || exit 1``: bash ignores errexit in the whole body of ``run``.

        Only the body's last status reaches the ``||``; a check before it is
        lost (QG104).  Walked again here with errexit off.
        """
        if self.ignoring:
            return list(self.functions[name])
        saved = dataclasses.replace(self.state)
        self.state.errexit = False
        self.ignoring = short(node, self.source)
        try:
            return self.statement(self.bodies[name], False).carriers()
        finally:
            self.state, self.ignoring = saved, ""

    def assign(self, node: Node) -> None:
        """Remember ``helm_bin="$(CURDIR)/tools/bin/helm"`` for ``"$helm_bin" ...``."""
        found = [node] if node.type == "variable_assignment" else node.named_children
        for item in found:
            name = item.child_by_field_name("name")
            given = item.child_by_field_name("value")
            if item.type != "variable_assignment" or name is None:
                continue
            self.values[text(name)] = parse.unquote(text(given)) if given else ""

    @staticmethod
    def _wrap(gates: list[Gate], errexit: bool) -> Flow:
        return Flow(exits=gates) if errexit else Flow(status=gates)

    # ---- simple commands -----------------------------------------------

    def command(self, node: Node, errexit: bool) -> Flow:
        """Judge a simple command; ``set`` changes the shell options."""
        words = parse.words(node)
        if not words:
            return Flow()
        if self.shell_options(node, words):
            return Flow()
        if parse.boolean_expression(node, self.source):
            return Flow()  # `if ${{ env.REF == 'main' }}; then`: true or false
        words = self.resolved(self.iterated(words))
        if words[0] in self.functions:
            tested = not (errexit or self.piping or self.capturing)
            if self.state.errexit and tested and words[0] in self.bodies:
                return Flow(status=self.tested_call(node, words[0]))
            return self._wrap(list(self.functions[words[0]]), errexit)
        if self.packaged(node, words):
            return Flow()
        nested = self.nested(node, words)
        if nested is not None:
            return self._wrap(nested, errexit)
        check = self.by_package(words, self.configured_scan(words))
        if self.context:
            self.lost_by_mode(node, words, check)
        if check is None or (
            check.strength == "context" and failure_sinks.to_summary(node)
        ):
            return Flow()
        if self.carrying is not None and not _followed(check, words):
            return Flow()  # `v=$(curl URL || true)` in a Check step: no checker
        if check.query and self.tested:
            return Flow()  # `if git diff --quiet; then ...`: control flow
        if self.fixing and gatecmd.runs_fixer_hook(words):
            return Flow()  # a fixer hook whose rewrite the job commits
        return self._wrap([self.gate(node, words, check)], errexit)

    def configured_scan(self, words: list[str]) -> gatecmd.Check | None:
        """Judge a command; ``trivy fs .`` under ``TRIVY_EXIT_CODE: 1`` checks.

        So does a scan whose config file (``trivy.yaml``) sets the threshold.
        """
        capturing = self.capturing > 0
        check = gatecmd.judge(words, self.context, capturing, serving=self.serving)
        if check is not None and check.strength == "named":
            return check
        env = {**self.env, **self.values}
        if scannerthresholds.configured(words, env, self.config_checks):
            return gatecmd.Check("named", gatecmd.gate_key(words))
        return check

    def packaged(self, node: Node, words: list[str]) -> bool:
        """Judge ``npm run NAME`` whose package script only fixes or echoes."""
        if self.package_fixes(words):
            self.rewrite_only(node, words, packaged=True)
            return True  # `npm run lint` whose script is `eslint --fix .`
        stub = self.package_stub(words)
        if stub:
            self.stubbed(node, words, stub)
            return True
        return False

    def stubbed(self, node: Node, words: list[str], script: str) -> None:
        """QG107 for ``npm run lint`` whose package script only echoes."""
        gate = Gate(node.start_point[0], short(node, self.source), words[-1])
        detail = (
            f"`{gate.text}` runs the package script `{script}`, which only prints "
            "or succeeds: the check it is named for never runs"
        )
        fix = f"make the `{words[-1]}` script run the checker, or drop the step"
        self.hit("QG107", gate, detail, fix=fix)

    def shell_options(self, node: Node, words: list[str]) -> bool:
        """Follow ``set`` and a top-level ``trap``; tell whether ``set`` was it."""
        if words[0] == "set":
            self.set_options(node, words[1:])
            return True
        if words[0] == "trap" and node.parent == self.root:
            self.forced = masked.forces_success(words) or (
                self.forced and not masked.resets_forced(words)
            )
        return False

    def gate(self, node: Node, words: list[str], check: gatecmd.Check) -> Gate:
        """Count a command that runs a gate; return it with the reports it writes."""
        self.gates += 1
        self.named += check.strength == "named"
        files = failure_sinks.report_files(node, words)
        files = failure_sinks.as_written(node, self.source, files)
        self.reports.update(files)
        report = bool(files) or failure_sinks.writes_report(node, words)
        gate = Gate(
            node.start_point[0],
            short(node, self.source),
            check.key,
            report,
            files,
            check.strength,
        )
        self.checks.append(gate)
        return gate

    def by_package(
        self, words: list[str], check: gatecmd.Check | None
    ) -> gatecmd.Check | None:
        """Judge ``npm run NAME`` by its package script where its name did not.

        In a job that builds only to see the build pass (nothing it builds
        is used), a script named for building is a check where the step
        checks, as the build tool it runs would be.
        """
        if (check is None or check.strength != "named") and self.package_checks(words):
            check = self.package_check(words) or check
        if check is None and self.builds_checked and gatecmd.runs_build_script(words):
            check = gatecmd.Check("context", gatecmd.gate_key(words))
        return check

    def package_check(self, words: list[str]) -> gatecmd.Check | None:
        """``npm run lint`` running ``eslint src``: a check by the tool it runs.

        A script named for building (``compile: tsc -p ./``) emits what it
        builds: a check only where the step itself says it checks by more
        than building (``TypeScript Type Checking``, not ``Compile Extension``,
        which in a ``test`` job builds what the tests run).
        """
        key = gatecmd.gate_key(words)
        if not stepnames.BUILD_WORDS.search(" ".join(words[1:])):
            return gatecmd.Check("named", key)
        step = self.context.split(" / ", 1)[0]
        said = stepnames.CONTEXT_WORDS.search(stepnames.BUILD_WORDS.sub("", step))
        return gatecmd.Check("context", key) if said else None

    def lost_by_mode(
        self, node: Node, words: list[str], check: gatecmd.Check | None
    ) -> None:
        """Where the step checks: a tool run in a mode that cannot fail.

        ``isort --diff`` shows, ``detect-secrets scan`` records, and
        ``gradle build -x test`` leaves the tests out.
        """
        bare = gatecmd.strip_wrappers(words)
        moded = check is None and not doomed(node)  # not on a path to `exit 1`
        if moded and gatecmd.shows_diff_only(words, self.config_checks):
            self.diff_only(node, words)
        if moded and gatecmd.rewrites_only(words):
            self.rewrite_only(node, words)
        if moded and gatecmd.lists_only(words):
            self.lists_only(node, words)
        if records_only.records(bare):
            self.recorded(node, words, bare)
        if skipped_tests.excludes_tests(bare):
            self.tests_left_out(node, words)

    def recorded(self, node: Node, words: list[str], bare: list[str]) -> None:
        """QG106 for ``detect-secrets scan`` whose baseline nothing reads."""
        files = (records_only.baseline(bare), *failure_sinks.report_files(node, words))
        if records_only.read_later(node, self.source, files):
            return
        gate = Gate(node.start_point[0], short(node, self.source), "detect-secrets")
        detail = (
            f"`{gate.text}` records the secrets it finds in a baseline and exits 0 "
            "whatever it finds, and nothing reads the baseline after it"
        )
        fix = (
            "fail on new secrets: `detect-secrets-hook --baseline "
            ".secrets.baseline $(git ls-files)`, or `git diff --exit-code` on the "
            "baseline after the scan"
        )
        because = (
            "`scan` is how a baseline is made too; the step's name is the only "
            "sign that a failing check was meant"
        )
        self.hit("QG106", gate, detail, because=because, fix=fix)

    def diff_only(self, node: Node, words: list[str]) -> None:
        """QG106 for ``isort --diff .`` where the step or target checks."""
        key = gatecmd.gate_key(words)
        gate = Gate(node.start_point[0], short(node, self.source), key)
        detail = f"`{gate.text}`: `--diff` without a check flag only shows the diff"
        self.hit("QG106", gate, detail)

    def rewrite_only(
        self, node: Node, words: list[str], packaged: bool = False
    ) -> None:
        """QG106 for ``prettier --write`` in a step named for checking.

        The formatter rewrites what a check would flag and exits 0; unless
        the job commits the change or reads the tree after (``git diff
        --exit-code``), the check the step is named for cannot fail.
        """
        step = self.context.split(" / ", 1)[0]
        if self.rewrites_caught or not _CHECK_MEANT.search(step):
            return
        if _FIX_MEANT.search(step):
            return  # `make lint-fix`: named for fixing as much as for checking
        if packaged and not self.package_rewrites(words):
            return
        gate = Gate(node.start_point[0], short(node, self.source), "format")
        detail = (
            f"`{gate.text}` rewrites the files a check would flag and exits 0 "
            "whatever it changed, and nothing in the job reads the tree after it"
        )
        fix = (
            "run the formatter in its check mode (`prettier --check`, `black "
            "--check`), or fail on `git diff --exit-code` after it"
        )
        self.hit("QG106", gate, detail, fix=fix)

    def lists_only(self, node: Node, words: list[str]) -> None:
        """QG106 for ``gofmt -l .`` in a step named for checking.

        It prints the files it would change and exits 0 whatever it
        prints; where nothing tests its output, the check cannot fail.
        """
        step = self.context.split(" / ", 1)[0]
        if not _CHECK_MEANT.search(step):
            return
        gate = Gate(node.start_point[0], short(node, self.source), "format")
        detail = (
            f"`{gate.text}` only prints what it would change and exits 0 "
            "whatever it prints, and nothing tests its output"
        )
        fix = 'fail on its output: `test -z "$(gofmt -l .)"`'
        self.hit("QG106", gate, detail, fix=fix)

    def tests_left_out(self, node: Node, words: list[str]) -> None:
        """QG107 for ``./gradlew build -x test`` in a step named for testing."""
        step = self.context.split(" / ", 1)[0]
        if not skipped_tests.lost_in(step, self.source.decode(errors="replace")):
            return
        gate = Gate(node.start_point[0], short(node, self.source), "test")
        detail = (
            f"`{gate.text}` leaves the test task out of the build, so the tests "
            "this step is named for never run"
        )
        fix = (
            "drop `-x test` (`-DskipTests`) so the tests run, or run the test "
            "task in a step of its own"
        )
        self.hit("QG107", gate, detail, fix=fix)

    def resolved(self, words: list[str]) -> list[str]:
        """Replace a command held in a variable by the program assigned to it."""
        held = _HELD.match(words[0])
        value = self.values.get(held.group(1), "") if held else ""
        if value and _PROGRAM.fullmatch(value.rsplit("/", 1)[-1]):
            return [value, *words[1:]]
        return words

    def iterated(self, words: list[str]) -> list[str]:
        """``bash "$f"`` in ``for f in tests/test_*.sh``: judge it by what it runs.

        Each literal word the loop goes over is put in for ``$f``; when every
        one makes the command a checker by its own name, the first stands for
        them all (otherwise the command is judged as written).
        """
        for index, word in enumerate(words):
            held = _HELD.match(word)
            given = self.loop_words.get(held.group(1), []) if held else []
            tried = [[*words[:index], value, *words[index + 1 :]] for value in given]
            if tried and all(gatecmd.named_gate(each) for each in tried):
                return tried[0]
        return words

    def nested(self, node: Node, words: list[str]) -> list[Gate] | None:
        """Commands a ``bash -c``, ``python -c`` or ``find -exec`` runs itself."""
        found = (
            inner_scripts.heredoc(
                node, words, self.heredocs, self.walk_inner, self.source
            )
            or inner_scripts.shell_c(node, words, self.walk_inner)
            or inner_scripts.eval_text(node, words, self.walk_inner, self.state)
            or inner_scripts.python_c(node, words, self.source)
            or inner_scripts.find_exec(node, words, self.source, self.context)
            or passed_scripts.passed(
                node, words, self.walk_inner, self.source, self.walk_by_name
            )
            or inner_scripts.script_c(node, words, self.source)
        )
        if found is None:
            return None
        self.gates += found.gates
        self.named += found.gates - sum(
            gate.strength != "named" for gate, _ in found.lost
        )
        self.result.hits += found.result.hits
        self.result.observed |= found.result.observed
        self.result.named_seen |= found.result.named_seen
        for gate, detail in found.lost:
            self.hit("QG117", gate, detail)
        return found.carriers

    def walk_by_name(self, script: str, shell: Shell) -> tuple[Result, Flow, int]:
        """Walk a nested script whose commands check by their own name only."""
        return self.walk_inner(script, shell, context="")

    def walk_inner(
        self, script: str, shell: Shell, context: str | None = None
    ) -> tuple[Result, Flow, int]:
        """Walk a nested script with its own shell options (and ``context``)."""
        given = self.context if context is None else context
        inner = Walker(shell, given, script, self.place)
        inner.fixing = self.fixing
        inner.package_fixes = self.package_fixes
        inner.package_rewrites = self.package_rewrites
        inner.rewrites_caught = self.rewrites_caught
        inner.package_checks = self.package_checks
        inner.package_stub = self.package_stub
        inner.config_checks = self.config_checks
        inner.builds_checked = self.builds_checked
        inner.depth = self.depth
        flow = inner.last_flow(parse.parse(script))
        return inner.result, flow, inner.gates

    def set_options(self, node: Node, args: list[str]) -> None:
        """Apply ``set -e``, ``set +e``, ``set -o pipefail`` and the like."""
        for index, arg in enumerate(args):
            named = args[index + 1] if index + 1 < len(args) else ""
            sign = arg[:1]
            if sign not in "+-" or len(arg) < 2:
                continue
            on = sign == "-"
            letters = arg[1:]
            if "e" in letters and letters != "o":
                self.errexit(on, node)
            if letters.endswith("o") and named in ("errexit", "pipefail"):
                if named == "errexit":
                    self.errexit(on, node)
                else:
                    self.state.pipefail = on

    def errexit(self, on: bool, node: Node) -> None:
        """Switch errexit, remembering where it was turned off."""
        self.state.errexit = on
        self.state.errexit_off_line = None if on else node.start_point[0]

    # ---- operators -----------------------------------------------------

    def pipeline(self, node: Node, errexit: bool) -> Flow:
        """Walk ``a | b``: without pipefail only the last status counts."""
        parts = pipeline_parts(node)
        if not parts:
            return Flow()
        if parts[0].type == "negated_command":
            return self.negated(node, [negated_body(parts[0]), *parts[1:]])
        return self._wrap(self.piped(parts, node), errexit)

    def piped(self, parts: list[Node], node: Node, negated: bool = False) -> list[Gate]:
        """Return the gates a pipeline's status carries; report those a pipe loses.

        Output judged by the pipeline's last command is seen: ``gate | tee
        log`` with the log read later, ``gate | grep -q PATTERN``, and ``!
        gate | grep PATTERN`` (fails when the pattern shows up).
        """
        last = self.part(parts[-1], len(parts) > 1)
        teed, passed = self.teed_and_read(parts[-1], node)
        judged = self.inverted and not negated and _greps(parts[-1], True)
        # `P | grep -q X` carries P's failure (no output, no match), unless a
        # match is what fails: then P failing reads as the pattern's absence,
        # noted where P's errors go to /dev/null and the failure leaves no trace.
        silent = judged and _errors_hidden(parts[0])
        teed = teed or (_greps(parts[-1], negated) and not silent)
        written = self.piped_to(parts[-1], node)
        for index, part in enumerate(parts[:-1]):
            lost = self.part(part, True)
            if judged and not lost and index == 0 and not self.state.pipefail:
                lost = _producer(part, self.source)
            if self.state.pipefail or self.swallowing:
                last += lost
            elif self.pipestatus or teed or doomed(node):
                self.observe(lost)
            elif _grepped_request(parts, index, negated):
                self.observe(lost)  # grep fails on a failed request's silence
            else:
                for gate in lost:
                    detail = (
                        f"`{short(node, self.source)}` runs without pipefail "
                        f"({self.state.named}), so `{gate.text}` "
                        "failing is lost"
                    )
                    sinks = (*_file_sinks((*written, *gate.files)), *passed)
                    why = _GREPPED if judged else ""
                    self.hit("QG112", gate, detail, sinks=sinks, because=why)
        return last

    def part(self, node: Node, piped: bool) -> list[Gate]:
        """Return the gates one part of a pipeline carries (its status only).

        ``piped``: a part of ``a | b`` runs in a subshell of its own (``! a``
        alone does not).
        """
        self.piping += piped
        try:
            return self.statement(node, False).carriers()
        finally:
            self.piping -= piped

    def negated(self, node: Node, parts: list[Node | None]) -> Flow:
        """Walk ``! a | b``: bash negates the whole pipeline, not ``a``.

        tree-sitter hangs the ``!`` on ``a``.

        The negated status is an expected failure: it fails when the gates
        succeed.  errexit never stops on a negated pipeline, so the status
        is seen only when it is the script's last or something tests it.
        """
        present = [part for part in parts if part is not None]
        if not present:
            return Flow()
        alone = not (self.tested or self.piping or self.capturing)
        self.tested += 1
        try:
            gates = self.piped(present, node, negated=True)
        finally:
            self.tested -= 1
        assertion = None
        if alone and not gates:  # a statement of its own, not a condition
            assertion = negated_assertion(present, self.source)
        gates = [assertion] if assertion is not None else gates
        return Flow(status=[dataclasses.replace(g, negated=True) for g in gates])

    def teed_and_read(self, last: Node, pipeline: Node) -> tuple[bool, tuple[str, ...]]:
        """``gate | tee log.txt`` and a later ``grep ... log.txt`` that fails.

        Also return the outputs and variables a read of the log sets.
        """
        files = self.piped_to(last, pipeline, tee_only=True)
        return log_reads.judged_later(pipeline, self.source, files, self.state.errexit)

    def piped_to(
        self, last: Node, pipeline: Node, tee_only: bool = False
    ) -> tuple[str, ...]:
        """Return the files a pipeline's last command writes (``tee F``, ``> F``).

        The pipeline's output, the gate's report, lands there: a later step
        that reads the file and can fail carries the gate's failure on.
        """
        words = _part_words(last)
        named = [w for w in words[1:] if words[:1] == ["tee"] and not w.startswith("-")]
        body = (
            last.child_by_field_name("body")
            if last.type == "redirected_statement"
            else last
        )
        holders = [body] if tee_only else [body, pipeline]
        files: tuple[str, ...] = ()
        for holder in (h for h in holders if h is not None):
            found = () if tee_only else failure_sinks.report_files(holder, [])
            names = (*named, *found) if holder is body else found
            files += failure_sinks.as_written(holder, self.source, names)
        return files

    def and_or(self, node: Node, errexit: bool) -> Flow:
        """Walk ``a && b || c``: only the last command is errexit-eligible."""
        items, ops = flatten(node)
        first = self.inverting(
            items, ops, 0, lambda: self.first(items[0], ops[0], items[1])
        )
        pending = first.carriers()
        exits: list[Gate] = []
        status: list[Gate] = []
        for position, (op, item) in enumerate(zip(ops, items[1:]), start=1):
            last = position == len(items) - 1
            rerun = len(self.checks) if op == "||" and pending else -1
            if op == "||":
                if not pending and _EXPECTED.search(text(item)):
                    pending = self.expected_failure(items, ops, position)
                self.fallback(pending, item, ops, items, position)
                pending = []
            flow = self.inverting(
                items,
                ops,
                position,
                lambda: self.statement(item, errexit if last else False),
            )
            self.reruns(rerun, item)
            if last:
                exits, status = flow.exits, pending + flow.status
            else:
                pending = pending + flow.carriers()
        return Flow(exits=exits, status=status)

    def reruns(self, before: int, fallback: Node) -> None:
        """Drop the checks of a fallback that fails anyway: no check of their own.

        In ``bandit -r src/ -f json || { bandit -r src/ -f txt; exit 1; }``
        the second run starts only once the first has failed, and the step
        fails whatever it finds: it shows the findings, it decides nothing.
        """
        if before >= 0 and verdict(fallback) is Verdict.FAILS:
            del self.checks[before:]

    def first(self, item: Node, op: str, following: Node) -> Flow:
        """Walk the first item of a list: tested on the left of ``&&``.

        ``out=$(curl -sf URL) || { echo ...; }``: an assignment's status is
        its command substitution's, so the commands inside are what the
        fallback hides.
        """
        if op == "||" and item.type == "variable_assignment":
            given = item.child_by_field_name("value")
            if given is not None and given.type == "command_substitution":
                return self.captured(item, given, following)
        return (
            self.tested_statement(item) if op == "&&" else self.statement(item, False)
        )

    def captured(self, item: Node, given: Node, following: Node) -> Flow:
        """``out=$(gate) || fallback``: the gates the fallback judges.

        Only when the value is at most shown later (``echo "Response: $out"``):
        then the status was the command's only product.  A value used
        further on (grepped, tested, written to an output) is what the
        command produced, judged where it is used, as any other value.
        """
        name = item.child_by_field_name("name")
        after = self.source[following.end_byte :].decode(errors="replace")
        if name is None:
            return Flow()
        if not report_readers.only_shown(text(name), after):
            return Flow(status=self.reported(text(name), given, following.end_byte))
        swallows = verdict(following) in (Verdict.ECHOES, Verdict.SUCCEEDS)
        return self.captured_status(given, swallows)

    def captured_status(self, given: Node, swallows: bool) -> Flow:
        """Return the status of ``$(...)``: the gates its last command carries.

        When the ``||`` after it swallows (``|| { echo "::warning::..."; }``),
        a gate a pipe loses (``$(curl -sf URL | head)``) is one the author
        meant to swallow too: it goes to the fallback with the others.
        """
        self.capturing += 1
        self.swallowing += swallows
        try:
            return Flow(status=self.sequence(statements(given), False).carriers())
        finally:
            self.capturing -= 1
            self.swallowing -= swallows

    def inverting(
        self, items: list[Node], ops: list[str], position: int, walk: Callable[[], T]
    ) -> T:
        """Walk ``items[position]``, a test whose success fails when ``&& exit 1``."""
        inverted = position < len(ops) and ops[position] == "&&"
        inverted = inverted and verdict(items[position + 1]) is Verdict.FAILS
        self.inverted += inverted
        try:
            return walk()
        finally:
            self.inverted -= inverted

    def fallback(
        self,
        gates: list[Gate],
        item: Node,
        ops: list[str],
        items: list[Node],
        position: int,
    ) -> None:
        """``gates || item``: the failure goes to ``item``; hidden when it succeeds."""
        if not gates:
            return
        judged = verdict(item)
        if judged is Verdict.MAY_FAIL and report_readers.shows_own_report(item, gates):
            judged = Verdict.SUCCEEDS  # `go test > r.json || cat r.json`
        end = report_readers.redirects_end(item)
        read = self.source[end:].decode(errors="replace")
        names = [n for gate in gates for n in gate.files if mentions.names(read, n)]
        # a checker by its own name: its report's existence says nothing
        quiet = bool(names) and all(gate.strength == "named" for gate in gates)
        if names and not self.readers_never_fail(names, end, quiet):
            judged = Verdict.MAY_FAIL  # the report is checked further on
        branches = self.quiet_branches(names, end) if quiet else []
        if judged in (Verdict.ECHOES, Verdict.SUCCEEDS) and position < len(ops):
            following = items[position + 1]
            if ops[position] == "&&" and verdict(following) is Verdict.FAILS:
                judged = Verdict.FAILS  # `a || echo msg && exit 1`
        how = f"|| {short(item, self.source, 40)}"
        self.hidden(gates, judged, how, [item, *branches], item)

    def readers(self, names: list[str], start: int) -> list[Node]:
        """Every later command or test (``[ -s r.txt ]``) that names a report."""
        return [
            node
            for kind in ("command", "test_command")
            for node in parse.descendants(self.root, kind)
            if node.start_byte >= start
            and any(mentions.names(text(node), n) for n in names)
        ]

    def quiet_branches(self, names: list[str], start: int) -> list[Node]:
        """Return the branches of the ``if``s that test a report and never fail.

        ``if [ -s r.txt ]; then echo found=true >> "$GITHUB_OUTPUT"; fi``
        carries the failure only into what the branches write (an output a
        later step may fail on); nothing in the script fails on it.
        """
        found: list[Node] = []
        for reader in self.readers(names, start):
            found += report_readers.quiet_if(reader) or []
        return found

    def readers_never_fail(
        self, names: list[str], start: int, quiet_ifs: bool = False
    ) -> bool:
        """Tell whether every later reader of a report only shows it or swallows.

        ``python -c 'try: ... raise SystemExit(...) except: pass'`` reads the
        report and exits 0 whatever it finds; ``cat`` shows it.  Any other
        mention (a test, a program of its own) may fail on it.
        """
        readers = self.readers(names, start)
        after = self.source[start:].decode(errors="replace")
        said = sum(mentions.count(after, name) for name in names)
        covered = sum(
            mentions.count(text(node), name) for node in readers for name in names
        )
        shown = all(self.only_shows(reader, quiet_ifs) for reader in readers)
        return bool(readers) and covered >= said and shown

    def only_shows(self, reader: Node, quiet_ifs: bool = False) -> bool:
        """Tell a reader that shows the report, or keeps a value nothing fails on.

        A test of the report (``[ -s r.txt ]``) that an ``if`` asks, where no
        branch fails, decides only what is said or written (``quiet_ifs``:
        the gate checks by its own name, so a report is written whatever
        it finds; for a command that checks only by its step's name, the
        report being there may be all it makes).
        """
        if quiet_ifs and report_readers.quiet_if(reader) is not None:
            return True
        if reader.type == "test_command":
            return False
        kept = report_readers.captured(reader)
        if kept is None:
            return report_readers.shows(reader)
        name = kept.child_by_field_name("name")
        after = self.source[kept.end_byte :].decode(errors="replace")
        if name is None or report_readers.passes_on(text(name), after):
            return False  # a later step may fail on the output it sets
        return not failure_sinks.read_later(text(name), after)

    def expected_failure(
        self, items: list[Node], ops: list[str], position: int
    ) -> list[Gate]:
        """``cmd || echo "failed as expected"``: ``cmd`` is a check that must fail.

        Honest when the ``&&`` chain before fails on success
        (``cmd && exit 1 || echo ...``); otherwise ``cmd`` is the gate.
        """
        start = position - 1
        while start > 0 and ops[start - 1] == "&&":
            start -= 1
        chain = items[start:position]
        if any(verdict(node) is Verdict.FAILS for node in chain[1:]):
            return []
        first = first_command(chain[0])
        if first is None:
            return []
        words = parse.words(first)
        return [
            Gate(
                first.start_point[0], short(first, self.source), gatecmd.gate_key(words)
            )
        ]

    def hidden(
        self,
        gates: list[Gate],
        judged: Verdict,
        how: str,
        recorders: list[Node],
        end: Node,
    ) -> None:
        """Report gates whose failure a fallback of ``judged`` kind hides.

        A fallback that records the failure in a variable read later carries
        it forward; one that records it in an output, the environment file or
        a file leaves a hit that stands only if nothing consumes the sink.
        """
        if judged in (Verdict.FAILS, Verdict.MAY_FAIL) or doomed(end):
            self.observe(gates)  # handled, or `exit 1` comes whatever it returns
            return
        after = self.source[end.end_byte :].decode(errors="replace")
        sinks = failure_sinks.sinks(recorders)
        variables = [s[4:] for s in sinks if s.startswith("var:")]
        if any(failure_sinks.read_later(name, after) for name in variables):
            self.observe(gates)  # `|| FAILED=1` ... `[ -z "$FAILED" ] || exit 1`
            return
        kept = tuple(s for s in sinks if not s.startswith("var:"))
        kept += tuple(s for v in variables for s in failure_sinks.carried(v, after))
        rule = "QG102" if judged is Verdict.ECHOES else "QG101"
        said = " ".join(text(node) for node in recorders)
        why = _FALLS_BACK_WHY if _FALLS_BACK.search(said) else ""
        for gate in gates:
            reports = tuple(f"file:{name}" for name in gate.files)
            detail = f"`{gate.text} {how}`"
            again = reruns.run_of(gate.text) in self.judged
            because = reruns.WHY if again else why
            self.hit(rule, gate, detail, sinks=kept + reports, because=because)

    # ---- compound commands ---------------------------------------------

    def if_statement(self, node: Node, errexit: bool) -> Flow:
        """Walk an ``if``: conditions are tested, branches walked."""
        clauses = if_clauses(node)
        flow = Flow()
        for index, (condition, body) in enumerate(clauses):
            if condition:
                rest = [n for _, b in clauses[index + 1 :] for n in b]
                has_else = index + 1 < len(clauses)
                self.condition(condition, body, rest, has_else, node)
            inner = self.sequence(body, eligible=errexit)
            flow.exits += inner.exits
            flow.status += inner.status
        return flow

    def condition(
        self,
        condition: list[Node],
        body: list[Node],
        rest: list[Node],
        has_else: bool,
        statement: Node,
    ) -> None:
        """Judge a condition's gates by the branch their failure takes."""
        tested = condition[-1]
        for node in condition[:-1]:
            self.statement(node, False)
        negated = is_negated(tested)
        inverted = not negated and branch_verdict(body) is Verdict.FAILS
        self.inverted += inverted
        try:
            gates = self.tested_statement(tested).carriers()
        finally:
            self.inverted -= inverted
        if negated:
            gates = [dataclasses.replace(g, negated=False) for g in gates]
            gates = list(dict.fromkeys(gates))
            branch = body
        else:
            branch = rest
        if not gates or self.selects_checks(gates, body, negated):
            return
        if not negated and branch_verdict(body) is Verdict.FAILS:
            self.observe(gates)  # `if cmd; then exit 1; fi`: cmd is expected to fail
            return
        if not negated and not has_else:
            self.hidden_by_if(gates)
            return
        judged = branch_verdict(branch)
        how = "in an `if` whose failure branch does not fail"
        self.hidden(gates, judged, how, branch, statement)

    def selects_checks(
        self, gates: list[Gate], body: list[Node], negated: bool
    ) -> bool:
        """``if node -e "<has a test script>"; then npm test; fi``: a selector.

        A condition that is a check only by its step's name, whose ``then``
        branch runs a check itself, decides which checks run: control flow.
        """
        if negated or any(gate.strength != "context" for gate in gates):
            return False
        stack = list(body)
        while stack:
            node = stack.pop()
            if node.type == "command":
                words = self.resolved(parse.words(node) or [""])
                if gatecmd.judge(words, self.context) is not None:
                    return True
            stack.extend(node.children)
        return False

    def hidden_by_if(self, gates: list[Gate]) -> None:
        """Report gates tested by an ``if`` with no failing branch."""
        for gate in gates:
            detail = f"`if {gate.text}; then ...` with no `else`: a failure is ignored"
            self.hit("QG113", gate, detail)

    def loop(self, node: Node, errexit: bool) -> Flow:
        """Walk a loop body; its condition is a test, not a gate.

        A loop's status is its last iteration's: a gate left in the body's
        status (errexit off, nothing carrying it) decides only on the last
        pass, so its failure in any earlier one is lost.
        """
        condition = node.child_by_field_name("condition")
        if condition is not None:
            self.tested_statement(condition)
        body = node.child_by_field_name("body")
        bound = literal_loop(node)
        saved = dict(self.loop_words)
        self.loop_words.update(bound)
        flow = self.statement(body, errexit) if body is not None else Flow()
        self.loop_words = saved
        if self.state.errexit or not flow.status or not repeats(node):
            return flow
        if body is not None and strands(body):
            self.observe(flow.status)  # every later pass's `cd` fails too
            return flow
        for gate in flow.status:
            detail = (
                f"`{gate.text}` in a loop without errexit: the loop's status is "
                "its last iteration's, so a failure in any earlier one is lost"
            )
            self.hit("QG104", gate, detail)
        return Flow(exits=flow.exits)

    def case(self, node: Node, errexit: bool) -> Flow:
        """Walk every branch of a ``case``."""
        flow = Flow()
        for item in node.named_children:
            if item.type != "case_item":
                continue
            body = [c for c in statements(item) if not is_case_value(item, c)]
            inner = self.sequence(body, eligible=errexit)
            flow.exits += inner.exits
            flow.status += inner.status
        return flow


_GREPS = frozenset(("grep", "egrep", "fgrep", "rg"))


# `|| echo "::warning::... the renderer will fall back"`: a designed fallback.
_FALLS_BACK = re.compile(r"(?i)\bfall(s|ing)?[ -]?back\b|\bfallback\b")
_FALLS_BACK_WHY = (
    "the message says a fallback takes over: a degraded mode by design, "
    "plausibly not a gate"
)
_GREPPED = (
    "its output is judged by a `grep` whose match fails the script, so a "
    "failure that prints nothing the pattern matches passes"
)
# Producers that cannot fail on their own: their output is all there is.
_CANNOT_FAIL = frozenset("echo printf true : printenv env set declare".split())


def _followed(check: gatecmd.Check, words: list[str]) -> bool:
    """Tell a checker by its own name whose status a captured value may carry.

    Not one run in a mode that cannot fail (``pylint --exit-zero``,
    ``checkov --soft-fail``): QG106 reports it wherever its output goes.
    """
    said = " ".join(words)
    off = line_audit.exit_zero_line(said) is not None or line_audit.fail_off_flag(said)
    return check.strength == "named" and not off


def _substitution(node: Node) -> Node | None:
    """Return the ``$(...)`` that is an assignment's whole value (``X="$(cmd)"``)."""
    if node.type != "variable_assignment":
        return None
    value = node.child_by_field_name("value")
    if value is not None and value.type == "string" and len(value.named_children) == 1:
        value = value.named_children[0]
    if value is None or value.type != "command_substitution":
        return None
    return value


def _producer(part: Node, source: bytes) -> list[Gate]:
    """Return the command feeding ``P | grep X && exit 1``: its failure finds nothing.

    ``git diff origin/main...HEAD | grep SECRET`` passes when ``git diff``
    fails (no such ref): the check sees no output and reports no match.
    """
    words = _part_words(part)
    if not words or words[0] in _CANNOT_FAIL or words[0] in _GREPS:
        return []
    if words[0] == "cat" and len(words) == 1:
        return []  # `cat` of a heredoc or stdin
    key = gatecmd.gate_key(words)
    return [Gate(part.start_point[0], short(part, source), key, strength="context")]


_MORE = re.compile(r"; and (\d+) more like it$")


def _also(old: Hit, new: Hit) -> str:
    """Name a second place in ``old``'s detail (from the third on, count them)."""
    detail = old.detail
    if new.detail == detail or f"; also {new.detail}" in detail:
        return detail
    more = _MORE.search(detail)
    if more:
        return detail[: more.start()] + f"; and {int(more.group(1)) + 1} more like it"
    if "; also " not in detail:
        return f"{detail}; also {new.detail}"
    return f"{detail}; and 1 more like it"


def _file_sinks(names: tuple[str, ...]) -> tuple[str, ...]:
    """``file:NAME`` for each file a later step may read (not GitHub's own files)."""
    kept = [n for n in names if "GITHUB_" not in n and not n.startswith("/dev/")]
    return tuple(f"file:{name}" for name in dict.fromkeys(kept))


def _part_words(part: Node) -> list[str]:
    """Return the words of a pipeline part that is a simple command."""
    body = (
        part.child_by_field_name("body")
        if part.type == "redirected_statement"
        else part
    )
    if body is None or body.type != "command":
        return []
    return parse.words(body)


def _errors_hidden(part: Node) -> bool:
    """``P 2>/dev/null``: the command's error messages are thrown away."""
    if part.type != "redirected_statement":
        return False
    return any(
        _HIDDEN.fullmatch(child.text.decode(errors="replace").replace(" ", ""))
        for child in part.children
        if child.type == "file_redirect" and child.text is not None
    )


_HIDDEN = re.compile(r"2>>?/dev/null|2>&-")


def _grepped_request(parts: list[Node], index: int, negated: bool) -> bool:
    """``curl -s URL | grep PATTERN``: a failed request prints nothing, so grep fails.

    curl and wget write nothing to stdout when the request fails (no
    answer, or an HTTP error under ``--fail``), and grep exits 1 on empty
    input whatever its pattern: the grep's status carries the request's.
    """
    if negated or index != len(parts) - 2:
        return False
    words, last = _part_words(parts[index]), _part_words(parts[-1])
    request = words[:1] in (["curl"], ["wget"])
    return request and last[:1] != [] and last[0] in _GREPS


def _greps(last: Node, negated: bool) -> bool:
    """Tell whether a pipeline's last command judges the output (``grep -q``)."""
    words = _part_words(last)
    if not words or words[0] not in _GREPS:
        return False
    quiet = any(
        w in ("--quiet", "--silent") or re.fullmatch(r"-[a-zA-Z]*q[a-zA-Z]*", w)
        for w in words[1:]
    )
    return negated or quiet
