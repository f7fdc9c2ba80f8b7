"""Judge a command by the tool it runs, its subcommand, target or script name.

The judges ``gatecmd.named`` asks in turn, once wrappers are dropped: a
formatter by its check flag (``fixer``), ``git`` by its query options, a
tool that checks only through some subcommands (``pip check``, ``npm
audit``), a build tool by its goal (``make lint``, ``npm run typecheck``),
tox and nox by the envs they run, a script by its name, and a checker of the
catalogue by what it is asked to do (``vale sync`` sets up, ``trivy fs
--exit-code 1`` checks).  Each returns True (a check), False (never) or None
(its step decides).
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity import catalogue as cat
from quality_gates.guards.integrity import cmdwords
from quality_gates.guards.integrity.stepnames import ENDS_SETTING_UP, FORMAT

SUBCOMMANDS = frozenset("npm yarn pnpm bun invoke inv rake bundle".split())
# `pnpm exec tsc`, `npm exec -- eslint`, `yarn dlx x`, `bun x y`: the program run
PACKAGE_EXEC = frozenset("npm pnpm yarn bun".split())
TARGETS = frozenset("make gmake just task mvn mvnw gradle gradlew sbt ant".split())
# Subcommands that set things up: never a check, whatever the step is named.
_SETUP_SUBCOMMANDS = frozenset(
    """install sync add remove lock venv pip cache self tool python export ci i
    link uninstall update upgrade download config init new login publish upload
    autoupdate clean""".split()
)
# What a checker does when asked to set itself up (``vale sync`` fetches its
# styles, ``semgrep login``): its first word, never a path it checks.
_CHECKER_SETUP = [
    [word]
    for word in """install sync download update upgrade init login self autoupdate
    uninstall self-update selfupdate""".split()
]
# Tools whose other subcommands (``uv build``, ``cargo build``) are checks only
# when their step says so.
CONTEXT_CAPABLE = frozenset(
    """uv poetry pdm hatch npm yarn pnpm cargo go dotnet terraform tofu helm asv
    dbt""".split()
)


def fixer(head: str, args: list[str]) -> bool | None:
    """Judge a formatter by its check flag; None when ``head`` is none."""
    if head == "ruff":
        plain = cmdwords.strip_options(args)
        if plain[:1] == ["format"]:
            return "--check" in args or "--diff" in args
        if plain[:1] and plain[0] in cat.NOT_CHECKING["ruff"]:
            return False  # `ruff rule E501`: the catalogue, shown
        return "--fix" not in args or "--exit-non-zero-on-fix" in args
    if head not in cat.FIXERS:
        return None
    flags = cat.FIXER_OWN_CHECK_FLAGS.get(head, cat.FIXER_CHECK_FLAGS)
    return any(a in flags for a in args)


# options of npm, pnpm, yarn and bun that take the next word as their value
_PACKAGE_VALUED = frozenset("--prefix -C --dir --cwd --workspace --filter -F".split())
# npm's `-w NAME` is `--workspace NAME` (npm 7+); pnpm's `-w` is the flag
# `--workspace-root` and takes no value
_NPM_VALUED = _PACKAGE_VALUED | frozenset(("-w",))


def package_args(head: str, args: list[str]) -> list[str]:
    """``npm -w api run test`` -> ``run test``: drop the runner's valued options."""
    return cmdwords.drop_valued(args, _NPM_VALUED if head == "npm" else _PACKAGE_VALUED)


def _flag_on(arg: str, flags: frozenset[str]) -> bool:
    """Tell a flag given alone or set true (``-check=true``, as Go's flags take it).

    ``-check=false`` turns it off: ``terraform fmt -check=false`` rewrites.
    """
    name, equals, setting = arg.partition("=")
    if not equals:
        return arg in flags
    return name in flags and setting.lower() in ("true", "1", "t")


