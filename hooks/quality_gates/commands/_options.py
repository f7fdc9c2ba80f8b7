"""Options shared by the subcommands that run the checkers."""

from __future__ import annotations

import argparse

from quality_gates.session import Limits


def add_runner_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--jobs``, ``--no-cache`` and the limits of every checker run."""
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="parallel tool processes (default: all cores)",
    )
    add_cache_option(parser)
    parser.add_argument(
        "--max-file-kb",
        type=int,
        metavar="KB",
        help="report files over KB kilobytes instead of checking them; 0 for no "
        "limit (default: `max-file-kb`, else 1024)",
    )
    parser.add_argument(
        "--tool-timeout",
        type=float,
        metavar="SECONDS",
        help="stop a tool process after SECONDS and report it; 0 for no limit "
        "(default: `tool-timeout`, else 900)",
    )


def add_cache_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--no-cache``."""
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the result cache",
    )


def add_baseline_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--baseline PATH``, the ratchet's baseline file."""
    parser.add_argument(
        "--baseline",
        metavar="PATH",
        help="baseline file, the accepted findings' fingerprints (default: "
        "`baseline` in config, else .quality-gates-baseline.json)",
    )


def runner_limits(args: argparse.Namespace) -> Limits:
    """Return the session's limits that ``add_runner_options`` parsed."""
    return Limits(
        jobs=args.jobs,
        use_cache=not args.no_cache,
        max_file_kb=args.max_file_kb,
        tool_timeout=args.tool_timeout,
    )
