"""When the gate runs mypy in parallel: ``--num-workers`` on a cold run.

mypy 2 checks a program with worker processes (``-n N``), the same errors
as one process (its own tests, and the gate's on pytest and django).  The
gate asks for them only where they pay: a cold run (mypy's cache folder of
the project holds no run yet), the whole program to check, with a core for
each.  A warm run rechecks a few modules, where starting workers costs more
than they save: it stays on one process.  The project's own choice wins: a
config that sets ``num_workers`` (or ``MYPY_NUM_WORKERS``) is left to mypy,
and one that parallel mode refuses (reports, ``local_partial_types =
false``) runs serial, as before, instead of stopping.

A machine already busy (its load average at least its cores: a shared CI
runner) gets no workers: they would find no idle core.  mypy waits 3 s for
a worker to start; on a loaded machine one can take longer, and mypy stops
(``failed_to_start``): the gate then runs it again in one process, with its
cache, and says so; the project's own workers too (``MYPY_NUM_WORKERS=0``
for that run).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quality_gates.tools import mypy_config
from quality_gates.tools.base import read_ini

if TYPE_CHECKING:
    from quality_gates.config import Config
    from quality_gates.tools.base import Proc

FLAG = "--num-workers"
# mypy's variable: over its config and its command line
VARIABLE = "MYPY_NUM_WORKERS"
# flags of mypy's that parallel mode refuses, or that choose the workers
_REFUSED = re.compile(r"^(--\w[\w-]*-report|--no-local-partial-types|-n|--num-workers)")
_FALSE = ("0", "false", "no", "off")
# what mypy says when a worker did not start or connect in time (mypy/build.py:
# each worker's line, then the build's exception under --show-traceback)
_NOT_STARTED = re.compile(
    r"^(Failed to establish connection with worker: "
    r"|OSError: Cannot connect to build worker\(s\): )",
    re.M,
)
NOT_STARTED = "mypy's workers did not start in time; checked in one process"


def workers(config: Config, root: Path, args: Sequence[str], jobs: int) -> list[str]:
    """Return ``--num-workers N`` for mypy's run with ``args``, or nothing.

    ``jobs``: the gate's jobs (``--jobs``, else one per core); never more
    workers than cores, and none on one.
    """
    count = min(jobs, os.cpu_count() or 1)
    folder = _cache_folder(args)
    if count < 2 or folder is None or _warm(folder) or _busy():
        return []
    if os.environ.get(VARIABLE, "").strip():
        return []
    if any(_REFUSED.match(a) for a in args) or _configured(config, root):
        return []
    return [FLAG, str(count)]


def without(args: Sequence[str]) -> list[str]:
    """Return ``args`` without the workers (a run without a cache has none)."""
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip or arg == FLAG:
            skip = not skip
            continue
        kept.append(arg)
    return kept


def failed_to_start(proc: Proc) -> bool:
    """Tell whether mypy stopped because a worker did not start or connect in time."""
    said = proc.stdout + "\n" + proc.stderr
    return proc.returncode not in (0, 1) and bool(_NOT_STARTED.search(said))


def _busy() -> bool:
    """Tell whether the machine is busy already: load average at least its cores."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # none on Windows
        return False
    return load >= (os.cpu_count() or 1)


def _cache_folder(args: Sequence[str]) -> Path | None:
    """Return the cache folder mypy is given (None: none, or no cache)."""
    where = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--cache-dir"]
    if not where or where[-1] == os.devnull:
        return None
    return Path(where[-1])


def _warm(folder: Path) -> bool:
    """Tell whether mypy's cache folder holds a run (a non-empty version folder)."""
    try:
        children = [c for c in folder.iterdir() if c.is_dir()]
        return any(next(c.iterdir(), None) is not None for c in children)
    except FileNotFoundError:
        return False  # mypy makes it
    except OSError:
        return True  # not readable: no claim that it is cold


def _configured(config: Config, root: Path) -> bool:
    """Tell whether mypy's config chooses workers or makes parallel mode refuse."""
    source, table = mypy_config.table(config, root)
    sections: list[dict[str, Any]] = [table]
    if source == "pyproject.toml":
        overrides = table.get("overrides")
        if isinstance(overrides, list):
            sections += [o for o in overrides if isinstance(o, dict)]
    elif source is not None:
        ini = read_ini(root / source)
        sections += [
            dict(ini.items(s)) for s in ini.sections() if s.startswith("mypy-")
        ]
    return any(_refuses(s) for s in sections)


def _refuses(section: dict[str, Any]) -> bool:
    for key, value in section.items():
        name = str(key).replace("-", "_")
        if name == "num_workers" or name.endswith("_report"):
            return True
        if name == "local_partial_types" and str(value).strip().lower() in _FALSE:
            return True
    return False
