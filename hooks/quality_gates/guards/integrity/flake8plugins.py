"""QG123, QG115: a flake8 ``select``/``ignore`` that drops an installed plugin's codes.

A plugin counts as installed when a dependency list names it (pyproject.toml,
setup.cfg, tox.ini, requirements files, pre-commit ``additional_dependencies``).
flake8 only reports the codes ``select`` (plus ``extend-select``) lets through,
so ``select = E,F,W`` next to an installed flake8-bugbear turns every B check
off without a word.  D codes (flake8-docstrings) keep their own rule, QG123.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml
from quality_gates import textfile
from quality_gates.findings import Finding
from quality_gates.guards.integrity import precommit
from quality_gates.guards.integrity.configfiles import Configs
from quality_gates.guards.integrity.inifiles import Ini
from quality_gates.guards.integrity.rules import finding
from quality_gates.guards.integrity.shadowing import flake8_sources
from quality_gates.yamlnodes import line_of, scalar, sequence, value


@dataclasses.dataclass(frozen=True)
class Plugin:
    """A flake8 plugin: its distribution name, its code prefix, and the rule."""

    name: str
    prefix: str
    rule: str = "QG115"

    @property
    def pattern(self) -> re.Pattern[str]:
        """The distribution name as it appears in a dependency list."""
        words = re.split(r"[-_]", self.name)
        return re.compile(r"(?i)\b" + r"[-_.]".join(map(re.escape, words)) + r"\b")


PLUGINS = (
    Plugin("flake8-docstrings", "D", "QG123"),
    Plugin("flake8-bugbear", "B"),
    Plugin("flake8-comprehensions", "C4"),
    Plugin("flake8-simplify", "SIM"),
    Plugin("flake8-bandit", "S"),
    Plugin("flake8-annotations", "ANN"),
    Plugin("flake8-builtins", "A"),
    Plugin("flake8-pytest-style", "PT"),
    Plugin("flake8-print", "T20"),
    Plugin("flake8-return", "R50"),
    Plugin("pep8-naming", "N8"),
    Plugin("flake8-quotes", "Q0"),
    Plugin("flake8-eradicate", "E800"),
    Plugin("flake8-tidy-imports", "I25"),
    Plugin("flake8-type-checking", "TC"),
    Plugin("flake8-logging-format", "G"),
    Plugin("flake8-commas", "C81"),
    Plugin("flake8-rst-docstrings", "RST"),
)


def codes(text: str | None) -> list[str]:
    """Split a flake8 code list (commas, spaces or lines)."""
    return [code for code in re.split(r"[,\s]+", text or "") if code]


def _covers(code: str, prefix: str) -> bool:
    """``select = C`` covers C4; ``select = B950`` keeps part of B."""
    return prefix.startswith(code) or code.startswith(prefix)


def drops(
    prefix: str,
    *,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
) -> str:
    """Why the codes of ``prefix`` are dropped ('' when they are not)."""
    chosen = codes(select)
    if chosen and not any(_covers(c, prefix) for c in chosen + codes(extend_select)):
        return f"`select = {', '.join(chosen)}` has no {prefix} code"
    if any(prefix.startswith(code) for code in codes(ignore)):
        ignored = next(code for code in codes(ignore) if prefix.startswith(code))
        return f"`{ignored}` in the ignore list turns off every {prefix} check"
    return ""


def drops_d(
    *, select: str | None, extend_select: str | None, ignore: str | None
) -> str:
    """Why the D codes are dropped ('' when they are not)."""
    return drops("D", select=select, extend_select=extend_select, ignore=ignore)


def installed(root: Path, c: Configs, precommit_root: yaml.Node | None) -> list[Plugin]:
    """Return the plugins a dependency list names (D also when its options are set)."""
    texts = list(c.texts.values()) + precommit.dependencies(precommit_root)
    for pattern in ("requirements*.txt", "requirements/*.txt"):
        texts += [textfile.read(p).text for p in sorted(root.glob(pattern))]
    found = [p for p in PLUGINS if any(p.pattern.search(t) for t in texts)]
    convention = any(
        ini.get("flake8", "docstring-convention") is not None for ini in c.ini.values()
    )
    if convention and PLUGINS[0] not in found:
        found.insert(0, PLUGINS[0])
    return found


def _ini_findings(c: Configs, plugins: list[Plugin]) -> list[Finding]:
    sources = flake8_sources(c)
    if not sources or sources[0].section != "[flake8]":
        return []
    path = sources[0].path
    ini = c.ini[path]
    ignore = " ".join(ini.get("flake8", k) or "" for k in ("ignore", "extend-ignore"))
    out = []
    for plugin in plugins:
        why = drops(
            plugin.prefix,
            select=ini.get("flake8", "select"),
            extend_select=ini.get("flake8", "extend-select"),
            ignore=ignore,
        )
        if why:
            line = _line(ini, plugin.prefix, why)
            detail = f"{path} [flake8]: {why} ({plugin.name} is in use)"
            out.append(finding(plugin.rule, path, line, detail))
    return out


def _line(ini: Ini, prefix: str, why: str) -> int:
    if why.startswith("`select"):
        return ini.line("flake8", "select")
    for key in ("ignore", "extend-ignore"):
        if any(prefix.startswith(code) for code in codes(ini.get("flake8", key))):
            return ini.line("flake8", key)
    return ini.line("flake8")


def _option(args: list[str], name: str) -> str | None:
    for index, arg in enumerate(args):
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
        if arg == name and index + 1 < len(args):
            return args[index + 1]
    return None


def _hook_findings(
    precommit_root: yaml.Node | None, plugins: list[Plugin]
) -> list[Finding]:
    out = []
    for hook in precommit.flake8_hooks(precommit_root):
        nodes = sequence(value(hook, "args"))
        args = [scalar(node) or "" for node in nodes]
        ignore = " ".join(
            _option(args, o) or "" for o in ("--ignore", "--extend-ignore")
        )
        for plugin in plugins:
            why = drops(
                plugin.prefix,
                select=_option(args, "--select"),
                extend_select=_option(args, "--extend-select"),
                ignore=ignore,
            )
            if why:
                line = line_of(nodes[0]) if nodes else line_of(hook)
                detail = f"hook `flake8` args: {why} ({plugin.name} is in use)"
                out.append(finding(plugin.rule, precommit.PATH, line, detail))
    return out


def plugin_codes(
    root: Path, c: Configs, precommit_root: yaml.Node | None
) -> list[Finding]:
    """QG123 and QG115 in the flake8 config flake8 reads and in pre-commit's hook."""
    plugins = installed(root, c, precommit_root)
    if not plugins:
        return []
    return _ini_findings(c, plugins) + _hook_findings(precommit_root, plugins)
