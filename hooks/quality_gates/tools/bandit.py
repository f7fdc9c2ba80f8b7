"""bandit: security findings from its JSON report."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from quality_gates.errors import GateError
from quality_gates.findings import Finding
from quality_gates.hook_args import Carried, Table, translate, unknown
from quality_gates.tools.base import (
    Adapter,
    Context,
    Proc,
    ToolCrashed,
    pyproject_tool,
    read_ini,
    register,
    tool_error,
)
from quality_gates.tools.testdefaults import BANDIT_RULE, bandit_config, bandit_name
from quality_gates.tools.walk import any_glob

SEVERITY = {"HIGH": "error", "MEDIUM": "error", "LOW": "warning"}
LEVELS = ("low", "medium", "high")
# bandit's default --exclude (bandit/core/constants.py)
DEFAULT_EXCLUDE = (
    *(".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".eggs"),
    "*.egg",
)
THRESHOLDS = ("severity-threshold", "confidence-threshold")
# the levels _result writes at the end of a finding's message
_LEVELS = re.compile(r" \(severity (\w+), confidence (\w+); [^()]*\)$")


def levels(finding: Finding) -> tuple[str, str] | None:
    """Return a bandit finding's severity and confidence (lower case), if any."""
    match = _LEVELS.search(finding.message)
    if match is None or finding.tool != "bandit":
        return None
    return match.group(1).lower(), match.group(2).lower()


def thresholds(ctx: Context) -> dict[str, str]:
    """Read the thresholds of ``[tool.quality-gates.security]`` (default: low)."""
    section = ctx.config.section("security")
    chosen = {}
    for key in THRESHOLDS:
        value = section.get(key, "low")
        if value not in LEVELS:
            raise GateError(
                f"[tool.quality-gates.security] {key}: {value!r} is not one of "
                + ", ".join(LEVELS)
            )
        chosen[key] = str(value)
    return chosen


# a hook's option -> (its [tool.bandit] key, kind: hook_args.translate)
HOOK_OPTIONS: Table = {
    "-s": ("skips", "csv"),
    "--skip": ("skips", "csv"),
    "-t": ("tests", "csv"),
    "--tests": ("tests", "csv"),
    "-x": ("exclude_dirs", "csv"),
    "--exclude": ("exclude_dirs", "csv"),
    "-c": ("", "config"),
    "--configfile": ("", "config"),
    "--ini": ("", "config"),
    "--severity-level": ("severity-threshold", "suite"),
    "--confidence-level": ("confidence-threshold", "suite"),
    "-f": ("", "ignore-value"),
    "--format": ("", "ignore-value"),
    "-o": ("", "ignore-value"),
    "--output": ("", "ignore-value"),
    "-r": ("", "ignore"),
    "--recursive": ("", "ignore"),
    "-q": ("", "ignore"),
    "--quiet": ("", "ignore"),
    "-v": ("", "ignore"),
    "-n": ("", "ignore-value"),
    "-a": ("", "ignore-value"),
    "--exit-zero": ("", "gate"),
    "-b": ("", "baseline"),
    "--baseline": ("", "baseline"),
}
# -l, -ll, -lll and -i...: a threshold, by how often the letter is said
_LEVEL_FLAGS = {"l": "severity-threshold", "i": "confidence-threshold"}


def _levels(out: Carried, option: str, word: str | None) -> bool:
    """``-ll``, ``-iii``: the thresholds as the suite's settings."""
    letters = option.lstrip("-")
    if len(option) - len(letters) == 1 and letters and len(set(letters)) == 1:
        key = _LEVEL_FLAGS.get(letters[0])
        if key and len(letters) <= 3:
            out.suite[key] = LEVELS[len(letters) - 1]
            return False
    return unknown(out, option, word)


