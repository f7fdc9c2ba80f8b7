"""flake8 with flake8-docstrings: pycodestyle, pyflakes, mccabe and D codes."""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from quality_gates.findings import Finding
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    ToolCrashed,
    ini_has_section,
    read_ini,
    register,
)
from quality_gates.tools.walk import Walk, any_glob

FORMAT = "%(path)s:%(row)d:%(col)d: %(code)s %(text)s"
DISPLAY = str(Path(__file__).resolve().parent.parent / "data" / "flake8-display.cfg")
_LINE = re.compile(r"^(.+?):(\d+):(\d+): ([A-Z]+\d+) (.*)$")


def severity(code: str) -> str:
    """Rate pyflakes (F) and syntax/IO (E9) codes as errors, the rest as warnings."""
    if code.startswith("F") or code.startswith("E9"):
        return "error"
    return "warning"


@register
class Flake8(Adapter):
    """flake8 with the docstring plugin, one finding per reported line."""

    name = "flake8"
    distribution = "flake8"
    module = "flake8"
    cost = 10.0

    def own_config(self, ctx: Context) -> str | None:
        """Name the file flake8 reads: setup.cfg, tox.ini or .flake8, in its order."""
        for name in CONFIG_FILES:
            if ini_has_section(ctx.root, name, "flake8", "flake8:local-plugins"):
                return name
        return None

    def scope(self, ctx: Context, files: Sequence[str]) -> Callable[[str], bool]:
        """Check what ``flake8`` (``flake8 .``) checks.

        ``exclude`` (else flake8's default) plus ``extend-exclude``: fnmatch on
        each folder's and file's name and on its absolute path, patterns with
        a ``/`` taken from the config file's folder; ``filename`` (default
        ``*.py``) on the files of the walk.
        """
        own = self.own_config(ctx)
        ini = read_ini(ctx.root / own) if own else None
        exclude = [
            *_option(ini, "exclude", DEFAULT_EXCLUDE),
            *_option(ini, "extend-exclude", ()),
        ]
        excluded = any_glob(_absolute(ctx.root, exclude))
        wanted = any_glob(_absolute(ctx.root, _option(ini, "filename", ("*.py",))))
        root = str(ctx.root)

        def matches(path: str) -> bool:
            return excluded(path.rpartition("/")[2]) or excluded(f"{root}/{path}")

        if excluded(root):
            return lambda path: False
        return Walk(
            prune=matches,
            keep=lambda path: not matches(path) and wanted(f"./{path}"),
        )

    def default_args(self, ctx: Context) -> list[str]:
        """Use the suite's line length and docstring convention, black-compatible."""
        return [
            "--isolated",  # no config from parent folders either
            "--max-line-length",
            str(ctx.config.line_length),
            # black's style: slices and line breaks that pycodestyle misreads
            "--extend-ignore",
            "E203,E701,E704,W503",
            "--docstring-convention",
            ctx.config.docstring_convention,
        ]

    def check_args(self, ctx: Context) -> list[str]:
        """Ask for one ``path:line:col: CODE text`` line per finding, one job.

        The project's display settings (``show-source``, ``count``,
        ``statistics``, ``quiet``, ``output-file``, ``tee``...) are overridden by
        a config file flake8 reads last; ``--format`` on the command line wins.
        """
        settings = self.settings(ctx)
        display = [] if "--isolated" in settings else ["--append-config", DISPLAY]
        return ["--jobs", "1", "--format", FORMAT, *display, *settings]

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        """Read the finding lines; other output, or exit 1 with none, is an error."""
        proc.crash(self.name, (0, 1))
        findings = []
        for text in proc.stdout.split("\n"):
            m = _LINE.match(text)
            if m is None:
                if text.strip():
                    raise ToolCrashed(f"flake8: unexpected output line {text[:120]!r}")
                continue
            path, line, col, code, message = m.groups()
            findings.append(
                Finding(
                    tool=self.name,
                    rule=code,
                    severity=severity(code),
                    path=path.removeprefix("./"),
                    line=int(line),
                    column=int(col),
                    message=message,
                )
            )
        if proc.returncode == 1 and not findings:
            raise ToolCrashed(
                f"flake8 exited 1 without findings: {proc.stderr.strip()[:200]}"
            )
        return findings


# where flake8 looks, in its order, and its default exclude (flake8/defaults.py)
CONFIG_FILES = ("setup.cfg", "tox.ini", ".flake8")
DEFAULT_EXCLUDE = (
    *(".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox"),
    *(".eggs", "*.egg"),
)


def _option(
    ini: configparser.RawConfigParser | None, name: str, default: Sequence[str]
) -> list[str]:
    """Read a list option of ``[flake8]``: commas or whitespace, ``-`` or ``_``."""
    for key in (name, name.replace("-", "_")):
        if ini is not None and ini.has_option("flake8", key):
            return [p for p in re.split(r"[,\s]", ini.get("flake8", key)) if p]
    return list(default)


def _absolute(root: Path, patterns: Sequence[str]) -> list[str]:
    """Make patterns with a ``/`` paths from the config's folder, as flake8 does."""
    return [
        (
            os.path.abspath(os.path.join(root, p)).rstrip("/")
            if "/" in p or p == "."
            else p
        )
        for p in patterns
    ]
