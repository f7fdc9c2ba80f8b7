"""black: one finding per line it would reformat."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from quality_gates.errors import GateError
from quality_gates.findings import Finding
from quality_gates.hook_args import Carried, Table, translate
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    diff_lines,
    pyproject_tool,
    register,
    tool_error,
)
from quality_gates.tools.walk import Walk, git_ignored

# a hook's option -> (its [tool.black] key, kind: hook_args.translate)
HOOK_OPTIONS: Table = {
    "-l": ("line-length", "int"),
    "--line-length": ("line-length", "int"),
    "-t": ("target-version", "list"),
    "--target-version": ("target-version", "list"),
    "-S": ("skip-string-normalization", "flag"),
    "--skip-string-normalization": ("skip-string-normalization", "flag"),
    "-C": ("skip-magic-trailing-comma", "flag"),
    "--skip-magic-trailing-comma": ("skip-magic-trailing-comma", "flag"),
    "-x": ("skip-source-first-line", "flag"),
    "--skip-source-first-line": ("skip-source-first-line", "flag"),
    "--preview": ("preview", "flag"),
    "--unstable": ("unstable", "flag"),
    "--pyi": ("pyi", "flag"),
    "--include": ("include", "str"),
    "--exclude": ("exclude", "str"),
    "--extend-exclude": ("extend-exclude", "str"),
    "--force-exclude": ("force-exclude", "str"),
    "--config": ("", "config"),
    "--required-version": ("", "ignore-value"),
    "-W": ("", "ignore-value"),
    "--workers": ("", "ignore-value"),
    "--color": ("", "ignore"),
    "--no-color": ("", "ignore"),
    "-q": ("", "ignore"),
    "--quiet": ("", "ignore"),
    "-v": ("", "ignore"),
    "--verbose": ("", "ignore"),
    "--safe": ("", "ignore"),
    "--fast": ("", "ignore"),
    "--check": ("", "ignore"),
    "--diff": ("", "ignore"),
}


@register
class Black(Adapter):
    """black's formatting check, and black as a fixer."""

    name = "black"
    distribution = "black"
    module = "black"
    uri = "https://black.readthedocs.io/"
    # the pre-commit hooks init replaces with the suite's black: repo -> ids
    hooks = {
        "github.com/psf/black": ("black",),
        "github.com/psf/black-pre-commit-mirror": ("black",),
        "github.com/ambv/black": ("black",),
        "github.com/python/black": ("black",),
    }
    # it parses (its own grammar, or ast.parse) and never compiles: `return`
    # outside a function is no error to it
    syntax = "parse"
    rule_category = "format"
    can_fix = True
    fix_order = 2  # after isort: black has the last word on layout
    cost = 27.0
    formatter_rank = 0  # black first: a project running both formats with black
    line_key = "line-length"
    purpose = "formats the code"

    def line_length_sources(
        self, root: Path, pyproject: Mapping[str, Any]
    ) -> list[tuple[object, str]]:
        """``[tool.black]`` of pyproject.toml, black's only config."""
        return [(pyproject.get("tool", {}).get("black"), "black")]

    def own_config(self, ctx: Context) -> str | None:
        """Name ``[tool.black]`` in pyproject.toml when the project has one."""
        return "pyproject.toml [tool.black]" if pyproject_tool(ctx, "black") else None

    def default_args(self, ctx: Context) -> list[str]:
        """Use the suite's line length."""
        return ["--line-length", str(ctx.config.line_length)]

    def hook_settings(self, args: Sequence[str]) -> Carried:
        """Translate black's options as ``[tool.black]`` keys."""
        return translate(args, HOOK_OPTIONS)

    def scope(self, ctx: Context, files: Sequence[str]) -> Callable[[str], bool]:
        """Check what ``black .`` checks, as ``--force-exclude`` makes black do.

        ``include``; ``exclude`` (else black's default, and the ``.gitignore``
        files of the root and of every folder down to the file);
        ``extend-exclude`` and ``force-exclude``: regular expressions searched
        in ``/folder/`` and ``/folder/file.py``, verbose when multi-line.
        """
        table = _config(ctx)
        exclude = table.get("exclude")
        patterns = [_regex(str(exclude) if exclude is not None else DEFAULT_EXCLUDES)]
        patterns += [_regex(str(table[k])) for k in EXTRA_EXCLUDES if k in table]
        include = _regex(str(table.get("include", DEFAULT_INCLUDES)))
        ignored = git_ignored(ctx.root, files) if exclude is None else set()

        def skipped(shown: str) -> bool:
            return any(_found(p, shown) for p in patterns)

        return Walk(
            prune=lambda folder: skipped(f"/{folder}/"),
            keep=lambda path: path not in ignored
            and not skipped(f"/{path}")
            and _found(include, f"/{path}"),
        )

    def check_args(self, ctx: Context) -> list[str]:
        """Ask for a diff of what black would change, writing nothing.

        ``--fast``: black's safety net (parse its output back, compare the ASTs,
        format a second time to prove it stable) guards files it writes; a check
        writes nothing and the diff is the same, so it is a quarter of black's
        time spent on nothing.  ``--fix`` keeps the safety net.
        """
        return [
            "--check",
            "--diff",
            "--fast",
            "--no-color",
            "--quiet",
            "--workers",
            "1",
            *self.settings(ctx),
        ]

    def fix_args(self, ctx: Context) -> list[str]:
        """Reformat in place, one worker (the runner runs batches in parallel)."""
        return ["--quiet", "--workers", "1", *self.settings(ctx)]

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        """Report a BLK100 finding per line black would change, and unformattable files.

        black goes on after a file it cannot format (exit 123): that file is
        its own finding and the other files' diffs are kept.
        """
        failed = _failures(files, proc.stderr)
        proc.crash(self.name, (0, 1, 123) if failed else (0, 1))
        findings = failed
        for path, line, removed, added in diff_lines(proc.stdout):
            findings.append(
                Finding(
                    tool=self.name,
                    rule="BLK100",
                    severity="warning",
                    path=path,
                    line=line,
                    column=1,
                    message="black would reformat this line (its hunk: "
                    f"-{removed}/+{added} lines); "
                    "run `quality-gates run --fix` or black",
                )
            )
        return findings


