"""Walk ``a && b || c``: the fallbacks that hide a gate's failure.

Only the last command of an and-or list is errexit-eligible; a ``||``
fallback that always succeeds hides the failure (QG101, QG102 when it
echoes), unless what it runs reads the failure, reruns the gate, or fails
itself.  The walker walks and-or lists through these functions, each given the
``flow.Walker``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, TypeVar

from quality_gates.guards.integrity import cmdwords, gatecmd, httpprobes, mentions
from quality_gates.guards.integrity.shell import (
    failure_sinks,
    parse,
    report_readers,
    reruns,
)
from quality_gates.guards.integrity.shell.compound import first_command, flatten
from quality_gates.guards.integrity.shell.doomed import doomed
from quality_gates.guards.integrity.shell.fallbacks import Verdict, verdict
from quality_gates.guards.integrity.shell.parse import short, statements, text
from quality_gates.guards.integrity.shell.records import Flow, Gate
from tree_sitter import Node

if TYPE_CHECKING:
    from quality_gates.guards.integrity.shell.flow import Walker

T = TypeVar("T")
_EXPECTED = re.compile(
    r"(?i)(fail\w*|error\w*|exit\w*) as expected|expected (failure|error|to fail)"
)
# `|| echo "::warning::... the renderer will fall back"`: a designed fallback.
_FALLS_BACK = re.compile(r"(?i)\bfall(s|ing)?[ -]?back\b|\bfallback\b")
_FALLS_BACK_WHY = (
    "the message says a fallback takes over: a degraded mode by design, "
    "plausibly not a gate"
)


def and_or(walker: Walker, node: Node, errexit: bool) -> Flow:
    """Walk ``a && b || c``: only the last command is errexit-eligible."""
    items, ops = flatten(node)
    op = "||" if announced(items, ops) else ops[0]
    first = inverting(
        walker, items, ops, 0, lambda: walk_first(walker, items[0], op, items[1])
    )
    pending = first.carriers()
    exits: list[Gate] = []
    status: list[Gate] = []
    for position, (op, item) in enumerate(zip(ops, items[1:]), start=1):
        last = position == len(items) - 1
        rerun = len(walker.checks) if op == "||" and pending else -1
        if op == "||":
            if not pending and _EXPECTED.search(text(item)):
                pending = expected_failure(walker, items, ops, position)
            judge_fallback(walker, pending, item, ops, items, position)
            pending = []
        flow = inverting(
            walker,
            items,
            ops,
            position,
            lambda: walker.statement(item, errexit if last else False),
        )
        drop_rerun_checks(walker, rerun, item)
        if last:
            exits, status = flow.exits, pending + flow.status
        else:
            pending = pending + flow.carriers()
    return Flow(exits=exits, status=status)


def announced(items: list[Node], ops: list[str]) -> bool:
    """``nc -z HOST PORT && echo OK || echo WARNING``: a probe's status, printed.

    A probe's status is all it yields (``nc -z``, ``curl -f -o /dev/null``);
    when both branches only print, the ``&&`` tests nothing: the failure
    goes to the ``||``'s echo like any fallback's.
    """
    if ops != ["&&", "||"] or items[0].type != "command":
        return False
    words = gatecmd.strip_wrappers(parse.words(items[0]))
    if not words:
        return False
    head, args = cmdwords.head(words[0]), words[1:]
    probe = httpprobes.port_probe(head, args) or httpprobes.strict_probe(head, args)
    printed = all(verdict(item) is Verdict.ECHOES for item in items[1:])
    return probe and printed


def drop_rerun_checks(walker: Walker, before: int, fallback: Node) -> None:
    """Drop the checks of a fallback that fails anyway: no check of their own.

    In ``bandit -r src/ -f json || { bandit -r src/ -f txt; exit 1; }``
    the second run starts only once the first has failed, and the step
    fails whatever it finds: it shows the findings, it decides nothing.
    """
    if before >= 0 and verdict(fallback) is Verdict.FAILS:
        del walker.checks[before:]


def walk_first(walker: Walker, item: Node, op: str, following: Node) -> Flow:
    """Walk the first item of a list: tested on the left of ``&&``.

    ``out=$(curl -sf URL) || { echo ...; }``: an assignment's status is
    its command substitution's, so the commands inside are what the
    fallback hides.
    """
    if op == "||" and item.type == "variable_assignment":
        given = item.child_by_field_name("value")
        if given is not None and given.type == "command_substitution":
            return captured(walker, item, given, following)
    return (
        walker.tested_statement(item) if op == "&&" else walker.statement(item, False)
    )


def captured(walker: Walker, item: Node, given: Node, following: Node) -> Flow:
    """``out=$(gate) || fallback``: the gates the fallback judges.

    Only when the value is at most shown later (``echo "Response: $out"``):
    then the status was the command's only product.  A value used
    further on (grepped, tested, written to an output) is what the
    command produced, judged where it is used, as any other value.
    """
    name = item.child_by_field_name("name")
    after = walker.source[following.end_byte :].decode(errors="replace")
    if name is None:
        return Flow()
    if not report_readers.only_shown(text(name), after):
        return Flow(status=walker.reported(text(name), given, following.end_byte))
    swallows = verdict(following) in (Verdict.ECHOES, Verdict.SUCCEEDS)
    return captured_status(walker, given, swallows)


def captured_status(walker: Walker, given: Node, swallows: bool) -> Flow:
    """Return the status of ``$(...)``: the gates its last command carries.

    When the ``||`` after it swallows (``|| { echo "::warning::..."; }``),
    a gate a pipe loses (``$(curl -sf URL | head)``) is one the author
    meant to swallow too: it goes to the fallback with the others.
    """
    walker.capturing += 1
    walker.swallowing += swallows
    try:
        return Flow(status=walker.sequence(statements(given), False).carriers())
    finally:
        walker.capturing -= 1
        walker.swallowing -= swallows


def inverting(
    walker: Walker,
    items: list[Node],
    ops: list[str],
    position: int,
    walk: Callable[[], T],
) -> T:
    """Walk ``items[position]``, a test whose success fails when ``&& exit 1``."""
    inverted = position < len(ops) and ops[position] == "&&"
    inverted = inverted and verdict(items[position + 1]) is Verdict.FAILS
    walker.inverted += inverted
    try:
        return walk()
    finally:
        walker.inverted -= inverted


def judge_fallback(
    walker: Walker,
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
    read = walker.source[end:].decode(errors="replace")
    names = [n for gate in gates for n in gate.files if mentions.names(read, n)]
    # a checker by its own name: its report's existence says nothing
    quiet = bool(names) and all(gate.strength == "named" for gate in gates)
    if names and not readers_never_fail(walker, names, end, quiet):
        judged = Verdict.MAY_FAIL  # the report is checked further on
    branches = quiet_branches(walker, names, end) if quiet else []
    if judged in (Verdict.ECHOES, Verdict.SUCCEEDS) and position < len(ops):
        following = items[position + 1]
        if ops[position] == "&&" and verdict(following) is Verdict.FAILS:
            judged = Verdict.FAILS  # `a || echo msg && exit 1`
    how = f"|| {short(item, walker.source, 40)}"
    hidden(walker, gates, judged, how, [item, *branches], item)


def readers_of(walker: Walker, names: list[str], start: int) -> list[Node]:
    """Every later command or test (``[ -s r.txt ]``) that names a report."""
    return [
        node
        for kind in ("command", "test_command")
        for node in parse.descendants(walker.root, kind)
        if node.start_byte >= start
        and any(mentions.names(text(node), n) for n in names)
    ]


def quiet_branches(walker: Walker, names: list[str], start: int) -> list[Node]:
    """Return the branches of the ``if``s that test a report and never fail.

    ``if [ -s r.txt ]; then echo found=true >> "$GITHUB_OUTPUT"; fi``
    carries the failure only into what the branches write (an output a
    later step may fail on); nothing in the script fails on it.
    """
    found: list[Node] = []
    for reader in readers_of(walker, names, start):
        found += report_readers.quiet_if(reader) or []
    return found


def readers_never_fail(
    walker: Walker, names: list[str], start: int, quiet_ifs: bool = False
) -> bool:
    """Tell whether every later reader of a report only shows it or swallows.

    ``python -c 'try: ... raise SystemExit(...) except: pass'`` reads the
    report and exits 0 whatever it finds; ``cat`` shows it.  Any other
    mention (a test, a program of its own) may fail on it.
    """
    readers = readers_of(walker, names, start)
    after = walker.source[start:].decode(errors="replace")
    said = sum(mentions.count(after, name) for name in names)
    covered = sum(
        mentions.count(text(node), name) for node in readers for name in names
    )
    shown = all(only_shows(walker, reader, quiet_ifs) for reader in readers)
    return bool(readers) and covered >= said and shown


def only_shows(walker: Walker, reader: Node, quiet_ifs: bool = False) -> bool:
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
    after = walker.source[kept.end_byte :].decode(errors="replace")
    if name is None or report_readers.passes_on(text(name), after):
        return False  # a later step may fail on the output it sets
    return not failure_sinks.read_later(text(name), after)


def expected_failure(
    walker: Walker, items: list[Node], ops: list[str], position: int
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
        Gate(first.start_point[0], short(first, walker.source), gatecmd.gate_key(words))
    ]


def hidden(
    walker: Walker,
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
        walker.observe(gates)  # handled, or `exit 1` comes whatever it returns
        return
    after = walker.source[end.end_byte :].decode(errors="replace")
    sinks = failure_sinks.sinks(recorders)
    variables = [s[4:] for s in sinks if s.startswith("var:")]
    if any(failure_sinks.read_later(name, after) for name in variables):
        walker.observe(gates)  # `|| FAILED=1` ... `[ -z "$FAILED" ] || exit 1`
        return
    kept = tuple(s for s in sinks if not s.startswith("var:"))
    kept += tuple(s for v in variables for s in failure_sinks.carried(v, after))
    rule = "QG102" if judged is Verdict.ECHOES else "QG101"
    said = " ".join(text(node) for node in recorders)
    why = _FALLS_BACK_WHY if _FALLS_BACK.search(said) else ""
    for gate in gates:
        reports = tuple(f"file:{name}" for name in gate.files)
        detail = f"`{gate.text} {how}`"
        again = reruns.run_of(gate.text) in walker.judged
        because = reruns.WHY if again else why
        walker.hit(rule, gate, detail, sinks=kept + reports, because=because)
