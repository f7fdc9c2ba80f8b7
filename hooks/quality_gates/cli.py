"""``quality-gates SUBCOMMAND``: parsing only; each subcommand lives in ``commands/``.

``commands.COMMANDS`` is the table of them and ``commands.Command`` the
contract each keeps (``NAME``, ``HELP``, ``DESCRIPTION``, ``add_arguments``,
``main``).
"""

from __future__ import annotations

import argparse
import gc
import sys
import traceback
from collections.abc import Sequence

from quality_gates import __version__, closed_pipe, commands, processes
from quality_gates.commands import COMMANDS, Command
from quality_gates.errors import ERROR, FAILED, GateError
from quality_gates.escape import terminal


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


def build_parser(
    only: str | None = None,
) -> tuple[argparse.ArgumentParser, dict[str, Command]]:
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
    loaded = {}
    for name, loader in COMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name)
            continue
        command = loader()
        sp = sub.add_parser(
            name,
            help=command.HELP,
            description=command.DESCRIPTION,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(sp)
        loaded[name] = command
    return parser, loaded


def parse(argv: Sequence[str]) -> tuple[Command, argparse.Namespace]:
    """Parse ``quality-gates ARGV``: the subcommand and its options.

    A usage error exits 2 with argparse's message, as on the command line.
    """
    arguments = list(argv)
    chosen = next((a for a in arguments if not a.startswith("-")), None)
    parser, loaded = build_parser(chosen if chosen in COMMANDS else None)
    args, extras = parser.parse_known_args(arguments)
    commands.files_like_options(parser, args, extras)
    return loaded[args.command], args


# Objects allocated between two collections of the youngest generation.  A run
# builds ~10 long-lived objects per finding (74k on django) and makes almost no
# cycles: at Python's default of 700, collecting took a sixth of a warm run.
GC_THRESHOLD = 100_000


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand and return its exit code (2 for a ``GateError``).

    A reader that closes the output early (``| head``) stops the output
    quietly: the exit code is the command's own when it got that far (a
    report's verdict, see ``report_formats.emit``), else 1, as in Python's idiom.
    """
    try:
        code = _run(sys.argv[1:] if argv is None else argv)
        sys.stdout.flush()  # a closed pipe shows here, not in Python's exit
    except BrokenPipeError:
        closed_pipe.closed()
        return FAILED
    return code


def _run(argv: Sequence[str]) -> int:
    command, args = parse(argv)
    processes.begin()
    processes.handle_sigterm()
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
    try:
        return command.main(args)
    except GateError as exc:
        terminal.say(f"quality-gates {args.command}: error: {exc}", file=sys.stderr)
        return ERROR
    except KeyboardInterrupt as exc:  # SIGINT, or SIGTERM (processes.Terminated)
        processes.stop_all()
        what = "terminated" if isinstance(exc, processes.Terminated) else "interrupted"
        terminal.say(f"quality-gates {args.command}: {what}", file=sys.stderr)
        return ERROR
    except Exception as exc:  # a bug: never exit 1, which says "findings"
        traceback.print_exc(file=sys.stderr)
        terminal.say(
            f"quality-gates {args.command}: internal error: "
            f"{type(exc).__name__}: {exc} (a bug; the traceback is above)",
            file=sys.stderr,
        )
        return ERROR
    finally:
        gc.set_threshold(*thresholds)


if __name__ == "__main__":
    raise SystemExit(main())
