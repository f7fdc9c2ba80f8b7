r"""PowerShell ``run:`` scripts: ``shell: pwsh``, ``powershell``, Windows' default.

GitHub runs such a script as ``pwsh -command ". '{0}'"`` after prepending
``$ErrorActionPreference = 'stop'`` and appending ``if ((Test-Path
-LiteralPath variable:\LASTEXITCODE)) { exit $LASTEXITCODE }``.  A cmdlet's
error stops the script; a native program's failure does not (unless
``$PSNativeCommandUseErrorActionPreference = $true``), and the step exits
with the *last* native program's status.  A check that is not the last
native program, with nothing reading ``$LASTEXITCODE`` (or ``$?``) before the
next native program runs, is lost (QG104); ``exit 0`` right after it loses
it too (QG103).

Only top-level statements are followed: a block (``if``, ``foreach``,
``try``, a script block, a here-string) ends the reading, since what runs
inside it is not followed here; the checks before it are then not judged.
"""

from __future__ import annotations

import re
import shlex

from quality_gates.guards.integrity import gatecmd
from quality_gates.guards.integrity.shell.records import Hit

_READS_STATUS = re.compile(r"(?i)\$LASTEXITCODE|\$\?")
_NATIVE_ERRORS = re.compile(
    r"(?i)\$PSNativeCommandUseErrorActionPreference\s*=\s*\$true"
)
_BLOCK = re.compile(
    r"(?i)^(if|elseif|else|foreach|for|while|do|try|catch|finally|switch|function"
    r"|filter|trap|param|begin|process|end)\b|[{}]|^@[\"']|[\"']@$"
)
# Verb-Noun: Write-Host, Set-Location, a script's own Test-kivy-benchmark.
_FUNCTION = re.compile(r"^[A-Z][a-z]+-[A-Za-z][\w-]*$")
_HELP = frozenset(("--version", "-V", "--help", "-h", "version"))
# PowerShell's own aliases of cmdlets: they never set $LASTEXITCODE.
_ALIASES = frozenset(
    """echo write cd chdir sl ls dir gci cat gc type rm del erase rmdir rd mkdir md cp
    copy cpi mv move mi pwd gl cls clear set sv sleep where select sort foreach
    % ? iex ni ri gi sp ii start saps kill spps gps ps gal gcm man help tee measure
    pushd popd""".split()
)
_ASSIGNMENT = re.compile(r"^\$[\w:{}]+\s*[+-]?=\s*(.*)$")
# A number is a value, not a program: `$env:OMP_NUM_THREADS=1`, `$t = 600`,
# `0x1F`, `1.5e3`, `2gb` (PowerShell's number literals and their multipliers).
_NUMBER = re.compile(
    r"(?i)^[+-]?(0x[0-9a-f]+|(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?)[ludn]?(kb|mb|gb|tb|pb)?$"
)


def statements(script: str) -> list[tuple[int, str]]:
    """Return the top-level statements: (0-based first line, text).

    Lines are joined while a quote, parenthesis or brace is open, or a line
    ends with a backtick (a continuation).
    """
    found: list[tuple[int, str]] = []
    pending, start = "", 0
    for index, line in enumerate(script.splitlines()):
        stripped = line.strip()
        if not pending:
            if not stripped or stripped.startswith("#"):
                continue
            start = index
        if stripped.endswith("`"):
            pending += stripped[:-1] + " "
            continue
        text = (pending + stripped).strip() if pending else stripped
        if _open(text):
            pending = text + "\n"
            continue
        pending = ""
        quoted = "'" in text or '"' in text
        parts = [text] if quoted else [p.strip() for p in text.split(";") if p.strip()]
        found += [(start, part) for part in parts]
    if pending.strip():
        found.append((start, pending.strip()))
    return found


def _open(text: str) -> bool:
    """Tell whether a quote, parenthesis or brace is still open at the end."""
    bare = re.sub(r"`.", "", text)
    bare = re.sub(r"'[^']*'", "", bare)
    if bare.count("'") % 2 or bare.count('"') % 2:
        return True
    bare = re.sub(r'"[^"]*"', "", bare)
    return bare.count("(") > bare.count(")") or bare.count("{") > bare.count("}")


