"""A scanner's report run (``--exit-code 0``) beside its threshold run.

``trivy image --exit-code 0 --severity HIGH IMG`` then ``trivy image
--exit-code 1 --severity CRITICAL IMG`` in the same job: the first run only
shows what the second, failing at a severity, does not fail on.  Trivy
documents ``--exit-code`` with ``--severity`` as its threshold, and
``trivy convert`` of a report's JSON with ``--exit-code 1`` as failing on what
that report found: the check is kept, the report run is no lost check.
"""

from __future__ import annotations

import re
import shlex

from .line_audit import logical_lines

# trivy itself, or its image run by docker (aquasec/trivy:0.50.0)
_TRIVY = re.compile(r"(?:^|/)trivy(?::[\w.-]+)?(?:@sha256:[0-9a-f]+)?$")
# options that choose what is shown or when it fails, not what is scanned
_VALUED = frozenset(
    "--exit-code --severity -s --format -f --output -o --template -t".split()
)
_FLAGS = frozenset("--quiet -q --no-progress".split())
_NONZERO = re.compile(r"[1-9]\d*$")


def _trivy_args(line: str) -> list[str] | None:
    """Return the arguments after ``trivy`` (or its image) in a shell line."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        return None
    for index, word in enumerate(words):
        if _TRIVY.search(word):
            return words[index + 1 :]
    return None


def _options(args: list[str]) -> tuple[dict[str, str], list[str]]:
    """Return the display options given and the words left (subcommand, target)."""
    shown: dict[str, str] = {}
    rest: list[str] = []
    index = 0
    while index < len(args):
        word = args[index]
        name, equals, given = word.partition("=")
        if name in _VALUED and equals:
            shown[name] = given
        elif name in _VALUED and index + 1 < len(args):
            shown[name] = args[index + 1]
            index += 1
        elif word not in _FLAGS:
            rest.append(word)
        index += 1
    return shown, rest


def _runs(scripts: list[str]) -> list[tuple[dict[str, str], list[str]]]:
    """Return every trivy run of the scripts, parsed."""
    runs = []
    for script in scripts:
        for _, line in logical_lines(script):
            args = _trivy_args(line)
            if args:
                runs.append(_options(args))
    return runs


def _fails(shown: dict[str, str]) -> bool:
    return bool(_NONZERO.match(shown.get("--exit-code", "")))


def _output(shown: dict[str, str]) -> str:
    return shown.get("--output") or shown.get("-o") or ""


def _thresholds(report: tuple[dict[str, str], list[str]], other: list[str]) -> bool:
    """Tell a failing run of the same scan, or a convert of the report's output."""
    shown, rest = report
    if other == rest:
        return True
    written = _output(shown)
    return bool(written) and other == ["convert", written]


def reported_beside_threshold(script: str, index: int, scripts: list[str]) -> bool:
    """Tell a trivy ``--exit-code 0`` run (at 0-based ``index``) kept by a threshold.

    ``scripts`` are the job's run scripts: one of them runs trivy with a
    non-zero ``--exit-code`` on the same target with the same selection but
    for severity and display, or converts this run's ``--output``.
    """
    starts = [item for item in logical_lines(script) if item[0] <= index]
    if not starts:
        return False
    args = _trivy_args(starts[-1][1])
    if args is None:
        return False
    report = _options(args)
    if report[0].get("--exit-code") != "0":
        return False
    return any(
        _fails(shown) and _thresholds(report, rest) for shown, rest in _runs(scripts)
    )
