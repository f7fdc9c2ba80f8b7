"""Escaping per destination: each module, a table of hostile inputs and honest twins.

The twins are what a repository normally holds; they come out unchanged, or as
close as the destination allows, so escaping costs nothing on honest text.
"""

from __future__ import annotations

import io
import re
import urllib.parse

import pytest
from markdown_it import MarkdownIt
from quality_gates.escape import actions_log, markdown, sarif_uri, terminal

# -- terminal -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        pytest.param("bad.py: F401 'os' imported", None, id="honest"),
        pytest.param("café/naïve.py ✓", None, id="honest-unicode"),
        pytest.param("a\\b.py", None, id="honest-backslash"),
        pytest.param(
            "x\x1b]0;pwned\x07y", "x\\x1b]0;pwned\\x07y", id="osc-retitles-terminal"
        ),
        pytest.param("\x1b[1A\x1b[2K", "\\x1b[1A\\x1b[2K", id="erases-line-above"),
        pytest.param("ok\rrun: passed", "ok\\rrun: passed", id="carriage-return"),
        pytest.param("a\nb", "a\\nb", id="line-feed"),
        pytest.param("tab\tname.py", "tab\\tname.py", id="tab"),
        pytest.param("c\x9b2K", "c\\x9b2K", id="c1-csi"),
        pytest.param("\x7f\x00", "\\x7f\\x00", id="del-nul"),
        pytest.param("\u202eevil", "\\u202eevil", id="bidi-override"),
        pytest.param("\u2066x\u2069", "\\u2066x\\u2069", id="bidi-isolate"),
        pytest.param("a\u2028b", "a\\u2028b", id="line-separator"),
        pytest.param("caf\udce9.py", "caf\\xe9.py", id="not-utf8-byte"),
        pytest.param("\ud800", "\\ud800", id="lone-surrogate"),
    ],
)
def test_visible_shows_every_control_character(raw: str, shown: str | None) -> None:
    out = terminal.visible(raw)
    assert out == (raw if shown is None else shown)
    assert terminal.visible(out) == out  # escaping twice changes nothing
    out.encode("utf-8")  # printable on any UTF-8 terminal


def test_visible_can_keep_line_feeds_for_a_command_message() -> None:
    assert terminal.visible("a\n\x1bb", newlines=True) == "a\n\\x1bb"


def test_say_prints_one_safe_line() -> None:
    out = io.StringIO()
    terminal.say("x.py\n::warning::forged \x1b[2K", file=out)
    assert out.getvalue() == "x.py\\n::warning::forged \\x1b[2K\n"


def test_lines_makes_each_part_one_line() -> None:
    assert terminal.lines(["a\nb", "::x::y", "ok"]) == "a\\nb\n\\x3a:x::y\nok\n"


# -- the Actions log --------------------------------------------------------------------


def obeyed(line: str) -> bool:
    """Tell whether the runner obeys ``line`` (ActionCommand.TryParseV2, TryParse)."""
    return line.lstrip().startswith("::") or "##[" in line


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        pytest.param("src/a.py:1:1: flake8 F401", None, id="honest"),
        pytest.param("note: a:b::c", None, id="honest-colons-inside"),
        pytest.param("# heading [x]", None, id="honest-hash-bracket"),
        pytest.param(
            "::stop-commands::x.py:3:1", "\\x3a:stop-commands::x.py:3:1", id="stop"
        ),
        pytest.param("  ::warning::x", "  \\x3a:warning::x", id="after-spaces"),
        pytest.param("\u00a0::error::x", "\u00a0\\x3a:error::x", id="after-nbsp"),
        pytest.param("x ##[error]y", "x #\\x23[error]y", id="legacy-anywhere"),
        pytest.param("###[set-output]", "##\\x23[set-output]", id="legacy-three"),
    ],
)
def test_inert_lines_are_never_obeyed(raw: str, shown: str | None) -> None:
    out = actions_log.inert(raw)
    assert out == (raw if shown is None else shown)
    assert not obeyed(out)
    assert actions_log.inert(out) == out


def test_inert_json_keeps_the_value() -> None:
    import json

    text = json.dumps({"m": "x ##[error]y"})
    out = actions_log.inert_json(text)
    assert "##[" not in out and json.loads(out) == {"m": "x ##[error]y"}