def _words(text: str) -> list[str]:
    first = text.split("|", 1)[0].strip()
    try:
        words = shlex.split(first, posix=False)
    except ValueError:
        words = first.split()
    while words and words[0] in ("&", "."):
        words = words[1:]
    return [w.strip("'\"") for w in words]


def native(text: str) -> list[str]:
    """Return the words of the native program a statement runs ([] for none)."""
    assigned = _ASSIGNMENT.match(text)
    if assigned:
        text = assigned.group(1)
    if _NUMBER.match(text.strip()):
        return []  # a number literal: a value
    words = _words(text)
    if not words or not re.match(r"^[&\w./\\]", text) or re.match(r"^\.\s", text):
        return []  # a value, an expression, or a dot-sourced script (in-process)
    head = words[0]
    if _FUNCTION.match(head) or head.lower() in _ALIASES:
        return []
    if head.lower().endswith(".ps1"):
        return []  # a PowerShell script runs in-process
    return words


def _asks_help(words: list[str]) -> bool:
    """Tell a help or version query: it checks nothing, yet sets $LASTEXITCODE."""
    return any(word in _HELP for word in words[1:])


def audit(script: str, context: str, place: str = "") -> tuple[list[Hit], int, int]:
    """Hits, gates and gates known by their own name, of one PowerShell script."""
    if _NATIVE_ERRORS.search(script):
        return [], 0, 0
    hits: list[Hit] = []
    pending: list[Hit] = []  # checks whose status is still $LASTEXITCODE
    # a later CMake run on the same build folder redoes what failed and fails
    # again: `cmake -B build`, then `cmake --build build --target run_tests`
    folder = ""
    gates = named = 0
    for line, text in statements(script):
        if _READS_STATUS.search(text):
            pending = []
            continue
        if _BLOCK.search(text):
            break
        if re.match(r"(?i)^exit\b", text):
            if re.fullmatch(r"(?i)exit\s+0", text):
                hits += [_lost(hit, "QG103", "then `exit 0`") for hit in pending]
            pending = []
            break
        words = native(text)
        if not words:
            continue
        if not (folder and cmake_folder(words) == folder):
            hits += [_lost(hit, "QG104", f"then `{text[:60]}`") for hit in pending]
        pending, folder = [], cmake_folder(words)
        check = None if _asks_help(words) else gatecmd.judge(words, context)
        if check is None:
            continue
        gates += 1
        named += check.strength == "named"
        pending = [gate_hit(line, text, check, place)]
    return hits, gates, named


_CMAKE = frozenset(("cmake", "cmake.exe"))


def cmake_folder(words: list[str]) -> str:
    """Return the build folder a ``cmake`` configure or build names ('' for none)."""
    if not words or re.split(r"[\\/]", words[0])[-1].lower() not in _CMAKE:
        return ""
    for index, word in enumerate(words[1:], 1):
        given = words[index + 1] if index + 1 < len(words) else ""
        if word in ("-B", "--build"):
            return _folder(given)
        if word.startswith("-B") and len(word) > 2:
            return _folder(word[2:])
    return ""


def _folder(path: str) -> str:
    path = path.replace("\\", "/").rstrip("/")
    return path[2:] if path.startswith("./") else path


def gate_hit(line: int, text: str, check: gatecmd.Check, place: str) -> Hit:
    """Return the pending hit of a check, certain when it is named for checking."""
    certain = check.strength == "named" and not place
    why = place or (
        ""
        if certain
        else f"`{check.key}` counts as a check only because its step or job is "
        "named for checking, and nothing throws its failure away on purpose"
    )
    return Hit("", line, text[:60], "", check.key, False, certain, why)


def _lost(hit: Hit, rule: str, after: str) -> Hit:
    detail = (
        f"`{hit.snippet}` {after}: PowerShell does not stop when a native program "
        "fails, and the step exits with the last one's status, so its failure is "
        "lost"
    )
    certain = hit.certain or (rule == "QG103" and not hit.why.startswith("`"))
    why = "" if certain else hit.why
    return Hit(
        rule, hit.line, hit.snippet, detail, hit.key, False, certain, why, fix=FIX
    )


FIX = (
    "check `$LASTEXITCODE` right after the check (`if ($LASTEXITCODE) { exit "
    "$LASTEXITCODE }`), or set `$PSNativeCommandUseErrorActionPreference = $true` "
    "first"
)
