"""Tell a step that fails on purpose: a check written by hand, or a placeholder.

``Run API tests`` whose script ends in ``exit 1`` (or PowerShell's
``throw``) after testing something checks, even when no command in it is a
checker by name; a script that only prints and exits tests nothing; one that
asks a remote URL probes what runs elsewhere, plausibly not the change.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml
from quality_gates.guards.integrity.shell import parse as shell_parse
from quality_gates.guards.integrity.stepnames import checking_context
from quality_gates.yamlnodes import scalar, value

if TYPE_CHECKING:
    from quality_gates.guards.integrity.stepinputs import JobContext


# `exit 1`, `exit $rc`, `throw`, `core.setFailed(`: a failure written on purpose.
_FAILS = re.compile(r"(?m)^\s*(?:exit\s+(?:[1-9]\d*|\$\w+)|throw\b)")


def fails_on_purpose(step: yaml.Node, job: JobContext) -> bool:
    """Tell a step named for checking whose script fails on purpose (``exit 1``).

    ``Run API tests`` calling endpoints in a ``try`` with ``exit 1`` in its
    ``catch`` is a check written by hand, in any shell (PowerShell's too),
    even when no command in it is a checker by name.  In a job that ships
    (deploy, release, rollback) such a step guards the delivery (credentials
    configured, the trigger confirmed): it checks nothing of the change.
    """
    if job.delivery:
        return False
    script = scalar(value(step, "run")) or ""
    name = scalar(value(step, "name")) or ""
    context = checking_context(name, "", job.delivery or job.feeds_delivery)
    return bool(context) and bool(_FAILS.search(script)) and not _only_prints(script)


def remote_probe(step: yaml.Node) -> bool:
    """Tell a script that asks a remote URL (``curl https://erp.example.net``).

    A step that fails on purpose after asking a deployed service tests
    that service, plausibly not the change: a probe of what runs elsewhere.
    A service the job started itself (``localhost``) is the change's.
    """
    return bool(_REMOTE_REQUEST.search(scalar(value(step, "run")) or ""))


_REMOTE_REQUEST = re.compile(
    r"(?i)\b(?:curl|wget|invoke-webrequest|invoke-restmethod)\b(?:[^\n;|&]|\\\n)*?"
    r"https?://(?!(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])[:/'\"\s])"
)


_PRINTERS = frozenset(("echo", "printf", "exit", ":", "true"))


def _only_prints(script: str) -> bool:
    """Tell a script that only prints and exits: it tests nothing first.

    The CodeQL template's ``Run manual build steps`` echoes how to replace
    it and ends in ``exit 1``: a placeholder that fails whatever the change
    is.  A check written by hand tests something before it exits.
    """
    try:
        root = shell_parse.parse(script)
    except shell_parse.ParseFailure:
        return False  # PowerShell's `throw`, or bash the grammar refuses
    tops = shell_parse.statements(root)
    commands = shell_parse.descendants(root, "command")
    heads = [shell_parse.words(command)[:1] for command in commands]
    return (
        bool(tops)
        and all(top.type == "command" for top in tops)
        and all(head and head[0] in _PRINTERS for head in heads)
    )
