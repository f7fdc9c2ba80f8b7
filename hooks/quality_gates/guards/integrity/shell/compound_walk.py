"""Walk compound commands: ``if``, ``while``/``until``/``for`` loops and ``case``.

A gate in an ``if`` condition is tested: its failure picks a branch, and is
hidden (QG113) when the failure branch does nothing; a loop's body runs its
gates on every pass, and a ``case`` runs one branch's.  The walker walks
compound commands through these functions, each given the ``flow.Walker``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from quality_gates.guards.integrity import gatecmd
from quality_gates.guards.integrity.shell import and_or, parse, retries
from quality_gates.guards.integrity.shell.compound import (
    branch_verdict,
    if_clauses,
    is_case_value,
    is_negated,
    literal_loop,
    repeats,
    strands,
)
from quality_gates.guards.integrity.shell.fallbacks import Verdict
from quality_gates.guards.integrity.shell.parse import statements
from quality_gates.guards.integrity.shell.records import Flow, Gate
from quality_gates.guards.integrity.shell.warned_thresholds import warned_threshold
from tree_sitter import Node

if TYPE_CHECKING:
    from quality_gates.guards.integrity.shell.flow import Walker


def walk_if(walker: Walker, node: Node, errexit: bool) -> Flow:
    """Walk an ``if``: conditions are tested, branches walked."""
    clauses = if_clauses(node)
    flow = Flow()
    for index, (condition, body) in enumerate(clauses):
        if condition:
            rest = [n for _, b in clauses[index + 1 :] for n in b]
            has_else = index + 1 < len(clauses)
            walk_condition(walker, condition, body, rest, has_else, node)
        inner = walker.sequence(body, eligible=errexit)
        flow.exits += inner.exits
        flow.status += inner.status
    warned(walker, node)
    return flow


def warned(walker: Walker, node: Node) -> None:
    """``if (( $(echo "$COV < $MIN" | bc) )); then echo warning; fi``: QG102."""
    found = warned_threshold(node, walker.source)
    if found is None:
        return
    gate, said = found
    if any(hit.rule == "QG102" and hit.line == gate.line for hit in walker.result.hits):
        return  # `if python -c "..."; then ...`: already lost as a check
    detail = (
        f"`{gate.text}` compares a coverage with its threshold, and every branch "
        "only prints or exits 0, so coverage below the threshold is lost"
    )
    because = (
        ""
        if said
        else (
            "nothing the branches print says the coverage is below a threshold: "
            "the comparison may only choose what to show"
        )
    )
    walker.hit("QG102", gate, detail, because=because)


def walk_condition(
    walker: Walker,
    condition: list[Node],
    body: list[Node],
    rest: list[Node],
    has_else: bool,
    statement: Node,
) -> None:
    """Judge a condition's gates by the branch their failure takes."""
    tested = condition[-1]
    for node in condition[:-1]:
        walker.statement(node, False)
    negated = is_negated(tested)
    inverted = not negated and branch_verdict(body) is Verdict.FAILS
    walker.inverted += inverted
    try:
        gates = walker.tested_statement(tested).carriers()
    finally:
        walker.inverted -= inverted
    if negated:
        gates = [dataclasses.replace(g, negated=False) for g in gates]
        gates = list(dict.fromkeys(gates))
        branch = body
    else:
        branch = rest
    if not gates or selects_checks(walker, gates, body, negated):
        return
    if not negated and branch_verdict(body) is Verdict.FAILS:
        walker.observe(gates)  # `if cmd; then exit 1; fi`: cmd is expected to fail
        return
    if not negated and not has_else:
        if retries.leaves_on_success(body) and retries.fails_after(statement):
            walker.observe(gates)  # a retry: the way on after the `if` fails
            return
        hidden_by_if(walker, gates)
        return
    judged = branch_verdict(branch)
    how = "in an `if` whose failure branch does not fail"
    and_or.hidden(walker, gates, judged, how, branch, statement)


def selects_checks(
    walker: Walker, gates: list[Gate], body: list[Node], negated: bool
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
            words = walker.resolved(parse.words(node) or [""])
            if gatecmd.judge(words, walker.context) is not None:
                return True
        stack.extend(node.children)
    return False


def hidden_by_if(walker: Walker, gates: list[Gate]) -> None:
    """Report gates tested by an ``if`` with no failing branch."""
    for gate in gates:
        detail = f"`if {gate.text}; then ...` with no `else`: a failure is ignored"
        walker.hit("QG113", gate, detail)


def walk_loop(walker: Walker, node: Node, errexit: bool) -> Flow:
    """Walk a loop body; its condition is a test, not a gate.

    A loop's status is its last iteration's: a gate left in the body's
    status (errexit off, nothing carrying it) decides only on the last
    pass, so its failure in any earlier one is lost.
    """
    condition = node.child_by_field_name("condition")
    if condition is not None:
        walker.tested_statement(condition)
    body = node.child_by_field_name("body")
    bound = literal_loop(node)
    saved = dict(walker.loop_words)
    walker.loop_words.update(bound)
    flow = walker.statement(body, errexit) if body is not None else Flow()
    walker.loop_words = saved
    if walker.state.errexit or not flow.status or not repeats(node):
        return flow
    if body is not None and strands(body):
        walker.observe(flow.status)  # every later pass's `cd` fails too
        return flow
    for gate in flow.status:
        detail = (
            f"`{gate.text}` in a loop without errexit: the loop's status is "
            "its last iteration's, so a failure in any earlier one is lost"
        )
        walker.hit("QG104", gate, detail)
    return Flow(exits=flow.exits)


def walk_case(walker: Walker, node: Node, errexit: bool) -> Flow:
    """Walk every branch of a ``case``."""
    flow = Flow()
    for item in node.named_children:
        if item.type != "case_item":
            continue
        body = [c for c in statements(item) if not is_case_value(item, c)]
        inner = walker.sequence(body, eligible=errexit)
        flow.exits += inner.exits
        flow.status += inner.status
    return flow
