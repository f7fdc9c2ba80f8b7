"""The GitHub Actions workflow init writes: the gate, pinned to the hooks' rev."""

from __future__ import annotations

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

_ENV = """\
      # mypy sees the project's own environment, as it sees .venv on a laptop
      # (without one, the hook's: the suite and the quality-gate hook's
      # additional_dependencies, which the action installs beside the suite);
      # build .venv here as you build yours
      - name: The project's environment, which mypy sees
        run: python3 -m venv .venv && .venv/bin/pip install --quiet {install}
"""

_GATE = """\
      - uses: {slug}/actions/quality-gate@{rev}{comment}
        with:
          mode: auto
"""


_PYTHON = """\
          # the Python the pre-commit hooks run on (their language_version)
          python-version: '{python}'
"""


def render(
    slug: str,
    rev: str,
    comment: str,
    branch: str,
    install: str | None,
    python: str | None = None,
) -> str:
    """Return the workflow's text; ``slug`` is the suite's ``OWNER/NAME`` on GitHub.

    ``install``: pip's arguments that build the project's ``.venv`` (the
    project had one when init took the baseline), else None.  ``python``:
    the version (``3.11``) every hook of the suite runs on, else None (the
    action's default).
    """
    text = _HEAD.format(branch=branch, checkout=CHECKOUT)
    if install:
        text += _ENV.format(install=install)
    text += _GATE.format(slug=slug, rev=rev, comment=f" # {comment}" if comment else "")
    return text + (_PYTHON.format(python=python) if python else "")
