"""flake8 with flake8-docstrings: pycodestyle, pyflakes, mccabe and D codes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from quality_gates.findings import Finding
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    ToolCrashed,
    ini_has_section,
    register,
)

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
        """Name ``.flake8``, else a ``[flake8]`` section in setup.cfg or tox.ini."""
        if (ctx.root / ".flake8").is_file():
            return ".flake8"
        for name in ("setup.cfg", "tox.ini"):
            if ini_has_section(ctx.root, name, "flake8"):
                return name
        return None

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
