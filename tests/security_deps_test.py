"""Which dependencies the security gate audits: requirements files, pyproject, environment."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest
from quality_gates.errors import GateError
from quality_gates.security import deps
from quality_gates.security.deps import Dependency

INSTALLED = {"packaging": ("packaging", "24.0"), "idna": ("idna", "3.7")}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_requirements_with_includes_comments_markers_extras(tmp_path: Path) -> None:
    write(
        tmp_path / "requirements.txt",
        "# pinned for production\n"
        "requests[socks]==2.19.0  # the old one\n"
        "-r requirements/base.txt\n"
        "--index-url https://example.invalid/simple\n"
        "Jinja2==2.10 ; python_version >= '3'\n"
        "pywin32==306 ; sys_platform == 'win32'\n"
        "urllib3==1.26.16 \\\n"
        "    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000\n"
        "-c constraints.txt\n"
        "-e ./local-package\n"
        "packaging>=23\n"
        "\n",
    )
    write(
        tmp_path / "requirements" / "base.txt",
        "Django==4.1.5\n-r ../requirements.txt\n",
    )
    found = deps.from_requirements(
        tmp_path, [str(tmp_path / "requirements.txt")], INSTALLED
    )
    pairs = {(d.name, d.version, d.source, d.line) for d in found.dependencies}
    assert pairs == {
        ("requests", "2.19.0", "requirements.txt", 2),
        ("Django", "4.1.5", "requirements/base.txt", 1),
        ("Jinja2", "2.10", "requirements.txt", 5),
        ("urllib3", "1.26.16", "requirements.txt", 7),
        (
            "packaging",
            "24.0",
            "requirements.txt",
            11,
        ),  # unpinned: the installed version
    }
    assert len(found.unaudited) == 1 and "editable" in found.unaudited[0]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param(
            "flask>=2\n",
            "not pinned with == and not installed",
            id="unpinned-not-installed",
        ),
        pytest.param(
            "idna<3\n",
            "not pinned with == and not installed",
            id="installed-outside-spec",
        ),
        pytest.param(
            "pkg @ https://example.invalid/pkg-1.0.tar.gz\n",
            "URL requirement",
            id="url",
        ),
        pytest.param("Django==4.*\n", "not pinned", id="wildcard-pin"),
    ],
)
def test_unauditable_requirements_are_listed(
    tmp_path: Path, line: str, reason: str
) -> None:
    req = write(tmp_path / "r.txt", line)
    found = deps.from_requirements(tmp_path, [str(req)], INSTALLED)
    assert found.dependencies == []
    assert reason in found.unaudited[0]
    assert "r.txt:1" in found.unaudited[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            "requests==\n", r"r\.txt:1: not a valid requirement", id="invalid"
        ),
        pytest.param(
            "-r\n", r"r\.txt:1: -r needs a file name", id="include-without-name"
        ),
        pytest.param(
            "-r missing.txt\n",
            r"missing\.txt: no such requirements file",
            id="missing-include",
        ),
        pytest.param(b"requests==2.0\n\xff\n", r"r\.txt: not UTF-8", id="not-utf8"),
    ],
)
def test_bad_requirements_files(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    req = tmp_path / "r.txt"
    req.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(GateError, match=message):
        deps.from_requirements(tmp_path, [str(req)], INSTALLED)


def test_missing_requirements_file(tmp_path: Path) -> None:
    with pytest.raises(GateError, match="no such requirements file"):
        deps.from_requirements(tmp_path, [str(tmp_path / "nope.txt")], INSTALLED)


def test_pyproject_dependencies(tmp_path: Path) -> None:
    text = '[project]\nname = "x"\ndependencies = [\n  "requests==2.19.0",\n  "packaging",\n]\n'
    write(tmp_path / "pyproject.toml", text)
    import tomllib

    found = deps.collect(tmp_path, [], tomllib.loads(text))
    assert found.origin == "pyproject.toml"
    installed_packaging = importlib.metadata.version("packaging")
    assert {(d.name, d.version, d.line) for d in found.dependencies} == {
        ("requests", "2.19.0", 4),
        ("packaging", installed_packaging, 5),
    }


def test_environment_when_nothing_declared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only when the suite's environment is the activated one (the tests' venv)."""
    import sys

    monkeypatch.setenv("VIRTUAL_ENV", "")
    with pytest.raises(GateError, match="nothing of the project to audit"):
        deps.collect(tmp_path, [], {})
    monkeypatch.setenv("VIRTUAL_ENV", sys.prefix)
    found = deps.collect(tmp_path, [], {})
    assert found.origin == "environment"
    names = {d.key: d.version for d in found.dependencies}
    assert names["packaging"] == importlib.metadata.version("packaging")
    assert names["bandit"] == importlib.metadata.version("bandit")


def test_other_interpreter_environment(tmp_path: Path) -> None:
    import sys

    found = deps.from_environment(sys.executable)
    assert any(d.key == "packaging" for d in found.dependencies)
    with pytest.raises(GateError, match="cannot list its packages"):
        deps.from_environment(str(tmp_path / "no-python"))


def test_duplicates_collapse_to_first_declaration(tmp_path: Path) -> None:
    req = write(tmp_path / "r.txt", "requests==2.19.0\nRequests==2.19.0\n")
    found = deps.collect(tmp_path, [str(req)], {})
    assert found.dependencies == [Dependency("requests", "2.19.0", "r.txt", 1)]


def test_versions_that_are_not_pep440_are_listed_not_audited(tmp_path: Path) -> None:
    req = write(tmp_path / "r.txt", "legacy===1.0-custom-build\nrequests==2.19.0\n")
    found = deps.collect(tmp_path, [str(req)], {})
    assert [d.name for d in found.dependencies] == ["requests"]
    assert found.unaudited == [
        "legacy 1.0-custom-build: not a PEP 440 version, cannot be compared"
    ]


def test_a_requirements_file_that_never_ends_is_refused(tmp_path: Path) -> None:
    """/dev/zero: read up to the limit (16 MiB), never to the end of memory."""
    with pytest.raises(GateError, match=r"^/dev/zero: more than 16777216 bytes"):
        deps.from_requirements(tmp_path, ["/dev/zero"], INSTALLED)
