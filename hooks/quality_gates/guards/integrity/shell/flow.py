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
Pipelines are walked in ``pipes``, and-or lists in ``and_or``, ``if``,
loops and ``case`` in ``compound_walk``; a tool run in a mode that cannot
fail is reported in ``mode_reports``.  The walk's state and the recording of
its hits are in ``walk_state``.
"""

from __future__ import annotations

import dataclasses
import re

from quality_gates.guards.integrity import (
    gatecmd,
    scannerthresholds,
    stepnames,
)
from quality_gates.guards.integrity.shell import (
    and_or,
    captured_values,
    compound_walk,
    failure_sinks,
    flags,
    inner_scripts,
    line_audit,
    masked,
    mode_reports,
    output_greps,
    parse,
    passed_scripts,
    pipes,
    report_readers,
    reruns,
)
from quality_gates.guards.integrity.shell.compound import (
    backgrounded,
    branch_verdict,
    ever_fails,
    if_clauses,
    negated_body,
    tests_a_gate,
)
from quality_gates.guards.integrity.shell.doomed import doomed_from
from quality_gates.guards.integrity.shell.parse import (
    ParseFailure,
    short,
    statements,
    text,
)
from quality_gates.guards.integrity.shell.pipes import file_sinks
from quality_gates.guards.integrity.shell.records import Flow, Gate, Hit, Result, Shell
from quality_gates.guards.integrity.shell.walk_state import WalkState
from tree_sitter import Node

__all__ = ["Flow", "Gate", "Hit", "Result", "Shell", "Walker"]


_LOOPS = frozenset(
    ("while_statement", "until_statement", "for_statement", "c_style_for_statement")
)
_STATUS_READ = re.compile(r"\$\{?\?|PIPESTATUS")
_HELD = re.compile(r"^\$\{?([A-Za-z_]\w*)\}?$")  # `$tool`, `${tool}`
_PROGRAM = re.compile(r"[\w.+-]+")  # a plain file name, not `$(which x)`


class Walker(WalkState):
    """Walks one script; ``context`` names its step and job, ``place`` demotes."""

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
                self.lost_status(status, following, nodes[index + 1 :])
        return flow

    def judge_capture(self, node: Node, following: Node) -> None:
        """``out=$(tool --json)`` then ``rc=$?``: a run whose status is read."""
        if node.type == "variable_assignment" and _STATUS_READ.search(text(following)):
            self.judged.add(reruns.run_of(text(node)))

    def lost_status(self, gates: list[Gate], following: Node, rest: list[Node]) -> None:
        """Judge a non-last statement's status: read by the next one, or lost."""
        if not gates:
            return
        if _STATUS_READ.search(text(following)):
            if following.type == "if_statement" and not ever_fails(following):
                how = "with `$?` tested by an `if` whose branches never fail"
                branches = [n for _, body in if_clauses(following) for n in body]
                and_or.hidden(
                    self, gates, branch_verdict(branches), how, branches, following
                )
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
                if not reruns.run_again(gate.text, rest):
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
            self.hit("QG104", gate, detail, sinks=file_sinks(gate.files))
        elif self.state.errexit_off_line is not None:
            detail = f"`set +e` then `{gate.text}` with no check of its exit status"
            self.hit(
                "QG104",
                gate,
                detail,
                line=self.state.errexit_off_line,
                sinks=file_sinks(gate.files),
            )
        else:
            detail = (
                f"{self.state.named} runs without `-e`, so `{gate.text}` "
                "failing does not stop the script and nothing checks its status"
            )
            self.hit("QG104", gate, detail, sinks=file_sinks(gate.files))

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
            return and_or.and_or(self, node, errexit)
        if kind == "pipeline":
            return pipes.walk_pipeline(self, node, errexit)
        if kind == "negated_command":
            return pipes.walk_negated(self, node, [negated_body(node)])
        if kind in ("subshell", "compound_statement", "do_group"):
            inner = self.sequence(statements(node), eligible=errexit)
            return self.wrap(inner.carriers(), errexit) if kind == "subshell" else inner
        if kind == "if_statement":
            return compound_walk.walk_if(self, node, errexit)
        if kind in _LOOPS:
            return compound_walk.walk_loop(self, node, errexit)
        if kind == "case_statement":
            return compound_walk.walk_case(self, node, errexit)
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

        Even under errexit, and ``$?`` after it is the builtin's 0 too.  Only
        when the value is at most reported later (``captured_values``: shown,
        warned about, tested by an ``if`` that never fails): a value that
        something can fail on keeps the check; one carried to a step output
        or a file is lost only if no later step fails on it.  A check only by
        its step's name (``export TOTAL=$(python -c ...)`` in a coverage
        step) counts only when the value is at most echoed: carried on, it
        is plausibly the value the step was after.
        """
        root = self.root if self.root is not None else node
        after = self.source[node.end_byte :].decode(errors="replace")
        for builtin, name, given in masked.declared(node):
            carried = captured_values.only_reported(
                name, root, node.end_byte, self.source
            )
            if carried is None:
                continue
            shown = report_readers.only_shown(name, after)
            gates = and_or.captured_status(self, given, swallows=False).carriers()
            for gate in (g for g in gates if shown or g.strength == "named"):
                detail = (
                    f"`{builtin} {name}=$(...)` exits with `{builtin}`'s own status "
                    f"(0), so `{gate.text}` failing inside `$(...)` is lost"
                )
                self.hit("QG117", gate, detail, sinks=carried)

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
        return self.wrap(self.reported(text(name), given, node.end_byte), errexit)

    def reported(self, name: str, given: Node, start: int) -> list[Gate]:
        """Walk ``$(...)`` whose output in ``$name`` is at most reported."""
        root = self.root if self.root is not None else given
        carried = captured_values.only_reported(name, root, start, self.source)
        if carried is None:
            return []
        saved, self.carrying = self.carrying, carried
        try:
            gates = and_or.captured_status(self, given, swallows=False).carriers()
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
        saved = dataclasses.replace(self.state)
        flow = self.statement(body, self.state.errexit) if body is not None else Flow()
        changed, self.state = self.state, saved  # defining runs nothing
        if name is not None and body is not None:
            self.functions[text(name)] = flow.carriers()
            self.bodies[text(name)] = body
            self.options_set[text(name)] = _options_changed(saved, changed)

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
    def wrap(gates: list[Gate], errexit: bool) -> Flow:
        """Gates under errexit end the script (exits); otherwise they are its status."""
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
            called = self.wrap(list(self.functions[words[0]]), errexit)
            for option, value in self.options_set.get(words[0], {}).items():
                setattr(self.state, option, value)  # `set +e` in the body is global
            return called
        if self.packaged(node, words):
            return Flow()
        nested = self.nested(node, words)
        if nested is not None:
            return self.wrap(nested, errexit)
        check = self.by_package(words, self.configured_scan(words))
        if self.context:
            mode_reports.lost_by_mode(self, node, words, check)
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
        return self.wrap([self.gate(node, words, check)], errexit)

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
            mode_reports.rewrite_only(self, node, words, packaged=True)
            return True  # `npm run lint` whose script is `eslint --fix .`
        stub = self.package_stub(words)
        if stub:
            mode_reports.stubbed(self, node, words, stub)
            return True
        return False

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
        checks, as the build tool it runs would be; in a job that verifies
        the change, a check of its own: a failing build means a broken change.
        """
        if (check is None or check.strength != "named") and self.package_checks(words):
            check = self.package_check(words) or check
        if check is None and self.builds_checked and gatecmd.runs_build_script(words):
            check = gatecmd.Check(self.builds_checked, gatecmd.gate_key(words))
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
        because = output_greps.failure_grep(node) if found.lost else ""
        for gate, detail in found.lost:
            self.hit("QG117", gate, detail, because=because)
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

    # ---- compound commands ---------------------------------------------


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


def _options_changed(before: Shell, after: Shell) -> dict[str, object]:
    """Return the shell options a function body changes (``set +e`` in it)."""
    names = ("errexit", "pipefail", "errexit_off_line")
    return {
        n: getattr(after, n) for n in names if getattr(after, n) != getattr(before, n)
    }
