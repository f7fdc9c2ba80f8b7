"""The subcommands' contract: one table, each module keeps its protocol, no cycle."""

from __future__ import annotations

import ast
import inspect
import typing

import pytest
from conftest import HOOKS
from quality_gates import commands
from quality_gates.commands import COMMANDS, Command, Reporting

PACKAGE = HOOKS / "quality_gates"


def _members(protocol: type) -> dict[str, inspect.Signature]:
    """Return the protocol's methods, by name, with their signatures less ``self``."""
    found = {}
    for name, value in vars(protocol).items():
        if inspect.isfunction(value) and not name.startswith("_"):
            signature = inspect.signature(value)
            found[name] = signature.replace(
                parameters=list(signature.parameters.values())[1:]
            )
    return found


def _signature(function: object) -> tuple[list[tuple[str, object]], object]:
    """Parameter names and annotations, and the return annotation (as text)."""
    signature = inspect.signature(function)  # type: ignore[arg-type]
    params = [(p.name, p.annotation) for p in signature.parameters.values()]
    return params, signature.return_annotation


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_entry_keeps_the_contract(name: str) -> None:
    """The module's NAME is its key, and it has every member of its protocol."""
    loader = COMMANDS[name]
    module = loader()
    assert module.NAME == name
    declared = typing.get_type_hints(loader)["return"]
    assert declared in (Command, Reporting)
    # a reporting module is declared as one, so mypy checks it as one
    assert isinstance(module, Reporting) == (declared is Reporting)
    assert isinstance(module, Command)
    assert all(isinstance(getattr(module, key), str) for key in Command.__annotations__)
    for member, expected in _members(declared).items():
        assert _signature(getattr(module, member)) == (
            [(p.name, p.annotation) for p in expected.parameters.values()],
            expected.return_annotation,
        ), member
    if declared is Reporting:
        view = module.TEXT_VIEW  # type: ignore[attr-defined]
        assert view is None or _signature(view) == ([("report", "Report")], "str")


def test_the_table_names_every_command_module() -> None:
    """A module in commands/ that the table misses would be a dead subcommand."""
    modules = {
        path.stem.replace("_", "-")
        for path in (PACKAGE / "commands").glob("*.py")
        if not path.stem.startswith("_")
    }
    assert modules == set(COMMANDS)


def test_a_module_without_the_contract_is_refused() -> None:
    """The runtime check the test above relies on can fail."""
    import argparse

    assert not isinstance(argparse, Command)
    assert not isinstance(commands.load("baseline"), Reporting)


def _imports(path: typing.Any) -> set[str]:
    """Return the quality_gates modules a module imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("quality_gates")}


def test_only_the_entry_points_import_cli() -> None:
    """No module reaches back to the command line parser.

    The cycle cli -> commands.ci -> ci.subcommand -> cli is gone for good.
    """
    importers = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "quality_gates.cli" in _imports(path)
    )
    assert importers == ["__main__.py"]


def test_ci_imports_no_command_line_parser() -> None:
    """`ci` builds the options of run, coverage and security in code."""
    for path in [PACKAGE / "commands" / "ci.py", *(PACKAGE / "ci").glob("*.py")]:
        assert "quality_gates.cli" not in _imports(path), path.name
