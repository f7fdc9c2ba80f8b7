"""isort: one finding per import line it would move (profile black by default)."""

from __future__ import annotations

import functools
import importlib.machinery
import os
import posixpath
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from quality_gates.files import git
from quality_gates.findings import Finding
from quality_gates.hook_args import Carried
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    ToolCrashed,
    diff_lines,
    ini_has_section,
    pyproject_tool,
    read_ini,
    read_ini_text,
    register,
    tool_error,
)
from quality_gates.tools.walk import Walk, any_glob

# options of a hook that print differently or name files: no config key
_HOOK_IGNORED = {
    "quiet",
    "verbose",
    "show_diff",
    "check",
    "filter_files",
    "settings_path",
    "settings_file",
    "files",
    "jobs",
    "color_output",
    "ask_to_apply",
    "write_to_stdout",
    "show_files",
    "show_config",
    "only_modified",
}


@register
class Isort(Adapter):
    """isort's import-order check, and isort as a fixer."""

    name = "isort"
    distribution = "isort"
    module = "isort"
    uri = "https://pycqa.github.io/isort/"
    # the pre-commit hooks init replaces with the suite's isort, and the args
    # a hook runs with when its config gives none (the hook manifest's)
    hooks = {
        "github.com/pycqa/isort": ("isort",),
        "github.com/timothycrosley/isort": ("isort",),
        "github.com/pre-commit/mirrors-isort": ("isort",),
    }
    manifest_args = {
        ("github.com/pycqa/isort", "isort"): ("--filter-files",),
        ("github.com/timothycrosley/isort", "isort"): ("--filter-files",),
    }
    # other import sorters' hooks: two sorters would undo each other's order
    rival_hooks = {
        "github.com/asottile/reorder-python-imports": ("reorder-python-imports",),
        "github.com/asottile/reorder_python_imports": ("reorder-python-imports",),
        "github.com/facebook/usort": ("usort",),
    }
    line_key = "line_length"
    ini_sections = ("isort", "tool:isort")
    purpose = "sorts the imports"
    rule_category = "format"
    can_fix = True
    fix_order = 1
    cost = 0.5
    # it sorts imports as text: a file that is not valid Python is checked too
    syntax = "text"

    def reads(self, ctx: Context) -> Callable[[str], bool]:
        """Check ``supported_extensions`` (py, pyi, pyx, pxd) and Python scripts.

        As isort's ``is_supported_filetype``: a name in ``blocked_extensions``
        (pex) is never checked, any other only as a script (its shebang).
        """
        settings = _settings(ctx)
        supported = set(_listed(settings, "supported_extensions", SUPPORTED))
        blocked = set(_listed(settings, "blocked_extensions", ("pex",)))

        def reads(path: str) -> bool:
            ext = posixpath.splitext(path)[1].lstrip(".")
            if ext in supported:
                return True
            return ext not in blocked and not path.endswith(SOURCES_ELSEWHERE)

        return reads

    def config_inputs(self, ctx: Context) -> list[str]:
        """Add the project's top-level modules: isort sorts first-party by them.

        Only what an import can name (isort's ``place``: a folder, ``NAME.py``
        or an extension module): a report, a baseline or a cache folder written
        beside them changes no verdict, and must not make isort check every
        file again.
        """
        found = []
        for folder in (ctx.root, ctx.root / "src"):
            try:
                with os.scandir(folder) as entries:
                    found += sorted(e.name for e in entries if _importable(e))
            except OSError:
                continue
        return [*super().config_inputs(ctx), "\0".join(found)]

    def hook_settings(self, args: Sequence[str]) -> Carried:
        """Translate isort's options into its config keys with isort's own parser."""
        from isort.main import parse_args  # the pinned isort: its option names

        out = Carried()
        try:
            parsed: dict[str, Any] = parse_args(list(args))
        except SystemExit:
            out.dropped.append(" ".join(args) + ": isort does not accept these options")
            return out
        for key, item in parsed.items():
            if key in ("settings_path", "settings_file"):
                out.config_file = str(item)
            elif key not in _HOOK_IGNORED:
                out.settings[key] = (
                    list(item)
                    if isinstance(item, (list, tuple, set, frozenset))
                    else item
                )
        return out

    def editor_settings(self, root: Path) -> dict[str, int]:
        """Return isort's ``line_length`` from ``.editorconfig``, when it says one."""
        length = editorconfig_settings(root).get("max_line_length", "").strip()
        return {"line_length": int(length)} if length.isdigit() else {}

    def own_config(self, ctx: Context) -> str | None:
        """Name the isort config: .isort.cfg, pyproject.toml, setup.cfg or tox.ini."""
        if (ctx.root / ".isort.cfg").is_file():
            return ".isort.cfg"
        if pyproject_tool(ctx, "isort"):
            return "pyproject.toml [tool.isort]"
        for name, sections in (
            ("setup.cfg", ("isort", "tool:isort")),
            ("tox.ini", ("isort", "tool:isort")),
        ):
            if ini_has_section(ctx.root, name, *sections):
                return name
        return ".editorconfig" if editorconfig_settings(ctx.root) else None

    def scope(self, ctx: Context, files: Sequence[str]) -> Callable[[str], bool]:
        """Check what ``isort .`` checks: its skips, as ``--filter-files`` does.

        ``skip`` (else isort's default list) and ``extend_skip``: a folder or
        file name anywhere in the path, or a path from the root;
        ``skip_glob``/``extend_skip_glob``: fnmatch on the path and on
        ``/path``; ``skip_gitignore``: files git ignores.  Folders and files
        alike, as isort's walk meets them.
        """
        settings = _settings(ctx)
        names = set(_listed(settings, "skip", DEFAULT_SKIP))
        names |= set(_listed(settings, "extend_skip", ()))
        globbed = any_glob(
            [
                *_listed(settings, "skip_glob", ()),
                *_listed(settings, "extend_skip_glob", ()),
            ]
        )
        paths = {posixpath.normpath(name) for name in names}
        kept = _not_ignored(ctx.root) if _flag(settings, "skip_gitignore") else None

        def skipped(path: str) -> bool:
            return (
                path in paths
                or any(part in names for part in path.split("/"))
                or globbed(path)
                or globbed("/" + path)
            )

        return Walk(
            prune=skipped,
            keep=lambda path: not skipped(path) and (kept is None or path in kept()),
        )

    def default_args(self, ctx: Context) -> list[str]:
        """Use profile black at the suite's line length."""
        return ["--profile", "black", "--line-length", str(ctx.config.line_length)]

    def check_args(self, ctx: Context) -> list[str]:
        """Ask for a diff of what isort would change, with the project's settings."""
        return [
            "--check-only",
            "--diff",
            "--quiet",
            "--filter-files",  # isort's own skips on the named files, too
            "--settings-path",
            ".",
            *self.settings(ctx),
        ]

    def fix_args(self, ctx: Context) -> list[str]:
        """Sort the imports in place, with the project's settings."""
        return [
            "--quiet",
            "--filter-files",
            "--settings-path",
            ".",
            *self.settings(ctx),
        ]

    def run(self, ctx: Context, args: Sequence[str], files: Sequence[str]) -> Proc:
        """Run isort; again without each file it stopped its whole run at.

        isort refuses a file that is not valid Python when its ``atomic``
        setting compiles each file first, and stops there: the files after it
        go unchecked.  That file is one finding (``parse``); the rest are checked.
        """
        left, refused = list(files), []
        proc = super().run(ctx, args, left)
        while (name := _refused(ctx.root, proc.stderr, left)) is not None:
            refused.append(name)
            left.remove(name)
            proc = super().run(ctx, args, left) if left else Proc(0, "", "")
        return Refused(proc, refused)

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        """Report I001 per line isort would change; exit 1 without any is an error.

        A file isort refused as not valid Python is a ``tool-error`` finding.
        A stop at a file it does not name (an unclosed parenthesis) is a
        crash to isolate: the output holds the files before it only.
        """
        if _SYNTAX_STOP in proc.stderr:
            raise ToolCrashed(f"isort stopped: {proc.detail()}", traceback=True)
        proc.crash(self.name, (0, 1))
        findings = [
            tool_error(self.name, name, REFUSED_MESSAGE)
            for name in getattr(proc, "refused", ())
        ]
        for raw, line, removed, added in diff_lines(proc.stdout):
            path = raw.rsplit(":before", 1)[0]
            if Path(path).is_absolute():
                path = _relative(ctx.root, Path(path))
            findings.append(
                Finding(
                    tool=self.name,
                    rule="I001",
                    severity="warning",
                    path=path,
                    line=line,
                    column=1,
                    message="imports are incorrectly sorted or formatted here "
                    f"(its hunk: -{removed}/+{added} lines); "
                    "run `quality-gates run --fix` or isort",
                )
            )
        if proc.returncode == 1 and not findings:
            tail = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
            raise ToolCrashed(
                f"isort failed without a diff: {tail[-1] if tail else 'no message'}"
            )
        return findings


