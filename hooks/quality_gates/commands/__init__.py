"""The subcommands: one module each, the contract they keep, and the table of them.

A subcommand module is a ``Command`` (``NAME``, ``HELP``, ``DESCRIPTION``,
``add_arguments(parser)``, ``main(args) -> int``); one that reports is a
``Reporting`` command, which also has ``report(args) -> Report`` (the work, that
its ``main`` only emits) and ``TEXT_VIEW``, its own text format or None.
``COMMANDS`` names each one with a loader whose return type mypy checks the
module against: a new subcommand is its module, one loader and one table line.
The loaders import on call, so ``quality-gates run`` imports the run command
alone, not the dependencies of every other subcommand.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from quality_gates.errors import GateError
from quality_gates.escape import terminal

if TYPE_CHECKING:
    from quality_gates.report import Report


@runtime_checkable
class Command(Protocol):
    """A subcommand: its name, help, options and the function that runs it."""

    NAME: str
    HELP: str
    DESCRIPTION: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the subcommand's options to its parser."""

    def main(self, args: argparse.Namespace) -> int:
        """Run with the parsed options; return the exit code."""


@runtime_checkable
class Reporting(Command, Protocol):
    """A subcommand whose work is a ``Report``, which its ``main`` emits."""

    @property
    def TEXT_VIEW(self) -> Callable[[Report], str] | None:
        """The subcommand's own text format (score's table), or None."""

    def report(self, args: argparse.Namespace) -> Report:
        """Build the report, with its exit code; emit nothing."""


def _audit_gates() -> Reporting:
    from quality_gates.commands import audit_gates

    return audit_gates


def _baseline() -> Command:
    from quality_gates.commands import baseline

    return baseline


def _cache() -> Command:
    from quality_gates.commands import cache

    return cache


def _ci() -> Command:
    from quality_gates.commands import ci

    return ci


def _coverage() -> Reporting:
    from quality_gates.commands import coverage

    return coverage


def _dashboard() -> Command:
    from quality_gates.commands import dashboard

    return dashboard


def _docs_check() -> Reporting:
    from quality_gates.commands import docs_check

    return docs_check


def _import_time() -> Reporting:
    from quality_gates.commands import import_time

    return import_time


def _init() -> Command:
    from quality_gates.commands import init

    return init


def _protect() -> Reporting:
    from quality_gates.commands import protect

    return protect


def _run() -> Reporting:
    from quality_gates.commands import run

    return run


def _score() -> Reporting:
    from quality_gates.commands import score

    return score


def _security() -> Reporting:
    from quality_gates.commands import security

    return security


# subcommand name -> its loader; each module's NAME is its key (a test checks)
COMMANDS: dict[str, Callable[[], Command]] = {
    "audit-gates": _audit_gates,
    "baseline": _baseline,
    "cache": _cache,
    "ci": _ci,
    "coverage": _coverage,
    "dashboard": _dashboard,
    "docs-check": _docs_check,
    "import-time": _import_time,
    "init": _init,
    "protect": _protect,
    "run": _run,
    "score": _score,
    "security": _security,
}


def load(name: str) -> Command:
    """Import and return the subcommand ``name``."""
    return COMMANDS[name]()


def reporting(name: str) -> Reporting:
    """Return the reporting subcommand ``name``; one without a report is an error."""
    if name not in COMMANDS:
        raise GateError(f"quality-gates has no subcommand {name!r}")
    command = load(name)
    if not isinstance(command, Reporting):
        raise GateError(f"quality-gates {name} makes no report")
    return command


def options(name: str, **given: object) -> argparse.Namespace:
    """Build the options of ``quality-gates NAME`` in code, with no command line.

    Every option has its parser's default, and each ``given`` one (by its
    ``dest``) replaces it: a text is converted and checked by the option's own
    ``type`` and ``choices``, as on the command line, so an action's input is
    held to the rules of the option it feeds.  An option the subcommand does
    not have is a programming error (``KeyError``).
    """
    parser = argparse.ArgumentParser(prog=f"quality-gates {name}")
    load(name).add_arguments(parser)
    # argparse's own list of the options; a default of SUPPRESS sets nothing
    actions = {a.dest: a for a in parser._actions if a.dest != argparse.SUPPRESS}
    args = argparse.Namespace(command=name)
    for dest, action in actions.items():
        if action.default is not argparse.SUPPRESS:
            default = action.default
            if isinstance(default, str) and callable(action.type):
                default = action.type(default)  # as argparse converts a default
            elif default is None and action.nargs == "*" and not action.option_strings:
                default = []  # as argparse fills a positional given no value
            setattr(args, dest, default)
    for dest, value in given.items():
        setattr(args, dest, _checked(actions[dest], value))
    return args


def _checked(action: argparse.Action, value: object) -> object:
    """Convert a text with the option's ``type``; refuse a value not in its choices."""
    option = action.option_strings[-1] if action.option_strings else action.dest
    convert = action.type
    if isinstance(value, str) and callable(convert):
        try:
            value = convert(value)
        except argparse.ArgumentTypeError as exc:
            raise GateError(f"{option}: {exc}") from None
        except (TypeError, ValueError):
            what = getattr(convert, "__name__", "")
            raise GateError(f"{option}: invalid {what} value: {value!r}") from None
    if action.choices is not None and value not in action.choices:
        choices = ", ".join(map(repr, action.choices))
        raise GateError(f"{option}: invalid choice: {value!r} (choose from {choices})")
    return value


def parse(name: str, argv: Sequence[str]) -> argparse.Namespace:
    """Parse a command line the user gave for ``quality-gates NAME`` (ci report).

    A usage error exits 2 with argparse's message, as ``quality-gates NAME``.
    """
    command = load(name)
    parser = argparse.ArgumentParser(
        prog=f"quality-gates {name}",
        description=command.DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_arguments(parser)
    args, extras = parser.parse_known_args(list(argv))
    files_like_options(parser, args, extras)
    args.command = name
    return args


def files_like_options(
    parser: argparse.ArgumentParser, args: argparse.Namespace, extras: list[str]
) -> None:
    """Take ``-x.py`` as the file it names: pre-commit passes names as they are."""
    names: list[str] | None = getattr(args, "filenames", None)
    unknown = [e for e in extras if names is None or not os.path.isfile(e)]
    if unknown:
        parser.error(terminal.line("unrecognized arguments: " + " ".join(unknown)))
    if names is not None and extras:
        args.filenames = [*names, *extras]
