"""The grammar of a ``${{ }}`` expression, read as GitHub's parser reads it.

GitHub parses every expression of a workflow before it starts a job
(``@actions/expressions``: a lexer and a recursive-descent parser); one it
cannot parse makes it refuse the file.  This is that grammar: single-quoted
strings (``''`` inside), numbers as JavaScript's ``Number`` reads them,
``true``/``false``/``null``/``NaN``/``Infinity`` (case-sensitive), contexts
and properties (``a.b``, ``a['b']``, ``a.*``), calls, ``!``, comparisons,
``==``/``!=``, ``&&``, ``||`` and parentheses.  A context or function that
the place does not offer is refused too, as is a call with too few or too
many arguments.
"""

from __future__ import annotations

import re

Functions = dict[str, tuple[int, int]]  # lower-case name: (fewest, most) arguments
MAX = 2**53 - 1
# the functions every expression may call (@actions/expressions' funcs.ts)
BUILTIN: Functions = {
    "case": (3, MAX),
    "contains": (2, 2),
    "endswith": (2, 2),
    "format": (1, 255),
    "fromjson": (1, 1),
    "join": (1, 2),
    "startswith": (2, 2),
    "tojson": (1, 1),
}
_DEPTH = 50
_LENGTH = 21000
_SINGLE = {"(": "(", ")": ")", "[": "[", "]": "]", ",": ",", "*": "*"}
_PAIRS = {"!": "!=", "<": "<=", ">": ">=", "=": "==", "&": "&&", "|": "||"}
_KEYWORDS = frozenset("true false null NaN Infinity".split())
_AFTER_DOT = ("id", "]", ")", "*")
_NUMBER = re.compile(
    r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Infinity)"
    r"|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+"
)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_BOUNDARY = frozenset("([)],.!><=&|")
Token = tuple[str, str]  # kind, lexeme


class Refused(Exception):
    """An expression GitHub cannot parse: the message says why."""


def _boundary(char: str) -> bool:
    return char in _BOUNDARY or char.isspace()


def lex(text: str) -> list[Token]:
    """Return the tokens of an expression, as GitHub's lexer splits it."""
    if len(text) > _LENGTH:
        raise Refused(f"the expression is longer than {_LENGTH} characters")
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        index = _token(text, index, tokens)
    tokens.append(("eof", ""))
    return tokens


def _token(text: str, index: int, tokens: list[Token]) -> int:
    """Read the token at ``index`` onto ``tokens``; return where the next starts."""
    char = text[index]
    after = text[index + 1 : index + 2]
    previous = tokens[-1][0] if tokens else "eof"
    if char in " \r\t\n":
        return index + 1
    if char in _SINGLE:
        tokens.append((_SINGLE[char], char))
        return index + 1
    if char == "." and previous in _AFTER_DOT:
        tokens.append((".", char))
        return index + 1
    if char in _PAIRS and (after == "=" if char in "!<>=" else after == char):
        tokens.append((_PAIRS[char], _PAIRS[char]))
        return index + 2
    if char in "!<>":
        tokens.append((char, char))
        return index + 1
    if char == "'":
        return _string(text, index, tokens)
    if char in ".-+" or char.isdigit():
        return _word(text, index, tokens, number=True)
    return _word(text, index, tokens, number=False)


def _string(text: str, index: int, tokens: list[Token]) -> int:
    end = index + 1
    while end < len(text) and (text[end] != "'" or text[end + 1 : end + 2] == "'"):
        end += 2 if text[end] == "'" else 1
    if end >= len(text):
        raise Refused(f"unexpected symbol `{text[index:]}` (a string never closed)")
    tokens.append(("lit", text[index : end + 1]))
    return end + 1


def _word(text: str, index: int, tokens: list[Token], number: bool) -> int:
    end = index + 1
    while end < len(text) and (
        not _boundary(text[end]) or (number and text[end] == ".")
    ):
        end += 1
    word = text[index:end]
    if number:
        if not _NUMBER.fullmatch(word):
            raise Refused(f"unexpected symbol `{word}` (no number)")
        tokens.append(("lit", word))
        return end
    kind = "id"
    if not tokens or tokens[-1][0] != ".":
        kind = "lit" if word in _KEYWORDS else "id"
    if not _IDENT.fullmatch(word):
        raise Refused(f"unexpected symbol `{word}`")
    tokens.append((kind, word))
    return end


