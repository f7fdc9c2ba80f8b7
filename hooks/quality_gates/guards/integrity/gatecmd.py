"""Tell whether a shell command runs a gate (a test, linter, type checker, audit).

A command is a gate by its name (``pytest``, ``flake8``, ``make lint``,
``npm run typecheck``, ``bash -n``) or by where it stands: any command that is
not plain setup or cleanup, in a step or job whose name says it checks
(``Check formatting``, ``Run tests``, ``Build docs``).  Fixers (``black .``,
``ruff check --fix``) and version or help queries are never gates.
"""

from __future__ import annotations

import re

GATE_TOOLS = frozenset(
    """pytest py.test tox nox flake8 mypy pyright pytype pylint ruff black isort bandit
    pip-audit safety semgrep coverage pre-commit quality-gates pydocstyle pycodestyle
    pyflakes codespell eslint tsc prettier shellcheck hadolint actionlint zizmor trivy
    gitleaks detect-secrets interrogate vulture xenon yamllint markdownlint
    markdownlint-cli2 check-manifest twine unittest deptry darglint doc8 sphinx-build
    mkdocs django-admin manage.py behave nose2 ward py_compile compileall audit-ci
    vermin check-sdist check-wheel-contents validate-pyproject pyroma mdformat
    jest vitest mocha stylelint biome ty basedpyright slotscheck import-linter
    lint-imports refurb docformatter trufflehog grype osv-scanner tfsec checkov
    kube-linter kubeconform conftest""".split()
)
GATE_WORDS = re.compile(
    r"test|lint|check|audit|scan|verify|validat|typecheck|type-check|coverage|"
    r"security|sast|clippy|\bvet\b|spotless|fmt|format"
)
CONTEXT_WORDS = re.compile(
    r"(?i)test|lint|check|verif|validat|audit|scan|secur|typ(e|ing)|coverage|"
    r"\bbuild|compil|\bdocs?\b|documentation|quality|style|format|smoke|sast|"
    r"analy[sz]|e2e|suite|scenario|chaos|resilien|benchmark|\bperf|\bslo\b|secret"
)
# A step named for shipping what it builds delivers; its build is no check.
DELIVERY_STEP = re.compile(r"(?i)\bpush|\bdeploy|d[ée]ploi|\bpublish|\brelease")
_BUILD = re.compile(r"(?i)\bbuild\w*")
# A step named for what it sets up or moves is not a check, whatever its job is.
SETUP_STEP = re.compile(
    r"(?i)^\s*(install|set ?up|setup|cache|restore|save|check ?out|upload|download|"
    r"configure|log ?in|publish|deploy|notify|prepare|clean|generate|create|start|"
    r"stop|wait|collect|print|show|display|report|summar|get|fetch|push|tag|"
    r"update|bump|release|free|remove|delete)"
)
_WRAPPERS = frozenset(
    "sudo time env nice nohup exec command xvfb-run stdbuf unbuffer caffeinate".split()
)
_RUNNERS = frozenset("uv poetry pdm hatch pipenv rye conda mamba micromamba".split())
_SUBCOMMANDS = frozenset("npm yarn pnpm bun invoke inv rake bundle pip pip3".split())
_TARGETS = frozenset(
    "make just task mvn mvnw gradle gradlew sbt ant cargo go dotnet swift".split()
)
_INTERPRETERS = re.compile(r"^(python[0-9.]*|py|node|ruby|perl|deno|php)$")
_SHELLS = re.compile(r"^(ba|z|da|k)?sh$")
_CONTAINERS = frozenset("docker podman".split())
# Commands that set up, clean up, report or move files: never a gate by context.
_PLUMBING = frozenset(
    """cd pushd popd rm rmdir mkdir cp mv ln touch chmod chown echo printf cat ls pwd
    export source . sleep kill pkill killall wait true false : test [ [[ set unset
    shopt trap read eval exit return continue break git curl wget apt-get apt dpkg
    brew yum dnf apk choco winget snap pip pip3 pipx conda mamba micromamba npm yarn
    pnpm corepack nvm rustup ssh ssh-keyscan ssh-add gpg which type hash tee xargs
    find sed awk cut sort uniq head tail wc tr date basename dirname realpath readlink
    grep egrep fgrep jq yq tar unzip zip gzip gunzip xz base64 sha256sum md5sum df du
    free uname whoami id hostname systemctl service docker podman kubectl helm aws
    gcloud az gh hub sudo env ulimit umask alias local declare readonly typeset let
    codecov coveralls diff cmp tput clear stty nproc getconf ldconfig
    update-alternatives
    locale-gen localedef mount umount ps top pgrep lsof netstat ss ping nc timeout
    deactivate activate pyenv asdf sdk fnm volta""".split()
)
_FIXER_FLAGS = frozenset(("--check", "--check-only", "--diff", "-c"))
# Metrics that print and never fail on what they find.
_REPORTERS = frozenset(
    "radon cloc tokei pygount scc lizard wily syft cyclonedx-py cyclonedx-bom".split()
)


