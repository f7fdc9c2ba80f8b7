r"""The GitHub Actions log: no line a runner reads as a workflow command by accident.

The runner reads every line a step writes, on standard output and error, and
obeys two forms (actions/runner, ``ActionCommand.TryParseV2`` and
``TryParse``): a line that starts with ``::`` after leading white space
(``::warning::``, ``::stop-commands::TOKEN``, ``::add-mask::``), and, anywhere
in a line, ``##[`` followed by a command name (``##[error]``).  A line breaks
at ``\n`` and at ``\r``.  ``inert`` makes one line that a repository's text
reaches harmless; ``command`` writes the suite's own commands, with their
properties and message escaped as the runner unescapes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# colour and other terminal control sequences (a project's --color=yes): an
# annotation shows them raw, so a command's text drops them
ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-_])")
# the runner's escapes (ActionCommand's _escapeDataMappings, _escapePropertyMappings)
_DATA = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY = (*_DATA, (":", "%3A"), (",", "%2C"))


def inert(line: str) -> str:
    r"""Return one line (no line breaks left in it) that the runner does not obey.

    A leading ``::`` shows its first colon as ``\x3a``; each ``##[`` shows its
    second ``#`` as ``\x23``: the text stays readable and recognisable.
    """
    stripped = line.lstrip()
    if stripped.startswith("::"):
        start = len(line) - len(stripped)
        line = line[:start] + "\\x3a" + line[start + 1 :]
    if "##[" in line:
        line = line.replace("##[", "#\\x23[")
    return line


def inert_json(text: str) -> str:
    r"""Make JSON text inert without changing what it decodes to.

    A JSON line never starts with ``::`` outside a string, but a string may
    hold ``##[``: its second ``#`` is written ``\u0023``, the same value.
    """
    return text.replace("##[", "#\\u0023[")


def strip_ansi(text: str) -> str:
    """Remove terminal colour and control sequences (they carry no text)."""
    return ANSI.sub("", text)


def escape_data(value: str) -> str:
    """Escape a workflow command's message (``%``, CR and LF)."""
    for raw, escaped in _DATA:
        value = value.replace(raw, escaped)
    return value


def escape_property(value: str) -> str:
    """Escape a workflow command's property value (also ``:`` and ``,``)."""
    for raw, escaped in _PROPERTY:
        value = value.replace(raw, escaped)
    return value


def command(name: str, message: str, properties: Mapping[str, object] = {}) -> str:
    """Return the workflow command line ``::NAME k=v,...::MESSAGE`` (no newline).

    Only the suite calls this, with a fixed ``name``; every property and the
    message are escaped, colour sequences dropped and other control
    characters shown (a log viewer obeys ANSI codes), so the line is exactly
    one command.
    """
    from quality_gates.escape.terminal import visible

    props = ",".join(
        f"{key}={escape_property(visible(strip_ansi(str(value))))}"
        for key, value in properties.items()
    )
    head = f"::{name} {props}" if props else f"::{name}"
    return f"{head}::{escape_data(visible(strip_ansi(message), newlines=True))}"
