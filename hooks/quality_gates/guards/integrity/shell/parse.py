"""Parse a ``run:`` script with tree-sitter's bash grammar.

``${{ ... }}`` expressions are replaced first by a placeholder word of the
same shape (same length, same line breaks), so that
``pytest --junitxml=r-${{ matrix.c }}.xml || true`` parses as the command it
is and every line number still points into the original script.
"""

from __future__ import annotations

import dataclasses
import re
import shlex

import tree_sitter_bash
from tree_sitter import Language, Node, Parser

_LANGUAGE = Language(tree_sitter_bash.language())
_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
MAX_DEPTH = 150


class ParseFailure(Exception):
    """A script the parser could not read whole (syntax errors, absurd nesting)."""


def placeholders(script: str) -> str:
    """``${{ expr }}`` replaced by ``_`` characters, newlines kept.

    An expression that spans lines (``${{ cond &&`` / ``'pytest' ||`` /
    ``'true' }}``) is one value: each of its lines but the last ends in a
    backslash, so the shell reads one word, not a command per line.
    """

    def blank(match: re.Match[str]) -> str:
        # one `_` per byte, so byte offsets into the original still hold
        lines = ["_" * len(line.encode()) for line in match.group(0).split("\n")]
        joined = [line[:-1] + "\\" if line else line for line in lines[:-1]]
        return "\n".join(joined + lines[-1:])

    return _EXPRESSION.sub(blank, script)


_COMMENT_LINE = re.compile(r"(?m)^[ \t]*#[^\n]*$")


def blank_comments(script: str) -> str:
    """Whole-line comments replaced by spaces (same bytes, same lines).

    tree-sitter-bash folds a comment line that follows a backslash-continued
    pipeline into the pipeline's last command, so ``... | tee log``, ``# note``,
    ``if grep ...; then`` became one command and ``then`` another.  A comment
    line carries nothing the audit reads.
    """

    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0).encode())

    return _COMMENT_LINE.sub(blank, script)


@dataclasses.dataclass(frozen=True)
class Heredoc:
    """A here-document: where its ``<<`` starts (byte), its body and first row."""

    start: int
    body: str
    row: int


_HEREDOC = re.compile(
    r"<<(-?)[ \t]*(?:'([^'\n]+)'|\"([^\"\n]+)\"|\\?([A-Za-z_][\w.-]*))"
)
_WORD_START = frozenset(" \t\n;|&(")


def _bodies(
    text: str, at: int, pending: list[re.Match[str]]
) -> list[tuple[int, int, int]]:
    """``(body start, terminator start, end)`` of each pending heredoc after ``at``."""
    spans = []
    index = at
    for match in pending:
        delimiter = next(g for g in match.groups()[1:] if g)
        start = index
        while True:
            if index >= len(text):
                raise ValueError("unterminated here-document")
            newline = text.find("\n", index)
            end = len(text) if newline < 0 else newline
            line = text[index:end].rstrip("\r")
            if (line.lstrip("\t") if match.group(1) else line) == delimiter:
                spans.append((start, index, end))
                index = end + 1
                break
            index = end + 1
    return spans


def _scan(text: str) -> list[tuple[re.Match[str], int, int, int]]:
    """Return every heredoc operator outside quotes and comments, and its body."""
    found = []
    pending: list[re.Match[str]] = []
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\n" and pending and not quote:
            spans = _bodies(text, index + 1, pending)
            found += [(m, *span) for m, span in zip(pending, spans)]
            pending, index = [], spans[-1][2] + 1
            continue
        if quote == "'":
            quote = "" if char == "'" else quote
        elif char == "\\":
            index += 1
        elif quote:
            quote = "" if char == '"' else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in _WORD_START):
            newline = text.find("\n", index)
            index = (len(text) if newline < 0 else newline) - 1
        elif text.startswith("<<", index) and not text.startswith("<<<", index):
            match = _HEREDOC.match(text, index)
            if match and (index == 0 or text[index - 1] != "<"):
                pending.append(match)
                index = match.end() - 1
        index += 1
    return found if not pending else []


