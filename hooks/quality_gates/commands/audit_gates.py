"""``quality-gates audit-gates``: gates that cannot fail, configs that shadow others."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from quality_gates import __version__
from quality_gates import files as files_mod
from quality_gates import report_formats
from quality_gates.errors import FAILED, PASSED, GateError
from quality_gates.findings import fingerprint_findings
from quality_gates.guards.base import rule_infos
from quality_gates.guards.integrity import audit as integrity
from quality_gates.guards.integrity.rules import RULES, TOOL, fails
from quality_gates.report import Report, Summary, ToolRun

NAME = "audit-gates"
HELP = (
    "find gates that cannot fail, unpinned actions and configs that shadow each other"
)
DESCRIPTION = """\
Audit .github/workflows/*.yml|yaml, the repository's own actions (action.yml
at the root, under actions/ and .github/actions/), .pre-commit-config.yaml,
setup.cfg, tox.ini, noxfile.py, Makefile, .flake8, pytest.ini, mypy.ini and
pyproject.toml for gates that cannot fail, unparseable or empty workflows,
actions not pinned to a commit SHA, workflows without permissions or with
write-all, and config files that shadow each other or switch checks off.

run: scripts are parsed as bash, with the shell GitHub really uses (no shell:
on Linux is `bash -e {0}`, without pipefail), and each gate's exit status is
followed through ||, &&, if, pipes, set +e, exit, bash -c, python -c and
find -exec, and into outputs, files and job outputs a later step may fail
on.  A script that does not parse is audited line by line, and a note says
so.  Every finding names its
rule (QG1xx), why it matters and the fix.  A finding the evidence makes only
plausible (a command that checks only by its step's name, a report job) is a
note (severity info) that says why, and does not fail.  With FILES, only
findings in those files are reported.

exit codes: 0 passed, 1 findings, 2 usage error"""
TEXT_VIEW = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Take optional FILES, ``--format`` and ``--output``."""
    parser.add_argument(
        "filenames",
        nargs="*",
        metavar="FILES",
        help="report only findings in these files (default: every gate file)",
    )
    report_formats.add_options(parser)


def _selected(root: Path, names: list[str]) -> set[str]:
    selected = set()
    for name in names:
        path = Path(name)
        full = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if not full.is_file():
            raise GateError(f"{name}: no such file")
        try:
            selected.add(full.relative_to(root).as_posix())
        except ValueError:
            raise GateError(f"{name}: outside the project at {root}")
    return selected


def report(args: argparse.Namespace) -> Report:
    """Audit the project (only findings in FILES, when named)."""
    root = files_mod.project_root()
    selected = _selected(root, args.filenames) if args.filenames else None
    started = time.perf_counter()
    audit = integrity.run(root)
    findings = audit.findings
    if selected is not None:
        findings = [f for f in findings if f.path in selected]
    built = Report(
        command=NAME,
        findings=fingerprint_findings(findings, dict(audit.lines_of)),
        tools={
            TOOL: ToolRun(
                name=TOOL,
                version=__version__,
                seconds=round(time.perf_counter() - started, 3),
                files=len(audit.files),
            )
        },
        rules={TOOL: rule_infos(RULES)},
        summary=Summary(files=len(audit.files), findings=len(findings)),
    )
    built.notes += audit.notes
    if not audit.files:
        built.notes.append(f"no workflow, action or tool config file found in {root}")
    failing = [f for f in built.findings if fails(f)]
    notes = len(built.findings) - len(failing)
    if notes:
        built.notes.append(
            f"{notes} finding(s) are notes (plausible, not certain): "
            "they do not fail the gate"
        )
    built.exit_code = FAILED if failing else PASSED
    return built


def main(args: argparse.Namespace) -> int:
    """Audit the project, emit the report and return the exit code."""
    return report_formats.emit_verdict(report(args), args)
