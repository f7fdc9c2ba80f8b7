"""The fault battery, crashes, hangs, leaks and unclear messages (issue #22).

File names at the file system's limits (255 bytes, not UTF-8), signals sent
to the gate process alone while its tools run (SIGINT, SIGTERM), a cache lock
another process holds, tools' own config errors, sparse checkouts and mypy's
``exclude``: each must end in a finding or one clear line, promptly, leaving
no process and no temporary file behind.
"""

from __future__ import annotations

import os
import signal
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
from collections.abc import Callable
from pathlib import Path

from bench.fault_model import (
    GOOD,
    Case,
    Result,
    Run,
    Signal,
    Space,
    commit,
    gate,
    git,
)

F401 = '"""Doc."""\n\nimport os\n'
MYPY_BAD = '"""Doc."""\n\nx: int = "text"\n'

# -- file names -----------------------------------------------------------------------


def long_name(space: Space) -> Case:
    """Name a module with 255 bytes, the most one path component holds."""
    name = "n" * 252 + ".py"
    root = space.project({name: F401, "good.py": GOOD})
    commit(root)
    run = gate("run", "--all-files", expect=1, says=[f"{name}:3:1: flake8 F401"])
    return Case(root, [run])


def latin1_name(excluded: bool) -> Callable[[Space], Case]:
    r"""Name a module in Latin-1, not UTF-8 (``caf\xe9.py``).

    flake8 cannot print such a name and mypy stops on it: the gate names the
    file and what to do, once; excluded, the other files are checked.
    """

    def build(space: Space) -> Case:
        files: dict[str, str | bytes] = {"bad.py": F401}
        if excluded:
            files["pyproject.toml"] = '[tool.quality-gates]\nexclude = ["caf*"]\n'
        root = space.project(files)
        with open(os.fsencode(root) + b"/caf\xe9.py", "w") as handle:
            handle.write(F401)
        commit(root)
        if excluded:
            run = gate("run", "--all-files", expect=1, says=["bad.py:3:1: flake8 F401"])
        else:
            says = ["caf\\xe9.py: a file name that is not UTF-8", "rename"]
            run = gate("run", "--all-files", expect=2, says=says)
        return Case(root, [run])

    return build


# -- signals -----------------------------------------------------------------------


def many_modules(root: Path, count: int, *, formatted: bool = True) -> None:
    """Write ``count`` modules of ~2 KB each, one unused import in each."""
    body = "".join(
        f"\n\ndef function_{i}(value):\n    return value * {i}\n" for i in range(40)
    )
    if not formatted:
        body = body.replace("value * ", "value  *  ")
    for index in range(count):
        folder = root / f"pkg{index // 100}"
        folder.mkdir(exist_ok=True)
        (folder / f"mod{index}.py").write_text(
            f'"""Module {index}."""\n\nimport os\n' + body
        )


def _no_litter(space: Space, root: Path) -> list[str]:
    problems = [
        f"litter: {p.name} left in the temporary folder"
        for p in sorted((space.dir / "tmp").iterdir())
    ]
    for folder in (root, space.dir / "cache"):
        if folder.is_dir():
            problems += [
                f"litter: {p.relative_to(space.dir)} left"
                for p in folder.rglob("*.tmp")
            ]
    listed = git(root, "worktree", "list", "--porcelain")
    extra = [ln for ln in listed.splitlines() if ln.startswith("worktree ")][1:]
    return problems + [f"litter: worktree {ln[9:]} still registered" for ln in extra]


def signalled(
    number: int, *args: str, says: str, after: str | float = "checking"
) -> Callable[[Space], Case]:
    """Signal the gate alone while its tools check 1,000 modules."""

    def build(space: Space) -> Case:
        root = space.project({})
        many_modules(root, 1000, formatted="--fix" not in args)
        commit(root)
        run = gate(*args, expect=2, says=[says])
        run.signal = Signal(number, after, within=5.0)
        return Case(root, [run], check=lambda: _no_litter(space, root))

    return build


def dashboard_signalled(space: Space) -> Case:
    """SIGTERM while dashboard scores a past commit in a temporary worktree."""
    pyproject = '[tool.quality-gates]\ntools = ["flake8", "bandit"]\n'
    root = space.project({"pyproject.toml": pyproject})
    many_modules(root, 60)
    commit(root, "first")
    (root / "more.py").write_text(GOOD)
    commit(root, "second")
    run = gate(
        "dashboard",
        "--commits",
        "2",
        "--no-cache",
        "--output",
        "d.html",
        expect=2,
        says=["terminated"],
    )
    run.signal = Signal(signal.SIGTERM, "[1/2]", within=5.0)
    return Case(root, [run], check=lambda: _no_litter(space, root))


# -- the cache's lock -------------------------------------------------------------

# holds the cache's write lock (read lock too with locking_mode=EXCLUSIVE) for
# a while, in a session of its own; says when it has it
HOLD = """\
import os, sqlite3, sys, time
database, seconds, mode, ready = sys.argv[1:5]
seconds = float(seconds)
if os.fork():
    for _ in range(200):
        if os.path.exists(ready):
            sys.exit(0)
        time.sleep(0.05)
    sys.exit(3)
os.setsid()
conn = sqlite3.connect(database, isolation_level=None)
if mode == "exclusive":
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("DELETE FROM results WHERE k = 'nothing'")
open(ready, "w").close()
time.sleep(seconds)
conn.execute("COMMIT")
"""