def _blank(text: str) -> str:
    return "".join(c if c == "\n" else " " * len(c.encode()) for c in text)


def _heredocs(text: str) -> tuple[str, list[Heredoc]]:
    """Blank heredoc bodies and make ``<<EOF`` a here-string; return both.

    tree-sitter-bash hangs what follows ``<<EOF`` on the line (``|| true``,
    ``| tee log``, ``; then``) inside the redirect, or fails on it; with the
    body blanked and the operator an input redirect of the same bytes
    (``< ___``), the line parses as bash reads it.
    """
    try:
        found = _scan(text)
    except ValueError:
        return text, []
    out, docs, last = [], [], 0
    for match, body, terminator, end in found:
        width = len(match.group(0).encode())
        stand_in = "< " + "_" * (width - 2)  # an input redirect of the same bytes
        out += [text[last : match.start()], stand_in, text[match.end() : body]]
        out.append(_blank(text[body:end]))
        last = end
        raw = text[body:terminator]
        if match.group(1):
            raw = "\n".join(line.lstrip("\t") for line in raw.split("\n"))
        start = len(text[: match.start()].encode())
        docs.append(Heredoc(start, raw, text.count("\n", 0, body)))
    out.append(text[last:])
    return "".join(out), docs


def heredocs(script: str) -> dict[int, Heredoc]:
    """Return the script's here-documents by the byte their ``<<`` starts at."""
    return {doc.start: doc for doc in _heredocs(placeholders(script))[1]}


_CLOSED_THEN_CLOSER = re.compile(
    r"\b(fi|done|esac)[ \t](?=(?:[ \t]|\\\n)*(?:fi|done|esac|else|elif)\b)"
)


def close_compounds(script: str) -> str:
    """``fi done`` as ``fi;done`` (same bytes, same lines).

    sh and bash accept a reserved word right after a compound's end (``if
    ...; fi done``, common in make recipes joined by backslashes); tree-sitter-bash
    does not.  Used only when the script does not parse as it is.
    """
    return _CLOSED_THEN_CLOSER.sub(lambda m: m.group(1) + ";", script)


def parse(script: str) -> Node:
    """Return the program node; ParseFailure when the grammar finds errors."""
    flat, _ = _heredocs(placeholders(script))
    source = blank_comments(flat)
    root = Parser(_LANGUAGE).parse(source.encode()).root_node
    if not root.has_error:
        return root
    closed = close_compounds(source)
    # the grammar refuses `@` in a command's name (`poetry@build --version`,
    # pipx's suffixed apps); bash reads it as a plain word
    # the grammar refuses `(` in an expansion's alternative word that also
    # expands (`${V:+ (version: $V)}`); bash reads them as literal text
    for attempt in (closed, _AT.sub("_", closed), _alternative_parens(closed)):
        retried = Parser(_LANGUAGE).parse(attempt.encode()).root_node
        if not retried.has_error:
            return retried
    raise ParseFailure(_first_error(root))


_AT = re.compile(r"(?<=[\w.-])@(?=[\w.-])")
_ALTERNATIVE = re.compile(r"\$\{\w+:?[-+=?]([^{}\n]*)\}")


def _alternative_parens(script: str) -> str:
    """``${V:+ (v: $V)}`` -> ``${V:+ _v: $V_}``: same length, literal parens blanked."""

    def blank(match: re.Match[str]) -> str:
        word = match.group(0)
        if "$(" in word:
            return word  # a command substitution: its parens are code
        return word.replace("(", "_").replace(")", "_")

    return _ALTERNATIVE.sub(blank, script)


def _first_error(root: Node) -> str:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return f"line {node.start_point[0] + 1}: cannot parse as bash"
        stack.extend(reversed(node.children))
    return "cannot parse as bash"


