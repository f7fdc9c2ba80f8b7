"""Dependencies whose environment marker excludes the audited Python.

In-process (``cli.main`` with capsys, an offline OSV folder: no tool decides
here); the marker environment of another interpreter is read from a real one.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import Project
from packaging.requirements import Requirement
from quality_gates import cli
from quality_gates.errors import GateError
from quality_gates.security import deps
from quality_gates.security.markers import Markers
from security_osv_standin import requests_2018

OLD = 'python_version < "3.8"'
PYPROJECT = '[project]\nname = "demo"\nversion = "1"\ndependencies = [\n{}]\n'
HERE = platform.python_version()


def audit(
    project: Project,
    dependencies: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[int, dict[str, object]]:
    """Audit ``[project] dependencies`` offline; the exit code and JSON report."""
    lines = "".join(f"  {json.dumps(d)},\n" for d in dependencies)
    project.write("pyproject.toml", PYPROJECT.format(lines))
    project.write("osv/PYSEC-2018-28.json", json.dumps(requests_2018()))
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("VIRTUAL_ENV", "")
    capsys.readouterr()
    code = cli.main(["security", "--vuln-db", "osv", "--no-code", "--format", "json"])
    report: dict[str, object] = json.loads(capsys.readouterr().out)
    return code, report


def test_dependencies_all_excluded_by_markers_are_not_called_undeclared(
    project: Project,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    declared = [f"requests==2.19.0; {OLD}", f"importlib-metadata; {OLD}"]
    code, report = audit(project, declared, capsys, monkeypatch)
    assert code == 0
    assert report["notes"] == [
        f"2 declared dependencies are excluded by their markers for this Python"
        f" ({HERE}) in pyproject.toml: nothing else is declared, so nothing to"
        f' audit: `requests==2.19.0; python_version < "3.8"`,'
        f' `importlib-metadata; python_version < "3.8"`'
    ]
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["dependencies"] == 0
    assert summary["excluded_by_markers"] == [
        'requests==2.19.0; python_version < "3.8"',
        'importlib-metadata; python_version < "3.8"',
    ]


def test_the_twin_whose_marker_holds_is_audited_and_fails(
    project: Project,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, report = audit(
        project, ['requests==2.19.0; python_version >= "3.8"'], capsys, monkeypatch
    )
    assert code == 1
    findings = report["findings"]
    assert isinstance(findings, list)
    assert [f["rule"] for f in findings] == ["PYSEC-2018-28"]
    notes = report["notes"]
    assert isinstance(notes, list)
    assert not [n for n in notes if "markers" in n]


def test_some_excluded_are_named_beside_what_is_audited(
    project: Project,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    declared = ["requests==2.19.0", f"typing-extensions==3.7.4; {OLD}"]
    code, report = audit(project, declared, capsys, monkeypatch)
    assert code == 1
    notes = report["notes"]
    assert isinstance(notes, list)
    assert (
        f"1 declared dependency is excluded by its marker for this Python ({HERE}) in"
        ' pyproject.toml: not audited: `typing-extensions==3.7.4; python_version < "3.8"`'
    ) in notes
    assert "no dependencies declared in pyproject.toml" not in notes


def test_none_declared_is_still_said_so(
    project: Project,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, report = audit(project, [], capsys, monkeypatch)
    assert code == 0
    assert report["notes"] == ["no dependencies declared in pyproject.toml"]


def test_requirements_files_count_what_their_markers_exclude(tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text(f"requests==2.19.0 ; {OLD}\nidna==3.7\n")
    found = deps.collect(tmp_path, [str(req)], {})
    assert [d.name for d in found.dependencies] == ["idna"]
    assert found.excluded == [f"requests==2.19.0; {OLD}"]
    assert found.python == HERE


def _other_python() -> str | None:
    """Return an interpreter on this machine whose full version is not ours."""
    for name in ("/usr/bin/python3", "python3.12", "python3.13", "python3.10"):
        path = shutil.which(name)
        if path is None:
            continue
        proc = subprocess.run(
            [path, "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode == 0 and proc.stdout.strip() not in ("", HERE):
            return path
    return None


def test_markers_are_those_of_the_audited_interpreter(tmp_path: Path) -> None:
    """A project's .venv or python-executable may run another Python than ours."""
    other = _other_python()
    if other is None:
        pytest.skip("no interpreter of another version on this machine")
    theirs = Markers(other).version
    assert theirs != HERE
    req = tmp_path / "requirements.txt"
    req.write_text(f'requests==2.19.0; python_full_version == "{theirs}"\n')
    found = deps.collect(tmp_path, [str(req)], {}, python=other)
    assert [d.name for d in found.dependencies] == ["requests"]
    assert found.excluded == []
    ours = deps.collect(tmp_path, [str(req)], {})
    assert ours.dependencies == []
    assert (ours.excluded, ours.python) == (
        [f'requests==2.19.0; python_full_version == "{theirs}"'],
        HERE,
    )


def test_an_interpreter_that_cannot_answer_is_an_error(tmp_path: Path) -> None:
    markers = Markers(str(tmp_path / "no-python"))
    assert markers.applies(Requirement("idna==3.7"))  # no marker: nothing to ask
    with pytest.raises(GateError, match="cannot read its environment markers"):
        markers.applies(Requirement(f"idna==3.7; {OLD}"))
