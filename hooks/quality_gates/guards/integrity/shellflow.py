"""Follow a gate's exit status through a parsed bash script.

For every command that runs a gate, the walk decides whether its failure can
still fail the script, the way bash decides it:

* under ``errexit`` (``-e``) a failing command ends the script, except on the
  left of ``&&``/``||``, in an ``if``/``while`` condition and after ``!``;
* without ``pipefail`` a pipeline's status is its last command's;
* a status nobody stops on is lost unless the next command reads ``$?`` (or a
  later one ``PIPESTATUS``), or it is the script's last, whose status the step
  keeps.

What hides a failure names the rule: a fallback that always succeeds
(QG101, QG102 when it echoes), ``exit 0`` right after (QG103), ``errexit``
off (QG104), a pipe (QG112), a test whose failure branch does nothing (QG113).
"""

from __future__ import annotations

import dataclasses
import re

from quality_gates.guards.integrity import gatecmd, shellparse
from quality_gates.guards.integrity.shellfallback import (
    Verdict,
    statement_commands,
    verdict,
    verdict_of,
)
from quality_gates.guards.integrity.shellparse import (
    ParseFailure,
    short,
    statements,
    text,
)
from tree_sitter import Node

_LOOPS = frozenset(
    ("while_statement", "until_statement", "for_statement", "c_style_for_statement")
)
_STATUS_READ = re.compile(r"\$\{?\?|PIPESTATUS")
_EXPECTED = re.compile(
    r"(?i)(fail\w*|error\w*|exit\w*) as expected|expected (failure|error|to fail)"
)


@dataclasses.dataclass(frozen=True)
class Hit:
    """One neutralised gate: rule, 0-based line in the script, snippet, detail."""

    rule: str
    line: int
    snippet: str
    detail: str
    key: str = ""
    report: bool = False


@dataclasses.dataclass(frozen=True)
class Gate:
    """A command that runs a gate: where, its text, what it runs, writes a report."""

    line: int
    text: str
    key: str
    report: bool = False
    files: tuple[str, ...] = ()


@dataclasses.dataclass
class Flow:
    """Gates whose failure stops the script here, and those left in the status."""

    exits: list[Gate] = dataclasses.field(default_factory=list)
    status: list[Gate] = dataclasses.field(default_factory=list)

    def carriers(self) -> list[Gate]:
        """Every gate whose failure makes this node's status non-zero."""
        return self.exits + self.status


@dataclasses.dataclass
class Shell:
    """How the script starts: errexit and pipefail, and what set them."""

    errexit: bool = True
    pipefail: bool = False
    label: str = "bash -e {0}"
    errexit_off_line: int | None = None


@dataclasses.dataclass
class Result:
    """The hits of one script, and the gates whose failure is seen."""

    hits: list[Hit] = dataclasses.field(default_factory=list)
    observed: set[str] = dataclasses.field(default_factory=set)


