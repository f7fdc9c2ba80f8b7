"""Walk a pipeline: without pipefail only the last command's status counts.

A gate on the left of ``|`` loses its failure (QG112) unless pipefail is on,
``PIPESTATUS`` is read, the output is teed to a file read later, or a
``grep`` on the right judges it; ``! a | b`` negates the whole pipeline.
The walker walks pipelines through these functions, each given the
``flow.Walker``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from quality_gates.guards.integrity import gatecmd
from quality_gates.guards.integrity.shell import failure_sinks, log_reads, parse
from quality_gates.guards.integrity.shell.assertions import negated_assertion
from quality_gates.guards.integrity.shell.compound import negated_body, pipeline_parts
from quality_gates.guards.integrity.shell.doomed import doomed
from quality_gates.guards.integrity.shell.parse import short
from quality_gates.guards.integrity.shell.records import Flow, Gate
from tree_sitter import Node

if TYPE_CHECKING:
    from quality_gates.guards.integrity.shell.flow import Walker


def walk_pipeline(walker: Walker, node: Node, errexit: bool) -> Flow:
    """Walk ``a | b``: without pipefail only the last status counts."""
    parts = pipeline_parts(node)
    if not parts:
        return Flow()
    if parts[0].type == "negated_command":
        return walk_negated(walker, node, [negated_body(parts[0]), *parts[1:]])
    return walker.wrap(piped_gates(walker, parts, node), errexit)


def piped_gates(
    walker: Walker, parts: list[Node], node: Node, negated: bool = False
) -> list[Gate]:
    """Return the gates a pipeline's status carries; report those a pipe loses.

    Output judged by the pipeline's last command is seen: ``gate | tee
    log`` with the log read later, ``gate | grep -q PATTERN``, and ``!
    gate | grep PATTERN`` (fails when the pattern shows up).
    """
    last = part_gates(walker, parts[-1], len(parts) > 1)
    teed, passed = teed_and_read(walker, parts[-1], node)
    judged = walker.inverted and not negated and _greps(parts[-1], True)
    # `P | grep -q X` carries P's failure (no output, no match), unless a
    # match is what fails: then P failing reads as the pattern's absence,
    # noted where P's errors go to /dev/null and the failure leaves no trace.
    silent = judged and _errors_hidden(parts[0])
    teed = teed or (_greps(parts[-1], negated) and not silent)
    written = piped_to(walker, parts[-1], node)
    for index, part in enumerate(parts[:-1]):
        lost = part_gates(walker, part, True)
        if judged and not lost and index == 0 and not walker.state.pipefail:
            lost = _producer(part, walker.source)
        if walker.state.pipefail or walker.swallowing:
            last += lost
        elif walker.pipestatus or teed or doomed(node):
            walker.observe(lost)
        elif _grepped_request(parts, index, negated):
            walker.observe(lost)  # grep fails on a failed request's silence
        elif not judged and _grepped_query(parts, index, negated, lost, node):
            walker.observe(lost)  # grep fails on a failed query's silence
        else:
            for gate in lost:
                detail = (
                    f"`{short(node, walker.source)}` runs without pipefail "
                    f"({walker.state.named}), so `{gate.text}` failing is lost"
                )
                sinks = (*file_sinks((*written, *gate.files)), *passed)
                why = _GREPPED if judged else _counted(walker, parts, index, written)
                walker.hit("QG112", gate, detail, sinks=sinks, because=why)
    return last


def part_gates(walker: Walker, node: Node, piped: bool) -> list[Gate]:
    """Return the gates one part of a pipeline carries (its status only).

    ``piped``: a part of ``a | b`` runs in a subshell of its own (``! a``
    alone does not).
    """
    walker.piping += piped
    try:
        return walker.statement(node, False).carriers()
    finally:
        walker.piping -= piped


def walk_negated(walker: Walker, node: Node, parts: list[Node | None]) -> Flow:
    """Walk ``! a | b``: bash negates the whole pipeline, not ``a``.

    tree-sitter hangs the ``!`` on ``a``.

    The negated status is an expected failure: it fails when the gates
    succeed.  errexit never stops on a negated pipeline, so the status
    is seen only when it is the script's last or something tests it.
    """
    present = [part for part in parts if part is not None]
    if not present:
        return Flow()
    alone = not (walker.tested or walker.piping or walker.capturing)
    walker.tested += 1
    try:
        gates = piped_gates(walker, present, node, negated=True)
    finally:
        walker.tested -= 1
    assertion = None
    if alone and not gates:  # a statement of its own, not a condition
        assertion = negated_assertion(present, walker.source)
    gates = [assertion] if assertion is not None else gates
    return Flow(status=[dataclasses.replace(g, negated=True) for g in gates])


def teed_and_read(
    walker: Walker, last: Node, pipeline: Node
) -> tuple[bool, tuple[str, ...]]:
    """``gate | tee log.txt`` and a later ``grep ... log.txt`` that fails.

    Also return the outputs and variables a read of the log sets.
    """
    files = piped_to(walker, last, pipeline, tee_only=True)
    return log_reads.judged_later(pipeline, walker.source, files, walker.state.errexit)


def piped_to(
    walker: Walker, last: Node, pipeline: Node, tee_only: bool = False
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
        files += failure_sinks.as_written(holder, walker.source, names)
    return files


_GREPS = frozenset(("grep", "egrep", "fgrep", "rg"))


_GREPPED = (
    "its output is judged by a `grep` whose match fails the script, so a "
    "failure that prints nothing the pattern matches passes"
)


_COUNTED = (
    "its output is counted (`| wc`) and the count only shown: a report of how "
    "many findings there are, not a check"
)


def _counted(
    walker: Walker, parts: list[Node], index: int, written: tuple[str, ...]
) -> str:
    """Say why ``checker | wc -l | xargs echo`` is a report ('' when it is not).

    The findings are shown as a number; not where the count is captured
    (``n=$(checker | wc -l)``, which a test may judge) or written to a file
    (``| wc -l > n.txt``) a later step may read.
    """
    if walker.capturing or written:
        return ""
    after = parts[index + 1 :]
    return _COUNTED if any(_part_words(p)[:1] == ["wc"] for p in after) else ""


# Producers that cannot fail on their own: their output is all there is.
_CANNOT_FAIL = frozenset("echo printf true : printenv env set declare".split())


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


def file_sinks(names: tuple[str, ...]) -> tuple[str, ...]:
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


def _grepped_query(
    parts: list[Node], index: int, negated: bool, lost: list[Gate], node: Node
) -> bool:
    """``hostnamectl hostname | grep runner``: grep looks for the value it prints.

    A command that is a check only by the name of its step prints a value
    on stdout and its error on stderr; failing, it prints no value, so the
    last ``grep PATTERN`` (no ``-v``, ``-c``, ``-L``) finds nothing and
    fails.  Not so when stderr joins the pipe (``2>&1``, ``|&``), or for a
    checker known by name (``pytest | grep passed``: a failing run prints
    "passed" too).
    """
    if negated or index != len(parts) - 2 or not lost:
        return False
    if any(gate.strength != "context" for gate in lost):
        return False
    if not _queries(_part_words(parts[index])):
        return False
    words = _part_words(parts[-1])
    if not words or words[0] not in _GREPS or _MERGED in (node.text or b"").decode():
        return False
    if any(re.fullmatch(r"-[a-zA-Z]*[vcL][a-zA-Z]*", w) for w in words[1:]):
        return False
    joined = "|&" in [child.type for child in node.children]
    return not joined and "--invert-match" not in words


_MERGED = "2>&1"
# Programs that run other code, which may print anything on failure: a
# script, an interpreter, a build or task runner, a container.
_RUNNERS = re.compile(
    r"(python[0-9.]*|py|pypy[0-9.]*|[bdkz]?a?sh|node|npx|deno|bun|ruby|perl|php"
    r"|java|make|gmake|npm|yarn|pnpm|tox|nox|uv|uvx|poetry|pipenv|hatch|pdm"
    r"|cargo|go|mvn|gradle|dotnet|docker|podman|pytest|xvfb-run|timeout)"
)
_PREFIXES = frozenset(("sudo", "env", "command", "exec", "nice"))


def _queries(words: list[str]) -> bool:
    """Tell a system command that prints a value, not a runner of other code."""
    while words and (words[0] in _PREFIXES or "=" in words[0]):
        words = words[1:]
    program = words[0] if words else ""
    if not program or "/" in program or "$" in program or "." in program:
        return False
    return not _RUNNERS.fullmatch(program)


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
