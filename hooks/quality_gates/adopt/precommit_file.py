""".pre-commit-config.yaml as text with line spans: what it has, and where.

The file is edited at the level of its lines, never re-dumped: every hook and
comment init does not replace keeps its exact bytes.  PyYAML's nodes give the
lines each repository and hook spans.
"""

from __future__ import annotations

import dataclasses
import re

import yaml
from quality_gates.adopt import known
from quality_gates.errors import GateError
from quality_gates.textfile import decode
from quality_gates.yamlnodes import compose, mapping, scalar, sequence, value

PATH = ".pre-commit-config.yaml"


@dataclasses.dataclass
class Span:
    """Lines ``first`` to ``last`` (0-based, inclusive) and the indentation found."""

    first: int
    last: int
    dash: int  # column of the item's ``-``
    key: int  # column of the item's first key


@dataclasses.dataclass
class Hook:
    """One hook of a repository: its id, the keys init carries over, its lines."""

    id: str
    span: Span
    node: yaml.MappingNode
    line: int

    def strings(self, key: str) -> list[str] | None:
        """Return a list-of-strings key (``args``, ``stages``...), None when absent."""
        node = value(self.node, key)
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode):
            return [str(node.value)]
        return [scalar(item) or "" for item in sequence(node)]

    def text(self, key: str) -> str | None:
        """Return a string key (``files``, ``exclude``), None when absent."""
        return scalar(value(self.node, key))


@dataclasses.dataclass
class Repo:
    """One ``repos:`` item."""

    url: str
    span: Span
    node: yaml.MappingNode
    hooks: list[Hook]
    hooks_key: int  # column of ``hooks:`` (-1 when there is none)
    line: int

    @property
    def key(self) -> str:
        """The normalised URL (``local`` and ``meta`` as they are)."""
        return self.url if self.url in known.LOCAL_REPOS else known.normalise(self.url)


@dataclasses.dataclass
class Config:
    """The parsed file: its lines, repos, and the nodes init may edit."""

    lines: list[str]
    repos: list[Repo]
    root: yaml.MappingNode | None
    repos_node: yaml.Node | None

    def top(self, key: str) -> yaml.Node | None:
        """Return a top-level key's value node."""
        return value(self.root, key)


def last_line(node: yaml.Node) -> int:
    """Return the last line with the node's text (not comments after it)."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        mark = node.end_mark
        return int(mark.line) if mark.column > 0 else int(mark.line) - 1
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    return max((last_line(c) for c in children), default=int(node.start_mark.line))


def span(lines: list[str], node: yaml.Node) -> Span:
    """Return the lines of a block list item, from its ``-`` to its last value."""
    first = int(node.start_mark.line)
    key = int(node.start_mark.column)
    before = lines[first][:key]
    if before.strip() == "" and first > 0:
        # the ``-`` stands alone on an earlier line
        back = first - 1
        while back > 0 and not lines[back].strip():
            back -= 1
        first = back
        before = lines[back]
    if before.strip()[:1] != "-":
        raise GateError(f"{PATH}:{first + 1}: expected a `- ` list item here")
    dash = len(before) - len(before.lstrip())
    return Span(first, last_line(node), dash, key)


def _hooks(lines: list[str], repo: yaml.Node) -> tuple[list[Hook], int]:
    node = value(repo, "hooks")
    entry = mapping(repo).get("hooks")
    hooks_key = int(entry[0].start_mark.column) if entry else -1
    if isinstance(node, yaml.SequenceNode) and node.flow_style and node.value:
        hooks_key = -2  # flow style: init cannot edit single hooks in it
    found = []
    for item in sequence(node):
        if not isinstance(item, yaml.MappingNode):
            raise GateError(
                f"{PATH}:{item.start_mark.line + 1}: a hook is not a mapping"
            )
        hook_id = scalar(value(item, "id"))
        if not hook_id:
            raise GateError(f"{PATH}:{item.start_mark.line + 1}: a hook has no `id`")
        where = span(lines, item) if hooks_key != -2 else Span(0, 0, 0, 0)
        found.append(Hook(hook_id, where, item, int(item.start_mark.line) + 1))
    return found, hooks_key


def _repo(lines: list[str], node: yaml.Node) -> Repo:
    line = int(node.start_mark.line) + 1
    url = scalar(value(node, "repo"))
    if not isinstance(node, yaml.MappingNode) or not url:
        raise GateError(f"{PATH}:{line}: a `repos:` item has no `repo:`")
    hooks, hooks_key = _hooks(lines, node)
    return Repo(url, span(lines, node), node, hooks, hooks_key, line)


def split_lines(text: str) -> list[str]:
    r"""Return the lines with their endings, split at ``\\n`` (and ``\\r\\n``)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def parse(data: bytes) -> Config:
    """Parse the file; anything init cannot read or edit is a one-line GateError."""
    text = decode(data)
    if text.problem:
        raise GateError(f"{PATH}:{text.line}: {text.problem}")
    parsed = compose(text.text)
    if parsed.error:
        raise GateError(f"{PATH}:{parsed.line}: {parsed.error}")
    root = parsed.root
    if root is not None and not isinstance(root, yaml.MappingNode):
        raise GateError(f"{PATH}: the file is not a mapping with a `repos:` key")
    lines = split_lines(text.text)
    repos_node = value(root, "repos")
    if repos_node is not None and not isinstance(repos_node, yaml.SequenceNode):
        if scalar(repos_node) not in ("", None):
            raise GateError(f"{PATH}: `repos:` is not a list")
    if isinstance(repos_node, yaml.SequenceNode) and repos_node.flow_style:
        if repos_node.value:
            raise GateError(
                f"{PATH}:{repos_node.start_mark.line + 1}: `repos:` is a flow-style "
                "list ([...]); write it as a block list (`- repo: ...`), then run init"
            )
    repos = [_repo(lines, item) for item in sequence(repos_node)]
    return Config(
        lines, repos, root if isinstance(root, yaml.MappingNode) else None, repos_node
    )
