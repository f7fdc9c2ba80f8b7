"""black: one finding per hunk it would reformat."""

from __future__ import annotations

from collections.abc import Sequence

from quality_gates.findings import Finding
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    diff_hunks,
    pyproject_tool,
    register,
)


@register
class Black(Adapter):
    name = "black"
    distribution = "black"
    module = "black"
    can_fix = True
    cost = 17.0

    def own_config(self, ctx: Context) -> str | None:
        return "pyproject.toml [tool.black]" if pyproject_tool(ctx, "black") else None

    def default_args(self, ctx: Context) -> list[str]:
        return ["--line-length", str(ctx.config.line_length)]

    def check_args(self, ctx: Context) -> list[str]:
        return [
            "--check",
            "--diff",
            "--no-color",
            "--quiet",
            "--workers",
            "1",
            *self.settings(ctx),
        ]

    def fix_args(self, ctx: Context) -> list[str]:
        return ["--quiet", "--workers", "1", *self.settings(ctx)]

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        proc.crash(self.name, (0, 1))
        findings = []
        for path, line, removed, added in diff_hunks(proc.stdout):
            findings.append(
                Finding(
                    tool=self.name,
                    rule="BLK100",
                    severity="warning",
                    path=path,
                    line=line,
                    column=1,
                    message=f"black would reformat this (-{removed}/+{added} lines); "
                    "run `quality-gates run --fix` or black",
                )
            )
        return findings