def lock_held(mode: str, *, interrupt: bool = False) -> Callable[[Space], Case]:
    """Another process holds the cache's lock; the gate says it waits, at once."""

    def build(space: Space) -> Case:
        root = space.project({"bad.py": F401})
        database = space.dir / "cache" / "results.sqlite3"
        ready = space.dir / "locked"
        hold = [space.python, "-c", HOLD, str(database), "8", mode, str(ready)]
        edit = [space.python, "-c", "open('bad.py', 'a').write('import sys\\n')"]
        check = gate("run", "--tools", "flake8", "bad.py", expect=1, says=["waiting"])
        if interrupt:
            check = gate(
                "run", "--tools", "flake8", "bad.py", expect=2, says=["interrupted"]
            )
            check.signal = Signal(signal.SIGINT, 2.0, within=3.0)
        runs = [
            gate("run", "--tools", "flake8", "bad.py", expect=1),
            Run(edit, 0, raw=True),
            Run(hold, 0, raw=True),
            check,
        ]
        return Case(root, runs, env={"QUALITY_GATES_CACHE_TIMEOUT": "30"})

    return build


# -- tools' own errors ----------------------------------------------------------------


def flake8_option(setting: str, *says: str) -> Callable[[Space], Case]:
    """Give flake8 a malformed option: flake8's own reason, on one line."""

    def build(space: Space) -> Case:
        root = space.project({"good.py": GOOD, ".flake8": f"[flake8]\n{setting}\n"})
        run = gate("run", "--tools", "flake8", "good.py", expect=2, says=list(says))
        return Case(root, [run])

    return build


def sparse(cone: bool) -> Callable[[Space], Case]:
    """Check out sparsely: the files left out are said once, with the cause."""

    def build(space: Space) -> Case:
        files: dict[str, str | bytes] = {}
        for folder in ("inside", "elsewhere"):
            for index in range(20):
                files[f"{folder}/m{index}.py"] = GOOD
        root = space.project(files)
        commit(root)
        pattern = ["inside"] if cone else ["--no-cone", "/inside/"]
        subprocess.run(  # nosec B603 B607
            ["git", "sparse-checkout", "set", *pattern], cwd=root, check=True
        )
        run = gate("run", "--all-files", "--tools", "flake8", expect=0, says=["sparse"])

        def inspect(results: list[Result]) -> list[str]:
            output = results[0].stdout + results[0].stderr
            lines = [
                ln for ln in output.splitlines() if "elsewhere/" in ln or "sparse" in ln
            ]
            if len(lines) != 1:
                return [f"unclear: {len(lines)} lines about the files outside it"]
            return []

        return Case(root, [run], inspect=inspect)

    return build


def mypy_exclude(value: str) -> Callable[[Space], Case]:
    """Give mypy an ``exclude`` regex Python rejects; mypy runs on named files."""

    def build(space: Space) -> Case:
        pyproject = f"[tool.mypy]\nexclude = {value}\n"
        root = space.project({"bad.py": MYPY_BAD, "pyproject.toml": pyproject})
        run = gate("run", "--tools", "mypy", "bad.py", expect=1, says=["assignment"])
        return Case(root, [run])

    return build


Row = tuple[str, str, Callable[[Space], Case]]
FULL = "black,isort,flake8,mypy,bandit"
ISSUE: list[Row] = [
    ("name-255-bytes", "a module named with 255 bytes", long_name),
    (
        "name-not-utf8",
        "a module named caf\\xe9.py (Latin-1)",
        latin1_name(excluded=False),
    ),
    (
        "sigint-queued-batches",
        "SIGINT to the gate alone, 1,000 modules",
        signalled(
            signal.SIGINT,
            "run",
            "--all-files",
            "--no-cache",
            "--jobs",
            "2",
            says="interrupted",
        ),
    ),
    (
        "sigterm-tools-running",
        "SIGTERM to the gate alone, 1,000 modules",
        signalled(
            signal.SIGTERM,
            "run",
            "--all-files",
            "--no-cache",
            "--jobs",
            "2",
            says="terminated",
        ),
    ),
    ("cache-lock-held", "another process holds the cache's lock", lock_held("write")),
    (
        "flake8-malformed-option",
        "per-file-ignores with no colon",
        flake8_option(
            "per-file-ignores = foo.py", "Expected `per-file-ignores` to be a mapping"
        ),
    ),
    ("sparse-checkout", "a sparse checkout (cone)", sparse(cone=True)),
    ("mypy-exclude-regex", "mypy exclude '(unclosed'", mypy_exclude('"(unclosed"')),
]
OWN: list[Row] = [
    (
        "name-not-utf8-excluded",
        "a Latin-1 module name, excluded",
        latin1_name(excluded=True),
    ),
    (
        "sigint-fix",
        "SIGINT while --fix rewrites 1,000 modules",
        signalled(
            signal.SIGINT,
            "run",
            "--fix",
            "--all-files",
            "--no-cache",
            "--jobs",
            "2",
            "--tools",
            "black,isort",
            says="interrupted",
            after=5.0,
        ),
    ),
    (
        "sigterm-dashboard",
        "SIGTERM while dashboard scores history",
        dashboard_signalled,
    ),
    (
        "sigint-cache-wait",
        "SIGINT while waiting for the cache's lock",
        lock_held("exclusive", interrupt=True),
    ),
    ("cache-lock-held-read", "the cache locked for reads too", lock_held("exclusive")),
    (
        "flake8-malformed-number",
        "max-line-length = eighty",
        flake8_option("max-line-length = eighty", ".flake8", "'eighty'"),
    ),
    ("sparse-checkout-non-cone", "a sparse checkout (patterns)", sparse(cone=False)),
    (
        "mypy-exclude-list",
        "mypy exclude list, one regex invalid",
        mypy_exclude('["^build/", "(unclosed"]'),
    ),
]


if __name__ == "__main__":
    sys.exit("run bench/faults.py")
