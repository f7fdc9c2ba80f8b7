"""The base URL a docs project declares: mkdocs ``site_url``, Sphinx ``html_baseurl``.

mkdocs writes ``site_url`` into the 404 page, the sitemap and canonical links;
Sphinx writes ``html_baseurl`` into canonical links and the sitemap.  When it
disagrees with where the site is deployed, those links point elsewhere.

mkdocs.yml is read with PyYAML's composer, so its ``!!python/name`` and
``!ENV`` tags need no constructors; ``!ENV`` is resolved the way mkdocs does.
conf.py is parsed, never executed: only a literal ``html_baseurl = "..."``
assignment is understood.
"""

from __future__ import annotations

import ast
import dataclasses
import os
from pathlib import Path

import yaml
from quality_gates.errors import GateError

MKDOCS_NAMES = ("mkdocs.yml", "mkdocs.yaml")


@dataclasses.dataclass
class Declared:
    """The base URL a config file declares (``None`` if it declares none)."""

    path: Path
    key: str
    value: str | None
    line: int
    note: str = ""


def find_config(site: Path, root: Path) -> Path | None:
    """mkdocs.yml next to the site or at the root; else a Sphinx conf.py nearby."""
    site = site.resolve()
    for folder in (site.parent, root):
        for name in MKDOCS_NAMES:
            if (folder / name).is_file():
                return folder / name
    # docs/_build/html -> docs/conf.py; docs/build/html -> docs/source/conf.py
    candidates = [
        site.parent / "conf.py",
        site.parent.parent / "conf.py",
        site.parent.parent / "source" / "conf.py",
        root / "docs" / "conf.py",
        root / "docs" / "source" / "conf.py",
        root / "conf.py",
    ]
    return next((c for c in candidates if c.is_file()), None)


def _env_value(node: yaml.Node) -> str | None:
    names = (
        [node.value]
        if isinstance(node, yaml.ScalarNode)
        else [n.value for n in node.value if isinstance(n, yaml.ScalarNode)]
    )
    for name in names:
        if name in os.environ:
            return os.environ[name]
    return names[-1] if len(names) > 1 else None


def mkdocs_site_url(path: Path) -> Declared:
    """``site_url`` of a mkdocs.yml, with its line."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise GateError(f"{path}: cannot read: {exc}")
    except yaml.YAMLError as exc:
        raise GateError(f"{path}: invalid YAML: {' '.join(str(exc).split())}")
    if not isinstance(node, yaml.MappingNode):
        raise GateError(f"{path}: expected a mapping of mkdocs settings")
    for key, value in node.value:
        if getattr(key, "value", None) != "site_url":
            continue
        line = value.start_mark.line + 1
        if value.tag == "!ENV":
            return Declared(path, "site_url", _env_value(value), line)
        if isinstance(value, yaml.ScalarNode):
            return Declared(path, "site_url", str(value.value).strip() or None, line)
        return Declared(path, "site_url", None, line, "site_url is not a string")
    return Declared(path, "site_url", None, 0)


def sphinx_baseurl(path: Path) -> Declared:
    """Find a literal ``html_baseurl`` in conf.py, with its line."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except OSError as exc:
        raise GateError(f"{path}: cannot read: {exc.strerror}")
    except (SyntaxError, ValueError) as exc:
        raise GateError(f"{path}: invalid Python: {exc}")
    found = Declared(path, "html_baseurl", None, 0)
    for stmt in tree.body:
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if not any(isinstance(t, ast.Name) and t.id == "html_baseurl" for t in targets):
            continue
        value = stmt.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found = Declared(
                path, "html_baseurl", value.value.strip() or None, stmt.lineno
            )
        else:
            found = Declared(
                path, "html_baseurl", None, stmt.lineno, "html_baseurl is computed"
            )
    return found


def declared(path: Path) -> Declared:
    """Return the declared base URL of a mkdocs.yml or a Sphinx conf.py."""
    if path.suffix == ".py":
        return sphinx_baseurl(path)
    return mkdocs_site_url(path)


def normalise(url: str) -> str:
    """Host and path, lower-case host, trailing slash: what must agree."""
    rest = url.strip().split("://", 1)[-1].split("#")[0].split("?")[0]
    host, _, path = rest.partition("/")
    path = "/" + path if path else "/"
    return host.lower() + (path if path.endswith("/") else path + "/")
