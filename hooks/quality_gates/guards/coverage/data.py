"""Coverage data as the gate reads it: totals and per-file statements.

Two inputs, told apart by their first bytes: coverage.py's SQLite data file
(``.coverage``, what pytest-cov writes), read through the ``coverage`` API with
the project's own coverage config (omit, exclude_lines, paths), and a
Cobertura ``coverage.xml``.  A missing, empty, truncated or foreign file is a
``GateError``, never 0 %, never a pass.

``combine(paths)`` merges the ``.coverage.*`` files of parallel or matrix runs
into one data file, refusing unreadable inputs that coverage.py itself would
only warn about and skip.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import coverage
from coverage.exceptions import CoverageException
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from quality_gates.errors import GateError

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclasses.dataclass
class FileCoverage:
    """Executable and missed lines of one source file."""

    statements: set[int]
    missing: set[int]


@dataclasses.dataclass
class CoverageData:
    """What one data file says: the total and every measured file."""

    source: Path
    kind: str  # "sqlite" or "xml"
    percent: float
    files: dict[str, FileCoverage]
    config_fail_under: float | None = None


def kind_of(path: Path) -> str:
    """``sqlite`` or ``xml`` from the first bytes; a clear error otherwise."""
    try:
        with path.open("rb") as handle:
            head = handle.read(256)
    except FileNotFoundError:
        raise GateError(
            f"{path}: no coverage data; run the tests with coverage first "
            "(python -m pytest --cov)"
        )
    except OSError as exc:
        raise GateError(f"{path}: cannot read: {exc.strerror}")
    if not head:
        raise GateError(f"{path}: empty coverage data file; run the tests again")
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "xml"
    raise GateError(
        f"{path}: not coverage data (neither a coverage.py SQLite file nor "
        "Cobertura XML)"
    )


def read(path: Path, root: Path) -> CoverageData:
    """Read either kind of data file; paths become relative to ``root``."""
    if kind_of(path) == "sqlite":
        return read_sqlite(path, root)
    data = read_xml(path, root)
    data.config_fail_under = config_fail_under(root)
    return data


def config_fail_under(root: Path) -> float | None:
    """Return coverage.py's own ``[report] fail_under`` of the project, if set."""
    with contextlib.chdir(root):
        try:
            value = float(coverage.Coverage(config_file=True).config.fail_under)
        except CoverageException as exc:
            raise GateError(f"coverage config: {_one_line(exc)}")
    return value or None


def _relative(name: str, root: Path) -> str:
    full = Path(name) if os.path.isabs(name) else root / name
    try:
        return Path(os.path.realpath(full)).relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(name).as_posix()


def _json_report(cov: coverage.Coverage) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="qg-coverage-") as tmp:
        out = Path(tmp) / "coverage.json"
        cov.json_report(outfile=str(out))
        data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return data


def read_sqlite(path: Path, root: Path) -> CoverageData:
    """Read a ``.coverage`` file through coverage.py, with the project's config.

    coverage.py reads its config (.coveragerc, setup.cfg, tox.ini,
    pyproject.toml) from the current folder, so this runs in ``root``.
    """
    with contextlib.chdir(root):
        try:
            cov = coverage.Coverage(data_file=str(path.resolve()), config_file=True)
            cov.load()
            if not cov.get_data().measured_files():
                raise GateError(
                    f"{path}: no measured files in the coverage data; did the "
                    "tests import the package? (check --cov=PACKAGE)"
                )
            report = _json_report(cov)
        except CoverageException as exc:
            raise GateError(f"{path}: {_one_line(exc)}")
        fail_under = float(cov.config.fail_under) or None
    files = {
        _relative(name, root): FileCoverage(
            statements=set(info["executed_lines"]) | set(info["missing_lines"]),
            missing=set(info["missing_lines"]),
        )
        for name, info in report["files"].items()
    }
    if not files:
        raise GateError(
            f"{path}: every measured file is omitted by the coverage config"
        )
    percent = float(report["totals"]["percent_covered"])
    return CoverageData(path, "sqlite", percent, files, fail_under)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if "No source for code" in text:
        text += (
            " (the data was recorded in another folder: map it with "
            "[tool.coverage.paths] and --combine)"
        )
    return text


def _xml_path(filename: str, sources: Sequence[str], root: Path) -> str:
    """Make a Cobertura ``filename`` relative to ``root`` through ``<source>``."""
    for source in sources:
        parts = Path(source).parts
        # the recorded folder, then its tails: CI recorded /home/runner/work/x/x/src
        for start in range(len(parts)):
            candidate = (
                Path(*parts[start:], filename) if parts[start:] else Path(filename)
            )
            full = candidate if candidate.is_absolute() else root / candidate
            if full.is_file():
                return _relative(str(full), root)
    return _relative(filename, root)


