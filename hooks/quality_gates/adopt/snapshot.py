"""Today's findings under the planned configs, found in a copy of the project.

The tools read their configs from files, so the baseline must be taken with
the configs init is about to write.  init links the project's files into a
temporary folder, writes the planned files there, and checks that copy; the
project itself is not touched until everything is planned.  Paths in findings
are relative, so fingerprints are the project's own.  The hooks'
``additional_dependencies`` (flake8 plugins, mypy's stubs) are installed into
a temporary folder on the tools' path, as pre-commit installs them beside the
suite, so the baseline holds what the hook will report.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import shutil
import subprocess  # nosec B404 - pip and git with argument lists, never a shell
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from quality_gates import config as config_mod
from quality_gates import files as files_mod
from quality_gates import scan
from quality_gates.cache import Cache
from quality_gates.cli import TOOL_DISTRIBUTIONS
from quality_gates.errors import GateError
from quality_gates.report import Report

ENVIRONMENTS = (".venv", "venv")


def _place(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if src.is_symlink():
        dest.symlink_to(os.readlink(src))
        return
    try:
        os.link(src, dest)  # read only by the tools: a link is enough
    except OSError:
        shutil.copy2(src, dest)


def copy_project(root: Path, target: Path, planned: Mapping[str, str]) -> None:
    """Link the tracked files into ``target``, write ``planned`` over them, git add."""
    listed = files_mod.git(root, "ls-files", "-z", "--cached")
    for name in sorted({n for n in listed.split("\0") if n}):
        src = root / name
        if src.is_file() or src.is_symlink():
            _place(src, target / name)
    for name, text in planned.items():
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.unlink(missing_ok=True)  # never write through a link to the project
        dest.write_text(text, encoding="utf-8")
    for name in ENVIRONMENTS:
        if (root / name).is_dir():
            (target / name).symlink_to(root / name)
    files_mod.git(target, "init", "-q")
    files_mod.git(target, "add", "-A", "--", ".", *[f":!{n}" for n in ENVIRONMENTS])


def _constraints(folder: Path) -> Path:
    path = folder / "constraints.txt"
    # only the suite's own tools are held at their versions, as in the hook's env
    pins = {
        f"{name}=={importlib.metadata.version(name)}" for name in TOOL_DISTRIBUTIONS
    }
    path.write_text("\n".join(sorted(pins)) + "\n", encoding="utf-8")
    return path


def install(packages: Sequence[str], folder: Path, say: Callable[[str], None]) -> Path:
    """pip-install ``packages`` into ``folder/site``, at this environment's versions."""
    site = folder / "site"
    say(f"installing the hooks' additional_dependencies: {' '.join(packages)}")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(site)]
    proc = subprocess.run(  # nosec B603
        [*command, "--constraint", str(_constraints(folder)), *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        raise GateError(
            "the hooks' additional_dependencies do not install beside the suite's "
            f"pinned tools ({lines[-1] if lines else 'pip failed'}); pre-commit would "
            "fail the same way: change them in .pre-commit-config.yaml"
        )
    return site


@contextlib.contextmanager
def _on_path(site: Path | None) -> Iterator[None]:
    old = os.environ.get("PYTHONPATH")
    if site is not None:
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), old]))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def findings(
    root: Path,
    planned: Mapping[str, str],
    packages: Sequence[str],
    say: Callable[[str], None],
) -> Report:
    """Check a copy of the project with the planned files; tool errors are fatal."""
    with tempfile.TemporaryDirectory(prefix="quality-gates-init-") as tmp:
        copy = Path(tmp) / "project"
        copy_project(root, copy, planned)
        site = install(packages, Path(tmp), say) if packages else None
        cfg = config_mod.load(copy)
        cache = Cache()
        with _on_path(site):
            report, outcome = scan.project_report(
                "init", copy, cfg, cache=cache, progress=say
            )
        cache.close()
    if outcome.errors:
        raise GateError(
            f"{len(outcome.errors)} tool error(s), so no baseline: "
            + "; ".join(outcome.errors)
        )
    return report
