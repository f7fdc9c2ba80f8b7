"""``quality-gates ci ...``: what the composite GitHub Actions call.

Each sub-subcommand is one step of an action: it does the work, writes the
step outputs (``$GITHUB_OUTPUT``), the job summary (``$GITHUB_STEP_SUMMARY``)
and capped annotations, and exits 0 pass, 1 gate failed, 2 error.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from quality_gates import commands
from quality_gates import files as files_mod
from quality_gates import report_formats
from quality_gates.ci import (
    action_options,
    docs_build,
    fetch_base,
    merge,
    needs,
    outputs,
    pages,
    publish,
    pytest_cell,
    subcommand,
)
from quality_gates.errors import ERROR, FAILED, PASSED, GateError
from quality_gates.escape import markdown, terminal
from quality_gates.escape.actions_log import command
from quality_gates.escape.terminal import say
from quality_gates.report import Report
from quality_gates.report_formats import text

NAME = "ci"
HELP = "steps of the composite GitHub Actions (outputs, summaries, shards, checks)"
DESCRIPTION = """\
Steps of the composite GitHub Actions in actions/: each writes $GITHUB_OUTPUT,
the job summary ($GITHUB_STEP_SUMMARY) and capped ::error annotations.

  gate        quality-gates run for the quality-gate action (mode, shard, base)
  coverage    combine the matrix's coverage data and gate it
  security    the security gate (bandit and the dependency audit)
  report      any reporting subcommand, with SARIF, JSON, summary and outputs
  merge       merge the JSON reports of the shards of one gate; apply its
              thresholds (fail-under, max-debt) to the merged score
  fetch-base  fetch the base commit of a shallow clone, or fail
  needs       fail unless every needed job succeeded (needs-json)
  pytest      one matrix cell: choose its shard of tests, run pytest-cov
  build-docs  build mkdocs or Sphinx (detected) or a given command
  check-url   request a deployed URL with retries until it answers 200

