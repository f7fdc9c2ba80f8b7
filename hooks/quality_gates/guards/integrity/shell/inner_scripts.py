r"""Scripts inside a command: ``bash -c``, ``python -c``, ``find -exec``, ``eval``.

Also here-documents: ``bash <<EOF`` and ``python - <<EOF`` run their body as
a script of their own (``bash -e <<EOF`` with errexit), ``cat <<EOF`` only
reads it as data.

``bash -c`` runs its script without errexit (unless ``-e`` is given), so only
its last command decides its status; the script is walked as a script of its
own and its status gates become the command's.  ``python -c`` keeps a
command's status only when it passes it on (``pyexec``).  ``find -exec CMD {}
\;`` exits 0 whatever CMD returns (``+`` passes failures on); so does
util-linux ``script -c CMD`` without ``-e``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from quality_gates.guards.integrity import cmdwords, gatecmd, pyexec
from quality_gates.guards.integrity.shell import parse
from quality_gates.guards.integrity.shell.records import Flow, Gate, Result, Shell
from tree_sitter import Node

_SHELL = re.compile(r"^(ba|z|da|k)?sh$")
_PYTHON = re.compile(r"^(python[0-9.]*|py|pypy[0-9.]*)$")

Walk = Callable[[str, Shell], tuple[Result, Flow, int]]


@dataclasses.dataclass
class Nested:
    """What a command's inner script found, and the gates its status carries."""

    result: Result = dataclasses.field(default_factory=Result)
    carriers: list[Gate] = dataclasses.field(default_factory=list)
    lost: list[tuple[Gate, str]] = dataclasses.field(default_factory=list)
    gates: int = 0


def _runs_itself(words: list[str]) -> list[str]:
    """Return the command run directly (``sudo`` dropped); [] for find/xargs."""
    inner = gatecmd.strip_wrappers(words)
    first = next((w for w in words if "=" not in w.split("/")[0]), "")
    if first.rsplit("/", 1)[-1] in ("find", "xargs"):
        return []
    return inner[:1]


def _script_argument(
    command: Node, flag: str, program: str = ""
) -> tuple[int, Node] | None:
    """Find the argument after ``-c`` (or ``-ec``) and its index.

    With ``program``, only after it: ``ionice -c 3 bash -c SCRIPT``.
    """
    args = parse.arguments(command)
    words = [parse.unquote(parse.text(arg)) for arg in args]
    start = next((i + 1 for i, w in enumerate(words) if w == program), 0)
    for index, arg in enumerate(args[:-1]):
        word = words[index]
        if index >= start and re.fullmatch(rf"-[a-zA-Z]{{0,3}}{flag}", word):
            return index + 1, args[index + 1]
    return None


def _shell_options(words: list[str], label: str) -> Shell:
    errexit = pipefail = False
    for index, word in enumerate(words):
        if re.fullmatch(r"-[a-zA-Z]+", word):
            errexit = errexit or "e" in word
            following = words[index + 1] if index + 1 < len(words) else ""
            pipefail = pipefail or (word.endswith("o") and following == "pipefail")
    program = label.split()[0].rsplit("/", 1)[-1]
    kind = "sh" if program in ("sh", "dash") else "bash"
    return Shell(errexit=errexit, pipefail=pipefail, label=label, kind=kind)


def _inline(
    command: Node, words: list[str], program: re.Pattern[str]
) -> tuple[str, int, Node] | None:
    """``PROGRAM -c TEXT``: the program, the index of TEXT and its node."""
    head = _runs_itself(words)
    if not head or not program.match(head[0].rsplit("/", 1)[-1]):
        return None
    found = _script_argument(command, "c", head[0])
    return (head[0], *found) if found is not None else None


def shell_c(command: Node, words: list[str], walk: Walk) -> Nested | None:
    """``bash -c SCRIPT``: the script walked with the options given."""
    inline = _inline(command, words, _SHELL)
    if inline is None:
        return None
    program, index, node = inline
    script = parse.unquote(parse.text(node))
    options = [parse.unquote(parse.text(a)) for a in parse.arguments(command)]
    # the shell's own options: after its name (`docker run -e X=1 IMG bash -c`)
    start = next((i + 1 for i, w in enumerate(options[:index]) if w == program), 0)
    shell = _shell_options(options[start:index], f"{program} -c")
    try:
        result, flow, gates = walk(script, shell)
    except parse.ParseFailure:
        return None
    row = node.start_point[0]
    moved = [dataclasses.replace(h, line=h.line + row) for h in result.hits]
    shifted = [dataclasses.replace(g, line=g.line + row) for g in flow.carriers()]
    return Nested(Result(moved, result.observed), shifted, [], gates)


def eval_text(
    command: Node, words: list[str], walk: Walk, shell: Shell
) -> Nested | None:
    """``eval "gate || true"``: the text run as commands of the current shell.

    Unlike ``bash -c``, the text keeps the script's own options (errexit).
    """
    if words[0] != "eval" or len(words) < 2:
        return None
    args = parse.arguments(command)
    script = " ".join(parse.unquote(parse.text(arg)) for arg in args)
    try:
        result, flow, gates = walk(script, dataclasses.replace(shell))
    except parse.ParseFailure:
        return None
    if not gates and not result.hits:
        return None  # `eval "$(ssh-agent -s)"`: judged as written
    row = command.start_point[0]
    moved = [dataclasses.replace(h, line=h.line + row) for h in result.hits]
    shifted = [dataclasses.replace(g, line=g.line + row) for g in flow.carriers()]
    return Nested(Result(moved, result.observed), shifted, [], gates)


