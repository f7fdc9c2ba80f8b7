"""YAML as nodes with line numbers (PyYAML's compose), and small accessors."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import yaml


@dataclasses.dataclass(frozen=True)
class Parsed:
    """A composed document (``None`` when empty), or the error and its line."""

    root: yaml.Node | None = None
    error: str = ""
    line: int = 1


_ONE_DOCUMENT = "expected a single document in the stream"
# GitHub's workflow parser (the runner's YamlObjectReader, @actions/workflow-parser)
# wants the stream to end after the first document: a `---` after it, even with
# nothing below, starts a second one and the file is refused.
_SECOND_DOCUMENT = (
    "a second YAML document starts at this `---` (even an empty one counts): "
    "the file must hold exactly one document, and GitHub refuses a workflow "
    "or action that holds more"
)


def compose(text: str) -> Parsed:
    """Compose one YAML document; a syntax error is returned with its line.

    Aliases stay shared nodes (never expanded), and a document nested deeper
    than Python's recursion allows is an error, not a traceback.  A tab
    ending a line (``on:<TAB>``), or between a key's ``:`` and its value
    (``run: <TAB>pyroma``), is white space to YAML 1.2 and to GitHub's parser;
    PyYAML refuses it, so the text is read again with it as a space.  A tab
    after ``- `` stays an error: GitHub's parser reads it as indentation.
    """
    parsed = _compose(text)
    if "'\\t'" not in parsed.error:
        return parsed
    again = _compose(_TRAILING_TABS.sub("", text))
    for _ in range(_MOST_TABS):
        if "'\\t'" not in again.error:
            break
        lines = text.splitlines(keepends=True)
        index = again.line - 1
        if not 0 <= index < len(lines) or not _VALUE_TAB.search(lines[index]):
            break
        lines[index] = _VALUE_TAB.sub(r"\1 ", lines[index], count=1)
        text = "".join(lines)
        again = _compose(_TRAILING_TABS.sub("", text))
    return parsed if again.error else again


_TRAILING_TABS = re.compile(r"[ \t]*\t[ \t]*$", re.MULTILINE)
# a key's `:` then white space holding a tab, then its value (not a comment)
_VALUE_TAB = re.compile(
    r"^([ ]*(?:-[ ]+)*[^\s#'\"\-:][^\t#'\":]*:)[ \t]*\t[ \t]*(?=[^\s#])"
)
_MOST_TABS = 100


def _compose(text: str) -> Parsed:
    try:
        return Parsed(root=yaml.compose(text, Loader=yaml.SafeLoader))
    except RecursionError:
        return Parsed(error="invalid YAML: nested too deeply to read")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context == _ONE_DOCUMENT:
            what = _SECOND_DOCUMENT
        return Parsed(error=f"invalid YAML: {what}", line=line)
    except yaml.YAMLError as exc:
        return Parsed(error=f"invalid YAML: {exc}")


def line_of(node: yaml.Node) -> int:
    """1-based line where ``node`` starts."""
    return int(node.start_mark.line) + 1


def mapping(node: yaml.Node | None) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """Return a mapping node as ``{key: (key node, value node)}``, else ``{}``."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode):
            result[str(key.value)] = (key, value)
    return result


def sequence(node: yaml.Node | None) -> list[yaml.Node]:
    """Return the items of a sequence node, else ``[]``."""
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def scalar(node: yaml.Node | None) -> str | None:
    """Return the raw text of a scalar node (``None`` for anything else)."""
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """Return the value node of ``key`` in a mapping node, else None."""
    entry = mapping(node).get(key)
    return entry[1] if entry else None


def is_true(node: yaml.Node | None) -> bool:
    """Tell whether a scalar is a YAML true."""
    text = scalar(node)
    return text is not None and text.strip().lower() in ("true", "yes", "on")


def _nodes(node: yaml.Node | None) -> Iterator[yaml.Node]:
    """Every distinct node under ``node``, depth first (mapping keys left out).

    Each node is visited once: an alias repeats a node, it does not copy it,
    so a YAML alias bomb (nine levels of ten aliases) costs what it weighs.
    """
    seen: set[int] = set()
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            stack.extend(item for _, item in reversed(current.value))


def strings(node: yaml.Node | None) -> list[yaml.ScalarNode]:
    """Every distinct scalar under ``node``, depth first, each once."""
    return [n for n in _nodes(node) if isinstance(n, yaml.ScalarNode)]


def duplicate_keys(
    node: yaml.Node | None,
) -> list[tuple[yaml.Node, yaml.Node, yaml.Node]]:
    """Every key written twice in one mapping: (first key, its value, later key).

    PyYAML keeps the later value without a word; GitHub refuses the file.
    Merge keys (``<<``) are YAML's own and may repeat.
    """
    found: list[tuple[yaml.Node, yaml.Node, yaml.Node]] = []
    for current in _nodes(node):
        if not isinstance(current, yaml.MappingNode):
            continue
        first: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, item in current.value:
            text = scalar(key)
            if text is not None and text != "<<" and text in first:
                found.append((*first[text], key))
            elif text is not None:
                first[text] = (key, item)
    return sorted(found, key=lambda triple: int(triple[2].start_mark.line))


def locate(lines: list[str], node: yaml.Node, snippet: str, offset: int = 0) -> int:
    """1-based line of ``snippet`` inside a scalar ``node`` of a file's ``lines``.

    A literal block (``|``) maps line ``offset`` of its value exactly; other
    styles are searched for the snippet between the node's start and end.
    """
    start, end = int(node.start_mark.line), int(node.end_mark.line)
    if isinstance(node, yaml.ScalarNode) and node.style == "|":
        return start + 2 + offset
    needle = " ".join(snippet.split())
    for index in range(start, min(end + 1, len(lines))):
        if needle and needle in " ".join(lines[index].split()):
            return index + 1
    return start + 1
