"""The dashboard: history over real commits, one offline HTML file, opened in headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, InProcess, Project, cli, in_ci
from quality_gates.report_formats.dashboard import trend_svg

CONFIG = '[tool.quality-gates]\ntools = ["flake8", "bandit"]\n'
# Collects errors, CSP violations and console.error calls; written into the DOM
# on load, where --dump-dom can read them (no remote debugging needed).  Put
# before the page's own Content-Security-Policy so that it may run.
COLLECTOR = """<script>
window.__qg=[];
window.addEventListener('error',function(e){__qg.push('error: '+(e.message||(e.target&&e.target.outerHTML)))},true);
document.addEventListener('securitypolicyviolation',function(e){__qg.push('csp: '+e.violatedDirective+' '+e.blockedURI)});
var qgError=console.error;console.error=function(){__qg.push('console: '+[].join.call(arguments,' '));qgError.apply(console,arguments)};
window.addEventListener('load',function(){var d=document.documentElement;
d.setAttribute('data-qg-errors',JSON.stringify(__qg));
d.setAttribute('data-qg-svg',String(document.querySelectorAll('#trend svg path').length));
d.setAttribute('data-qg-width',String(document.querySelector('#trend svg').getBoundingClientRect().width));});
</script>"""


# Debian's and Ubuntu's Chromium, then Google Chrome (GitHub's ubuntu runners have it)
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> tuple[str | None, str]:
    """Return the first Chromium on PATH that runs, else None and why not."""
    tried = []
    for name in BROWSERS:
        path = shutil.which(name)
        if path is None:
            continue
        try:
            proc = subprocess.run(
                [path, "--version"], capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            tried.append(f"{path}: {exc}")
            continue
        if proc.returncode == 0:
            return path, ""
        last = (proc.stderr or proc.stdout).strip().splitlines()[-1:]
        tried.append(f"{path} --version exited {proc.returncode} {last}")
    return None, "; ".join(tried) or "none of " + ", ".join(BROWSERS) + " on PATH"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium for the browser tests: skipped on a laptop without it, failed in CI."""
    path, why = find_browser()
    if path is not None:
        return path
    message = f"no Chromium that runs ({why}); apt-get install -y chromium"
    if in_ci(os.environ):
        pytest.fail(
            f"{message} (.ci/run does): CI is set, so the browser test must run"
        )
    pytest.skip(f"{message} to run it; outside CI (CI unset) it is skipped")


def browse(
    chromium: str, page: Path, profile: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    """Open ``page`` in headless Chromium, offline, with a throw-away profile."""
    return subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            "--window-size=1280,1400",
            *extra,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def errors_in(dom: str) -> list[str]:
    match = re.search(r'data-qg-errors="([^"]*)"', dom)
    assert match, "the collector did not run: " + dom[:300]
    raw = (
        match.group(1)
        .replace("&quot;", '"')
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )
    return list(json.loads(raw))


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def dashboard(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str], Project]:
    root = tmp_path_factory.mktemp("dash") / "project"
    root.mkdir()
    project = Project(root)
    project.write("pyproject.toml", CONFIG)
    project.write("app/__init__.py", '"""App."""\n')
    project.write(
        "app/core.py",
        '"""Core."""\n\nimport os\n\n\ndef f(a):\n    """F."""\n    return a\n',
    )
    project.commit("first")
    project.write(
        "pyproject.toml", CONFIG + "line-length = [\n"
    )  # a commit with broken config
    project.commit("broken config")
    project.write("pyproject.toml", CONFIG)
    project.write(
        "app/more.py",
        '"""More."""\nimport subprocess\nsubprocess.call("ls", shell=True)\nx=1\n',
    )
    project.commit("more debt")
    out = root / "out" / "report.html"
    proc = cli(root, "dashboard", "--output", str(out), "--commits", "5")
    return out, proc, project


def test_dashboard_scores_each_commit_and_cleans_up(
    dashboard: tuple[Path, subprocess.CompletedProcess[str], Project],
) -> None:
    out, proc, project = dashboard
    assert proc.returncode == 0, proc.stderr
    for progress in (
        "checking the working tree",
        "[1/3]",
        "[2/3]",
        "[3/3]",
        "written to",
    ):
        assert progress in proc.stderr
    assert "no score: pyproject.toml: invalid TOML" in proc.stderr
    assert len(project.git("worktree", "list").splitlines()) == 1
    assert project.git("status", "--porcelain") == "?? out/\n"
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 1
    assert "Content-Security-Policy" in page
    assert not re.search(
        r'(src|href)="(https?:)?//', page
    ), "the page must not load anything"
    for text in (
        "Findings by tool",
        "Rules that cost most",
        "bandit",
        "B602",
        "first",
        "more debt",
    ):
        assert text in page


def test_dashboard_in_headless_chromium(
    chromium: str,
    dashboard: tuple[Path, subprocess.CompletedProcess[str], Project],
    tmp_path: Path,
) -> None:
    out, proc, _ = dashboard
    assert proc.returncode == 0, proc.stderr
    probe = tmp_path / "probe.html"
    probe.write_text(
        out.read_text().replace(
            '<meta charset="utf-8">', '<meta charset="utf-8">' + COLLECTOR, 1
        )
    )
    shown = browse(chromium, probe, tmp_path / "profile", "--dump-dom")
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert errors_in(shown.stdout) == []
    assert console_lines(shown.stderr) == []
    assert int(re.search(r'data-qg-svg="(\d+)"', shown.stdout).group(1)) > 10  # type: ignore[union-attr]
    assert float(re.search(r'data-qg-width="([\d.]+)"', shown.stdout).group(1)) > 500  # type: ignore[union-attr]
    shot = tmp_path / "dashboard.png"
    taken = browse(
        chromium, out, tmp_path / "profile", "--hide-scrollbars", f"--screenshot={shot}"
    )
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert (
        shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    )