@pytest.mark.parametrize(
    ("message", "props", "expected"),
    [
        pytest.param(
            "'os' imported but unused",
            {"file": "a.py", "line": 3},
            "::error file=a.py,line=3::'os' imported but unused",
            id="honest",
        ),
        pytest.param(
            "x\n::warning title=forged::boom\r::y %",
            {"title": "t"},
            "::error title=t::x%0A::warning title=forged::boom\\r::y %25",
            id="newline-in-message",
        ),
        pytest.param(
            "m",
            {"file": "a,line=9::b.py", "title": "x:y"},
            "::error file=a%2Cline=9%3A%3Ab.py,title=x%3Ay::m",
            id="property-breakout",
        ),
        pytest.param(
            "\x1b[31mred\x1b[0m\x07", {}, "::error::red\\x07", id="ansi-and-bel"
        ),
    ],
)
def test_command_is_exactly_one_command(
    message: str, props: dict[str, object], expected: str
) -> None:
    line = actions_log.command("error", message, props)
    assert line == expected
    assert len(re.split(r"\r\n|\r|\n", line)) == 1


# -- Markdown (job summary) --------------------------------------------------------------


def rendered(md: str) -> str:
    """Render as GitHub renders a job summary: tables, raw HTML allowed."""
    return (
        MarkdownIt("commonmark", {"html": True})
        .enable("table")
        .enable("strikethrough")
        .render(md)
    )


def cells(value: str) -> tuple[str, str]:
    """Render ``value`` as a code cell and a text cell; return their inner HTML."""
    table = (
        f"| a | b |\n|---|---|\n| {markdown.code(value)} | {markdown.text(value)} |\n"
    )
    found = re.search(r"<td>(.*?)</td>\s*<td>(.*?)</td>", rendered(table), re.S)
    assert found, rendered(table)
    return found.group(1), found.group(2)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("pkg/a.py", id="honest-path"),
        pytest.param("'os' imported but unused", id="honest-message"),
        pytest.param('Incompatible types (got "int", expected "str")', id="mypy"),
        pytest.param("<img src=https://e.example/t.png>", id="img"),
        pytest.param("<h2>quality-gates run: passed</h2>", id="forged-heading"),
        pytest.param("![t](https://e.example/t.png)", id="image-syntax"),
        pytest.param("[approve](https://e.example)", id="link"),
        pytest.param("<https://e.example>", id="autolink"),
        pytest.param("x`<img src=y>`.py", id="backtick-breakout"),
        pytest.param("``x`", id="backtick-runs"),
        pytest.param("a|b", id="pipe"),
        pytest.param("*em* __b__ ~~s~~", id="emphasis"),
        pytest.param("&lt;b&gt; &amp;", id="entities"),
        pytest.param("a\\b \\* c", id="backslashes"),
        pytest.param("x ##[error]y", id="log-command"),
        pytest.param("\x1b[2K\nnext", id="controls"),
    ],
)
def test_markdown_renders_exactly_the_characters(value: str) -> None:
    import html

    code, text = cells(value)
    assert re.findall(r"<(\w+)", code) == ["code"] and "<" not in text  # no element
    expected = html.escape(terminal.visible(value), quote=False)
    assert html.unescape(text) == html.unescape(expected)
    assert html.unescape(code) == html.unescape(f"<code>{expected}</code>")
    assert "##[" not in markdown.code(value) + markdown.text(value)


@pytest.mark.parametrize(
    "value",
    ["# heading", "- item", "+ item", "1. first", "12) twelfth", "> quote"],
)
def test_markdown_text_starts_no_block_in_a_list_item(value: str) -> None:
    page = rendered(f"- {markdown.text(value)}\n")
    assert re.fullmatch(r"<ul>\n<li>[^<]*</li>\n</ul>\n", page), page


def test_honest_markdown_stays_readable() -> None:
    assert markdown.text("pkg/a.py: 'os' imported") == "pkg/a.py: 'os' imported"
    assert markdown.code("pkg/a.py") == "`pkg/a.py`"


# -- SARIF URIs -----------------------------------------------------------------------

# RFC 3986 relative-path reference: pchars and "/", no ":" in the first segment
PCHARS = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*")


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        pytest.param("src/pkg/mod.py", "src/pkg/mod.py", id="honest"),
        pytest.param("src/x~y_z-1.pyi", "src/x~y_z-1.pyi", id="honest-unreserved"),
        pytest.param("a#frag.py", "a%23frag.py", id="fragment"),
        pytest.param("50%41.py", "50%2541.py", id="percent"),
        pytest.param("q?x=1.py", "q%3Fx%3D1.py", id="query"),
        pytest.param("my file.py", "my%20file.py", id="space"),
        pytest.param("c:d.py", "c%3Ad.py", id="scheme-like"),
        pytest.param("a\\b.py", "a%5Cb.py", id="backslash"),
        pytest.param("é.py", "%C3%A9.py", id="utf8"),
        pytest.param("caf\udce9.py", "caf%E9.py", id="not-utf8"),
    ],
)
def test_sarif_uri_names_the_file(path: str, uri: str) -> None:
    out = sarif_uri.from_path(path)
    assert out == uri
    assert PCHARS.fullmatch(out) and ":" not in out.split("/")[0]
    assert sarif_uri.to_path(out) == path
    if path.isascii():
        assert urllib.parse.unquote(out) == path
