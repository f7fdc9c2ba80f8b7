"""Read a config or workflow file as text, turning bad bytes into a located problem."""

from __future__ import annotations

import dataclasses
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class Text:
    """A file's text, or why it has none (``problem``) and where (``line``)."""

    text: str = ""
    problem: str = ""
    line: int = 1

    @property
    def lines(self) -> list[str]:
        """The text split into lines."""
        return self.text.splitlines()


def decode(data: bytes) -> Text:
    """Strict UTF-8 without NUL bytes; a BOM is allowed, as tools allow it."""
    nul = data.find(b"\0")
    if nul >= 0:
        return Text(
            problem="binary file (NUL byte)", line=data.count(b"\n", 0, nul) + 1
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return Text(problem=f"not UTF-8 ({exc.reason} at byte {exc.start})", line=line)
    return Text(text=text.removeprefix("\ufeff"))


def read(path: Path) -> Text:
    """Read ``path``; an unreadable file is a problem, never an exception."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Text(problem=f"cannot read: {exc.strerror or exc}")
    return decode(data)


def read_inside(root: Path, relative: Path, limit: int = 1 << 20) -> str | None:
    """Return the text of ``root / relative`` if it is a file inside ``root``.

    Links are followed first, so one pointing out of ``root`` is not read;
    nor is a file over ``limit`` bytes, one that is not UTF-8, or a name the
    system refuses (a NUL byte, too long, a loop of links).
    """
    try:
        path = (root / relative).resolve()
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            return None
        if path.stat().st_size > limit:
            return None
    except (OSError, ValueError):
        return None
    text = read(path)
    return None if text.problem else text.text
