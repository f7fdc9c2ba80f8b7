"""``quality-gates cache``: where the result cache is, how big, and clearing it."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from quality_gates import cache as cache_mod
from quality_gates import cache_files
from quality_gates.errors import PASSED, GateError
from quality_gates.escape import actions_log, terminal

NAME = "cache"
HELP = "show where the result cache is and its size; prune or clear it"
DESCRIPTION = """\
The result cache maps (tool, its version, the suite's code, config, file
content) to findings, so an unchanged file is never checked twice.  It lives
in QUALITY_GATES_CACHE_DIR, else $XDG_CACHE_HOME/quality-gates, else
~/.cache/quality-gates, with mypy's own incremental cache (mypy/, one folder
per project) beside it.

It stays bounded: at the end of a run, once a day, rows no run has used for
QUALITY_GATES_CACHE_MAX_AGE_DAYS (default 30) are deleted, then the least
recently used ones while the results exceed QUALITY_GATES_CACHE_MAX_MB
(default 1024); mypy folders unused for as long are removed.  A run waits up to
QUALITY_GATES_CACHE_TIMEOUT seconds (default 60) for another run's lock, and
says so when the wait starts.  Every result is signed with the user's key
(QUALITY_GATES_CACHE_KEY, else $XDG_STATE_HOME/quality-gates/cache-key): one
signed under another key, or edited, is checked again (docs/cache.md, Trust).

  show   (default) the location, sizes and bounds
  prune  apply the bounds now
  clear  delete the database and mypy's caches that quality-gates made
         (nothing else in the folder: a file or folder it did not make is
         named and left)

exit codes: 0 done, 2 usage or file error"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the action and --format."""
    parser.add_argument(
        "action",
        nargs="?",
        choices=("show", "prune", "clear"),
        default="show",
        help="show (default), prune or clear",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format of show (default: text)",
    )


def entries(database: Path) -> int | None:
    """Count the cached results (None when the database cannot be read)."""
    if not database.is_file():
        return 0
    try:
        uri = f"{database.as_uri()}?mode=ro"
        with sqlite3.connect(uri, uri=True) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])
    except sqlite3.Error:
        return None


def describe(directory: Path) -> dict[str, Any]:
    """Return the location, sizes and bounds of the cache in ``directory``."""
    database = directory / cache_files.DATABASE
    mypy = directory / "mypy"
    db_bytes = sum(
        cache_files.tree_size(Path(f"{database}{s}")) for s in ("", "-wal", "-shm")
    )
    projects = len([p for p in mypy.iterdir() if p.is_dir()]) if mypy.is_dir() else 0
    mypy_bytes = cache_files.tree_size(mypy)
    return {
        "directory": str(directory),
        "results": {"bytes": db_bytes, "entries": entries(database)},
        "mypy": {"bytes": mypy_bytes, "projects": projects},
        "total_bytes": db_bytes + mypy_bytes,
        "bounds": {
            "max_age_days": cache_mod.setting("QUALITY_GATES_CACHE_MAX_AGE_DAYS"),
            "max_mb": cache_mod.setting("QUALITY_GATES_CACHE_MAX_MB"),
        },
    }


def megabytes(count: int) -> str:
    """Format a byte count as MB with one decimal."""
    return f"{count / 1024 / 1024:.1f} MB"


def render(info: dict[str, Any]) -> str:
    """Render ``describe``'s result as a few lines of text."""
    results, mypy, bounds = info["results"], info["mypy"], info["bounds"]
    count = "unreadable" if results["entries"] is None else results["entries"]
    return "\n".join(
        [
            f"cache: {info['directory']}",
            f"  results  {megabytes(results['bytes']):>10}  {count} entries",
            f"  mypy     {megabytes(mypy['bytes']):>10}  {mypy['projects']} "
            "project(s)",
            f"  total    {megabytes(info['total_bytes']):>10}",
            f"bounds: rows unused for {bounds['max_age_days']:g} days are pruned, "
            f"then the oldest past {bounds['max_mb']:g} MB",
        ]
    )


def main(args: argparse.Namespace) -> int:
    """Show, prune or clear the cache."""
    directory = cache_mod.cache_dir()
    if directory.exists() and not directory.is_dir():
        raise GateError(f"{directory} is not a directory (QUALITY_GATES_CACHE_DIR)")
    try:
        if args.action == "clear":
            clear(directory)
        elif args.action == "prune":
            prune(directory)
        elif args.format == "json":
            print(actions_log.inert_json(json.dumps(describe(directory), indent=2)))
        else:
            sys.stdout.write(terminal.lines(render(describe(directory)).split("\n")))
    except BrokenPipeError:
        raise  # the reader stopped early (| head): cli.main ends quietly
    except OSError as exc:
        raise GateError(f"{exc.filename or directory}: {exc.strerror}") from exc
    return PASSED


def clear(directory: Path) -> None:
    """Delete what the suite made; name what it left."""
    removed, left = cache_files.clear(directory)
    for path in left:
        terminal.say(f"note: left {path}: quality-gates did not make it")
    terminal.say(f"cleared {directory}: removed {len(removed)} item(s)")


def prune(directory: Path) -> None:
    """Apply the bounds now and say what was removed."""
    cache = cache_mod.Cache(directory)
    rows = cache.prune(force=True)
    folders = cache_files.prune_folders(
        directory / cache_files.MYPY,
        cache_mod.setting("QUALITY_GATES_CACHE_MAX_AGE_DAYS"),
    )
    for note in cache.notes:
        terminal.say(f"note: {note}")
    cache.close()
    terminal.say(f"pruned {directory}: {rows} row(s), {len(folders)} mypy folder(s)")