# what every editor reads from .editorconfig; any other key of a Python section
# (max_line_length, indent_style, known_*...) is a setting isort takes from it
EDITOR_KEYS = {
    "root",
    "charset",
    "end_of_line",
    "insert_final_newline",
    "trim_trailing_whitespace",
    "tab_width",
    "indent_size",
}


def editorconfig_settings(root: Path) -> dict[str, str]:
    """Return what isort reads from .editorconfig: its Python sections' settings.

    isort reads ``[*]``, ``[*.py]``, ``[**.py]`` and ``[*.{py,...}]`` there
    (after every other config file): ``max_line_length = 120`` is its line
    length, so the suite's own defaults must not replace it.
    """
    path = root / ".editorconfig"
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    body = text[text.find("[") :] if "[" in text else ""  # isort skips the preamble
    ini = read_ini_text(body)
    found: dict[str, str] = {}
    for section in ini.sections():
        names = section[3:-1].split(",") if section.startswith("*.{") else []
        if section in ("*", "*.py", "**.py") or "py" in (n.strip() for n in names):
            found.update(ini.items(section))
    return {k: v for k, v in found.items() if k not in EDITOR_KEYS}


# isort's hard failure on a file that is not valid Python: it stops its run
_SYNTAX_STOP = "isort was told to sort imports within code that contains syntax errors"
_STOPPED_AT = re.compile(rf"^ERROR: {_SYNTAX_STOP}: (.+)\.$", re.M)
REFUSED_MESSAGE = (
    "isort refused this file: it is not valid Python, and the isort config's "
    "`atomic` makes isort compile each file first; the other files were checked"
)


