"""``$GITHUB_OUTPUT``, ``$GITHUB_STEP_SUMMARY`` and capped annotations."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path

from quality_gates.escape.terminal import lines
from quality_gates.report import Report
from quality_gates.reports import github

DEFAULT_MAX_ANNOTATIONS = 50


def _append(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def format_outputs(values: Mapping[str, object]) -> str:
    """``name=value`` lines; multi-line values use a random heredoc delimiter."""
    out = []
    for name, value in values.items():
        text = "" if value is None else str(value)
        if "\n" in text or "\r" in text:
            delimiter = f"ghadelimiter_{secrets.token_hex(8)}"
            out.append(f"{name}<<{delimiter}\n{text}\n{delimiter}\n")
        else:
            out.append(f"{name}={text}\n")
    return "".join(out)


def write_outputs(values: Mapping[str, object], *, path: str | None = None) -> None:
    """Append step outputs to ``$GITHUB_OUTPUT`` (or print them outside Actions)."""
    target = path if path is not None else os.environ.get("GITHUB_OUTPUT", "")
    text = format_outputs(values)
    if target:
        _append(Path(target), text)
    else:
        sys.stdout.write(lines(text.rstrip("\n").split("\n")) if text else "")


def write_summary(markdown: str, *, path: str | None = None) -> None:
    """Append Markdown to the job summary (``$GITHUB_STEP_SUMMARY``), if any."""
    target = path if path is not None else os.environ.get("GITHUB_STEP_SUMMARY", "")
    if target:
        _append(Path(target), markdown.rstrip("\n") + "\n\n")


def annotation_commands(report: Report, *, limit: int) -> tuple[str, int]:
    """Render commands for at most ``limit`` failing findings; count the rest."""
    failing = report.failing
    shown = failing[: max(limit, 0)]
    capped = Report(command=report.command, findings=shown, errors=report.errors)
    return github.render(capped), len(failing) - len(shown)
