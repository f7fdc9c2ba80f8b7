"""Tell whether a shell command runs a gate (a test, linter, type checker, audit)."""

from __future__ import annotations

import re

GATE_TOOLS = frozenset(
    """pytest py.test tox nox flake8 mypy pyright pytype pylint ruff black isort bandit
    pip-audit safety semgrep coverage pre-commit quality-gates pydocstyle pycodestyle
    pyflakes codespell eslint tsc prettier shellcheck hadolint actionlint zizmor trivy
    gitleaks detect-secrets interrogate vulture radon xenon yamllint markdownlint
    check-manifest twine unittest deptry darglint doc8 sphinx-build mkdocs
    django-admin manage.py behave nose2 ward hypothesis""".split()
)
GATE_WORDS = re.compile(
    r"test|lint|check|audit|scan|verify|typecheck|coverage|security|sast|clippy|\bvet\b"
)
_WRAPPERS = frozenset("sudo time env nice nohup exec command xvfb-run".split())
_RUNNERS = frozenset("uv poetry pdm hatch pipenv rye".split())
_SUBCOMMANDS = frozenset(
    "make just task npm yarn pnpm invoke inv rake cargo go pip pip3 bundle mvn".split()
)
_INTERPRETERS = re.compile(r"^(python[0-9.]*|py|bash|sh|zsh|node|ruby|perl)$")
_BUILTINS = frozenset(("test", "[", "[[", "true", "false", ":"))
_SPLIT = re.compile(r"&&|\|\||\||[(){}!]")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def _strip_wrappers(tokens: list[str]) -> list[str]:
    while tokens and (_ASSIGNMENT.match(tokens[0]) or tokens[0] in _WRAPPERS):
        tokens = tokens[1:]
    if len(tokens) > 1 and tokens[0] in _RUNNERS and tokens[1] == "run":
        tokens = [t for t in tokens[2:] if not t.startswith("-")]
    elif tokens and tokens[0] in ("uvx", "npx", "pipx"):
        tokens = [t for t in tokens[1:] if not t.startswith("-") and t != "run"]
    if len(tokens) > 2 and _INTERPRETERS.match(tokens[0]) and tokens[1] == "-m":
        tokens = tokens[2:]
    return tokens


def _base(token: str) -> str:
    return token.rsplit("/", 1)[-1]


def command_is_gate(command: str) -> bool:
    """Tell whether one simple command (no operators) runs a gate."""
    tokens = _strip_wrappers(command.split())
    if not tokens:
        return False
    head = _base(tokens[0])
    args = [t for t in tokens[1:] if not t.startswith("-")]
    if head in GATE_TOOLS:
        return True
    if head in _SUBCOMMANDS:
        if head not in ("make", "just", "task") and args[:1] == ["run"]:
            args = args[1:]
        targets = args if head in ("make", "just", "task") else args[:1]
        return any(GATE_WORDS.search(t) for t in targets)
    if _INTERPRETERS.match(head):
        return bool(args) and (
            _base(args[0]) in GATE_TOOLS or bool(GATE_WORDS.search(_base(args[0])))
        )
    return head not in _BUILTINS and bool(GATE_WORDS.search(head))


def runs_gate(text: str) -> bool:
    """Any command in a list or pipeline (``a && b | c``) is a gate."""
    for line in text.splitlines() or [text]:
        for part in re.split(r";|\bthen\b|\bdo\b|\belse\b", line):
            if any(command_is_gate(cmd) for cmd in _SPLIT.split(part)):
                return True
    return False
