"""What a repository writes reaches the gate's readers as text, and odd inputs end clearly.

Real tools on real git projects: a string literal bandit quotes, file names
(escape sequences, ``::stop-commands::``, backticks, ``#``/``%``/``?``/spaces,
255 bytes, not UTF-8), a dangling symlink's target, a config value echoed in
an error, flake8's own config errors, mypy's ``exclude`` and a sparse
checkout.  Each output is checked where it goes: the terminal and the Actions
log (standard output and error), the job summary (Markdown, rendered), SARIF.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import InProcess, Project
from escape_test import obeyed, rendered
from quality_gates import files

F401 = '"""Doc."""\n\nimport os\n'
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def literal(value: str) -> str:
    return f'"""Doc."""\n\npassword = {value!r}\n'


def clean_streams(proc: subprocess.CompletedProcess[str]) -> None:
    """No raw control character, and no line the Actions runner would obey."""
    for text in (proc.stdout, proc.stderr):
        assert not RAW.search(text), text
        assert not [ln for ln in re.split(r"\r\n|\r|\n", text) if obeyed(ln)], text


def test_a_literal_with_escape_sequences_is_shown_not_obeyed(
    project: Project, qg: InProcess
) -> None:
    project.write("bad.py", literal("\x1b]0;pwned\x07\x1b[1A\x1b[2K\rx\n::warning::y"))
    proc = qg(project.root, "run", "--tools", "bandit", "bad.py")
    assert proc.returncode == 1
    clean_streams(proc)
    assert proc.stdout.splitlines()[0] == (
        "bad.py:3:12: bandit B105 Possible hardcoded password: "
        "'\\x1b]0;pwned\\x07\\x1b[1A\\x1b[2K\\rx\\n::warning::y' "
        "(severity LOW, confidence MEDIUM; hardcoded_password_string)"
    )


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        pytest.param("plain.py", "plain.py", id="honest"),
        pytest.param("e\x1b[2Kvil.py", "e\\x1b[2Kvil.py", id="escape"),
        pytest.param("::stop-commands::x.py", "\\x3a:stop-commands::x.py", id="stop"),
        pytest.param("x ##[error]y.py", "x #\\x23[error]y.py", id="legacy-command"),
    ],
)
def test_file_names_reach_the_log_as_text(
    project: Project, name: str, shown: str, qg: InProcess
) -> None:
    project.write(name, F401)
    project.commit()
    proc = qg(project.root, "run", "--all-files", "--tools", "flake8")
    assert proc.returncode == 1
    clean_streams(proc)
    assert (
        proc.stdout.splitlines()[0]
        == f"{shown}:3:1: flake8 F401 'os' imported but unused"
    )


def test_a_dangling_symlinks_target_and_a_config_value_are_escaped(
    project: Project, qg: InProcess
) -> None:
    project.write("good.py", '"""Doc."""\n')
    (project.root / "gone.py").symlink_to("x\n::error title=forged::boom")
    project.commit()
    proc = qg(project.root, "run", "--all-files", "--tools", "flake8")
    assert proc.returncode == 0
    clean_streams(proc)
    assert "note: gone.py: a dangling symlink (to x\\n::error title=forged::boom)" in (
        proc.stdout
    )
    project.write(
        "pyproject.toml", '[tool.quality-gates]\nbaseline = "x\\n::error::y"\n'
    )
    proc = qg(project.root, "run", "--tools", "flake8", "good.py")
    assert proc.returncode == 2
    clean_streams(proc)
    assert proc.stderr.strip().endswith(
        "x\\n::error::y does not exist; run `quality-gates baseline` to create it"
    )


def test_the_job_summary_shows_html_and_markdown_as_text(
    project: Project, qg: InProcess
) -> None:
    project.write(
        "bad.py",
        literal("<img src=https://e.example/t.png><h2>quality-gates run: passed</h2>"),
    )
    project.write("x`<img src=x onerror=alert(1)>`.py", F401)
    project.commit()
    proc = qg(
        project.root,
        "run",
        "--all-files",
        "--tools",
        "bandit,flake8",
        "--format",
        "markdown",
        "--output",
        "summary.md",
    )
    assert proc.returncode == 1
    page = rendered((project.root / "summary.md").read_text())
    assert "<img" not in page
    assert re.findall(r"<h2>(.*?)</h2>", page) == ["quality-gates run: failed"]
    assert "<code>x`&lt;img src=x onerror=alert(1)&gt;`.py</code>" in page


@pytest.mark.parametrize(
    ("name", "uri"),
    [
        ("plain.py", "plain.py"),
        ("a#frag.py", "a%23frag.py"),
        ("50%41.py", "50%2541.py"),
        ("q?x=1.py", "q%3Fx%3D1.py"),
        ("my file.py", "my%20file.py"),
    ],
)
def test_sarif_uris_are_percent_encoded(
    project: Project, name: str, uri: str, qg: InProcess
) -> None:
    project.write(name, F401)
    project.commit()
    proc = qg(
        project.root, "run", "--all-files", "--tools", "flake8", "--format", "sarif"
    )
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    (flake8,) = [
        run for run in doc["runs"] if run["tool"]["driver"]["name"] == "flake8"
    ]
    location = flake8["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": uri, "uriBaseId": "%SRCROOT%"}


def test_a_255_byte_module_name_is_checked_by_every_tool(
    project: Project, qg: InProcess
) -> None:
    name = "n" * 252 + ".py"
    project.write(name, F401)
    project.commit()
    proc = qg(project.root, "run", "--all-files")
    assert proc.returncode == 1, proc.stderr
    assert (
        proc.stdout.splitlines()[0]
        == f"{name}:3:1: flake8 F401 'os' imported but unused"
    )


def test_a_name_that_is_not_utf8_is_listed_then_refused_in_one_line(
    project: Project, qg: InProcess
) -> None:
    project.write("bad.py", F401)
    (project.root / "caf\udce9.py").write_text(F401)  # bytes b"caf\xe9.py"
    project.commit()
    assert files.tracked_python_files(project.root) == ["bad.py", "caf\udce9.py"]
    proc = qg(project.root, "run", "--all-files")
    assert proc.returncode == 2
    assert (
        "error: caf\\xe9.py: a file name that is not UTF-8 cannot be checked (flake8 "
        "and mypy fail on it); rename the file, or exclude it (`exclude` in "
        "[tool.quality-gates])"
    ) in proc.stdout.splitlines()
    project.write("pyproject.toml", '[tool.quality-gates]\nexclude = ["caf*"]\n')
    proc = qg(project.root, "run", "--all-files")
    assert proc.returncode == 1 and "caf" not in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("setting", "error"),
    [
        pytest.param(
            "per-file-ignores = foo.py",
            "flake8 refused its config (.flake8): Expected `per-file-ignores` to be a "
            "mapping from file exclude patterns to ignore codes. Configured "
            "`per-file-ignores` setting: foo.py",
            id="per-file-ignores-without-colon",
        ),
        pytest.param(
            "max-line-length = eighty",
            "flake8 cannot read its config (.flake8): ValueError: invalid literal for "
            "int() with base 10: 'eighty'",
            id="not-a-number",
        ),
    ],
)
def test_flake8s_own_reason_for_refusing_its_config(
    project: Project, setting: str, error: str, qg: InProcess
) -> None:
    project.write(".flake8", f"[flake8]\n{setting}\n")
    project.write("a.py", '"""Doc."""\n')
    project.write("b.py", '"""Doc."""\n')
    proc = qg(project.root, "run", "--tools", "flake8", "--no-cache", "a.py", "b.py")
    assert proc.returncode == 2
    assert f"error: {error} (files: a.py, b.py)" in proc.stdout.splitlines()


@pytest.mark.parametrize(
    "exclude", ['"(unclosed"', '["^build/", "(unclosed"]', '"^build/"']
)
def test_mypy_exclude_is_accepted_as_mypy_accepts_it(
    project: Project, exclude: str, qg: InProcess
) -> None:
    """Compile ``exclude`` as mypy does: only to walk a folder, never for named files."""
    project.write("pyproject.toml", f"[tool.mypy]\nexclude = {exclude}\n")
    project.write("bad.py", '"""Doc."""\n\nx: int = "text"\n')
    proc = qg(project.root, "run", "--tools", "mypy", "bad.py")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "bad.py:3:10: mypy assignment" in proc.stdout


@pytest.mark.parametrize("cone", [True, False])
def test_a_sparse_checkout_is_said_once_with_its_cause(
    project: Project, cone: bool
) -> None:
    for folder in ("inside", "elsewhere"):
        for index in range(5):
            project.write(f"{folder}/m{index}.py", '"""Doc."""\n')
    project.commit()
    pattern = ["inside"] if cone else ["--no-cone", "/inside/"]
    project.git("sparse-checkout", "set", *pattern)
    skipped: list[str] = []
    found = files.tracked_python_files(project.root, (), skipped)
    assert found == [f"inside/m{i}.py" for i in range(5)]
    assert skipped == [files.sparse_note(5)]
    assert skipped[0].startswith("5 tracked Python file(s) outside the sparse checkout")