class Walker:
    """Walks one script; ``context`` is the step and job name (for context gates)."""

    def __init__(self, shell: Shell, context: str, script: str) -> None:
        """Start in the state the step's shell gives."""
        self.state = dataclasses.replace(shell)
        self.context = context
        self.result = Result()
        self.source = script.encode()
        self.pipestatus = "PIPESTATUS" in script
        self.depth = 0
        self.gates = 0

    # ---- results -------------------------------------------------------

    def hit(self, rule: str, gate: Gate, detail: str, line: int | None = None) -> None:
        """Record a hit for ``gate`` (at ``line`` when given: a ``set +e``)."""
        where = gate.line if line is None else line
        snippet = gate.text if line is None else "set +"
        hit = Hit(rule, where, snippet, detail, gate.key, gate.report)
        self.result.hits.append(hit)

    def observe(self, gates: list[Gate]) -> None:
        """Mark gates whose failure is seen (for honest twins)."""
        self.result.observed.update(gate.key for gate in gates)

    # ---- statements ----------------------------------------------------

    def program(self, root: Node) -> Result:
        """Walk a whole script; the step keeps its last status."""
        flow = self.sequence(statements(root), eligible=True)
        self.observe(flow.carriers())  # the step keeps the script's last status
        return self.result

    def sequence(self, nodes: list[Node], eligible: bool) -> Flow:
        """Walk statements in order; ``eligible``: errexit may apply."""
        flow = Flow()
        for index, node in enumerate(nodes):
            current = self.statement(node, eligible and self.state.errexit)
            if not eligible:
                flow.status += current.carriers()
                continue
            self.observe(current.exits)
            flow.exits += current.exits
            following = nodes[index + 1] if index + 1 < len(nodes) else None
            if following is None:
                flow.status = current.status
            else:
                self.lost_status(current.status, following)
        return flow

    def lost_status(self, gates: list[Gate], following: Node) -> None:
        """Judge a non-last statement's status: read by the next one, or lost."""
        if not gates:
            return
        after = text(following)
        if _STATUS_READ.search(after):
            self.observe(gates)
            return
        words = shellparse.words(following) if following.type == "command" else []
        for gate in gates:
            if words[:2] == ["exit", "0"]:
                self.hit("QG103", gate, f"`{gate.text}; exit 0`")
            elif not self.state.errexit:
                self.errexit_off(gate)
            else:
                detail = (
                    f"`{gate.text}` on the left of `&&` (or tested by `if`): "
                    "errexit does not apply there and nothing checks its status"
                )
                self.hit("QG113", gate, detail)

    def errexit_off(self, gate: Gate) -> None:
        """Report a gate whose status is lost because errexit is off."""
        if self.state.errexit_off_line is not None:
            detail = f"`set +e` then `{gate.text}` with no check of its exit status"
            self.hit("QG104", gate, detail, line=self.state.errexit_off_line)
        else:
            detail = (
                f"`shell: {self.state.label}` runs without `-e`, so `{gate.text}` "
                "failing does not stop the script and nothing checks its status"
            )
            self.hit("QG104", gate, detail)

    def statement(self, node: Node, errexit: bool) -> Flow:
        """Walk one statement, bounded in depth."""
        self.depth += 1
        if self.depth > shellparse.MAX_DEPTH:
            raise ParseFailure("nested too deeply")
        try:
            return self._statement(node, errexit)
        finally:
            self.depth -= 1

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
            for child in node.named_children:
                self.statement(child, False)
            return Flow()  # `!` turns a failure into success: an expected failure
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
            body = node.child_by_field_name("body")
            if body is not None:
                self.statement(body, self.state.errexit)
            return Flow()
        return Flow()

    @staticmethod
    def _wrap(gates: list[Gate], errexit: bool) -> Flow:
        return Flow(exits=gates) if errexit else Flow(status=gates)

    # ---- simple commands -----------------------------------------------

    def command(self, node: Node, errexit: bool) -> Flow:
        """Judge a simple command; ``set`` changes the shell options."""
        words = shellparse.words(node)
        if not words:
            return Flow()
        if words[0] == "set":
            self.set_options(node, words[1:])
            return Flow()
        if not self.is_gate(node, words):
            return Flow()
        self.gates += 1
        files = _report_files(node, words)
        gate = Gate(
            node.start_point[0],
            short(node, self.source),
            gatecmd.gate_key(words),
            bool(files) or _writes_report(node, words),
            files,
        )
        return self._wrap([gate], errexit)

    def is_gate(self, node: Node, words: list[str]) -> bool:
        """Tell whether a command is a gate here (name or context)."""
        if gatecmd.named_gate(words):
            return True
        return gatecmd.context_gate(words, self.context) and not _to_summary(node)

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
        parts = [child for child in node.named_children if child.type != "comment"]
        if not parts:
            return Flow()
        last = self.statement(parts[-1], False).carriers()
        teed = self.teed_and_read(parts[-1], node)
        for part in parts[:-1]:
            lost = self.statement(part, False).carriers()
            if self.state.pipefail:
                last += lost
            elif self.pipestatus or teed:
                self.observe(lost)
            else:
                for gate in lost:
                    detail = (
                        f"`{short(node, self.source)}` runs without pipefail "
                        f"(`shell: {self.state.label}`), so `{gate.text}` failing "
                        "is lost"
                    )
                    self.hit("QG112", gate, detail)
        return self._wrap(last, errexit)

    def teed_and_read(self, last: Node, pipeline: Node) -> bool:
        """``gate | tee log.txt`` and a later ``grep ... log.txt``: output checked."""
        if last.type != "command":
            return False
        words = shellparse.words(last)
        files = [w for w in words[1:] if words[:1] == ["tee"] and not w.startswith("-")]
        after = self.source[pipeline.end_byte :].decode(errors="replace")
        return any(name in after for name in files)

    def and_or(self, node: Node, errexit: bool) -> Flow:
        """Walk ``a && b || c``: only the last command is errexit-eligible."""
        items, ops = _flatten(node)
        pending = self.statement(items[0], False).carriers()
        exits: list[Gate] = []
        status: list[Gate] = []
        for position, (op, item) in enumerate(zip(ops, items[1:]), start=1):
            last = position == len(items) - 1
            if op == "||":
                if not pending and _EXPECTED.search(text(item)):
                    pending = self.expected_failure(items, ops, position)
                self.fallback(pending, item, ops, items, position)
                pending = []
            flow = self.statement(item, errexit if last else False)
            if last:
                exits, status = flow.exits, pending + flow.status
            else:
                pending = pending + flow.carriers()
        return Flow(exits=exits, status=status)

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
        read = self.source[item.end_byte :].decode(errors="replace")
        if any(name in read for gate in gates for name in gate.files):
            judged = Verdict.MAY_FAIL  # the report is checked further on
        if judged is not Verdict.FAILS and self.checked_later(item):
            judged = Verdict.MAY_FAIL  # `|| FAILED=1` ... `[ "$FAILED" = 1 ] && exit 1`
        if judged in (Verdict.ECHOES, Verdict.SUCCEEDS) and position < len(ops):
            following = items[position + 1]
            if ops[position] == "&&" and verdict(following) is Verdict.FAILS:
                judged = Verdict.FAILS  # `a || echo msg && exit 1`
        self.hidden(gates, judged, f"|| {short(item, self.source, 40)}")

    def checked_later(self, item: Node) -> bool:
        """Tell whether the fallback records the failure in a variable read later."""
        after = self.source[item.end_byte :].decode(errors="replace")
        for name in _assigned(item):
            if re.search(rf"\$\{{?{re.escape(name)}\b", after):
                return True
        return False

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
        first = _first_command(chain[0])
        if first is None:
            return []
        words = shellparse.words(first)
        return [
            Gate(
                first.start_point[0], short(first, self.source), gatecmd.gate_key(words)
            )
        ]

    def hidden(self, gates: list[Gate], judged: Verdict, how: str) -> None:
        """Report gates whose failure a fallback of ``judged`` kind hides."""
        if judged in (Verdict.FAILS, Verdict.MAY_FAIL):
            self.observe(gates)
            return
        rule = "QG102" if judged is Verdict.ECHOES else "QG101"
        for gate in gates:
            self.hit(rule, gate, f"`{gate.text} {how}`")

    # ---- compound commands ---------------------------------------------

    def if_statement(self, node: Node, errexit: bool) -> Flow:
        """Walk an ``if``: conditions are tested, branches walked."""
        clauses = _if_clauses(node)
        flow = Flow()
        for index, (condition, body) in enumerate(clauses):
            if condition:
                rest = [n for _, b in clauses[index + 1 :] for n in b]
                self.condition(condition, body, rest, has_else=index + 1 < len(clauses))
            inner = self.sequence(body, eligible=errexit)
            flow.exits += inner.exits
            flow.status += inner.status
        return flow

    def condition(
        self, condition: list[Node], body: list[Node], rest: list[Node], has_else: bool
    ) -> None:
        """Judge a condition's gates by the branch their failure takes."""
        tested = condition[-1]
        for node in condition[:-1]:
            self.statement(node, False)
        negated = tested.type == "negated_command"
        if negated:
            inner = [child for child in tested.named_children]
            gates = [g for child in inner for g in self.statement(child, False).exits]
            gates += [g for child in inner for g in self.statement(child, False).status]
            gates = list(dict.fromkeys(gates))
            branch = body
        else:
            gates = self.statement(tested, False).carriers()
            branch = rest
        if not gates:
            return
        if not negated and not has_else:
            self.hidden_by_if(gates)
            return
        judged = _branch_verdict(branch)
        self.hidden(gates, judged, "in an `if` whose failure branch does not fail")

    def hidden_by_if(self, gates: list[Gate]) -> None:
        """Report gates tested by an ``if`` with no failing branch."""
        for gate in gates:
            detail = f"`if {gate.text}; then ...` with no `else`: a failure is ignored"
            self.hit("QG113", gate, detail)

    def loop(self, node: Node, errexit: bool) -> Flow:
        """Walk a loop body; its condition is a test, not a gate."""
        condition = node.child_by_field_name("condition")
        if condition is not None:
            self.statement(condition, False)
        body = node.child_by_field_name("body")
        return self.statement(body, errexit) if body is not None else Flow()

    def case(self, node: Node, errexit: bool) -> Flow:
        """Walk every branch of a ``case``."""
        flow = Flow()
        for item in node.named_children:
            if item.type != "case_item":
                continue
            body = [c for c in statements(item) if not _is_case_value(item, c)]
            inner = self.sequence(body, eligible=errexit)
            flow.exits += inner.exits
            flow.status += inner.status
        return flow


