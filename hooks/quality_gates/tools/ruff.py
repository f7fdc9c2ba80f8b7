"""ruff (optional): ``ruff check`` findings and ``ruff format --check`` hunks.

Not in the default set: a project selects it (``tools = [..., "ruff"]`` or
``--tools ruff``) and installs it with ``pip install 'quality-gates[ruff]'``.
Both commands run on each batch, with the project's own ruff config (ruff
finds it as it always does) and ``--force-exclude``, so a file the project
excludes gets no finding though the runner named it.  ruff's own cache is off
(``--no-cache``): the suite caches the results, and nothing is written into
the project.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess  # nosec B404 - git with fixed arguments, never a shell
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from quality_gates.config_files import CONFIG_FILES
from quality_gates.findings import Finding
from quality_gates.tomlfile import read_toml
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    ToolCrashed,
    config_text,
    diff_lines,
    pyproject_tool,
    register,
    tool_error,
)

# between ruff's lint and format arguments in one argument list (no real
# argument holds a NUL, so it cannot be one)
LINT_THEN_FORMAT = "\0then\0"
FORMAT_RULE = "ruff-format"
COMMON = ["--no-cache", "--force-exclude"]
CONFIG_NAMES = ("ruff.toml", ".ruff.toml", "pyproject.toml")
# rule prefixes (letters of a code) and the cost category of their findings
CATEGORIES = {
    "E": "style",
    "W": "style",
    "F": "bug-risk",
    "B": "bug-risk",
    "D": "docs",
    "S": "security",
    "I": "format",
    "ANN": "types",
}
_CODE = re.compile(r"([A-Z]+)(\d+)$")
_PARSE_ERROR = re.compile(r"^error: Failed to (?:parse|format) (.+?):(\d+):\d+: (.*)$")


def _selects_isort(root: Path, pyproject: Mapping[str, Any], args: list[str]) -> bool:
    """Tell whether ruff's lint rules include isort's (I), in its configs or args."""
    tool = pyproject.get("tool")
    ruff = tool.get("ruff") if isinstance(tool, dict) else None
    tables: list[Any] = [ruff, ruff.get("lint") if isinstance(ruff, dict) else None]
    for name in ("ruff.toml", ".ruff.toml"):
        if (root / name).is_file():
            data = read_toml(root / name)
            tables += [data, data.get("lint")]
    rules: list[str] = []
    for table in tables:
        if isinstance(table, dict):
            for key in ("select", "extend-select"):
                rules += [str(r) for r in table.get(key) or []]
    rules += [w for a in args for w in a.replace("=", ",").split(",")]
    return any(r == "ALL" or r == "I" or r.startswith("I0") for r in rules)


@register
class Ruff(Adapter):
    """ruff's linter and formatter check, and both as fixers."""

    name = "ruff"
    distribution = "ruff"
    module = "ruff"
    uri = "https://docs.astral.sh/ruff/"
    # ruff's pre-commit hooks, which init recognises: lint ids, format ids
    hooks = {
        "github.com/astral-sh/ruff-pre-commit": ("ruff", "ruff-check", "ruff-format"),
        "github.com/charliermarsh/ruff-pre-commit": (
            "ruff",
            "ruff-check",
            "ruff-format",
        ),
    }
    lint_hooks = ("ruff", "ruff-check")
    format_hooks = ("ruff-format",)
    default = False
    extra = "ruff"
    can_fix = True
    fix_order = 3  # after isort and black, when a project selects them all
    cost = 0.3
    formatter_rank = 1  # after black
    purpose = "lints and formats: ruff check, ruff format --check"

    def line_length_sources(
        self, root: Path, pyproject: Mapping[str, Any]
    ) -> list[tuple[object, str]]:
        """``.ruff.toml``, ``ruff.toml``, then ``[tool.ruff]``: ruff's own order."""
        found: list[tuple[object, str]] = [
            (read_toml(root / name), name)
            for name in (".ruff.toml", "ruff.toml")
            if (root / name).is_file()
        ]
        return [*found, (pyproject.get("tool", {}).get("ruff"), "ruff")]

    def kept_hooks_do(
        self,
        root: Path,
        pyproject: Mapping[str, Any],
        hooks: Sequence[tuple[str, Sequence[str]]],
    ) -> dict[str, str]:
        """``ruff-format`` does black's job; the lint hook flake8's, isort's with I."""
        ids = {hook_id for hook_id, _ in hooks}
        does: dict[str, str] = {}
        if ids & set(self.format_hooks):
            does["black"] = "ruff-format"
        if ids & set(self.lint_hooks):
            does["flake8"] = "ruff's lint hook"
            args = [arg for i, given in hooks if i in self.lint_hooks for arg in given]
            if _selects_isort(root, pyproject, args):
                does["isort"] = "ruff's lint hook"
        return does

    def category(self, rule: str) -> str:
        """Categorise by the code's linter prefix, as flake8's codes are."""
        if rule == FORMAT_RULE:
            return "format"
        if rule == "invalid-syntax":
            return "syntax"
        match = _CODE.match(rule)
        if match is None:
            return "other"
        prefix, number = match.groups()
        if prefix == "C" and number.startswith("9"):
            return "complexity"
        if prefix == "E" and number.startswith("9"):
            return "bug-risk"
        return CATEGORIES.get(prefix, "other")

    def own_config(self, ctx: Context) -> str | None:
        """Name ruff.toml, .ruff.toml or ``[tool.ruff]``, in ruff's order."""
        for name in CONFIG_NAMES[:2]:
            if (ctx.root / name).is_file():
                return name
        return "pyproject.toml [tool.ruff]" if pyproject_tool(ctx, "ruff") else None

    def default_args(self, ctx: Context) -> list[str]:
        """Use the suite's line length (the project formatter's)."""
        return ["--line-length", str(ctx.config.line_length)]

    def config_inputs(self, ctx: Context) -> list[str]:
        """Add every ruff config of the tree: ruff reads the nearest to each file."""
        found = _config_files(ctx.root)
        extra = [config_text(ctx.root, n) for n in found if n not in CONFIG_FILES]
        return [*super().config_inputs(ctx), *extra]

    def check_args(self, ctx: Context) -> list[str]:
        """Lint as JSON, then ask for the diff of what the formatter would change.

        ``--no-fix``: a project's ``fix = true`` must not make a check change
        the files it checks (and hide the findings it fixed).
        """
        settings = self.settings(ctx)
        return [
            *("check", "--no-fix", "--output-format", "json", *COMMON, *settings),
            LINT_THEN_FORMAT,
            *("format", "--check", "--diff", *COMMON, *settings),
        ]

    def fix_args(self, ctx: Context) -> list[str]:
        """Apply ruff's safe fixes, then format (as ruff's docs advise)."""
        settings = self.settings(ctx)
        return [
            *("check", "--fix", "--exit-zero", "--quiet", *COMMON, *settings),
            LINT_THEN_FORMAT,
            *("format", "--quiet", *COMMON, *settings),
        ]

    def cores_env(self, cores: int) -> dict[str, str]:
        """Keep ruff's thread pool (rayon's) to ``cores`` threads.

        The runner asks for it while mypy runs beside ruff: ruff on every
        core would slow mypy, the run's longest part, for ruff's shorter one.
        What ruff finds is the same with any number of threads.
        """
        return {"RAYON_NUM_THREADS": str(cores)}

    def command(self, args: Sequence[str], files: Sequence[str]) -> list[str]:
        """Run the ruff binary of this environment (what ``python -m ruff`` execs)."""
        return [ruff_binary(), *args, "--", *files]

    def run(self, ctx: Context, args: Sequence[str], files: Sequence[str]) -> Proc:
        """Run both commands; their outputs travel together to ``parse``."""
        at = list(args).index(LINT_THEN_FORMAT)
        lint = super().run(ctx, args[:at], files)
        fmt = super().run(ctx, args[at + 1 :], files)
        return LintAndFormat(lint, fmt)

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        """Turn the lint JSON and the formatter's diff into findings."""
        if not isinstance(proc, LintAndFormat):
            raise ToolCrashed("ruff: the runner did not run both ruff commands")
        proc.lint.crash("ruff check", (0, 1))
        paths: dict[str, str] = {}  # each file's name, worked out once
        items = _json(proc.lint.stdout)
        findings = [_finding(ctx.root, item, paths) for item in items]
        return findings + _format_findings(files, proc.fmt)