def text(node: Node) -> str:
    """Return the node's source text."""
    return (node.text or b"").decode(errors="replace")


def unquote(word: str) -> str:
    """Return a word as the shell passes it (quotes removed), raw if unbalanced."""
    try:
        parts = shlex.split(word, posix=True)
    except ValueError:
        return word
    return " ".join(parts) if parts else ""


def unquote_written(word: str) -> str:
    """Return a word of the original script unquoted, its ``${{ }}`` kept whole.

    ``"${{ env.REPORT }}"`` is ``${{ env.REPORT }}``, not the three words
    shlex would make of the expression's spaces.
    """
    kept = _EXPRESSION.findall(word)
    out = unquote(_EXPRESSION.sub("\x00", word))
    for expression in kept:
        out = out.replace("\x00", expression, 1)
    return out


def words(command: Node) -> list[str]:
    """Return the words of a simple command: assignments, name and arguments."""
    out: list[str] = []
    for child in command.named_children:
        if child.type in ("file_redirect", "herestring_redirect", "comment"):
            continue
        if child.type == "command_name" or child.type == "variable_assignment":
            out.append(unquote(text(child)))
        elif command.field_name_for_child(_index(command, child)) == "argument":
            out.append(unquote(text(child)))
    return [word for word in out if word != ""]


def redirect_of(command: Node) -> Node | None:
    """Return the redirected statement whose redirects apply to ``command``.

    tree-sitter-bash hangs ``a || echo x >> f`` as one redirected list; bash
    redirects only its last command, so a command inherits the redirects of
    the lists it ends.
    """
    node = command
    parent = node.parent
    while parent is not None and parent.type == "list":
        named = [c for c in parent.named_children if c.type != "comment"]
        if not named or named[-1] != node:
            return None
        node, parent = parent, parent.parent
    if parent is not None and parent.type == "redirected_statement":
        if parent.child_by_field_name("body") == node:
            return parent
    return None


def arguments(command: Node) -> list[Node]:
    """Return the argument nodes of a simple command, in order."""
    return [
        child
        for index, child in enumerate(command.children)
        if child.is_named and command.field_name_for_child(index) == "argument"
    ]


def _index(parent: Node, child: Node) -> int:
    for index, item in enumerate(parent.children):
        if item == child:
            return index
    return -1


def statements(node: Node) -> list[Node]:
    """Return the named statements directly under ``node`` (no comments)."""
    return [
        child
        for child in node.named_children
        if child.type not in ("comment", "heredoc_body", "heredoc_end")
    ]


def short(node: Node, source: bytes | None = None, limit: int = 70) -> str:
    """Return a node's text from ``source`` (the original) on one line, cut."""
    raw = source[node.start_byte : node.end_byte] if source is not None else node.text
    flat = " ".join((raw or b"").decode(errors="replace").replace("\\\n", " ").split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def descendants(node: Node | None, kind: str) -> list[Node]:
    """Every node of type ``kind`` under ``node``, in source order."""
    found: list[Node] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if current.type == kind:
            found.append(current)
        stack.extend(reversed(current.children))
    return found


_BOOLEAN = re.compile(r"==|!=|<=|>=|&&|\|\||^\s*!|\b(?:contains|startsWith|endsWith)\(")


def boolean_expression(command: Node, source: bytes) -> bool:
    """Tell a command named by a ``${{ }}`` test alone: GitHub writes true or false.

    ``if ${{ env.REF == 'main' }}; then`` runs the shell's ``true`` or
    ``false``: a choice made in the workflow, no program checked.
    """
    name = command.child_by_field_name("name")
    if name is None or len(words(command)) != 1:
        return False
    written = source[name.start_byte : name.end_byte].decode(errors="replace")
    inner = written.strip()
    if not (inner.startswith("${{") and inner.endswith("}}")):
        return False
    return bool(_BOOLEAN.search(inner[3:-2]))