# black's own defaults (black/const.py), and the keys that add exclusions to them
DEFAULT_EXCLUDES = (
    r"/(\.direnv|\.eggs|\.git|\.hg|\.ipynb_checkpoints|\.mypy_cache|\.nox|"
    r"\.pytest_cache|\.ruff_cache|\.tox|\.svn|\.venv|\.vscode|__pypackages__|"
    r"_build|buck-out|build|dist|venv)/"
)
DEFAULT_INCLUDES = r"(\.pyi?|\.ipynb)$"
EXTRA_EXCLUDES = ("extend_exclude", "force_exclude")


def _config(ctx: Context) -> dict[str, Any]:
    """``[tool.black]`` with black's key spelling (``extend-exclude`` -> ``_``)."""
    table = ctx.config.pyproject.get("tool", {}).get("black", {})
    if not isinstance(table, dict):
        return {}
    return {k.replace("--", "").replace("-", "_"): v for k, v in table.items()}


def _regex(pattern: str) -> re.Pattern[str]:
    """Compile as black does: verbose when the pattern spans lines."""
    try:
        return re.compile(("(?x)" if "\n" in pattern else "") + pattern)
    except re.error as exc:
        raise GateError(
            f"pyproject.toml [tool.black]: {pattern!r} is not a valid regular "
            f"expression ({exc}); black itself would refuse it"
        )


def _found(pattern: re.Pattern[str], path: str) -> bool:
    match = pattern.search(path)
    return bool(match and match.group(0))


def _failures(files: Sequence[str], stderr: str) -> list[Finding]:
    """Turn black's ``error: ...`` lines into findings, one per file it names."""
    found = []
    for text in stderr.split("\n"):
        if not text.startswith("error: "):
            continue
        for name in files:
            prefix = f"error: cannot format {name}: "
            at = re.search(rf": {re.escape(name)}:(\d+):(\d+)", text)
            if text.startswith(prefix):
                found.append(_failure(name, text[len(prefix) :], 1))
            elif at is not None:
                what = f"{text[7 : at.start()]} (line {at[1]}, column {at[2]})"
                found.append(_failure(name, what, int(at[1])))
            else:
                continue
            break
    return found


def _failure(path: str, what: str, line: int) -> Finding:
    return tool_error(
        "black",
        path,
        f"black cannot format this file: {what}; the other files were checked",
        line,
    )
