"""``$GITHUB_OUTPUT``, ``$GITHUB_STEP_SUMMARY`` and capped annotations."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path

from quality_gates.escape import terminal
from quality_gates.escape.actions_log import command, strip_ansi
from quality_gates.findings import Finding
from quality_gates.report import Report
from quality_gates.report_formats import github

DEFAULT_MAX_ANNOTATIONS = 50


def last_lines(text: str, count: int = 5) -> str:
    """Return the last non-empty lines of a tool's output, uncoloured, on one line."""
    lines = [line.strip() for line in strip_ansi(text).splitlines() if line.strip()]
    return " | ".join(lines[-count:]) or "(no output)"


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
        sys.stdout.write(terminal.lines(text.rstrip("\n").split("\n")) if text else "")


def write_summary(markdown: str, *, path: str | None = None) -> None:
    """Append Markdown to the job summary (``$GITHUB_STEP_SUMMARY``), if any."""
    target = path if path is not None else os.environ.get("GITHUB_STEP_SUMMARY", "")
    if target:
        _append(Path(target), markdown.rstrip("\n") + "\n\n")


def _command(level: str, title: str, message: str) -> str:
    return command(level, message, {"title": title})


def _unlocated(finding: Finding) -> str:
    """Annotate a finding about a whole file or the project (line 0) unpinned.

    GitHub would pin it on line 0 of its path, which may be a data file
    (``.coverage``) or a file that does not exist (a missing ``index.html``).
    """
    level = "warning" if finding.severity == "warning" else "error"
    if finding.severity == "info":
        level = "notice"
    title = f"{finding.tool} {finding.rule}"
    return _command(level, title, f"{finding.path}: {finding.message}")


def threshold_commands(report: Report) -> str:
    """Annotate each missed threshold: an error when it fails, else a warning."""
    summary = report.summary
    title = f"quality-gates {report.command}"
    out = [_command("error", title, t) for t in summary.threshold_failures or ()]
    out += [_command("warning", title, t) for t in summary.threshold_warnings or ()]
    return "".join(line + "\n" for line in out)


def annotation_commands(report: Report, *, limit: int) -> tuple[str, int]:
    """Render commands for at most ``limit`` failing findings; count the rest.

    Missed thresholds are annotated too; colour codes never reach GitHub.
    """
    failing = report.failing
    shown = failing[: max(limit, 0)]
    located = [f for f in shown if f.line > 0]
    capped = Report(command=report.command, findings=located, errors=report.errors)
    text = "".join(_unlocated(f) + "\n" for f in shown if f.line <= 0)
    text += github.render(capped) + threshold_commands(report)
    return strip_ansi(text), len(failing) - len(shown)