@register
class Bandit(Adapter):
    """bandit's security checks, at the thresholds of the security config."""

    name = "bandit"
    distribution = "bandit"
    module = "bandit"
    uri = "https://bandit.readthedocs.io/"
    # the pre-commit hooks init replaces with the suite's bandit
    hooks = {"github.com/pycqa/bandit": ("bandit",)}
    ini_sections = ("bandit",)
    purpose = "finds security problems"
    # it parses (its own grammar, or ast.parse) and never compiles: `return`
    # outside a function is no error to it
    syntax = "parse"
    rule_category = "security"
    cost = 5.5

    def hook_settings(self, args: Sequence[str]) -> Carried:
        """Translate bandit's options as ``[tool.bandit]`` keys and thresholds."""
        return translate(args, HOOK_OPTIONS, _levels)

    def own_config(self, ctx: Context) -> str | None:
        """Name ``[tool.bandit]`` in pyproject.toml, else a ``.bandit`` file."""
        if pyproject_tool(ctx, "bandit"):
            return "pyproject.toml [tool.bandit]"
        if (ctx.root / ".bandit").is_file():
            return ".bandit"
        return None

    def test_defaults(self, ctx: Context) -> str | None:
        """Leave B101 (assert) out of test files, unless the project configures bandit.

        The project's own bandit config is what bandit itself reads when the
        project runs it (``own_config``): with one, bandit reports exactly
        what that config says, in the tests too.
        """
        return None if self.own_config(ctx) else f"bandit {BANDIT_RULE} (assert)"

    def test_config(self, ctx: Context) -> str | None:
        """Name bandit's own config, which decides about test files too."""
        own = self.own_config(ctx)
        return f"bandit ({own})" if own else None

    def run(self, ctx: Context, args: Sequence[str], files: Sequence[str]) -> Proc:
        """Run bandit; B101 skipped in the batch's test files by bandit's own config."""
        tests = [f for f in files if ctx.tests(f)] if self.test_defaults(ctx) else []
        if not tests:
            return super().run(ctx, args, files)
        folder = None
        try:
            folder = tempfile.TemporaryDirectory(prefix="quality-gates-bandit-")
            config = Path(folder.name) / "bandit.toml"
            skips = bandit_config([bandit_name(f) for f in tests])
            config.write_text(skips, encoding="utf-8")
        except OSError as exc:
            if folder is not None:
                folder.cleanup()
            raise ToolCrashed(
                "bandit: cannot write its config for the test files into a "
                f"temporary folder ({exc.strerror}); check TMPDIR"
            ) from None
        with folder:
            return super().run(ctx, [*args, "--configfile", str(config)], files)

    def scope(self, ctx: Context, files: Sequence[str]) -> Callable[[str], bool]:
        """Check what ``bandit -r .`` checks, with the project's config.

        ``include`` (default ``*.py``), then ``exclude_dirs`` of
        ``[tool.bandit]`` and ``exclude`` of ``.bandit`` (else bandit's default
        list), each an fnmatch pattern on ``./path`` or a plain substring of
        it; a folder given to ``exclude`` stands for ``folder/*``.
        """
        table = ctx.config.pyproject.get("tool", {}).get("bandit", {})
        table = table if isinstance(table, dict) else {}
        patterns = [str(p) for p in table.get("exclude_dirs") or []]
        listed = read_ini(ctx.root / ".bandit").get("bandit", "exclude", fallback="")
        for path in listed.split(",") if listed else DEFAULT_EXCLUDE:
            patterns.append(path + "/*" if (ctx.root / path).is_dir() else path)
        included = any_glob([str(p) for p in table.get("include") or ["*.py"]])
        excluded = any_glob(patterns)

        def checked(path: str) -> bool:
            shown = "./" + path  # as `bandit -r .` names it
            return (
                included(shown)
                and not excluded(shown)
                and not any(p in shown for p in patterns)
            )

        return checked

    def command(self, args: Sequence[str], files: Sequence[str]) -> list[str]:
        """Name the files as ``bandit -r .`` does, so its own excludes agree."""
        return super().command(args, [f"./{name}" for name in files])

    def settings(self, ctx: Context) -> list[str]:
        """Point bandit at the project's config files, as ``bandit -r .`` reads them.

        ``[tool.bandit]`` only with ``-c pyproject.toml``; a ``.bandit`` file
        ``bandit -r .`` finds itself, named files need ``--ini``.  An
        ``output`` in ``.bandit`` would send the report to a file (bandit 1.9
        crashes on it): the report goes to standard output, where it is read.
        """
        args = []
        if pyproject_tool(ctx, "bandit"):
            args += ["--configfile", "pyproject.toml"]
        if (ctx.root / ".bandit").is_file():
            args += ["--ini", ".bandit"]
            if read_ini(ctx.root / ".bandit").has_option("bandit", "output"):
                args += ["--output", "/dev/stdout"]
        return args

    def check_args(self, ctx: Context) -> list[str]:
        """Ask for a JSON report of every level (the thresholds apply afterwards).

        bandit's own ``--severity-level`` would leave the findings under the
        thresholds unreported, and a baseline would take them for fixed.
        """
        return ["--format", "json", "--quiet", *self.settings(ctx)]

    def below_threshold(self, ctx: Context) -> Callable[[Finding], bool] | None:
        """Tell a finding under ``severity-threshold`` or ``confidence-threshold``."""
        floors = [LEVELS.index(level) for level in thresholds(ctx).values()]
        if not any(floors):
            return None

        def below(finding: Finding) -> bool:
            found = levels(finding)
            return found is not None and any(
                level in LEVELS and LEVELS.index(level) < floor
                for level, floor in zip(found, floors)
            )

        return below

    def parse(self, ctx: Context, files: Sequence[str], proc: Proc) -> list[Finding]:
        """Read the JSON report, with the files and lines bandit could not check.

        A file bandit skipped (its ``errors``) and a check that raised on one
        line (logged as an internal error, with a traceback) are findings of
        their own; every other result is kept.
        """
        try:
            data = json.loads(proc.stdout)
            results, errors = data["results"], data["errors"]
        except (ValueError, KeyError, TypeError) as exc:
            proc.crash(self.name, (0, 1))
            raise ToolCrashed(
                f"bandit: unreadable JSON report ({exc}): {proc.detail()}"
            )
        if proc.returncode not in (0, 1):
            proc.crash(self.name, (0, 1))
        findings = [_result(item) for item in results]
        for error in errors:
            path = _relative(str(error.get("filename", "")))
            findings.append(
                tool_error(
                    self.name,
                    path,
                    f"bandit could not check this file: {error.get('reason')}",
                )
            )
        findings += _internal_errors(proc.stderr)
        return findings


