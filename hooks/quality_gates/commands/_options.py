"""Options shared by the subcommands that run the checkers."""

from __future__ import annotations

import argparse
import math

from quality_gates import config as config_mod
from quality_gates.errors import GateError


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


def apply_limits(args: argparse.Namespace, cfg: config_mod.Config) -> None:
    """Let ``--max-file-kb`` and ``--tool-timeout`` override the config."""
    if args.max_file_kb is not None:
        if args.max_file_kb < 0:
            raise GateError("--max-file-kb must be 0 (no limit) or more")
        cfg.max_file_kb = args.max_file_kb
    if args.tool_timeout is not None:
        if not 0 <= args.tool_timeout < math.inf:
            raise GateError("--tool-timeout must be 0 (no limit) or more seconds")
        cfg.tool_timeout = args.tool_timeout
