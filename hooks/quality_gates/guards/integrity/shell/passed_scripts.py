r"""Scripts a command hands to a shell of its own: ``script -c``, ``nix-shell --run``.

Each runs its text with ``sh -c`` (or the user's shell), without errexit, so
the text's last command decides its status, and passes that status on:

* util-linux ``script -e -c TEXT`` (``--return``) exits with the status of
  TEXT; without ``-e`` it exits 0 whatever TEXT returned, so every check
  whose status TEXT carries is lost;
* ``nix-shell --run TEXT`` and ``--command TEXT`` (an ``exit`` is added after
  TEXT) exit with TEXT's status;
* ``su -c TEXT USER`` exits with the status of the command it ran;
* ``ssh [OPTIONS] HOST WORDS...`` joins WORDS with spaces, runs them in the
  remote user's shell and exits with their status (255 on its own error).

The text is walked as a script of its own (``bash -eo pipefail -c`` inside
keeps its options), nested as deep as it goes.  What ssh runs on a remote
host is mostly a deploy (a service restarted, files moved): there only a
checker by its own name counts, whatever the step is named.
"""

from __future__ import annotations

import dataclasses
import re

from quality_gates.guards.integrity import gatecmd
from quality_gates.guards.integrity.shell import parse
from quality_gates.guards.integrity.shell.inner_scripts import Nested, Walk
from quality_gates.guards.integrity.shell.records import Gate, Result, Shell
from tree_sitter import Node

# ssh's options that take the next word as their value (OpenSSH 9)
_SSH_VALUED = frozenset("BbcDEeFIiJLlmOoPpQRSWw")
_LABELS = {
    "script": "script -c",
    "nix-shell": "nix-shell --run",
    "su": "su -c",
    "ssh": "ssh HOST",
}
_RETURN = re.compile(r"^-[a-zA-Z]*e[a-zA-Z]*$")


def _base(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _index_after(words: list[str], flags: frozenset[str]) -> int | None:
    """Return the index of the word after the first of ``flags`` (or ``-qc``)."""
    for index, word in enumerate(words[:-1]):
        if word in flags:
            return index + 1
    return None


def _ssh_command(words: list[str]) -> int | None:
    """Return the index of the first word of the remote command, if any."""
    index = 1
    while index < len(words) and words[index].startswith("-"):
        word = words[index]
        letters = word[1:]
        takes = bool(letters) and letters[-1] in _SSH_VALUED and len(letters) == 1
        index += 2 if takes else 1
    return index + 1 if index + 1 < len(words) else None  # after HOST


def _text_at(inner: list[str]) -> tuple[str, int] | None:
    """Find the text a command passes to a shell; its index among ``inner``."""
    head = _base(inner[0]) if inner else ""
    if head == "script":
        found = _script_index(inner)
    elif head == "nix-shell":
        found = _index_after(inner, frozenset(("--run", "--command")))
    elif head == "su":
        found = _index_after(inner, frozenset(("-c", "--command")))
    elif head == "ssh":
        found = _ssh_command(inner)
    else:
        return None
    return (head, found) if found is not None else None


def _script_index(inner: list[str]) -> int | None:
    for index, word in enumerate(inner[1:-1], 1):
        if word in ("-c", "--command") or re.fullmatch(r"-[a-zA-Z]{0,3}c", word):
            return index + 1
    return None


def passed(
    command: Node, words: list[str], walk: Walk, source: bytes, by_name: Walk
) -> Nested | None:
    """Walk the script ``script -c``, ``nix-shell --run``, ``su -c``, ``ssh`` run.

    ``by_name`` walks a script whose commands check by their own name only
    (not by the step's): what ssh runs on the remote host.
    """
    inner = gatecmd.strip_wrappers(words)
    found = _text_at(inner)
    args = parse.arguments(command)
    at = len(args) - len(inner) + found[1] if found is not None else -1
    if found is None or not 0 <= at < len(args):
        return None
    head, index = found
    nodes = args[at:] if head == "ssh" else [args[at]]
    texts = [parse.unquote(parse.text(node)) for node in nodes]
    if texts != inner[index : index + len(texts)]:
        return None  # an empty word dropped: the arguments do not line up
    try:
        shell = Shell(errexit=False, label=_LABELS[head], kind="sh")
        walker = by_name if head == "ssh" else walk
        result, flow, gates = walker(" ".join(texts), shell)
    except parse.ParseFailure:
        return None
    row = nodes[0].start_point[0]
    moved = [dataclasses.replace(h, line=h.line + row) for h in result.hits]
    carried = [dataclasses.replace(g, line=g.line + row) for g in flow.carriers()]
    kept = Result(moved, result.observed)
    if head == "script" and not any(
        w == "--return" or _RETURN.match(w) for w in inner[1:index]
    ):
        return Nested(kept, [], _lost(carried, command, source), gates)
    return Nested(kept, carried, [], gates)


def _lost(carried: list[Gate], command: Node, source: bytes) -> list[tuple[Gate, str]]:
    written = parse.short(command, source)
    return [
        (
            gate,
            f"`{written}`: `script -c` without `-e` exits 0 whatever "
            f"`{gate.key}` returns",
        )
        for gate in carried
    ]
