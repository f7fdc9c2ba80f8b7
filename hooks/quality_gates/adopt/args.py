"""A replaced hook's ``args`` as the settings they stand for.

``--line-length=100`` is black's ``line-length = 100``, ``--profile=black`` is
isort's ``profile = "black"``, ``--ignore-missing-imports`` is mypy's
``ignore_missing_imports = true``.  Arguments that only change how a tool
prints are dropped (the suite chooses the output it parses); arguments that
would stop the gate failing (``--exit-zero``) are dropped and said.  What init
cannot translate is listed, never silently lost.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

Value = str | int | bool | list[str]


@dataclasses.dataclass
class Carried:
    """What one hook's args mean: tool settings, suite settings, what was dropped."""

    settings: dict[str, Value] = dataclasses.field(default_factory=dict)
    suite: dict[str, Value] = dataclasses.field(default_factory=dict)
    config_file: str | None = None  # --config FILE and kin
    dropped: list[str] = dataclasses.field(default_factory=list)


def tokens(args: Sequence[str]) -> list[tuple[str, str | None]]:
    """Split ``--opt=value`` and pair each option with the word after it, if any."""
    words: list[str] = []
    for arg in args:
        if arg.startswith("--") and "=" in arg:
            words += arg.split("=", 1)
        else:
            words.append(arg)
    return [
        (w, words[i + 1] if i + 1 < len(words) else None) for i, w in enumerate(words)
    ]


def _bool_int(text: str | None) -> int:
    return int(text or "")


# black: option -> (key, kind); kinds: flag, int, str, list, ignore, config
BLACK: dict[str, tuple[str, str]] = {
    "-l": ("line-length", "int"),
    "--line-length": ("line-length", "int"),
    "-t": ("target-version", "list"),
    "--target-version": ("target-version", "list"),
    "-S": ("skip-string-normalization", "flag"),
    "--skip-string-normalization": ("skip-string-normalization", "flag"),
    "-C": ("skip-magic-trailing-comma", "flag"),
    "--skip-magic-trailing-comma": ("skip-magic-trailing-comma", "flag"),
    "-x": ("skip-source-first-line", "flag"),
    "--skip-source-first-line": ("skip-source-first-line", "flag"),
    "--preview": ("preview", "flag"),
    "--unstable": ("unstable", "flag"),
    "--pyi": ("pyi", "flag"),
    "--include": ("include", "str"),
    "--exclude": ("exclude", "str"),
    "--extend-exclude": ("extend-exclude", "str"),
    "--force-exclude": ("force-exclude", "str"),
    "--config": ("", "config"),
    "--required-version": ("", "ignore-value"),
    "-W": ("", "ignore-value"),
    "--workers": ("", "ignore-value"),
    "--color": ("", "ignore"),
    "--no-color": ("", "ignore"),
    "-q": ("", "ignore"),
    "--quiet": ("", "ignore"),
    "-v": ("", "ignore"),
    "--verbose": ("", "ignore"),
    "--safe": ("", "ignore"),
    "--fast": ("", "ignore"),
    "--check": ("", "ignore"),
    "--diff": ("", "ignore"),
}

BANDIT: dict[str, tuple[str, str]] = {
    "-s": ("skips", "csv"),
    "--skip": ("skips", "csv"),
    "-t": ("tests", "csv"),
    "--tests": ("tests", "csv"),
    "-x": ("exclude_dirs", "csv"),
    "--exclude": ("exclude_dirs", "csv"),
    "-c": ("", "config"),
    "--configfile": ("", "config"),
    "--ini": ("", "config"),
    "--severity-level": ("severity-threshold", "suite"),
    "--confidence-level": ("confidence-threshold", "suite"),
    "-f": ("", "ignore-value"),
    "--format": ("", "ignore-value"),
    "-o": ("", "ignore-value"),
    "--output": ("", "ignore-value"),
    "-r": ("", "ignore"),
    "--recursive": ("", "ignore"),
    "-q": ("", "ignore"),
    "--quiet": ("", "ignore"),
    "-v": ("", "ignore"),
    "-n": ("", "ignore-value"),
    "-a": ("", "ignore-value"),
    "--exit-zero": ("", "gate"),
    "-b": ("", "baseline"),
    "--baseline": ("", "baseline"),
}
_LEVELS = {"l": "severity-threshold", "i": "confidence-threshold"}
_LEVEL_NAMES = ("low", "medium", "high")

