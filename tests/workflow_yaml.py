"""Workflow YAML as real projects write it, and the audit of one such file."""

from __future__ import annotations

import textwrap

from quality_gates import textfile
from quality_gates.guards.integrity import workflows

SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"
DIGEST = "sha256:" + "a" * 64


def workflow(
    steps: str = "", *, job: str = "", top: str = "permissions:\n  contents: read\n"
) -> str:
    """Return a clean, pinned, permissioned workflow; ``steps`` and ``job`` add to its one job."""
    body = textwrap.indent(textwrap.dedent(steps).strip("\n"), " " * 6)
    extra = textwrap.indent(textwrap.dedent(job).strip("\n"), " " * 4)
    return (
        "name: ci\non: [push, pull_request]\n"
        + top
        + "jobs:\n  test:\n    runs-on: ubuntu-latest\n"
        + (extra + "\n" if extra else "")
        + "    steps:\n"
        + f"      - uses: actions/checkout@{SHA}  # v4.2.2\n"
        + (body + "\n" if body else "")
    )


def run_step(script: str) -> str:
    """One step named `gate` running ``script``."""
    return "- name: gate\n  run: |\n" + textwrap.indent(
        textwrap.dedent(script).strip("\n"), "    "
    )


def audit(text: str | bytes) -> list[tuple[str, int, str]]:
    """Audit one workflow text: (rule, line, message) of each finding."""
    data = text.encode() if isinstance(text, str) else text
    found = workflows.audit_workflow("ci.yml", textfile.decode(data)).findings
    return [(f.rule, f.line, f.message) for f in found]