_REPORT_OPTIONS = re.compile(
    r"^(-o|--output|--output-file|--out|--format|-f|--junitxml|--junit-xml|--json|"
    r"--report|--reporter|--sarif|--cov-report|--xml|--html)(=.*)?$"
)


def _to_summary(node: Node) -> bool:
    """Output written to the step summary or outputs: a report, not a check."""
    parent = node.parent
    return (
        parent is not None
        and parent.type == "redirected_statement"
        and bool(
            re.search(r">>?\s*\"?\$\{?GITHUB_(STEP_SUMMARY|OUTPUT|ENV)", text(parent))
        )
    )


_FILE_OPTIONS = re.compile(
    r"^(-o|--output|--output-file|--out|--report|--report-path|--junitxml)(=(.+))?$"
)


def _report_files(node: Node, words: list[str]) -> tuple[str, ...]:
    """Files a report run writes (``-o FILE``, ``--report=FILE``, ``> FILE``)."""
    files = []
    for index, word in enumerate(words[1:], start=1):
        match = _FILE_OPTIONS.match(word)
        if match and match.group(3):
            files.append(match.group(3))
        elif match and index + 1 < len(words):
            files.append(words[index + 1])
    parent = node.parent
    if parent is not None and parent.type == "redirected_statement":
        for redirect in parent.children_by_field_name("redirect"):
            target = redirect.child_by_field_name("destination")
            if target is not None and text(redirect).lstrip("0123456789")[:1] == ">":
                files.append(text(target))
    return tuple(f for f in files if f and "/dev/" not in f and not f.startswith("&"))


