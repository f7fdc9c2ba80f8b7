"""``quality-gates docs-check``: a built docs site that would deploy to 404s."""

from __future__ import annotations

import argparse
import datetime
import os
from pathlib import Path
from typing import Any

from quality_gates import __version__
from quality_gates import config as config_mod
from quality_gates import files as files_mod
from quality_gates import report_formats, sources
from quality_gates.errors import FAILED, PASSED, GateError
from quality_gates.findings import Finding
from quality_gates.guards.base import rule_infos
from quality_gates.guards.docs import declared_url
from quality_gates.guards.docs import ignores as docs_ignores
from quality_gates.guards.docs import site as docs
from quality_gates.guards.docs.rules import RULES
from quality_gates.report import Report, ToolRun

NAME = "docs-check"
HELP = "check a built docs site: index.html, .nojekyll, links, anchors, base URL"
DESCRIPTION = """\
Check the built site in SITE_DIR as GitHub Pages will serve it: index.html at
the root; .nojekyll when names start with '_' and the site is deployed from a
branch; every internal link, asset and #anchor resolves; no URL leaves the base
path of a project site (https://OWNER.github.io/REPO/, where /assets/x.css is a
404); mkdocs site_url or Sphinx html_baseurl agrees with --base-url.

Defaults come from [tool.quality-gates.docs] (site-dir, base-url, deploy-from,
config).  Without a base URL, the one mkdocs.yml or conf.py declares is used.

exit codes: 0 passed, 1 findings, 2 no site, bad options or unreadable config"""
TEXT_VIEW = None

SETTINGS = ("site-dir", "base-url", "deploy-from", "config")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add SITE_DIR, the site options and the report options."""
    parser.add_argument(
        "site_dir", nargs="?", metavar="SITE_DIR", help="the built site"
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="where it deploys, e.g. https://OWNER.github.io/REPO/",
    )
    parser.add_argument(
        "--deploy-from",
        choices=docs.DEPLOY_MODES,
        help="GitHub Pages source: a branch (Jekyll runs) or actions (default branch)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="mkdocs.yml or conf.py (default: found near the site)",
    )
    report_formats.add_options(parser)


def settings(section: dict[str, Any]) -> dict[str, str]:
    """Validate ``[tool.quality-gates.docs]``: every key is a string.

    ``ignore`` (the array of tables of known findings) is read by ``_ignored``.
    """
    section = {k: v for k, v in section.items() if k != "ignore"}
    for key, value in section.items():
        if key not in SETTINGS:
            raise GateError(f"[tool.quality-gates.docs] unknown key {key!r}")
        if not isinstance(value, str) or not value:
            raise GateError(
                f"[tool.quality-gates.docs] {key}: expected a string, got {value!r}"
            )
    if section.get("deploy-from", "branch") not in docs.DEPLOY_MODES:
        raise GateError(
            "[tool.quality-gates.docs] deploy-from: choose branch or actions"
        )
    return dict(section)


def _path(option: str | None, configured: str | None, root: Path) -> Path | None:
    if option:
        return Path(os.path.abspath(option))
    return root / configured if configured else None


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def check_declared(
    declared: declared_url.Declared, base_url: str | None, root: Path, report: Report
) -> str | None:
    """Compare the declared URL with --base-url; returns the base URL to use."""
    shown = _display(declared.path, root)
    if declared.note:
        report.notes.append(f"{shown}: {declared.note}; cannot compare it")
    if base_url is None:
        if declared.value:
            report.notes.append(
                f"base URL {declared.value} from {declared.key} in {shown}"
            )
        return declared.value
    if declared.value is None:
        if not declared.note:
            report.notes.append(f"{shown} sets no {declared.key}")
    elif declared_url.normalise(declared.value) != declared_url.normalise(base_url):
        report.findings.append(
            Finding(
                docs.TOOL,
                "base-url-mismatch",
                "error",
                shown,
                declared.line,
                0,
                f"{declared.key} {declared.value} does not match the base URL "
                f"{base_url}: canonical links, the sitemap and the 404 page would "
                f"point elsewhere; set {declared.key} to {base_url}",
            )
        )
    return base_url


def report(args: argparse.Namespace) -> Report:
    """Resolve the site, its base URL and config, and check it."""
    root = files_mod.project_root()
    table = settings(config_mod.load(root).section("docs"))
    site_dir = _path(args.site_dir, table.get("site-dir"), root)
    if site_dir is None:
        raise GateError(
            "no site: name SITE_DIR or set site-dir in [tool.quality-gates.docs]"
        )
    built = Report(command=NAME, rules={docs.TOOL: rule_infos(RULES)})
    base_url = _base_url(args, table, site_dir, root, built)
    deploy_from = args.deploy_from or table.get("deploy-from", "branch")
    shown = _display(site_dir, root)
    prefix = "" if shown == "." else shown.rstrip("/") + "/"
    site, found = docs.check_site(
        site_dir, base_url=base_url, deploy_from=deploy_from, prefix=prefix
    )
    built.findings += _ignored(root, prefix, found, built)
    built.tools[docs.TOOL] = ToolRun(docs.TOOL, __version__, files=len(site.pages))
    built.summary.files = len(site.files)
    built.summary.details.update(
        site=shown, pages=len(site.pages), base_url=base_url, deploy_from=deploy_from
    )
    if base_url is None:
        built.notes.append(
            "no base URL: root-absolute links were checked as for a site served at /; "
            "give --base-url https://OWNER.github.io/REPO/ for a project site"
        )
    built.findings = sources.fingerprint_files(root, built.findings)
    built.exit_code = FAILED if built.findings else PASSED
    return built


def _ignored(
    root: Path, prefix: str, found: list[Finding], built: Report
) -> list[Finding]:
    """Apply ``[[tool.quality-gates.docs.ignore]]``; expired entries fail."""
    cfg = config_mod.load(root)
    raw = cfg.section("docs").get("ignore")
    if raw is None:
        return found
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(errors="replace") if pyproject.is_file() else ""
    entries = docs_ignores.parse(raw, text)
    applied = docs_ignores.apply(
        entries, found, prefix=prefix, today=datetime.date.today()
    )
    built.notes += applied.unused
    built.summary.details["ignored"] = applied.hidden
    if applied.hidden:
        built.notes.append(
            f"{len(applied.hidden)} finding(s) ignored by"
            " [[tool.quality-gates.docs.ignore]] (listed in the JSON report)"
        )
    return applied.kept + applied.expired


def _base_url(
    args: argparse.Namespace,
    table: dict[str, str],
    site_dir: Path,
    root: Path,
    built: Report,
) -> str | None:
    """Return the base URL given, checked against the site generator's config."""
    base_url = args.base_url or table.get("base-url")
    config = _path(args.config, table.get("config"), root) or declared_url.find_config(
        site_dir, root
    )
    if config is None:
        return base_url
    if not config.is_file():
        raise GateError(f"--config {config}: no such file")
    return check_declared(declared_url.declared(config), base_url, root, built)


def main(args: argparse.Namespace) -> int:
    """Check the site, emit the report and return the exit code."""
    return report_formats.emit_verdict(report(args), args)
