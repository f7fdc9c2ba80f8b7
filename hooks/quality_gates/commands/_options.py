"""Options shared by the subcommands that run the checkers."""

from __future__ import annotations

import argparse


def add_runner_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--jobs`` and ``--no-cache``, as every checker-running command has them."""
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="parallel tool processes (default: all cores)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the result cache",
    )
