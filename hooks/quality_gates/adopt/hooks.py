"""Which hooks of the pre-commit config the suite replaces, keeps or refuses."""

from __future__ import annotations

import dataclasses
import posixpath
import re
import shlex
from collections.abc import Sequence

from quality_gates.adopt import conflicts, known, language
from quality_gates.adopt.edit import SuiteHook
from quality_gates.adopt.precommit_file import PATH, Config, Hook, Repo
from quality_gates.errors import GateError
from quality_gates.tools import defaults, get, pinned

# what decides when a hook runs, and on which Python: one gate hook each
Key = tuple[str | None, str | None, tuple[str, ...] | None, str | None]


@dataclasses.dataclass
class Replaced:
    """A hook the suite replaces, and the tool it was."""

    repo: Repo
    hook: Hook
    tool: str

    def args(self) -> list[str]:
        """Return the args it ran with: its own, else its manifest's.

        A local hook's ``entry`` (``black --line-length 100``) holds args too.
        """
        own = self.hook.strings("args")
        if self.repo.key in known.LOCAL_REPOS:
            return [*_entry_args(self.hook.text("entry"), self.tool), *(own or [])]
        if own is not None:
            return own
        return list(known.MANIFEST_ARGS.get((self.repo.key, self.hook.id), ()))

    def filters(self) -> tuple[str | None, str | None, tuple[str, ...] | None]:
        """files, exclude, stages: what decides when the hook runs."""
        stages = self.hook.strings("stages")
        return (
            self.hook.text("files"),
            self.hook.text("exclude"),
            tuple(stages) if stages is not None else None,
        )

    def key(self) -> Key:
        """files, exclude, stages and language_version: one gate hook each."""
        return (*self.filters(), self.hook.text("language_version"))


def _entry_args(entry: str | None, tool: str) -> list[str]:
    """Return the args after the tool in a local hook's ``entry``, if it runs it."""
    try:
        words = shlex.split(entry or "")
    except ValueError:
        return []
    for index, word in enumerate(words):
        if posixpath.basename(word) == tool:
            return words[index + 1 :]
    return []


@dataclasses.dataclass
class Found:
    """The config's hooks as init sees them."""

    replaced: list[Replaced] = dataclasses.field(default_factory=list)
    # the project's own `repo: local` hooks of a gate tool (`id: black`,
    # `entry: black`): kept, and the project runs that tool
    local: list[Replaced] = dataclasses.field(default_factory=list)
    suite: Repo | None = None
    # an optional tool's hooks, kept: tool -> its hooks (ruff's)
    kept: dict[str, list[Hook]] = dataclasses.field(default_factory=dict)
    # other projects' hooks that do a tool's job, kept: tool -> those hooks
    rivals: dict[str, list[Hook]] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)


def _classify(repo: Repo, found: Found) -> None:
    table = known.SUPERSEDED.get(repo.key)
    retired = known.RETIRED.get(repo.key, {})
    for hook in repo.hooks:
        if table is not None and hook.id in table:
            found.replaced.append(Replaced(repo, hook, table[hook.id]))
        elif hook.id in retired:
            tool, what = retired[hook.id]
            found.replaced.append(Replaced(repo, hook, tool))
            found.notes.append(
                f"replaced hook `{hook.id}` of {repo.url} ({what}) with the "
                f"gate's {tool}; that repository's other hooks stay"
            )
        elif hook.id in known.KEPT.get(repo.key, {}):
            found.kept.setdefault(known.KEPT[repo.key][hook.id], []).append(hook)
        elif hook.id in known.RIVALS.get(repo.key, {}):
            found.rivals.setdefault(known.RIVALS[repo.key][hook.id], []).append(hook)
        elif table is not None:
            found.notes.append(
                f"kept hook `{hook.id}` of {repo.url}: the suite does not replace it"
            )
        elif repo.key in known.LOCAL_REPOS and hook.id in known.TOOL_IDS:
            found.local.append(Replaced(repo, hook, hook.id))
        elif repo.key not in known.LOCAL_REPOS and hook.id in known.TOOL_IDS:
            known_repos = known.repos_running(hook.id)
            raise GateError(
                f"{PATH}:{hook.line}: hook `{hook.id}` comes from {repo.url}, a "
                f"repository init does not know; init replaces `{hook.id}` hooks "
                f"of {', '.join(known_repos)} only: remove or rename that hook, "
                "then run init again"
            )