exit codes: 0 passed, 1 failed, 2 usage, config or tool error"""


def _publish_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", default="", metavar="PATH", help="write the JSON report here"
    )
    parser.add_argument(
        "--sarif", default="", metavar="PATH", help="write SARIF 2.1.0 here"
    )
    parser.add_argument(
        "--max-annotations",
        type=int,
        default=outputs.DEFAULT_MAX_ANNOTATIONS,
        metavar="N",
        help="annotate at most N findings (default: %(default)s)",
    )
    parser.add_argument("--title", default="", help="heading of the job summary")


def _shard_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shard-index",
        type=int,
        default=0,
        metavar="I",
        help="0-based shard (default: 0)",
    )
    parser.add_argument(
        "--shard-count",
        type=int,
        default=1,
        metavar="N",
        help="number of shards (default: 1)",
    )


def _add_gate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("gate", help="run the gate for the quality-gate action")
    p.add_argument(
        "--mode",
        default="auto",
        choices=action_options.MODES,
        help="changed, all, or auto (default)",
    )
    p.add_argument(
        "--base", default="", help="base commit (default: the pull request's base)"
    )
    p.add_argument(
        "--tools", default="", help="comma-separated tools (default: config)"
    )
    p.add_argument("--baseline", default="", help="baseline file (default: config)")
    p.add_argument("--fail-under", default="", help="minimum score (default: config)")
    _shard_options(p)
    _publish_options(p)


def _add_coverage(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("coverage", help="combine the matrix's coverage and gate it")
    p.add_argument(
        "--fail-under", default="", help="minimum total coverage %% (default: config)"
    )
    p.add_argument(
        "--changed-fail-under", default="", help="minimum coverage %% of changed lines"
    )
    p.add_argument(
        "--diff-base",
        default="",
        help="base for changed lines (default: the pull request's)",
    )
    _publish_options(p)


def _add_security(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "security", help="the security gate for the security-scan action"
    )
    p.add_argument(
        "--requirements", default="", help="requirements files, space-separated"
    )
    p.add_argument("--vuln-db", default="", help="offline OSV records (folder or zip)")
    p.add_argument("--osv-url", default="", help="OSV query URL (a mirror)")
    p.add_argument(
        "--severity-threshold", default="", help="lowest bandit severity that fails"
    )
    p.add_argument(
        "--confidence-threshold", default="", help="lowest bandit confidence that fails"
    )
    p.add_argument(
        "--scan", default="all", help="all, code or dependencies (default: all)"
    )
    _publish_options(p)


def _add_report(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report", help="run a reporting subcommand and publish its report"
    )
    _publish_options(p)
    p.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- SUBCOMMAND ...")


def _add_merge(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("merge", help="merge the JSON reports of the shards of a gate")
    p.add_argument(
        "--dir", required=True, help="folder holding the shard reports (*.json)"
    )
    p.add_argument(
        "--expected",
        type=int,
        default=0,
        help="number of shards expected (default: any)",
    )
    p.add_argument(
        "--fail-under",
        default="",
        help="minimum merged score (default: the one the shards recorded)",
    )
    _publish_options(p)


def _add_small(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "fetch-base", help="fetch the base commit of a shallow clone, or fail"
    )
    p.add_argument(
        "--base", default="", help="base commit (default: the pull request's base)"
    )
    p.add_argument(
        "--remote", default="origin", help="remote to fetch from (default: origin)"
    )
    p = sub.add_parser("needs", help="fail unless every needed job succeeded")
    p.add_argument(
        "--needs-json", default=None, help="toJSON(needs) (default: $QG_NEEDS_JSON)"
    )
    p.add_argument(
        "--allow-skipped",
        default="",
        help="job ids allowed to be skipped, comma-separated, or *",
    )
    p = sub.add_parser("check-url", help="request a deployed URL until it answers 200")
    p.add_argument("--url", required=True, help="the deployed URL")
    p.add_argument(
        "--expected",
        default="",
        help="text the page must contain (default: the site's <title>)",
    )
    p.add_argument("--site-dir", default="", help="built site, for its <title>")
    p.add_argument(
        "--attempts",
        type=int,
        default=10,
        help="requests before giving up (default: 10)",
    )
    p.add_argument(
        "--delay", type=float, default=6.0, help="seconds between requests (default: 6)"
    )


def _add_pytest(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "pytest", help="one matrix cell: its shard of tests under pytest-cov"
    )
    p.add_argument("--python", required=True, help="the tested project's interpreter")
    p.add_argument(
        "--paths",
        default="",
        help="test paths, space-separated (default: pytest's testpaths)",
    )
    p.add_argument("--marker", default="", help="pytest -m expression (default: none)")
    p.add_argument(
        "--durations",
        default=".test_durations",
        help="recorded durations (default: .test_durations)",
    )
    p.add_argument("--cov", default="", help="--cov source (default: coverage config)")
    p.add_argument(
        "--cell",
        default="",
        help="cell name (default: from python version, marker, shard)",
    )
    p.add_argument("--python-version", default="", help="for the default cell name")
    p.add_argument(
        "--pytest-args", default="", help="more pytest arguments (shell words)"
    )
    _shard_options(p)


def _add_docs(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "build-docs", help="build mkdocs or Sphinx, or run a build command"
    )
    p.add_argument(
        "--python", default=sys.executable, help="interpreter with the docs tools"
    )
    p.add_argument(
        "--site-dir", default="site", help="where the site is built (default: site)"
    )
    p.add_argument(
        "--build-command", default="", help="build command (default: detected)"
    )
    p.add_argument(
        "--base-url", default="", help="the site's URL (default: OWNER.github.io/REPO)"
    )
    p.add_argument(
        "--install-command",
        default=None,
        help="installs the docs tools ('' = detected)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the sub-subcommands, one per action step."""
    sub = parser.add_subparsers(dest="ci_command", metavar="STEP", required=True)
    for add in (
        _add_gate,
        _add_coverage,
        _add_security,
        _add_report,
        _add_merge,
        _add_small,
        _add_pytest,
        _add_docs,
    ):
        add(sub)


def _targets(args: argparse.Namespace) -> publish.Targets:
    """Where the publishing options say the views go."""
    return publish.Targets(args.json, args.sarif, args.max_annotations, args.title)


def build(options: argparse.Namespace) -> Report:
    """Build and emit the report of the reporting subcommand ``options.command``.

    The options are the subcommand's own (``commands.options`` or
    ``commands.parse``); a GateError while building becomes a report of exit
    2 carrying the error.
    """
    name = options.command
    reporting = commands.reporting(name)
    try:
        report = reporting.report(options)
    except GateError as exc:
        say(f"quality-gates {name}: error: {exc}", flush=True)
        return Report(command=name, errors=[str(exc)], exit_code=ERROR)
    view = reporting.TEXT_VIEW or subcommand.log_text
    report_formats.emit(report, options.format, options.output, text_view=view)
    return report


