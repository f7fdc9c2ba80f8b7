"""Syntax verdicts judged half in a second process: the same verdicts, one process.

The split only moves work to the idle core of a cold run: every verdict must
be the one this process gives, whatever the worker does.  A real worker (this
interpreter) judges real texts; a worker that fails or answers nonsense is
not trusted.  Counts, never times.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Project
from quality_gates import cli, processes, syntax_workers

TEXTS = {
    "ok.py": "def f(x: int) -> int:\n    return x\n",
    "bad.py": "x = (\n",  # does not parse
    "outside.py": "return 1\n",  # parses, does not compile
    "nonlocal.py": "nonlocal x\n",  # the symbol table refuses it
    "utf8.py": "s = 'caf\u00e9 \u20ac'\nt = 1 +\n",
    "loose.py": "def g():\n\tif 1:\n        pass\n",  # tabs and spaces
    "deep.py": "x = " + "(" * 300 + ")" * 300 + "\n",  # past the parser's limit
    "empty.py": "",
}


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """Record the argv of every process the workers start (and start it)."""
    argvs: list[list[str]] = []
    real = processes.run

    def run(argv: list[str], **kwargs: Any) -> Any:
        argvs.append(list(argv))
        return real(argv, **kwargs)

    monkeypatch.setattr(processes, "run", run)
    yield argvs


def here() -> dict[str, Any]:
    return {name: syntax_workers.verdict(name, text) for name, text in TEXTS.items()}


def test_a_worker_judges_half_and_agrees(
    monkeypatch: pytest.MonkeyPatch, started: list[list[str]]
) -> None:
    monkeypatch.setattr(syntax_workers, "MIN_SPLIT_CHARS", 0)
    found = syntax_workers.verdicts(TEXTS, jobs=2)
    assert found == here()
    assert len(started) == 1
    assert [n for n, v in found.items() if v] == [
        "bad.py",
        "outside.py",
        "nonlocal.py",
        "utf8.py",
        "loose.py",
        "deep.py",
    ]


def test_the_worker_judges_every_kind_as_this_process(
    started: list[list[str]],
) -> None:
    assert syntax_workers._ask(dict(TEXTS)) == here()
    assert len(started) == 1


def test_small_work_and_one_job_start_no_process(
    monkeypatch: pytest.MonkeyPatch, started: list[list[str]]
) -> None:
    assert syntax_workers.verdicts(TEXTS, jobs=2) == here()  # under the bound
    monkeypatch.setattr(syntax_workers, "MIN_SPLIT_CHARS", 0)
    assert syntax_workers.verdicts(TEXTS, jobs=1) == here()
    assert syntax_workers.verdicts({}, jobs=2) == {}
    assert started == []


@pytest.mark.parametrize(
    "worker",
    [
        "raise SystemExit(3)",
        "print('not json')",
        "print('[]')",
        # every file valid: a wrong verdict of the right shape for unnamed files
        "import json; print(json.dumps({'other.py': None}))",
        "import json; print(json.dumps({'bad.py': [1, 1, 'x']}))",
        "import json; print(json.dumps({'bad.py': [1, 1, 'x', 'no']}))",
    ],
)
def test_a_worker_that_fails_or_answers_nonsense_is_not_trusted(
    monkeypatch: pytest.MonkeyPatch, started: list[list[str]], worker: str
) -> None:
    monkeypatch.setattr(syntax_workers, "MIN_SPLIT_CHARS", 0)
    monkeypatch.setattr(syntax_workers, "WORKER", worker)
    assert syntax_workers.verdicts(TEXTS, jobs=2) == here()
    assert len(started) == 1


def test_a_stopping_run_starts_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(syntax_workers, "MIN_SPLIT_CHARS", 0)

    def stopped(argv: list[str], **kwargs: Any) -> Any:
        raise processes.Stopped("stopping")

    monkeypatch.setattr(processes, "run", stopped)
    assert syntax_workers.verdicts(TEXTS, jobs=2) == here()


def test_halves_split_by_characters() -> None:
    texts = {"a": "x" * 10, "b": "x" * 10, "c": "x" * 10, "d": "x" * 10}
    assert syntax_workers.halves(list(texts), texts) == (["a", "b"], ["c", "d"])
    one = {"a": "x"}
    assert syntax_workers.halves(["a"], one) == (["a"], [])


def gate_report(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = cli.main(["run", "--all-files", "--format", "json", "--no-cache"])
    return code, json.loads(capsys.readouterr().out)


def verdict_of(run: tuple[int, dict[str, Any]]) -> tuple[Any, ...]:
    """Return the exit code, errors and findings (not the tools' seconds)."""
    code, report = run
    return code, report["errors"], report["findings"]


def findings(found: list[dict[str, Any]]) -> list[tuple[str, str, str, int]]:
    return [(f["tool"], f["rule"], f["path"], f["line"]) for f in found]


def test_the_gate_reports_the_same_with_and_without_a_worker(
    project: Project,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    started: list[list[str]],
) -> None:
    """flake8 and mypy for real: E999 once, the tools given only valid files."""
    for name, text in TEXTS.items():
        project.write(f"pkg/{name}", text)
    project.write("pkg/__init__.py", "")
    project.write("pkg/typed.py", 'def h() -> int:\n    return "s"\n')
    project.write("pyproject.toml", TOOLS)
    project.commit()
    monkeypatch.chdir(project.root)
    alone = verdict_of(gate_report(capsys))
    assert not [argv for argv in started if is_worker(argv)]
    monkeypatch.setattr(syntax_workers, "MIN_SPLIT_CHARS", 0)
    split = verdict_of(gate_report(capsys))
    assert split == alone
    assert sum(1 for argv in started if is_worker(argv)) == 1
    found = findings(split[2])
    assert sorted(f[2] for f in found if f[1] == "E999") == [
        "pkg/bad.py",
        "pkg/deep.py",
        "pkg/loose.py",
        "pkg/nonlocal.py",
        "pkg/outside.py",
        "pkg/utf8.py",
    ]
    assert ("mypy", "return-value", "pkg/typed.py", 2) in found


TOOLS = '[tool.quality-gates]\ntools = ["flake8", "mypy"]\n'


def is_worker(argv: list[str]) -> bool:
    return argv[2:4] == ["-c", syntax_workers.WORKER]
