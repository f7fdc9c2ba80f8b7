"""The line-based fallback for scripts the shell parser cannot read.

Quoted text is masked so that ``echo "use || true"`` is not mistaken for an
operator, comments are dropped, and only a command that runs a gate (see
``gatecmd``) is reported, so ``rm -f x || true`` stays quiet.  It errs on the
side of reporting: a script it audits is one bash itself may not run.
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity.gatecmd import runs_gate
from quality_gates.guards.integrity.shell.records import Hit

_SWALLOW = re.compile(
    r"^\s*(true|:|/bin/true|/usr/bin/true|exit\s+0|return\s+0)\s*(?=$|[;)}&|#])"
)
_ECHO = re.compile(r"^\s*[({]?\s*(echo|printf)\b")
_FAILS_AFTER = re.compile(
    r"\bexit\s+(?:[1-9]\d*|\$|\"\$)|\bfalse\b|\breturn\s+[1-9]|\bexit\s+\$\{?\?"
)
_EXIT_ZERO_END = re.compile(r";\s*exit\s+0\s*$")
_BLOCK = re.compile(r"\b(then|else|elif|do|fi|done|esac)\b|;;")
_ERREXIT_OFF = re.compile(r"\bset\s+(\+[a-zA-Z]*e[a-zA-Z]*\b|\+o\s+errexit\b)")
_ERREXIT_ON = re.compile(r"\bset\s+(-[a-zA-Z]*e[a-zA-Z]*\b|-o\s+errexit\b)")
_STATUS_READ = re.compile(r"\$\{?\?|PIPESTATUS")
_SELF_CHECKED = re.compile(r"^\s*(if|while|until|!)\b|\|\||&&")
_SEGMENT = re.compile(r";|\bthen\b|\bdo\b|\belse\b|[({]")


def logical_lines(script: str) -> list[tuple[int, str]]:
    """Lines with backslash continuations joined, each with its first line index."""
    result: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for index, line in enumerate(script.splitlines()):
        if not pending:
            start = index
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        result.append((start, " ".join(pending)))
        pending = []
    if pending:
        result.append((start, " ".join(pending)))
    return result


def mask(line: str) -> str:
    """Quoted text replaced by ``x`` (quotes kept) and a trailing comment removed."""
    out: list[str] = []
    quote = ""
    escaped = False
    for index, char in enumerate(line):
        if escaped:
            out.append("x")
            escaped = False
        elif quote:
            if char == "\\" and quote == '"':
                escaped = True
                out.append("x")
            elif char == quote:
                quote = ""
                out.append(char)
            else:
                out.append("x")
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "\\":
            escaped = True
            out.append(char)
        elif char == "#" and (index == 0 or line[index - 1] in " \t;"):
            break
        else:
            out.append(char)
    return "".join(out)


def _or_hits(index: int, masked: str) -> list[Hit]:
    hits: list[Hit] = []
    for match in re.finditer(r"\|\|", masked):
        left = _SEGMENT.split(masked[: match.start()])[-1]
        right = masked[match.end() :]
        if not runs_gate(left):
            continue
        swallow = _SWALLOW.match(right)
        if swallow:
            what = " ".join(swallow.group(1).split())
            hits.append(
                Hit("QG101", index, f"|| {what}", f"`{left.strip()} || {what}`")
            )
        elif _ECHO.match(right) and not _FAILS_AFTER.search(right):
            hits.append(Hit("QG102", index, "||", f"`{left.strip()} || echo ...`"))
    return hits


def _exit_zero_hit(index: int, masked: str) -> list[Hit]:
    match = _EXIT_ZERO_END.search(masked)
    if not match or _BLOCK.search(masked):
        return []
    left = _SEGMENT.split(masked[: match.start()])[-1]
    if not runs_gate(left):
        return []
    return [Hit("QG103", index, "exit 0", f"`{left.strip()}; exit 0`")]


def _statements(lines: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Split logical lines at ``;`` (outside quotes): ``set +e; pytest`` is two."""
    out: list[tuple[int, str, str]] = []
    for index, raw, masked in lines:
        start = 0
        for end in [m.start() for m in re.finditer(";", masked)] + [len(masked)]:
            if masked[start:end].strip():
                out.append((index, raw[start:end], masked[start:end]))
            start = end + 1
    return out


def _errexit_hits(lines: list[tuple[int, str, str]]) -> list[Hit]:
    hits: list[Hit] = []
    lines = _statements(lines)
    for pos, (index, _, masked) in enumerate(lines):
        if not _ERREXIT_OFF.search(masked):
            continue
        unchecked = None
        for later_pos in range(pos + 1, len(lines)):
            _, later_raw, later = lines[later_pos]
            if _ERREXIT_ON.search(later):
                break
            if _SELF_CHECKED.search(later) or not runs_gate(later):
                continue
            rest = [raw_line for _, raw_line, _ in lines[later_pos:]]
            if not any(_STATUS_READ.search(text) for text in rest):
                unchecked = later_raw.strip()
                break
        if unchecked:
            detail = f"`set +e` then `{unchecked}` with no check of its exit status"
            hits.append(Hit("QG104", index, "set +", detail))
    return hits