def _writes_report(node: Node, words: list[str]) -> bool:
    """Tell whether the command writes its findings to a file (a report run)."""
    if any(_REPORT_OPTIONS.match(word) for word in words[1:]):
        return True
    parent = node.parent
    if parent is None or parent.type != "redirected_statement":
        return False
    for redirect in parent.children_by_field_name("redirect"):
        target = redirect.child_by_field_name("destination")
        operator = text(redirect).lstrip("0123456789")
        if target is not None and operator.startswith(">") and "&" not in operator:
            return "/dev/null" not in text(target)
    return False


def _first_command(node: Node) -> Node | None:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "command":
            return current
        stack.extend(reversed(current.named_children))
    return None


def _assigned(node: Node) -> list[str]:
    """Names the node assigns (``FAILED=1``, ``export RC=1``)."""
    names = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "variable_assignment":
            name = current.child_by_field_name("name")
            if name is not None:
                names.append(text(name))
        stack.extend(current.named_children)
    return names


def _is_case_value(item: Node, child: Node) -> bool:
    return any(value == child for value in item.children_by_field_name("value"))


def _branch_verdict(branch: list[Node]) -> Verdict:
    """Judge a list of statements (an ``if`` branch) as a fallback."""
    return verdict_of(statement_commands(branch))


def _flatten(node: Node) -> tuple[list[Node], list[str]]:
    """Split ``a && b || c`` (nested in the tree) into items and operators."""
    items: list[Node] = []
    ops: list[str] = []
    stack: list[Node | str] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            ops.append(current)
            continue
        if current.type != "list":
            items.append(current)
            continue
        named = [c for c in current.named_children if c.type != "comment"]
        operators = [c.type for c in current.children if c.type in ("&&", "||")]
        if len(named) != 2 or len(operators) != 1:
            raise ParseFailure("unexpected shape of a && or || list")
        stack += [named[1], operators[0], named[0]]
    return items, ops


def _clause(children: list[Node]) -> tuple[list[Node], list[Node]]:
    """Split ``cond ; then body`` children at ``then``."""
    condition: list[Node] = []
    body: list[Node] = []
    in_body = False
    for child in children:
        if child.type == "then":
            in_body = True
        elif child.is_named and child.type not in (
            "comment",
            "elif_clause",
            "else_clause",
        ):
            (body if in_body else condition).append(child)
    return condition, body


def _if_clauses(node: Node) -> list[tuple[list[Node], list[Node]]]:
    """``[(condition, body), ...]``: the if, each elif, and the else (no condition)."""
    clauses = [_clause(list(node.children))]
    for child in node.named_children:
        if child.type == "elif_clause":
            clauses.append(_clause(list(child.children)))
        elif child.type == "else_clause":
            clauses.append(([], statements(child)))
    return clauses
