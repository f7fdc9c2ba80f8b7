"""The fault battery, tampering and clobbering: hostile neighbours (issue #22).

A self-hosted runner's jobs share the suite's environment; a cache directory
comes back from actions/cache; a repository's tracked symlinks and config
point the suite's writes elsewhere; a folder named as the cache holds the
user's own files.  Each scenario tampers for real (an installed file edited,
a cache row rewritten with its checksum, mypy's own cache forged) and checks
that the gate still fails what fails, writes nothing outside the project the
user did not name, and deletes nothing it did not make.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from bench.fault_model import (
    FLAKE8_ONLY,
    GOOD,
    Case,
    Run,
    Space,
    commit,
    gate,
    unchanged,
)

F401 = '"""Doc."""\n\nimport os\n'

# -- the suite's shared environment ---------------------------------------------------


def _install(space: Space, venv: Path) -> Run:
    suite = space.hooks.parent
    argv = [space.python, "-m", "quality_gates.ci.suite_env", "install"]
    argv += ["--python", space.python, "--suite", str(suite), "--venv", str(venv)]
    return Run(argv, 0, raw=True)


def _gate_from(venv: Path, *args: str, expect: int, says: tuple[str, ...]) -> Run:
    """Run the environment's own ``quality-gates`` (not this checkout's)."""
    argv = ["env", "-u", "PYTHONPATH", str(venv / "bin" / "quality-gates"), *args]
    return Run(argv, expect, says, raw=True)


# one line of pyflakes: unused imports are never reported again
EDIT_PYFLAKES = """\
import pathlib, sys
site = next(pathlib.Path(sys.argv[1]).glob("lib/python*/site-packages"))
checker = site / "pyflakes" / "checker.py"
text = checker.read_text()
line = "if not value.used and value.name not in all_names:"
assert line in text, "pyflakes changed: update the battery"
checker.write_text(text.replace(line, "if False:", 1))
"""
# the same edit in the compiled module only: the source keeps its bytes and
# its mtime, so the interpreter takes the edited .pyc for the source's
EDIT_PYC = """\
import importlib.util, os, pathlib, py_compile, sys
site = next(pathlib.Path(sys.argv[1]).glob("lib/python*/site-packages"))
checker = site / "pyflakes" / "checker.py"
text = checker.read_text()
stat = checker.stat()
line = "if not value.used and value.name not in all_names:"
assert line in text, "pyflakes changed: update the battery"
edited = text.replace(line, "if False:" + " " * (len(line) - len("if False:")), 1)
assert len(edited) == len(text)
checker.write_text(edited)
os.utime(checker, ns=(stat.st_atime_ns, stat.st_mtime_ns))
pyc = importlib.util.cache_from_source(str(checker))
py_compile.compile(str(checker), cfile=pyc, doraise=True)
checker.write_text(text)
os.utime(checker, ns=(stat.st_atime_ns, stat.st_mtime_ns))
"""
# a .pth file runs at every start of the environment's interpreter
DROP_PTH = """\
import pathlib, sys
site = next(pathlib.Path(sys.argv[1]).glob("lib/python*/site-packages"))
marker = sys.argv[2]
(site / "zz_quality.pth").write_text(
    f"import pathlib; pathlib.Path({marker!r}).touch()\\n"
)
"""


def suite_env(edit: str, marker: bool = False) -> Callable[[Space], Case]:
    """Install, tamper, install again (the next job), then gate a failing file."""

    def build(space: Space) -> Case:
        root = space.project({"bad.py": F401})
        venv = space.dir / "env"
        touched = space.dir / "PWNED"
        edit_run = Run([space.python, "-c", edit, str(venv), str(touched)], 0, raw=True)
        runs = [
            _install(space, venv),
            edit_run,
            _install(space, venv),
            _gate_from(
                venv,
                "run",
                "--no-cache",
                "--tools",
                "flake8",
                "bad.py",
                expect=1,
                says=("F401",),
            ),
        ]

        def check() -> list[str]:
            if marker and touched.exists():
                return ["false-pass: the dropped .pth file ran in the next job"]
            return []

        return Case(root, runs, check=check)

    return build


# -- the result cache ----------------------------------------------------------------

# an attacker who can write the cache folder but holds no key: every row's
# findings emptied, and its CRC32 recomputed (whatever else a row carries is
# left as it was)
FORGE_ROWS = """\
import json, sqlite3, sys, zlib
conn = sqlite3.connect(sys.argv[1])
columns = [r[1] for r in conn.execute("PRAGMA table_info(results)")]
forged = 0
for k, v in conn.execute("SELECT k, v FROM results").fetchall():
    try:
        value = json.loads(v)
    except ValueError:
        continue
    if isinstance(value, list) and value and isinstance(value[0], list):
        conn.execute("UPDATE results SET v = '[]' WHERE k = ?", (k,))
        if "crc" in columns:
            crc = zlib.crc32(b"[]")
            conn.execute("UPDATE results SET crc = ? WHERE k = ?", (crc, k))
        forged += 1