def audit(script: str) -> list[Hit]:
    """Every neutralising pattern in a shell script, in line order."""
    lines = [(index, text, mask(text)) for index, text in logical_lines(script)]
    hits: list[Hit] = []
    for index, _, masked in lines:
        hits += _or_hits(index, masked)
        hits += _exit_zero_hit(index, masked)
    hits += _errexit_hits(lines)
    return sorted(hits, key=lambda hit: (hit.line, hit.rule))


_FAIL_OFF = re.compile(
    r"(?:^|[\s'\"=\[,])(--soft-fail|--?no-fail|--(?:issues-)?exit-code[ =]0|"
    r"--exit[-_]?0|--never-fail|--warn[-_]only|--warning[-_]only|--only[-_]warn|"
    # one checker's own words: sqlfluff's --nofail, vale's --no-exit, knip's
    # --no-exit-code, kics's --ignore-on-exit results (or all), cargo-llvm-cov's
    # --ignore-run-fail (runs all tests, reports coverage, exits 0 on failures)
    r"--nofail|--no-exit|--no-exit-code|--ignore-on-exit[ =](?:results|all)|"
    r"--ignore-run-fail)"
    r"(?=$|[\s'\"\],])"
)


def fail_off_flag(text: str) -> tuple[int, str] | None:
    """0-based line and text of an option that turns a checker's failure off.

    ``checkov --soft-fail``, ``hadolint --no-fail``, ``trivy --exit-code 0``,
    ``golangci-lint run --issues-exit-code=0``: each exists only to make a
    scanner exit 0 on findings.  ``--warn-only``
    (and ``--never-fail``, ``--exit-0``) says so in its own words, on any
    program, a project's own script included: what it finds is only a
    warning, or its status is 0 whatever it found.
    """
    for index, line in enumerate(text.splitlines()):
        found = _FAIL_OFF.search(line[: len(mask(line))])
        if found:
            return index, found.group(1)
    return None


# `--exit-zero`, not pyupgrade's `--exit-zero-even-if-changed`: pyupgrade
# still rewrites, and pre-commit fails a hook that changed a file.
_EXIT_ZERO = re.compile(r"(^|[\s'\"=\[,])--exit-zero(?![\w-])")


def exit_zero_line(text: str) -> int | None:
    """0-based line of an ``--exit-zero`` option (also inside ``bash -c '...'``).

    A run whose output is captured into a variable that a later test fails
    on (``SCORE=$(pylint --exit-zero | ...)``, then ``exit 1`` under a score
    below the threshold) keeps its check: the script judges what it printed.
    """
    found = exit_zero_lines(text)
    return found[0] if found else None


def exit_zero_lines(text: str) -> list[int]:
    """0-based lines of every ``--exit-zero`` run that nothing judges later.

    Each is its own lost check: GitHub's flake8 starter runs flake8 twice
    (syntax errors, then the full lint), and both runs lose their status
    when both carry the option.
    """
    lines = text.splitlines()
    found = []
    for index, line in enumerate(lines):
        code = line[: len(mask(line))]  # the comment cut off, quotes kept
        if _EXIT_ZERO.search(code) and not _judged_later(code, lines[index + 1 :]):
            found.append(index)
    return found


_CAPTURED = re.compile(r"^\s*(?:export\s+|local\s+)?(\w+)=\$\(")
_TESTS = re.compile(r"^\s*(?:if|elif|while)\b|\[\[?\s|\(\(|^\s*test\s")
_EXITS = re.compile(r"\bexit\s+(?:[1-9]\d*|\$\w+)|^\s*false\s*$")


def exit_zero_judged(text: str) -> bool:
    """Tell a script whose ``--exit-zero`` output a later test fails on.

    The checker is then the step's check, as if it ran without the option:
    ``continue-on-error`` on the step loses a check known by its name.
    """
    lines = text.splitlines()
    return any(
        _EXIT_ZERO.search(line) and _judged_later(line, lines[index + 1 :])
        for index, line in enumerate(lines)
    )


def _judged_later(code: str, after: list[str]) -> bool:
    """Tell an output captured into a variable a later test fails on."""
    captured = _CAPTURED.match(code)
    if not captured:
        return False
    read = re.compile(r"\$\{?" + captured.group(1) + r"\b")
    for index, line in enumerate(after):
        if read.search(line) and _TESTS.search(line):
            return any(_EXITS.search(later) for later in after[index:])
    return False
