"""isort: one finding per import block it would re-sort (profile black by default)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from quality_gates.findings import Finding
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    ToolCrashed,
    diff_hunks,
    ini_has_section,
    pyproject_tool,
    register,
)


@register
class Isort(Adapter):
    """isort's import-order check, and isort as a fixer."""

    name = "isort"
    distribution = "isort"
    module = "isort"
    can_fix = True
    cost = 0.5

    def config_inputs(self, ctx: Context) -> list[str]:
        """Add the project's top-level modules: isort sorts first-party by them."""
        found = []
        for folder in (ctx.root, ctx.root / "src"):
            try:
                found += sorted(entry.name for entry in folder.iterdir())
            except OSError:
                continue
        return [*super().config_inputs(ctx), "\0".join(found)]

    def own_config(self, ctx: Context) -> str | None:
        """Name the isort config: pyproject.toml, .isort.cfg, setup.cfg or tox.ini."""
        if pyproject_tool(ctx, "isort"):
            return "pyproject.toml [tool.isort]"
        if (ctx.root / ".isort.cfg").is_file():
            return ".isort.cfg"
        for name, sections in (
            ("setup.cfg", ("isort", "tool:isort")),
            ("tox.ini", ("isort",)),
        ):
            if ini_has_section(ctx.root, name, *sections):
                return name
        return None

    def default_args(self, ctx: Context) -> list[str]:
        """Use profile black at the suite's line length."""
        return ["--profile", "black", "--line-length", str(ctx.config.line_length)]

    def check_args(self, ctx: Context) -> list[str]:
        """Ask for a diff of what isort would change, with the project's settings."""
        return [
            "--check-only",
            "--diff",
            "--quiet",
            "--settings-path",
            ".",
            *self.settings(ctx),
        ]

    def fix_args(self, ctx: Context) -> list[str]:
        """Sort the imports in place, with the project's settings."""
        return ["--quiet", "--settings-path", ".", *self.settings(ctx)]

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        """Report one I001 finding per hunk; exit 1 without a diff is a tool error."""
        proc.crash(self.name, (0, 1))
        findings = []
        for raw, line, removed, added in diff_hunks(proc.stdout):
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
                    message="imports are incorrectly sorted or formatted "
                    f"(-{removed}/+{added} lines); "
                    "run `quality-gates run --fix` or isort",
                )
            )
        if proc.returncode == 1 and not findings:
            tail = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
            raise ToolCrashed(
                f"isort failed without a diff: {tail[-1] if tail else 'no message'}"
            )
        return findings


def _relative(root: Path, path: Path) -> str:
    """Make the path isort printed relative to the root (as printed if outside)."""
    for candidate in (path, path.resolve()):
        if candidate.is_relative_to(root):
            return candidate.relative_to(root).as_posix()
    return path.as_posix()