def python_c(command: Node, words: list[str], source: bytes) -> Nested | None:
    """``python -c CODE``: commands whose status the code keeps or throws away."""
    inline = _inline(command, words, _PYTHON)
    if inline is None:
        return None
    _, _, node = inline
    code = parse.unquote(parse.text(node))
    return _python(code, node.start_point[0], command, source)


def _python(code: str, row: int, command: Node, source: bytes) -> Nested | None:
    """Return what Python ``code`` (at script row ``row``) runs and drops."""
    nested = Nested()
    for call in pyexec.calls(code) or []:
        if call.dropped and gatecmd.named_gate(list(call.tokens)):
            gate = _gate(call.tokens, row + call.line, command, source)
            nested.lost.append((gate, f"`{parse.short(command, source)}`: {call.how}"))
    kept = [t for t in pyexec.commands_anywhere(code) if gatecmd.named_gate(list(t))]
    if len(kept) > len(nested.lost):
        nested.carriers.append(_gate(kept[0], command.start_point[0], command, source))
    nested.gates = len(kept)
    return nested if nested.gates else None


def _heredoc_of(
    command: Node, bodies: dict[int, parse.Heredoc]
) -> parse.Heredoc | None:
    """Return the here-document fed to ``command`` (now a here-string)."""
    redirects = list(command.children)
    parent = command.parent
    if parent is not None and parent.type == "redirected_statement":
        redirects += parent.children
    for redirect in redirects:
        if redirect.type in ("herestring_redirect", "file_redirect"):
            if redirect.start_byte in bodies:
                return bodies[redirect.start_byte]
    return None


def heredoc(
    command: Node,
    words: list[str],
    bodies: dict[int, parse.Heredoc],
    walk: Walk,
    source: bytes,
) -> Nested | None:
    """``bash <<EOF`` or ``python - <<EOF``: the body is the program's script."""
    doc = _heredoc_of(command, bodies) if bodies else None
    inner = gatecmd.strip_wrappers(words)
    if doc is None or not inner or not _runs_itself(words):
        return None
    program, args = inner[0].rsplit("/", 1)[-1], inner[1:]
    plain = [a for a in args if not a.startswith("-")]
    if "-c" in args or "-m" in args:
        return None
    if _PYTHON.match(program) and plain in ([], ["-"]):
        return _python(doc.body, doc.row, command, source)
    if not _SHELL.match(program) or (plain and "-s" not in args):
        return None
    try:
        result, flow, gates = walk(doc.body, _shell_options(args, f"{program} <<EOF"))
    except parse.ParseFailure:
        return None
    moved = [dataclasses.replace(h, line=h.line + doc.row) for h in result.hits]
    shifted = [dataclasses.replace(g, line=g.line + doc.row) for g in flow.carriers()]
    return Nested(Result(moved, result.observed), shifted, [], gates)


def find_exec(
    command: Node, words: list[str], source: bytes, context: str = ""
) -> Nested | None:
    r"""``find ... -exec GATE {} \;``: find's status ignores what GATE returned.

    GATE is a checker by its own name, or (as any command) by the name of the
    step or target that runs it: ``-exec python {} \;`` in ``demotest:``
    runs each demo, and no failing one fails the target.
    """
    if not words or words[0].rsplit("/", 1)[-1] != "find":
        return None
    for inner, end in cmdwords.exec_parts(words):
        if not inner or end == "+":
            continue
        if gatecmd.named_gate(inner):
            strength = "named"
        elif context and gatecmd.judge(inner, context) is not None:
            strength = "context"
        else:
            continue
        gate = _gate(tuple(inner), command.start_point[0], command, source)
        detail = (
            f"`{parse.short(command, source)}`: `find -exec ... \\;` exits 0 "
            f"whatever `{gatecmd.gate_key(inner)}` returns"
        )
        lost = dataclasses.replace(gate, strength=strength)
        return Nested(lost=[(lost, detail)], gates=1)
    return None


def script_c(command: Node, words: list[str], source: bytes) -> Nested | None:
    """Find a check ``script -q -c GATE /dev/null`` runs and loses.

    util-linux ``script`` exits 0 whatever GATE returns; only ``-e``
    (``--return``) passes its status on.
    """
    if not words or words[0].rsplit("/", 1)[-1] != "script":
        return None
    options = [w for w in words[1:] if w.startswith("-")]
    if "--return" in options or any(
        re.fullmatch(r"-[a-zA-Z]*e[a-zA-Z]*", w) for w in options
    ):
        return None
    found = _script_argument(command, "c")
    if found is None:
        return None
    text = parse.unquote(parse.text(found[1]))
    for part in re.split(r"&&|\|\||[;|&\n]", text):
        tokens = part.split()
        if tokens and gatecmd.named_gate(tokens):
            gate = _gate(tuple(tokens), command.start_point[0], command, source)
            detail = (
                f"`{parse.short(command, source)}`: `script -c` without `-e` exits 0 "
                f"whatever `{gatecmd.gate_key(tokens)}` returns"
            )
            return Nested(lost=[(gate, detail)], gates=1)
    return None


def _gate(tokens: tuple[str, ...], line: int, command: Node, source: bytes) -> Gate:
    return Gate(line, parse.short(command, source), gatecmd.gate_key(list(tokens)))