def _xml_files(doc: Any, root: Path) -> dict[str, FileCoverage]:
    sources = [s.text.strip() for s in doc.iter("source") if s.text and s.text.strip()]
    files: dict[str, FileCoverage] = {}
    for cls in doc.iter("class"):
        name = cls.get("filename")
        if not name:
            continue
        entry = files.setdefault(
            _xml_path(name, sources, root), FileCoverage(set(), set())
        )
        for line in cls.iter("line"):
            number, hits = int(line.get("number", "0")), int(line.get("hits", "0"))
            entry.statements.add(number)
            if hits == 0:
                entry.missing.add(number)
    return files


def _xml_percent(doc: Any, files: dict[str, FileCoverage]) -> float:
    valid = int(
        doc.get("lines-valid") or sum(len(f.statements) for f in files.values())
    )
    if doc.get("lines-covered") is not None:
        covered = int(doc.get("lines-covered"))
    else:
        covered = sum(len(f.statements - f.missing) for f in files.values())
    branches = int(doc.get("branches-valid") or 0)
    branches_covered = int(doc.get("branches-covered") or 0)
    if valid + branches == 0:
        return 100.0
    return 100.0 * (covered + branches_covered) / (valid + branches)


def read_xml(path: Path, root: Path) -> CoverageData:
    """Read a Cobertura ``coverage.xml`` (coverage.py's ``xml`` report, others)."""
    try:
        doc = ElementTree.parse(str(path)).getroot()
    except ElementTree.ParseError as exc:
        raise GateError(f"{path}: not valid XML: {exc}")
    except DefusedXmlException as exc:
        raise GateError(f"{path}: refused unsafe XML: {exc}")
    if doc.tag != "coverage":
        raise GateError(f"{path}: not a Cobertura coverage report (root <{doc.tag}>)")
    try:
        files = _xml_files(doc, root)
        percent = _xml_percent(doc, files)
    except ValueError as exc:
        raise GateError(f"{path}: malformed Cobertura numbers: {exc}")
    if not files:
        raise GateError(f"{path}: no measured files in the coverage report")
    return CoverageData(path, "xml", percent, files)


def parallel_files(data_file: Path) -> list[Path]:
    """List the ``.coverage.*`` files beside ``data_file`` (parallel, matrix)."""
    folder = data_file.parent
    return sorted(
        p
        for p in folder.glob(f"{data_file.name}.*")
        if p.is_file() and not p.name.endswith((".tmp", "-journal", ".lock"))
    )


def _check_input(path: Path) -> None:
    if kind_of(path) != "sqlite":
        raise GateError(f"{path}: cannot combine: not a coverage.py data file")
    try:
        coverage.CoverageData(basename=str(path)).read()
    except CoverageException as exc:
        raise GateError(f"{path}: cannot combine: {_one_line(exc)}")


def combine(
    paths: Iterable[Path], *, target: Path | None = None, root: Path | None = None
) -> Path:
    """Combine coverage data files into one; return the combined file.

    ``target`` defaults to ``.coverage`` beside the first input; the inputs
    are kept.

    Every input is checked first: coverage.py would warn about an unreadable
    file and skip it, which would gate on partial data.  ``[tool.coverage.paths]``
    in the project at ``root`` (default: the target's folder) remaps paths
    recorded on other machines.
    """
    inputs = [Path(p).resolve() for p in paths]
    if not inputs:
        raise GateError("--combine: no coverage data files to combine")
    for path in inputs:
        _check_input(path)
    out = (target or inputs[0].parent / ".coverage").resolve()
    fd, tmp = tempfile.mkstemp(
        dir=out.parent, prefix=f"{out.name}-combining-", suffix=".tmp"
    )
    os.close(fd)
    os.unlink(tmp)
    try:
        with contextlib.chdir(root or out.parent):
            cov = coverage.Coverage(data_file=tmp, config_file=True)
            cov.combine(data_paths=[str(p) for p in inputs], strict=True, keep=True)
            cov.save()
        os.replace(tmp, out)
    except CoverageException as exc:
        raise GateError(f"--combine: {_one_line(exc)}")
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return out


SETTINGS = {
    "data": "a path",
    "fail-under": "a number from 0 to 100",
    "changed-fail-under": "a number from 0 to 100",
    "tolerance": "a number of percentage points (0 or more)",
    "ratchet": "a path",
}


def settings(section: dict[str, Any]) -> dict[str, Any]:
    """Validate ``[tool.quality-gates.coverage]``; keys as in ``SETTINGS``."""
    out: dict[str, Any] = {}
    for key, value in section.items():
        what = SETTINGS.get(key)
        if what is None:
            raise GateError(f"[tool.quality-gates.coverage] unknown key {key!r}")
        if what == "a path":
            ok = isinstance(value, str) and bool(value)
        else:
            ok = not isinstance(value, bool) and isinstance(value, (int, float))
            ok = ok and value >= 0 and (key == "tolerance" or value <= 100)
        if not ok:
            raise GateError(
                f"[tool.quality-gates.coverage] {key}: expected {what}, got {value!r}"
            )
        out[key] = value if what == "a path" else float(value)
    return out
