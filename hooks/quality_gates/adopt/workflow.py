"""The GitHub Actions workflow init writes: the gate, pinned to the hooks' rev."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

PATH = ".github/workflows/quality-gates.yml"
# the same pin as examples/workflows/ (a test keeps them equal)
CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2"

_HEAD = """\
# Written by `quality-gates init`: the quality gate on the lines a pull request
# changes (new findings only, against its base) and on the whole tree on pushes
# to {branch}, at the same rev as the pre-commit hooks.  Findings recorded in
# .quality-gates-baseline.json do not fail it.
name: quality-gates
on:
  push:
    branches: [{branch}]
  pull_request:
permissions:
  contents: read
jobs:
  gate:
    name: quality gate
    runs-on: ubuntu-latest
    steps:
      - uses: {checkout}
        with:
          persist-credentials: false
"""

_DEPS = """\
      # mypy sees what the pre-commit hook installs (its additional_dependencies)
      - name: Packages mypy sees
        run: python3 -m venv .venv && .venv/bin/pip install --quiet {packages}
"""

_GATE = """\
      - uses: {slug}/actions/quality-gate@{rev}{comment}
        with:
          mode: auto
"""


def render(
    slug: str, rev: str, comment: str, branch: str, mypy_packages: Sequence[str]
) -> str:
    """Return the workflow's text; ``slug`` is the suite's ``OWNER/NAME`` on GitHub."""
    text = _HEAD.format(branch=branch, checkout=CHECKOUT)
    if mypy_packages:
        packages = " ".join(shlex.quote(p) for p in mypy_packages)
        text += _DEPS.format(packages=packages)
    return text + _GATE.format(
        slug=slug, rev=rev, comment=f" # {comment}" if comment else ""
    )
