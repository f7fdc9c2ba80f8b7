"""The new text of .pre-commit-config.yaml: replaced hooks out, the suite's entry in."""

from __future__ import annotations

from collections.abc import Sequence

import yaml
from quality_gates.adopt import edit
from quality_gates.adopt.edit import Edit, SuiteHook
from quality_gates.adopt.hooks import Found
from quality_gates.adopt.precommit_file import Config, Repo, last_line
from quality_gates.yamlnodes import mapping, scalar, sequence, value


def _skip(config: Config, replaced: set[str], nl: str) -> Edit | None:
    """pre-commit.ci's ``ci: skip:`` names the replaced ids: name the gate instead."""
    node = value(config.top("ci"), "skip")
    ids = [scalar(item) or "" for item in sequence(node)]
    if node is None or not replaced & set(ids):
        return None
    new = [i for i in ids if i not in replaced]
    new += [] if "quality-gate" in new else ["quality-gate"]
    first, last = int(node.start_mark.line), int(node.end_mark.line)
    if isinstance(node, yaml.SequenceNode) and node.flow_style and first == last:
        line = config.lines[first]
        start, end = int(node.start_mark.column), int(node.end_mark.column)
        text = line[:start] + edit.scalar_text(new) + line[end:]
        return Edit(first, first + 1, (text,))
    items = sequence(node)
    pad = " " * int(items[0].start_mark.column)
    dash = config.lines[int(items[0].start_mark.line)].index("-")
    rows = tuple(" " * dash + "-" + pad[dash + 1 :] + i + nl for i in new)
    return Edit(int(items[0].start_mark.line), last_line(node) + 1, rows)


def _no_repos(config: Config, entry: list[str], nl: str) -> Edit:
    """Where the entry goes when the file lists no repository yet."""
    pair = mapping(config.root).get("repos")
    if pair is None:
        gap = [nl] if config.lines and config.lines[-1].strip() else []
        return Edit(len(config.lines), len(config.lines), (*gap, f"repos:{nl}", *entry))
    line = int(pair[0].start_mark.line)
    text = config.lines[line].replace("[]", "", 1).rstrip() + nl
    return Edit(line, line + 1, (text, *entry))


def _update_suite(
    config: Config,
    suite: Repo,
    pin: tuple[str, str, str],
    hooks: Sequence[SuiteHook],
    style: edit.Style,
) -> list[Edit]:
    """Keep the suite's entry as it is but for its rev, and add new hooks to it."""
    edits = []
    pair = mapping(suite.node).get("rev")
    if pair is not None:
        line = int(pair[0].start_mark.line)
        pad = config.lines[line][: int(pair[0].start_mark.column)]
        text = f"{pad}rev: {edit.scalar_text(pin[1])}" + (
            f"  # {pin[2]}" if pin[2] else ""
        )
        edits.append(Edit(line, line + 1, (text + style.newline,)))
    if hooks:
        dash = suite.hooks[0].span.dash if suite.hooks else style.dash + style.key
        rows = [row for hook in hooks for row in edit.hook_lines(hook, style, dash)]
        end = suite.span.last + 1
        edits.append(Edit(end, end, tuple(rows)))
    return edits


def _removals(config: Config, found: Found) -> tuple[list[Edit], list[Edit]]:
    """Return the edits that remove replaced hooks, and those removing whole repos."""
    by_repo: dict[int, list[int]] = {}
    for item in found.replaced:
        by_repo.setdefault(config.repos.index(item.repo), []).append(
            item.repo.hooks.index(item.hook)
        )
    edits: list[Edit] = []
    whole: list[Edit] = []
    for index, hook_indexes in by_repo.items():
        repo = config.repos[index]
        removed = edit.remove_hooks(
            config.lines, repo, [repo.hooks[i] for i in hook_indexes]
        )
        if isinstance(removed, Edit):
            whole.append(removed)
        else:
            edits += removed
    whole.sort(key=lambda e: e.first)
    return edits, whole


def render(
    config: Config | None,
    found: Found,
    hooks: Sequence[SuiteHook],
    pin: tuple[str, str, str],
) -> str:
    """Return the file as init leaves it; ``pin`` is (repo URL, rev, rev comment)."""
    if config is None:
        return "repos:\n" + "".join(edit.entry_lines(*pin, hooks, edit.Style()))
    lines = list(config.lines)
    style = edit.style_of(config)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += style.newline
    config = Config(lines, config.repos, config.root, config.repos_node)
    entry = edit.entry_lines(*pin, hooks, style)
    edits, whole = _removals(config, found)
    if found.suite is not None:
        edits += whole
        edits += _update_suite(config, found.suite, pin, hooks, style)
    elif whole:
        # the entry takes the first replaced repository's place and keeps the
        # blank lines after it; the comments of every replaced repository go
        # just above it (they speak of the hooks, dependencies and args it carries)
        first = whole[0]
        end = next(r.span.last + 1 for r in config.repos if r.span.first == first.first)
        kept = [line for e in whole for line in e.lines]
        edits += [Edit(first.first, end, (*kept, *entry))]
        edits += [Edit(e.first, e.stop, ()) for e in whole[1:]]
    elif config.repos:
        end = config.repos[-1].span.last + 1
        edits.append(Edit(end, end, tuple(entry)))
    else:
        edits.append(_no_repos(config, entry, style.newline))
    skip = _skip(config, {i.hook.id for i in found.replaced}, style.newline)
    if skip is not None:
        edits.append(skip)
    return _ending_as_before(lines, edit.apply(lines, edits))


def _ending_as_before(lines: Sequence[str], text: str) -> str:
    """Leave no blank line at the end where the file had none.

    A replaced repository that was last leaves the blank line before it,
    and end-of-file-fixer (a hook most projects keep) would fail on the file.
    """
    if not lines or not lines[-1].strip():
        return text
    body = text.rstrip("\r\n")
    return body + text[len(body) :].split("\n", 1)[0] + "\n" if body else text
