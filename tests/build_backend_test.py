"""The suite's own build backend (build_backend/qg_build.py), through real pip.

What pip builds from this checkout: every file of the package, metadata with
every dependency and extra of pyproject.toml, the console script; an editable
install that imports the checkout; an sdist that builds the same wheel again.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from conftest import HOOKS, REPO, make_venv

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
DIST_INFO = f"quality_gates-{PROJECT['version']}.dist-info"


def pip(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", *args], check=True, capture_output=True
    )


def build(source: Path, out: Path) -> zipfile.ZipFile:
    pip("wheel", "--quiet", "--no-deps", str(source), "-w", str(out))
    (wheel,) = out.glob("quality_gates-*-py3-none-any.whl")
    return zipfile.ZipFile(wheel)


def tracked_package_files() -> set[str]:
    out = subprocess.run(
        ["git", "ls-files", "hooks/quality_gates"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {name.removeprefix("hooks/") for name in out.split()}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    return build(REPO, tmp_path_factory.mktemp("wheel"))


def test_the_wheel_holds_the_package_and_its_metadata(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    package = {n for n in names if not n.startswith(DIST_INFO)}
    assert tracked_package_files() <= package  # py.typed and data/ included
    assert not any("__pycache__" in n for n in names)
    meta = wheel.read(f"{DIST_INFO}/METADATA").decode()
    head, _, body = meta.partition("\n\n")
    fields = head.splitlines()
    assert f"Name: {PROJECT['name']}" in fields
    assert f"Requires-Python: {PROJECT['requires-python']}" in fields
    required = [f.removeprefix("Requires-Dist: ") for f in fields if "-Dist:" in f]
    expected = list(PROJECT["dependencies"]) + [
        f'{req}; extra == "{extra}"'
        for extra, reqs in PROJECT["optional-dependencies"].items()
        for req in reqs
    ]
    assert required == expected
    assert body == (REPO / "README.md").read_text()
    entry = wheel.read(f"{DIST_INFO}/entry_points.txt").decode()
    assert entry == "[console_scripts]\nquality-gates = quality_gates.cli:main\n"


def test_every_record_row_matches_its_file(wheel: zipfile.ZipFile) -> None:
    rows = wheel.read(f"{DIST_INFO}/RECORD").decode().splitlines()
    assert len(rows) == len(wheel.namelist())
    for row in rows:
        name, digest, size = row.rsplit(",", 2)
        if name.endswith("/RECORD"):
            assert (digest, size) == ("", "")
            continue
        data = wheel.read(name)
        want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        assert (digest, int(size)) == (f"sha256={want.decode()}", len(data)), name


@pytest.mark.parametrize("editable", [False, True])
def test_an_install_imports_the_suite_and_has_its_command(
    tmp_path: Path, editable: bool
) -> None:
    venv = tmp_path / "venv"
    target = ["-e", str(REPO)] if editable else [str(REPO)]
    python = make_venv(venv, "--no-deps", *target)
    where = subprocess.run(
        [python, "-c", "import quality_gates; print(quality_gates.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    inside = Path(where).is_relative_to(HOOKS)
    assert inside is editable, where
    assert (venv / "bin" / "quality-gates").is_file()


def test_the_sdist_builds_the_same_wheel(
    tmp_path: Path, wheel: zipfile.ZipFile
) -> None:
    # as a PEP 517 frontend calls it: the backend's folder on the path
    call = "import sys, qg_build; print(qg_build.build_sdist(sys.argv[1]))"
    subprocess.run(
        [sys.executable, "-c", call, str(tmp_path)],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "build_backend")},
        check=True,
        capture_output=True,
    )
    (sdist,) = tmp_path.glob("quality_gates-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    stem = sdist.name.removesuffix(".tar.gz")
    assert f"{stem}/PKG-INFO" in names and f"{stem}/pyproject.toml" in names
    again = build(sdist, tmp_path / "again")
    assert sorted(again.namelist()) == sorted(wheel.namelist())
    for name in wheel.namelist():
        assert again.read(name) == wheel.read(name), name


def test_an_extras_requirement_keeps_its_own_marker() -> None:
    """``extra == ...`` joins a marker the requirement has; pip's parser agrees."""
    from packaging.requirements import Requirement

    sys.path.insert(0, str(REPO / "build_backend"))
    try:
        import qg_build
    finally:
        sys.path.remove(str(REPO / "build_backend"))
    project = {
        **PROJECT,
        "optional-dependencies": {"old": ['tomli>=2; python_version < "3.11"']},
    }
    (line,) = [
        line
        for line in qg_build.metadata(project).splitlines()
        if line.startswith("Requires-Dist: tomli")
    ]
    requirement = Requirement(line.removeprefix("Requires-Dist: "))
    assert str(requirement.marker) == 'python_version < "3.11" and extra == "old"'
    assert requirement.marker.evaluate({"extra": "old", "python_version": "3.10"})
    assert not requirement.marker.evaluate({"extra": "", "python_version": "3.10"})
    assert not requirement.marker.evaluate({"extra": "old", "python_version": "3.12"})
