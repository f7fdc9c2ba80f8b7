"""flake8 with flake8-docstrings: pycodestyle, pyflakes, mccabe and D codes."""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from quality_gates.findings import Finding
from quality_gates.hook_args import Carried, tokens, unknown
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    ToolCrashed,
    ini_has_section,
    read_ini,
    register,
)
from quality_gates.tools.testdefaults import (
    FLAKE8_CODE,
    PerFileIgnores,
    batches,
    joined,
    parse_mapping,
    real_root,
)
from quality_gates.tools.walk import Walk, any_glob

FORMAT = "%(path)s:%(row)d:%(col)d: %(code)s %(text)s"
DISPLAY = str(Path(__file__).resolve().parent.parent / "data" / "flake8-display.cfg")
_LINE = re.compile(r"^(.+?):(\d+):(\d+): ([A-Z]+\d+) (.*)$")
_CODE = re.compile(r"[A-Z]{1,3}[0-9]{0,3}")
_SELECTING = ("select", "extend-select")


def severity(code: str) -> str:
    """Rate pyflakes (F) and syntax/IO (E9) codes as errors, the rest as warnings."""
    if code.startswith("F") or code.startswith("E9"):
        return "error"
    return "warning"


# a hook's options that print differently or stop the gate failing; every
# other long option is the flake8 config key of the same name
_FLAGS = {"--disable-noqa", "--isolated", "--exit-zero"}
_DISPLAY = {
    "--statistics",
    "--count",
    "--show-source",
    "--no-show-source",
    "--benchmark",
    "--quiet",
    "-q",
    "--verbose",
    "-v",
}
_DISPLAY_VALUE = {"--format", "--output-file", "--tee", "--color", "-j", "--jobs"}


def _hook_option(out: Carried, option: str, word: str | None) -> int:
    """Read one of a hook's options; return how many words it took."""
    if option in ("--config", "--append-config"):
        out.config_file = word
        return 2
    if option == "--exit-zero":
        out.dropped.append(f"{option}: it would make the gate unable to fail")
    elif option == "--isolated":
        out.dropped.append(f"{option}: the suite reads the project's flake8 config")
    elif option in _DISPLAY:
        pass
    elif option in _DISPLAY_VALUE:
        return 2
    elif option.startswith("--") and option not in _FLAGS and word is not None:
        out.settings[option[2:]] = word
        return 2
    elif option.startswith("--"):
        out.settings[option[2:]] = True
    else:
        unknown(out, option, word)
    return 1


@register
class Flake8(Adapter):
    """flake8 with the docstring plugin, one finding per reported line."""

    name = "flake8"
    distribution = "flake8"
    module = "flake8"
    plugins = ("flake8-docstrings", "pydocstyle")
    uri = "https://flake8.pycqa.org/"
    # the pre-commit hooks init replaces with the suite's flake8
    hooks = {
        "github.com/pycqa/flake8": ("flake8",),
        "gitlab.com/pycqa/flake8": ("flake8",),
    }
    line_key = "max-line-length"
    ini_sections = ("flake8",)
    new_config = ".flake8"  # flake8 reads no pyproject.toml
    purpose = "lints: pycodestyle, pyflakes, mccabe"
    cost = 10.0

    def category(self, rule: str) -> str:
        """Docstrings (D), complexity (C9), pyflakes and E9 (bug risk), style."""
        if rule.startswith("D"):
            return "docs"
        if rule.startswith("C9"):
            return "complexity"
        if rule.startswith(("F", "E9")):
            return "bug-risk"
        if rule.startswith(("E", "W")):
            return "style"
        return "other"

    def own_config(self, ctx: Context) -> str | None:
        """Name the file flake8 reads: setup.cfg, tox.ini or .flake8, in its order."""
        for name in CONFIG_FILES:
            if ini_has_section(ctx.root, name, "flake8", "flake8:local-plugins"):
                return name
        return None

    def hook_settings(self, args: Sequence[str]) -> Carried:
        """flake8's long options are its config keys: ``--max-line-length=100``."""
        out = Carried()
        pairs = tokens(args)
        i = 0
        while i < len(pairs):
            i += _hook_option(out, *pairs[i])
        return out

    def docstring_config(self, ctx: Context) -> str | None:
        """Name where the project configures flake8's docstring checks, or None.

        In the flake8 config flake8 reads (``own_config``): an option of
        flake8-docstrings (``docstring-convention``, ``ignore-decorators``,
        ``property-decorators``), or a D code named by ``select``,
        ``extend-select``, ``ignore``, ``extend-ignore`` or ``per-file-ignores``.
        pydocstyle's and ruff's own settings are not flake8's: flake8 never
        reads them, so they change nothing here.
        """
        own = self.own_config(ctx)
        ini = read_ini(ctx.root / own) if own else None
        for key in DOCSTRING_OPTIONS:
            if _option(ini, key, ()):
                return f"{own} [flake8] {key}"
        for key in CODE_OPTIONS:
            if any(_DOCSTRING_CODE.fullmatch(c) for c in _codes(ini, key)):
                return f"{own} [flake8] {key} (D codes)"
        return None

    def test_defaults(self, ctx: Context) -> str | None:
        """Leave D1 (missing docstrings) out of test files, unless configured."""
        if self.docstring_config(ctx):
            return None
        return f"flake8 {FLAKE8_CODE} (missing docstrings)"

    def test_config(self, ctx: Context) -> str | None:
        """Name the project's docstring config, which decides about test files too."""
        own = self.docstring_config(ctx)
        return f"flake8 docstrings ({own})" if own else None

    def run(self, ctx: Context, args: Sequence[str], files: Sequence[str]) -> Proc:
        """Run flake8 with D1 ignored in the test files (``--per-file-ignores``).

        A batch whose test files would not fit in one argument runs in parts.
        """
        tested = self.test_defaults(ctx) and any(ctx.tests(f) for f in files)
        ignores = self.per_file_ignores(ctx) if tested else None
        if ignores is None:
            return super().run(ctx, args, files)
        parts = batches(
            files,
            lambda f: ignores.entry(f) if ctx.tests(f) else None,
            len(ignores.project),
        )
        return joined(
            [
                super(Flake8, self).run(
                    ctx, [*args, "--per-file-ignores", ignores.value(entries)], part
                )
                for part, entries in parts
            ]
        )

    def per_file_ignores(self, ctx: Context) -> PerFileIgnores | None:
        """Read the project's ``per-file-ignores``; None when flake8 cannot either."""
        own = self.own_config(ctx)
        ini = read_ini(ctx.root / own) if own else None
        value = "\n".join(_raw(ini, "per-file-ignores"))
        try:
            return PerFileIgnores(real_root(ctx.root), value)
        except ValueError:  # flake8 itself says what is wrong with it
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

    def preflight(self, ctx: Context) -> str | None:
        """Refuse a config that selects codes no installed plugin reports."""
        own = self.own_config(ctx)
        missing = unreported_codes(ctx.root / own) if own else []
        if not missing:
            return None
        return (
            f"flake8: {own} selects {', '.join(missing)}, but no installed "
            f"flake8 plugin reports them (installed: {', '.join(plugins())}), "
            "so flake8 would skip them silently; add the plugin to the "
            "hook's additional_dependencies (or install it beside "
            "quality-gates), or drop the codes"
        )

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        """Read the finding lines; other output, or exit 1 with none, is an error."""
        refused = config_error(proc, self.own_config(ctx))
        if refused:
            raise ToolCrashed(refused)  # every file meets it: no file to blame
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


