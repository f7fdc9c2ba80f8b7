"""Rewrite a coverage data file so its paths are relative to a root folder.

Run by the *tested* project's interpreter (it needs only coverage.py, which
pytest-cov brings), as ``python relative_coverage.py DATA_FILE ROOT``.  Matrix
cells check out to different folders on different runners; relative paths
let the job after the matrix anchor them in its own checkout
(``anchor``) before it combines and reports them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence


def relative(path: str, root: str) -> str:
    """``path`` relative to ``root`` when it lies inside it, else unchanged."""
    absolute = os.path.abspath(path)
    inside = os.path.commonpath([absolute, root]) == root
    return os.path.relpath(absolute, root).replace(os.sep, "/") if inside else path


def anchored(path: str, root: str) -> str:
    """Join a relative ``path`` to ``root``; leave an absolute one unchanged."""
    return path if os.path.isabs(path) else os.path.join(root, path)


def _map(data_file: str, mapping: Callable[[str], str]) -> int:
    from coverage import CoverageData

    source = CoverageData(basename=data_file)
    source.read()
    target = CoverageData(basename=data_file + ".rewritten")
    target.update(source, map_path=mapping)
    target.write()
    count = len(target.measured_files())
    os.replace(data_file + ".rewritten", data_file)
    return count


def rewrite(data_file: str, root: str) -> int:
    """Make the paths in ``data_file`` relative to ``root``; return the file count."""
    real = os.path.realpath(root)
    return _map(data_file, lambda p: relative(os.path.realpath(p), real))


def anchor(data_file: str, root: str) -> int:
    """Make relative paths in ``data_file`` absolute under ``root`` (the reverse)."""
    real = os.path.realpath(root)
    return _map(data_file, lambda p: anchored(p, real))


def main(argv: Sequence[str] | None = None) -> int:
    """``DATA_FILE ROOT``: exit 2 with a message when the file cannot be read."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: relative_coverage.py DATA_FILE ROOT", file=sys.stderr)
        return 2
    if not os.path.isfile(args[0]):
        print(f"{args[0]}: no coverage data (did pytest-cov run?)", file=sys.stderr)
        return 2
    print(
        f"{args[0]}: {rewrite(args[0], args[1])} measured file(s), paths made relative"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