def classify(config: Config, suite_urls: Sequence[str]) -> Found:
    """Sort every hook: replaced, the suite's own entry, kept; refuse forks."""
    found = Found()
    ours = {known.normalise(url) for url in suite_urls}
    for repo in config.repos:
        if repo.key in ours:
            if found.suite is not None:
                raise GateError(f"{PATH}:{repo.line}: the suite's repo is listed twice")
            found.suite = repo
        else:
            _classify(repo, found)
    for item in found.replaced:
        if item.repo.hooks_key == -2 and len(item.repo.hooks) > 1:
            others = [h for h in item.repo.hooks if h is not item.hook]
            if any(o not in [r.hook for r in found.replaced] for o in others):
                raise GateError(
                    f"{PATH}:{item.repo.line}: the hooks of {item.repo.url} are a "
                    "flow-style list; write them as a block list and run init again"
                )
    return found


def distribution(requirement: str) -> str:
    """Return a requirement's project name (``bandit[toml]>=1`` -> ``bandit``)."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else requirement


def why_dropped(dependency: str) -> str | None:
    """Say why a dependency cannot go to the hook's environment, None if it can."""
    return _why_dropped(dependency)


def _why_dropped(dependency: str) -> str | None:
    # another version of a pinned tool in the hook's env would fight the suite's
    if distribution(dependency) in pinned():
        return "the suite pins it"
    return conflicts.conflict(dependency)


def dependencies(found: Found) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Return the replaced hooks' dependencies by tool, and those dropped, why."""
    carried: dict[str, list[str]] = {}
    dropped: dict[str, str] = {}
    for item in [*found.replaced, *found.local]:
        for dep in item.hook.strings("additional_dependencies") or []:
            why = _why_dropped(dep)
            if why is not None:
                dropped[dep] = why
            elif dep not in carried.setdefault(item.tool, []):
                carried[item.tool].append(dep)
    return carried, dropped


def install_optional(tools: Sequence[str], deps: dict[str, list[str]]) -> None:
    """Add what installs each optional tool the gate runs to its hook's deps.

    The suite installs without its extras; ``ruff`` in the gate's tools needs
    ``ruff==<the suite's pin>`` in the environment pre-commit builds.
    """
    for tool in tools:
        for requirement in get(tool).extra_requirements():
            if requirement not in deps.setdefault(tool, []):
                deps[tool].append(requirement)


def groups(
    found: Found,
    tools: Sequence[str],
    deps: dict[str, list[str]],
    shared_exclude: str | None,
    pythons: language.Pythons | None = None,
) -> list[SuiteHook]:
    """Return a ``quality-gate`` hook per files/exclude/stages/language_version.

    Tools no hook ran before join the hooks without filters.  ``shared_exclude``
    is an exclude every replaced hook had that is now the suite's ``exclude``;
    ``pythons`` resolves each hook's ``language_version`` against the config's
    ``default_language_version``.
    """
    pythons = pythons or language.Pythons()
    by_filter = _by_filter(found, tools, shared_exclude, pythons)
    placed = {t for names in by_filter.values() for t in names}
    # with the suite's entry already there, only the replaced tools are new
    rest = [t for t in tools if t not in placed] if found.suite is None else []
    if found.suite is not None and not by_filter:
        return []
    if len(by_filter) == 1 and rest:
        next(iter(by_filter.values())).extend(rest)
    elif rest or not by_filter:
        python = pythons.resolve(None, "the gate's hook")
        by_filter.setdefault((None, None, None, python), []).extend(rest)
    return [
        _hook(
            sorted(set(names), key=list(tools).index),
            tools if found.suite is None else (),
            key,
            deps,
        )
        for key, names in by_filter.items()
    ]


def _by_filter(
    found: Found,
    tools: Sequence[str],
    shared_exclude: str | None,
    pythons: language.Pythons,
) -> dict[Key, list[str]]:
    """Group the replaced hooks' tools by files, exclude, stages and Python."""
    by_filter: dict[Key, list[str]] = {}
    # a kept local hook's filters are its tool's, on the first init only
    local = found.local if found.suite is None else []
    for item in [*found.replaced, *local]:
        if item.tool not in tools:
            continue
        files, exclude, stages, own = item.key()
        python = pythons.resolve(own, f"hook `{item.hook.id}` (line {item.hook.line})")
        exclude = None if exclude == shared_exclude else exclude
        by_filter.setdefault((files, exclude, stages, python), []).append(item.tool)
    return by_filter


def _hook(
    names: list[str],
    tools: Sequence[str],
    key: Key,
    deps: dict[str, list[str]],
) -> SuiteHook:
    files, exclude, stages, python = key
    packages = [d for name in names for d in deps.get(name, [])]
    whole = list(names) == list(tools)
    # the manifest's name lists the five tools: any other set is named here
    named = sorted(names) != sorted(defaults())
    return SuiteHook(
        args=() if whole else ("--tools", ",".join(names)),
        name=f"quality gate ({', '.join(names)})" if named else None,
        files=files,
        exclude=exclude,
        stages=stages,
        language_version=python,
        additional_dependencies=tuple(dict.fromkeys(packages)),
    )