def _base(token: str) -> str:
    return token.rsplit("/", 1)[-1]


def _strip_options(tokens: list[str]) -> list[str]:
    return [t for t in tokens if not t.startswith("-")]


def _after_xargs(tokens: list[str]) -> list[str]:
    index = 1
    takes_value = {"-I", "-n", "-P", "-L", "-d", "-E", "-s", "-a"}
    while index < len(tokens) and tokens[index].startswith("-"):
        index += 2 if tokens[index] in takes_value else 1
    return tokens[index:]


def _after_exec(tokens: list[str]) -> list[str]:
    """Return what ``find ... -exec CMD {} ;`` runs."""
    for flag in ("-exec", "-execdir", "-ok"):
        if flag in tokens:
            rest = tokens[tokens.index(flag) + 1 :]
            return [t for t in rest if t not in ("{}", ";", "\\;", "+")]
    return []


def _after_timeout(tokens: list[str]) -> list[str]:
    rest = [t for t in tokens[1:] if not t.startswith("-")]
    return rest[1:]


def strip_wrappers(tokens: list[str]) -> list[str]:
    """Drop ``FOO=1 sudo``, ``uv run``, ``python -m``, ``xargs``, ``find -exec``."""
    while tokens and (
        re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", tokens[0])
        or _base(tokens[0]) in _WRAPPERS
    ):
        if tokens[0] == "command" and tokens[1:2] in (["-v"], ["-V"]):
            return []  # `command -v tool` looks a tool up, it does not run it
        tokens = tokens[1:]
    if not tokens:
        return tokens
    head = _base(tokens[0])
    if head == "xargs":
        return strip_wrappers(_after_xargs(tokens))
    if head == "find" and _after_exec(tokens):
        return strip_wrappers(_after_exec(tokens))
    if head == "timeout":
        return strip_wrappers(_after_timeout(tokens))
    if len(tokens) > 1 and head in _RUNNERS and tokens[1] in ("run", "exec", "x"):
        return strip_wrappers(_drop_runner_options(tokens[2:]))
    if head in ("uvx", "npx", "pipx", "bunx", "pnpx"):
        rest = [t for t in tokens[1:] if t != "run"]
        return strip_wrappers(_drop_runner_options(rest))
    if len(tokens) > 2 and _INTERPRETERS.match(head) and tokens[1] == "-m":
        return tokens[2:]
    return tokens


def _drop_runner_options(tokens: list[str]) -> list[str]:
    """``--with x --python 3.12 --frozen tool args`` -> ``tool args``."""
    takes_value = {"--with", "--python", "-p", "--from", "--group", "--extra", "-e"}
    index = 0
    while index < len(tokens) and tokens[index].startswith("-"):
        has_value = tokens[index] in takes_value and "=" not in tokens[index]
        index += 2 if has_value else 1
    return tokens[index:]


def _named_tool(head: str, args: list[str]) -> bool | None:
    """Judge a named checker by its options; None when ``head`` is not one."""
    if head not in GATE_TOOLS:
        return None
    plain = _strip_options(args)
    if any(a in ("--version", "-V", "--help", "-h") for a in args):
        return False
    if head in ("black", "isort"):
        return any(a in _FIXER_FLAGS for a in args)
    if head == "ruff":
        return _ruff_is_check(args)
    if head == "prettier":
        return any(a in ("--check", "-c", "--list-different", "-l") for a in args)
    if head == "coverage":
        return plain[:1] == ["run"] or any(a.startswith("--fail-under") for a in args)
    if head == "pre-commit":
        return not plain or plain[0] in ("run", "try-repo")
    if head == "twine":
        return plain[:1] == ["check"]
    if head == "mkdocs":
        return plain[:1] == ["build"]
    return True


def _ruff_is_check(args: list[str]) -> bool:
    plain = _strip_options(args)
    if plain[:1] == ["format"]:
        return "--check" in args or "--diff" in args
    fixes = "--fix" in args and "--exit-non-zero-on-fix" not in args
    return not fixes


_VALUE_FLAGS = frozenset("-f -C -pl -P -s --file --directory --settings -p".split())


def _targets(args: list[str]) -> list[str]:
    """``make -C docs lint`` -> ``lint``: goals, not option values or paths."""
    out = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _VALUE_FLAGS:
            skip = True
        elif not arg.startswith("-") and "/" not in arg and "=" not in arg:
            out.append(arg)
    return out