class Refused(Proc):
    """isort's run on the files it did not refuse, and the files it refused."""

    def __init__(self, proc: Proc, refused: list[str]) -> None:
        """Keep the last run's outcome and the refused files, in order."""
        super().__init__(proc.returncode, proc.stdout, proc.stderr, proc.notes)
        self.refused = refused


def _refused(root: Path, stderr: str, files: Sequence[str]) -> str | None:
    """Name the file of ``files`` isort stopped at as not valid Python, if one."""
    for match in _STOPPED_AT.finditer(stderr):
        printed = Path(match.group(1))
        name = (
            _relative(root, printed)
            if printed.is_absolute()
            else posixpath.normpath(printed.as_posix())
        )
        if name in files:
            return name
    return None


def _relative(root: Path, path: Path) -> str:
    """Make the path isort printed relative to the root (as printed if outside)."""
    for candidate in (path, path.resolve()):
        if candidate.is_relative_to(root):
            return candidate.relative_to(root).as_posix()
    return path.as_posix()


# isort's own defaults (isort/settings.py): the names it skips, and where it
# reads its settings, first file with an isort section wins
DEFAULT_SKIP = (
    *(".venv", "venv", ".tox", ".eggs", ".git", ".hg", ".mypy_cache", ".nox"),
    *(".svn", ".bzr", "_build", "buck-out", "build", "dist", ".pants.d"),
    *(".direnv", "node_modules", "__pypackages__", ".pytype"),
)
SUPPORTED = ("py", "pyi", "pyx", "pxd")
# the kinds of file that are not scripts: isort checks them by extension only
SOURCES_ELSEWHERE = (".py", ".pyi", ".pyx", ".pxd")
SOURCES = (
    (".isort.cfg", ("settings", "isort")),
    ("pyproject.toml", ("tool.isort",)),
    ("setup.cfg", ("isort", "tool:isort")),
    ("tox.ini", ("isort", "tool:isort")),
)


def _importable(entry: os.DirEntry[str]) -> bool:
    """Tell whether ``import NAME`` could find this entry of a source folder."""
    for suffix in (".py", *importlib.machinery.EXTENSION_SUFFIXES):
        if entry.name.endswith(suffix):
            return entry.name[: -len(suffix)].isidentifier()
    try:
        return entry.name.isidentifier() and entry.is_dir()
    except OSError:
        return False


def _settings(ctx: Context) -> dict[str, Any]:
    """Read the isort settings of the first config file that has any, as isort."""
    for name, sections in SOURCES:
        path = ctx.root / name
        if not path.is_file():
            continue
        if name == "pyproject.toml":
            table = ctx.config.pyproject.get("tool", {}).get("isort", {})
            found = dict(table) if isinstance(table, dict) else {}
        else:
            ini = read_ini(path)
            found = {}
            for section in sections:
                if ini.has_section(section):
                    found.update(ini.items(section))
        if found:
            return found
    return {}


def _listed(settings: dict[str, Any], key: str, default: Sequence[str]) -> list[str]:
    """Read a list setting as isort does: a TOML list, or commas and new lines."""
    value = settings.get(key)
    if value is None:
        return list(default)
    if isinstance(value, list):
        return [str(item).strip() for item in value]
    return [i.strip() for i in str(value).replace("\n", ",").split(",") if i.strip()]


def _flag(settings: dict[str, Any], key: str) -> bool:
    value = settings.get(key, False)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "yes", "true", "on")


def _not_ignored(root: Path) -> Callable[[], set[str]]:
    """List the files git does not ignore (tracked or not), once, when first asked."""

    @functools.lru_cache(maxsize=1)
    def listed() -> set[str]:
        out = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        return set(filter(None, out.split("\0")))

    return listed
