"""Scanner thresholds set outside the command line: the environment, a config file.

trivy exits 0 on what it finds unless ``--exit-code`` says otherwise, and
takes every option from ``TRIVY_<OPTION>`` in the environment too, or from
``trivy.yaml`` in the folder it runs in (its ``--config``, ``-c``, by
default): precedence command line, then environment, then the file.
``TRIVY_EXIT_CODE=1`` (or ``exit-code: 1`` in ``trivy.yaml``) makes ``trivy
fs .`` fail on a finding.  grype alike: ``GRYPE_FAIL_ON_SEVERITY`` or
``fail-on-severity:`` in ``.grype.yaml`` or ``.grype/config.yaml`` is its
``--fail-on``.  A scan run where the project set the threshold so is a
check, whatever its command line leaves out.  treosh/lighthouse-ci-action
reads its assertions from the file its ``configPath`` names
(``lighthouserc``).

The environment reaches the scanner run by the step's own shell, not one in
a container (``docker run`` passes only what ``-e`` names) nor under
``sudo`` (which resets it); a config file is read where it runs, so not in
a container either.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml
from quality_gates.guards.integrity import lighthouserc

_LIMIT = 1 << 20
_ENV = {"trivy": "TRIVY_EXIT_CODE", "grype": "GRYPE_FAIL_ON_SEVERITY"}
_KEY = {"trivy": "exit-code", "grype": "fail-on-severity"}
_FILES = {"trivy": ("trivy.yaml",), "grype": (".grype.yaml", ".grype/config.yaml")}
_CONFIG_OPTIONS = frozenset(("-c", "--config"))
_COMMAND_LINE = {
    "trivy": frozenset(("--exit-code",)),
    "grype": frozenset(("--fail-on", "-f")),
}
# trivy's runs that scan nothing: a database download, the cache reset
_NO_SCAN = frozenset(
    "--download-db-only --download-java-db-only --reset --clear-cache "
    "--version -v --help -h".split()
)
_NO_SCAN_VERBS = frozenset(
    "db version config explain completion help clean plugin module convert "
    "server".split()
)


def _fails(scanner: str, text: str) -> bool | None:
    """Tell whether a threshold's value makes the scanner fail (None: unknown)."""
    text = text.strip().strip("'\"").strip()
    if "${{" in text or "$" in text:
        return None
    if scanner == "trivy":
        return bool(re.fullmatch(r"\d+", text)) and int(text) != 0
    return text.lower() in ("negligible", "low", "medium", "high", "critical")


def from_env(env: dict[str, str]) -> dict[str, bool | None]:
    """Return what the environment sets each scanner's threshold to."""
    return {name: _fails(name, env[var]) for name, var in _ENV.items() if var in env}


def _file_value(path: Path, key: str) -> str | None:
    if not path.is_file() or path.stat().st_size > _LIMIT:
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return "$"  # unreadable: unknown
    found = data.get(key) if isinstance(data, dict) else None
    return None if found is None else str(found)


def from_files(root: Path | None) -> frozenset[str]:
    """Return the scanners the project's config files (at ``root``) make fail.

    The first of a scanner's files present decides, as the scanner reads it.
    """
    if root is None:
        return frozenset()
    found: set[str] = set()
    for name, files in _FILES.items():
        present = [file for file in files if (root / file).is_file()]
        if present and file_fails(root, present[0], name):
            found.add(name)
    return frozenset(found)


def file_fails(root: Path, name: str, scanner: str) -> bool:
    """Tell whether the config file ``name`` (in ``root``) makes ``scanner`` fail."""
    path = (root / name.removeprefix("./")).resolve()
    if (
        ".." in Path(name).parts
        or "$" in name
        or not path.is_relative_to(root.resolve())
    ):
        return False
    if scanner == "lhci":  # nested: `ci.assert` (``lighthouserc``)
        return lighthouserc.asserts(path)
    text = _file_value(path, _KEY[scanner])
    return text is not None and bool(_fails(scanner, text))