FLAKE8_FLAGS = {"--disable-noqa", "--isolated", "--exit-zero"}
FLAKE8_DISPLAY = {
    "--statistics",
    "--count",
    "--show-source",
    "--no-show-source",
    "--benchmark",
    "--quiet",
    "-q",
    "--verbose",
    "-v",
}
FLAKE8_DISPLAY_VALUE = {"--format", "--output-file", "--tee", "--color", "-j", "--jobs"}

MYPY_VALUES = {
    "--python-version": ("python_version", "str"),
    "--platform": ("platform", "str"),
    "--follow-imports": ("follow_imports", "str"),
    "--exclude": ("exclude", "list"),
    "--disable-error-code": ("disable_error_code", "list"),
    "--enable-error-code": ("enable_error_code", "list"),
    "--always-true": ("always_true", "list"),
    "--always-false": ("always_false", "list"),
    "-p": ("packages", "list"),
    "--package": ("packages", "list"),
    "-m": ("modules", "list"),
    "--module": ("modules", "list"),
    "--custom-typeshed-dir": ("custom_typeshed_dir", "str"),
    "--plugins": ("plugins", "list"),
    "--config-file": ("", "config"),
    "--cache-dir": ("", "ignore-value"),
    "--python-executable": ("", "ignore-value"),
    "--junit-xml": ("", "ignore-value"),
    # reports written beside the check: they change no finding
    **{
        f"--{kind}-report": ("", "ignore-value")
        for kind in (
            "txt",
            "html",
            "xml",
            "cobertura-xml",
            "linecount",
            "linecoverage",
            "lineprecision",
            "any-exprs",
            "xslt-html",
            "xslt-txt",
        )
    },
}
MYPY_DISPLAY = {
    "--scroll-output",
    "--show-error-codes",
    "--hide-error-codes",
    "--pretty",
    "--no-pretty",
    "--show-column-numbers",
    "--show-error-context",
    "--hide-error-context",
    "--show-absolute-path",
    "--color-output",
    "--no-color-output",
    "--error-summary",
    "--no-error-summary",
    "--show-traceback",
    "--show-error-end",
    "--install-types",
    "--non-interactive",
    "--incremental",
    "--no-incremental",
    "--sqlite-cache",
    "--cache-fine-grained",
    "-v",
    "--verbose",
}


def _store(out: Carried, key: str, kind: str, word: str | None) -> None:
    if kind == "flag":
        out.settings[key] = True
    elif kind == "int":
        out.settings[key] = int(word or "")
    elif kind == "str":
        out.settings[key] = word or ""
    elif kind == "list":
        previous = out.settings.get(key)
        out.settings[key] = [
            *(previous if isinstance(previous, list) else []),
            word or "",
        ]
    elif kind == "csv":
        out.settings[key] = [w.strip() for w in (word or "").split(",") if w.strip()]
    elif kind == "suite":
        out.suite[key] = (word or "").lower()


def _table(
    args: Sequence[str], table: dict[str, tuple[str, str]], other: Callable[..., bool]
) -> Carried:
    """Translate with a table; ``other(out, option, word)`` handles the rest."""
    out = Carried()
    pairs = tokens(args)
    i = 0
    while i < len(pairs):
        option, word = pairs[i]
        key, kind = table.get(option, ("", "?"))
        takes = kind in ("int", "str", "list", "csv", "suite", "config", "ignore-value")
        if kind == "?":
            takes = other(out, option, word)
        elif kind == "config":
            out.config_file = word
        elif kind == "gate":
            out.dropped.append(f"{option}: it would make the gate unable to fail")
        elif kind == "baseline":
            out.dropped.append(f"{option}: the suite's baseline replaces it")
            takes = True
        elif kind not in ("ignore", "ignore-value"):
            try:
                _store(out, key, kind, word)
            except ValueError:
                out.dropped.append(f"{option} {word}: not a number")
        i += 2 if takes else 1
    return out


def _unknown(out: Carried, option: str, word: str | None) -> bool:
    out.dropped.append(f"{option}: no config equivalent that init knows")
    return False


def black(args: Sequence[str]) -> Carried:
    """Translate black's options as ``[tool.black]`` keys."""
    return _table(args, BLACK, _unknown)


