"""Tell whether a shell command runs a check, and on what evidence.

A command is a check *by name* when the command itself says so: a checker of
the catalogue (``pytest``, ``flake8``, ``pydoctor``), a checking subcommand or
target (``pip check``, ``make lint``, ``npm run typecheck``), an argument that
makes it check (``--check``, ``--exit-code``, ``--fail-under``) or a script
whose name says it checks (``./scripts/run-tests.sh``).  It is a check *by
context* when only its step or job says so (``Run e2e suite`` running
``./run.sh``): that is weaker evidence, and findings resting on it are notes
unless the failure is thrown away on purpose.  Fixers (``black .``, ``ruff
check --fix``), setup (``pkg_install``, ``pip install``), reports (``radon``)
and version queries are never checks.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

from quality_gates.guards.integrity import catalogue as cat
from quality_gates.guards.integrity import cmdwords, tooljudges, wrapped
from quality_gates.guards.integrity.cmdwords import drop_runner_options
from quality_gates.guards.integrity.httpprobes import (
    AFTER_DEPLOY,
    fail_flag,
    http_probe,
    local_probe,
    port_probe,
    shown_probe,
    strict_probe,
)
from quality_gates.guards.integrity.stepnames import (
    BUILD_WORDS,
    CONTEXT_WORDS,
    ENDS_SETTING_UP,
    FORMAT,
    SETUP_STEP,
)
from quality_gates.guards.integrity.tooljudges import option_given

_WRAPPERS = wrapped.WRAPPERS
_RUNNERS = frozenset(
    "uv poetry pdm hatch pipenv rye conda mamba micromamba pixi".split()
)
_INTERPRETERS = re.compile(r"^(python[0-9.]*|py|pypy[0-9.]*|node|ruby|perl|deno|php)$")
_SHELLS = re.compile(r"^(ba|z|da|k)?sh$")
_CONTAINERS = frozenset("docker podman".split())
_COMPOSE = {"docker-compose": "docker", "podman-compose": "podman"}
# `docker build`, `docker compose config` (it fails on an invalid file): checks
# where the step or job says it checks
_CONTEXT_VERBS = (["build"], ["config"])


@dataclasses.dataclass(frozen=True)
class Check:
    """Why a command is a check: ``named`` (by itself) or ``context`` (its step)."""

    strength: str
    key: str = ""
    query: bool = False


def _drop_assignments(tokens: list[str]) -> list[str]:
    while tokens and (
        re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", tokens[0])
        or cmdwords.base(tokens[0]) in _WRAPPERS
    ):
        if tokens[0] == "command" and tokens[1:2] in (["-v"], ["-V"]):
            return []  # `command -v tool` looks a tool up, it does not run it
        word, tokens = cmdwords.base(tokens[0]), tokens[1:]
        if "=" not in word and word in _WRAPPERS:
            tokens = wrapped.drop_options(word, tokens)
    return tokens


def strip_wrappers(tokens: list[str]) -> list[str]:
    """Drop ``FOO=1 sudo``, ``uv run``, ``python -m``, ``xargs``, ``find -exec``."""
    tokens = _drop_assignments(tokens)
    if not tokens:
        return tokens
    head = cmdwords.head(tokens[0])
    if head == "xargs":
        return strip_wrappers(cmdwords.after_xargs(tokens))
    if head == "find" and cmdwords.exec_part(tokens)[0]:
        return strip_wrappers(cmdwords.exec_part(tokens)[0])
    if head == "timeout":
        return strip_wrappers(wrapped.after_timeout(tokens))
    nix = wrapped.in_nix(tokens)
    if nix is not None:
        return strip_wrappers(nix)
    if head in _CONTAINERS:
        return _in_container(tokens)
    if head in _COMPOSE:  # `docker-compose ps` is the older `docker compose ps`
        return strip_wrappers([_COMPOSE[head], "compose", *tokens[1:]])
    if head == "nbqa" and tokens[1:2] and not tokens[1].startswith("-"):
        return strip_wrappers(tokens[1:])  # `nbqa flake8 .`: flake8 on notebooks
    if head == "bundle" and tokens[1:2] == ["exec"]:
        return strip_wrappers(tokens[2:])  # `bundle exec rspec`
    if head in _RUNNERS:
        rest = drop_runner_options(tokens[1:])  # `hatch -v run`, `uv -q run`
        if rest[:1] in (["run"], ["exec"], ["x"]):
            return strip_wrappers(drop_runner_options(rest[1:]))
    if tokens[:3] == [tokens[0], "tool", "run"] and head == "uv":
        return strip_wrappers(drop_runner_options(tokens[3:]))  # `uv tool run` = uvx
    if head in tooljudges.PACKAGE_EXEC and tokens[1:2] in (["exec"], ["dlx"], ["x"]):
        rest = drop_runner_options(tokens[2:])  # `npm exec --package=x -- tsc`
        return strip_wrappers(rest[1:] if rest[:1] == ["--"] else rest)
    if head in ("uvx", "npx", "pipx", "bunx", "pnpx"):
        rest = [t for t in tokens[1:] if t != "run"]
        return strip_wrappers(drop_runner_options(rest))
    if _INTERPRETERS.match(head) and "-m" in tokens:
        index = tokens.index("-m", 1)
        if all(t.startswith("-") for t in tokens[1:index]):
            return tokens[index + 1 :]
    return tokens


def _in_container(tokens: list[str]) -> list[str]:
    """``docker run --rm IMAGE pytest`` -> ``pytest``; a checker or a shell only.

    Other commands stay in their container (``docker compose exec db
    createdb``): only a checker by its name or a script (walked as one) is
    judged as if run here.
    """
    contained = wrapped.in_container(tokens)
    if contained is None:
        return tokens
    inner = strip_wrappers(contained)
    head = cmdwords.head(inner[0]) if inner else ""
    if _SHELLS.match(head) or _INTERPRETERS.match(head) or named(inner) is True:
        return inner
    if head == "script":  # util-linux `script -c TEXT`: a script, walked as one
        return inner
    return tokens


# Formatters whose ``--diff`` prints the change, writes nothing and exits 0:
# only a check flag (``--check``, ``--check-only``; autopep8's ``--exit-code``)
# fails.  Their configuration may check instead (``formatchecks``): black's
# ``check = true``, autopep8's ``exit-code = true``.
_DIFF_ONLY = frozenset(("black", "isort", "autopep8"))
_DIFF_FLAGS = {"autopep8": frozenset(("--diff", "-d"))}
# autopep8 is one module run as a script too (``./autopep8.py --diff``)
_DIFF_ONLY_SCRIPTS = {"autopep8.py": "autopep8"}
# autopep8 told where its configuration is (not judged) or to read none
_OWN_CONFIG = frozenset(("--global-config",))
_NO_CONFIG = frozenset(("--ignore-local-config",))


def shows_diff_only(tokens: list[str], checking: frozenset[str] = frozenset()) -> bool:
    """``isort --diff .``: a formatter asked only to show its diff.

    It changes no file and exits 0 whatever it would change, so where a
    check is meant (a lint env or step) the check cannot fail.  Not a
    formatter its configuration makes check (``checking``: black under
    ``check = true`` in ``[tool.black]``, ``formatchecks``), unless told to
    read none of it (autopep8's ``--ignore-local-config``).
    """
    tokens = strip_wrappers(tokens)
    head = cmdwords.head(tokens[0]) if tokens else ""
    head = _DIFF_ONLY_SCRIPTS.get(head, head)
    if head not in _DIFF_ONLY:
        return False
    args = tokens[1:]
    options = {a.split("=", 1)[0] for a in args}
    if head in checking and not options & _NO_CONFIG or options & _OWN_CONFIG:
        return False
    checks = cat.FIXER_OWN_CHECK_FLAGS.get(head, cat.FIXER_CHECK_FLAGS)
    shows = _DIFF_FLAGS.get(head, frozenset(("--diff",)))
    return bool(options & shows) and not options & checks


_STYLE = re.compile(r"(?i)style|quality|pep8|flake")


def checking_env(section: str) -> bool:
    """Tell a tox env named for checking: ``testenv:lint``, ``testenv:codestyle``.

    ``[testenv]`` and an env named only for formatting (``format``) are not.
    """
    env = section.partition(":")[2]
    return bool(cat.GATE_WORDS.search(FORMAT.sub("", env)) or _STYLE.search(env))


def _inline_flags(head: str) -> frozenset[str]:
    """Return the options after which an interpreter reads code, not a path."""
    if head.startswith(("python", "py")):
        return frozenset(("-c",))
    if head in ("node", "deno"):
        return frozenset(("-e", "--eval", "-p", "--print"))
    return frozenset(("-r",)) if head == "php" else frozenset(("-e", "-E"))


def _interpreter(head: str, args: list[str]) -> bool | None:
    if _SHELLS.match(head):
        if "-n" in args:
            return True  # `bash -n script`: a syntax check
        plain = cmdwords.strip_options(args)
        if "-c" in args or not plain:
            return None  # `bash -c '...'` is read as a script of its own
        return tooljudges.script(cmdwords.base(plain[0]), args)
    if not _INTERPRETERS.match(head):
        return None
    if head == "node" and "--test" in args:
        return True  # `node --test`: Node's own test runner
    inline = next((a for a in args if a in _inline_flags(head)), None)
    if inline is not None:  # code on the command line, no script's name
        code = " ".join(args[args.index(inline) + 1 :])
        return False if cmdwords.version_query(code) else None
    plain = cmdwords.strip_options(args)
    if not plain:
        return None
    script = cmdwords.base(plain[0])
    if script == "setup.py":
        return plain[1:2] in (["check"], ["test"]) or None
    if script in cat.CHECKER_NAMES or script in cat.SUBCOMMAND_CHECKS:
        return named([script, *plain[1:]])
    return tooljudges.script(script, args)


def _container(head: str, args: list[str]) -> bool | None:
    if head not in _CONTAINERS:
        return None
    plain = cmdwords.container_verb(args)
    if plain[:1] in _CONTEXT_VERBS:
        return None  # an image build, a compose file read, check when the step says so
    if plain[:1] not in (["run"], ["exec"]):
        return False
    contained = wrapped.in_container([head, *args])
    verdict = named(contained) if contained else None
    if verdict is not None:  # `docker exec CONTAINER coverage combine`: no check
        return verdict  # the command run decides, not the container or image
    if any(cmdwords.image_name(t) in cat.GATE_TOOLS for t in plain[1:]):
        return True
    for index, token in enumerate(args):  # `aquasec/trivy --exit-code 1 fs .`
        flags = cat.CHECKS_ONLY_WITH.get(cmdwords.image_name(token))
        if flags is not None and tooljudges.fails_with(args[index + 1 :], flags):
            return True
    return None


def _shown_request(tokens: list[str]) -> bool:
    """Tell a local request that is a probe only by being shown (no ``--fail``).

    It fails when nothing listens, not on an HTTP error: whether it is the
    step's check or a look at the service, only the step's name says; its
    findings are notes, even behind ``|| true``.
    """
    tokens = strip_wrappers(tokens)
    if tokens and port_probe(cmdwords.head(tokens[0]), tokens[1:]):
        return True  # `nc -z HOST PORT`: a listener, not the service's answer
    if not tokens or cmdwords.head(tokens[0]) != "curl":
        return False
    if any(fail_flag(a) for a in tokens[1:]):
        return False  # `curl -fsS URL | head`: it fails on an HTTP error too
    return not strict_probe("curl", tokens[1:]) and shown_probe(tokens[1:])


def _failing_request(tokens: list[str]) -> bool:
    """``curl -sf URL``, ``curl --fail URL``: a request that fails on an HTTP error."""
    tokens = strip_wrappers(tokens)
    if not tokens or cmdwords.head(tokens[0]) != "curl":
        return False
    return any(fail_flag(a) for a in tokens[1:])


def _asks_local(tokens: list[str]) -> bool:
    """``curl localhost:8765/health``, ``wget http://localhost:8878``: asked locally."""
    tokens = strip_wrappers(tokens)
    if not tokens or cmdwords.head(tokens[0]) not in ("curl", "wget"):
        return False
    return local_probe(tokens[1:])


def named(tokens: list[str]) -> bool | None:
    """Judge a command by its name: True checks, False never, None ask its step."""
    tokens = strip_wrappers(tokens)
    if not tokens:
        return False
    head, args = cmdwords.head(tokens[0]), tokens[1:]
    head = _DIFF_ONLY_SCRIPTS.get(head, head)  # `./autopep8.py`: autopep8
    if cmdwords.asks_for_help(args):
        return False
    if head in _CONTAINERS:
        return _container(head, args)
    if head == "nix" and cmdwords.strip_options(args)[:2] == ["flake", "check"]:
        return True  # evaluates every output and runs the flake's checks
    if tooljudges.pub_setup(head, args):
        return False
    for judge in (
        tooljudges.fixer,
        tooljudges.git,
        tooljudges.subcommand,
        tooljudges.build_tool,
        tooljudges.env_runner,
        _interpreter,
    ):
        verdict = judge(head, args)
        if verdict is not None:
            return verdict
    if head in cat.GATE_TOOLS:
        return tooljudges.checks_itself(head, args)
    if head in cat.CHECKS_ONLY_WITH:
        return tooljudges.only_with(head, args)
    if http_probe(head, args) or port_probe(head, args):
        return None  # a probe checks where its step says it checks
    if head in cat.PLUMBING or head in cat.REPORTERS:
        return False
    if any(cat.CHECK_ARGUMENTS.match(a) for a in args):
        return True
    if cat.BUILT_ARTEFACT.search(tokens[0]):
        return None  # the project's own program: a check where its step tests
    return tooljudges.script(head, args)


def named_gate(tokens: list[str]) -> bool:
    """Tell whether a command is a checker by its name (tool, target or script)."""
    return named(tokens) is True


def command_is_gate(command: str | list[str]) -> bool:
    """Tell whether one simple command (no operators) runs a gate by its name."""
    tokens = command.split() if isinstance(command, str) else list(command)
    return named_gate(tokens)


def is_query(tokens: list[str]) -> bool:
    """Tell a status query (``git diff --quiet``): control flow when tested."""
    tokens = strip_wrappers(tokens)
    return bool(tokens) and cmdwords.head(tokens[0]) in cat.QUERY_TOOLS


def is_fixer(tokens: list[str]) -> bool:
    """Tell whether a command is a formatter or ``--fix`` run (not a check)."""
    tokens = strip_wrappers(tokens)
    if not tokens:
        return False
    head, args = cmdwords.head(tokens[0]), tokens[1:]
    verdict = tooljudges.fixer(head, args)
    if verdict is not None:
        return not verdict
    return "--fix" in args or "--write" in args or "-w" in args


def rewrites_only(tokens: list[str]) -> bool:
    """``prettier --write src``, ``black .``: a formatter run to rewrite files.

    It exits 0 whatever it changed (a linter's ``--fix`` still fails on what
    it cannot fix, so it is not one of these): where a step is named for
    checking, nothing of the check can fail unless the tree is read after.
    """
    tokens = strip_wrappers(tokens)
    if not tokens:
        return False
    head, args = cmdwords.head(tokens[0]), tokens[1:]
    if head == "ruff":
        return (
            cmdwords.strip_options(args)[:1] == ["format"]
            and tooljudges.fixer(head, args) is False
        )
    return (
        head in cat.FIXERS
        and tooljudges.fixer(head, args) is False
        and "--diff" not in args
        and _writes(head, args)
    )


# Formatters that print unless told to write in place: ``gofmt -l`` lists
# the files it would change and ``gofmt -d`` shows the diff (both exit 0),
# ``gofmt -w`` rewrites; ``shfmt -w`` and ``clang-format -i`` likewise.
_IN_PLACE = {
    "gofmt": frozenset(("-w",)),
    "shfmt": frozenset(("-w", "--write")),
    "clang-format": frozenset(("-i",)),
}


def _writes(head: str, args: list[str]) -> bool:
    """Tell whether a formatter rewrites files (not one that only prints)."""
    flags = _IN_PLACE.get(head)
    return flags is None or any(a in flags for a in args)


def lists_only(tokens: list[str]) -> bool:
    """``gofmt -l .``: the files it would change, listed; ``-d``: the diff.

    It changes no file and exits 0 whatever it prints: a check only where
    its output is tested (``test -z "$(gofmt -l .)"``).
    """
    tokens = strip_wrappers(tokens)
    if not tokens or cmdwords.head(tokens[0]) != "gofmt":
        return False
    args = tokens[1:]
    return not _writes("gofmt", args) and ("-l" in args or "-d" in args)


def runs_fixer_hook(tokens: list[str]) -> bool:
    """``pre-commit run trailing-whitespace --files ...``: a fixer hook, run by id.

    It fails only when it rewrote a file; a job that commits what changed
    takes the rewrite in, so nothing of a check is lost there.
    """
    tokens = strip_wrappers(tokens)
    if not tokens or cmdwords.head(tokens[0]) not in ("pre-commit", "prek"):
        return False
    plain = cmdwords.strip_options(tokens[1:])
    return plain[:1] == ["run"] and plain[1:2] != [] and plain[1] in cat.FIXER_HOOKS


def runs_build_script(tokens: list[str]) -> bool:
    """Tell a package script named for building: ``npm run build-storybook``."""
    tokens = strip_wrappers(tokens)
    if not tokens or cmdwords.head(tokens[0]) not in tooljudges.PACKAGE_EXEC:
        return False
    head = cmdwords.head(tokens[0])
    plain = cmdwords.strip_options(tooljudges.package_args(head, tokens[1:]))
    if plain[:1] == ["run"]:
        plain = plain[1:]
    if not plain or not BUILD_WORDS.match(plain[0]):
        return False
    parts = re.split(r"[:._-]", plain[0])  # `build:deps` sets up, `build:prod` builds
    return not any(
        tooljudges.TASK_SETUP.match(part) or tooljudges.DEPENDENCIES.match(part)
        for part in parts
    )


def _setup_named(program: str) -> bool:
    """``install-deps.sh``: setup by its name, unless it is the built product."""
    built = cat.BUILT_ARTEFACT.search(program)
    return cat.setup_named(cmdwords.head(program)) and not built


def context_gate(tokens: list[str], context: str) -> bool:
    """Tell whether a command checks only because its step or job checks."""
    tokens = strip_wrappers(tokens)
    if not tokens or not context:
        return False
    head = cmdwords.head(tokens[0])
    if head in cat.GATE_TOOLS or head in cat.LICENSE_LISTERS:
        # a named checker decides by its own options (named); asked for a
        # report it exits 0 on, it checks where its step says so
        return option_given(tokens[1:], cat.REPORT_OPTIONS.get(head, frozenset()))
    if head in cat.REPORTERS or _setup_named(tokens[0]):
        return False  # a named checker decides by its own options (named)
    if http_probe(head, tokens[1:]):
        return True
    if port_probe(head, tokens[1:]):
        return bool(AFTER_DEPLOY.search(context))  # a deployment's port, asked
    if head in _CONTAINERS and cmdwords.scanner_image(tokens[1:]):
        return True  # `docker run aquasec/trivy image app`: fails on errors only
    if head == "make" and _setup_targets(tokens[1:]):
        return False  # `$(MAKE) delete-cluster-data`: the target says it cleans
    if head in cat.PLUMBING or is_fixer(tokens):
        return (
            head in _CONTAINERS
            and cmdwords.container_verb(tokens[1:])[:1] in _CONTEXT_VERBS
        )
    if cmdwords.asks_for_help(tokens[1:]) or cmdwords.lists(tokens[1:]):
        return False
    if cmdwords.prints_a_setting(tokens[1:]):
        return False
    if _SHELLS.match(head) and (
        "-s" in tokens or not cmdwords.strip_options(tokens[1:])
    ):
        return False  # `curl ... | sh -s -- -b bin`: an installer read from stdin
    if (
        _SHELLS.match(head)
        and cmdwords.base(cmdwords.strip_options(tokens[1:])[0]) in cat.PLUMBING
    ):
        return False  # `bash codacy final`: a shell running an uploader
    return not (_INTERPRETERS.match(head) and "pip" in tokens[1:3])


def _setup_targets(args: list[str]) -> bool:
    """``make delete-cluster-data``: make run for targets named for setup.

    A sub-make is judged by the targets it runs, as a make target is by
    its name: one that deletes, installs or starts checks nothing.
    """
    targets = [a for a in cmdwords.strip_options(args) if "=" not in a]
    return bool(targets) and all(
        SETUP_STEP.match(t) or ENDS_SETTING_UP.search(t) for t in targets
    )


def judge(
    tokens: list[str], context: str, captured: bool = False, serving: bool = False
) -> Check | None:
    """Return the check a command runs, with its evidence (None: no check).

    ``captured``: the command's output is captured (``out=$(curl -sf URL)``)
    and its status judged by a ``||``: a request that fails on an HTTP
    error is then a probe where the step's own name says it checks (a
    ``... status`` step of a smoke-test job may only be reading a status).
    ``serving``: the script started a service in the background (``server
    &``); a request to a local address in a step named for checking is then
    the smoke test of that service, whatever its options.
    """
    verdict = named(tokens)
    if verdict is True:
        return Check("named", gate_key(tokens), is_query(tokens))
    if serving and _asks_served(tokens, context):
        return Check("named", gate_key(tokens), is_query(tokens))
    step = context.split(" / ", 1)[0]
    if captured and CONTEXT_WORDS.search(step) and _failing_request(tokens):
        return Check("context", gate_key(tokens), is_query(tokens))
    if verdict is None and context_gate(tokens, context):
        strength = "probe" if _shown_request(tokens) else "context"
        return Check(strength, _unknown_key(tokens), is_query(tokens))
    return None


def _asks_served(tokens: list[str], context: str) -> bool:
    """Tell a request to the service the script started, where it smoke-tests it.

    Any request does where the step is named for checking; one that fails
    on an HTTP error (``curl -fsS localhost:8499/api``) also where only the
    job is (``linux-portable-smoke``): its status is the service's answer.
    """
    if not _asks_local(tokens):
        return False
    step = context.split(" / ", 1)[0]
    return bool(CONTEXT_WORDS.search(step)) or (
        _failing_request(tokens) and bool(CONTEXT_WORDS.search(context))
    )


def _unknown_key(tokens: list[str]) -> str:
    """``claude-flow analyze circular src/`` -> ``claude-flow analyze circular``.

    A program the catalogue does not know, a check only by its step's name:
    its leading words (before any option) say what it runs, and two runs
    with different ones (``analyze circular``, ``security scan``) are two
    checks, not a report run and its twin.
    """
    key = gate_key(tokens)
    words = strip_wrappers(tokens)
    if not words or key != cmdwords.head(words[0]):
        return key
    leading = list(itertools.takewhile(lambda w: not w.startswith("-"), words[1:]))
    return " ".join([key, *leading[:2]])


def gate_key(tokens: list[str]) -> str:
    """Return what a gate runs, to match a report run with its honest twin."""
    tokens = strip_wrappers(tokens)
    if not tokens:
        return ""
    head = cmdwords.head(tokens[0])
    plain = cmdwords.strip_options(tokens[1:])
    if head in tooljudges.SUBCOMMANDS or head in tooljudges.TARGETS:
        return " ".join([head, *plain[:2]])
    if head in tooljudges.CONTEXT_CAPABLE and plain:
        head = f"{head} {plain[0]}"  # `go build` and `go test` are two checks
    head = _program_run(head, tokens[1:])
    chosen = selection(tokens[1:])
    return f"{head} [{' '.join(chosen)}]" if chosen else head


# Options that choose which checks run: two runs of one checker with different
# choices are two checks, not a report run and its honest twin.
_SELECTORS = frozenset(
    "-m -k --deselect --select --extend-select --ignore --extend-ignore".split()
)


def _program_run(head: str, args: list[str]) -> str:
    """``python core.py`` -> ``python core.py``; ``python -m pkg.tool`` likewise.

    An interpreter or shell is not the check: the script or module it runs
    is, and two scripts (``core.py``, ``check_connascence.py``) are two checks.
    """
    if not (_INTERPRETERS.match(head) or _SHELLS.match(head)):
        return head
    if "-m" in args and args.index("-m") + 1 < len(args):
        return f"{head} -m {args[args.index('-m') + 1]}"
    inline = {"-c"} if _SHELLS.match(head) else _inline_flags(head)
    if any(a in inline for a in args):
        return head  # code on the command line, no script's name
    plain = cmdwords.strip_options(args)
    return f"{head} {cmdwords.base(plain[0])}" if plain else head


def selection(tokens: list[str]) -> list[str]:
    """Return the options of ``tokens`` that choose what is checked (``-m slow``)."""
    chosen = []
    for index, token in enumerate(tokens):
        name, equals, given = token.partition("=")
        if name not in _SELECTORS:
            continue
        if not equals and index + 1 < len(tokens):
            given = tokens[index + 1]
        chosen.append(f"{name}={given}")
    return chosen


def unselected(key: str) -> str:
    """Return the key of the same checker run on everything (``pytest``)."""
    return key.split(" [", 1)[0]


def runs_gate(text: str) -> bool:
    """Any command in a list or pipeline (``a && b | c``) is a gate by its name."""
    for line in text.splitlines() or [text]:
        for part in re.split(r";|\bthen\b|\bdo\b|\belse\b", line):
            for cmd in re.split(r"&&|\|\||\||[(){}!]", part):
                if command_is_gate(cmd):
                    return True
    return False