def file_passes(root: Path, name: str, scanner: str) -> bool:
    """Tell whether the config file ``name`` sets ``scanner``'s threshold to pass.

    ``exit-code: 0`` written in ``trivy.yaml``: the failure turned off in
    the project's own file (not the default left alone).
    """
    path = (root / name.removeprefix("./")).resolve()
    if ".." in Path(name).parts or "$" in name or scanner not in _KEY:
        return False
    if not path.is_relative_to(root.resolve()):
        return False
    text = _file_value(path, _KEY[scanner])
    return text is not None and _fails(scanner, text) is False


def configured(words: list[str], env: dict[str, str], files: frozenset[str]) -> bool:
    """Tell whether a scanner's run fails on findings by its env or config file.

    ``words``: the command as written (``FOO=1 trivy fs .`` keeps its own
    assignments); ``env``: the step's; ``files``: ``from_files``.  An
    option on the command line (``--exit-code``) decides by itself.
    """
    assigned = _assignments(words)
    env = {**env, **dict(w.split("=", 1) for w in assigned)}
    rest = words[len(assigned) :]
    scanner = rest[0].rsplit("/", 1)[-1] if rest else ""
    if scanner not in _ENV or not _scans(scanner, rest[1:]):
        return False
    options = {w.split("=", 1)[0] for w in rest[1:]}
    if options & _COMMAND_LINE[scanner]:
        return False
    if _ENV[scanner] in env:
        return bool(from_env(env).get(scanner))
    if options & _CONFIG_OPTIONS:
        return False  # another file: not read here
    return scanner in files


# options that write the findings somewhere (a file, a format to read):
# something after the scan may judge them, so the run is left to that
_REPORTED = frozenset(("-o", "--output", "-f", "--format", "-t", "--template"))
_OPERATORS = re.compile(r"&&|\|\||;")


def off_runs(
    script: str, env: dict[str, str], root: Path | None, moved: bool
) -> list[tuple[int, str]]:
    """Return each ``trivy`` scan line the project's config file turns off.

    ``trivy fs .`` where ``trivy.yaml`` (or the file ``--config`` names)
    writes ``exit-code: 0``: a scan whose failure the project switched off,
    as the action input ``exit-code: 0`` is.  0-based lines, with the file.
    Only a run whose findings go to the log (no pipe, redirect, output
    file or format) and whose threshold nothing else sets; ``moved``: the
    step works elsewhere (``working-directory``, ``cd``), so the default
    file is not known.
    """
    if root is None:
        return []
    found = []
    for index, line in enumerate(script.splitlines()):
        if re.search(r"[|<>`]|\$\(|\\$", line.replace("||", "")):
            continue
        for part in _OPERATORS.split(line):
            name = _turned_off(_words(part), env, root, moved)
            if name:
                found.append((index, name))
    return found


def _words(part: str) -> list[str]:
    try:
        return shlex.split(part, comments=True)
    except ValueError:
        return []


def _turned_off(words: list[str], env: dict[str, str], root: Path, moved: bool) -> str:
    assigned = _assignments(words)
    rest = words[len(assigned) :]
    if (
        not rest
        or rest[0].rsplit("/", 1)[-1] != "trivy"
        or not _scans("trivy", rest[1:])
    ):
        return ""
    names = {w.split("=", 1)[0] for w in assigned} | set(env)
    options = {w.split("=", 1)[0] for w in rest[1:]}
    if _ENV["trivy"] in names or options & (_COMMAND_LINE["trivy"] | _REPORTED):
        return ""
    name = _config_of(rest[1:])
    if name is None or name == "trivy.yaml" and moved:
        return ""
    return name if file_passes(root, name, "trivy") else ""


def _config_of(args: list[str]) -> str | None:
    """Return the config file a trivy run reads (None: not known)."""
    for index, arg in enumerate(args):
        option, equals, given = arg.partition("=")
        if option in _CONFIG_OPTIONS:
            if not equals:
                given = args[index + 1] if index + 1 < len(args) else ""
            return given or None
    return "trivy.yaml"


def _assignments(words: list[str]) -> list[str]:
    found = []
    for word in words:
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word):
            break
        found.append(word)
    return found


def _scans(scanner: str, args: list[str]) -> bool:
    """Tell a scan from trivy's database download or grype's ``db`` verbs."""
    plain = [a for a in args if not a.startswith("-")]
    if plain[:1] and plain[0] in _NO_SCAN_VERBS or not plain:
        return False
    return not (scanner == "trivy" and set(args) & _NO_SCAN)
