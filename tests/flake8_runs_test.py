"""flake8's failures named by their true cause, the other files' findings kept."""

from __future__ import annotations

from conftest import Project, cli_json, run_tool

# compiles, but pyflakes recurses past Python's limit on it (sympy 1.14's
# polys/numberfields/resolvent_lookup.py)
DEEP = '"""Deep."""\n\nX = ' + " + ".join(["1"] * 500) + "\n"


def test_a_plugin_that_fails_on_one_file_is_a_finding_there(project: Project) -> None:
    """flake8's own run stops at the file and reports nothing at all."""
    project.write("deep.py", DEEP)
    project.write("ok.py", '"""Ok."""\n\nimport os\n')
    project.commit()
    own = run_tool(project.root, "flake8", "deep.py", "ok.py")
    assert own.returncode == 1
    assert own.stdout.startswith(
        'deep.py: "pyflakes[F]" failed during execution due to RecursionError'
    )
    code, report, _ = cli_json(
        project.root, "run", "--all-files", "--tools", "flake8", "--jobs", "1"
    )
    assert (code, report["errors"]) == (1, [])
    found = [(f["path"], f["line"], f["rule"]) for f in report["findings"]]
    assert found == [("deep.py", 1, "tool-error"), ("ok.py", 3, "F401")]
    assert report["findings"][0]["message"].startswith(
        "flake8 crashed on this file (its plugin pyflakes[F] failed on deep.py "
        "(RecursionError('maximum recursion depth exceeded')))"
    )
