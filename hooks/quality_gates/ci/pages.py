"""After a Pages deploy: request the live URL until it answers 200 with the page.

A deploy that "succeeds" while the site answers 404 is the failure this
catches: the URL must answer 200 and the body must contain the expected text
(by default the ``<title>`` of the built site's ``index.html``).
"""

from __future__ import annotations

import html
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from quality_gates.errors import GateError

_REPOSITORY = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
TIMEOUT = 10.0


def expected_title(site_dir: Path) -> str:
    """Return the ``<title>`` text of ``site_dir/index.html`` ('' without one)."""
    index = site_dir / "index.html"
    try:
        text = index.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    found = _TITLE.search(text)
    return html.unescape(found.group(1)).strip() if found else ""


def project_url(repository: str, server: str = "https://github.com") -> str:
    """Return the Pages URL of ``OWNER/REPO`` (a user site for OWNER.github.io)."""
    if server.rstrip("/") != "https://github.com" or not _REPOSITORY.match(repository):
        return ""  # GHES, or no OWNER/REPO (act names a local clone's path)
    owner, name = repository.split("/", 1)
    host = f"{owner.lower()}.github.io"
    return f"https://{host}/" if name.lower() == host else f"https://{host}/{name}/"


def fetch(url: str) -> tuple[int, str]:
    """Status and body of ``url`` (HTTP errors are answers, not exceptions)."""
    request = urllib.request.Request(url, headers={"User-Agent": "quality-gates"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # nosec B310
            return int(response.status), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return 0, f"unreachable: {reason}"


def verdict(status: int, body: str, expected: str) -> str:
    """'' when the page is right, else what is wrong with it."""
    if status != 200:
        return f"answered {status}" if status else body
    if expected and expected not in html.unescape(body):
        return f"answered 200 but the page does not contain {expected!r}"
    return ""


def check_url(
    url: str,
    *,
    expected: str,
    attempts: int,
    delay: float,
    get: Callable[[str], tuple[int, str]] = fetch,
    log: Callable[[str], None] = print,
) -> None:
    """Request ``url`` up to ``attempts`` times; a GateError when it never succeeds."""
    if not url.startswith(("http://", "https://")):
        raise GateError(f"not an http(s) URL to check: {url!r}")
    if attempts < 1:
        raise GateError("attempts must be at least 1")
    problem = ""
    for attempt in range(1, attempts + 1):
        status, body = get(url)
        problem = verdict(status, body, expected)
        if not problem:
            log(f"{url}: answered 200 with the expected page (attempt {attempt})")
            return
        log(f"{url}: {problem} (attempt {attempt} of {attempts})")
        if attempt < attempts:
            time.sleep(delay)
    raise GateError(f"the deployed site {url} {problem} after {attempts} attempt(s)")
