"""Marketplace actions whose documented inputs decide whether they fail.

Each entry is what the action's own ``action.yml`` and README document: the
inputs that make it fail on what it finds, their defaults, and the values
that keep it from failing.  An action fails when any of its inputs is at a
failing value (reviewdog fails with ``fail_on_error: true`` or any
``fail_level`` but ``none``); a scanner left at its own default that does
not fail is a report, not a gate, and an input the workflow sets to a value
that does not fail is a lost gate.  Actions documented as never failing on
what they find (a coverage upload or comment, a CLI installer) are no gate
whatever their inputs.  An action not listed here is judged by its name.
"""

from __future__ import annotations

import dataclasses
import re

_TRUE = frozenset(("true", "yes", "1", "on"))
_FALSE = frozenset(("false", "no", "0", "off"))


@dataclasses.dataclass(frozen=True)
class FailInput:
    """One input that decides whether the action fails on its findings.

    ``off``: the values (lower case) with which it does not fail;
    ``default``: its value when the workflow leaves it out; ``env``: given
    as an environment variable, not a ``with:`` input.
    """

    name: str
    off: frozenset[str]
    default: str
    env: bool = False

    def fails(self, given: str) -> bool:
        """Tell whether the action fails on its findings with ``given``."""
        return given.strip().strip("'\"").lower() not in self.off


@dataclasses.dataclass(frozen=True)
class ActionSpec:
    """What an action's documentation says about its failing."""

    doc: str  # why, in the documentation's words
    inputs: tuple[FailInput, ...] = ()  # empty: it never fails on findings
    # where it records the failure it did not fail on (``output:exit_code``)
    sinks: tuple[str, ...] = ()
    # whether a value set to pass is a lost gate (not when the action then
    # only sets an output a later step chooses on, as a status query does)
    explicit: bool = True
    # the major version from which this holds: lychee-action v1 failed on an
    # empty run whatever `fail` said (its `failIfEmpty` forced it, #251)
    since: int = 0
    # the input naming a config file the scanner reads its threshold from
    # (trivy-action's `trivy-config`), and the scanner (``scannerthresholds``)
    config: tuple[str, ...] = ()
    # an input and the values with which the action writes an inventory (an
    # SBOM) instead of scanning: then no input of it turns off a check
    inventory: tuple[str, frozenset[str]] | None = None


_REVIEWDOG = ActionSpec(
    "reviewdog actions report unless `fail_on_error: true` or a `fail_level` "
    "other than `none` (the defaults: false, none)",
    (
        FailInput("fail_on_error", _FALSE, "false"),
        FailInput("fail_level", frozenset(("none",)), "none"),
    ),
)
# The ZAP actions file an issue and pass unless ``fail_action: true``.
_ZAP = ActionSpec(
    "the ZAP actions file an issue and pass unless `fail_action: true`",
    (FailInput("fail_action", _FALSE, "false"),),
)
KNOWN: dict[str, ActionSpec] = {
    # `trivy-config: trivy.yaml` makes trivy read `exit-code:` there
    "aquasecurity/trivy-action": ActionSpec(
        "trivy-action exits 0 on findings unless `exit-code` is set (default 0)",
        (FailInput("exit-code", frozenset(("0",)), "0"),),
        config=("trivy-config", "trivy"),
        # `format: cyclonedx` (spdx, spdx-json, github): an SBOM or a
        # dependency snapshot, the `trivy --format` of the same name
        inventory=("format", frozenset(("cyclonedx", "spdx", "spdx-json", "github"))),
    ),
    "bridgecrewio/checkov-action": ActionSpec(
        "checkov-action's `soft_fail: true` makes checkov exit 0 on failed checks",
        (FailInput("soft_fail", _TRUE, "false"),),
    ),
    "hadolint/hadolint-action": ActionSpec(
        "hadolint-action's `no-fail: true` makes hadolint exit 0 on violations",
        (FailInput("no-fail", _TRUE, "false"),),
    ),
    "pypa/gh-action-pip-audit": ActionSpec(
        "gh-action-pip-audit's `internal-be-careful-allow-failure: true` passes "
        "the job whatever pip-audit finds",
        (FailInput("internal-be-careful-allow-failure", _TRUE, "false"),),
    ),
    "truebrain/actions-flake8": ActionSpec(
        "actions-flake8's `only_warn` turns flake8's errors into warnings",
        (FailInput("only_warn", frozenset(("1", "true")), "0"),),
    ),
    "lycheeverse/lychee-action": ActionSpec(
        "lychee-action v2 passes whatever links are broken with `fail: false` "
        "(default true)",
        (FailInput("fail", _FALSE, "true"),),
        ("output:exit_code", "env:lychee_exit_code"),
        since=2,
    ),
    "actions/dependency-review-action": ActionSpec(
        "dependency-review-action fails on a vulnerable dependency at or above "
        "`fail-on-severity` (default low), unless `warn-only: true`",
        (FailInput("warn-only", _TRUE, "false"),),
    ),
    "zaproxy/action-baseline": _ZAP,
    "zaproxy/action-full-scan": _ZAP,
    "zaproxy/action-api-scan": _ZAP,
    "tj-actions/verify-changed-files": ActionSpec(
        "verify-changed-files fails only with `fail-if-changed: true` "
        "(default false): otherwise it sets an output",
        (FailInput("fail-if-changed", _FALSE, "false"),),
        explicit=False,
    ),
    "super-linter/super-linter": ActionSpec(
        "super-linter's `DISABLE_ERRORS: true` makes it exit 0 on lint errors",
        (FailInput("DISABLE_ERRORS", _TRUE, "false", env=True),),
    ),
    "py-cov-action/python-coverage-comment-action": ActionSpec(
        "python-coverage-comment-action comments coverage; `MINIMUM_GREEN` and "
        "`MINIMUM_ORANGE` only colour the badge"
    ),
    "codecov/codecov-action": ActionSpec(
        "codecov-action uploads coverage; `fail_ci_if_error` is about the upload"
    ),
    "coverallsapp/github-action": ActionSpec(
        "coverallsapp/github-action uploads coverage; `fail-on-error` is about "
        "the upload"
    ),
    # it asserts with `budgetPath`, or a `configPath` file with `ci.assert`
    # (``lighthouserc``), and fails on an assertion of level error
    "treosh/lighthouse-ci-action": ActionSpec(
        "lighthouse-ci-action fails on a failed error-level assertion of its "
        "`budgetPath` or of the `ci.assert` of its `configPath` file; with "
        "neither it only collects",
        (FailInput("budgetPath", frozenset(("",)), ""),),
        config=("configPath", "lhci"),
    ),
    "snyk/actions/setup": ActionSpec("snyk/actions/setup installs the Snyk CLI"),
    "reviewdog/action-setup": ActionSpec("reviewdog/action-setup installs reviewdog"),
    "bencherdev/bencher": ActionSpec(
        "bencherdev/bencher installs the bencher CLI; `bencher run` benchmarks"
    ),
    # it posts the diff a fixer left as suggestions: a fix run's companion,
    # a check only when told to fail on a diff
    "reviewdog/action-suggester": dataclasses.replace(_REVIEWDOG, explicit=False),
}
# snyk/actions/node, python, docker, iac...: `snyk COMMAND` (default test),
# which fails on vulnerabilities; `monitor` uploads a snapshot and passes.
_SNYK = ActionSpec(
    "snyk/actions run `snyk test` unless `command:` says otherwise; "
    "`snyk monitor` uploads a snapshot and passes",
    (FailInput("command", frozenset(("monitor",)), "test"),),
    explicit=False,
)
# Families: every action of an owner's prefix shares the documented inputs.
_PREFIXES = (
    ("reviewdog/action-", _REVIEWDOG),
    ("snyk/actions/", _SNYK),
    ("github/super-linter", KNOWN["super-linter/super-linter"]),
)


