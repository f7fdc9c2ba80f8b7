"""``quality-gates SUBCOMMAND``: parsing only; each subcommand lives in ``commands/``.

A subcommand module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``main(args) -> int``; the package walk below registers every one of them.  A
reporting subcommand also defines ``report(args) -> Report``, which builds the
report that its ``main`` emits, and may define ``render_text(report) -> str``,
its own text format.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from quality_gates import __version__, commands, processes
from quality_gates.errors import ERROR, GateError
from quality_gates.escape import terminal

if TYPE_CHECKING:
    from quality_gates.report import Report

    Builder = Callable[[argparse.Namespace], Report]


def version_text() -> str:
    """Return the suite's version and each tool's installed version, by tool name."""
    import importlib.metadata  # here: ~20 ms that a hook run never needs

    from quality_gates.tools import get, names

    parts = [f"quality-gates {__version__}"]
    for adapter in map(get, names()):
        for dist in (adapter.distribution, *adapter.plugins):
            try:
                parts.append(f"  {dist} {importlib.metadata.version(dist)}")
            except importlib.metadata.PackageNotFoundError:
                missing = "optional, " if adapter.extra else ""
                parts.append(f"  {dist} ({missing}not installed)")
    return "\n".join(parts)


class _Version(argparse.Action):
    def __init__(
        self, option_strings: Sequence[str], dest: str, **kwargs: object
    ) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            help="print the suite's and every tool's version",
        )

    def __call__(
        self, parser: argparse.ArgumentParser, *args: object, **kwargs: object
    ) -> None:
        print(version_text())
        parser.exit()


def command_names() -> dict[str, str]:
    """Subcommand name -> module name, without importing any of them."""
    names = {}
    for info in pkgutil.iter_modules(commands.__path__):
        if not info.name.startswith("_"):
            names[info.name.replace("_", "-")] = info.name
    return dict(sorted(names.items()))


def _load(module_name: str) -> ModuleType:
    return importlib.import_module(f"{commands.__name__}.{module_name}")


def build_parser(
    only: str | None = None,
) -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """Build the parser; with ``only``, import just that subcommand's module.

    Every hook run pays for start-up, so ``quality-gates run`` imports the run
    command alone, not the dependencies of every other subcommand.
    """
    parser = argparse.ArgumentParser(
        prog="quality-gates",
        description="Quality gates that really fail: pinned linters, a cached "
        "concurrent runner, a ratchet baseline, repository guards and a security "
        "gate.",
        epilog="exit codes: 0 gate passed, 1 gate failed (findings), "
        "2 usage, config or tool error",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", required=True)
    modules = {}
    for name, module_name in command_names().items():
        if only is not None and name != only:
            sub.add_parser(name)
            continue
        module = _load(module_name)
        sp = sub.add_parser(
            module.NAME,
            help=module.HELP,
            description=getattr(module, "DESCRIPTION", module.HELP),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sp)
        modules[module.NAME] = module
    return parser, modules


def _files_like_options(
    parser: argparse.ArgumentParser, args: argparse.Namespace, extras: list[str]
) -> None:
    """Take ``-x.py`` as the file it names: pre-commit passes names as they are."""
    names: list[str] | None = getattr(args, "filenames", None)
    unknown = [e for e in extras if names is None or not os.path.isfile(e)]
    if unknown:
        parser.error(terminal.line("unrecognized arguments: " + " ".join(unknown)))
    if names is not None and extras:
        args.filenames = [*names, *extras]


def parse(argv: Sequence[str]) -> tuple[ModuleType, argparse.Namespace]:
    """Parse ``quality-gates ARGV``: the subcommand's module and its options.

    A usage error exits 2 with argparse's message, as on the command line.
    """
    arguments = list(argv)
    chosen = next((a for a in arguments if not a.startswith("-")), None)
    parser, modules = build_parser(chosen if chosen in command_names() else None)
    args, extras = parser.parse_known_args(arguments)
    _files_like_options(parser, args, extras)
    return modules[args.command], args


def parse_reporting(argv: Sequence[str]) -> tuple[Builder, argparse.Namespace]:
    """Parse a reporting subcommand's ``ARGV``: its report builder and options."""
    module, args = parse(argv)
    builder: Builder | None = getattr(module, "report", None)
    if builder is None:
        raise GateError(f"quality-gates {args.command} makes no report")
    return builder, args


def text_view(command: str) -> Callable[[Report], str] | None:
    """Return a reporting subcommand's own text format, if it has one."""
    view: Callable[[Report], str] | None = getattr(
        _load(command_names()[command]), "render_text", None
    )
    return view


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand and return its exit code (2 for a ``GateError``)."""
    module, args = parse(sys.argv[1:] if argv is None else argv)
    processes.handle_sigterm()
    try:
        return int(module.main(args))
    except GateError as exc:
        terminal.say(f"quality-gates {args.command}: error: {exc}", file=sys.stderr)
        return ERROR
    except KeyboardInterrupt as exc:  # SIGINT, or SIGTERM (processes.Terminated)
        processes.stop_all()
        what = "terminated" if isinstance(exc, processes.Terminated) else "interrupted"
        terminal.say(f"quality-gates {args.command}: {what}", file=sys.stderr)
        return ERROR


if __name__ == "__main__":
    raise SystemExit(main())
