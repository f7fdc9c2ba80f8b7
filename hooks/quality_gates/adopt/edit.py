"""Line edits of .pre-commit-config.yaml: drop hooks, write the suite's entry.

Every edit replaces a range of whole lines; the lines around it keep their
bytes.  The suite's entry is written in the indentation the file already uses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import yaml
from quality_gates.adopt.precommit_file import Config, Hook, Repo


@dataclasses.dataclass(frozen=True)
class Style:
    """Indentation: the ``-`` of a repo, its keys, a hook's ``-``, a hook's keys."""

    dash: int = 2
    key: int = 2  # from the repo's ``-`` to its keys
    hooks: int = 2  # from ``hooks:`` to a hook's ``-``
    hook_key: int = 2  # from a hook's ``-`` to its keys
    newline: str = "\n"


@dataclasses.dataclass(frozen=True)
class SuiteHook:
    """One hook item of the suite's entry."""

    id: str = "quality-gate"
    args: tuple[str, ...] = ()
    name: str | None = None
    files: str | None = None
    exclude: str | None = None
    stages: tuple[str, ...] | None = None
    language_version: str | None = None
    additional_dependencies: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Edit:
    """Replace lines ``first`` to ``stop`` (exclusive) by ``lines``."""

    first: int
    stop: int
    lines: tuple[str, ...]


def style_of(config: Config) -> Style:
    """Return the indentation of the file's first repository with block-style hooks."""
    newline = "\r\n" if config.lines and config.lines[0].endswith("\r\n") else "\n"
    for repo in config.repos:
        if repo.hooks and repo.hooks_key >= 0:
            hook = repo.hooks[0]
            return Style(
                dash=repo.span.dash,
                key=repo.span.key - repo.span.dash,
                hooks=max(hook.span.dash - repo.hooks_key, 0),
                hook_key=hook.span.key - hook.span.dash,
                newline=newline,
            )
    return Style(newline=newline)


def scalar_text(value: str | Sequence[str]) -> str:
    """Return a value as YAML on one line: a plain or quoted scalar, or a flow list."""
    if isinstance(value, str):
        dumped = str(yaml.safe_dump(value, width=1 << 16, allow_unicode=True))
        return dumped.removesuffix("\n").removesuffix("\n...").strip()
    return str(
        yaml.safe_dump(
            list(value), default_flow_style=True, width=1 << 16, allow_unicode=True
        )
    ).strip()


def _pair(indent: int, key: str, value: str | Sequence[str], nl: str) -> list[str]:
    pad = " " * indent
    if isinstance(value, str) and "\n" in value.rstrip("\n"):
        # a verbose regex keeps its lines: a literal block with the same text
        chomp = "" if value.endswith("\n") and not value.endswith("\n\n") else "-"
        if value.endswith("\n\n"):
            chomp = "+"
        body = value[:-1] if value.endswith("\n") else value
        return [f"{pad}{key}: |{chomp}{nl}"] + [
            (f"{pad}  {row}" if row else "") + nl for row in body.split("\n")
        ]
    return [f"{pad}{key}: {scalar_text(value)}{nl}"]


def hook_lines(hook: SuiteHook, style: Style, dash: int) -> list[str]:
    """Return the lines of one hook item whose ``-`` is at column ``dash``."""
    nl, key = style.newline, dash + style.hook_key
    out = [" " * dash + "-" + " " * (style.hook_key - 1) + f"id: {hook.id}{nl}"]
    fields: list[tuple[str, str | Sequence[str] | None]] = [
        ("name", hook.name),
        ("args", list(hook.args) or None),
        ("files", hook.files),
        ("exclude", hook.exclude),
        ("stages", list(hook.stages) if hook.stages is not None else None),
        ("language_version", hook.language_version),
        ("additional_dependencies", list(hook.additional_dependencies) or None),
    ]
    for name, item in fields:
        if item is not None:
            out += _pair(key, name, item, nl)
    return out


def entry_lines(
    url: str, rev: str, comment: str, hooks: Sequence[SuiteHook], style: Style
) -> list[str]:
    """Return the suite's ``repos:`` item: repo, rev (with its comment) and hooks."""
    nl, pad = style.newline, " " * (style.dash + style.key)
    first = " " * style.dash + "-" + " " * (style.key - 1) + f"repo: {url}{nl}"
    rev_line = f"{pad}rev: {scalar_text(rev)}" + (f"  # {comment}" if comment else "")
    out = [first, rev_line + nl, f"{pad}hooks:{nl}"]
    for hook in hooks:
        out += hook_lines(hook, style, style.dash + style.key + style.hooks)
    return out


def remove_hooks(
    lines: Sequence[str], repo: Repo, drop: Sequence[Hook]
) -> Edit | list[Edit]:
    """Drop some hooks of a repository, or the whole item when none is left.

    Their comments stay (a comment after a value becomes a line of its own at
    that line's indentation); a whole item between two blank lines takes the
    blank lines after it along, so no gap is left doubled.
    """
    if len(drop) == len(repo.hooks):
        first, stop = repo.span.first, repo.span.last + 1
        if first > 0 and not lines[first - 1].strip():
            while stop < len(lines) and not lines[stop].strip():
                stop += 1
        return Edit(first, stop, comments(lines[first : repo.span.last + 1]))
    return [
        Edit(
            h.span.first,
            h.span.last + 1,
            comments(lines[h.span.first : h.span.last + 1]),
        )
        for h in drop
    ]


def comments(lines: Sequence[str]) -> tuple[str, ...]:
    """Return the comments of ``lines``, each a whole line at its line's indentation."""
    kept = []
    for text in lines:
        if text.lstrip().startswith("#"):
            kept.append(text)
            continue
        at = _comment_at(text)
        if at is not None:
            pad = text[: len(text) - len(text.lstrip())]
            ending = "\r\n" if text.endswith("\r\n") else "\n"
            kept.append(pad + text[at:].rstrip("\r\n") + ending)
    return tuple(kept)


def _comment_at(text: str) -> int | None:
    """Return where a YAML comment starts after a value (``#`` after a space)."""
    quote = ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and index > 0 and text[index - 1] in " \t":
            return index
    return None


def apply(lines: Sequence[str], edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (any order) and return the new text."""
    out = list(lines)
    for edit in sorted(edits, key=lambda e: (e.first, e.stop), reverse=True):
        out[edit.first : edit.stop] = edit.lines
    return "".join(out)