def subcommand(head: str, args: list[str]) -> bool | None:
    """Judge a tool that checks only through some subcommands (``pip check``)."""
    allowed = cat.SUBCOMMAND_CHECKS.get(head)
    if allowed is None:
        return None
    if head in PACKAGE_EXEC:  # `npm --prefix web test`: the directory is no verb
        args = package_args(head, args)
    plain = [
        a for a in cmdwords.strip_options(args) if not a.startswith("+")
    ]  # +nightly
    sub = plain[0] if plain else None
    if sub == "audit" and sub in allowed and _fixes(args, plain):
        return False  # `npm audit fix`: applies what it can, fails on no finding
    flags = cat.NEEDS_CHECK_FLAG.get(f"{head} {sub}")
    if sub in allowed and plain[1:2] and _reports_only(f"{head} {sub}", plain[1]):
        return any(cat.THRESHOLD_FLAGS.match(a) for a in _before_dashes(args))
    if sub in allowed and flags is not None:
        return any(_flag_on(a, flags) for a in args)
    if sub in allowed:
        return True
    if head in cat.CHECKS_ONLY_WITH and fails_with(args, cat.CHECKS_ONLY_WITH[head]):
        return True  # `semgrep scan --error`
    if sub in cat.NOT_CHECKING.get(head, ()) or sub in _SETUP_SUBCOMMANDS:
        return False
    if any(cat.CHECK_ARGUMENTS.match(a) for a in args):
        return True
    context = head in CONTEXT_CAPABLE or head in cat.CHECKS_ONLY_WITH
    return None if context else False  # `semgrep scan`: errors only


def _reports_only(command: str, sub: str) -> bool:
    """``cargo llvm-cov report``: a report on profiles an earlier run collected."""
    return sub in cat.REPORT_SUBCOMMANDS.get(command, frozenset())


def _fixes(args: list[str], plain: list[str]) -> bool:
    """``npm audit fix``, ``cargo audit fix``, ``pnpm audit --fix``: a fixer.

    npm's ``audit fix`` installs what it can and reports no exit status for
    the advisories left; ``npm audit`` alone fails on them.  The flag counts
    before a ``--`` only.
    """
    return plain[1:2] == ["fix"] or "--fix" in _before_dashes(args)


def _before_dashes(args: list[str]) -> list[str]:
    """Return a program's own arguments: those after ``--`` are its script's."""
    return args[: args.index("--")] if "--" in args else args


def _targets(args: list[str]) -> list[str]:
    """``make -C docs lint`` -> ``lint``: goals, not option values or paths."""
    value_flags = {"-f", "-C", "-pl", "-P", "-s", "--file", "--directory", "-p", "-e"}
    out: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in value_flags:
            skip = True
        elif not arg.startswith("-") and "/" not in arg and "=" not in arg:
            out.append(arg)
    return out


def build_tool(head: str, args: list[str]) -> bool | None:
    """``make lint``, ``npm run typecheck``, ``tox -e lint``: the goal decides."""
    if head in TARGETS:
        judged = _goals(_targets(args), args)
        return True if judged is None and _sphinx_make(head, args) else judged
    if head not in SUBCOMMANDS:
        return None
    if head in PACKAGE_EXEC:
        args = package_args(head, args)
    plain = cmdwords.strip_options(args)
    if plain[:1] in (["install"], ["ci"], ["add"], ["i"], ["link"]):
        return False
    if plain[:1] == ["run"]:
        plain = plain[1:]
    if plain[:1] == ["test"]:
        return True
    tasks = _targets(args)[:1]  # `rake -C dir task`: the option's value is no task
    if any(
        TASK_SETUP.match(part) for task in tasks for part in re.split(r"[:.]", task)
    ):
        return False  # `rake docker:pull:debian`: a namespaced task that fetches
    return _goals(plain[:1], args)


# The builders of the Makefile sphinx-quickstart writes (`make html` runs
# `sphinx-build -M html`), read only for a make run in a docs folder.
_SPHINX_BUILDERS = frozenset(
    "html dirhtml singlehtml latexpdf latexpdfja epub man texinfo text".split()
)
_DOCS_DIR = re.compile(r"(?i)(?:^|/)docs?(?:/|$|[-_])")


