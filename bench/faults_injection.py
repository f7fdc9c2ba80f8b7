"""The fault battery, injection: a repository's text reaching its readers (#22).

A finding message (bandit quotes string literals), a file name, an advisory, a
config value or a base ref is written by whoever wrote the repository.  Each
scenario puts one such text in front of one reader and checks what the reader
gets: a terminal (control characters shown, never obeyed), the GitHub Actions
runner reading the log (no line it obeys as a workflow command), a job summary
rendered as GitHub-flavoured Markdown (no HTML, no image, no link), SARIF
consumers (a URI that names the file) and git (never an option).
"""

from __future__ import annotations

import json
import re
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.fault_model import GOOD, RECORD, Case, Result, Run, Space, commit, gate, git

F401 = '"""Doc."""\n\nimport os\n'
# C0 (but for line feeds and tabs, which the checks below see as lines) and C1
# controls, DEL, bidirectional controls, line and paragraph separators
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)


# -- what the readers get -------------------------------------------------------


def raw_controls(results: Sequence[Result]) -> list[str]:
    """Name each output that hands a terminal a raw control character."""
    problems = []
    for index, res in enumerate(results, 1):
        for stream, text in (("stdout", res.stdout), ("stderr", res.stderr)):
            found = RAW_CONTROL.search(text)
            if found:
                problems.append(
                    f"injected: run {index} writes a raw {found.group()!r} to {stream}"
                )
    return problems


def obeyed_lines(text: str) -> list[str]:
    """Return the lines of ``text`` the Actions runner obeys as workflow commands.

    It splits at LF and CR, takes ``::`` after leading white space and, in the
    legacy form, ``##[`` anywhere (actions/runner ``ActionCommand``).
    """
    return [
        ln
        for ln in re.split(r"\r\n|\r|\n", text)
        if ln.lstrip().startswith("::") or "##[" in ln
    ]


def commands(results: Sequence[Result]) -> list[str]:
    """Name each output line the runner would obey (the suite wrote none)."""
    problems = []
    for index, res in enumerate(results, 1):
        for stream, text in (("stdout", res.stdout), ("stderr", res.stderr)):
            obeyed = obeyed_lines(text)
            if obeyed:
                problems.append(
                    f"injected: run {index} {stream} has a line the runner obeys: "
                    f"{obeyed[0][:100]!r}"
                )
    return problems


def terminal_and_log(results: Sequence[Result]) -> list[str]:
    """Both checks of what a terminal in CI (the Actions log) gets."""
    return raw_controls(results) + commands(results)


def rendered(markdown: str) -> str:
    """Render Markdown as GitHub does for a job summary: tables, raw HTML on."""
    from markdown_it import MarkdownIt  # bandit's dependency (rich)

    parser = MarkdownIt("commonmark", {"html": True})
    return parser.enable("table").enable("strikethrough").render(markdown)


def summary_markup(path: Path) -> list[str]:
    """Name each element a repository's text added to a job summary."""
    if not path.is_file():
        return [f"unclear: no Markdown report at {path.name}"]
    page = rendered(path.read_text(encoding="utf-8"))
    problems = []
    for tag in ("img", "a", "script", "iframe"):
        if re.search(rf"<{tag}[\s>]", page):
            problems.append(f"injected: the job summary renders an <{tag}> element")
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    if len(headings) != 1:
        problems.append(f"injected: the job summary renders headings {headings}")
    return problems


# -- terminal -----------------------------------------------------------------------


def literal(name: str, value: str) -> str:
    """Write a module whose string literal bandit quotes (B105, a password)."""
    return f'"""Doc."""\n\n{name} = {value!r}\n'


def quoting(
    space: Space, value: str, *options: str, says: Sequence[str] = ()
) -> tuple[Path, Run]:
    """Make a project whose bandit finding quotes ``value``; gate it (``options``)."""
    root = space.project({"bad.py": literal("password", value)})
    argv = ("run", "--tools", "bandit", *options, "bad.py")
    return root, gate(*argv, expect=1, says=says)


def bandit_literal(value: str, *says: str) -> Callable[[Space], Case]:
    """Bandit quotes ``value`` in a finding; the terminal and log must stay safe."""

    def build(space: Space) -> Case:
        root, run = quoting(space, value, says=["B105", *says])
        return Case(root, [run], inspect=terminal_and_log)

    return build


