"""Judge a step that uses an action: is it pinned, and is it a gate.

``uses:`` is pinned only to a full commit SHA (a docker image, to a digest).
An action is a gate when its name says it checks and it can fail: its
documentation (``actionchecks``) and inputs decide where known; one named for
moving or rendering results checks nothing unless asked to fail; a checker of
the catalogue's action checks, a formatter's only with a check flag.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from quality_gates.guards.integrity import actionchecks
from quality_gates.guards.integrity import catalogue as cat
from quality_gates.guards.integrity import scannerthresholds
from quality_gates.yamlnodes import mapping, scalar, value

_SHA = re.compile(r"[0-9a-f]{40}")


_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


# github/codeql-action is no gate: init and autobuild set up, analyze uploads its
# alerts to code scanning and does not fail on them.
GATE_ACTION = re.compile(
    r"lint|(?<!at|la)test|(?<!-)check(?!out)|audit|scan|security|pre-commit|"
    r"quality-gates|coverage|sonar|snyk|trivy|semgrep|ruff|mypy|flake8|zizmor|"
    r"bandit|tox|grype|gitleaks|trufflehog|ggshield|detect-secrets|talisman|"
    r"cibuildwheel|pyright|retry|lychee|zaproxy/action-|"
    r"dependency-check",
    re.IGNORECASE,
)


def pin_problem(uses: str) -> str | None:
    """Why ``uses:`` is not pinned to an immutable commit, or None when it is."""
    uses = uses.strip()
    if uses.startswith(("./", "../", "$/")):
        return None  # this repository's own action or workflow, at this commit
    if uses.startswith("docker://"):
        if _DIGEST.search(uses):
            return None
        return f"docker image `{uses}` is not pinned by digest"
    name, _, ref = uses.partition("@")
    if not ref:
        return f"`{uses}` names no version at all"
    if _SHA.fullmatch(ref):
        return None
    if re.fullmatch(r"[0-9a-fA-F]{7,39}", ref):
        return f"`{name}@{ref}` is a short SHA, which can become ambiguous"
    return f"`{name}@{ref}` is a tag or branch, not a commit SHA"


# Inputs that make a scanner action pass whatever it finds.
FAIL_OFF_INPUTS = {
    "exit-code": "0",
    "soft_fail": "true",
    "soft-fail": "true",
    "no-fail": "true",
    "fail_action": "false",
}


# An action named for moving what others produced (``otel-upload-test-artifact``)
# is no check, whatever results it carries.
# So is a test-report publisher (dorny/test-reporter, mikepenz/action-junit-report)
# or uploader (codecov/test-results-action): it renders results a test step
# already passed or failed on; and a submission (a dependency-graph snapshot)
# sends data, whatever its owner is named for (advanced-security/...).
_MOVES = re.compile(
    r"(?i)upload|download|publish|deploy|notify|submi(?:t|ssion)"
    r"|test-report|junit-report|test-results?(?:-report|-action|$)"
)

# A `setup-` action (setup-tflint, setup-node) puts a tool on the PATH for
# later steps to run: it checks nothing itself.
_SETS_UP = re.compile(r"(?i)setup-")

# An action named for rendering coverage (``vitest-coverage-report-action``,
# ``pytest-coverage-comment``) shows what the tests measured; it checks only
# when an input asks it to fail (``fail-under``, ``minimum-coverage``).
_RENDERS_COVERAGE = re.compile(r"(?i)coverage-(report|comment|summary)")


_FAILING_INPUT = re.compile(r"(?i)fail|threshold|minimum")


def literals(node: yaml.Node | None) -> dict[str, str]:
    """Return a ``with:`` or ``env:`` mapping's values as text."""
    return {key: scalar(item) or "" for key, (_, item) in mapping(node).items()}


