"""Tell an HTTP request that is a probe: its only product is whether it answers.

``curl -f -o /dev/null URL`` and ``wget --spider URL`` fail on an HTTP error
and keep nothing else; a request to a local service or a health endpoint whose
answer is only shown probes, less surely.  A download is setup.
"""

from __future__ import annotations

import re


def http_probe(head: str, args: list[str]) -> bool:
    """Tell a request whose only product is its status (a reachability check).

    ``curl -f -o /dev/null URL`` (or ``--head``) fails on an HTTP error and
    keeps nothing else; ``wget --spider URL`` likewise.  A download is setup.
    So is, less surely, a request to a local service whose answer is only
    shown (``local_probe``).
    """
    return strict_probe(head, args) or (head == "curl" and shown_probe(args))


def shown_probe(args: list[str]) -> bool:
    """Tell a request whose answer is only shown: a local service, a health URL."""
    return local_probe(args) or _health_probe(args)


def fail_flag(arg: str) -> bool:
    """``--fail``, ``--fail-with-body`` or a short-flag bundle with ``f``."""
    if arg in ("--fail", "--fail-with-body"):
        return True
    return re.fullmatch(r"-[a-zA-Z]+", arg) is not None and "f" in arg


def strict_probe(head: str, args: list[str]) -> bool:
    """``curl -f -o /dev/null URL``, ``curl -fI URL``, ``wget --spider URL``."""
    if head == "wget":
        return "--spider" in args
    if head != "curl":
        return False
    fails = any(fail_flag(a) for a in args)
    pairs = zip(args, args[1:] + [""])
    discards = any(
        a in ("-I", "--head", "-o/dev/null", "--output=/dev/null")
        or (a in ("-o", "--output") and b == "/dev/null")
        for a, b in pairs
    )
    return fails and discards


_LOCAL_URL = re.compile(
    r"^['\"]?(https?://)?(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])[:/]"
)


_SAVES = re.compile(r"^(-o|--output|-O|--remote-name|-[a-zA-Z]*[oO])")


def local_probe(args: list[str]) -> bool:
    """``curl -sS http://localhost:8001/health``: a service the job started, asked.

    Its output is only shown, not saved: the request's product is whether
    the service answers (curl exits 7 when nothing listens).
    """
    local = any(_LOCAL_URL.match(a) for a in args)
    return local and not any(_SAVES.match(a) for a in args)


# A URL whose path names a liveness endpoint: ``/health``, ``/rest/ping``.
_HEALTH_URL = re.compile(
    r"^['\"]?\S*/(ping|health|healthz|healthcheck|livez|readyz|alive)" r"/?['\"]?$",
    re.IGNORECASE,
)


def _health_probe(args: list[str]) -> bool:
    """``curl -sS https://n8n.example.net/rest/ping``: a service's health, asked.

    The endpoint exists to say whether the service answers; its answer,
    only shown, is not data the job goes on with.
    """
    health = any(_HEALTH_URL.match(a) for a in args)
    return health and not any(_SAVES.match(a) for a in args)


# netcat's names; `-z` scans for a listener and sends nothing (nc(1)).
_NETCATS = frozenset(("nc", "ncat", "netcat"))
# where a job checks a deployment: `Post-Deploy Health Check`, `smoke-test`
AFTER_DEPLOY = re.compile(
    r"(?i)post[-_ ]?deploy|health[-_ ]?check|smoke|verify[-_ ]deploy"
)


def port_probe(head: str, args: list[str]) -> bool:
    """``nc -z -w5 HOST 8765``: whether a port listens is its only product."""
    flags = [a for a in args if re.fullmatch(r"-[a-zA-Z]+", a)]
    return head in _NETCATS and any("z" in flag for flag in flags)
