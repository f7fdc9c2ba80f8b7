"""A built docs site that would deploy to a 404 or to broken links.

Checks a folder of built HTML (mkdocs ``site/``, Sphinx ``_build/html``) as
GitHub Pages will serve it under its base URL (``https://OWNER.github.io/REPO/``
for a project site):

- ``index.html`` at the root, or the site's address answers 404;
- ``.nojekyll`` when files or folders start with ``_`` (Sphinx's ``_static``)
  and the site is deployed from a branch, where Jekyll drops them;
- every internal ``href``/``src``/``srcset`` and every ``#anchor``, within and
  across pages, resolves to a file (and an ``id``) of the site, served the
  way Pages serves it (``dir/`` -> ``dir/index.html``, ``page`` -> ``page.html``);
- no URL leaves the base path: under a project site a root-absolute
  ``/assets/x.css`` is ``https://OWNER.github.io/assets/x.css``, a 404.

HTML is parsed once per page with the standard library's ``html.parser``;
file lookups go to one in-memory listing, so a few hundred pages take seconds.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from quality_gates.errors import GateError
from quality_gates.findings import Finding

TOOL = "docs-check"
DEPLOY_MODES = ("branch", "actions")
_HTML = (".html", ".htm")
_URL_ATTRS = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "input": ("src",),
}
_REFRESH = re.compile(r"^\s*\d+\s*;\s*url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)
_ORIGIN = "https://site.invalid"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclasses.dataclass
class Link:
    """One URL in a page, where it was written."""

    url: str
    line: int
    column: int


@dataclasses.dataclass
class Page:
    """The anchors a page defines and the URLs it uses."""

    ids: set[str] = dataclasses.field(default_factory=set)
    links: list[Link] = dataclasses.field(default_factory=list)
    base_href: str | None = None


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()

    def _link(self, url: str) -> None:
        line, offset = self.getpos()
        self.page.links.append(Link(url.strip(), line, offset + 1))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        if tag == "base" and "href" in values and self.page.base_href is None:
            self.page.base_href = values["href"].strip()
            return
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            match = _REFRESH.match(values.get("content", ""))
            if match:
                self._link(match.group(1))
            return
        for attr in _URL_ATTRS.get(tag, ()):
            value = values.get(attr)
            if value is None:
                continue
            if attr == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self._link(candidate.split()[0])
            else:
                self._link(value)

    handle_startendtag = handle_starttag


def parse_page(text: str) -> Page:
    """Anchors and URLs of one HTML document (tolerant of broken markup)."""
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser.page


def parse_file(path: str) -> Page:
    """Parse one HTML file; undecodable bytes become U+FFFD, never an error."""
    return parse_page(Path(path).read_bytes().decode("utf-8", errors="replace"))


@dataclasses.dataclass
class Site:
    """Every file and folder of a built site, and its parsed pages."""

    root: Path
    files: set[str]
    dirs: set[str]
    pages: dict[str, Page]


def scan(site: Path) -> Site:
    """List the site once and parse every HTML page."""
    if not site.is_dir():
        raise GateError(f"{site}: no such folder; build the docs first (mkdocs build)")
    files: set[str] = set()
    dirs: set[str] = set()
    for folder, subdirs, names in os.walk(site):
        subdirs[:] = [
            d for d in subdirs if d != ".git"
        ]  # a site served from a checkout
        rel = Path(folder).relative_to(site).as_posix()
        prefix = "" if rel == "." else rel + "/"
        dirs.update(prefix + d for d in subdirs)
        files.update(prefix + n for n in names)
    names = sorted(n for n in files if n.lower().endswith(_HTML))
    pages = {name: parse_file(str(site / name)) for name in names}
    if not pages:
        raise GateError(f"{site}: no HTML pages; build the docs into this folder first")
    return Site(site, files, dirs, pages)


@dataclasses.dataclass
class Base:
    """Where the site is served: scheme and host (if known) and base path."""

    url: str | None
    origin: str
    path: str

    @property
    def netloc(self) -> str:
        """Host (and port) of the base URL, lower-case."""
        return self.origin.partition("://")[2]

    @classmethod
    def parse(cls, url: str | None) -> Base:
        """Validate ``--base-url``; none means a site served at ``/``."""
        if not url:
            return cls(None, "", "/")
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise GateError(f"--base-url {url!r}: expected https://HOST/PATH/")
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        return cls(origin + path, origin, path)


def resolve_file(site: Site, rel: str) -> str | None:
    """Return the file GitHub Pages serves for a site-relative path, or None."""
    if rel == "" or rel.endswith("/"):
        candidate = rel + "index.html"
        return candidate if candidate in site.files else None
    if rel in site.files:
        return rel
    if rel in site.dirs and f"{rel}/index.html" in site.files:
        return f"{rel}/index.html"  # Pages redirects dir to dir/
    if f"{rel}.html" in site.files:
        return f"{rel}.html"
    return None


def _finding(rule: str, path: str, line: int, column: int, message: str) -> Finding:
    return Finding(TOOL, rule, "error", path, line, column, message)


def _skip(url: str) -> bool:
    return not url or url.startswith(("mailto:", "tel:", "javascript:", "data:"))


def join_path(doc: str, path: str) -> str:
    """Resolve a URL path against the page's URL path (RFC 3986 dot segments)."""
    if not path:
        return doc
    joined = path if path.startswith("/") else doc.rsplit("/", 1)[0] + "/" + path
    last = joined.rsplit("/", 1)[1]
    normal = posixpath.normpath(joined)
    if normal.startswith("//"):
        normal = normal[1:]
    slash = joined.endswith("/") or last in (".", "..")
    return normal + "/" if slash and not normal.endswith("/") else normal