def documented(
    spec: actionchecks.ActionSpec,
    step: yaml.Node | None,
    env: dict[str, str] | None = None,
    root: Path | None = None,
) -> actionchecks.Decision | None:
    """Decide from an action's documentation whether it fails (None: unknown).

    A scanner action pointed at a config file of the project (``root``)
    that sets its threshold fails where no input says otherwise.
    """
    given = literals(value(step, "with"))
    env = {**(env or {}), **literals(value(step, "env"))}
    decision = actionchecks.decide(spec, given, env)
    if decision is None or decision.fails or not spec.config or root is None:
        return decision
    key, scanner = spec.config
    if any(item.name in given for item in spec.inputs) or not given.get(key):
        return decision
    if scannerthresholds.file_fails(root, given[key], scanner):
        return actionchecks.Decision(True, ())
    return decision


def off_by_config(uses: str, step: yaml.Node, root: Path | None) -> bool:
    """Tell a scanner action whose threshold the project's config file turns off.

    trivy-action with ``trivy-config: trivy.yaml`` where the file says
    ``exit-code: 0`` and no input decides: a scan that reports and passes.
    An inventory (``format: spdx-json``, ``cyclonedx``) is no scan to judge.
    """
    spec = actionchecks.spec_of(uses)
    if spec is None or not spec.config or root is None:
        return False
    given = literals(value(step, "with"))
    key, scanner = spec.config
    if any(item.name in given for item in spec.inputs) or not given.get(key):
        return False
    formats = cat.INVENTORY_OPTIONS.get(scanner, frozenset())
    if f"--format={given.get('format', '')}" in formats:
        return False
    return scannerthresholds.file_passes(root, given[key], scanner)


def gate_action(
    uses: str, step: yaml.Node | None = None, root: Path | None = None
) -> bool:
    """Tell whether an action checks: its name says so, and it can fail.

    An action whose documentation says when it fails (``actionchecks``) is a
    gate only when its inputs make it fail (trivy-action with ``exit-code:
    1``); one whose value comes from an expression may.
    """
    name = uses.split("@")[0]
    spec = actionchecks.spec_of(uses)
    if spec is not None:
        decision = documented(spec, step, root=root)
        return decision is None or decision.fails
    if _MOVES.search(name.split("/", 1)[-1]) or _SETS_UP.match(name.split("/")[-1]):
        return False
    if _RENDERS_COVERAGE.search(name) and not _asks_to_fail(step):
        return False
    if not GATE_ACTION.search(name):
        return _runs_a_checker(name, step)
    return True


def _asks_to_fail(step: yaml.Node | None) -> bool:
    """Tell whether an input asks a report action to fail (``fail-under: 80``)."""
    inputs = mapping(value(step, "with"))
    return any(
        _FAILING_INPUT.search(key)
        and (scalar(node) or "").strip().lower() not in ("", "0", "false")
        for key, (_, node) in inputs.items()
    )


# Fixer actions that check unless their options input is given without a
# check flag (psf/black's ``options`` defaults to ``--check --diff``).
_CHECK_BY_DEFAULT = {"psf/black": "options", "isort/isort-action": "configuration"}


# Inputs a checker action hands to the checker's command line, and the
# options that make it print and exit 0 before it checks.
OPTION_INPUTS = frozenset(("options", "args", *_CHECK_BY_DEFAULT.values()))


ONLY_ASKS = frozenset(("--version", "--help"))


# Only the long flags: ``-l`` is black's line length, ``-c`` isort's config.
_LONG_CHECK_FLAGS = frozenset(f for f in cat.FIXER_CHECK_FLAGS if f.startswith("--"))


def _runs_a_checker(name: str, step: yaml.Node | None) -> bool:
    """Tell an action named for a checker of the catalogue (``psf/black``).

    A formatter's action checks only with a check flag among its inputs, or
    when its own default options check and none are given.
    """
    words = set(re.split(r"[-_./]", name.split("/", 1)[-1].lower()))
    tools = words & cat.CHECKER_NAMES
    if not tools or cat.SETUP_NAME.search(name.split("/", 1)[-1]):
        return False
    if not tools <= cat.FIXERS:
        return True
    given = {k: scalar(n) or "" for k, (_, n) in mapping(value(step, "with")).items()}
    default = _CHECK_BY_DEFAULT.get(name)
    if default is not None and default not in given:
        return True
    flags = {word for text in given.values() for word in text.split()}
    return bool(flags & _LONG_CHECK_FLAGS)
