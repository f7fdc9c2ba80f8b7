"""The files init plans, as text: read once, edited in memory, written at the end."""

from __future__ import annotations

import configparser
import dataclasses
from pathlib import Path
from typing import Any

import tomlkit
from quality_gates import config as config_mod
from quality_gates.errors import GateError
from quality_gates.textfile import decode
from quality_gates.tools.base import Context
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Table, Whitespace

PYPROJECT = "pyproject.toml"


def read_text(root: Path, name: str) -> str | None:
    """Return a project file's text (None when absent); bad bytes are a GateError."""
    path = root / name
    if not path.is_file():
        return None
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        raise GateError(f"{name}: cannot read: {exc.strerror or exc}")
    if text.problem:
        raise GateError(f"{name}:{text.line}: {text.problem}")
    return text.text


@dataclasses.dataclass
class Workspace:
    """The project's configs as init will leave them, and what it noted on the way."""

    root: Path
    cfg: config_mod.Config
    doc: tomlkit.TOMLDocument
    texts: dict[str, str] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)
    # what init could add but does not, one line each
    offers: list[str] = dataclasses.field(default_factory=list)
    original: str | None = None  # pyproject.toml as read
    made: list[Table] = dataclasses.field(default_factory=list)  # tables init made

    @classmethod
    def open(cls, root: Path) -> Workspace:
        """Read and validate pyproject.toml ([tool.quality-gates] included)."""
        cfg = config_mod.load(root)  # every bad value is a GateError here
        text = read_text(root, PYPROJECT)
        try:
            doc = tomlkit.parse(text or "")
        except TOMLKitError as exc:  # every tomlkit error (ParseError is one)
            raise GateError(f"{PYPROJECT}: invalid TOML: {exc}")
        return cls(root, cfg, doc, original=text)

    @property
    def ctx(self) -> Context:
        """The adapters' view of the project (its configs as they are now)."""
        return Context(self.root, self.cfg)

    def text(self, name: str) -> str | None:
        """Return a file as planned so far (pyproject.toml included)."""
        if name == PYPROJECT:
            return self._pyproject() if self.doc.body else None
        if name in self.texts:
            return self.texts[name]
        return read_text(self.root, name)

    def _pyproject(self) -> str:
        """Render pyproject.toml: a table init made ends with a blank line."""
        for table in self.made:
            body = table.value.body
            if body and not isinstance(body[-1][1], Whitespace):
                table.add(tomlkit.nl())
        text = tomlkit.dumps(self.doc)
        if text.endswith("\n\n") and not (self.original or "").endswith("\n\n"):
            text = text.rstrip("\n") + "\n"  # not at the end of the file
        return text

    def table(self, *keys: str) -> Table:
        """Return the table ``[keys...]`` of pyproject.toml, made if absent."""
        node: Any = self.doc
        for key in keys:
            if key not in node:
                node[key] = tomlkit.table(is_super_table=key == "tool")
                if key != "tool":
                    self.made.append(node[key])
            node = node[key]
        if not isinstance(node, Table):
            raise GateError(f"{PYPROJECT}: [{'.'.join(keys)}] is not a table")
        return node

    def lookup(self, *keys: str) -> Any:
        """Return a value of pyproject.toml as planned, None when absent."""
        node: Any = self.doc
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return node.unwrap() if hasattr(node, "unwrap") else node

    def ini_value(self, name: str, section: str, key: str) -> str | None:
        """Return a key of an ini file's section as planned, None when absent."""
        parser = configparser.RawConfigParser()
        try:
            parser.read_string(self.text(name) or "")
        except configparser.Error:
            return None
        for option in (key, key.replace("-", "_"), key.replace("_", "-")):
            if parser.has_option(section, option):
                return parser.get(section, option).strip()
        return None