def _publish_report(options: argparse.Namespace, args: argparse.Namespace) -> int:
    """Build the report of a subcommand run with ``options`` and publish every view."""
    return publish.publish(build(options), _targets(args))


def do_gate(args: argparse.Namespace) -> int:
    """Run the gate for the quality-gate action."""
    root = files_mod.project_root()
    options = action_options.GateOptions(
        args.mode,
        args.base,
        args.tools,
        args.baseline,
        args.fail_under,
        args.shard_index,
        args.shard_count,
    )
    mode = action_options.resolve_mode(
        options.mode, os.environ.get("GITHUB_EVENT_NAME", "")
    )
    base = action_options.base_commit(root, options, mode=mode)
    terminal.say(
        f"quality-gates ci gate: mode {mode}" + (f", base {base}" if base else ""),
        flush=True,
    )
    given = action_options.run_options(root, options, mode=mode, base=base)
    if given is None:
        empty = Report(
            command="run",
            notes=[
                f"shard {options.shard_index + 1} of {options.shard_count} has no files"
            ],
        )
        return publish.publish(empty, _targets(args))
    return _publish_report(commands.options("run", **given), args)


def do_coverage(args: argparse.Namespace) -> int:
    """Combine the matrix's coverage data and gate it."""
    root = files_mod.project_root()
    base = action_options.coverage_base(
        root, args.diff_base, event_name=os.environ.get("GITHUB_EVENT_NAME", "")
    )
    anchored = action_options.anchor_coverage(root)
    if not anchored:
        missing = Report(
            command="coverage",
            errors=[
                f"no coverage data from the matrix: no .coverage.* file in {root} after"
                " downloading the artifacts that match artifact-pattern; every cell"
                " that runs uploads one, so the cells were skipped or uploaded none"
            ],
            exit_code=ERROR,
        )
        return publish.publish(missing, _targets(args))
    terminal.say(
        f"quality-gates ci coverage: {len(anchored)} coverage data file(s): "
        + " ".join(anchored)
    )
    given = action_options.coverage_options(
        fail_under=args.fail_under,
        changed_fail_under=args.changed_fail_under,
        base=base,
    )
    return _publish_report(commands.options("coverage", **given), args)


def do_security(args: argparse.Namespace) -> int:
    """Run the security gate for the security-scan action."""
    given = action_options.security_options(
        requirements=args.requirements,
        vuln_db=args.vuln_db,
        osv_url=args.osv_url,
        severity=args.severity_threshold,
        confidence=args.confidence_threshold,
        scan=args.scan,
    )
    return _publish_report(commands.options("security", **given), args)


def do_report(args: argparse.Namespace) -> int:
    """Run any reporting subcommand and publish its report."""
    argv = args.argv[1:] if args.argv[:1] == ["--"] else list(args.argv)
    if not argv:
        raise GateError("name the subcommand to run after --, e.g. -- security")
    if argv[0] == NAME:
        raise GateError("ci report cannot run ci itself")
    commands.reporting(argv[0])  # one that makes no report: before its parser
    return _publish_report(commands.parse(argv[0], argv[1:]), args)


def do_merge(args: argparse.Namespace) -> int:
    """Merge the shards' JSON reports and publish the result."""
    fail_under = merge.fail_under_input(args.fail_under)
    found = merge.report_files(Path(args.dir))
    parts = [merge.read_report(p) for p in found]
    report = merge.merge(parts, expected=args.expected)
    merge.judge(report, parts, fail_under=fail_under)
    report.notes.append(f"merged {len(found)} shard report(s)")
    print(text.verdict(report), end="", flush=True)
    return publish.publish(report, _targets(args))


def do_fetch_base(args: argparse.Namespace) -> int:
    """Fetch the base commit of a shallow clone, or fail."""
    root = files_mod.project_root()
    base = fetch_base.ensure_base(
        root, fetch_base.from_environment(args.base), remote=args.remote
    )
    terminal.say(f"quality-gates ci fetch-base: base {base} is present")
    outputs.write_outputs({"base": base})
    return PASSED


