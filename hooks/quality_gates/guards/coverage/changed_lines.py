"""Coverage of the lines a change touched: which changed lines tests run.

Only executable lines count (a changed comment or blank line is neither
covered nor uncovered), and only in files the coverage data measured:
configure ``[tool.coverage.run] source`` so that files the tests never import
are measured (as 0 %) rather than unseen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from quality_gates.guards.coverage.data import FileCoverage


@dataclasses.dataclass
class ChangedCoverage:
    """Covered and relevant changed lines, and the uncovered ones by file."""

    relevant: int
    covered: int
    uncovered: dict[str, list[tuple[int, int]]]

    @property
    def percent(self) -> float:
        """100 when no executable line changed: nothing left untested."""
        return 100.0 * self.covered / self.relevant if self.relevant else 100.0


def ranges(lines: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive line numbers folded into (first, last) pairs."""
    out: list[tuple[int, int]] = []
    for number in sorted(set(lines)):
        if out and number == out[-1][1] + 1:
            out[-1] = (out[-1][0], number)
        else:
            out.append((number, number))
    return out


def describe(first: int, last: int) -> str:
    """``12`` or ``12-15``."""
    return str(first) if first == last else f"{first}-{last}"


def changed_coverage(
    files: Mapping[str, FileCoverage], changed: Mapping[str, set[int]]
) -> ChangedCoverage:
    """Intersect the changed lines with each measured file's statements."""
    relevant = covered = 0
    uncovered: dict[str, list[tuple[int, int]]] = {}
    for path in sorted(changed):
        measured = files.get(path)
        if measured is None:
            continue
        lines = changed[path] & measured.statements
        missed = lines & measured.missing
        relevant += len(lines)
        covered += len(lines) - len(missed)
        if missed:
            uncovered[path] = ranges(missed)
    return ChangedCoverage(relevant, covered, uncovered)
