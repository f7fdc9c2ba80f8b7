"""The checker session and the runner's results: one setup, nothing carried over.

Real black on real files in tmp_path; the cache is the test's own folder.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import Project
from quality_gates import cli, config, session
from quality_gates.cache import Cache
from quality_gates.errors import GateError
from quality_gates.runner import Runner
from quality_gates.tools.base import Context


def test_the_cache_is_closed_when_the_work_fails() -> None:
    """What was written stays; the session's cache is shut whatever happens."""
    with pytest.raises(GateError, match="the work failed"):
        with session.open_session(session.Limits()) as checking:
            cache = checking.cache
            assert cache is not None
            cache.put_many({"k": [1]})
            assert cache.get_many(["k"]) == {"k": [1]}
            raise GateError("the work failed")
    assert cache.get_many(["k"]) == {}  # closed: disabled
    again = Cache()
    try:
        assert again.get_many(["k"]) == {"k": [1]}
    finally:
        again.close()


def test_no_cache_opens_none() -> None:
    with session.open_session(session.Limits(use_cache=False)) as checking:
        assert checking.cache is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--all-files", "--jobs", "0"], "--jobs must be at least 1"),
        (["score", "--jobs", "0"], "--jobs must be at least 1"),
        (["baseline", "--max-file-kb", "-1"], "--max-file-kb must be 0"),
        (["dashboard", "--tool-timeout", "-1"], "--tool-timeout must be 0"),
        (["score", "--tool-timeout", "inf"], "--tool-timeout must be 0"),
    ],
)
def test_every_checking_command_refuses_the_same_limits(
    argv: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Refused before any file or config is read: here there is no project."""
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"quality-gates {argv[0]}: error: {message}"), err


def _runner(project: Project) -> tuple[Runner, list[str]]:
    project.write("pyproject.toml", "[tool.quality-gates]\nmax-file-kb = 1\n")
    project.write("big.py", '"""Big."""\n' + "x = 1\n" * 400)
    project.write("ugly.py", '"""Ugly."""\nx = {  "a":1 }\n')
    cfg = config.load(project.root)
    return Runner(Context(project.root, cfg), ["black"], jobs=1), ["big.py", "ugly.py"]


TOO_BIG = "big.py: 2 KB, over max-file-kb = 1: not checked"


def test_each_check_returns_its_own_result(project: Project) -> None:
    """Two checks: each says the error once; neither shares the other's lists."""
    runner, names = _runner(project)
    first, second = runner.check(names), runner.check(names)
    for outcome in (first, second):
        assert [e.split(" (generated")[0] for e in outcome.errors] == [TOO_BIG]
        assert [(f.path, f.rule) for f in outcome.findings] == [("ugly.py", "BLK100")]
    assert first.tools["black"] is not second.tools["black"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.errors = ()  # type: ignore[misc]


def test_the_tool_runs_of_a_result_cannot_change(project: Project) -> None:
    """The runs in an outcome are read-only: their fields and the mapping."""
    runner, names = _runner(project)
    outcome = runner.check(names)
    black = outcome.tools["black"]
    assert (black.status, black.files) == ("ok", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        black.seconds = 0.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        outcome.tools["black"] = black  # type: ignore[index]


def test_a_fix_returns_what_it_did_and_the_check_after_it_adds_to_none(
    project: Project,
) -> None:
    runner, names = _runner(project)
    fixed = runner.fix(names)
    assert fixed.files == ("ugly.py",)
    assert [e.split(" (generated")[0] for e in fixed.errors] == [TOO_BIG]
    outcome = runner.check(names)
    assert outcome.findings == ()
    combined = outcome.after(fixed)
    # the file refused before and after the fix is said once
    assert combined.errors == fixed.errors and combined.fixed == ("ugly.py",)
    assert outcome.fixed == () and outcome.noting(["a note"]).notes[0] == "a note"
