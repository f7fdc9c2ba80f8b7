"""Read each file once: its bytes, content hash, lines, and whether it is Python."""

from __future__ import annotations

import ast
import codecs
import dataclasses
import hashlib
import io
import re
import sys
import tokenize
import warnings
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from quality_gates.findings import Finding, fingerprint_findings


@dataclasses.dataclass
class Source:
    """One file as read from disk; its lines are split only when asked for."""

    path: str
    digest: str
    text: str = dataclasses.field(repr=False)
    problem: Finding | None = None
    # with a problem (E999): whether it still parses (only compiling fails:
    # ``return`` outside a function), as black and bandit need it to
    parses: bool = True
    # non-blank, non-comment lines: the runner fills it from the cache by digest
    known_loc: int | None = dataclasses.field(default=None, repr=False, compare=False)
    _lines: list[str] | None = dataclasses.field(
        default=None, repr=False, compare=False
    )

    @property
    def lines(self) -> list[str]:
        """Return the text's lines, split once on first use."""
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    @property
    def loc(self) -> int:
        """Count the lines that are neither blank nor only a ``#`` comment."""
        if self.known_loc is None:
            self.known_loc = lines_of_code(self.lines)
        return self.known_loc


# Python's tokenizer, and so every tool, ends a line at \n, \r\n or a lone \r only.
# str.splitlines() also breaks at form feed, \v, \x1c-\x1e, \x85, \u2028 and
# \u2029, which would shift every later line of a file holding one.
_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines as Python and the tools count them."""
    lines = _LINE_END.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def file_lines(root: Path, path: str) -> list[str]:
    """Return the lines of ``root / path`` as the tools count them, [] if unreadable."""
    try:
        data = (root / path).read_bytes()
    except OSError:
        return []
    text, problem = decode(path, data)
    if problem is not None:
        text = data.decode("utf-8", "replace")
    return split_lines(text)


class LinesOf(Mapping[str, Sequence[str]]):
    """Lines of a file by path: the sources read this run, else the disk; once each.

    Fingerprints need the flagged line's text; only files with fresh findings
    are split into lines, so a warm run splits none.
    """

    def __init__(self, root: Path, srcs: Mapping[str, Source]) -> None:
        """Look up ``srcs`` first, then files under ``root``."""
        self.root = root
        self.srcs = srcs
        self.other: dict[str, list[str]] = {}

    def __getitem__(self, path: str) -> Sequence[str]:
        """Return the lines of ``path`` (none for a missing or unreadable file)."""
        src = self.srcs.get(path)
        if src is not None:
            return src.lines
        if path not in self.other:
            self.other[path] = file_lines(self.root, path)
        return self.other[path]

    def __iter__(self) -> Iterator[str]:
        """Iterate over the paths read this run."""
        return iter(self.srcs)

    def __len__(self) -> int:
        """Count the paths read this run."""
        return len(self.srcs)


def fingerprint_files(
    root: Path, findings: Iterable[Finding], texts: Container[str] | None = None
) -> list[Finding]:
    """Fingerprint findings on the lines of their files under ``root``, sorted.

    With ``texts``, only those paths are read: a finding on a data file (binary
    coverage data, a JSON record that changes) keeps a fingerprint that does not.
    """
    found = list(findings)
    lines = LinesOf(root, {})
    if texts is not None:
        return fingerprint_findings(
            found, {f.path: lines[f.path] for f in found if f.path in texts}
        )
    return fingerprint_findings(found, lines)


def lines_of_code(lines: list[str]) -> int:
    """Count the lines that are neither blank nor only a ``#`` comment."""
    # ``strip()`` is empty exactly when ``lstrip()`` is: one strip per line
    return sum(1 for text in map(str.lstrip, lines) if text and text[0] != "#")


def _problem(path: str, rule: str, line: int, col: int, message: str) -> Finding:
    return Finding("python", rule, "error", path, max(line, 1), max(col, 1), message)


def decode(path: str, data: bytes) -> tuple[str, Finding | None]:
    """Text of the file by its PEP 263 encoding (UTF-8 by default)."""
    if b"\0" in data:
        return "", _problem(
            path, "E902", 1, 1, "file contains NUL bytes: binary, not Python source"
        )
    try:
        encoding = _encoding(data)
        return data.decode(encoding), None
    except LookupError as exc:
        return "", _problem(path, "E902", 1, 1, f"cannot decode: {exc}")
    except (SyntaxError, UnicodeDecodeError) as exc:
        bad = exc if isinstance(exc, UnicodeDecodeError) else _utf8_error(data)
        if bad is None:
            return "", _problem(path, "E902", 1, 1, f"cannot decode: {exc}")
        line = data[: bad.start].count(b"\n") + 1
        return "", _problem(
            path,
            "E902",
            line,
            1,
            f"not valid {bad.encoding}: byte 0x{data[bad.start]:02x} "
            f"at offset {bad.start}; save the file as UTF-8 or declare its encoding",
        )


def _encoding(data: bytes) -> str:
    """Return the PEP 263 encoding; UTF-8 without asking tokenize when no line says.

    A declaration sits in the first two lines; without a BOM or the word
    ``coding`` there, tokenize would answer UTF-8 too.
    """
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    head = data[:second] if second >= 0 else data
    if b"coding" not in head and not data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding


def _utf8_error(data: bytes) -> UnicodeDecodeError | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc
    return None


# the interpreter that judges syntax: code of a newer Python is "not valid" here
PYTHON = f"Python {sys.version_info.major}.{sys.version_info.minor}"


def syntax_problem(path: str, text: str) -> Finding | None:
    """Return an E999 finding when ``text`` does not compile as Python, else None.

    Compiled, not only parsed: ``return``/``yield`` outside a function, ``await``
    or ``async for`` outside an async function, ``nonlocal`` at module level
    parse but do not compile, and they crash or block the tools (pydocstyle's
    ParseError takes flake8 down with every file of its batch; mypy stops).
    """
    try:
        with warnings.catch_warnings():  # invalid escapes: a SyntaxWarning only
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return _problem(
            path,
            "E999",
            exc.lineno or 1,
            exc.offset or 1,
            f"not valid {PYTHON}: {exc.msg}",
        )
    except ValueError as exc:
        return _problem(path, "E999", 1, 1, f"not valid {PYTHON}: {exc}")
    except (RecursionError, MemoryError) as exc:
        # an expression of thousands of terms: this interpreter cannot compile
        # it either, so it cannot be imported or run here
        return _problem(
            path,
            "E999",
            1,
            1,
            f"{PYTHON} cannot compile it: nested too deeply ({exc or 'out of memory'})",
        )
    return None


def parses(text: str) -> bool:
    """Tell whether ``text`` parses as Python, whether or not it compiles."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def digest(data: bytes) -> str:
    """Hash a file's content: its ``Source.digest`` and its line in a program stamp."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def read(root: Path, path: str) -> tuple[Source, str]:
    """Read ``path`` once: the Source record and its decoded text."""
    data = (root / path).read_bytes()
    text, problem = decode(path, data)
    return Source(path, digest(data), text, problem), text