def test_the_error_collector_really_catches_errors(
    chromium: str,
    dashboard: tuple[Path, subprocess.CompletedProcess[str], Project],
    tmp_path: Path,
) -> None:
    """The control: a page that breaks the rules is caught, so an empty list means something."""
    out, _, _ = dashboard
    probe = tmp_path / "bad.html"
    page = out.read_text().replace(
        '<meta charset="utf-8">', '<meta charset="utf-8">' + COLLECTOR, 1
    )
    probe.write_text(
        page.replace(
            "</body>",
            '<img src="https://example.invalid/x.png"><script>nope()</script></body>',
        )
    )
    shown = browse(chromium, probe, tmp_path / "profile", "--dump-dom")
    assert any(e.startswith("csp: img-src") for e in errors_in(shown.stdout))
    assert any(
        "Content Security Policy" in line for line in console_lines(shown.stderr)
    )


def test_trend_chart_with_no_scored_commit_is_still_a_chart() -> None:
    svg = trend_svg(
        [{"commit": "abc1234", "score": None, "debt_minutes": None, "error": "boom"}]
    )
    assert svg.startswith("<svg") and "</svg>" in svg


def test_bad_options_are_exit_2(project: Project, qg: InProcess) -> None:
    project.write("pyproject.toml", CONFIG)
    project.write("a.py", '"""A."""\n')
    project.commit()
    proc = qg(project.root, "dashboard", "--commits", "-1")
    assert proc.returncode == 2 and "--commits must be 0 or more" in proc.stderr


def test_no_commits_is_exit_2(project: Project, qg: InProcess) -> None:
    project.write("pyproject.toml", CONFIG)
    project.write("a.py", '"""A."""\n')
    proc = qg(project.root, "dashboard", "--output", "d.html")
    assert proc.returncode == 2
    assert not (project.root / "d.html").exists()


def test_history_of_a_project_in_a_subfolder(project: Project) -> None:
    from quality_gates import history, session

    project.write("README.md", "monorepo\n")
    project.commit("before the project existed")
    project.write("proj/pyproject.toml", CONFIG)
    project.write("proj/a.py", '"""A."""\nimport os\n')
    project.commit("add proj")
    project.write("elsewhere/b.py", "import sys\n")
    project.commit("touch only elsewhere")
    project.write("proj/a.py", '"""A."""\n')
    project.commit("fix proj")
    said: list[str] = []
    with session.open_session(session.Limits(use_cache=False)) as checking:
        points = history.history(
            project.root / "proj", 10, checking, progress=said.append
        )
    assert [p.subject for p in points] == [
        "before the project existed",
        "add proj",
        "touch only elsewhere",
        "fix proj",
    ]
    assert points[0].error == "proj does not exist in this commit"
    assert points[1].findings == points[2].findings == 1  # elsewhere/b.py is not proj's
    assert points[2].score == points[1].score
    assert points[3].findings == 0 and points[3].score == 100.0
    assert len(said) == 5 and said[0].startswith("[1/4] ")
    assert len(project.git("worktree", "list").splitlines()) == 1


@pytest.mark.parametrize(
    ("ci", "code", "says"),
    [
        pytest.param("true", 1, "CI is set, so the browser test must run", id="CI"),
        pytest.param("", 0, "outside CI (CI unset) it is skipped", id="laptop"),
    ],
)
def test_without_a_browser_ci_fails_and_a_laptop_skips(
    tmp_path: Path, ci: str, code: int, says: str
) -> None:
    """The browser test in a real pytest run, where the only chromium cannot run."""
    shim = tmp_path / "bin" / "chromium"
    shim.parent.mkdir()
    shim.write_text("#!/bin/sh\necho 'chromium: not installed' >&2\nexit 127\n")
    shim.chmod(0o755)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "COV_CORE_"))
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
        ]
        + [f"{Path(__file__).name}::test_dashboard_in_headless_chromium", "-ra"]
        # its own temporary folder: no pruning of the shared pytest-of-USER
        + ["--basetemp", str(tmp_path / "inner")],
        cwd=REPO / "tests",
        env={**env, "PATH": str(shim.parent), "CI": ci},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert says in proc.stdout
    assert f"{shim} --version exited 127 ['chromium: not installed']" in proc.stdout


def test_a_worktree_left_by_a_killed_run_is_removed_by_the_next(
    project: Project, tmp_path: Path
) -> None:
    """The killed run is a real process that exited; bench/faults.py sends the kill -9."""
    import os
    import sys

    from quality_gates import history

    project.write("a.py", '"""Doc."""\n')
    project.commit()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f"{history.PREFIX}{int(gone.stdout)}-abcd"
    live = tmp_path / f"{history.PREFIX}{os.getpid()}-efgh"
    for folder in (stale, live):
        folder.mkdir()
        project.git("worktree", "add", "--detach", "--quiet", str(folder / "tree"))
    history.prune_stale(project.root)
    assert not stale.exists()
    listed = project.git("worktree", "list", "--porcelain")
    trees = [ln[9:] for ln in listed.splitlines() if ln.startswith("worktree ")]
    assert trees == [str(project.root), str(live / "tree")]
