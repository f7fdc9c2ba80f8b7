"""The environment every tool the suite starts runs with."""

from __future__ import annotations

import os

# The workflow's command files and switches: a tool that inherits them writes its
# own step outputs (black 26 appends is_formatted=... to $GITHUB_OUTPUT) or
# changes its output format; the suite's outputs are the only ones a workflow sees,
# and a tool behaves the same on a laptop and in CI.
WORKFLOW_VARIABLES = (
    "GITHUB_OUTPUT",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_ENV",
    "GITHUB_PATH",
    "GITHUB_STATE",
    "GITHUB_ACTIONS",
    "FORCE_COLOR",
    "PY_COLORS",
    "CLICOLOR_FORCE",
)


def tool_environment() -> dict[str, str]:
    """Return the environment tools run with: ours, without the workflow's files."""
    env = {k: v for k, v in os.environ.items() if k not in WORKFLOW_VARIABLES}
    env["NO_COLOR"] = "1"
    # a file name that is not UTF-8 is printed as its bytes, not a crash
    env["PYTHONIOENCODING"] = "utf-8:surrogateescape"
    return env
