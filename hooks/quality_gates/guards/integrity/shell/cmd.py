r"""``shell: cmd`` scripts, as GitHub runs them on Windows.

GitHub saves the script as a ``.cmd`` file and runs ``%ComSpec% /D /E:ON
/V:OFF /S /C "CALL "{0}""``: cmd does not stop when a program fails, and the
step exits with ``ERRORLEVEL`` as the script leaves it.  Every program sets
``ERRORLEVEL``; ``echo``, ``cd``, ``mkdir`` and the other built-ins leave it,
except that in a ``.cmd`` file a successful ``set`` or ``path`` resets it to
0.  A pipeline's status is its last command's.  So a check is lost (QG104)
when a later program (or ``set``, ``path``, a pipe) runs before anything
reads its status (``if errorlevel``, ``%ERRORLEVEL%``, ``||``); ``exit /b 0``
right after it loses it too (QG103).  A batch file (``npm``, ``gradlew``, a
``.bat``) run without ``call`` never returns: the script ends there, with its
status.

Only top-level lines are followed: a block (``if``, ``for``, a parenthesis
group), a label or ``goto`` ends the reading, since what runs there is not
followed here; the checks before it are then not judged.
"""

from __future__ import annotations

import dataclasses
import re
import shlex

from quality_gates.guards.integrity import gatecmd
from quality_gates.guards.integrity.shell import pwsh
from quality_gates.guards.integrity.shell.records import Hit

_BLOCK = re.compile(r"(?i)^(if|for|goto)\b|^[(:]|[()]\s*$")
_EXIT = re.compile(r"(?i)^exit(\s+/b)?(\s+(\S+))?\s*$")
# cmd's own commands: they leave ERRORLEVEL as it is when they succeed.
_BUILTINS = frozenset(
    """echo @echo cd chdir pushd popd md mkdir rd rmdir del erase copy move ren
    rename type dir cls title rem setlocal endlocal shift pause start ver vol
    verify color date time mklink break""".split()
)
# In a `.cmd` file these reset ERRORLEVEL to 0 when they succeed.
_RESETS = frozenset(("set", "path", "prompt", "assoc", "ftype", "dpath", "append"))
# Scripts that set up a compiler's environment (`call vcvarsall.bat x64`).
_SETS_UP = re.compile(r"vcvars|vsdevcmd|setenv")
# Batch files: run without `call`, they replace the script and never return.
_BATCH = frozenset(
    """npm npx yarn mvn mvnw gradle gradlew ng tsc eslint prettier jest vitest
    flutter""".split()
)


def lines(script: str) -> list[tuple[int, str]]:
    """Return the logical lines: (0-based first line, text), ``^`` joined."""
    found: list[tuple[int, str]] = []
    pending, start = "", 0
    for index, line in enumerate(script.splitlines()):
        stripped = line.strip()
        if not pending:
            if not stripped or re.match(r"(?i)^(@?rem\b|::)", stripped):
                continue
            start = index
        if stripped.endswith("^"):
            pending += stripped[:-1] + " "
            continue
        found.append((start, (pending + stripped).strip()))
        pending = ""
    if pending.strip():
        found.append((start, pending.strip()))
    return found


def _words(text: str) -> list[str]:
    try:
        words = shlex.split(text, posix=False)
    except ValueError:
        words = text.split()
    words = [w.strip('"') for w in words]
    return words[1:] if words and words[0].lower() == "call" else words


def _program(words: list[str]) -> str:
    """Return the lower-cased program name, without folder or extension."""
    if not words:
        return ""
    name = re.split(r"[\\/]", words[0])[-1].lower()
    return re.sub(r"\.(exe|cmd|bat|com)$", "", name)


def _ends(text: str) -> bool:
    """Tell a batch file run without ``call``: the script ends there."""
    words = text.split()
    if not words or words[0].lower() == "call":
        return False
    first = re.split(r"[\\/]", words[0].strip('"'))[-1].lower()
    return first.endswith((".bat", ".cmd")) or first in _BATCH


def audit(script: str, context: str, place: str = "") -> tuple[list[Hit], int, int]:
    """Hits, gates and gates known by their own name, of one cmd script."""
    hits: list[Hit] = []
    pending: list[Hit] = []  # checks whose status is still ERRORLEVEL
    gates = named = 0
    for line, text in lines(script):
        if re.search(r"(?i)errorlevel", text):
            pending = []  # `if errorlevel 1 exit /b 1`, `exit /b %ERRORLEVEL%`
            continue
        if _BLOCK.search(text):
            break
        stop = _EXIT.match(text)
        if stop:
            if stop.group(3) == "0":
                hits += [_lost(hit, "QG103", "then `exit 0`") for hit in pending]
            return hits, gates, named
        left, *rest = split(text, r"\|\|", limit=1)
        fallback = rest[0] if rest else ""
        found, pending, fresh = _line(line, left, context, place, pending)
        hits += found
        gates += len(fresh)
        named += sum(1 for hit in fresh if not hit.why.startswith(f"`{hit.key}`"))
        if fallback:
            hits += _or_exit_zero(fallback, pending)
            pending = []
        if _ends(text):
            break
    return hits, gates, named