def spec_of(uses: str, line: str = "") -> ActionSpec | None:
    """Return the documented spec of ``owner/repo[/sub]@ref`` (None: unknown).

    ``line``: the ``uses:`` line, whose comment names the version of a SHA
    (``@8646ba3... # v2.8.0``); a version older than the spec's is unknown.
    """
    name = uses.split("@", 1)[0].strip().lower()
    found = KNOWN.get(name)
    for prefix, spec in _PREFIXES:
        if found is None and name.startswith(prefix):
            found = spec
    major = major_of(uses, line)
    if found and found.since and major is not None and major < found.since:
        return None
    return found


def major_of(uses: str, line: str = "") -> int | None:
    """Return the major version of a tag (``@v1.8.0``) or a SHA's comment."""
    tag = re.fullmatch(r"v?(\d{1,4})(?:\.[\w.-]*)?", ref_of(uses))
    comment = re.search(r"#\s*v?(\d+)\b", line)
    found = tag or comment
    return int(found.group(1)) if found else None


def ref_of(uses: str) -> str:
    """Return the ref of ``owner/repo@v1.2``: ``v1.2``."""
    return uses.partition("@")[2].strip()


@dataclasses.dataclass(frozen=True)
class Decision:
    """Whether an action fails on its findings, and the inputs that stop it."""

    fails: bool
    stopped_by: tuple[str, ...]  # inputs the workflow sets to a value that passes


def decide(
    spec: ActionSpec, given: dict[str, str], env: dict[str, str]
) -> Decision | None:
    """Decide from literal values; None when an expression decides."""
    if not spec.inputs:
        return Decision(False, ())
    fails, stopped = False, []
    for item in spec.inputs:
        source = env if item.env else given
        text = source.get(item.name) or None  # empty: the action's default
        if text is not None and "${{" in text:
            return None  # the run decides: a matrix cell, an event
        if item.fails(item.default if text is None else text):
            fails = True
        elif text is not None:
            stopped.append(item.name)
    lost = () if fails or not spec.explicit or _inventory(spec, given) else stopped
    return Decision(fails, tuple(lost))


def _inventory(spec: ActionSpec, given: dict[str, str]) -> bool:
    """Tell an action asked for an inventory (``format: cyclonedx``): no scan."""
    if spec.inventory is None:
        return False
    name, values = spec.inventory
    return given.get(name, "").strip().strip("'\"").lower() in values