def target_of(doc: str, url: str, base: Base) -> tuple[str, str] | None:
    """URL path and fragment a link points to, or None when it is external."""
    if url.startswith("//") or _SCHEME.match(url):
        parts = urlsplit(url)
        if base.url is None or parts.scheme not in ("http", "https", ""):
            return None
        if parts.netloc.lower() != base.netloc:
            return None  # another host
        if not (parts.path + "/").startswith(base.path):
            return None  # another site on the same host (OWNER.github.io/OTHER/)
        return parts.path or "/", parts.fragment
    path, _, fragment = url.partition("#")
    return join_path(doc, path.partition("?")[0]), fragment


def check_link(site: Site, base: Base, doc: str, url: str) -> tuple[str, str] | None:
    """``(rule, message)`` when the link is broken under ``base``, else None.

    ``doc`` is the URL path of the page (or of its ``<base href>``).
    """
    target = target_of(doc, url, base)
    if target is None:
        return None
    path, fragment = target
    if not (path + "/").startswith(base.path):
        return "outside-base", (
            f"{url} leaves the site's base path {base.path}: it resolves to "
            f"{base.origin}{path}, a 404; use a relative URL"
            + (f" or prefix it with {base.path}" if url.startswith("/") else "")
        )
    rel = unquote(path[len(base.path) :])
    found = resolve_file(site, rel)
    if found is None:
        return "broken-link", f"{url}: no such file in the site ({rel or '/'})"
    fragment = unquote(fragment)
    if not fragment or fragment.lower() == "top" or fragment.startswith(":~:"):
        return None
    if found in site.pages and fragment not in site.pages[found].ids:
        return "broken-anchor", f"{url}: no id {fragment!r} in {found}"
    return None


def _doc_path(base: Base, name: str, page: Page) -> str:
    doc = base.path + name
    if page.base_href:
        doc = urlsplit(urljoin(_ORIGIN + doc, page.base_href)).path or "/"
    return doc


def check_links(site: Site, base: Base, prefix: str) -> Iterator[Finding]:
    """One finding per broken URL per page (the first place it is written)."""
    for page_name, page in sorted(site.pages.items()):
        doc = _doc_path(base, page_name, page)
        seen: set[str] = set()
        for link in page.links:
            if _skip(link.url) or link.url in seen:
                continue
            seen.add(link.url)
            problem = check_link(site, base, doc, link.url)
            if problem:
                rule, message = problem
                yield _finding(
                    rule, prefix + page_name, link.line, link.column, message
                )


def check_index(site: Site, prefix: str) -> Iterable[Finding]:
    """Find a missing ``index.html`` at the site root."""
    if "index.html" in site.files:
        return []
    return [
        _finding(
            "missing-index",
            prefix + "index.html",
            0,
            0,
            "no index.html at the site root: the site's address answers 404; "
            "build the home page (docs/index.md) or deploy the right folder",
        )
    ]


def underscored(site: Site) -> list[str]:
    """Files and folders Jekyll would drop: the outermost ``_``-named ones."""
    found: set[str] = set()
    for name in site.files:
        parts = name.split("/")
        for i, part in enumerate(parts):
            if part.startswith("_"):
                found.add(
                    "/".join(parts[: i + 1]) + ("/" if i < len(parts) - 1 else "")
                )
                break
    return sorted(found)


def check_nojekyll(site: Site, deploy_from: str, prefix: str) -> Iterable[Finding]:
    """Find ``_`` names that Jekyll would drop from a branch deploy."""
    if deploy_from != "branch" or ".nojekyll" in site.files:
        return []
    hidden = underscored(site)
    if not hidden:
        return []
    return [
        _finding(
            "missing-nojekyll",
            prefix + ".nojekyll",
            0,
            0,
            f"{', '.join(hidden[:3])} start with '_' and GitHub Pages' Jekyll drops "
            "them when deploying from a branch: add an empty .nojekyll file to the "
            "site (or deploy with actions/deploy-pages)",
        )
    ]


def check_site(
    site_dir: Path, *, base_url: str | None, deploy_from: str, prefix: str = ""
) -> tuple[Site, list[Finding]]:
    """Every check of the built site; findings' paths start with ``prefix``."""
    if deploy_from not in DEPLOY_MODES:
        raise GateError(f"--deploy-from {deploy_from!r}: choose branch or actions")
    base = Base.parse(base_url)
    site = scan(site_dir)
    findings = [
        *check_index(site, prefix),
        *check_nojekyll(site, deploy_from, prefix),
        *check_links(site, base, prefix),
    ]
    return site, findings