class _Parser:
    """GitHub's recursive descent over the tokens of one expression."""

    def __init__(
        self, tokens: list[Token], contexts: frozenset[str], functions: Functions
    ):
        self.tokens = tokens
        self.at = 0
        self.depth = 0
        self.contexts = frozenset(c.lower() for c in contexts)
        self.functions = functions

    def peek(self) -> str:
        return self.tokens[self.at][0]

    def take(self, *kinds: str) -> bool:
        if self.peek() in kinds and self.peek() != "eof":
            self.at += 1
            return True
        return False

    def need(self, kind: str) -> None:
        if not self.take(kind):
            raise Refused(f"unexpected symbol `{self.tokens[self.at][1] or 'EOF'}`")

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > _DEPTH:
            raise Refused(f"the expression nests deeper than {_DEPTH}")

    def expression(self) -> None:
        self.deeper()
        self.binary(0)
        self.depth -= 1

    def binary(self, level: int) -> None:
        """Operators from the loosest (``||``) to the tightest (``<``)."""
        ladder = (("||",), ("&&",), ("==", "!="), ("<", "<=", ">", ">="))
        if level == len(ladder):
            self.unary()
            return
        self.binary(level + 1)
        while self.take(*ladder[level]):
            self.binary(level + 1)

    def unary(self) -> None:
        if self.take("!"):
            self.deeper()
            self.unary()
            self.depth -= 1
            return
        if self.postfix_allowed(self.operand()):
            self.postfix()

    def postfix_allowed(self, kind: str) -> bool:
        return kind in ("group", "call", "context")

    def postfix(self) -> None:
        while self.peek() in ("[", "."):
            if self.take("["):
                if not self.take("*"):
                    self.expression()
                self.need("]")
            else:
                self.need(".")
                if not self.take("id", "*"):
                    self.need("id")

    def operand(self) -> str:
        """Read a literal, context, call or group; return which it was."""
        if self.peek() == "id":
            name = self.tokens[self.at][1]
            self.at += 1
            if self.take("("):
                self.call(name)
                return "call"
            if name.lower() not in self.contexts:
                raise Refused(f"`{name}` is no context GitHub has there")
            return "context"
        if self.take("lit"):
            return "literal"
        if self.take("("):
            self.expression()
            self.need(")")
            return "group"
        word = self.tokens[self.at][1]
        raise Refused(f"unexpected {f'symbol `{word}`' if word else 'end'}")

    def call(self, name: str) -> None:
        count = 0
        while not self.take(")"):
            self.expression()
            count += 1
            if self.peek() != ")":
                self.need(",")
        lower = name.lower()
        fewest, most = BUILTIN.get(lower) or self.functions.get(lower, (-1, -1))
        if fewest < 0:
            raise Refused(f"`{name}()` is no function GitHub has there")
        if not fewest <= count <= most or (lower == "case" and count % 2 == 0):
            raise Refused(f"`{name}()` takes no {count} arguments")


def problem(expr: str, contexts: frozenset[str], functions: Functions) -> str:
    """Why GitHub cannot parse an expression there ('' when it can)."""
    text = expr.strip()
    if not text:
        return "an empty `${{ }}` (an expression was expected)"
    if text == "insert":
        return ""  # a directive, not an expression: not judged here
    try:
        parser = _Parser(lex(text), contexts, functions)
        parser.expression()
        if parser.peek() != "eof":
            raise Refused(f"unexpected symbol `{parser.tokens[parser.at][1]}`")
    except Refused as refused:
        return str(refused)
    return ""


def functions_of(names: tuple[str, ...]) -> tuple[frozenset[str], Functions]:
    """Split a schema's context list (``matrix``, ``hashFiles(1,255)``)."""
    contexts: set[str] = set()
    calls: Functions = {}
    for name in names:
        found = re.fullmatch(r"(\w+)\((\d+),(\d+|MAX)\)", name)
        if found:
            most = MAX if found.group(3) == "MAX" else int(found.group(3))
            calls[found.group(1).lower()] = (int(found.group(2)), most)
        else:
            contexts.add(name.lower())
    return frozenset(contexts), calls