class LintAndFormat(Proc):
    """The two ruff processes of one batch, seen by the runner as one."""

    def __init__(self, lint: Proc, fmt: Proc) -> None:
        """Exit with the worse code of the two, and keep both outputs."""
        super().__init__(
            max(lint.returncode, fmt.returncode),
            lint.stdout + fmt.stdout,
            lint.stderr + fmt.stderr,
        )
        self.lint = lint
        self.fmt = fmt


_FINDING_RUFF = threading.Lock()
_RUFF: list[str] = []


def ruff_binary() -> str:
    """Return the path of ruff's binary, found once per process, under a lock.

    ruff's finder reads ``sysconfig``'s config vars, which Python 3.11 fills
    without a lock: two batches starting at once in two threads could see
    ``EXE`` unset, and ruff's finder raised ``TypeError`` (a traceback, exit 1).
    """
    with _FINDING_RUFF:
        if not _RUFF:
            ruff = importlib.import_module("ruff")  # untyped: its binary's finder
            _RUFF.append(str(ruff.find_ruff_bin()))
        return _RUFF[0]


def _json(stdout: str) -> list[dict[str, Any]]:
    try:
        items = json.loads(stdout or "[]")
    except json.JSONDecodeError as exc:
        raise ToolCrashed(f"ruff: unreadable JSON output ({exc})") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ToolCrashed("ruff: JSON output is not a list of findings")
    return items