conn.commit()
sys.exit(0 if forged else 3)
"""
# a row of a clean file copied, whole, over every other row
COPY_ROWS = """\
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
columns = [r[1] for r in conn.execute("PRAGMA table_info(results)") if r[1] != "k"]
rows = conn.execute(f"SELECT k, {', '.join(columns)} FROM results").fetchall()
clean = [r for r in rows if r[columns.index("v") + 1] == "[]"]
if not clean:
    sys.exit(3)
sets = ", ".join(f"{c} = ?" for c in columns)
for row in rows:
    conn.execute(f"UPDATE results SET {sets} WHERE k = ?", (*clean[0][1:], row[0]))
conn.commit()
"""


def cache_rows(script: str, files: dict[str, str | bytes]) -> Callable[[Space], Case]:
    """Cache a failing file's result, rewrite the rows, run again."""

    def build(space: Space) -> Case:
        root = space.project(files)
        database = space.dir / "cache" / "results.sqlite3"
        args = ("run", "--tools", "flake8", *sorted(files))
        runs = [
            gate(*args, expect=1, says=["F401"]),
            Run([space.python, "-c", script, str(database)], 0, raw=True),
            gate(*args, expect=1, says=["F401"]),
        ]
        return Case(root, runs)

    return build


# mypy's own cache (sqlite shards of its fixed-format records): ok.py edited
# to fail, at the same size, and its recorded hash made the new content's, so
# mypy takes its old, clean record as fresh; the suite's rows deleted
FORGE_MYPY = """\
import hashlib, pathlib, sqlite3, sys
root, cache = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
source = root / "ok.py"
old = hashlib.sha1(source.read_bytes()).hexdigest().encode()
source.write_text('x: str = 1\\n')
new = hashlib.sha1(source.read_bytes()).hexdigest().encode()
forged = 0
for shard in cache.glob("mypy/*/*/cache.*.db"):
    conn = sqlite3.connect(shard)
    for path, data in conn.execute("SELECT path, data FROM files2").fetchall():
        if old in data:
            conn.execute("UPDATE files2 SET data = ? WHERE path = ?",
                         (data.replace(old, new), path))
            forged += 1
    conn.commit()
with sqlite3.connect(cache / "results.sqlite3") as conn:
    conn.execute("DELETE FROM results")
sys.exit(0 if forged else 3)
"""


def mypy_cache_foreign(space: Space) -> Case:
    """Forge mypy's records in a cache folder written under another key."""
    root = space.project({"ok.py": "x: int = 1\n"})
    cache = space.dir / "cache"
    first = gate("run", "--tools", "mypy", "ok.py", expect=0)
    first.env = {"QUALITY_GATES_CACHE_KEY": "the attacker's own key"}
    runs = [
        first,
        Run([space.python, "-c", FORGE_MYPY, str(root), str(cache)], 0, raw=True),
        gate("run", "--tools", "mypy", "ok.py", expect=1, says=["assignment"]),
    ]
    return Case(root, runs)


# -- baseline writes ------------------------------------------------------------------


def _outside(space: Space) -> Path:
    folder = space.dir / "outside"
    folder.mkdir()
    return folder


def _not_created(path: Path) -> list[str]:
    if path.exists():
        return [f"clobbered: {path.name} written outside the project"]
    return []


def baseline_symlink(space: Space) -> Case:
    """Track a baseline symlink to a file outside the repository."""
    outside = _outside(space)
    root = space.project({"bad.py": F401})
    (root / ".quality-gates-baseline.json").symlink_to(outside / "victim.json")
    commit(root)
    run = gate("baseline", expect=2, says=["outside the project", "--baseline"])
    return Case(root, [run], check=lambda: _not_created(outside / "victim.json"))


def baseline_configured(space: Space) -> Case:
    """``baseline = "../outside/base.json"`` in the project's config."""
    outside = _outside(space)
    pyproject = '[tool.quality-gates]\nbaseline = "../outside/base.json"\n'
    root = space.project({"bad.py": F401, "pyproject.toml": pyproject})
    commit(root)
    run = gate("baseline", expect=2, says=["outside the project"])
    return Case(root, [run], check=lambda: _not_created(outside / "base.json"))