def named_file(name: str, *says: str) -> Callable[[Space], Case]:
    """Build a file named ``name`` with an unused import: the finding names it."""

    def build(space: Space) -> Case:
        root = space.project({name: F401, "good.py": GOOD})
        commit(root)
        run = gate(
            "run", "--tools", "flake8", "--all-files", expect=1, says=["F401", *says]
        )
        return Case(root, [run], inspect=terminal_and_log)

    return build


def _advisory_project(space: Space, summary: str) -> Path:
    root = space.project(
        {"good.py": GOOD, "requirements.txt": "example-package==1.0\n"}
    )
    db = space.dir / "db"
    db.mkdir()
    record = {**RECORD, "summary": summary}
    (db / "PYSEC-0000-1.json").write_text(json.dumps(record))
    return root


def advisory(summary: str, *says: str, fmt: str = "text") -> Callable[[Space], Case]:
    """Build an OSV advisory whose summary the dependency audit reports."""

    def build(space: Space) -> Case:
        root = _advisory_project(space, summary)
        args = ["security", "--no-code", "--vuln-db", str(space.dir / "db")]
        args += ["-r", "requirements.txt", "--format", fmt]
        if fmt == "markdown":
            args += ["--output", "summary.md"]
            run = gate(*args, expect=1, says=["PYSEC-0000-1"])
            return Case(
                root, [run], inspect=lambda _: summary_markup(root / "summary.md")
            )
        run = gate(*args, expect=1, says=["PYSEC-0000-1", *says])
        return Case(root, [run], inspect=terminal_and_log)

    return build


def dangling_note(target: str) -> Callable[[Space], Case]:
    """Build a tracked symlink to nowhere: the note names its target."""

    def build(space: Space) -> Case:
        root = space.project({"good.py": GOOD})
        (root / "gone.py").symlink_to(target)
        commit(root)
        run = gate(
            "run", "--all-files", "--tools", "flake8", expect=0, says=["gone.py"]
        )
        return Case(root, [run], inspect=terminal_and_log)

    return build


def config_echo(space: Space) -> Case:
    """Echo a config value in an error: the baseline path."""
    pyproject = '[tool.quality-gates]\nbaseline = "x\\n::error title=forged::boom"\n'
    root = space.project({"good.py": GOOD, "pyproject.toml": pyproject})
    run = gate("run", "--tools", "flake8", "good.py", expect=2, says=["baseline"])
    return Case(root, [run], inspect=terminal_and_log)


WORKFLOW = """\
name: ci
on: push
permissions: {}
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - name: "tests \\e]0;pwned\\a\\e[2K ##[error]forged\\n::error title=forged::boom"
        run: pytest || true
"""


def audit_gates_workflow(space: Space) -> Case:
    """Have audit-gates quote a workflow step's name."""
    root = space.project({".github/workflows/ci.yml": WORKFLOW})
    commit(root)
    run = gate("audit-gates", expect=1, says=["QG101"])
    return Case(root, [run], inspect=terminal_and_log)


def json_on_stdout(space: Space) -> Case:
    """Print a JSON report holding ``##[`` on standard output (the Actions log)."""
    value = "x ##[error]forged"
    root, run = quoting(space, value, "--format", "json")

    def inspect(results: list[Result]) -> list[str]:
        problems = commands(results)
        try:
            messages = [f["message"] for f in json.loads(results[0].stdout)["findings"]]
        except (ValueError, KeyError, TypeError) as exc:
            return problems + [f"unclear: the JSON report does not parse: {exc}"]
        if not any(value in m for m in messages):
            problems.append("unclear: the JSON report lost the literal's text")
        return problems

    return Case(root, [run], inspect=inspect)


def github_format(space: Space) -> Case:
    """``--format github``: the suite's own commands, each exactly one."""
    value = "x\n::warning title=forged::boom\r::error::again ##[error]x %0A"
    root, run = quoting(space, value, "--format", "github")

    def inspect(results: list[Result]) -> list[str]:
        obeyed = obeyed_lines(results[0].stdout)
        problems = raw_controls(results)
        if len(obeyed) != 1 or not obeyed[0].startswith("::warning file=bad.py,"):
            problems.append(f"injected: the runner obeys {len(obeyed)} line(s)")
        return problems

    return Case(root, [run], inspect=inspect)


# -- job summary ----------------------------------------------------------------------


def markdown_literal(value: str) -> Callable[[Space], Case]:
    """Put a string literal in the job summary (``--format markdown``)."""

    def build(space: Space) -> Case:
        options = ("--format", "markdown", "--output", "summary.md")
        root, run = quoting(space, value, *options)
        return Case(root, [run], inspect=lambda _: summary_markup(root / "summary.md"))

    return build