def _finding(root: Path, item: dict[str, Any], paths: dict[str, str]) -> Finding:
    try:
        code = str(item.get("code") or "invalid-syntax")
        where = item["location"]
        filename = str(item["filename"])
        if filename not in paths:
            paths[filename] = _relative(root, filename)
        path = paths[filename]
        line, column = int(where["row"]), int(where["column"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ToolCrashed(f"ruff: a finding without {exc}: {item!r:.120}") from None
    return Finding(
        "ruff", code, _severity(code), path, line, column, str(item.get("message"))
    )


def _severity(code: str) -> str:
    """Rate pyflakes (F), E9 and syntax errors as errors, the rest as warnings."""
    if code.startswith(("F", "E9")) or code == "invalid-syntax":
        return "error"
    return "warning"


def _relative(root: Path, filename: str) -> str:
    for base in (root, root.resolve()):
        try:
            return Path(filename).relative_to(base).as_posix()
        except ValueError:
            continue
    return filename  # never a file it was given: the runner refuses it


def _format_findings(files: Sequence[str], fmt: Proc) -> list[Finding]:
    """One finding per line ``ruff format`` would change; unparsable files apart."""
    failed = _failures(files, fmt.stderr)
    fmt.crash("ruff format", (0, 1, 2) if failed else (0, 1))
    for path, line, removed, added in diff_lines(fmt.stdout):
        failed.append(
            Finding(
                "ruff",
                FORMAT_RULE,
                "warning",
                path,
                line,
                1,
                "ruff format would reformat this line (its hunk: "
                f"-{removed}/+{added} lines); "
                "run `quality-gates run --fix` or ruff format",
            )
        )
    return failed


def _failures(files: Sequence[str], stderr: str) -> list[Finding]:
    """Turn ``error: Failed to parse PATH:L:C: ...`` lines into findings."""
    given = set(files)
    found = []
    for text in stderr.split("\n"):
        match = _PARSE_ERROR.match(text.strip())
        if match and match[1] in given:
            found.append(
                tool_error(
                    "ruff",
                    match[1],
                    f"ruff cannot format this file: {match[3]}",
                    int(match[2]),
                )
            )
    return found


def _config_files(root: Path) -> list[str]:
    """Return the ruff config files of the tree, nested ones included (via git)."""
    patterns = [f":(glob)**/{name}" for name in CONFIG_NAMES]
    try:
        proc = subprocess.run(  # nosec B603 B607
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
            + ["--", *patterns],
            cwd=root,
            capture_output=True,
            text=True,
            errors="surrogateescape",  # a name that is not UTF-8 (#22)
            check=False,
        )
    except OSError:
        return list(CONFIG_NAMES)
    if proc.returncode != 0:
        return list(CONFIG_NAMES)  # not a git repository: the root's
    return sorted(set(filter(None, proc.stdout.split("\0"))) | set(CONFIG_NAMES))
