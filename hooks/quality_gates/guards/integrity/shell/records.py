"""The records the shell walk passes around: gates, hits, flows and shell options."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Hit:
    """One neutralised gate: rule, 0-based line in the script, snippet, detail.

    ``certain`` is False when the evidence only makes it plausible (``why``
    says what is missing).  ``sinks`` are the places the failure was recorded
    in (a step output, an environment variable, a file): the hit stands only
    if nothing later reads one of them and fails.
    """

    rule: str
    line: int
    snippet: str
    detail: str
    key: str = ""
    report: bool = False
    certain: bool = True
    why: str = ""
    sinks: tuple[str, ...] = ()
    fix: str = ""  # the fix in the words of the place the script runs in
    by_name: bool = False  # a check only by its step's or job's name


@dataclasses.dataclass(frozen=True)
class Gate:
    """A command that runs a gate: where, its text, what it runs, its evidence."""

    line: int
    text: str
    key: str
    report: bool = False
    files: tuple[str, ...] = ()
    strength: str = "named"
    negated: bool = False


@dataclasses.dataclass
class Flow:
    """Gates whose failure stops the script here, and those left in the status."""

    exits: list[Gate] = dataclasses.field(default_factory=list)
    status: list[Gate] = dataclasses.field(default_factory=list)

    def carriers(self) -> list[Gate]:
        """Every gate whose failure makes this node's status non-zero."""
        return self.exits + self.status


@dataclasses.dataclass
class Shell:
    """How the script starts: errexit and pipefail, and what set them.

    ``kind`` says what runs the script, for a fix in that place's words:
    ``step`` (a workflow or action ``run:``), ``make`` (a recipe), ``bash``
    (``bash -c``, ``bash <<EOF``), ``sh`` (``sh -c``), ``none`` (no shell).
    """

    errexit: bool = True
    pipefail: bool = False
    label: str = "bash -e {0}"
    errexit_off_line: int | None = None
    kind: str = "step"

    @property
    def named(self) -> str:
        """The shell as a finding names it: ``shell: bash -e {0}``, make's ``sh -c``."""
        if self.kind == "step":
            return f"`shell: {self.label}`"
        if self.kind == "make":
            return f"make's `{self.label}`"
        return f"`{self.label}`"


@dataclasses.dataclass
class Result:
    """The hits of one script, and the gates whose failure is seen."""

    hits: list[Hit] = dataclasses.field(default_factory=list)
    observed: set[str] = dataclasses.field(default_factory=set)
    last: list[Gate] = dataclasses.field(default_factory=list)  # the end's status
    named_seen: bool = False  # a checker known by its own name has its failure seen
