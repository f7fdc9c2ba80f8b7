"""protect: protected paths change only with an approval, and CODEOWNERS owns them.

Every test works in a real git repository made in tmp_path, with real staged
changes, renames, deletions and commits, and runs the real command.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import InProcess, Project, validate_sarif
from quality_gates import textfile
from quality_gates.guards.protect import changes, codeowners, trailers
from quality_gates.guards.protect.rules import RULES

PYPROJECT = """\
[project]
name = "guarded"

[tool.quality-gates.protect]
ci = [".github/workflows/", "/.pre-commit-config.yaml"]
release = ["/pyproject.toml"]
"""
OWNERS = "* @org/maintainers\n/.github/ @org/release alice@example.com\n"
CLEAN = {"PRE_COMMIT_FROM_REF": "", "QUALITY_GATES_APPROVE": ""}


def protect(
    qg: InProcess, project: Project, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return qg(project.root, "protect", *args, env={**CLEAN, **env})


@pytest.fixture
def guarded(project: Project) -> Project:
    project.write("pyproject.toml", PYPROJECT)
    project.write(".github/CODEOWNERS", OWNERS)
    project.write(".github/workflows/ci.yml", "on: push\n")
    project.write(".pre-commit-config.yaml", "repos: []\n")
    project.write("src/app.py", "x = 1\n")
    project.commit("initial")
    return project


def rules_and_paths(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    return [(f["rule"], f["path"]) for f in json.loads(proc.stdout)["findings"]]


def test_unprotected_change_passes(guarded: Project, qg: InProcess) -> None:
    guarded.write("src/app.py", "x = 2\n")
    guarded.git("add", "src/app.py")
    proc = protect(qg, guarded)
    assert (proc.returncode, proc.stdout) == (
        0,
        "note: checked the staged changes: 1 change(s), 0 to protected paths\n"
        "protect: passed\n",
    ), proc.stderr


def test_staged_modification_fails_with_the_approval_to_use(
    guarded: Project, qg: InProcess
) -> None:
    guarded.write(".github/workflows/ci.yml", "on: [push, pull_request]\n")
    guarded.git("add", "-A")
    proc = protect(qg, guarded)
    assert proc.returncode == 1
    first = proc.stdout.splitlines()[0]
    assert first.startswith(
        ".github/workflows/ci.yml:1:0: protect QG001 protected path modified"
    )
    assert "layer `ci`, pattern `.github/workflows/`" in first
    assert "QUALITY_GATES_APPROVE='pattern,layer'" in first
    assert "`Protected-change: <reason>` trailer" in first
    assert proc.stdout.splitlines()[-1] == "protect: failed"


def test_unstaged_change_is_not_the_commit(guarded: Project, qg: InProcess) -> None:
    guarded.write(".github/workflows/ci.yml", "on: [push, pull_request]\n")
    proc = protect(qg, guarded)
    # test_staged_modification_fails_with_the_approval_to_use is the staged twin
    assert (proc.returncode, proc.stdout.splitlines()[-1]) == (0, "protect: passed")


def test_staged_deletion_fails(guarded: Project, qg: InProcess) -> None:
    guarded.git("rm", "-q", ".pre-commit-config.yaml")
    proc = protect(qg, guarded, "--format", "json")
    assert proc.returncode == 1
    (found,) = json.loads(proc.stdout)["findings"]
    assert (found["rule"], found["path"]) == ("QG001", ".pre-commit-config.yaml")
    assert found["message"].startswith("protected path deleted, layer `ci`")


def test_rename_out_of_a_protected_path_fails(guarded: Project, qg: InProcess) -> None:
    guarded.git("mv", ".github/workflows/ci.yml", "ci.yml.disabled")
    proc = protect(qg, guarded, "--format", "json")
    assert proc.returncode == 1
    (found,) = json.loads(proc.stdout)["findings"]
    assert found["path"] == ".github/workflows/ci.yml"
    assert "renamed away (to ci.yml.disabled)" in found["message"]


def test_rename_into_a_protected_path_fails(guarded: Project, qg: InProcess) -> None:
    guarded.write("tools/deploy.yml", "on: push\njobs: {}\n" * 5)
    guarded.commit("a tool")
    guarded.git("mv", "tools/deploy.yml", ".github/workflows/deploy.yml")
    proc = protect(qg, guarded, "--format", "json")
    assert proc.returncode == 1
    (found,) = json.loads(proc.stdout)["findings"]
    assert found["path"] == ".github/workflows/deploy.yml"
    assert "renamed here (from tools/deploy.yml)" in found["message"]


@pytest.mark.parametrize(
    ("approval", "code"),
    [
        pytest.param(".github/workflows/", 0, id="pattern"),
        pytest.param("ci", 0, id="layer"),
        pytest.param("release, ci", 0, id="list"),
        pytest.param("release", 1, id="other-layer"),
        pytest.param("", 1, id="empty"),
    ],
)
def test_environment_approval(
    guarded: Project, approval: str, code: int, qg: InProcess
) -> None:
    guarded.write(".github/workflows/ci.yml", "on: [push]\n")
    guarded.git("add", "-A")
    proc = protect(qg, guarded, QUALITY_GATES_APPROVE=approval)
    assert proc.returncode == code, proc.stdout + proc.stderr
    if code == 0:
        assert "note: 1 protected change(s) approved" in proc.stdout


def test_unknown_approval_name_is_reported(guarded: Project, qg: InProcess) -> None:
    guarded.write(".github/workflows/ci.yml", "on: [push]\n")
    guarded.git("add", "-A")
    proc = protect(qg, guarded, QUALITY_GATES_APPROVE=".github/workflow/")
    assert proc.returncode == 1
    assert (
        "QUALITY_GATES_APPROVE names '.github/workflow/': no such pattern or layer"
        in proc.stdout
    )


def own_names_and_a_staged_change(guarded: Project) -> None:
    """Name the approval variable GATES_OK and the trailer Gate-change; stage a change."""
    guarded.write(
        "pyproject.toml",
        PYPROJECT + 'approval-env = "GATES_OK"\ntrailer = "Gate-change"\n',
    )
    guarded.commit("custom names")
    guarded.write(".github/workflows/ci.yml", "on: [push]\n")
    guarded.git("add", "-A")


def test_the_finding_names_the_projects_own_approval_and_trailer(
    guarded: Project, qg: InProcess
) -> None:
    own_names_and_a_staged_change(guarded)
    first = protect(qg, guarded).stdout.splitlines()[0]
    assert "GATES_OK='pattern,layer'" in first
    assert "`Gate-change: <reason>` trailer" in first


def test_custom_approval_variable_and_trailer(guarded: Project, qg: InProcess) -> None:
    own_names_and_a_staged_change(guarded)
    assert protect(qg, guarded, GATES_OK="ci").returncode == 0
    proc = protect(qg, guarded, QUALITY_GATES_APPROVE="ci")  # not this project's name
    assert proc.returncode == 1
    assert proc.stdout.startswith(
        ".github/workflows/ci.yml:1:0: protect QG001 protected path modified"
    )
    message = guarded.write("msg", "ci\n\nGate-change: new trigger\n")
    assert protect(qg, guarded, "--commit-msg-file", str(message)).returncode == 0


@pytest.mark.parametrize(
    ("message", "code", "note"),
    [
        pytest.param(
            "ci: pr trigger\n\nProtected-change: run on PRs\n", 0, "", id="trailer"
        ),
        pytest.param(
            "ci\n\nbody\n\nSigned-off-by: A <a@b.c>\nprotected-change: lower case key\n",
            0,
            "",
            id="among-trailers",
        ),
        pytest.param(
            "ci\n\nProtected-change: reason\n# Please enter the commit message\n",
            0,
            "",
            id="with-git-comments",
        ),
        pytest.param("ci: pr trigger\n", 1, "", id="no-trailer"),
        pytest.param(
            "ci\n\nProtected-change:\n", 1, "has no reason", id="empty-reason"
        ),
        pytest.param(
            "ci\n\nProtected-change: x\n\nand then more text\n",
            1,
            "",
            id="not-last-paragraph",
        ),
        pytest.param(
            "Protected-change: subject only\n", 1, "", id="subject-is-no-trailer"
        ),
        pytest.param(
            "ci\n\n# Protected-change: in a comment\n", 1, "", id="commented-out"
        ),
        pytest.param(
            "ci\n\n# ------------------------ >8 ------------------------\n\nProtected-change: x\n",
            1,
            "",
            id="below-scissors",
        ),
    ],
)
def test_commit_message_trailer(
    guarded: Project, message: str, code: int, note: str, qg: InProcess
) -> None:
    guarded.write(".github/workflows/ci.yml", "on: [push, pull_request]\n")
    guarded.git("add", "-A")
    path = guarded.root / ".git" / "COMMIT_EDITMSG"
    path.write_text(message)
    proc = protect(qg, guarded, "--commit-msg-file", str(path))
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert note in proc.stdout


def test_commit_message_file_missing_or_binary(guarded: Project, qg: InProcess) -> None:
    proc = qg(guarded.root, "protect", "--commit-msg-file", "nope", env=CLEAN)
    assert proc.returncode == 2
    assert "--commit-msg-file nope: cannot read" in proc.stderr
    guarded.write("bin", b"\x00\x01")
    proc = qg(guarded.root, "protect", "--commit-msg-file", "bin", env=CLEAN)
    assert proc.returncode == 2 and "binary file" in proc.stderr


def test_first_commit_of_a_repository(project: Project, qg: InProcess) -> None:
    project.write("pyproject.toml", PYPROJECT)
    project.write(".github/CODEOWNERS", OWNERS)
    project.git("add", "-A")
    proc = protect(qg, project, "--format", "json")
    assert proc.returncode == 1
    assert rules_and_paths(proc) == [("QG001", "pyproject.toml")]


def test_named_files(guarded: Project, qg: InProcess) -> None:
    assert protect(qg, guarded, "src/app.py").returncode == 0
    proc = protect(qg, guarded, "pyproject.toml", "src/app.py", "--format", "json")
    assert rules_and_paths(proc) == [("QG001", "pyproject.toml")]


def branch(guarded: Project) -> str:
    base = guarded.git("rev-parse", "HEAD").strip()
    guarded.git("checkout", "-q", "-b", "feature")
    guarded.write(".github/workflows/ci.yml", "on: [push, pull_request]\n")
    guarded.git(
        "commit", "-qam", "ci: run on PRs\n\nProtected-change: PR checks were missing"
    )
    guarded.write("src/app.py", "x = 3\n")
    guarded.git("commit", "-qam", "app change")
    return base


def test_diff_base_checks_each_commit(guarded: Project, qg: InProcess) -> None:
    branch(guarded)
    proc = protect(qg, guarded, "--diff-base", "main")
    assert proc.returncode == 0
    assert (
        "checked 2 commit(s) since the merge base with main: 2 change(s)" in proc.stdout
    )
    guarded.write(".pre-commit-config.yaml", "repos: [] # quiet\n")
    guarded.git("commit", "-qam", "sneak a hook change in")
    sha = guarded.git("rev-parse", "--short=10", "HEAD").strip()
    proc = protect(qg, guarded, "--diff-base", "main")
    assert proc.returncode == 1
    (line,) = [x for x in proc.stdout.splitlines() if "QG001" in x]
    assert line.startswith(
        ".pre-commit-config.yaml:1:0: protect QG001 protected path modified"
    )
    assert f"in commit {sha} (sneak a hook change in)" in line
    assert (
        protect(
            qg, guarded, "--diff-base", "main", QUALITY_GATES_APPROVE="ci"
        ).returncode
        == 0
    )


def test_diff_base_from_pre_commit_environment(guarded: Project, qg: InProcess) -> None:
    branch(guarded)
    guarded.write(".github/workflows/ci.yml", "on: [push]\n")
    guarded.git("commit", "-qam", "revert trigger")
    proc = protect(qg, guarded, PRE_COMMIT_FROM_REF="main", PRE_COMMIT_TO_REF="HEAD")
    assert proc.returncode == 1
    assert "in commit" in proc.stdout and "(revert trigger)" in proc.stdout


def test_branch_cannot_unprotect_itself(guarded: Project, qg: InProcess) -> None:
    guarded.git("checkout", "-q", "-b", "feature")
    guarded.write("pyproject.toml", PYPROJECT.replace('"/.pre-commit-config.yaml"', ""))
    guarded.write(".pre-commit-config.yaml", "repos: [] # changed\n")
    guarded.git("commit", "-qam", "drop the protection and change the hooks")
    proc = protect(qg, guarded, "--diff-base", "main", "--format", "json")
    assert sorted(rules_and_paths(proc)) == [
        ("QG001", ".pre-commit-config.yaml"),
        ("QG001", "pyproject.toml"),
    ]


def test_diff_base_errors(guarded: Project, qg: InProcess) -> None:
    proc = qg(guarded.root, "protect", "--diff-base", "no-such-branch", env=CLEAN)
    assert proc.returncode == 2
    assert "--diff-base no-such-branch: not in the local history" in proc.stderr
    proc = qg(guarded.root, "protect", "--diff-base", "main", "src/app.py", env=CLEAN)
    assert proc.returncode == 2 and "not both" in proc.stderr


# ---- CODEOWNERS -------------------------------------------------------------


def test_codeowners_missing(guarded: Project, qg: InProcess) -> None:
    guarded.git("rm", "-q", ".github/CODEOWNERS")
    guarded.commit("no owners")
    proc = protect(qg, guarded)
    assert proc.returncode == 1
    assert proc.stdout.startswith(
        "pyproject.toml:4:0: protect QG002 3 protected pattern(s) and no CODEOWNERS in "
        ".github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS"
    )


@pytest.mark.parametrize(
    ("owners", "expected", "needle"),
    [
        pytest.param(OWNERS, [], "", id="valid"),
        pytest.param(
            "* @org/maintainers\n/.github/ release-team\n",
            [("QG004", ".github/CODEOWNERS", 2)],
            "owner `release-team` of `/.github/` is not @user, @org/team or an email",
            id="bare-owner-name",
        ),
        pytest.param(
            "* @org/maintainers\n/.github/ @-bad\n",
            [("QG004", ".github/CODEOWNERS", 2)],
            "`@-bad`",
            id="bad-user-syntax",
        ),
        pytest.param(
            "* @org/maintainers\n!/docs/ @alice\n",
            [("QG003", ".github/CODEOWNERS", 2)],
            "negation (`!`) is not supported",
            id="negation",
        ),
        pytest.param(
            "* @org/maintainers\n/src/[ab].py @alice\n",
            [("QG003", ".github/CODEOWNERS", 2)],
            "character ranges",
            id="range",
        ),
        pytest.param(
            "/src/ @alice\n",
            [("QG005", "pyproject.toml", 5)] * 2 + [("QG005", "pyproject.toml", 6)],
            "without an owner in .github/CODEOWNERS",
            id="protected-unowned",
        ),
        pytest.param(
            "* @org/maintainers\n/.github/workflows/\n",
            [("QG005", "pyproject.toml", 5)],
            "pattern `.github/workflows/` (layer `ci`): 1 path(s) without an owner",
            id="ownership-removed-by-a-later-rule",
        ),
        pytest.param(
            b"* @org/caf\xe9\n",
            [("QG003", ".github/CODEOWNERS", 1)]
            + [("QG005", "pyproject.toml", 5)] * 2
            + [("QG005", "pyproject.toml", 6)],
            "not UTF-8",
            id="not-utf8",
        ),
    ],
)
def test_codeowners(
    guarded: Project,
    owners: str | bytes,
    expected: list[tuple[str, str, int]],
    needle: str,
    qg: InProcess,
) -> None:
    guarded.write(".github/CODEOWNERS", owners)
    guarded.commit("owners")
    proc = protect(qg, guarded, "--format", "json")
    report = json.loads(proc.stdout)
    found = sorted((f["rule"], f["path"], f["line"]) for f in report["findings"])
    assert found == sorted(expected)
    assert proc.returncode == (1 if expected else 0)
    assert all(needle in f["message"] for f in report["findings"][:1])


def test_codeowners_in_two_places(guarded: Project, qg: InProcess) -> None:
    guarded.write("docs/CODEOWNERS", "* @someone-else\n")
    guarded.commit("second owners file")
    proc = protect(qg, guarded, "--format", "json")
    (found,) = json.loads(proc.stdout)["findings"]
    assert (found["rule"], found["path"]) == ("QG006", "docs/CODEOWNERS")
    assert "GitHub reads .github/CODEOWNERS first" in found["message"]


def test_codeowners_check_can_be_turned_off(guarded: Project, qg: InProcess) -> None:
    guarded.write("pyproject.toml", PYPROJECT + "codeowners = false\n")
    guarded.git("rm", "-q", ".github/CODEOWNERS")
    guarded.commit("no owners")
    proc = protect(qg, guarded, "--format", "json")
    # test_codeowners_missing is the twin: QG002 with the check on
    assert (proc.returncode, json.loads(proc.stdout)["findings"]) == (0, []), proc


# ---- configuration errors ------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "error"),
    [
        pytest.param("", "nothing is protected", id="no-table"),
        pytest.param(
            '[tool.quality-gates.protect]\nci = ".github/"\n',
            "ci: expected a list",
            id="str",
        ),
        pytest.param(
            "[tool.quality-gates.protect]\nci = []\n",
            "ci: the list of patterns is empty",
            id="empty",
        ),
        pytest.param(
            '[tool.quality-gates.protect]\nci = ["#x"]\n',
            "'#x' is not a path pattern",
            id="comment",
        ),
        pytest.param(
            '[tool.quality-gates.protect]\nci = ["a"]\ncodeowners = "yes"\n',
            "codeowners: expected true or false",
            id="codeowners-type",
        ),
        pytest.param(
            '[tool.quality-gates.protect]\nci = ["a"]\napproval-env = "A B"\n',
            "approval-env: 'A B' is not a valid name",
            id="env-name",
        ),
        pytest.param(
            "[tool.quality-gates]\nprotect = 3\n", "expected a table", id="not-a-table"
        ),
    ],
)
def test_config_errors(project: Project, table: str, error: str, qg: InProcess) -> None:
    project.write("pyproject.toml", '[project]\nname = "x"\n' + table)
    project.commit()
    proc = qg(project.root, "protect", env=CLEAN)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("quality-gates protect: error: ")
    assert error in proc.stderr


def test_sarif_and_github_formats(guarded: Project, qg: InProcess) -> None:
    guarded.git("rm", "-q", ".pre-commit-config.yaml")
    proc = protect(qg, guarded, "--format", "sarif")
    document = json.loads(proc.stdout)
    validate_sarif(document)
    rules = {r["id"]: r for r in document["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == set(RULES)
    assert rules["QG001"]["help"]["text"].startswith("Why: protected paths")
    github = protect(qg, guarded, "--format", "github")
    assert github.stdout.startswith(
        "::error file=.pre-commit-config.yaml,line=1,col=0,title=protect QG001::"
    )


# ---- pure pieces ---------------------------------------------------------------


def test_parse_name_status_keeps_both_sides_of_a_rename() -> None:
    out = "M\0a b.py\0R087\0old.yml\0new.yml\0D\0gone\0C100\0x\0y\0"
    assert changes.parse_name_status(out) == [
        changes.Change("M", "a b.py"),
        changes.Change("R", "new.yml", "old.yml"),
        changes.Change("D", "gone"),
        changes.Change("C", "y", "x"),
    ]
    assert [p for p, _ in changes.Change("R", "new", "old").sides()] == ["old", "new"]


@pytest.mark.parametrize(
    ("owner", "valid"),
    [
        ("@alice", True),
        ("@a-b-c", True),
        ("@org/team-name", True),
        ("@org/team.name_2", True),
        ("dev@example.com", True),
        ("alice", False),
        ("@-alice", False),
        ("@alice-", False),
        ("@org/", False),
        ("@a--b", False),
        ("dev@localhost", False),
    ],
)
def test_owner_syntax(owner: str, valid: bool) -> None:
    assert codeowners.valid_owner(owner) is valid


def test_codeowners_last_match_wins() -> None:
    parsed = codeowners.parse(
        "CODEOWNERS", textfile.decode(b"*.py @a\n/src/ @b\n/src/x.py\n")
    )
    assert parsed.findings == []
    assert parsed.rule_for("src/y.py").owners == ("@b",)  # type: ignore[union-attr]
    assert parsed.rule_for("src/x.py").owners == ()  # type: ignore[union-attr]
    assert parsed.rule_for("lib/z.py").owners == ("@a",)  # type: ignore[union-attr]
    assert parsed.rule_for("README") is None


def test_trailer_continuation_lines() -> None:
    message = "subject\n\nProtected-change: a long\n  reason\n"
    assert trailers.reason(message, "Protected-change") == "a long reason"


def test_outside_a_git_repository(tmp_path: Path, qg: InProcess) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    proc = qg(
        tmp_path,
        "protect",
        env={**CLEAN, "GIT_CEILING_DIRECTORIES": str(tmp_path.parent)},
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        f"quality-gates protect: error: {tmp_path} is not in a git repository: "
        "protect reads git's changes\n"
    )


def test_report_to_a_file(guarded: Project, tmp_path: Path, qg: InProcess) -> None:
    guarded.git("rm", "-q", ".pre-commit-config.yaml")
    out = tmp_path / "protect.md"
    proc = protect(qg, guarded, "--format", "markdown", "--output", str(out))
    assert proc.returncode == 1
    assert out.read_text().startswith("## quality-gates protect: failed")
    assert "protect QG001" in proc.stderr
