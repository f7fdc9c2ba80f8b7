"""Tell a job that fixes rather than checks: it commits what its steps change.

A job that commits or opens a pull request with what changed (``git
commit``, git-auto-commit-action) runs its fixers for their rewrite; a job
that reads the tree after them (``git diff --exit-code``) fails on it.  A step
of a job that commits is a fix run when every command of it fixes, or runs a
package script that fixes.
"""

from __future__ import annotations

import re

import yaml
from quality_gates.guards.integrity import gatecmd, packagescripts
from quality_gates.guards.integrity.packagescripts import PackageScripts
from quality_gates.yamlnodes import scalar, value

# Steps that commit what earlier steps changed: a job that fixes, not checks.
_COMMITS = re.compile(
    r"git-auto-commit-action|create-pull-request|add-and-commit"
    r"|pre-commit-ci/lite-action|autofix-ci/action"
    r"|\bgit\s+commit\b"
)


FIX_RUNS = frozenset(("pre-commit", "prek"))


AUTOFIX = (
    "a later step of the job commits what changed: pre-commit fails when its hooks "
    "fix files, so this may be a fix run, not a check"
)


# A job that reads the tree after its steps (`git diff --exit-code`, `git
# status --porcelain`): a formatter's rewrite there fails the job.
READS_TREE = re.compile(r"\bgit\s+(diff|diff-index|status)\b")


def commits(steps: list[yaml.Node]) -> bool:
    """Tell whether a job commits or opens a pull request with what it changed."""
    for step in steps:
        text = (scalar(value(step, "uses")) or "") + (scalar(value(step, "run")) or "")
        if _COMMITS.search(text):
            return True
    return False


_FIXER_SCRIPT = re.compile(r"(?i)lint|format|prettier|fix|style")


_PACKAGE_FIX = (
    "a package script named for a linter or formatter, run in a job that "
    "commits what changed: plausibly the tool in fix mode (`eslint --fix`)"
)


def fix_run(step: yaml.Node, packages: PackageScripts, folder: str = "") -> str | None:
    """Judge whether a step of a job that commits its changes is a fix run.

    '' when every command of its script fixes (``eslint --fix``, ``prettier
    --write``, ``ruff format``): a fixer fails on nothing the commit does
    not take in.  A package script (``npm run eslint``) is judged by what
    ``package.json`` in ``folder`` says it runs; when that is not known, a
    script named for a linter or formatter is a note.  None otherwise.
    """
    lines = [ln.strip() for ln in (scalar(value(step, "run")) or "").splitlines()]
    commands = [ln.split() for ln in lines if ln and not ln.startswith("#")]
    if not commands or any(_chained(words) for words in commands):
        return None
    if all(gatecmd.is_fixer(words) for words in commands):
        return ""
    if len(commands) != 1 or packagescripts.script_name(commands[0]) is None:
        return None
    fixes = packages.fixes(folder, commands[0])
    if fixes is not None:
        return "" if fixes else None
    return _PACKAGE_FIX if _package_fix(commands[0]) else None


def _chained(words: list[str]) -> bool:
    return any(w in ("&&", "||", ";", "|") or w.endswith(";") for w in words)


def _package_fix(words: list[str]) -> bool:
    """``npm run eslint``, ``yarn lint:fix``, ``pnpm run format``."""
    name = packagescripts.script_name(words)
    return name is not None and bool(_FIXER_SCRIPT.search(name))
