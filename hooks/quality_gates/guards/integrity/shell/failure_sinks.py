"""Where a script records a failure, and where a checker writes its report.

A fallback that does not fail may still carry the failure forward: into a
variable (``|| FAILED=1``), a step output (``echo failed=true >>
"$GITHUB_OUTPUT"``), an environment variable for later steps (``>>
"$GITHUB_ENV"``) or a file (``> status.txt``, ``touch failed``).  Each such
place is a *sink*, named ``var:NAME``, ``output:NAME``, ``env:NAME`` or
``file:PATH``; a failure recorded in a sink is lost only when nothing later
reads the sink and fails.
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity.shell import parse
from quality_gates.guards.integrity.shell.parse import text
from tree_sitter import Node

_GITHUB_FILE = re.compile(r"GITHUB_(OUTPUT|ENV|STEP_SUMMARY|PATH)")
_KEY = re.compile(r"^\s*['\"]?([A-Za-z_][A-Za-z0-9_-]*)=")


def _walk(node: Node) -> list[Node]:
    found = [node]
    stack = list(node.named_children)
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.named_children)
    return found


def assigned(node: Node) -> list[str]:
    """Names the node assigns (``FAILED=1``, ``export RC=1``)."""
    names = []
    for current in _walk(node):
        if current.type == "variable_assignment":
            name = current.child_by_field_name("name")
            if name is not None:
                names.append(text(name))
    return names


def _destinations(statement: Node) -> list[str]:
    """Files a redirected statement writes to (``> f``, ``>> "$GITHUB_OUTPUT"``)."""
    return [text(target) for target in _destination_nodes(statement)]


def _destination_nodes(statement: Node) -> list[Node]:
    out = []
    for redirect in statement.children_by_field_name("redirect"):
        target = redirect.child_by_field_name("destination")
        operator = text(redirect).lstrip("0123456789")
        if target is not None and operator.startswith(">") and "&" not in operator:
            out.append(target)
    return out


def _redirect_sinks(command: Node, words: list[str]) -> list[str]:
    """Return what a command writes through its redirects: outputs, env, files."""
    statement = parse.redirect_of(command)
    if statement is None:
        return []
    keys = [m.group(1) for w in words[1:] for m in [_KEY.match(w)] if m]
    found: list[str] = []
    for target in _destinations(statement):
        kind = _GITHUB_FILE.search(target)
        if kind and kind.group(1) in ("OUTPUT", "ENV"):
            prefix = "output" if kind.group(1) == "OUTPUT" else "env"
            found += [f"{prefix}:{key}" for key in keys]
        elif not kind and "/dev/" not in target:
            found.append(f"file:{parse.unquote(target)}")
    return found


def _command_sinks(node: Node) -> list[str]:
    words = parse.words(node)
    found = _redirect_sinks(node, words)
    if words[:1] in (["touch"], ["tee"]):
        found += [f"file:{w}" for w in words[1:] if not w.startswith("-")]
    return found


def sinks(nodes: list[Node]) -> tuple[str, ...]:
    """Every place the statements record something: variables, outputs, files."""
    found: list[str] = []
    for node in nodes:
        found += [f"var:{name}" for name in assigned(node)]
        found += [
            s for c in _walk(node) if c.type == "command" for s in _command_sinks(c)
        ]
    return tuple(dict.fromkeys(found))


_FAILS_AFTER = re.compile(r"\bexit\s+(?:[1-9]|\$|\"\$)|(^|[\s;&|(])false\b")


def read_later(name: str, after: str) -> bool:
    """Tell whether ``$name`` is read in ``after`` where it can fail the script.

    ``exit $FAIL`` fails on it, and so does a test standing alone as a
    statement (``[ -z "$FAILED" ]``, ``test "$RC" -eq 0``: under ``set -e``, or
    as the last statement, its status is the script's).  A read followed by
    an ``exit 1`` or ``false`` may.  A flag read only to warn (``if [ "$FAIL"
    -eq 1 ]; then echo "::warning::..."; fi``) or only echoed loses the
    failure: nothing fails after it is read.
    """
    var = rf"\$\{{?{re.escape(name)}\b"
    first = re.search(var, after)
    if first is None:
        return False
    rest = after[after.rfind("\n", 0, first.start()) + 1 :]
    alone = rf"(?m)^[ \t]*(\[\[?|test)\s[^\n;&|]*{var}[^\n;&|]*$"
    return bool(_FAILS_AFTER.search(rest) or re.search(alone, rest))


def carried(name: str, after: str) -> tuple[str, ...]:
    """Return the step outputs and environment variables ``$name`` is written to.

    ``echo "passed=$PASSED" >> "$GITHUB_OUTPUT"`` carries the flag on as the
    output ``passed`` (``output:passed``), ``>> "$GITHUB_ENV"`` as ``env:``:
    a later step or job that reads it and fails on it consumes the failure.
    """
    value = rf"""([A-Za-z_][\w-]*)=["']?\$\{{?{re.escape(name)}\b"""
    found: list[str] = []
    for line in after.splitlines():
        kind = _GITHUB_FILE.search(line)
        key = re.search(value, line)
        if kind and key and kind.group(1) in ("OUTPUT", "ENV"):
            prefix = "output" if kind.group(1) == "OUTPUT" else "env"
            found.append(f"{prefix}:{key.group(1)}")
    return tuple(dict.fromkeys(found))


# ---- report files -------------------------------------------------------

_REPORT_OPTIONS = re.compile(
    r"^(-o|--output|--output-file|--out|--format|-f|--junitxml|--junit-xml|--json|"
    r"--report|--reporter|--sarif|--cov-report|--xml|--html)(=.*)?$"
)
_FILE_OPTIONS = re.compile(
    r"^(-o|--output|--output-file|--out|--report|--report-path|--junitxml)(=(.+))?$"
)


def to_summary(node: Node) -> bool:
    """Output written to the step summary or outputs: a report, not a check."""
    parent = parse.redirect_of(node)
    targets = " ".join(_destinations(parent)) if parent is not None else ""
    return bool(re.search(r"GITHUB_(STEP_SUMMARY|OUTPUT|ENV)", targets))


def report_files(node: Node, words: list[str]) -> tuple[str, ...]:
    """Files a report run writes (``-o FILE``, ``--report=FILE``, ``> FILE``)."""
    files = []
    for index, word in enumerate(words[1:], start=1):
        match = _FILE_OPTIONS.match(word)
        if match and match.group(3):
            files.append(match.group(3))
        elif match and index + 1 < len(words):
            files.append(words[index + 1])
    parent = parse.redirect_of(node)
    if parent is not None:
        files += _destinations(parent)
    return tuple(f for f in files if f and "/dev/" not in f and not f.startswith("&"))


def writes_report(node: Node, words: list[str]) -> bool:
    """Tell whether the command writes its findings to a file (a report run)."""
    if any(_REPORT_OPTIONS.match(word) for word in words[1:]):
        return True
    parent = parse.redirect_of(node)
    if parent is None:
        return False
    return any("/dev/null" not in target for target in _destinations(parent))


# ---- names as the script writes them -------------------------------------


def as_written(node: Node, source: bytes, names: tuple[str, ...]) -> tuple[str, ...]:
    """``names``, read from ``node``'s words in the parsed script, as written.

    The parser reads ``${{ expr }}`` as a placeholder of underscores, so a
    report named ``-o "${{ env.REPORT }}"`` reads as ``______``: no later
    step names the file that way, and a message must not show it.  Each name
    is matched to the first unused argument or redirect target it came from
    (whole, unquoted, or after ``--option=``) and taken from ``source``.
    """
    parts = list(parse.arguments(node))
    statement = parse.redirect_of(node)
    if statement is not None:
        parts += _destination_nodes(statement)
    unused = [_spellings(part, source) for part in parts]
    out = []
    for name in names:
        found = next((i for i, s in enumerate(unused) if name in s), None)
        out.append(name if found is None else unused.pop(found)[name])
    return tuple(out)


def _spellings(part: Node, source: bytes) -> dict[str, str]:
    """How a word reads in the parsed script, mapped to how it is written."""
    masked = text(part)
    own = source[part.start_byte : part.end_byte].decode(errors="replace")
    plain, written = parse.unquote(masked), parse.unquote_written(own)
    found = {masked: written, plain: written}
    if "=" in plain and "=" in written:
        found.setdefault(plain.partition("=")[2], written.partition("=")[2])
    return found