def _sphinx_make(head: str, args: list[str]) -> bool:
    """``make -C doc/OnlineDocs html``: Sphinx's Makefile in a docs folder.

    The folder is given by ``-C``/``--directory`` or as ``-f``'s Makefile;
    the goal is one of Sphinx's builders: the run is a sphinx-build, which
    fails when the documentation does not build.
    """
    if head not in ("make", "gmake"):
        return False
    folders = [
        value
        for flag, value in zip(args, args[1:])
        if flag in ("-C", "--directory", "-f", "--file")
    ]
    folders += [a.split("=", 1)[1] for a in args if a.startswith("--directory=")]
    goals = set(_targets(args)) - {"clean"}  # `make clean html`
    return (
        bool(goals)
        and goals <= _SPHINX_BUILDERS
        and any(_DOCS_DIR.search(folder) for folder in folders)
    )


# A verb of fetching or setting up, as one part of a namespaced task name
# (rake's `docker:pull:${TARGET}`, invoke's `deps.install`): the task sets up.
TASK_SETUP = re.compile(
    r"(?i)^(pull|push|fetch|download|upload|install|uninstall|clean|setup|"
    r"prepare|bootstrap|login|publish|deploy|release)$"
)
DEPENDENCIES = re.compile(r"(?i)^(deps?|dependencies|vendor)$")


def _goals(goals: list[str], args: list[str]) -> bool | None:
    """Judge targets or scripts by their names.

    A goal named for formatting and nothing that checks (``make format``,
    ``npm run format``) runs a formatter, which rewrites: no check, unless a
    check flag is passed on (``npm run format -- --check``).  ``format-check``
    and ``lint`` check; ``coverage-clean`` and ``test-deps`` clean or set up.
    """
    named_gates = [
        t for t in goals if cat.GATE_WORDS.search(t) and not ENDS_SETTING_UP.search(t)
    ]  # `make coverage-clean`, `make test-deps`: the last word says it sets up
    if any(cat.GATE_WORDS.search(FORMAT.sub("", t)) for t in named_gates):
        return True
    if named_gates:
        return any(cat.CHECK_ARGUMENTS.match(a) for a in args)
    return None


_ENV_OPTIONS = {"tox": ("-e", "--env"), "nox": ("-s", "--session", "-e")}


def env_runner(head: str, args: list[str]) -> bool | None:
    """``tox -e profile``: envs whose every name says they profile or set up.

    tox and nox run checks, unless each env they are asked for is named for
    profiling or for a setup (``py313-profile-docs``, ``release``); an env
    named for a report may still enforce a threshold (``coverage-report``).
    """
    flags = _ENV_OPTIONS.get(head)
    if flags is None:
        return None
    envs: list[str] = []
    for index, arg in enumerate(args):
        name, equals, given = arg.partition("=")
        if name in flags:
            given = (
                given if equals else (args[index + 1] if index + 1 < len(args) else "")
            )
            envs += [e for e in given.split(",") if e]
    if envs and all(_SETUP_OR_PROFILE.search(env) for env in envs):
        return False
    return None


_SETUP_OR_PROFILE = re.compile(f"{cat.SETUP_NAME.pattern}|(?i:profil)")


def script(head: str, args: list[str]) -> bool | None:
    """Judge a script by its name: checking (``check_links.py``) or setup.

    A program named only for formatting (``format.sh``, ``msgfmt``) is no
    check unless given a check flag, as for make goals.
    """
    name = head.lower()
    if cat.setup_named(name) or cat.REPORT_NAME.search(name):
        return False
    if cat.BENCH_FILE.search(name):
        return False  # `bench_audit.py`: a measurement, not a check
    words = [t for t in cmdwords.strip_options(args) if _WORD.match(t)]
    if words[:1] in _CHECK_SUBCOMMANDS and "$" not in name:  # not `"$tool" check`
        # `alembic check`, `tool.py lint`: the subcommand says it checks;
        # `marimo check --fix` fixes, as `ruff check --fix` does
        return "--fix" not in _before_dashes(args)
    stem = _SHELL_SCRIPT.sub("", name)
    if cat.CHECK_VERB_NAME.match(stem) and ENDS_SETTING_UP.search(stem):
        return True  # `check_install.sh`: the verb says what it does
    return _goals([stem], args)


