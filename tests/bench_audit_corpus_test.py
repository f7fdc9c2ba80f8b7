"""bench/audit_corpus.py: one half of a corpus is measured, the other never read.

The held-out half of a blind corpus must stay unread until its first run, so
``--half development`` must not even extract a test-half repository: here the
test half's "mirror" is no git repository at all, and any read of it would fail.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import audit_corpus  # noqa: E402

WORKFLOW = """\
name: ci
on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: pytest || true
"""


def _mirror(root: Path, owner: str, name: str, extra: tuple[str, ...] = ()) -> str:
    """Make a bare mirror with one commit holding WORKFLOW; return the commit."""
    work = root / "work" / name
    work.mkdir(parents=True)
    (work / ".github" / "workflows").mkdir(parents=True)
    (work / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    for path in extra:  # more files of the commit, each holding "{}"
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text("{}")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=work, check=True)
    subprocess.run([*git, "add", "."], cwd=work, check=True)
    subprocess.run([*git, "commit", "-qm", "ci"], cwd=work, check=True)
    bare = root / "mirrors" / f"{owner}+{name}" / "repo"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True
    ).stdout.strip()


def _truth(corpus: Path, repo: str, commit: str, half: str, gate: bool) -> None:
    owner, name = repo.split("/")
    entry = '[[gate]]\nfile = ".github/workflows/ci.yml"\nline = 8\nkind = "or-true"\n'
    (corpus / f"{owner}__{name}.toml").write_text(
        f'repo = "{repo}"\ncommit = "{commit}"\nhalf = "{half}"\n\n'
        + (entry if gate else "")
        + '\n[permissions]\n".github/workflows/ci.yml" = "set"\n'
    )


@pytest.mark.parametrize(
    ("half", "listed", "absent"),
    [("development", "o/dev", "a/held"), ("", "o/dev", None)],
    ids=["development-only", "no-half-reads-all"],
)
def test_half_measures_only_that_half(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    half: str,
    listed: str,
    absent: str | None,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    commit = _mirror(tmp_path, "o", "dev")
    _truth(corpus, "o/dev", commit, "development", gate=True)
    _truth(corpus, "a/held", commit, "test", gate=False)  # sorted first
    held = tmp_path / "mirrors" / "a+held" / "repo"
    held.mkdir(parents=True)  # not a git directory: reading it would fail
    argv = ["--mirrors", str(tmp_path / "mirrors"), "--corpus", str(corpus)]
    if not half:
        with pytest.raises(subprocess.CalledProcessError):
            audit_corpus.main(argv)  # without --half the held-out mirror is read
        return
    assert audit_corpus.main([*argv, "--half", half]) == 0
    out = capsys.readouterr().out
    assert f"| {listed} (development) | 1 | 1 | 1 | 1 |" in out
    assert absent is not None and absent not in out
    assert (
        "development half: 1 repositories; neutralised gates read by hand: 1; "
        "recall 100.0% (1/1;"
    ) in out


@pytest.mark.parametrize("configs", [True, False])
def test_extract_takes_the_package_json_files_a_step_may_run(
    tmp_path: Path, configs: bool
) -> None:
    """``npm run lint`` runs what package.json says: it is extracted with configs.

    So is a Lighthouse CI config, a makefile of any folder (``make -C docs``,
    GNU make's three names) and an action of any folder (``uses: ./tools/ci``).
    Never a dependency's (``node_modules``), never other code.
    """
    extra = ("package.json", "web/package.json", "web/node_modules/x/package.json")
    extra += ("GNUmakefile", "docs/makefile", "tools/ci/action.yaml")
    rc = ("config/.lighthouserc.json", "web/node_modules/x/lighthouserc.yml")
    commit = _mirror(tmp_path, "o", "web", (*extra, *rc, "web/src/app.js"))
    into = tmp_path / "into"
    audit_corpus.extract(
        tmp_path / "mirrors" / "o+web" / "repo", commit, into, configs=configs
    )
    found = sorted(
        p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()
    )
    packages = ["package.json", "web/package.json", rc[0], *extra[3:]]
    packages = packages if configs else []
    assert found == sorted([".github/workflows/ci.yml", *packages])


@pytest.mark.parametrize(
    ("state", "rules", "false", "missed"),
    [
        # a `write-all` block is a block: set, and QG114 says what it grants
        ("set", ["QG114"], [], []),
        ("set", ["QG111"], ["ci.yml"], []),
        ("missing", ["QG111"], [], []),
        ("missing", [], [], ["ci.yml"]),
        ("write-all", ["QG114"], [], []),
        ("write-all", [], [], ["ci.yml"]),
        ("write-all", ["QG111", "QG114"], ["ci.yml"], []),
        ("reusable", ["QG114"], ["ci.yml"], []),
    ],
)
def test_permissions_score_each_rule_against_its_own_state(
    state: str, rules: list[str], false: list[str], missed: list[str]
) -> None:
    truth = {"permissions": {"ci.yml": state}}
    report = {"findings": [{"path": "ci.yml", "rule": rule} for rule in rules]}
    result = audit_corpus.Score(repo="o/r", half="")
    audit_corpus._permissions(truth, report, result)
    assert (result.permission_false, result.permission_missed) == (false, missed)


@pytest.mark.parametrize(
    ("gate", "missed"),
    [
        ({"file": "ci.yml", "line": 8}, ["ci.yml:8"]),
        ({"file": "ci.yml", "line": 8, "kind": "or-true"}, ["ci.yml:8 or-true"]),
    ],
    ids=["no-kind", "kind"],
)
def test_a_gate_without_a_kind_is_scored_and_its_miss_printed_without_one(
    gate: dict[str, object], missed: list[str]
) -> None:
    """A truth ``[[gate]]`` need not name a kind: its miss is the place alone."""
    truth = {"repo": "o/r", "gate": [gate]}
    result = audit_corpus.score(truth, {"findings": []})
    assert (result.truth, result.found, result.missed) == (1, 0, missed)


@pytest.mark.parametrize("lost", [True, False], ids=["blob-lost", "whole"])
def test_a_file_the_snapshot_lists_but_does_not_hold_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lost: bool
) -> None:
    """A partial snapshot: the tree names a blob the mirror lacks.

    The file is left out with a line on stderr; the others are extracted.
    """
    commit = _mirror(tmp_path, "o", "part", (".github/lost.json",))
    mirror = tmp_path / "mirrors" / "o+part" / "repo"
    blob = subprocess.run(
        ["git", f"--git-dir={mirror}", "rev-parse", f"{commit}:.github/lost.json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if lost:
        (mirror / "objects" / blob[:2] / blob[2:]).unlink()  # a loose object
    into = tmp_path / "into"
    audit_corpus.extract(mirror, commit, into)
    found = sorted(
        p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()
    )
    kept = [] if lost else [".github/lost.json"]
    assert found == sorted([".github/workflows/ci.yml", *kept])
    err = capsys.readouterr().err
    assert err == ("not in the snapshot, left out: .github/lost.json\n" if lost else "")


def test_a_snapshot_stored_as_a_clone_is_read_through_its_git_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Some snapshots hold ``repo/.git`` (a clone), not a bare ``repo``."""
    commit = _mirror(tmp_path, "o", "clone")
    bare = tmp_path / "mirrors" / "o+clone" / "repo"
    bare.rename(tmp_path / "bare")
    bare.mkdir()
    (tmp_path / "bare").rename(bare / ".git")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _truth(corpus, "o/clone", commit, "test", gate=True)
    argv = ["--mirrors", str(tmp_path / "mirrors"), "--corpus", str(corpus)]
    assert audit_corpus.main(argv) == 0
    out = capsys.readouterr().out
    assert "o/clone (test) | 1 | 1 |" in out
