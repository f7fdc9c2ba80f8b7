"""Release tags from the version: real git repositories, a real bare remote."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, Project, git
from quality_gates import release


def test_this_repository_is_ready_to_tag_its_version() -> None:
    tag = f"v{release.version(REPO)}"
    release.check_files(REPO, tag)  # its CHANGELOG section, the README's rev


@pytest.fixture
def suite(project: Project, tmp_path: Path) -> Project:
    for name in ("pyproject.toml", "CHANGELOG.md", "README.md"):
        shutil.copy(REPO / name, project.root / name)
    project.commit("the suite")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    project.git("remote", "add", "origin", str(origin))
    return project


def test_a_new_version_is_tagged_and_pushed_once(
    suite: Project, tmp_path: Path
) -> None:
    tag = f"v{release.version(suite.root)}"
    head = suite.git("rev-parse", "HEAD").strip()
    assert release.main(["--root", str(suite.root), "--push"]) == 0
    origin = tmp_path / "origin.git"
    assert git(origin, "rev-list", "-n", "1", tag).strip() == head
    assert (
        release.release(suite.root, push=True)
        == f"{tag} is this commit already: nothing to do"
    )
    suite.write("later.txt", "x\n")
    suite.commit("a later commit, same version")
    assert release.release(suite.root, push=True) == (
        f"{tag} is released (at {head[:12]}): bump the version to release"
    )


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        pytest.param(
            "CHANGELOG.md",
            "## v",
            "## not ",
            "CHANGELOG.md has no `## v",
            id="changelog",
        ),
        pytest.param(
            "README.md", "rev: v", "rev: x", "README.md pins rev x", id="readme"
        ),
        pytest.param(
            "pyproject.toml",
            'version = "',
            'version = "1.0.dev',
            "is not X.Y.Z",
            id="version",
        ),
    ],
)
def test_a_release_without_its_changelog_or_rev_is_refused(
    suite: Project,
    capsys: pytest.CaptureFixture[str],
    name: str,
    old: str,
    new: str,
    message: str,
) -> None:
    path = suite.root / name
    path.write_text(path.read_text().replace(old, new, 1))
    suite.commit("broken")
    assert release.main(["--root", str(suite.root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("release: error: ") and message in err
    assert suite.git("tag", "--list").strip() == ""


def test_the_token_reaches_git_through_its_environment_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    env = release.token_environment()
    assert env["GIT_CONFIG_KEY_0"] == "http.extraheader"
    # base64 of x-access-token:t0ken
    assert (
        env["GIT_CONFIG_VALUE_0"] == "AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46dDBrZW4="
    )
    monkeypatch.delenv("GITHUB_TOKEN")
    assert release.token_environment() == {}