def _subcommand_tool(head: str, args: list[str]) -> bool | None:
    plain = _strip_options(args)
    if head in _TARGETS:
        return any(GATE_WORDS.search(t) for t in _targets(args))
    if head not in _SUBCOMMANDS:
        return None
    if plain[:1] == ["run"]:
        plain = plain[1:]
    return any(GATE_WORDS.search(t) for t in plain[:1]) or plain[:1] == ["test"]


def _interpreter(head: str, args: list[str]) -> bool | None:
    if _SHELLS.match(head):
        return "-n" in args or bool(
            args and not args[0].startswith("-") and GATE_WORDS.search(_base(args[0]))
        )
    if not _INTERPRETERS.match(head):
        return None
    plain = _strip_options(args)
    return bool(plain) and (
        _base(plain[0]) in GATE_TOOLS or bool(GATE_WORDS.search(_base(plain[0])))
    )


def _container(head: str, args: list[str]) -> bool | None:
    if head not in _CONTAINERS:
        return None
    plain = _strip_options(args)
    if plain[:1] == ["compose"]:
        plain = plain[1:]
    if plain[:1] not in (["run"], ["exec"]):
        return False
    return any(_image_name(t) in GATE_TOOLS for t in plain[1:])


def _image_name(token: str) -> str:
    """``aquasec/trivy:latest`` -> ``trivy``; a plain word stays as it is."""
    return _base(token).split("@", 1)[0].split(":", 1)[0]


def command_is_gate(command: str | list[str]) -> bool:
    """Tell whether one simple command (no operators) runs a gate by its name."""
    tokens = command.split() if isinstance(command, str) else list(command)
    return named_gate(tokens)


def named_gate(tokens: list[str]) -> bool:
    """Tell whether a command is a checker by its name (tool, target or script)."""
    tokens = strip_wrappers(tokens)
    if not tokens:
        return False
    head, args = _base(tokens[0]), tokens[1:]
    for judge in (_named_tool, _subcommand_tool, _interpreter, _container):
        verdict = judge(head, args)
        if verdict is not None:
            return verdict
    if head in ("git",) and ("--exit-code" in args or "--check" in args):
        return True
    return head not in _PLUMBING and bool(GATE_WORDS.search(head))


def is_fixer(tokens: list[str]) -> bool:
    """Tell whether a command is a formatter or ``--fix`` run (not a check)."""
    tokens = strip_wrappers(tokens)
    if not tokens:
        return False
    head, args = _base(tokens[0]), tokens[1:]
    if head in ("black", "isort", "ruff", "prettier"):
        return _named_tool(head, args) is False
    return "--fix" in args or "--write" in args or "-w" in args


def checking_context(step: str, job: str) -> str:
    """Return the names that make a step's commands checks ('' for setup).

    A step that builds in order to ship ("Build and push the image") delivers:
    its ``docker build`` checks nothing, unless the name also says it tests.
    """
    if SETUP_STEP.match(step):
        return ""
    if DELIVERY_STEP.search(step) and not CONTEXT_WORDS.search(_BUILD.sub("", step)):
        return ""
    both = f"{step} / {job}"
    return both if CONTEXT_WORDS.search(both) else ""


def context_gate(tokens: list[str], context: str) -> bool:
    """Tell whether a command checks because its step or job checks."""
    tokens = strip_wrappers(tokens)
    if not tokens or not context:
        return False
    head = _base(tokens[0])
    if head in GATE_TOOLS or head in _REPORTERS:
        return False  # a named checker decides by its own options (named_gate)
    if head in _PLUMBING or is_fixer(tokens):
        return head in _CONTAINERS and _strip_options(tokens[1:])[:1] == ["build"]
    if any(a in ("--version", "-V", "--help", "-h") for a in tokens[1:]):
        return False
    if _SHELLS.match(head) and ("-s" in tokens or not _strip_options(tokens[1:])):
        return False  # `curl ... | sh -s -- -b bin`: an installer read from stdin
    return not (_INTERPRETERS.match(head) and tokens[1:2] == ["-m"] and "pip" in tokens)


def gate_key(tokens: list[str]) -> str:
    """Return what a gate runs, to match a report run with its honest twin."""
    tokens = strip_wrappers(tokens)
    if not tokens:
        return ""
    head = _base(tokens[0])
    plain = _strip_options(tokens[1:])
    if head in _SUBCOMMANDS or head in _TARGETS:
        return " ".join([head, *plain[:2]])
    return head


def runs_gate(text: str) -> bool:
    """Any command in a list or pipeline (``a && b | c``) is a gate by its name."""
    for line in text.splitlines() or [text]:
        for part in re.split(r";|\bthen\b|\bdo\b|\belse\b", line):
            for cmd in re.split(r"&&|\|\||\||[(){}!]", part):
                if command_is_gate(cmd):
                    return True
    return False