def do_needs(args: argparse.Namespace) -> int:
    """Fail unless every needed job succeeded."""
    given = (
        args.needs_json
        if args.needs_json is not None
        else os.environ.get("QG_NEEDS_JSON", "")
    )
    allowed = {name.strip() for name in args.allow_skipped.split(",") if name.strip()}
    results = needs.parse(given)
    found = needs.problems(results, allow_skipped=allowed)
    for problem in found:
        print(command("error", problem, {"title": "needed jobs"}))
    lines = [
        f"| {markdown.text(job)} | {markdown.text(result)} |"
        for job, result in sorted(results.items())
    ]
    verdict = "failed" if found else "passed"
    outputs.write_summary(
        "\n".join(
            [f"## needed jobs: {verdict}", "", "| job | result |", "|---|---|", *lines]
        )
    )
    outputs.write_outputs(
        {
            "failed-jobs": ",".join(
                sorted(j for j, r in results.items() if r != "success")
            )
        }
    )
    return FAILED if found else PASSED


def do_pytest(args: argparse.Namespace) -> int:
    """Run one matrix cell's tests under pytest-cov."""
    name = pytest_cell.cell_name(
        explicit=args.cell,
        python_version=args.python_version,
        marker=args.marker,
        index=args.shard_index,
        count=args.shard_count,
        paths=args.paths,
    )
    cell = pytest_cell.Cell(
        python=args.python,
        paths=args.paths.split(),
        marker=args.marker,
        index=args.shard_index,
        count=args.shard_count,
        durations=Path(args.durations),
        cov=args.cov,
        extra=shlex.split(args.pytest_args),
        name=name,
    )
    root = Path.cwd()
    workdir = Path(os.environ.get("RUNNER_TEMP") or root)
    code, data_file, how = pytest_cell.run(cell, root=root, workdir=workdir)
    outputs.write_outputs(
        {"cell": name, "coverage-file": data_file, "split": how, "exit-code": code}
    )
    word = "passed" if code == 0 else f"failed (pytest exit {code})"
    outputs.write_summary(
        f"## tests {name}: {word}\n\nshard {cell.index + 1} of {cell.count}, "
        f"split by {how}; coverage data `{data_file}`"
    )
    return PASSED if code == 0 else (FAILED if code == 1 else ERROR)


def do_build_docs(args: argparse.Namespace) -> int:
    """Build the docs site, with the URL it is served from."""
    root = Path.cwd()
    base_url = args.base_url or pages.project_url(
        os.environ.get("GITHUB_REPOSITORY", ""),
        os.environ.get("GITHUB_SERVER_URL", "https://github.com"),
    )
    # the build sees the URL it is served from, e.g. mkdocs.yml's
    # `site_url: !ENV [QG_BASE_URL, ...]`, so its links stay under that path
    os.environ["QG_BASE_URL"] = base_url
    site = docs_build.build(
        root,
        python=args.python,
        site_dir=args.site_dir,
        build_command=args.build_command,
        install=args.install_command,
    )
    outputs.write_outputs(
        {
            "site-dir": site.relative_to(root).as_posix(),
            "base-url": base_url,
            "title": pages.expected_title(site),
        }
    )
    return PASSED


def do_check_url(args: argparse.Namespace) -> int:
    """Request the deployed URL until it answers 200 with the page."""
    expected = args.expected or (
        pages.expected_title(Path(args.site_dir)) if args.site_dir else ""
    )
    pages.check_url(
        args.url, expected=expected, attempts=args.attempts, delay=args.delay
    )
    outputs.write_summary(
        f"## deployed site: live\n\n{args.url} answered 200 with the expected page."
    )
    return PASSED


STEPS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gate": do_gate,
    "coverage": do_coverage,
    "security": do_security,
    "report": do_report,
    "merge": do_merge,
    "fetch-base": do_fetch_base,
    "needs": do_needs,
    "pytest": do_pytest,
    "build-docs": do_build_docs,
    "check-url": do_check_url,
}


def main(args: argparse.Namespace) -> int:
    """Run the chosen step; a GateError is also an annotation."""
    try:
        return STEPS[args.ci_command](args)
    except GateError as exc:
        title = f"quality-gates ci {args.ci_command}"
        print(command("error", str(exc), {"title": title}), flush=True)
        raise