# A shell script is named for what it does, its extension aside: the last word
# of ``test-fixture-down.sh`` says it tears down, as a make target's would
# (``test-cluster-shutdown``).  Not a Python file: ``test_setup.py`` is a test
# module of its own.
_SHELL_SCRIPT = re.compile(r"(?i)\.(sh|bash|zsh|ps1)$")


# A program's first word naming a check (`alembic check` fails on model drift);
# known tools are judged by their own subcommands first (catalogue).  Paths
# and option values (`-c db/alembic.ini`, `-x key=value`) are not words.
_CHECK_SUBCOMMANDS = (["check"], ["lint"])
_WORD = re.compile(r"^[a-z][a-z0-9-]*$")


# ``--quiet`` answers by the exit status only for these (``git diff --quiet``);
# elsewhere it only silences (``git reset --hard --quiet``, ``git fetch -q``).
_GIT_QUIET_QUERIES = frozenset("diff diff-index diff-files diff-tree grep".split())


def git(head: str, args: list[str]) -> bool | None:
    """Judge ``git`` by its query options (``diff --exit-code``, ``--quiet``)."""
    if head != "git":
        return None
    queries = ("--exit-code", "--check", "--is-ancestor")
    if "--quiet" in args and cmdwords.git_subcommand(args) in _GIT_QUIET_QUERIES:
        return True
    return any(a in queries for a in args) or False


# `flutter pub get`, `dart pub outdated`: pub fetches packages or reports on
# them (`outdated` and `deps` print, exiting 0 whatever is out of date)
_PUB_SETUP = frozenset(
    "get upgrade downgrade add remove cache deps outdated global token".split()
)


def pub_setup(head: str, args: list[str]) -> bool:
    """Tell ``flutter pub get`` / ``dart pub outdated``: setup or a report."""
    plain = cmdwords.strip_options(args)
    pub = head in ("flutter", "dart") and plain[:1] == ["pub"]
    return pub and len(plain) > 1 and plain[1] in _PUB_SETUP


def checks_itself(head: str, args: list[str]) -> bool | None:
    """Judge a checker of the catalogue by what it is asked to do.

    Asked to set itself up (``vale sync``), for a subcommand that reports
    (``vitest bench``) or with an option that makes it print, watch or
    set up (``tflint --init``), it checks nothing; asked for a report it
    exits 0 on (``govulncheck -format json``), it checks where its step
    says so.
    """
    first = cmdwords.strip_options(args)[:1]
    if first in _CHECKER_SETUP or (
        first and first[0] in cat.NOT_CHECKING.get(head, ())
    ):
        return False
    if option_given(args, cat.NOT_CHECKING_OPTIONS.get(head, frozenset())):
        return False
    if option_given(args, cat.REPORT_OPTIONS.get(head, frozenset())):
        return None
    return True


def only_with(head: str, args: list[str]) -> bool | None:
    """``trivy fs --exit-code 1 .`` checks; ``trivy fs .`` fails only on errors.

    A license lister not told what fails is an inventory (no check); a
    scanner checks where its step says so.
    """
    if fails_with(args, cat.CHECKS_ONLY_WITH[head]):
        return True
    if option_given(args, cat.INVENTORY_OPTIONS.get(head, frozenset())):
        return False  # `trivy image --format cyclonedx`: an SBOM, exit 0 on findings
    return False if head in cat.LICENSE_LISTERS else None


def option_given(args: list[str], options: frozenset[str]) -> bool:
    """Tell whether ``args`` give one of ``options`` (``-format=json`` or as two)."""
    for index, arg in enumerate(args):
        following = args[index + 1] if index + 1 < len(args) else ""
        if arg in options or f"{arg}={following}" in options:
            return True
    return False


def fails_with(args: list[str], flags: frozenset[str]) -> bool:
    """Tell whether an option that says what fails is given.

    ``--exit-code 1``, ``--fail-on=high``, ``--fail``: the scanner fails on
    what it finds.  ``--exit-code 0`` names the same check, turned off on
    purpose: the option itself is the finding (QG106).
    """
    return any(arg.partition("=")[0] in flags for arg in args)
