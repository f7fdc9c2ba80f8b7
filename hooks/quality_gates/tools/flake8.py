"""flake8 with flake8-docstrings: pycodestyle, pyflakes, mccabe and D codes."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from quality_gates.findings import Finding
from quality_gates.hook_args import Carried, tokens, unknown
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    ToolCrashed,
    config_error,
    config_line,
    register,
)
from quality_gates.tools.flake8_config import (
    DEFAULT_EXCLUDE,
    DISPLAY,
    PYPROJECT_PLUGIN,
    TABLE,
    absolute,
    codes,
    ini_config,
    option,
    plugins,
    raw,
    read_config,
    table_config,
    unreported_codes,
)
from quality_gates.tools.testdefaults import (
    FLAKE8_CODE,
    PerFileIgnores,
    batches,
    joined,
    real_root,
)
from quality_gates.tools.walk import Walk, any_glob

FORMAT = "%(path)s:%(row)d:%(col)d: %(code)s %(text)s"
_LINE = re.compile(r"^(.+?):(\d+):(\d+): ([A-Z]+\d+) (.*)$")
_FAILED = re.compile(r'^(.+?): "(.+?)" failed during execution due to (.*)$', re.M)


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
    # both ran as `entry: flake8` / `pyflakes` until v3.0.0, failed with a
    # pointer to pycqa/flake8 until v4.0.0, which removed them
    retired_hooks = {
        "github.com/pre-commit/pre-commit-hooks": {
            "flake8": "its flake8 hook, removed in v4.0.0",
            "pyflakes": "its pyflakes hook, removed in v4.0.0: flake8 runs pyflakes",
        },
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
        """Name the config flake8 reads: [tool.flake8], else its own files' first."""
        found = read_config(ctx)
        return found.label if found else None

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
        found = read_config(ctx)
        if found is None:
            return None
        where = f"{found.name} [{found.section}]"
        for key in DOCSTRING_OPTIONS:
            if option(found.options, key, ()):
                return f"{where} {key}"
        for key in CODE_OPTIONS:
            if any(_DOCSTRING_CODE.fullmatch(c) for c in codes(found.options, key)):
                return f"{where} {key} (D codes)"
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

        [tool.flake8] is given to it as the config file it reads.  A batch
        whose test files would not fit in one argument runs in parts.
        """
        args = _with_table(ctx, args)
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
        found = read_config(ctx)
        value = "\n".join(raw(found.options if found else {}, "per-file-ignores"))
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
        found = read_config(ctx)
        options = found.options if found else {}
        exclude = [
            *option(options, "exclude", DEFAULT_EXCLUDE),
            *option(options, "extend-exclude", ()),
        ]
        excluded = any_glob(absolute(ctx.root, exclude))
        wanted = any_glob(absolute(ctx.root, option(options, "filename", ("*.py",))))
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
        found = read_config(ctx)
        if "--isolated" in settings:
            display = []
        elif found is not None and found.table:
            # [tool.flake8]: a config file made from it (see ``run``)
            display = ["--config", TABLE]
        else:
            display = ["--append-config", DISPLAY]
        return ["--jobs", "1", "--format", FORMAT, *display, *settings]

    def config_findings(self, ctx: Context) -> list[Finding]:
        """Report a ``select`` of codes no installed plugin reports, on its line."""
        found = read_config(ctx)
        if found is None:
            return []
        out = []
        for key, missing in unreported_codes(found).items():
            them = "it" if len(missing) == 1 else "them"
            out.append(
                config_error(
                    self.name,
                    found.name,
                    config_line(ctx.root, found.name, found.section, key),
                    f"{key} names {', '.join(missing)}; no installed flake8 "
                    f"plugin reports {them} (installed: {', '.join(plugins())}), "
                    f"so flake8 skips {them} without a word: add the plugin that "
                    f"reports {them} to "
                    "the hook's additional_dependencies (or install it beside "
                    f"quality-gates), or drop {them} from {key}",
                )
            )
        return out

    def notes(self, ctx: Context) -> list[str]:
        """Say which config the gate reads when [tool.flake8] hides another."""
        found = read_config(ctx)
        other = ini_config(ctx.root)
        if found is None or not found.table or other is None:
            return []
        return [
            f"flake8: pyproject.toml [tool.flake8] and {other} [flake8] both "
            "configure flake8; the gate reads [tool.flake8], as flake8 with "
            f"flake8-pyproject does (flake8 alone reads {other})"
        ]

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        """Read the finding lines; other output, or exit 1 with none, is an error.

        A plugin that fails on a file (``PATH: "pyflakes[F]" failed during
        execution due to RecursionError``) stops flake8's whole run: a crash
        the runner narrows down to that file, as it does a traceback.
        """
        refused = refused_config(proc, self.own_config(ctx))
        if refused:
            raise ToolCrashed(refused)  # every file meets it: no file to blame
        proc.crash(self.name, (0, 1))
        failed = _FAILED.search(proc.stdout)
        if failed:
            path, plugin, why = failed.groups()
            raise ToolCrashed(
                f"flake8: its plugin {plugin} failed on {path} ({why})", traceback=True
            )
        findings = _findings(self.name, proc.stdout)
        if proc.returncode == 1 and not findings:
            raise ToolCrashed(
                f"flake8 exited 1 without findings: {proc.stderr.strip()[:200]}"
            )
        return findings


CRITICAL = "There was a critical error during execution of Flake8:"


def refused_config(proc: Proc, own: str | None) -> str | None:
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


# flake8-docstrings' own options, and the options that name codes
DOCSTRING_OPTIONS = (
    *("docstring-convention", "ignore-decorators", "property-decorators"),
)
CODE_OPTIONS = (
    *("select", "extend-select", "ignore", "extend-ignore", "per-file-ignores"),
)
_DOCSTRING_CODE = re.compile(r"D[0-9]*")


def _with_table(ctx: Context, args: Sequence[str]) -> list[str]:
    """Put the config file made from [tool.flake8] where ``check_args`` marks it."""
    if TABLE not in args:
        return list(args)
    found = read_config(ctx)
    if found is None or not found.table:
        raise ToolCrashed("flake8: [tool.flake8] is gone from pyproject.toml")
    made = table_config(ctx.root, found)
    out = [str(made) if a == TABLE else a for a in args]
    if PYPROJECT_PLUGIN in plugins("flake8.report"):
        # flake8-pyproject installed here too: it would read pyproject.toml
        # again, without the display settings
        out += ["--toml-config", str(made.with_suffix(".toml"))]
    return out


def _findings(tool: str, stdout: str) -> list[Finding]:
    """Return a finding per output line; any other non-blank line is a crash."""
    findings = []
    for text in stdout.split("\n"):
        m = _LINE.match(text)
        if m is None:
            if text.strip():
                raise ToolCrashed(f"flake8: unexpected output line {text[:120]!r}")
            continue
        path, line, col, code, message = m.groups()
        findings.append(
            Finding(
                tool=tool,
                rule=code,
                severity=severity(code),
                path=path.removeprefix("./"),
                line=int(line),
                column=int(col),
                message=message,
            )
        )
    return findings
