"""``quality-gates baseline``: write or prune the ratchet baseline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quality_gates import baseline as baseline_mod
from quality_gates import config as config_mod
from quality_gates import session
from quality_gates.atomic import refuse_outside
from quality_gates.commands._options import (
    add_baseline_option,
    add_runner_options,
    runner_limits,
)
from quality_gates.errors import GateError
from quality_gates.escape import terminal

NAME = "baseline"
HELP = (
    "write .quality-gates-baseline.json; on an existing file only remove fixed findings"
)
DESCRIPTION = """\
Check every git-tracked Python file with the configured tools and record the
fingerprints of the findings in the baseline file (`baseline` in config,
default .quality-gates-baseline.json), so `run` fails only on new findings.

Without a baseline file, all current findings are accepted.  On an existing
file, entries that are fixed are removed and new findings are NOT added unless
--add-new is given: the ratchet only tightens unless you say otherwise.  A
baseline file that is empty, malformed or of another format version is an
error; delete it to start again.

exit codes: 0 written (or unchanged), 2 usage, config or tool error"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --add-new, --baseline, --jobs and --no-cache."""
    parser.add_argument(
        "--add-new",
        action="store_true",
        help="also accept the findings that are new since the baseline",
    )
    add_baseline_option(parser)
    add_runner_options(parser)


def _say(message: str) -> None:
    terminal.say(f"quality-gates baseline: {message}", file=sys.stderr, flush=True)


def _target(args: argparse.Namespace, cfg: config_mod.Config) -> Path:
    """Return the baseline to write: named with --baseline, or the project's own.

    The project's (the default or ``baseline`` in config) is written only
    inside the project: a tracked symlink or ``../`` cannot send it elsewhere.
    """
    path = baseline_mod.locate(cfg.root, args.baseline, cfg.baseline, required=True)
    assert path is not None  # nosec B101 - required=True always gives a path
    if args.baseline is None:
        refuse_outside(
            path,
            cfg.root,
            "baseline",
            hint="name the file with --baseline to write it there, or replace "
            "the symlink (or `baseline` in [tool.quality-gates]) with a path "
            "inside the project",
        )
    return path


def main(args: argparse.Namespace) -> int:
    """Write a new baseline, or prune (and with --add-new extend) the existing one."""
    limits = runner_limits(args)
    cfg = session.configure(limits)
    path = _target(args, cfg)
    old = baseline_mod.load(path) if path.exists() else None
    with session.open_session(limits, _say) as checking:
        outcome = checking.check_project(cfg)
    if outcome.errors:
        for error in outcome.errors:
            terminal.say(f"error: {error}", file=sys.stderr)
        raise GateError(
            f"{len(outcome.errors)} tool error(s): the baseline {path} is not written"
        )
    if old is None:
        entries = {baseline_mod.Entry.of(f) for f in outcome.findings}
        baseline_mod.write(path, entries)
        _say(f"wrote {path} with {len(entries)} finding(s)")
        return 0
    below = {f.fingerprint for f in outcome.below_threshold}
    entries, removed, fresh = baseline_mod.update(
        old, outcome.findings, add_new=args.add_new, below_threshold=below
    )
    text = baseline_mod.render(entries)
    if path.read_text(encoding="utf-8") != text:
        baseline_mod.write(path, entries)
    _say(f"{path}: {len(entries)} finding(s); {removed} fixed one(s) removed")
    held = sum(1 for e in entries if e.fingerprint in below)
    if held:
        _say(
            f"{held} kept: still found, under the severity or confidence threshold"
            " ([tool.quality-gates.security])"
        )
    if fresh and args.add_new:
        _say(f"{fresh} new finding(s) added (--add-new)")
    elif fresh:
        _say(
            f"{fresh} new finding(s) NOT added: fix them, or accept them with --add-new"
        )
    return 0