def markdown_name(space: Space) -> Case:
    """Put a backtick in a file name, inside the summary's code span."""
    name = "x`<img src=x onerror=alert(1)>`.py"
    root = space.project({name: F401})
    commit(root)
    run = gate(
        "run",
        "--all-files",
        "--tools",
        "flake8",
        "--format",
        "markdown",
        "--output",
        "summary.md",
        expect=1,
    )
    return Case(root, [run], inspect=lambda _: summary_markup(root / "summary.md"))


def markdown_error(space: Space) -> Case:
    """Put a config value in an error line of the summary."""
    pyproject = '[tool.quality-gates]\nbaseline = "<img src=https://e.example/e.png>"\n'
    root = space.project({"good.py": GOOD, "pyproject.toml": pyproject})
    (root / "reports").mkdir()
    argv = ["ci", "report", "--json", "", "--sarif", "", "--"]
    argv += ["run", "--tools", "flake8", "good.py"]
    run = gate(*argv, expect=2)
    summary = root / "reports" / "summary.md"
    space_env = {"GITHUB_STEP_SUMMARY": str(summary)}
    return Case(root, [run], env=space_env, inspect=lambda _: summary_markup(summary))


# -- git ------------------------------------------------------------------------------


def _shallow_clone(space: Space) -> Path:
    """Make a shallow clone (``--depth 1``) of a two-commit origin."""
    origin = space.project({"good.py": GOOD}, name="origin")
    commit(origin, "one")
    (origin / "more.py").write_text(GOOD)
    commit(origin, "two")
    clone = space.dir / "clone"
    subprocess.run(  # nosec B603 B607
        ["git", "clone", "-q", "--depth", "1", origin.as_uri(), str(clone)],
        check=True,
    )
    return clone


def _not_made(path: Path) -> list[str]:
    if path.exists():
        return [f"injected: git ran a command of the repository's: {path.name} made"]
    return []


def git_base_option(space: Space) -> Case:
    """``ci gate --base '--upload-pack=...'``: a base ref git reads as an option."""
    clone = _shallow_clone(space)
    marker = space.dir / "PWNED"
    base = f"--upload-pack=touch {marker}; git-upload-pack"
    run = gate(
        "ci",
        "gate",
        "--mode",
        "changed",
        "--base",
        base,
        "--tools",
        "flake8",
        expect=2,
        says=["--upload-pack"],
    )
    return Case(clone, [run], check=lambda: _not_made(marker))


def git_remote_option(space: Space) -> Case:
    """``ci fetch-base --remote '--upload-pack=...'``."""
    clone = _shallow_clone(space)
    marker = space.dir / "PWNED"
    remote = f"--upload-pack=touch {marker}; git-upload-pack"
    base = git(space.dir / "origin", "rev-parse", "HEAD~1").strip()
    run = gate(
        "ci",
        "fetch-base",
        "--base",
        base,
        "--remote",
        remote,
        expect=2,
        says=["remote"],
    )
    return Case(clone, [run], check=lambda: _not_made(marker))


def git_diff_base_option(space: Space) -> Case:
    """``run --diff-base=--output=PATH``: git would write PATH."""
    root = space.project({"good.py": GOOD})
    commit(root)
    marker = space.dir / "PWNED"
    run = gate(
        "run",
        "--tools",
        "flake8",
        f"--diff-base=--output={marker}",
        expect=2,
        says=["--diff-base"],
    )
    return Case(root, [run], check=lambda: _not_made(marker))


# -- SARIF -------------------------------------------------------------------------

# RFC 3986 relative-path reference: pchar and "/", no scheme-like first segment
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})"
_URI = re.compile(rf"^{_PCHAR}*$")


def sarif_uris(report: Path, names: Sequence[str]) -> list[str]:
    """Name each file name whose SARIF URI names another file."""
    try:
        doc = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"unclear: no SARIF report: {exc}"]
    uris = [
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for run in doc["runs"]
        for result in run["results"]
        for loc in result["locations"]
    ]
    problems = []
    for name in names:
        found = [u for u in uris if urllib.parse.unquote(u, errors="strict") == name]
        valid = [u for u in found if _URI.match(u) and ":" not in u.split("/")[0]]
        if not valid:
            near = [u for u in uris if name[:1] in u[:1]] or uris
            problems.append(
                f"injected: no valid URI names {name!r} (SARIF has {near[:2]})"
            )
    return problems