def _bandit_levels(out: Carried, option: str, word: str | None) -> bool:
    letters = option.lstrip("-")
    if len(option) - len(letters) == 1 and letters and len(set(letters)) == 1:
        key = _LEVELS.get(letters[0])
        if key and len(letters) <= 3:
            out.suite[key] = _LEVEL_NAMES[len(letters) - 1]
            return False
    return _unknown(out, option, word)


def bandit(args: Sequence[str]) -> Carried:
    """Translate bandit's options as ``[tool.bandit]`` keys and thresholds."""
    return _table(args, BANDIT, _bandit_levels)


def flake8(args: Sequence[str]) -> Carried:
    """flake8's long options are its config keys: ``--max-line-length=100``."""
    out = Carried()
    pairs = tokens(args)
    i = 0
    while i < len(pairs):
        option, word = pairs[i]
        step = 1
        if option in ("--config", "--append-config"):
            out.config_file, step = word, 2
        elif option == "--exit-zero":
            out.dropped.append(f"{option}: it would make the gate unable to fail")
        elif option == "--isolated":
            out.dropped.append(f"{option}: the suite reads the project's flake8 config")
        elif option in FLAKE8_DISPLAY:
            pass
        elif option in FLAKE8_DISPLAY_VALUE:
            step = 2
        elif (
            option.startswith("--") and option not in FLAKE8_FLAGS and word is not None
        ):
            out.settings[option[2:]] = word
            step = 2
        elif option.startswith("--"):
            out.settings[option[2:]] = True
        else:
            _unknown(out, option, word)
        i += step
    return out


def _mypy_flag(out: Carried, option: str) -> None:
    from mypy.options import Options  # the pinned mypy: its option names

    name = option[2:].replace("-", "_")
    negative = name.startswith("no_") and hasattr(Options(), name[3:])
    key = name[3:] if negative else name
    if key == "strict" or hasattr(Options(), key):
        out.settings[key] = not negative
    else:
        _unknown(out, option, None)


def _attached(args: Sequence[str], table: dict[str, tuple[str, str]]) -> list[str]:
    """Keep ``--opt=value`` whole when ``--opt`` is not in ``table``.

    Its value is then never read as an argument of its own.
    """
    return [
        (
            a.replace("=", "\0", 1)
            if a.startswith("--") and "=" in a and a.split("=")[0] not in table
            else a
        )
        for a in args
    ]


def mypy(args: Sequence[str]) -> Carried:
    """Translate mypy's flags, which are its config keys."""
    out = Carried()
    pairs = tokens(_attached(args, MYPY_VALUES))
    i = 0
    while i < len(pairs):
        option, word = pairs[i]
        step = 1
        if option in MYPY_VALUES:
            key, kind = MYPY_VALUES[option]
            if kind == "config":
                out.config_file = word
            elif kind != "ignore-value":
                _store(out, key, kind, word)
            step = 2
        elif option in MYPY_DISPLAY:
            pass
        elif option.startswith("--") and "\0" not in option:
            _mypy_flag(out, option)
        else:
            _unknown(out, option.replace("\0", "="), word)
        i += step
    return out


_ISORT_IGNORED = {
    "quiet",
    "verbose",
    "show_diff",
    "check",
    "filter_files",
    "settings_path",
    "settings_file",
    "files",
    "jobs",
    "color_output",
    "ask_to_apply",
    "write_to_stdout",
    "show_files",
    "show_config",
    "only_modified",
}


def isort(args: Sequence[str]) -> Carried:
    """Translate isort's options into its config keys with isort's own parser."""
    from isort.main import parse_args  # the pinned isort: its option names

    out = Carried()
    try:
        parsed: dict[str, Any] = parse_args(list(args))
    except SystemExit:
        out.dropped.append(" ".join(args) + ": isort does not accept these options")
        return out
    for key, item in parsed.items():
        if key in ("settings_path", "settings_file"):
            out.config_file = str(item)
        elif key not in _ISORT_IGNORED:
            out.settings[key] = (
                list(item) if isinstance(item, (list, tuple, set, frozenset)) else item
            )
    return out


TRANSLATORS: dict[str, Callable[[Sequence[str]], Carried]] = {
    "black": black,
    "isort": isort,
    "flake8": flake8,
    "mypy": mypy,
    "bandit": bandit,
}
