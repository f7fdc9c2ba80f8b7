"""Rewrite a coverage data file so its paths are relative to a root folder.

Run by the *tested* project's interpreter (it needs only coverage.py, which
pytest-cov brings), as ``python relative_coverage.py DATA_FILE ROOT``.  Matrix
cells check out to different folders on different runners; relative paths
let the job after the matrix combine and report them in its own checkout.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def relative(path: str, root: str) -> str:
    """``path`` relative to ``root`` when it lies inside it, else unchanged."""
    absolute = os.path.abspath(path)
    inside = os.path.commonpath([absolute, root]) == root
    return os.path.relpath(absolute, root).replace(os.sep, "/") if inside else path


def rewrite(data_file: str, root: str) -> int:
    """Rewrite ``data_file`` in place; return how many files it measured."""
    from coverage import CoverageData

    root = os.path.realpath(root)
    source = CoverageData(basename=data_file)
    source.read()
    target = CoverageData(basename=data_file + ".relative")
    target.update(source, map_path=lambda p: relative(os.path.realpath(p), root))
    target.write()
    count = len(target.measured_files())
    os.replace(data_file + ".relative", data_file)
    return count


def main(argv: Sequence[str] | None = None) -> int:
    """``DATA_FILE ROOT``: exit 2 with a message when the file cannot be read."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: relative_coverage.py DATA_FILE ROOT", file=sys.stderr)
        return 2
    if not os.path.isfile(args[0]):
        print(f"{args[0]}: no coverage data (did pytest-cov run?)", file=sys.stderr)
        return 2
    print(f"{args[0]}: {rewrite(args[0], args[1])} measured file(s), paths made relative")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
