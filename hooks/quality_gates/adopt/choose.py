"""Which tools the gate adopts: those the project runs; the others are offered.

The project runs a tool when one of its pre-commit hooks ran it, or when it
configures it (``[tool.black]``, ``.isort.cfg``, ``[flake8]``, ``[tool.mypy]``,
``[tool.bandit]``...).  Those the gate runs, less what a kept hook does: an
optional tool's (ruff's; its adapter says which jobs, ``kept_hooks_do``) or
another import sorter's (isort's ``rival_hooks``).  Every other tool the
suite has is offered, one line each, and never added: a project that never
ran bandit or black gets neither; so is an optional tool whose hooks are kept
(ruff).  ``--tools`` and ``tools`` in ``[tool.quality-gates]`` say it
outright.

flake8's docstring codes (D, from flake8-docstrings, which the suite installs)
follow the same rule: a project whose flake8 never had the plugin, and whose
config neither selects nor ignores a D code, keeps them off (``extend-ignore``
gets ``D``), and they are offered.
"""

from __future__ import annotations

import re

from quality_gates import config as config_mod
from quality_gates import tools as tools_mod
from quality_gates.adopt import carried_settings, hooks
from quality_gates.adopt.workspace import Workspace
from quality_gates.errors import GateError
from quality_gates.tools.base import Adapter, read_ini

DOCSTRING_PLUGINS = ("flake8-docstrings", "pydocstyle")
_D_CODE = re.compile(r"(?<![A-Z0-9])D\d*(?![A-Z])")


class NothingToAdopt(GateError):
    """The project runs none of the gate's tools; ``offers`` says which it could."""

    def __init__(self, offers: list[str], message: str) -> None:
        """Keep the offers, one line each, for init to print before the error."""
        super().__init__(message)
        self.offers = list(offers)


def configured(ws: Workspace, tool: str) -> bool:
    """Tell whether the project configures ``tool`` (not .editorconfig alone)."""
    own = tools_mod.get(tool).own_config(ws.ctx)
    return own is not None and own != ".editorconfig"


def _hooked(found: hooks.Found) -> set[str]:
    """Return the tools the project's hooks run: replaced, and its own local ones."""
    return {item.tool for item in [*found.replaced, *found.local]}


def _runs(ws: Workspace, found: hooks.Found) -> list[str]:
    """Return the tools the project runs: its hooks' and those it configures."""
    hooked = _hooked(found)
    return [t for t in tools_mod.defaults() if t in hooked or configured(ws, t)]


def _left_to_others(ws: Workspace, found: hooks.Found) -> dict[str, str]:
    """Return the tools a kept hook does instead of the gate, and which hook.

    The kept tools' adapters say what their hooks do (ruff's); another tool's
    hook that does one's job (an import sorter) is that tool's adapter's.
    """
    others: dict[str, str] = {}
    for tool, kept in sorted(found.kept.items()):
        others.update(
            tools_mod.get(tool).kept_hooks_do(
                ws.root,
                ws.doc.unwrap(),
                [(hook.id, hook.strings("args") or []) for hook in kept],
            )
        )
    for tool, rivals in sorted(found.rivals.items()):
        others[tool] = ", ".join(sorted({h.id for h in rivals}))
    return others


def _kept_tools(ws: Workspace, found: hooks.Found, chosen: tuple[str, ...]) -> None:
    """Say what becomes of an optional tool's hooks, which init keeps (ruff's).

    The gate runs such a tool only when asked for (docs/init.md, "ruff's
    hooks"): then the kept hooks run it twice, else it is offered.
    """
    for tool, kept in sorted(found.kept.items()):
        ids = ", ".join(dict.fromkeys(h.id for h in kept))
        if tool in chosen:
            ws.notes.append(
                f"kept {tool}'s hooks ({ids}): the gate runs {tool} too; remove "
                "one of them"
            )
            continue
        adapter, needs = _optional(tool)
        ws.offers.append(
            f"{tool} ({adapter.purpose}): its hooks stay ({ids}) and do their "
            f"jobs; for the gate to run {tool} instead, with {needs} in its hook's "
            f"environment: quality-gates init --tools "
            f"{','.join([*chosen, tool])}, then remove those hooks"
        )


def _local_hooks(ws: Workspace, found: hooks.Found, chosen: tuple[str, ...]) -> None:
    """Say what becomes of the project's own local hooks of a gate tool (kept)."""
    for item in found.local:
        where = f"kept local hook `{item.hook.id}` (line {item.hook.line})"
        if item.tool in chosen:
            ws.notes.append(
                f"{where}: the gate runs {item.tool} too; remove one of them"
            )
        else:
            ws.notes.append(f"{where}: the gate runs no {item.tool} (not in its tools)")


def _optional(tool: str) -> tuple[Adapter, str]:
    """Return an optional tool's adapter and what installs it in the hook."""
    adapter = tools_mod.get(tool)
    return adapter, " ".join(adapter.extra_requirements()) or f"quality-gates[{tool}]"