def _line(
    line: int, text: str, context: str, place: str, pending: list[Hit]
) -> tuple[list[Hit], list[Hit], list[Hit]]:
    """Hits, checks left pending and checks run, of one line's commands.

    ``a & b`` runs both; in ``a && b``, ``b`` runs only when ``a`` passed, so
    ``a``'s failure stays the status.
    """
    hits: list[Hit] = []
    fresh: list[Hit] = []
    for command in split(text, r"(?<!&)&(?!&)"):
        carry: list[Hit] = pending
        chained: list[Hit] = []
        for part in (p.strip() for p in split(command, "&&") if p.strip()):
            found, after = _command(line, part, context, place, carry)
            hits += found
            if after is not carry:  # a program ran: what was pending is gone
                carry, chained = [], chained + after
        pending = carry + chained
        fresh += chained
    return hits, pending, fresh


def _or_exit_zero(fallback: str, pending: list[Hit]) -> list[Hit]:
    """``check || exit /b 0``: the fallback that reads the status succeeds."""
    if re.fullmatch(r"(?i)\s*exit(\s+/b)?\s+0\s*", fallback):
        return [_lost(hit, "QG101", "then `|| exit 0`") for hit in pending]
    return []


def _command(
    line: int, text: str, context: str, place: str, pending: list[Hit]
) -> tuple[list[Hit], list[Hit]]:
    """Return the hits one command makes and the checks it leaves pending."""
    segments = [s.strip() for s in split(text, r"\|") if s.strip()]
    words = _words(segments[-1]) if segments else []
    program = _program(words)
    if not program or program in _BUILTINS:
        return [], pending
    after = f"then `{text[:60]}`"
    hits = [
        _lost(hit, "QG104", after)
        for hit in pending
        if not _redone(hit.snippet, segments[-1])
    ]
    fresh: list[Hit] = []
    for segment in segments:
        seg_words = _words(segment)
        if _no_check(_program(seg_words)):
            continue
        check = gatecmd.judge(seg_words, context)
        if check is None:
            continue
        # the whole command, not the excerpt, for `_redone` to read
        gate = dataclasses.replace(
            pwsh.gate_hit(line, segment, check, place), snippet=segment
        )
        if segment is segments[-1]:
            fresh.append(gate)
        else:
            hits.append(_lost(gate, "QG104", f"piped into `{segments[-1][:40]}`"))
    return hits, fresh


def _no_check(program: str) -> bool:
    """Tell a built-in, an environment script (``vcvarsall.bat``) or no name.

    ``# comment`` is no comment in cmd: it runs a program named ``#``, which
    fails and sets ERRORLEVEL, but checks nothing.
    """
    if program in _RESETS | _BUILTINS or _SETS_UP.match(program):
        return True
    return not re.fullmatch(r"[\w.+-]+", program)


def split(text: str, separator: str, limit: int = 0) -> list[str]:
    """Split ``text`` at ``separator`` where cmd sees one.

    Not inside double quotes, and not escaped with ``^`` (``a^|b`` is the
    text ``a|b``, no pipe).  At most ``limit`` splits when given.
    """
    masked = _masked(text)
    parts: list[str] = []
    start = 0
    for match in re.finditer(separator, masked):
        if limit and len(parts) == limit:
            break
        parts.append(text[start : match.start()])
        start = match.end()
    return parts + [text[start:]]


def _masked(text: str) -> str:
    """``text`` with quoted and ``^``-escaped characters replaced by ``_``."""
    out: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped or (quoted and char != '"'):
            out.append("_")
            escaped = False
        elif char == '"':
            quoted = not quoted
            out.append(char)
        else:
            escaped = char == "^"
            out.append("_" if escaped else char)
    return "".join(out)


def _redone(earlier: str, later: str) -> bool:
    """Tell a CMake run that redoes a failed earlier one on its build folder.

    ``cmake ..`` configures the current folder; a failed configure or build
    there makes the next ``cmake --build .`` fail again.
    """
    first, then = cmake_folder(_words(earlier)), cmake_folder(_words(later))
    return bool(first) and (first == then or _built_in(first, _words(later)))


def _built_in(folder: str, words: list[str]) -> bool:
    r"""``..\minimal_build.build\arrow-example``: a program from the build folder.

    A failed build leaves it missing (a fresh runner has no older one), so
    running it fails again.
    """
    name = folder.rsplit("/", 1)[-1]
    parts = re.split(r"[\\/]", words[0])[:-1] if words else []
    return name not in ("", ".", "..") and name in parts


def cmake_folder(words: list[str]) -> str:
    """Return the build folder of a ``cmake`` configure or build ('' for none)."""
    if _program(words) != "cmake":
        return ""
    named = pwsh.cmake_folder(words)
    if named:
        return named
    return "" if {"-E", "-P", "--install", "--open"} & set(words) else "."


def _lost(hit: Hit, rule: str, after: str) -> Hit:
    hit = dataclasses.replace(hit, snippet=hit.snippet[:60])
    detail = (
        f"`{hit.snippet}` {after}: a `shell: cmd` script does not stop when a "
        "program fails, and the step exits with the ERRORLEVEL the script ends "
        "with, so its failure is lost"
    )
    why = "" if hit.certain else hit.why
    return Hit(
        rule, hit.line, hit.snippet, detail, hit.key, False, hit.certain, why, fix=FIX
    )


FIX = (
    "fail right after the check: `pytest || exit /b 1` (or `if errorlevel 1 "
    "exit /b 1`), or run the step with `shell: bash`"
)
