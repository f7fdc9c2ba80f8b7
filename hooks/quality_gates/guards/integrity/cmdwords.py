"""Read the words of a command: its program, options, subcommands and images.

``tools/run.sh`` runs ``run.sh``, ``$(PYTHON)`` python; ``find -exec`` and
``xargs`` run the command after their own options; runners' and container
engines' options are dropped with the values they take; git's subcommand is
found behind git's own options; a command asking only for help, a listing or a
setting runs nothing.
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity import catalogue as cat

_INTERPRETER_VARIABLE = re.compile(
    r"^\$[({]?(PYTHON|PY|python|VENV_PYTHON|PYTHON_BIN|PYEXE)\w*[)}]?$"
)


_HELP = frozenset(("--version", "-V", "--help", "-h"))


_HELP_WORDS = frozenset(("version", "help"))


def base(token: str) -> str:
    r"""Return a program's name: ``tools/run.sh`` -> ``run.sh``.

    A Windows path too: ``venv\Scripts\python.exe`` -> ``python`` (``.exe``
    is how Windows names the same program).
    """
    name = re.split(r"[/\\]", token)[-1]
    return name[:-4] if name.lower().endswith(".exe") else name


def head(token: str) -> str:
    """``$(PYTHON)`` runs python, ``$(MAKE)`` make; otherwise the file's base name."""
    if token in ("$(MAKE)", "${MAKE}", "$MAKE"):
        return "make"
    return "python" if _INTERPRETER_VARIABLE.match(token) else base(token)


def strip_options(tokens: list[str]) -> list[str]:
    """``-q run -v tests`` -> ``run tests``: the words that are no options."""
    return [t for t in tokens if not t.startswith("-")]


def after_xargs(tokens: list[str]) -> list[str]:
    """``xargs -n 1 flake8`` -> ``flake8``: what xargs runs, after its options."""
    index = 1
    takes_value = {"-I", "-n", "-P", "-L", "-d", "-E", "-s", "-a"}
    while index < len(tokens) and tokens[index].startswith("-"):
        index += 2 if tokens[index] in takes_value else 1
    return tokens[index:]


def exec_part(tokens: list[str]) -> tuple[list[str], str]:
    """Return what ``find ... -exec CMD {} ;`` runs, and its end (``;``, ``+``)."""
    for flag in ("-exec", "-execdir", "-ok", "-okdir"):
        if flag in tokens:
            rest = tokens[tokens.index(flag) + 1 :]
            end = next((t for t in rest if t in (";", "\\;", "+")), ";")
            return [t for t in rest if t not in ("{}", ";", "\\;", "+")], end
    return [], ""


_EXEC_FLAGS = ("-exec", "-execdir", "-ok", "-okdir")


_EXEC_ENDS = (";", "\\;", "+")


def exec_parts(tokens: list[str]) -> list[tuple[list[str], str]]:
    r"""Every command ``find`` runs: ``-exec echo {} \; -exec python {} \;``.

    Each with its end (``;`` or ``+``), ``{}`` left out.
    """
    parts: list[tuple[list[str], str]] = []
    index = 0
    while index < len(tokens):
        if tokens[index] not in _EXEC_FLAGS:
            index += 1
            continue
        stop = index + 1
        while stop < len(tokens) and tokens[stop] not in _EXEC_ENDS:
            stop += 1
        end = tokens[stop] if stop < len(tokens) else ";"
        parts.append(([t for t in tokens[index + 1 : stop] if t != "{}"], end))
        index = stop + 1
    return parts


def drop_runner_options(tokens: list[str]) -> list[str]:
    """``--with x --python 3.12 --frozen -e env tool args`` -> ``tool args``."""
    takes_value = {"--with", "--python", "-p", "--from", "--group", "--extra", "-e"}
    takes_value |= {"--environment", "--env", "-n", "--name", "--manifest-path"}
    takes_value |= {"--directory", "--project", "-C", "--cd"}
    index = 0
    while index < len(tokens) and tokens[index].startswith("-"):
        has_value = tokens[index] in takes_value and "=" not in tokens[index]
        index += 2 if has_value else 1
    return tokens[index:]


def container_verb(args: list[str]) -> list[str]:
    """``compose -f x.yml build web`` -> ``build web``: what the engine is asked."""
    plain = strip_options(drop_valued(args, _ENGINE_VALUED))
    return plain[1:] if plain[:1] == ["compose"] else plain


# options of docker/podman (compose) that take the next word as their value
_ENGINE_VALUED = frozenset(
    "-f --file -p --project-name --env-file --profile --project-directory "
    "-c --context -H --host --log-level --ansi --progress".split()
)


def drop_valued(args: list[str], valued: frozenset[str]) -> list[str]:
    """``-f a.yml config`` -> ``config``: an option and the value it takes."""
    kept, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in valued:
            skip = True
        else:
            kept.append(arg)
    return kept


def image_name(token: str) -> str:
    """``aquasec/trivy:latest`` -> ``trivy``; a plain word stays as it is."""
    return base(token).split("@", 1)[0].split(":", 1)[0]


_GIT_VALUED = frozenset(("-C", "-c", "--git-dir", "--work-tree", "--namespace"))


def git_subcommand(args: list[str]) -> str:
    """``-C dir -c k=v diff --quiet`` -> ``diff`` (git's own options skipped)."""
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] in _GIT_VALUED else 1
    return args[index] if index < len(args) else ""


def asks_for_help(args: list[str]) -> bool:
    """``tool --version``, ``tool -h``, ``uv version``: a query, not a run."""
    if args and all(a in _HELP for a in args):
        return True
    return len(args) == 1 and args[0] in _HELP_WORDS


_LISTINGS = frozenset(("list", "ls", "show", "info"))


def lists(args: list[str]) -> bool:
    """``jupyter labextension list``, ``conda env list``: a listing, shown.

    What it prints may be judged by what reads it (``| grep -q OK``); the
    listing itself is no check by its step's name.  ``orb templates list
    --help`` lists nothing: it asks a subcommand for its help, as ``orb
    templates --help`` does.
    """
    plain = strip_options(args)
    return bool(plain) and plain[-1] in _LISTINGS and "--help" not in args


_PRINTS = re.compile(r"--(?:print|show)-[\w-]+")


def prints_a_setting(args: list[str]) -> bool:
    """``xcode-select --print-path``, ``xcrun --show-sdk-path``: a setting shown.

    Only options, each asking to print or show a value: what the runner
    has, not a run of anything.
    """
    return bool(args) and all(_PRINTS.fullmatch(a) for a in args)


_PRINTS_VERSION = re.compile(r"__version__|\bversion\(|\bsys\.(version|executable)")


# `geopandas.show_versions()`, `numpy.show_config()`: the environment, printed.
_SHOWS_VERSIONS = re.compile(r"\b(show|print)_(versions|config)\(")


_ASSERTS = re.compile(r"\bassert\b|\bexit\(|\braise\b|\.test\(")


def version_query(code: str) -> bool:
    """``python -c "import x; print(x.__version__)"``: a query, not a check.

    So is ``python -c "import geopandas; geopandas.show_versions()"``.
    """
    prints = "print(" in code and bool(_PRINTS_VERSION.search(code))
    return (prints or bool(_SHOWS_VERSIONS.search(code))) and not _ASSERTS.search(code)


def scanner_image(args: list[str]) -> bool:
    """``run aquasec/trivy image app``: a scanner's image run, told nothing fails."""
    plain = container_verb(args)
    if plain[:1] not in (["run"], ["exec"]):
        return False
    return any(image_name(t) in cat.CHECKS_ONLY_WITH for t in plain[1:])
