"""The pre-commit hooks init knows: which suite tool each one is, and its defaults."""

from __future__ import annotations

import re

TOOL_IDS = ("black", "isort", "flake8", "mypy", "bandit")

# repository (normalised URL) -> {hook id: the suite's tool that replaces it}
SUPERSEDED: dict[str, dict[str, str]] = {
    "github.com/psf/black": {"black": "black"},
    "github.com/psf/black-pre-commit-mirror": {"black": "black"},
    "github.com/ambv/black": {"black": "black"},
    "github.com/python/black": {"black": "black"},
    "github.com/pycqa/isort": {"isort": "isort"},
    "github.com/timothycrosley/isort": {"isort": "isort"},
    "github.com/pre-commit/mirrors-isort": {"isort": "isort"},
    "github.com/pycqa/flake8": {"flake8": "flake8"},
    "gitlab.com/pycqa/flake8": {"flake8": "flake8"},
    "github.com/pre-commit/mirrors-mypy": {"mypy": "mypy"},
    "github.com/pycqa/bandit": {"bandit": "bandit"},
}

# ruff's hooks are kept: the suite has no ruff, and flake8 is not ruff's rule set
RUFF_REPOS = (
    "github.com/astral-sh/ruff-pre-commit",
    "github.com/charliermarsh/ruff-pre-commit",
)
RUFF_LINT = ("ruff", "ruff-check")
# other import sorters are kept too, and take isort away: two sorters fight
IMPORT_SORTERS = {
    "github.com/asottile/reorder-python-imports": ("reorder-python-imports",),
    "github.com/asottile/reorder_python_imports": ("reorder-python-imports",),
    "github.com/facebook/usort": ("usort",),
}
RUFF_FORMAT = ("ruff-format",)

# the args a hook runs with when the config gives none (its manifest's `args`)
MANIFEST_ARGS: dict[tuple[str, str], tuple[str, ...]] = {
    ("github.com/pre-commit/mirrors-mypy", "mypy"): (
        "--ignore-missing-imports",
        "--scroll-output",
    ),
    ("github.com/pycqa/isort", "isort"): ("--filter-files",),
    ("github.com/timothycrosley/isort", "isort"): ("--filter-files",),
}

LOCAL_REPOS = ("local", "meta")


def normalise(url: str) -> str:
    """Return ``host/owner/name`` in lower case: how two spellings of a URL compare."""
    text = url.strip().lower()
    text = re.sub(r"^(git\+)?(https?|ssh|git)://", "", text)
    text = re.sub(r"^[^@/]+@", "", text)  # user@ of ssh URLs
    text = text.replace(":", "/", 1) if re.match(r"^[^/]+:[^/\d]", text) else text
    return text.rstrip("/").removesuffix(".git")
