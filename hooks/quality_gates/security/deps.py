"""Which dependencies to audit: requirements files, pyproject.toml, or the environment.

Every dependency is a name and one exact version.  A requirement pinned with
``==`` gives its version; an unpinned one is audited at the version installed
in the environment when that satisfies it, and is otherwise listed as not
audited (never silently dropped).
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import os
import re
import shlex
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version
from quality_gates.errors import GateError
from quality_gates.security import python_query
from quality_gates.security.markers import Markers

ENVIRONMENT = "environment"
_COMMENT = re.compile(r"(^|\s+)#.*$")
_INCLUDE = ("-r", "--requirement")
_SKIPPED_OPTIONS = ("-c", "--constraint", "-e", "--editable")
# read at most this much of a requirements file (-r /dev/zero never ends)
MAX_REQUIREMENTS_BYTES = 16 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Dependency:
    """One dependency at one exact version, and where it was declared."""

    name: str
    version: str
    source: str = ENVIRONMENT
    line: int = 0

    @property
    def key(self) -> str:
        """The PEP 503 normalised name."""
        return canonicalize_name(self.name)


@dataclasses.dataclass
class Collected:
    """The dependencies to audit, those that cannot be, and those not for here.

    ``excluded``: declared requirements whose environment marker excludes the
    audited Python (``foo; python_version < "3.8"``), for which ``python`` is
    the version the markers were evaluated with.
    """

    dependencies: list[Dependency] = dataclasses.field(default_factory=list)
    unaudited: list[str] = dataclasses.field(default_factory=list)
    origin: str = ENVIRONMENT
    excluded: list[str] = dataclasses.field(default_factory=list)
    python: str = ""

    def add(self, req: Requirement, outcome: Dependency | str | None) -> None:
        """Record what ``resolve`` made of ``req``."""
        if isinstance(outcome, Dependency):
            self.dependencies.append(outcome)
        elif outcome:
            self.unaudited.append(outcome)
        else:
            self.excluded.append(str(req))


def installed_versions(python: str | None = None) -> dict[str, tuple[str, str]]:
    """Normalised name -> (name, version) of every distribution installed.

    ``python`` is another interpreter whose environment to read; None is the
    environment quality-gates runs in.
    """
    if python is None:
        pairs = [
            (d.metadata["Name"], d.version) for d in importlib.metadata.distributions()
        ]
    else:
        pairs = _other_interpreter(python)
    found: dict[str, tuple[str, str]] = {}
    for name, version in pairs:
        if name and version:
            found.setdefault(canonicalize_name(name), (str(name), str(version)))
    return found


_LIST_SCRIPT = (
    "import importlib.metadata as m, json; "
    "print(json.dumps([[d.metadata['Name'], d.version] for d in m.distributions()]))"
)


def _other_interpreter(python: str) -> list[tuple[str, str]]:
    rows = python_query.run_json(python, _LIST_SCRIPT, "list its packages")
    if not isinstance(rows, list):
        raise GateError(
            f"python-executable {python}: cannot list its packages: "
            f"not a list: {rows!r:.80}"
        )
    return [(str(r[0]), str(r[1])) for r in rows if isinstance(r, list) and len(r) == 2]


def from_environment(python: str | None = None) -> Collected:
    """Every installed distribution, at its installed version."""
    found = installed_versions(python)
    deps = [Dependency(name, version) for name, version in found.values()]
    return Collected(sorted(deps, key=lambda d: d.key), [], ENVIRONMENT)


def pinned_version(req: Requirement) -> str | None:
    """Return the exact version of ``name==1.2`` (or ``===``), else None."""
    specs = list(req.specifier)
    if (
        len(specs) == 1
        and specs[0].operator in ("==", "===")
        and "*" not in specs[0].version
    ):
        return specs[0].version
    return None


def resolve(
    req: Requirement,
    installed: dict[str, tuple[str, str]],
    *,
    source: str,
    line: int,
    markers: Markers | None = None,
) -> Dependency | str | None:
    """Return a Dependency, why it cannot be audited, or None if its marker is false.

    ``markers``: the audited Python's (default: the one running here).
    """
    if not (markers or Markers()).applies(req):
        return None
    where = f"{source}:{line}" if line else source
    if req.url:
        return f"{req.name} ({where}): a URL requirement has no version to audit"
    version = pinned_version(req)
    if version is not None:
        return Dependency(req.name, version, source, line)
    have = installed.get(canonicalize_name(req.name))
    if have and req.specifier.contains(have[1], prereleases=True):
        return Dependency(req.name, have[1], source, line)
    return (
        f"{req.name} ({where}): not pinned with == and not installed; "
        "pin it or install it"
    )


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) with comments removed and continuations joined."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        body = _COMMENT.sub("", raw)
        if not pending:
            start = number
        if body.endswith("\\"):
            pending.append(body[:-1])
            continue
        pending.append(body)
        joined = " ".join(part.strip() for part in pending).strip()
        pending = []
        if joined:
            yield start, joined
    if pending and " ".join(pending).strip():
        yield start, " ".join(p.strip() for p in pending).strip()


def _read_text(path: Path, shown: str) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_REQUIREMENTS_BYTES + 1)
        if len(data) > MAX_REQUIREMENTS_BYTES:
            raise GateError(
                f"{shown}: more than {MAX_REQUIREMENTS_BYTES} bytes: "
                "not a requirements file"
            )
        return data.decode("utf-8")
    except FileNotFoundError:
        raise GateError(f"{shown}: no such requirements file")
    except IsADirectoryError:
        raise GateError(f"{shown}: is a folder, not a requirements file")
    except UnicodeDecodeError as exc:
        raise GateError(f"{shown}: not UTF-8 (byte {exc.start}); save it as UTF-8")
    except OSError as exc:
        raise GateError(f"{shown}: cannot read: {exc.strerror}")


def _option(words: Sequence[str]) -> tuple[str, str | None]:
    """('-r', 'other.txt') from '-r other.txt', '-rother.txt' or '--requirement=x'."""
    first = words[0]
    if "=" in first and first.startswith("--"):
        name, _, value = first.partition("=")
        return name, value
    if first.startswith("-r") and first != "-r" and not first.startswith("--"):
        return "-r", first[2:]
    return first, words[1] if len(words) > 1 else None


def _display(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


class RequirementsReader:
    """Reads requirements files, following ``-r`` includes once each."""

    def __init__(
        self,
        root: Path,
        installed: dict[str, tuple[str, str]],
        markers: Markers | None = None,
    ) -> None:
        """Read relative to ``root``; unpinned names resolve against ``installed``."""
        self.root = root
        self.installed = installed
        self.markers = markers or Markers()
        self.result = Collected(origin="requirements")
        self._seen: set[Path] = set()

    def read(self, path: Path) -> None:
        """Read one requirements file and what it includes."""
        resolved = path.resolve()
        if resolved in self._seen:
            return
        self._seen.add(resolved)
        shown = _display(self.root, path)
        for number, text in logical_lines(_read_text(path, shown)):
            self._line(path, shown, number, text)

    def _line(self, path: Path, shown: str, number: int, text: str) -> None:
        if text.startswith("-"):
            try:
                words = shlex.split(text)
            except ValueError as exc:
                raise GateError(f"{shown}:{number}: cannot parse option line: {exc}")
            name, value = _option(words)
            if name in _INCLUDE:
                if not value:
                    raise GateError(f"{shown}:{number}: {name} needs a file name")
                self.read(path.parent / value)
            elif name in ("-e", "--editable"):
                self.result.unaudited.append(
                    f"{value} ({shown}:{number}): an editable requirement "
                    "has no version to audit"
                )
            return  # index options, constraints, --pre, --hash lines: not dependencies
        spec = re.split(r"\s+--?[a-z]", text, maxsplit=1)[0].strip()
        try:
            req = Requirement(spec)
        except InvalidRequirement as exc:
            raise GateError(f"{shown}:{number}: not a valid requirement: {exc}")
        outcome = resolve(
            req, self.installed, source=shown, line=number, markers=self.markers
        )
        self.result.add(req, outcome)


def from_requirements(
    root: Path,
    paths: Sequence[str],
    installed: dict[str, tuple[str, str]],
    markers: Markers | None = None,
) -> Collected:
    """Every requirement of the named files (and the files they include)."""
    reader = RequirementsReader(root, installed, markers)
    for name in paths:
        path = Path(name)
        reader.read(path if path.is_absolute() else Path.cwd() / path)
    return reader.result


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 0


def _declared(project: dict[str, Any]) -> list[str] | None:
    """Return ``[project] dependencies``; None when they are computed at build time.

    No ``dependencies`` key (and not ``dynamic``) declares there are none.
    """
    if "dependencies" not in project:
        dynamic = project.get("dynamic")
        if isinstance(dynamic, list) and "dependencies" in dynamic:
            return None
        return []
    declared = project["dependencies"]
    if not isinstance(declared, list) or not all(isinstance(d, str) for d in declared):
        raise GateError(
            "pyproject.toml: [project] dependencies must be a list of strings"
        )
    return declared


def from_pyproject(
    root: Path,
    pyproject: dict[str, Any],
    installed: dict[str, tuple[str, str]],
    markers: Markers | None = None,
) -> Collected | None:
    """Return ``[project] dependencies``; None without a [project] table.

    A [project] table without ``dependencies`` (not ``dynamic`` either)
    declares that the project has none: nothing to audit, said in a note.
    """
    project = pyproject.get("project")
    if not isinstance(project, dict):
        return None
    declared = _declared(project)
    if declared is None:
        return None
    text = (root / "pyproject.toml").read_text(encoding="utf-8", errors="replace")
    result = Collected(origin="pyproject.toml")
    for spec in declared:
        try:
            req = Requirement(spec)
        except InvalidRequirement as exc:
            raise GateError(f"pyproject.toml: [project] dependencies: {spec!r}: {exc}")
        outcome = resolve(
            req,
            installed,
            source="pyproject.toml",
            line=_line_of(text, spec),
            markers=markers,
        )
        result.add(req, outcome)
    return result


def collect(
    root: Path,
    requirements: Sequence[str],
    pyproject: dict[str, Any],
    *,
    python: str | None = None,
) -> Collected:
    """Collect requirements files, else pyproject dependencies, else the environment."""
    installed = installed_versions(python)
    markers = Markers(python)
    if requirements:
        read = from_requirements(root, requirements, installed, markers)
        return _checked(_unique(_for(read, markers)))
    declared = from_pyproject(root, pyproject, installed, markers)
    if declared is not None:
        return _checked(_unique(_for(declared, markers)))
    if python is None and not own_environment_is_the_projects():
        raise GateError(
            "nothing of the project to audit: no requirements file, no [project]"
            " dependencies in pyproject.toml and no project environment (.venv,"
            " an activated VIRTUAL_ENV, python-executable); the environment"
            f" quality-gates runs in ({sys.prefix}) is its own, not the project's:"
            " name the requirements files (-r; the action's requirements input), or"
            " scan the code only (--no-deps; scan: code)"
        )
    return _checked(from_environment(python))


def _for(collected: Collected, markers: Markers) -> Collected:
    """Name the Python the markers excluded requirements for."""
    if collected.excluded:
        collected.python = markers.version
    return collected


def own_environment_is_the_projects() -> bool:
    """Tell whether the environment quality-gates runs in may stand for the project.

    It may when it is not a virtual environment (a CI job's Python, where the
    project was installed beside the suite) or is the activated one.  A virtual
    environment of the suite's own (the actions', pre-commit's, pipx's) holds
    the suite's dependencies, not the project's: auditing it passes on someone
    else's packages.
    """
    if sys.prefix == sys.base_prefix:
        return True
    active = os.environ.get("VIRTUAL_ENV", "")
    return bool(active) and Path(active).resolve() == Path(sys.prefix).resolve()


def _checked(collected: Collected) -> Collected:
    """Move dependencies whose version is not PEP 440 to the unaudited list."""
    keep = []
    for dep in collected.dependencies:
        try:
            Version(dep.version)
        except InvalidVersion:
            collected.unaudited.append(
                f"{dep.name} {dep.version}: not a PEP 440 version, cannot be compared"
            )
            continue
        keep.append(dep)
    collected.dependencies = keep
    return collected


def _unique(collected: Collected) -> Collected:
    """One entry per (name, version): the first place it was declared."""
    seen: dict[tuple[str, str], Dependency] = {}
    for dep in collected.dependencies:
        seen.setdefault((dep.key, dep.version), dep)
    collected.dependencies = sorted(seen.values(), key=lambda d: (d.key, d.version))
    return collected
