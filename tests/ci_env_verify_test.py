"""A shared suite environment is trusted only as pip installed it (``env_verify``).

Each case tampers with a real virtual environment whose files a RECORD lists,
as a wheel install leaves them; its honest twin is the untouched environment.
The end-to-end case (a real ``suite_env install``, pyflakes edited, the next
job's gate) is the fault battery's ``suite-env-tampered``.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from quality_gates.ci import env_verify


def record_line(site: Path, path: Path) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(path.read_bytes()).digest())
    rel = Path(*[".."] * 3, path.relative_to(site.parent.parent.parent))
    name = path.relative_to(site) if path.is_relative_to(site) else rel
    return f"{name},sha256={digest.rstrip(b'=').decode()},{path.stat().st_size}"


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    """Make a virtual environment with one installed distribution and its script."""
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True
    )
    site = next(venv.glob("lib/python3*/site-packages"))
    (site / "pkg").mkdir()
    files = [site / "pkg" / "__init__.py", site / "pkg" / "check.py"]
    files[0].write_text('"""Package."""\n')
    files[1].write_text("def unused(names):\n    return [n for n in names]\n")
    files.append(site / "pkg.pth")
    files[-1].write_text("import sys\n")
    files.append(venv / "bin" / "pkg-tool")
    files[-1].write_text("#!/bin/sh\nexec python -m pkg\n")
    info = site / "pkg-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Name: pkg\nVersion: 1.0\n")
    files.append(info / "METADATA")
    lines = [record_line(site, f) for f in files] + ["pkg-1.0.dist-info/RECORD,,"]
    (info / "RECORD").write_text("\n".join(lines) + "\n")
    return venv


def site(venv: Path) -> Path:
    return next(venv.glob("lib/python3*/site-packages"))


def edit(venv: Path) -> None:
    path = site(venv) / "pkg" / "check.py"
    path.write_text(path.read_text().replace("return", "return []  #"))


def replace_with_link(venv: Path) -> None:
    path = site(venv) / "pkg" / "check.py"
    copy = venv.parent / "check.py"
    copy.write_text(path.read_text())
    path.unlink()
    path.symlink_to(copy)


def system_site(venv: Path) -> None:
    cfg = venv / "pyvenv.cfg"
    cfg.write_text(
        cfg.read_text().replace(
            "include-system-site-packages = false",
            "include-system-site-packages = true",
        )
    )


TAMPERING: list[tuple[str, Callable[[Path], None], str]] = [
    ("edited-module", edit, "pkg/check.py: differs from its RECORD"),
    (
        "edited-script",
        lambda v: (v / "bin" / "pkg-tool").write_text("#!/bin/sh\nexit 0\n"),
        "bin/pkg-tool: differs from its RECORD",
    ),
    (
        "dropped-pth",
        lambda v: (site(v) / "zz_evil.pth").write_text("import os\n"),
        "zz_evil.pth: not installed by pip",
    ),
    (
        "dropped-sitecustomize",
        lambda v: (site(v) / "sitecustomize.py").write_text("import os\n"),
        "sitecustomize.py: not installed by pip",
    ),
    (
        "symlinked-module",
        replace_with_link,
        "pkg/check.py: a symlink pip did not install",
    ),
    (
        "deleted-module",
        lambda v: (site(v) / "pkg" / "check.py").unlink(),
        "pkg/check.py: missing",
    ),
    (
        "system-site-packages",
        system_site,
        "pyvenv.cfg: includes the system site-packages",
    ),
]


def test_the_untouched_environment_passes(venv: Path) -> None:
    assert env_verify.problems(venv) == []


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [pytest.param(t, p, id=name) for name, t, p in TAMPERING],
)
def test_each_tampering_is_named(
    venv: Path, tamper: Callable[[Path], None], problem: str
) -> None:
    tamper(venv)
    inside = problem.startswith(("bin/", "pyvenv.cfg"))
    where = "" if inside else f"{site(venv).relative_to(venv)}/"
    assert env_verify.problems(venv) == [where + problem]


def test_uvs_lock_file_is_the_environments_own(venv: Path) -> None:
    """An empty ``.lock`` at the root is uv's; the same name elsewhere is foreign."""
    (venv / ".lock").write_bytes(b"")
    assert env_verify.problems(venv) == []
    (site(venv) / ".lock").write_bytes(b"")
    where = site(venv).relative_to(venv)
    assert env_verify.problems(venv) == [f"{where}/.lock: not installed by pip"]


def test_compiled_files_are_dropped_never_trusted(venv: Path) -> None:
    """A forged .pyc (the source keeps its bytes and mtime) is never read."""
    cache = site(venv) / "pkg" / "__pycache__"
    cache.mkdir()
    (cache / "check.cpython-311.pyc").write_bytes(b"forged")
    assert env_verify.problems(venv) == []  # not checked: removed instead
    env_verify.drop_bytecode(venv)
    assert not cache.exists()
