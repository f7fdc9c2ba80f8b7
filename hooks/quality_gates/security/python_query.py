"""Ask another Python interpreter (the project's) a question, answered in JSON."""

from __future__ import annotations

import json
import subprocess  # nosec B404 - a fixed interpreter command, never a shell
from typing import Any

from quality_gates.errors import GateError


def run_json(python: str, script: str, what: str) -> Any:
    """Run ``script`` in ``python`` and return the JSON it prints.

    A missing or failing interpreter, or output that is not JSON, is a
    GateError that says ``cannot <what>`` and why.
    """
    try:
        proc = subprocess.run(  # nosec B603
            [python, "-c", script], capture_output=True, text=True, check=False
        )
        answer: Any = json.loads(proc.stdout) if proc.returncode == 0 else None
    except (OSError, ValueError) as exc:
        raise GateError(f"python-executable {python}: cannot {what}: {exc}")
    if answer is None:
        tail = proc.stderr.strip().splitlines()
        raise GateError(
            f"python-executable {python}: cannot {what}: "
            f"{tail[-1] if tail else 'exit ' + str(proc.returncode)}"
        )
    return answer