def _configured_optional(
    ws: Workspace, found: hooks.Found, chosen: tuple[str, ...]
) -> list[str]:
    """Offer an optional tool the project configures but hooks nowhere (ruff).

    Its config says the project runs it (from tox, make or CI: init cannot
    tell which of its jobs it does there); the gate runs it only when asked.
    Return the tools offered.
    """
    offered = []
    for tool in tools_mod.names():
        if tool in tools_mod.defaults() or tool in found.kept or tool in chosen:
            continue
        adapter, needs = _optional(tool)
        where = adapter.own_config(ws.ctx)
        if where is None:
            continue
        ws.offers.append(
            f"{tool} ({adapter.purpose}): configured ({where}) but run by no "
            f"pre-commit hook; for the gate to run it, with {needs} in its hook's "
            f"environment: quality-gates init --tools {','.join([*chosen, tool])}"
        )
        offered.append(tool)
    return offered


def choose_tools(
    asked: tuple[str, ...] | None, ws: Workspace, found: hooks.Found
) -> tuple[str, ...]:
    """Return the gate's tools: asked for, else configured, else the project's."""
    if asked or "tools" in ws.cfg.raw:
        given = asked or tuple(ws.cfg.tools)
        _kept_tools(ws, found, given)
        _local_hooks(ws, found, given)
        return given
    # a tool the project hooks itself it runs, whatever else does its job
    hooked = _hooked(found)
    others = {t: h for t, h in _left_to_others(ws, found).items() if t not in hooked}
    for tool, hook in others.items():
        ws.notes.append(f"kept {hook}: it does {tool}'s job; the gate runs no {tool}")
    chosen = [t for t in _runs(ws, found) if t not in others]
    offered = [t for t in tools_mod.defaults() if t not in chosen and t not in others]
    for tool in offered:
        ws.offers.append(
            f"{tool} ({tools_mod.get(tool).purpose}): not added, the project does "
            "not run it; to add it: quality-gates init --tools "
            + ",".join([*chosen, tool])
        )
    _kept_tools(ws, found, tuple(chosen))
    _local_hooks(ws, found, tuple(chosen))
    configured = _configured_optional(ws, found, tuple(chosen))
    if not chosen:
        # the optional tool the project runs (its kept hooks', its config's)
        example = [*sorted(found.kept), *configured, "mypy"][0]
        raise NothingToAdopt(
            ws.offers,
            "nothing to adopt: the project runs none of the gate's tools "
            f"({', '.join(tools_mod.defaults())}) itself"
            + (f" ({', '.join(sorted(others))}: kept hooks do them)" if others else "")
            + f"; choose some with --tools (e.g. --tools {example}), then run init "
            "again",
        )
    return tuple(chosen)


def runs_docstrings(ws: Workspace, found: hooks.Found) -> bool:
    """Tell whether the project's flake8 ran docstring checks (D codes)."""
    for item in [*found.replaced, *found.local]:
        deps = item.hook.strings("additional_dependencies") or []
        if item.tool == "flake8" and any(
            hooks.distribution(d) in DOCSTRING_PLUGINS for d in deps
        ):
            return True
    own = tools_mod.get("flake8").own_config(ws.ctx)
    if own is None:
        return False
    ini = read_ini(ws.root / own)
    if not ini.has_section("flake8"):
        return False
    return any(
        "docstring" in key or _D_CODE.search(value)
        for key, value in ini.items("flake8")
    )


def _with_d(current: object) -> str | list[str]:
    """Add D to an ``extend-ignore`` as written: a TOML list stays a list.

    flake8-pyproject hands ``[tool.flake8]`` lists to flake8 as they are, so
    ``["E203", "W503"]`` must not become the text ``"['E203', 'W503'],D"``.
    """
    if isinstance(current, list):
        return [*(str(code) for code in current), "D"]
    codes = [c.strip() for c in str(current or "").split(",") if c.strip()]
    return ",".join([*codes, "D"])


def docstrings_off(ws: Workspace, found: hooks.Found, tools: tuple[str, ...]) -> None:
    """Keep flake8's D codes off for a project whose flake8 never reported them.

    Only for the flake8 the project ran: asked for with ``--tools`` by a
    project that never ran flake8, it is the suite's, docstrings and all.
    """
    if "flake8" not in tools or "flake8" not in _runs(ws, found):
        return
    if runs_docstrings(ws, found):
        return
    where = carried_settings.own_config(ws, "flake8") or (
        ".flake8" if ".flake8" in ws.texts else None
    )
    if where is None:
        where = tools_mod.get("flake8").new_config
        values = dict(carried_settings.suite_defaults(ws, "flake8"))
        values["max-line-length"] = (
            config_mod.formatter_line_length(ws.root, ws.doc.unwrap())
            or ws.cfg.line_length
        )
        current: object = values.pop("extend-ignore", "")
        values.pop("docstring-convention", None)  # no D code is reported
    else:
        values = {}
        current = carried_settings.current(ws, "flake8", where, "extend-ignore")
    values["extend-ignore"] = _with_d(current)
    carried_settings.write(ws, "flake8", where, values)
    ws.notes.append(
        f"flake8: docstring checks (D codes) stay off, as the project's flake8 had "
        f"them: `extend-ignore` gets D in [flake8] of {where}"
    )
    ws.offers.append(
        "flake8 docstring checks (D codes, flake8-docstrings): not added, the "
        f"project's flake8 never ran them; take D out of `extend-ignore` in {where}"
    )
