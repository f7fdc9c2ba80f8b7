"""A local Docker container action's entrypoint script, read as its step's script.

An action with ``runs: using: docker`` and a local ``image: Dockerfile`` is
built from its folder and run with the Dockerfile's ``ENTRYPOINT``
(``runs.entrypoint`` replaces it); the step's inputs reach it as
``INPUT_<NAME>`` environment variables, and the container's exit status is
the step's.  When that entrypoint is a script of the repository (``COPY
entrypoint.sh /entrypoint.sh``), the script is what the step runs: read with
the shell its shebang names (``sh`` unless it says ``bash``, with the
shebang's own ``-e``), or the one the ``ENTRYPOINT`` runs it with.  A check
lost in it is lost at the step that uses the action.  Nothing is run: the
script and the Dockerfile are only read, inside the repository.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import yaml
from quality_gates.guards.integrity.actioninputs import InputScript
from quality_gates.guards.integrity.shell.records import Shell
from quality_gates.yamlnodes import scalar, value

# the key the entrypoint is kept under beside an action's inputs (no input
# can be named so: it holds spaces)
ENTRYPOINT = " the entrypoint "
_SHELLS = re.compile(r"^(ba|da|a)?sh$")
_INSTRUCTION = re.compile(r"(?im)^\s*(ENTRYPOINT|COPY|ADD)\s+(.*)$")
_LIMIT = 200_000  # characters read of a script or Dockerfile


def entrypoint(root: Path, folder: str, action: yaml.Node) -> InputScript | None:
    """Return the entrypoint script of a local Docker action, as its step runs it."""
    runs = value(action, "runs")
    image = scalar(value(runs, "image")) or ""
    if (scalar(value(runs, "using")) or "").lower() != "docker" or "://" in image:
        return None
    base = root / folder
    dockerfile = _read(root, base / (image or "Dockerfile")) or ""
    words = _words(scalar(value(runs, "entrypoint")) or "") or _entry(dockerfile)
    interpreter, program = _program(words)
    if not program:
        return None
    path = _source(base, dockerfile, program)
    text = _read(root, path) if path is not None else None
    if path is None or text is None:
        return None
    words = interpreter or _shebang(text)
    named = words[0].rsplit("/", 1)[-1] if words else ""
    if not (_SHELLS.match(named) or (not named and path.suffix == ".sh")):
        return None  # `#!/usr/bin/env python3`: not a shell script
    shell = _shell(words, path.name)
    runner = f"the action's entrypoint `{path.relative_to(root).as_posix()}`"
    return InputScript(shell, runner, before=text)


def _read(root: Path, path: Path) -> str | None:
    """Read a file inside ``root`` (None: absent, outside, or not text)."""
    try:
        real = path.resolve()
        if not real.is_relative_to(root.resolve()) or not real.is_file():
            return None
        return real.read_text(encoding="utf-8")[:_LIMIT]
    except (OSError, UnicodeDecodeError):
        return None


def _words(text: str) -> list[str]:
    """Split an exec form (``["/entrypoint.sh"]``) or a shell form into words."""
    text = text.strip()
    if text.startswith("["):
        try:
            given = json.loads(text)
        except ValueError:
            return []
        return (
            [w for w in given if isinstance(w, str)] if isinstance(given, list) else []
        )
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _entry(dockerfile: str) -> list[str]:
    """Return the last ``ENTRYPOINT`` of a Dockerfile (continued lines joined)."""
    joined = re.sub(r"\\\r?\n", " ", dockerfile)
    found = [
        rest
        for kind, rest in _INSTRUCTION.findall(joined)
        if kind.upper() == "ENTRYPOINT"
    ]
    return _words(found[-1]) if found else []


def _program(words: list[str]) -> tuple[list[str], str]:
    """Split ``["bash", "-e", "/entrypoint.sh"]`` into the shell and the script."""
    if words and _SHELLS.match(words[0].rsplit("/", 1)[-1]):
        options = [w for w in words[1:] if w.startswith("-")]
        rest = [w for w in words[1:] if not w.startswith("-")]
        if "-c" in options or not rest:
            return [], ""  # `sh -c "..."`: a command line, not a script file
        return [words[0], *options], rest[0]
    return [], words[0] if words else ""


def _source(base: Path, dockerfile: str, program: str) -> Path | None:
    """Find the file of the action's folder copied to ``program`` in the image."""
    joined = re.sub(r"\\\r?\n", " ", dockerfile)
    name = program.rsplit("/", 1)[-1]
    for kind, rest in _INSTRUCTION.findall(joined):
        words = [w for w in _words(rest) if not w.startswith("--")]
        if kind.upper() == "ENTRYPOINT" or len(words) < 2:
            continue
        dest = words[-1]
        for src in words[:-1]:
            copied = dest.rstrip("/") + "/" + src.rsplit("/", 1)[-1]
            if dest == program or (dest.endswith("/") and copied == program):
                return base / src
    return base / name if (base / name).is_file() else None


def _shebang(text: str) -> list[str]:
    """Split a shebang (``#!/bin/bash -e``: ``/bin/bash``, ``-e``), ``env`` dropped."""
    first = text.splitlines()[0] if text.startswith("#!") else ""
    words = first[2:].split()
    if words[:1] and words[0].endswith("/env"):
        words = [w for w in words[1:] if w != "-S"]
    return words


def _shell(words: list[str], name: str) -> Shell:
    """Return the shell a script runs in: ``sh`` unless it says ``bash``; its ``-e``."""
    program = words[0].rsplit("/", 1)[-1] if words else "sh"
    kind = "bash" if program == "bash" else "sh"
    flags = "".join(w[1:] for w in words[1:] if re.fullmatch(r"-[a-zA-Z]+", w))
    label = f"{kind} {name}" if "e" not in flags else f"{kind} -e {name}"
    return Shell(errexit="e" in flags, pipefail=False, label=label, kind=kind)
