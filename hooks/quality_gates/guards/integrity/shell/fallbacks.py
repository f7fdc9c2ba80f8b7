"""What the command after ``||`` (or the branch an ``if`` takes on failure) does.

It *fails* when it ends the script with an error (``exit 1``, ``exit $rc``,
``false``), *succeeds* when it can only succeed (``true``, ``:``, ``echo``,
``exit 0``, writing a placeholder file), and otherwise *may fail* (a retry,
another tool): then the failure is handled, not hidden.
"""

from __future__ import annotations

import enum
import re

from quality_gates.guards.integrity.shell import parse
from tree_sitter import Node

_ALWAYS_OK = frozenset(
    """true : /bin/true /usr/bin/true echo printf continue break set export declare
    local readonly typeset mkdir touch sleep shopt unset""".split()
)
_ECHOES = frozenset(("echo", "printf"))


class Verdict(enum.Enum):
    """How a fallback ends."""

    FAILS = "fails"
    ECHOES = "echoes"
    SUCCEEDS = "succeeds"
    MAY_FAIL = "may fail"


def _commands(node: Node) -> list[Node]:
    """Every simple command or test under ``node``, in order."""
    found: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("command", "test_command"):
            found.append(current)
            continue
        if current.type in ("command_substitution", "process_substitution"):
            continue
        if current.type in ("variable_assignment", "declaration_command"):
            found.append(current)
            continue
        stack.extend(reversed(current.named_children))
    return found


def _exit_code(words: list[str]) -> str | None:
    """Return the argument of ``exit``/``return`` ('' when bare), else None."""
    if words and words[0] in ("exit", "return"):
        return words[1] if len(words) > 1 else ""
    return None


def _fails(words: list[str], first: bool) -> bool:
    if words[:1] == ["false"]:
        return True
    code = _exit_code(words)
    if code is None:
        return False
    if code == "":
        return first  # a bare exit keeps the status of the last command
    return not re.fullmatch(r"0+", code)


def _succeeds(node: Node, words: list[str]) -> bool:
    if node.type in ("variable_assignment", "declaration_command"):
        return True
    if not words:
        return True
    code = _exit_code(words)
    if code is not None:
        return code == "" or bool(re.fullmatch(r"0+", code))
    return words[0] in _ALWAYS_OK


def _to_log(command: Node) -> bool:
    """``echo`` to the log (or the step summary), not into a file it creates."""
    parent = parse.redirect_of(command)
    if parent is None:
        return True
    target = " ".join(parse.text(r) for r in parent.children_by_field_name("redirect"))
    return "GITHUB_STEP_SUMMARY" in target or ">&2" in target or "/dev/" in target


def verdict(node: Node) -> Verdict:
    """Classify a fallback statement (or a list of them under one node)."""
    commands = _commands(node)
    return verdict_of(commands)


def verdict_of(commands: list[Node]) -> Verdict:
    """Classify a fallback given its simple commands in order."""
    if not commands:
        return Verdict.SUCCEEDS
    all_ok = True
    echoes = False
    for position, command in enumerate(commands):
        words = parse.words(command) if command.type == "command" else []
        if command.type == "command" and _fails(words, position == 0):
            return Verdict.FAILS
        if command.type == "test_command" or not _succeeds(command, words):
            all_ok = False
        echoes = echoes or bool(words and words[0] in _ECHOES and _to_log(command))
    if not all_ok:
        return Verdict.MAY_FAIL
    return Verdict.ECHOES if echoes else Verdict.SUCCEEDS


def statement_commands(nodes: list[Node]) -> list[Node]:
    """Return the simple commands of several statements, in order."""
    return [command for node in nodes for command in _commands(node)]
