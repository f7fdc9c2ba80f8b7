"""quality_gates.ci.fetch_base on real shallow clones of real repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Project, git
from quality_gates.ci import fetch_base
from quality_gates.errors import GateError


@pytest.fixture
def history(project: Project) -> tuple[Project, str, str]:
    project.write("a.py", "x = 1\n")
    base = project.commit("base")
    for i in range(5):
        project.write("a.py", f"x = {i + 2}\n")
        head = project.commit(f"change {i}")
    return project, base, head


def shallow(origin: Project, dest: Path) -> Path:
    git(dest.parent, "clone", "-q", "--depth", "1", f"file://{origin.root}", dest.name)
    return dest


def test_a_shallow_clone_is_deepened_to_the_base(
    history: tuple[Project, str, str], tmp_path: Path
) -> None:
    origin, base, _ = history
    clone = shallow(origin, tmp_path / "clone")
    assert not fetch_base.has_commit(clone, base)
    assert fetch_base.ensure_base(clone, base) == base
    assert fetch_base.has_merge_base(clone, base)


def test_a_base_already_present_needs_no_fetch(
    history: tuple[Project, str, str],
) -> None:
    origin, base, _ = history
    assert fetch_base.ensure_base(origin.root, base) == base


def test_an_unreachable_remote_fails_clearly(
    history: tuple[Project, str, str], tmp_path: Path
) -> None:
    origin, base, _ = history
    clone = shallow(origin, tmp_path / "clone")
    git(clone, "remote", "set-url", "origin", str(tmp_path / "gone"))
    with pytest.raises(
        GateError, match=f"cannot fetch the base commit {base} from 'origin'"
    ):
        fetch_base.ensure_base(clone, base)


def test_an_unknown_base_fails_clearly(
    history: tuple[Project, str, str], tmp_path: Path
) -> None:
    origin, _, _ = history
    clone = shallow(origin, tmp_path / "clone")
    with pytest.raises(GateError, match="cannot fetch the base commit 0123456789"):
        fetch_base.ensure_base(clone, "0123456789" * 4)


def test_no_base_is_an_error_not_an_empty_diff(project: Project) -> None:
    with pytest.raises(GateError, match="no base commit"):
        fetch_base.ensure_base(project.root, "")


@pytest.mark.parametrize(
    ("event_name", "payload", "expected"),
    [
        pytest.param(
            "pull_request", {"pull_request": {"base": {"sha": "abc"}}}, "abc", id="pr"
        ),
        pytest.param(
            "merge_group", {"merge_group": {"base_sha": "def"}}, "def", id="merge-group"
        ),
        pytest.param("push", {"before": "123"}, "123", id="push-before"),
        pytest.param("push", {"before": "0" * 40}, "", id="new-branch"),
        pytest.param("workflow_dispatch", {}, "", id="other"),
    ],
)
def test_event_base(
    tmp_path: Path, event_name: str, payload: dict[str, object], expected: str
) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    env = {"GITHUB_EVENT_PATH": str(path), "GITHUB_EVENT_NAME": event_name}
    assert fetch_base.from_environment("", env=env) == expected
    assert fetch_base.from_environment("explicit", env=env) == "explicit"


def test_a_corrupt_event_payload_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text("{trunc")
    with pytest.raises(GateError, match="unreadable event payload"):
        fetch_base.event_base(str(path), env={})


@pytest.mark.parametrize("what", ["base", "remote"])
def test_a_base_or_remote_git_would_read_as_an_option_is_refused(
    history: tuple[Project, str, str], tmp_path: Path, what: str
) -> None:
    """``--upload-pack=CMD`` would run CMD: refused, nothing run, one line."""
    origin, base, _ = history
    clone = shallow(origin, tmp_path / "clone")
    marker = tmp_path / "PWNED"
    hostile = f"--upload-pack=touch {marker}; git-upload-pack"
    given = {"base": base, "remote": "origin", what: hostile}
    with pytest.raises(GateError) as caught:
        fetch_base.ensure_base(clone, given["base"], remote=given["remote"])
    assert str(caught.value) == (
        f"{what} {hostile!r}: starts with '-', which git would read as an option; "
        "give a commit SHA, a branch or a remote name"
    )
    assert not marker.exists()


def test_the_gate_refuses_an_option_as_its_base(
    history: tuple[Project, str, str], tmp_path: Path
) -> None:
    """Through ``ci gate``, as the quality-gate action runs it: exit 2, no command."""
    from conftest import cli

    origin, _, _ = history
    clone = shallow(origin, tmp_path / "clone")
    marker = tmp_path / "PWNED"
    hostile = f"--upload-pack=touch {marker}; git-upload-pack"
    proc = cli(clone, "ci", "gate", "--mode", "changed", "--base", hostile)
    assert proc.returncode == 2
    assert not marker.exists()
    annotation = proc.stdout.strip().splitlines()[-1]
    assert annotation.startswith("::error title=quality-gates ci gate::base ")
    assert "starts with '-'" in annotation
