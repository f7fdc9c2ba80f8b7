"""A stand-in for OSV's query API on 127.0.0.1, for pip-audit to talk to in tests.

OSV's real service cannot be reached from the test machines, so this small
``http.server`` answers ``POST /v1/query`` (one package and version, as
pip-audit 2.x asks) and ``POST /v1/querybatch`` the way api.osv.dev does, from
OSV records the tests write.  A record matches when its ``affected`` entry
names the package (PEP 503 normalised) and lists the version in ``versions``,
which is how OSV itself answers for PyPI.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class StandIn:
    """Records to serve, the queries received, and a failure mode."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records
        self.queries: list[dict[str, Any]] = []
        self.fail_with: int | None = None
        self.garbage = False
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/query"

    def matching(self, name: str, version: str) -> list[dict[str, Any]]:
        found = []
        for record in self.records:
            for affected in record.get("affected", []):
                package = affected.get("package", {})
                if _norm(package.get("name", "")) == _norm(
                    name
                ) and version in affected.get("versions", []):
                    found.append(record)
                    break
        return found


def _handler(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(
            self, format: str, *args: Any
        ) -> None:  # keep test output quiet
            return

        def _send(self, code: int, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            query = json.loads(self.rfile.read(length) or b"{}")
            stand_in.queries.append({"path": self.path, **query})
            if stand_in.fail_with:
                self._send(
                    stand_in.fail_with, b'{"code": 13, "message": "internal error"}'
                )
                return
            if stand_in.garbage:
                self._send(200, b"<html>not json</html>")
                return
            if self.path == "/v1/query":
                vulns = stand_in.matching(query["package"]["name"], query["version"])
                self._send(200, json.dumps({"vulns": vulns} if vulns else {}).encode())
            elif self.path == "/v1/querybatch":
                results = [
                    {
                        "vulns": [
                            {"id": r["id"], "modified": r.get("modified", "")}
                            for r in stand_in.matching(
                                q["package"]["name"], q["version"]
                            )
                        ]
                    }
                    for q in query.get("queries", [])
                ]
                self._send(200, json.dumps({"results": results}).encode())
            else:
                self._send(404, b'{"code": 5, "message": "Not Found"}')

    return Handler


@contextmanager
def serve(records: list[dict[str, Any]]) -> Iterator[StandIn]:
    stand_in = StandIn(records)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stand_in))
    stand_in.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ranges(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    """Build OSV ``ranges``: one ECOSYSTEM range of (event, version) pairs."""
    return [{"type": "ECOSYSTEM", "events": [{kind: v} for kind, v in pairs]}]


def record(
    ident: str,
    aliases: list[str],
    package: str,
    *affected: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    """Build an OSV record of ``package`` (PyPI) with ``affected`` entries' fields."""
    entries = [
        {"package": {"name": package, "ecosystem": "PyPI"}, **a} for a in affected
    ]
    return {
        "schema_version": "1.4.0",
        "id": ident,
        "aliases": aliases,
        "summary": extra.pop("summary", f"{ident} summary"),
        "affected": entries,
        **extra,
    }


def osv_record(
    ident: str,
    aliases: list[str],
    package: str,
    introduced: str,
    fixed: str,
    *,
    summary: str,
    versions: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Build an OSV record: ``package`` (PyPI) affected from ``introduced`` to ``fixed``.

    The shape of OSV's own PyPI records (one ECOSYSTEM range); ``extra`` adds
    fields such as ``severity`` or ``database_specific``; ``versions`` lists
    the affected versions, as OSV's query API matches them.
    """
    affected: dict[str, Any] = {
        "ranges": ranges(("introduced", introduced), ("fixed", fixed))
    }
    if versions is not None:
        affected["versions"] = versions
    return record(ident, aliases, package, affected, summary=summary, **extra)


def requests_2018(**extra: Any) -> dict[str, Any]:
    """Build PYSEC-2018-28 (requests < 2.20.0), abridged from OSV's real record."""
    return osv_record(
        "PYSEC-2018-28",
        ["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"],
        "requests",
        "0",
        "2.20.0",
        summary="Requests sends Authorization headers to a redirected http host",
        **extra,
    )


def jinja_2019(**extra: Any) -> dict[str, Any]:
    """Build GHSA-462w-v97r-4m45 (Jinja2 < 2.10.1), abridged from OSV's real record."""
    return osv_record(
        "GHSA-462w-v97r-4m45",
        ["CVE-2019-10906", "PYSEC-2019-217"],
        "Jinja2",
        "0",
        "2.10.1",
        summary="Jinja2 sandbox escape via string formatting",
        **extra,
    )


def requests_2023(**extra: Any) -> dict[str, Any]:
    """Build GHSA-j8r2-6x86-q33q (requests 2.3.0 to 2.31.0), abridged from OSV."""
    return osv_record(
        "GHSA-j8r2-6x86-q33q",
        ["CVE-2023-32681", "PYSEC-2023-74"],
        "requests",
        "2.3.0",
        "2.31.0",
        summary="Unintended leak of Proxy-Authorization header in requests",
        **extra,
    )
