"""``cli_json`` in-process: the gate's JSON report through ``cli.main`` (``qg``).

A test whose subject is a tool's verdict, the cache or the baseline, not the
gate's own process, runs the gate in its worker (docs/development.md, the
first tier): the tools it starts are still real processes; only the gate's
interpreter start and imports are saved.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import InProcess


def qg_json(
    qg: InProcess, cwd: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], str]:
    """Run ``quality-gates ARGS --format json`` in-process: exit code, report, stderr.

    As ``cli_json``: no JSON on stdout, or a traceback, fails the calling test
    with what the command printed (an exception the gate lets out fails it too).
    """
    proc = qg(cwd, *args, "--format", "json", env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout.strip(), f"no report (exit {proc.returncode}): {proc.stderr}"
    return proc.returncode, json.loads(proc.stdout), proc.stderr
