"""``shell: python`` steps: a script whose exit status is Python's own.

GitHub runs such a step as ``python {0}``: the step fails only when the
program raises or calls ``sys.exit`` with a failure.  A checker run through
``subprocess.run`` without ``check=True``, ``subprocess.call`` or
``os.system`` whose result is thrown away loses its failure (``pyexec``);
unlike a shell script, the last command's status is not the script's.
"""

from __future__ import annotations

import dataclasses
import re
import shlex

from quality_gates.guards.integrity import gatecmd, pyexec
from quality_gates.guards.integrity.shell.records import Hit

FIX = "pass the status on: `subprocess.run(..., check=True)` or `sys.exit(...)`"


def runs_python(shell: str | None) -> bool:
    """Tell a step whose ``shell:`` is ``python`` or ``python {0}`` (and the like)."""
    try:
        words = shlex.split(shell or "")
    except ValueError:
        return False
    return bool(words) and bool(re.fullmatch(r"python[0-9.]*", words[0]))


def audit(script: str, context: str, place: str = "") -> tuple[list[Hit], int, int]:
    """Hits, gates and gates known by their own name, of one Python script."""
    hits: list[Hit] = []
    gates = named = 0
    lines = script.splitlines()
    for call in pyexec.calls(script) or []:
        check = gatecmd.judge(list(call.tokens), context)
        if check is None:
            continue
        gates += 1
        named += check.strength == "named"
        if not call.dropped:
            continue
        certain = check.strength == "named" and not place
        why = "" if certain else place or f"`{check.key}` is a check only by name"
        snippet = lines[call.line].strip()[:60] if call.line < len(lines) else ""
        detail = (
            f"`{snippet}` in a `shell: python` step: {call.how} hands back the "
            "status and the script drops it, so the step passes"
        )
        hit = Hit("QG117", call.line, snippet, detail, check.key, certain=certain)
        hits.append(dataclasses.replace(hit, why=why, fix=FIX))
    return hits, gates, named
