"""The suite's own build backend (PEP 517 and 660), standard library only.

Every pre-commit user installs the suite from its repository: ``pip install .``
into the hook's environment, which builds a wheel first.  With setuptools,
pip installed setuptools into a fresh build environment and ran it: a third of
the whole install on top of pip installing the toolchain.  This backend needs
nothing installed: it zips ``hooks/quality_gates`` (every file but bytecode)
with metadata read from ``pyproject.toml``'s ``[project]`` table.

- ``build_wheel``: ``quality_gates/...`` and ``quality_gates-VERSION.dist-info``
  (METADATA 2.4 with every dependency and extra, WHEEL, entry_points.txt, RECORD);
- ``build_editable``: the same metadata and a ``.pth`` naming ``hooks/``;
- ``build_sdist``: the package, this backend, pyproject.toml and README.md, and
  PKG-INFO, from which this backend builds the same wheel again.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "quality_gates"
SOURCES = ROOT / "hooks"
# a fixed timestamp: the same tree builds the same archive
EPOCH = (2020, 1, 1, 0, 0, 0)
SDIST_FILES = ("pyproject.toml", "README.md", "build_backend/qg_build.py")


def _project() -> dict[str, Any]:
    table: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return dict(table["project"])


def _stem(project: Mapping[str, Any]) -> str:
    return f"{PACKAGE}-{project['version']}"


def metadata(project: Mapping[str, Any]) -> str:
    """Return METADATA (core metadata 2.4) for ``[project]``, README as the body."""
    lines = [
        "Metadata-Version: 2.4",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"License-Expression: {project['license']}",
        f"Requires-Python: {project['requires-python']}",
        "Description-Content-Type: text/markdown",
        *(f"Requires-Dist: {req}" for req in project.get("dependencies", [])),
    ]
    for extra, requirements in project.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f"Requires-Dist: {_for_extra(req, extra)}" for req in requirements]
    readme = (ROOT / str(project["readme"])).read_text(encoding="utf-8")
    return "\n".join(lines) + "\n\n" + readme


def _for_extra(requirement: str, extra: str) -> str:
    """Add ``extra == ...`` to a requirement's marker (joined with ``and``)."""
    spec, _, marker = requirement.partition(";")
    condition = f'extra == "{extra}"'
    if marker.strip():
        condition = f"({marker.strip()}) and {condition}"
    return f"{spec.strip()}; {condition}"


def _dist_info(project: Mapping[str, Any]) -> dict[str, bytes]:
    folder = f"{_stem(project)}.dist-info"
    scripts = project.get("scripts", {})
    return {
        f"{folder}/METADATA": metadata(project).encode(),
        f"{folder}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: quality-gates build_backend\n"
            b"Root-Is-Purelib: true\nTag: py3-none-any\n"
        ),
        f"{folder}/entry_points.txt": (
            "[console_scripts]\n" + "".join(f"{k} = {v}\n" for k, v in scripts.items())
        ).encode(),
    }


def package_files() -> Iterator[tuple[str, Path]]:
    """Yield (name in the wheel, path) for every file of the package but bytecode."""
    for path in sorted((SOURCES / PACKAGE).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            if path.suffix not in (".pyc", ".pyo"):
                yield path.relative_to(SOURCES).as_posix(), path


def _record(files: Mapping[str, bytes], folder: str) -> bytes:
    rows = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        rows.append(f"{name},sha256={digest.decode()},{len(data)}")
    rows.append(f"{folder}/RECORD,,")
    return ("\n".join(rows) + "\n").encode()


def _write_wheel(directory: str, files: dict[str, bytes]) -> str:
    project = _project()
    folder = f"{_stem(project)}.dist-info"
    files.update(_dist_info(project))
    files[f"{folder}/RECORD"] = _record(files, folder)
    name = f"{_stem(project)}-py3-none-any.whl"
    with zipfile.ZipFile(Path(directory) / name, "w", zipfile.ZIP_DEFLATED) as wheel:
        for member, data in files.items():
            info = zipfile.ZipInfo(member, EPOCH)
            info.external_attr = 0o644 << 16
            wheel.writestr(info, data, zipfile.ZIP_DEFLATED)
    return name


def build_wheel(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """Build the wheel of the package (PEP 517)."""
    return _write_wheel(
        wheel_directory, {name: path.read_bytes() for name, path in package_files()}
    )


def build_editable(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """Build an editable wheel: a ``.pth`` naming the source folder (PEP 660)."""
    return _write_wheel(
        wheel_directory, {f"_{PACKAGE}_editable.pth": f"{SOURCES}\n".encode()}
    )


def build_sdist(
    sdist_directory: str, config_settings: dict[str, Any] | None = None
) -> str:
    """Build the source distribution, from which this backend builds the wheel."""
    project = _project()
    stem = f"{PACKAGE}-{project['version']}"
    members = {name: (ROOT / name).read_bytes() for name in SDIST_FILES}
    members.update(
        {f"hooks/{name}": path.read_bytes() for name, path in package_files()}
    )
    members["PKG-INFO"] = metadata(project).encode()
    name = f"{stem}.tar.gz"
    with tarfile.open(Path(sdist_directory) / name, "w:gz") as archive:
        for member, data in sorted(members.items()):
            info = tarfile.TarInfo(f"{stem}/{member}")
            info.size, info.mode, info.mtime = len(data), 0o644, 1577836800
            archive.addfile(info, io.BytesIO(data))
    return name


def get_requires_for_build_wheel(
    config_settings: dict[str, Any] | None = None,
) -> list[str]:
    """Nothing: the backend is the standard library."""
    return []


get_requires_for_build_editable = get_requires_for_build_wheel
get_requires_for_build_sdist = get_requires_for_build_wheel
