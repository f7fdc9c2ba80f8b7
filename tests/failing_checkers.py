"""Run a script in a real shell with checkers on the PATH that fail.

The audit-gates model tests prove an exit-status fact with the real shell:
``run_failing`` puts stub checkers on a fresh PATH, each printing a failure
and exiting ``code``, and returns the shell's own exit status.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - fixed argument lists
from collections.abc import Sequence
from pathlib import Path


def run_failing(
    tmp_path: Path,
    shell: Sequence[str],
    script: str,
    tools: Sequence[str] = ("pytest",),
    code: int = 1,
    says: str = "echo 'E   1 failed'",
) -> int:
    """Run ``script`` with ``shell`` (``["bash", "-e"]``; ``["sh", "-c"]`` takes it inline).

    A shell given ``-c`` last gets the script as its argument; any other gets
    it as a file, as GitHub gives a ``run:`` step's script.  ``says``: the
    shell line each checker runs before it exits (what it prints, and where).
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in tools:
        fake = bin_dir / tool
        fake.write_text(f"#!/bin/sh\n{says}\nexit {code}\n")
        fake.chmod(0o755)
    program = shutil.which(shell[0])
    assert program is not None, f"{shell[0]} is not installed"
    argv = [program, *shell[1:]]
    if argv[-1] == "-c":
        argv.append(script)
    else:
        step = tmp_path / "step.sh"
        step.write_text(script)
        argv.append(str(step))
    done = subprocess.run(  # nosec B603 - fixed argument list
        argv,
        check=False,
        cwd=tmp_path,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
        capture_output=True,
        timeout=30,
    )
    return done.returncode
