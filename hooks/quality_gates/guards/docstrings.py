"""QG123: a flake8 ``select`` or ``ignore`` that drops flake8-docstrings' D codes."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from quality_gates.findings import Finding
from quality_gates.guards import precommit, textfile
from quality_gates.guards.configfiles import Configs
from quality_gates.guards.inifiles import Ini
from quality_gates.guards.integrity_rules import finding
from quality_gates.guards.shadowing import flake8_sources
from quality_gates.guards.yamlnodes import line_of, scalar, sequence, value

_PLUGIN = re.compile(r"flake8[-_]docstrings", re.IGNORECASE)


def codes(text: str | None) -> list[str]:
    """Split a flake8 code list (commas, spaces or lines)."""
    return [code for code in re.split(r"[,\s]+", text or "") if code]


def drops_d(
    *, select: str | None, extend_select: str | None, ignore: str | None
) -> str:
    """Why the D codes are dropped ('' when they are not)."""
    if select is not None and codes(select):
        if not any(c.startswith("D") for c in codes(select) + codes(extend_select)):
            return f"`select = {', '.join(codes(select))}` has no D code"
    if ignore is not None and "D" in codes(ignore):
        return "`D` in the ignore list turns off every docstring check"
    return ""


def plugin_in_use(root: Path, c: Configs, precommit_root: yaml.Node | None) -> bool:
    """flake8-docstrings named in a dependency list, or its options set."""
    texts = list(c.texts.values())
    texts += precommit.dependencies(precommit_root)
    for pattern in ("requirements*.txt", "requirements/*.txt"):
        texts += [textfile.read(p).text for p in sorted(root.glob(pattern))]
    if any(_PLUGIN.search(text) for text in texts):
        return True
    return any(
        ini.get("flake8", "docstring-convention") is not None for ini in c.ini.values()
    )


def _config_findings(c: Configs) -> list[Finding]:
    sources = flake8_sources(c)
    if not sources or sources[0].section != "[flake8]":
        return []
    path = sources[0].path
    ini = c.ini[path]
    ignores = " ".join(
        ini.get("flake8", key) or "" for key in ("ignore", "extend-ignore")
    )
    why = drops_d(
        select=ini.get("flake8", "select"),
        extend_select=ini.get("flake8", "extend-select"),
        ignore=ignores,
    )
    if not why:
        return []
    key = "select" if why.startswith("`select") else "ignore"
    line = ini.line("flake8", key) if key == "select" else _ignore_line(ini)
    return [finding("QG123", path, line, f"{path} [flake8]: {why}")]


def _ignore_line(ini: Ini) -> int:
    for key in ("ignore", "extend-ignore"):
        if "D" in codes(ini.get("flake8", key)):
            return ini.line("flake8", key)
    return ini.line("flake8")


def _option(args: list[str], name: str) -> str | None:
    for index, arg in enumerate(args):
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
        if arg == name and index + 1 < len(args):
            return args[index + 1]
    return None


def _hook_findings(precommit_root: yaml.Node | None) -> list[Finding]:
    out = []
    for hook in precommit.flake8_hooks(precommit_root):
        nodes = sequence(value(hook, "args"))
        args = [scalar(node) or "" for node in nodes]
        ignore = " ".join(
            _option(args, o) or "" for o in ("--ignore", "--extend-ignore")
        )
        why = drops_d(
            select=_option(args, "--select"),
            extend_select=_option(args, "--extend-select"),
            ignore=ignore,
        )
        if why:
            line = line_of(nodes[0]) if nodes else line_of(hook)
            detail = f"hook `flake8` args: {why}"
            out.append(finding("QG123", precommit.PATH, line, detail))
    return out


def docstring_codes(
    root: Path, c: Configs, precommit_root: yaml.Node | None
) -> list[Finding]:
    """QG123 in the flake8 config flake8 reads and in pre-commit's flake8 hook."""
    if not plugin_in_use(root, c, precommit_root):
        return []
    return _config_findings(c) + _hook_findings(precommit_root)
