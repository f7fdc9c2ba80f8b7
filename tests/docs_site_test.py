"""This repository's docs site, built by real mkdocs and checked by docs-check.

A short README, every page in the nav, and the configuration reference in step
with the code.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from mkdocs.config import load_config
from quality_gates import config as config_mod
from quality_gates.commands import docs_check
from quality_gates.errors import GateError
from quality_gates.guards.coverage import data as coverage
from quality_gates.guards.import_time import measure as import_time
from quality_gates.guards.protect import settings as protect_settings
from quality_gates.security import ignores
from quality_gates.security import settings as security_settings

DOCS = REPO / "docs"
BASE_URL = "https://owner.github.io/quality-gates/"
# bytes: what the suite is, the Quick start, init, the tables, links
README_LIMIT = 15_000
PAGES = sorted(
    p.relative_to(DOCS).as_posix()
    for p in DOCS.rglob("*.md")
    if not p.relative_to(DOCS).as_posix().startswith("hooks/")
)


def nav_pages(nav: list[Any]) -> list[str]:
    out: list[str] = []
    for entry in nav:
        for value in entry.values() if isinstance(entry, dict) else [entry]:
            out += nav_pages(value) if isinstance(value, list) else [value]
    return out


def mkdocs(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """Run a real ``mkdocs build --strict`` of ROOT's mkdocs.yml into SITE."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "QG_BASE_URL": BASE_URL},
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    build = mkdocs(REPO, out)
    assert build.returncode == 0, build.stderr
    return out


def test_the_site_builds_strict_and_passes_the_suites_docs_check(site: Path) -> None:
    check = subprocess.run(
        [sys.executable, "-m", "quality_gates", "docs-check", str(site)]
        + ["--base-url", BASE_URL, "--deploy-from", "actions"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "hooks")},
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "docs-check: passed" in check.stdout + check.stderr


def test_every_page_is_in_the_nav_and_built(site: Path) -> None:
    nav = nav_pages(load_config(str(REPO / "mkdocs.yml"))["nav"])
    assert sorted(nav) == PAGES, "every page in the nav once, and no other"
    assert len(PAGES) >= 22
    for page in PAGES:
        built = site / re.sub(r"(index)?\.md$", "", page) / "index.html"
        assert built.is_file(), page
    assert not (site / "hooks").exists(), "the build's own code is not published"


def test_the_benchmarks_page_shows_the_committed_benchmarks(site: Path) -> None:
    html = (site / "benchmarks" / "index.html").read_text()
    for heading in re.findall(r"^## (.+)$", (REPO / "BENCHMARKS.md").read_text(), re.M):
        assert f">{heading.split(':')[0]}" in html, heading
    assert (site / "img" / "benchmarks.png").read_bytes() == (
        REPO / "bench" / "results.png"
    ).read_bytes()
    assert "<!-- BENCHMARKS.md -->" not in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"\xff\xfe# Bench\n", "cannot include it", id="not-utf8"),
        pytest.param(b"", "expected a '# ' title", id="empty"),
        pytest.param(b"| truncated", "expected a '# ' title", id="no-title"),
    ],
)
def test_a_broken_benchmarks_file_fails_the_build(
    tmp_path: Path, content: bytes, message: str
) -> None:
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    (tmp_path / "bench").mkdir()
    shutil.copy(REPO / "bench" / "results.png", tmp_path / "bench")
    (tmp_path / "BENCHMARKS.md").write_bytes(content)
    build = mkdocs(tmp_path, tmp_path / "site")
    assert build.returncode != 0
    assert message in build.stderr
    (tmp_path / "BENCHMARKS.md").write_text("# B\n\n## Machine\n\nfine\n")
    (tmp_path / "bench" / "results.png").unlink()
    build = mkdocs(tmp_path, tmp_path / "site")
    assert build.returncode != 0
    assert "results.png: missing" in build.stderr


def test_the_readme_is_short_and_its_links_resolve() -> None:
    readme = (REPO / "README.md").read_text()
    assert len(readme.encode()) <= README_LIMIT
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    local = [link for link in links if "://" not in link]
    assert len(local) > 20
    missing = [link for link in local if not (REPO / link).exists()]
    assert not missing
    linked_pages = {link.removeprefix("docs/") for link in local}
    assert set(PAGES) - {"quickstart.md", "index.md"} <= linked_pages


def reference(section: str) -> set[str]:
    """Return the keys the configuration reference documents under SECTION."""
    page = (DOCS / "configuration.md").read_text()
    start = page.index(f"### `{section}`\n")
    end = page.find("\n### ", start + 1)
    table = page[start : end if end > 0 else None]
    return set(re.findall(r"^\| `([^`]+)` \|", table, re.M))


def test_the_configuration_reference_documents_every_top_level_key() -> None:
    fields = {f.name for f in dataclasses.fields(config_mod.Config)}
    keys = {f.replace("_", "-") for f in fields - {"root", "raw", "pyproject"}}
    keys -= {"baseline-required"}  # set by `baseline`, not a key of its own
    assert reference("[tool.quality-gates]") == keys
    page = (DOCS / "configuration.md").read_text()
    for table in config_mod.SECTIONS:
        assert f"### `[tool.quality-gates.{table}]`" in page, table
    for array in config_mod.ARRAYS_OF_TABLES:
        assert f"### `[[tool.quality-gates.{array}]]`" in page, array


def test_the_documented_top_level_keys_are_accepted(tmp_path: Path) -> None:
    values = {
        "line-length": "100",
        "docstring-convention": '"numpy"',
        "tools": '["flake8"]',
        "exclude": '["build/*"]',
        "test-files": '["tests", "*_check.py"]',
        "jobs": "2",
        "python-executable": '".venv/bin/python"',
        "fail-on": '"error"',
        "baseline": '"b.json"',
        "fail-under": "60",
        "max-debt": "480",
        "cost-per-line": "15",
        "max-file-kb": "2048",
        "tool-timeout": "60",
    }
    assert set(values) == reference("[tool.quality-gates]")
    body = "".join(f"{k} = {v}\n" for k, v in values.items())
    (tmp_path / "pyproject.toml").write_text(f"[tool.quality-gates]\n{body}")
    loaded = config_mod.load(tmp_path)
    assert (loaded.line_length, loaded.fail_on, loaded.max_debt) == (100, "error", 480)
    assert (loaded.max_file_kb, loaded.tool_timeout) == (2048, 60)


@pytest.mark.parametrize(
    ("section", "known"),
    [
        ("[tool.quality-gates.security]", set(security_settings.KEYS)),
        ("[[tool.quality-gates.ignore]]", set(ignores.KEYS)),
        ("[tool.quality-gates.coverage]", set(coverage.SETTINGS)),
        ("[tool.quality-gates.docs]", set(docs_check.SETTINGS)),
    ],
)
def test_the_configuration_reference_documents_every_sub_table_key(
    section: str, known: set[str]
) -> None:
    assert reference(section) == known


def test_the_protect_and_import_time_references_match_the_code() -> None:
    assert reference("[tool.quality-gates.protect]") == set(protect_settings.OPTIONS)
    documented = reference("[tool.quality-gates.import-time]")
    sample = {"package": "pkg", "budget": 0.3, "runs": 5}
    assert documented == set(sample)
    assert import_time.settings(sample) == sample
    with pytest.raises(GateError, match="unknown key 'undocumented'"):
        import_time.settings({"undocumented": 1})