def baseline_parent_link(space: Space) -> Case:
    """``baseline = "conf/base.json"``, ``conf`` a tracked symlink to outside."""
    outside = _outside(space)
    pyproject = '[tool.quality-gates]\nbaseline = "conf/base.json"\n'
    root = space.project({"bad.py": F401, "pyproject.toml": pyproject})
    (root / "conf").symlink_to(outside)
    commit(root)
    run = gate("baseline", expect=2, says=["outside the project"])
    return Case(root, [run], check=lambda: _not_created(outside / "base.json"))


def baseline_named(space: Space) -> Case:
    """Name a file outside with ``--baseline`` (the honest twin): it is written."""
    outside = _outside(space)
    root = space.project({"bad.py": F401, "pyproject.toml": FLAKE8_ONLY})
    commit(root)
    target = outside / "base.json"
    run = gate("baseline", "--baseline", str(target), expect=0)

    def check() -> list[str]:
        if not target.is_file():
            return ["unclear: the baseline the user named was not written"]
        return []

    return Case(root, [run], check=check)


# -- cache clear -------------------------------------------------------------------


def cache_clear(kind: str) -> Callable[[Space], Case]:
    """``cache clear`` in a folder the user named, holding things of the user's."""

    def build(space: Space) -> Case:
        root = space.project({"good.py": GOOD})
        folder = space.dir / "mine"
        folder.mkdir()
        mine = space.dir / "mine-elsewhere"
        mine.mkdir()
        (mine / "notes.txt").write_text("mine\n")
        kept: Path
        if kind == "mypy-folder":
            (folder / "mypy").mkdir()
            kept = folder / "mypy" / "notes.txt"
            kept.write_text("mine\n")
        elif kind == "mypy-symlink":
            (folder / "mypy").symlink_to(mine)
            kept = folder / "mypy"
        else:
            kept = folder / "results.sqlite3"
            kept.write_text("mine\n")
        run = gate("cache", "clear", expect=0)

        def check() -> list[str]:
            problems = unchanged(mine / "notes.txt", b"mine\n")
            if not (kept.exists() or kept.is_symlink()):
                problems.append(f"clobbered: cache clear deleted {kept.name}")
            return problems

        return Case(
            root, [run], env={"QUALITY_GATES_CACHE_DIR": str(folder)}, check=check
        )

    return build


Row = tuple[str, str, Callable[[Space], Case]]
# each installs the suite's environment twice (~10-30 s a time)
SLOW = {"suite-env-tampered", "suite-env-pyc", "suite-env-pth"}
ISSUE: list[Row] = [
    (
        "suite-env-tampered",
        "a line of pyflakes edited in the shared environment",
        suite_env(EDIT_PYFLAKES),
    ),
    (
        "cache-row-forged",
        "a result row edited with its CRC32",
        cache_rows(FORGE_ROWS, {"bad.py": F401}),
    ),
    (
        "baseline-symlink-outside",
        "a tracked baseline symlink to outside",
        baseline_symlink,
    ),
    (
        "cache-clear-foreign-mypy",
        "cache clear, a mypy/ it did not make",
        cache_clear("mypy-folder"),
    ),
]
OWN: list[Row] = [
    (
        "suite-env-pyc",
        "pyflakes edited in its .pyc only",
        suite_env(EDIT_PYC),
    ),
    (
        "suite-env-pth",
        "a .pth file dropped in the shared environment",
        suite_env(DROP_PTH, marker=True),
    ),
    (
        "cache-row-copied",
        "a clean file's row copied over a failing one",
        cache_rows(COPY_ROWS, {"bad.py": F401, "good.py": GOOD}),
    ),
    (
        "mypy-cache-foreign",
        "mypy's records forged in a foreign cache",
        mypy_cache_foreign,
    ),
    (
        "baseline-configured-outside",
        "baseline = ../outside in config",
        baseline_configured,
    ),
    (
        "baseline-parent-symlink",
        "baseline under a symlinked folder",
        baseline_parent_link,
    ),
    ("baseline-named-outside", "--baseline names a file outside", baseline_named),
    (
        "cache-clear-symlink",
        "cache clear, mypy/ a symlink of the user's",
        cache_clear("mypy-symlink"),
    ),
    (
        "cache-clear-foreign-db",
        "cache clear, a results.sqlite3 it did not make",
        cache_clear("database"),
    ),
]


if __name__ == "__main__":
    sys.exit("run bench/faults.py")