def _relative(name: str) -> str:
    """Return the path from the root (bandit adds ``./`` to the ``./path`` given)."""
    while name.startswith("./"):
        name = name[2:]
    return name


def _result(item: dict[str, Any]) -> Finding:
    return Finding(
        tool="bandit",
        rule=str(item["test_id"]),
        severity=SEVERITY.get(str(item["issue_severity"]).upper(), "warning"),
        path=_relative(str(item["filename"])),
        line=int(item["line_number"]),
        column=int(item.get("col_offset", 0)) + 1,
        message=f"{item['issue_text']} (severity {item['issue_severity']}, "
        f"confidence {item['issue_confidence']}; {item['test_name']})",
    )


_INTERNAL = re.compile(
    r"Bandit internal error running: (\S+) on file (.+?) at line (\d+): "
    r"(.*?)(?:Traceback \(most recent call last\):|$)"
)


def _internal_errors(stderr: str) -> list[Finding]:
    """Make a finding of each check that raised on one line (the others ran)."""
    found = []
    for m in _INTERNAL.finditer(stderr):
        test, path, line, error = m.groups()
        found.append(
            tool_error(
                "bandit",
                _relative(path),
                f"bandit's check {test} raised on this line "
                f"({error.strip() or 'no message'}); "
                "its other checks ran. Report it to bandit, or skip the check "
                "here with `# nosec`",
                int(line),
            )
        )
    return found
