"""What ``pdm run NAME`` and ``hatch run [ENV:]NAME`` run: the project's scripts.

pdm runs ``[tool.pdm.scripts]`` of ``pyproject.toml``: a string, or a table
whose ``cmd`` (a string or a list of words) or ``shell`` is the command, or
whose ``composite`` runs other scripts or commands one after another,
stopping at the first that fails (pdm documentation, Configure and run
scripts).  hatch runs ``[tool.hatch.envs.ENV.scripts]`` (``hatch.toml``:
``[envs.ENV.scripts]``; ENV ``default`` unless ``ENV:NAME`` or ``-e ENV``
names it): a command or a list of commands run in order, stopping at the
first that fails unless it starts with ``- `` (hatch documentation,
Environment configuration: Scripts); a command whose first word is another
script of the environment runs that script.  Files are read inside the
project only, size-limited, never run; an unknown script is None.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from quality_gates import textfile

_LIMIT = 1 << 20  # a file larger than this is not read


def _toml(root: Path, folder: str, name: str) -> dict[str, Any]:
    """Return the parsed ``folder/name`` inside ``root`` ({}: none or unreadable)."""
    if "${{" in folder:
        return {}
    text = textfile.read_inside(root, Path(folder or ".") / name, _LIMIT)
    try:
        return tomllib.loads(text) if text is not None else {}
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}


def _table(data: Any, *keys: str) -> dict[str, Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _pdm(root: Path, folder: str, name: str) -> str | None:
    scripts = _table(_toml(root, folder, "pyproject.toml"), "tool", "pdm", "scripts")
    value = scripts.get(name)
    if isinstance(value, dict):
        parts = value.get("composite")
        if isinstance(parts, list) and all(isinstance(p, str) for p in parts):
            return " && ".join(f"pdm run {p}" for p in parts)
        value = value.get("cmd", value.get("shell"))
    if isinstance(value, list) and all(isinstance(w, str) for w in value):
        return " ".join(value)
    return value if isinstance(value, str) else None


def _hatch(root: Path, folder: str, env: str, name: str) -> str | None:
    scripts = _table(
        _toml(root, folder, "pyproject.toml"), "tool", "hatch", "envs", env, "scripts"
    ) or _table(_toml(root, folder, "hatch.toml"), "envs", env, "scripts")
    value = scripts.get(name)
    commands = [value] if isinstance(value, str) else value
    if not isinstance(commands, list) or not all(isinstance(c, str) for c in commands):
        return None
    kept = [c for c in commands if not c.startswith("- ")]  # hatch ignores these
    return " && ".join(
        f"hatch run {env}:{c}" if c.split()[:1] and c.split()[0] in scripts else c
        for c in kept
    )


def script(root: Path | None, folder: str, words: list[str]) -> str | None:
    """Return what ``pdm run NAME`` or ``hatch run NAME`` runs (None: not one)."""
    if root is None:
        return None
    if words[:2] == ["pdm", "run"] and len(words) == 3:
        return _pdm(root, folder, words[2])
    rest = words[1:]
    env = "default"
    if rest[:1] in (["-e"], ["--env"]) and len(rest) > 2:
        env, rest = rest[1], rest[2:]
    if words[:1] == ["hatch"] and rest[:1] == ["run"] and len(rest) == 2:
        named, _, name = rest[1].rpartition(":")
        return _hatch(root, folder, named or env, name)
    return None
