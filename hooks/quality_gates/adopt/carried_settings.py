"""Where a replaced hook's settings go, so the suite runs each tool as the hook did.

The suite runs a tool with the project's own config for it when there is one,
else with the suite's defaults (``[tool.quality-gates]`` line length and
docstring convention).  So a setting goes into the config the tool already
reads; with none, the line length and docstring convention become suite
settings, and anything else starts a config of its own (``[tool.X]`` in
pyproject.toml, ``.flake8`` for flake8) holding the suite's defaults plus the
setting, so nothing else about the tool's run changes.
"""

from __future__ import annotations

from collections.abc import Mapping

from quality_gates import tools as tools_mod
from quality_gates.adopt import ini
from quality_gates.adopt.workspace import PYPROJECT, Workspace
from quality_gates.config import CONVENTIONS
from quality_gates.hook_args import Carried, Value


def same(a: object, b: object) -> bool:
    """Compare a setting across TOML, ini text and argument text."""
    return ini.ini_value(a).lower().replace(" ", "") == ini.ini_value(
        b
    ).lower().replace(" ", "")


def suite_defaults(ws: Workspace, tool: str) -> dict[str, Value]:
    """Return the suite's defaults for ``tool`` as config keys (from its adapter)."""
    adapter = tools_mod.get(tool)
    return adapter.hook_settings(adapter.default_args(ws.ctx)).settings


def own_config(ws: Workspace, tool: str) -> str | None:
    """Return the file that configures ``tool`` (setup.cfg...), or None.

    isort's ``.editorconfig`` is one init cannot write isort's keys into:
    None, and a new config keeps what isort read there (``editor_defaults``).
    """
    own = tools_mod.get(tool).own_config(ws.ctx)
    return own.split()[0] if own and own != ".editorconfig" else None


def editor_defaults(ws: Workspace, tool: str) -> dict[str, Value]:
    """Return the tool's settings from .editorconfig (isort's), as its config keys."""
    return dict(tools_mod.get(tool).editor_settings(ws.root))


def current(ws: Workspace, tool: str, where: str, key: str) -> object:
    """Return a setting's value in the tool's config as planned (None: unset)."""
    if where == PYPROJECT:
        return ws.lookup("tool", tool, key)
    section, *others = tools_mod.get(tool).ini_sections
    value = ws.ini_value(where, section, key)
    if where == "setup.cfg" and value is None and others:
        return ws.ini_value(where, others[0], key)
    return value


def write(ws: Workspace, tool: str, where: str, values: Mapping[str, Value]) -> None:
    """Set ``values`` in ``where`` (pyproject.toml's [tool.X] or an ini section)."""
    if not values:
        return
    if where == PYPROJECT:
        table = ws.table("tool", tool)
        for key, item in values.items():
            table[key] = item
        return
    section, *others = tools_mod.get(tool).ini_sections
    text = ws.text(where) or ""
    if where == "setup.cfg" and others and f"[{others[0]}]" in text:
        section = others[0]
    ws.texts[where] = ini.set_keys(
        text, section, {k: ini.ini_value(v) for k, v in values.items()}
    )


def _suite_line(ws: Workspace, tool: str, carried: Carried, line: int | None) -> None:
    key = tools_mod.get(tool).line_key
    if key and line is not None and key in carried.settings:
        if same(carried.settings[key], line):
            del carried.settings[key]  # the suite's line-length says it
    convention = carried.settings.get("docstring-convention")
    if tool == "flake8" and convention in CONVENTIONS:
        carried.suite["docstring-convention"] = str(convention)
        del carried.settings["docstring-convention"]


def _convention(defaults: dict[str, Value], carried: Carried) -> None:
    """Say the docstring convention in a started flake8 config only when it matters.

    The suite's, or the hook's; flake8-docstrings' own default (pep257) is left
    out, so the file says nothing about docstrings and the suite's defaults
    for test files still apply (``Flake8.docstring_config``).
    """
    if "docstring-convention" not in defaults:
        return
    chosen = carried.suite.get("docstring-convention", defaults["docstring-convention"])
    if chosen == "pep257":
        del defaults["docstring-convention"]
    else:
        defaults["docstring-convention"] = chosen


def carry(
    ws: Workspace, tool: str, carried: Carried, line: int | None
) -> dict[str, Value]:
    """Write one hook's settings where the suite will read them; return suite keys."""
    where = own_config(ws, tool)
    if where is None:
        _suite_line(ws, tool, carried, line)
        defaults = suite_defaults(ws, tool)
        extra = {
            k: v for k, v in carried.settings.items() if not same(defaults.get(k), v)
        }
        if extra:
            adapter = tools_mod.get(tool)
            where = adapter.new_config
            if line is not None and adapter.line_key in defaults:
                defaults[adapter.line_key] = line
            defaults.update(editor_defaults(ws, tool))
            _convention(defaults, carried)
            write(ws, tool, where, {**defaults, **carried.settings})
            ws.notes.append(f"{tool}: the hook's settings start {_name(tool, where)}")
        return dict(carried.suite)
    changed = {
        k: v
        for k, v in carried.settings.items()
        if not same(current(ws, tool, where, k), v)
    }
    write(ws, tool, where, changed)
    if changed:
        ws.notes.append(
            f"{tool}: the hook's "
            + ", ".join(sorted(changed))
            + f" set in {_name(tool, where)}"
        )
    return dict(carried.suite)


def _name(tool: str, where: str) -> str:
    return (
        f"[tool.{tool}] in {where}"
        if where == PYPROJECT
        else f"[{tools_mod.get(tool).ini_sections[0]}] in {where}"
    )