CRITICAL = "There was a critical error during execution of Flake8:"


def config_error(proc: Proc, own: str | None) -> str | None:
    """Say why flake8 refused its options, in flake8's own words, or None.

    A malformed option (``per-file-ignores`` without a colon) prints
    ``CRITICAL`` and the reason on standard output; one of the wrong type
    (``max-line-length = eighty``) stops flake8 with a traceback while it
    reads its options.
    """
    where = own or "the suite's defaults"
    if proc.stdout.lstrip().startswith(CRITICAL):
        reason = " ".join(proc.stdout.split(CRITICAL, 1)[1].split())
        return f"flake8 refused its config ({where}): {reason}"
    if proc.traceback and "flake8/options/" in proc.stderr:
        return f"flake8 cannot read its config ({where}): {proc.detail()}"
    return None


def plugins() -> list[str]:
    """Return the code prefixes the installed flake8 plugins report: E, F, D..."""
    from importlib.metadata import distributions  # only when a config selects

    # the path flake8 sees: ours without sys.path[0], as ``python -P`` starts it
    # (under ``python -m`` that entry is the project root, where an sdist's
    # own *.egg-info would pass for an installed plugin)
    path = sys.path if sys.flags.safe_path else sys.path[1:]
    return sorted(
        {
            ep.name
            for dist in distributions(path=path)
            for ep in dist.entry_points
            if ep.group == "flake8.extension"
        }
    )


def unreported_codes(config: Path) -> list[str]:
    """Codes that ``select``/``extend-select`` name and no plugin can report."""
    parser = configparser.RawConfigParser()
    try:
        parser.read(config, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return []  # flake8 itself says what is wrong with the file
    if not parser.has_section("flake8"):
        return []
    chosen = []
    for key, value in parser.items("flake8"):
        if key.replace("_", "-") in _SELECTING:
            chosen += [c for c in re.split(r"[,\s]+", value) if _CODE.fullmatch(c)]
    if not chosen:
        return []
    known = set(plugins()) | _local_plugins(parser)
    return [
        code
        for code in dict.fromkeys(chosen)
        if not any(code.startswith(p) or p.startswith(code) for p in known)
    ]


def _local_plugins(parser: configparser.RawConfigParser) -> set[str]:
    """Codes of ``[flake8:local-plugins]``: ``extension = CODE = module:Class``."""
    if not parser.has_section("flake8:local-plugins"):
        return set()
    lines = parser.get("flake8:local-plugins", "extension", fallback="").splitlines()
    return {line.split("=", 1)[0].strip() for line in lines if "=" in line}


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


# flake8-docstrings' own options, and the options that name codes
DOCSTRING_OPTIONS = (
    *("docstring-convention", "ignore-decorators", "property-decorators"),
)
CODE_OPTIONS = (
    *("select", "extend-select", "ignore", "extend-ignore", "per-file-ignores"),
)
_DOCSTRING_CODE = re.compile(r"D[0-9]*")


def _raw(ini: configparser.RawConfigParser | None, name: str) -> list[str]:
    """Return an option of ``[flake8]`` as written (``-`` or ``_``), or nothing."""
    for key in (name, name.replace("-", "_")):
        if ini is not None and ini.has_option("flake8", key):
            return [ini.get("flake8", key)]
    return []


def _codes(ini: configparser.RawConfigParser | None, name: str) -> list[str]:
    """Return the codes an option names (``per-file-ignores``: by flake8's parser)."""
    text = "\n".join(_raw(ini, name))
    if name != "per-file-ignores":
        return [c for c in re.split(r"[,\s]+", text) if c]
    try:
        return [code for _name, codes in parse_mapping(text) for code in codes]
    except ValueError:  # flake8 itself says what is wrong with it
        return []


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
