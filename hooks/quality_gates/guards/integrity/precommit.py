"""``.pre-commit-config.yaml``: hooks whose entry or args make them unable to fail."""

from __future__ import annotations

import re
import shlex

import yaml
from quality_gates import yamlnodes
from quality_gates.findings import Finding
from quality_gates.guards.integrity.precommit_inline import inline_python
from quality_gates.guards.integrity.rules import finding
from quality_gates.guards.integrity.shell import script_audit
from quality_gates.textfile import Text
from quality_gates.yamlnodes import duplicate_keys, line_of, scalar, sequence, value

PATH = ".pre-commit-config.yaml"
_SHELLS = re.compile(r"^(/usr)?(/bin/)?(ba|z|da)?sh$")


def inner_script(entry: str) -> str | None:
    """Return the script of a ``bash -c '...'`` entry (pre-commit uses no shell)."""
    try:
        tokens = shlex.split(entry)
    except ValueError:
        return None
    if len(tokens) > 2 and _SHELLS.match(tokens[0]) and "-c" in tokens[1:-1]:
        return tokens[tokens.index("-c") + 1]
    return None


def _hook(path: str, lines: list[str], hook: yaml.Node) -> list[Finding]:
    found: list[Finding] = []
    hook_id = scalar(value(hook, "id")) or "?"
    where = f"hook `{hook_id}`"
    entry_node = value(hook, "entry")
    entry = scalar(entry_node) or ""
    for text in (entry,):
        for hit in script_audit.audit(text):
            line = line_of(entry_node) if entry_node else line_of(hook)
            why = "" if hit.certain else hit.why  # plausible only: a note
            detail = f"{where}: {hit.detail}"
            found.append(finding(hit.rule, path, line, detail, why, hit.fix))
    for node in [entry_node, *sequence(value(hook, "args"))]:
        arg = scalar(node)
        if node is not None and arg and script_audit.exit_zero_line(arg) is not None:
            found.append(
                finding("QG106", path, line_of(node), f"{where}: `--exit-zero`")
            )
        off = script_audit.fail_off_flag(arg) if node is not None and arg else None
        if node is not None and off is not None:
            found.append(finding("QG106", path, line_of(node), f"{where}: `{off[1]}`"))
    return found or inline_python(path, lines, hook)  # one finding per lost check


def dependencies(root: yaml.Node | None) -> list[str]:
    """Every hook's ``additional_dependencies`` (to know whether a plugin is in use)."""
    deps: list[str] = []
    for repo in sequence(value(root, "repos")):
        for hook in sequence(value(repo, "hooks")):
            deps += [
                scalar(d) or ""
                for d in sequence(value(hook, "additional_dependencies"))
            ]
    return deps


def flake8_hooks(root: yaml.Node | None) -> list[yaml.Node]:
    """Return every hook with id ``flake8``."""
    return [
        hook
        for repo in sequence(value(root, "repos"))
        for hook in sequence(value(repo, "hooks"))
        if scalar(value(hook, "id")) == "flake8"
    ]


def parse(text: Text) -> tuple[yaml.Node | None, list[Finding]]:
    """Compose the config; a read or syntax problem is a QG109 finding."""
    if text.problem:
        return None, [
            finding("QG109", PATH, text.line, f"pre-commit config is {text.problem}")
        ]
    parsed = yamlnodes.compose(text.text)
    if parsed.error:
        detail = f"pre-commit config: {parsed.error}"
        return None, [finding("QG109", PATH, parsed.line, detail)]
    return parsed.root, [_dropped(*triple) for triple in duplicate_keys(parsed.root)]


def _dropped(first: yaml.Node, held: yaml.Node, later: yaml.Node) -> Finding:
    """Report a key written twice: pre-commit's YAML keeps only the later.

    QG107 when the first held hooks (they never run), QG121 for settings.
    """
    ids = [scalar(value(hook, "id")) or "?" for hook in _hooks(scalar(first), held)]
    listed = ", ".join(f"`{h}`" for h in ids)
    said = f"its hooks {listed} never run" if ids else "what it holds is never read"
    detail = (
        f"pre-commit config: `{scalar(first)}` is written twice in one mapping "
        f"(lines {line_of(first)} and {line_of(later)}): pre-commit's YAML "
        f"loader keeps the later one only, so {said}"
    )
    fix = f"merge the two `{scalar(first)}` into one"
    rule = "QG107" if ids else "QG121"
    return finding(rule, PATH, line_of(first), detail, fix=fix)


def _hooks(key: str | None, held: yaml.Node) -> list[yaml.Node]:
    """Return the hooks a dropped value held: of ``repos:``, or ``hooks:``."""
    if key == "repos":
        return [h for repo in sequence(held) for h in sequence(value(repo, "hooks"))]
    return sequence(held) if key == "hooks" else []


def audit(text: Text) -> list[Finding]:
    """Return the findings of the pre-commit config, its parse error included."""
    root, found = parse(text)
    for repo in sequence(value(root, "repos")):
        for hook in sequence(value(repo, "hooks")):
            found += _hook(PATH, text.lines, hook)
    return found
