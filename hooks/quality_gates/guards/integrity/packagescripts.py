"""What ``npm run NAME`` runs: the ``scripts`` of the step's ``package.json``.

``npm run eslint`` is a check or a fix run as its script says (``eslint .``
or ``eslint --fix .``).  The audit reads ``package.json`` in the folder the
step works in (its ``working-directory``, else the job's or workflow's
default), inside the project only; a file it cannot read or parse, or a
folder given by an expression, leaves the script unknown, and the step is
judged by the script's name as before.  ``npm --prefix web run lint``,
``yarn --cwd web lint``, ``pnpm -C web lint`` (``--dir``) and ``bun --cwd
web run lint`` run the script of ``web/package.json``: each tool's option
for the folder it runs in.  ``pdm run NAME`` and ``hatch run NAME`` run
the script tables of ``pyproject.toml`` (``pyscripts``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from quality_gates import textfile
from quality_gates.guards.integrity import catalogue as cat
from quality_gates.guards.integrity import gatecmd, makegoals, pyscripts

_RUNNERS = frozenset(("npm", "yarn", "pnpm", "bun"))
_RUN_WORDS = (["run"], ["run-script"])
_LIMIT = 1 << 20  # a package.json larger than this is not read


class PackageScripts:
    """The package scripts of a project at ``root`` (None: no files to read)."""

    def __init__(self, root: Path | None) -> None:
        """Read nothing yet; each folder's ``package.json`` once, when asked."""
        self.root = root.resolve() if root is not None else None
        self.cache: dict[str, dict[str, str] | None] = {}

    def script(self, folder: str, words: list[str]) -> str | None:
        """Return the script ``npm run NAME`` (``words``) runs in ``folder``.

        None when ``words`` run no package script, or it is not known.
        """
        sub, words = located(words)
        name = script_name(words)
        if name is None and sub == "":
            return pyscripts.script(self.root, folder, words)  # pdm, hatch
        if name is None or sub is None:
            return None
        here = "/".join(p for p in (folder, sub) if p and p != ".")
        scripts = self.scripts(here or ".")
        return scripts.get(name) if scripts is not None else None

    def fixes(
        self, folder: str, words: list[str], depth: int = 3, formats: bool = False
    ) -> bool | None:
        """Tell whether ``npm run NAME`` only rewrites files (None: unknown).

        ``eslint --fix .`` fixes; ``a && b`` and ``a; b`` run both, and
        ``npm run other`` is followed a few levels deep.  A script with any
        other operator or an expansion is not judged: False.  ``formats``:
        only formatters that exit 0 whatever they rewrite count
        (``prettier --write``, not ``eslint --fix``).
        """
        script = self.script(folder, words)
        if script is None:
            return None
        if depth == 0 or re.search(r"[|&`$<>]", script.replace("&&", "")):
            return False
        judge = gatecmd.rewrites_only if formats else gatecmd.is_fixer
        for part in re.split(r"&&|;", script):
            inner = part.split()
            nested = self.fixes(folder, inner, depth - 1, formats)
            if nested is None and not (inner and judge(inner)):
                return False
            if nested is False:
                return False
        return True

    def checks(self, folder: str, words: list[str], depth: int = 3) -> bool:
        """Tell whether ``npm run NAME`` runs a checker by its own name.

        ``compile: tsc -p ./`` type-checks whatever the script is called;
        ``a && b`` checks when either does, and ``npm run other`` is
        followed a few levels deep.
        """
        if makegoals.checks(self.root, folder, words):
            return True  # `make quality` whose recipes run `mypy`
        script = self.script(folder, words)
        if script is None or depth == 0:
            return False
        for part in re.split(r"&&|;|\|\|", script):
            inner = part.split()
            if self.checks(folder, inner, depth - 1) or gatecmd.named_gate(inner):
                return True
        return False

    def stub(self, folder: str, words: list[str]) -> str:
        """Return the script of ``npm run NAME`` when it is a stub of a check.

        ``"lint": "echo 'Skipping linting for now'"``: a script named for a
        check (lint, test, typecheck, ...) whose every command only prints
        or succeeds (``echo``, ``printf``, ``true``, ``:``, ``exit 0``) can
        never fail, and no checker runs.  '' when it is not one.  Only
        ``run`` is judged: ``yarn check``, ``pnpm audit`` and ``bun test`` run
        the tool's own command, not the script.
        """
        name = script_name(words) if words[1:2] in _RUN_WORDS else None
        script = self.script(folder, words)
        if name is None or script is None or not cat.GATE_WORDS.search(name):
            return ""
        if re.search(r"[|`$<>]", script):
            return ""
        parts = [p.split() for p in re.split(r"&&|;", script)]
        if not parts or not all(p and _succeeds(p) for p in parts):
            return ""
        return script.strip()

    def scripts(self, folder: str) -> dict[str, str] | None:
        """Return the ``scripts`` of ``folder/package.json`` (None: unknown)."""
        if folder not in self.cache:
            self.cache[folder] = self._read(folder)
        return self.cache[folder]

    def _read(self, folder: str) -> dict[str, str] | None:
        if self.root is None or "${{" in folder:
            return None
        text = textfile.read_inside(self.root, Path(folder) / "package.json", _LIMIT)
        try:
            data = json.loads(text) if text is not None else None
        except (ValueError, RecursionError):  # not JSON, or nested too deeply
            return None
        found = data.get("scripts") if isinstance(data, dict) else None
        if not isinstance(found, dict):
            return None
        return {k: v for k, v in found.items() if isinstance(v, str)}


_FOLDER_OPTIONS = {
    "npm": ("--prefix",),
    "yarn": ("--cwd",),
    "pnpm": ("-C", "--dir"),
    "bun": ("--cwd",),
}


def located(words: list[str]) -> tuple[str | None, list[str]]:
    """Split ``npm --prefix web run lint`` into ``("web", [npm, run, lint])``.

    ``""`` when no folder is named; None for a folder computed at run time
    or outside the project.
    """
    options = _FOLDER_OPTIONS.get(words[0], ()) if words else ()
    sub: str | None = ""
    rest: list[str] = []
    index = 0
    while index < len(words):
        word, index = words[index], index + 1
        name, eq, value = word.partition("=")
        if name in options and (eq or index < len(words)):
            if not eq:
                value, index = words[index], index + 1
            bad = not value or value.startswith(("/", "~")) or "$" in value
            sub = None if bad or sub is None else value.rstrip("/")
        else:
            rest.append(word)
    return sub, rest


def _succeeds(words: list[str]) -> bool:
    """Tell a command that only prints or succeeds (``echo skip``, ``exit 0``)."""
    if words[0] in ("echo", "printf", "true", ":"):
        return True
    return words == ["exit", "0"] or words == ["exit"]


def script_name(words: list[str]) -> str | None:
    """``npm run eslint``, ``yarn lint``, ``pnpm run format`` -> the script's name."""
    if not words or words[0] not in _RUNNERS:
        return None
    rest = words[1:]
    if rest[:1] in _RUN_WORDS:
        rest = rest[1:]
    elif words[0] == "npm":
        return None  # `npm ci`, `npm test`: npm's own commands
    return rest[0] if len(rest) == 1 else None