def sarif_names(*names: str) -> Callable[[Space], Case]:
    """Files whose names are not URIs as they stand, in a SARIF report."""

    def build(space: Space) -> Case:
        root = space.project({name: F401 for name in names})
        commit(root)
        run = gate(
            "run",
            "--all-files",
            "--tools",
            "flake8",
            "--format",
            "sarif",
            "--output",
            "report.sarif",
            expect=1,
        )
        return Case(
            root, [run], inspect=lambda _: sarif_uris(root / "report.sarif", names)
        )

    return build


ESCAPES = "\x1b]0;pwned\x07\x1b[1A\x1b[2K"
Row = tuple[str, str, Callable[[Space], Case]]
ISSUE: list[Row] = [
    (
        "term-escape-message",
        "ESC sequences in a string literal bandit quotes",
        bandit_literal(ESCAPES, "\\x1b]0;pwned\\x07"),
    ),
    (
        "term-escape-file-name",
        "ESC [2K in a file name",
        named_file("e\x1b[2Kvil.py", "e\\x1b[2Kvil.py:3:1: flake8 F401"),
    ),
    (
        "term-escape-osv-summary",
        "ESC sequences in an OSV advisory's summary",
        advisory(ESCAPES + "fixed", "\\x1b]0;pwned"),
    ),
    (
        "actions-message-command",
        "a literal holding \\n::warning ...::",
        bandit_literal("x\n::warning title=forged::boom"),
    ),
    (
        "actions-stop-commands-name",
        "a file named ::stop-commands::x.py",
        named_file("::stop-commands::x.py", "stop-commands::x.py:3:1: flake8 F401"),
    ),
    (
        "actions-symlink-note",
        "a dangling symlink's target in a note",
        dangling_note("x\n::error title=forged::boom"),
    ),
    ("actions-config-error", "a config value echoed in an error", config_echo),
    (
        "markdown-html-message",
        "<img> and a forged <h2> in a literal",
        markdown_literal(
            "<img src=https://e.example/t.png><h2>quality-gates run: passed</h2>"
        ),
    ),
    ("markdown-backtick-name", "a backtick in a file name", markdown_name),
    ("git-base-option", "ci gate --base '--upload-pack=...'", git_base_option),
    ("sarif-uri-fragment", "a file named a#frag.py", sarif_names("a#frag.py")),
    ("sarif-uri-percent", "a file named 50%41.py", sarif_names("50%41.py")),
    ("sarif-uri-query", "a file named q?x=1.py", sarif_names("q?x=1.py")),
    ("sarif-uri-space", "a file named my file.py", sarif_names("my file.py")),
]
OWN: list[Row] = [
    (
        "term-bidi-message",
        "a right-to-left override in a literal",
        bandit_literal("\u202eevil", "\\u202e"),
    ),
    (
        "term-carriage-return-message",
        "a carriage return in a literal",
        bandit_literal("x\rrun: passed", "\\r"),
    ),
    (
        "term-c1-csi-name",
        "a C1 CSI (U+009B) in a file name",
        named_file("c\x9b2Kx.py", "c\\x9b2Kx.py:3:1: flake8 F401"),
    ),
    (
        "term-escape-symlink-note",
        "ESC in a dangling symlink's target",
        dangling_note("\x1b[2Kgone"),
    ),
    (
        "actions-legacy-command",
        "##[error] inside a literal",
        bandit_literal("x ##[error]forged"),
    ),
    (
        "actions-osv-summary-command",
        "##[error] in an advisory's summary",
        advisory("x ##[error]forged ::error::y"),
    ),
    (
        "actions-audit-gates-step",
        "ESC and commands in a workflow step's name",
        audit_gates_workflow,
    ),
    ("actions-json-stdout", "##[ in a JSON report on stdout", json_on_stdout),
    ("actions-github-format", "--format github, hostile message", github_format),
    (
        "markdown-image-syntax",
        "![](...) and [..](..) in a literal",
        markdown_literal("![t](https://e.example/t.png) [ok](https://e.example)"),
    ),
    ("markdown-error-html", "<img> in an error line of the summary", markdown_error),
    (
        "markdown-osv-summary",
        "<img> in an advisory's summary",
        advisory("<img src=https://e.example/o.png>", fmt="markdown"),
    ),
    ("sarif-uri-colon", "a file named c:d.py", sarif_names("c:d.py")),
    ("sarif-uri-backslash", "a file named a\\b.py", sarif_names("a\\b.py")),
    (
        "git-remote-option",
        "ci fetch-base --remote '--upload-pack=...'",
        git_remote_option,
    ),
    ("git-diff-base-option", "run --diff-base=--output=PATH", git_diff_base_option),
]


if __name__ == "__main__":
    sys.exit("run bench/faults.py")
