"""quality_gates.ci.pages against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from quality_gates.ci import pages
from quality_gates.errors import GateError


class Handler(http.server.BaseHTTPRequestHandler):
    """/ok answers 200 with a title, /other 200 without it, anything else 404."""

    def do_GET(self) -> None:  # noqa: N802
        bodies = {
            "/ok": b"<title>My docs</title>",
            "/other": b"<title>Welcome to nginx</title>",
        }
        body = bodies.get(self.path)
        self.send_response(200 if body else 404)
        self.end_headers()
        self.wfile.write(body or b"<h1>404</h1>")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_live_page_with_the_expected_text_passes(server: str) -> None:
    logged: list[str] = []
    pages.check_url(
        f"{server}/ok", expected="My docs", attempts=2, delay=0, log=logged.append
    )
    assert logged == [f"{server}/ok: answered 200 with the expected page (attempt 1)"]


@pytest.mark.parametrize(
    ("path", "expected", "message"),
    [
        pytest.param("/gone", "", "answered 404 after 3 attempt", id="404"),
        pytest.param(
            "/other", "My docs", "does not contain 'My docs'", id="wrong-page"
        ),
    ],
)
def test_a_wrong_answer_fails_after_the_retries(
    server: str, path: str, expected: str, message: str
) -> None:
    logged: list[str] = []
    with pytest.raises(GateError, match=message):
        pages.check_url(
            server + path, expected=expected, attempts=3, delay=0, log=logged.append
        )
    assert len(logged) == 3


def test_an_unreachable_site_fails(tmp_path: Path) -> None:
    with pytest.raises(GateError, match="unreachable"):
        pages.check_url(
            "http://127.0.0.1:9/", expected="", attempts=1, delay=0, log=lambda _: None
        )


@pytest.mark.parametrize("url", ["", "ftp://x/", "example.com"])
def test_not_an_http_url_is_an_error(url: str) -> None:
    with pytest.raises(GateError, match="not an http"):
        pages.check_url(url, expected="", attempts=1, delay=0)


def test_expected_title(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        "<html><head><title> A &amp; B </title></head></html>"
    )
    assert pages.expected_title(tmp_path) == "A & B"
    assert pages.expected_title(tmp_path / "missing") == ""


@pytest.mark.parametrize(
    ("repository", "server", "expected"),
    [
        ("Octo/docs", "https://github.com", "https://octo.github.io/docs/"),
        ("octo/Octo.github.io", "https://github.com", "https://octo.github.io/"),
        ("octo/docs", "https://ghe.example.com", ""),
        ("", "https://github.com", ""),
        # act names the repository after a local clone's origin path
        ("/work/.mirror/Python-Markdown+markdown/repo", "https://github.com", ""),
        ("owner/name/extra", "https://github.com", ""),
    ],
)
def test_project_url(repository: str, server: str, expected: str) -> None:
    assert pages.project_url(repository, server) == expected
