"""Plan every file init writes, as text, before writing any; then write them all.

Order: read and validate everything (a bad file is a GateError before any
tool runs), resolve the rev, decide the hooks and the settings they carry,
render the new texts, take the baseline in a copy with those texts, and only
then, unless ``--dry-run``, write each changed file atomically.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from quality_gates import baseline as baseline_mod
from quality_gates import config as config_mod
from quality_gates import files as files_mod
from quality_gates import tools as tools_mod
from quality_gates.adopt import (
    carried_settings,
    choose,
    excludes,
    hooks,
    kept_checks,
    language,
    precommit_file,
    precommit_plan,
)
from quality_gates.adopt import record as record_mod
from quality_gates.adopt import rev as rev_mod
from quality_gates.adopt import snapshot, tox_plugins, workflow
from quality_gates.adopt.edit import SuiteHook
from quality_gates.adopt.workspace import PYPROJECT, Workspace, read_text
from quality_gates.atomic import refuse_outside, write_atomic
from quality_gates.errors import GateError
from quality_gates.hook_args import Value
from quality_gates.report import Report
from quality_gates.yamlnodes import scalar

SECTION = ("tool", "quality-gates")


@dataclasses.dataclass(frozen=True)
class Request:
    """What the user asked for."""

    root: Path
    repo: str | None  # None: recorded, installed from, or the published home
    rev: str | None
    tools: tuple[str, ...] | None = None
    force: bool = False


@dataclasses.dataclass
class Change:
    """One file init writes: its text now (None: absent) and as planned."""

    path: str
    old: str | None
    new: str

    def diff(self) -> str:
        """Return the unified diff, as ``git diff`` shows a change."""
        old = (self.old or "").splitlines(keepends=True)
        lines = difflib.unified_diff(
            old,
            self.new.splitlines(keepends=True),
            "/dev/null" if self.old is None else f"a/{self.path}",
            f"b/{self.path}",
        )
        return "".join(x if x.endswith("\n") else x + "\n" for x in lines)


@dataclasses.dataclass
class Plan:
    """Every change, what init noticed, today's findings and what it refuses."""

    changes: list[Change]
    notes: list[str]
    report: Report
    offers: list[str]
    baseline: str
    new_against_baseline: int | None = None
    refused: list[str] = dataclasses.field(default_factory=list)


def git_root(start: Path) -> Path:
    """Return the repository's top folder; no git or no repository is an error."""
    try:
        top = files_mod.git(start, "rev-parse", "--show-toplevel").strip()
    except GateError as exc:
        if "not found on PATH" in str(exc):
            raise
        raise GateError(
            f"{start} is not in a git repository: init needs one (`git init`, "
            "then commit the project) because pre-commit does"
        )
    return Path(top)


def default_branch(root: Path) -> str:
    """Return origin's default branch, else main or master, else the current one."""
    try:
        return (
            files_mod.git(root, "symbolic-ref", "--short", "refs/remotes/origin/HEAD")
            .strip()
            .split("/", 1)[1]
        )
    except (GateError, IndexError):
        pass
    for name in ("main", "master"):
        try:
            files_mod.git(root, "show-ref", "--verify", "--quiet", f"refs/heads/{name}")
            return name
        except GateError:
            continue
    try:
        return files_mod.git(root, "branch", "--show-current").strip() or "main"
    except GateError:
        return "main"


def _formatter_line(ws: Workspace, carried: dict[str, Any]) -> int | None:
    """Return the project's line length: a formatter's hook, else its config.

    A replaced formatter's hook (black's ``--line-length``) is asked first, in
    ``formatter_rank`` order; the config is read as ``[tool.quality-gates]``
    reads it (one reader, one precedence: ``config.formatter_line_length``),
    on pyproject.toml as planned.
    """
    formatters = [a for a in tools_mod.load().values() if a.formatter_rank is not None]
    for adapter in sorted(formatters, key=lambda a: (a.formatter_rank, a.name)):
        hook = carried.get(adapter.name)
        if hook is not None and adapter.line_key in hook.settings:
            return int(hook.settings[adapter.line_key])
    return config_mod.formatter_line_length(ws.root, ws.doc.unwrap())


def shared_args(found: hooks.Found) -> dict[str, tuple[list[str], list[str]]]:
    """Return, by tool, the args all its hooks had and those only some had.

    Two mypy hooks, one for ``scripts/x.py`` with ``--python-version=3.10``:
    a setting in mypy's config would apply to every file, so only what every
    hook of the tool ran with becomes a setting.
    """
    by_tool: dict[str, list[list[tuple[str, ...]]]] = {}
    for item in [*found.replaced, *found.local]:
        by_tool.setdefault(item.tool, []).append(_options(item.args()))
    shared = {}
    for tool, lists in by_tool.items():
        common = [o for o in lists[0] if all(o in other for other in lists)]
        partial = [" ".join(o) for other in lists for o in other if o not in common]
        flat = [arg for option in common for arg in option]
        shared[tool] = (flat, list(dict.fromkeys(partial)))
    return shared


def _options(args: Sequence[str]) -> list[tuple[str, ...]]:
    """Pair ``--opt value`` so that an option and its value stay together."""
    options: list[tuple[str, ...]] = []
    for arg in args:
        if options and _takes_value(options[-1]) and not arg.startswith("-"):
            options[-1] += (arg,)
        else:
            options.append((arg,))
    return options


def _takes_value(option: tuple[str, ...]) -> bool:
    return len(option) == 1 and option[0].startswith("-") and "=" not in option[0]


def carry_settings(ws: Workspace, found: hooks.Found) -> dict[str, Value]:
    """Translate every replaced hook's args and put them where the tool reads them."""
    carried = {}
    for tool, (common, partial) in shared_args(found).items():
        carried[tool] = tools_mod.get(tool).hook_settings(common)
        for arg in partial:
            ws.notes.append(
                f"{tool}: not carried over: {arg} (only some of its hooks had it; "
                "a setting would apply to every file)"
            )
    line = _formatter_line(ws, carried)
    suite: dict[str, Value] = {}
    for tool, result in carried.items():
        for dropped in result.dropped:
            ws.notes.append(f"{tool}: not carried over: {dropped}")
        if (
            result.config_file
            and carried_settings.own_config(ws, tool) != result.config_file
        ):
            ws.notes.append(
                f"{tool}: not carried over: its config file {result.config_file}; "
                f"the suite reads {carried_settings.own_config(ws, tool) or 'none'}"
            )
        suite.update(carried_settings.carry(ws, tool, result, line))
    if line is not None:
        suite["line-length"] = line
    return suite


def shared_exclude(
    config: precommit_file.Config | None, found: hooks.Found
) -> tuple[str | None, list[str]]:
    """Return the exclude every replaced hook has, and all exclude globs."""
    globs: list[str] = []
    top = scalar(config.top("exclude")) if config else None
    if top:
        globs += excludes.to_globs(top) or []
    patterns = {item.hook.text("exclude") for item in found.replaced}
    common = patterns.pop() if len(patterns) == 1 else None
    converted = excludes.to_globs(common) if common else None
    if converted is None:
        return None, globs
    return common, globs + converted


def suite_section(ws: Workspace, values: dict[str, Value]) -> None:
    """Set the ``[tool.quality-gates]`` keys whose value the suite lacks."""
    cfg = ws.cfg
    effective: dict[str, object] = {
        "line-length": cfg.line_length,
        "docstring-convention": cfg.docstring_convention,
        "tools": list(cfg.tools),
        "exclude": list(cfg.exclude),
    }
    security = ws.cfg.section("security")
    for key, item in values.items():
        if key in ("severity-threshold", "confidence-threshold"):
            if security.get(key, "low") != item:
                ws.table(*SECTION, "security")[key] = item
        elif effective.get(key) != item:
            ws.table(*SECTION)[key] = item


def _changes(root: Path, planned: dict[str, str]) -> list[Change]:
    changes = []
    for name, text in planned.items():
        old = read_text(root, name)
        if old != text:
            changes.append(Change(name, old, text))
    return changes


def _refused(
    changes: Sequence[Change], record: record_mod.Record, generated: set[str]
) -> list[str]:
    refused = []
    for change in changes:
        if record.changed_by_hand(change.path, change.old):
            refused.append(f"{change.path} changed since init wrote it")
        elif (
            change.path in generated
            and change.old is not None
            and change.path not in record.files
        ):
            refused.append(f"{change.path} exists and init did not write it")
    return refused


def build(req: Request, say: Callable[[str], None]) -> Plan:
    """Plan everything; write nothing."""
    root = req.root
    record = record_mod.load(root)
    ws = Workspace.open(root)
    pc_text = read_text(root, precommit_file.PATH)
    config = (
        precommit_file.parse(pc_text.encode("utf-8")) if pc_text is not None else None
    )
    source = rev_mod.choose(req.repo, req.rev, (record.repo, record.rev))
    urls = [source.repo, rev_mod.home()] + ([record.repo] if record.repo else [])
    found = hooks.classify(config, urls) if config else hooks.Found()
    ws.notes += found.notes
    sha, comment = rev_mod.resolve(source.repo, source.rev)
    at = source.rev if source.rev == sha else f"{source.rev}, commit {sha}"
    say(f"pinning {source.repo} at {at} ({source.learnt})")
    pin = (source.repo, sha, comment)
    planned = _planned(req, ws, config, found, pin, source.rev)
    changes = _changes(root, planned)
    generated = {workflow.PATH} | {n for n in ws.texts if read_text(root, n) is None}
    refused = [] if req.force else _refused(changes, record, generated)
    baseline_path = baseline_mod.locate(root, None, ws.cfg.baseline, required=False)
    kept = baseline_mod.load(baseline_path) if baseline_path else None
    report = snapshot.findings(root, planned, source.repo, say)
    plan = Plan(changes, ws.notes, report, ws.offers, ws.cfg.baseline, refused=refused)
    new_record = dataclasses.replace(
        record.updated({c.path: c.new for c in changes}),
        repo=source.repo,
        rev=source.rev,
    )
    plan.changes += (
        _changes(root, {record_mod.PATH: new_record.render()}) if changes else []
    )
    _baseline(plan, kept, report)
    return plan


def _planned(
    req: Request,
    ws: Workspace,
    config: precommit_file.Config | None,
    found: hooks.Found,
    pin: tuple[str, str, str],
    rev: str,
) -> dict[str, str]:
    """Return the text every file init manages should have, by path."""
    tools, common = _settle_tools(req, ws, config, found)
    suite_hooks = _suite_hooks(ws, config, found, tools, common)
    repo, sha, comment = pin
    uses, note = rev_mod.action_slug(repo)
    ws.notes += [note] if note else []
    planned = {
        precommit_file.PATH: precommit_plan.render(config, found, suite_hooks, pin),
        workflow.PATH: workflow.render(
            uses,
            sha,
            rev if comment else "",
            default_branch(req.root),
            project_environment(ws) if "mypy" in tools else None,
            language.workflow_python(suite_hooks, config, found.suite),
        ),
    }
    for name in (PYPROJECT, *ws.texts):
        text = ws.text(name)
        if text is not None:
            planned[name] = text
    return planned


def _settle_tools(
    req: Request,
    ws: Workspace,
    config: precommit_file.Config | None,
    found: hooks.Found,
) -> tuple[tuple[str, ...], str | None]:
    """Choose the tools and write their settings; return them and the shared exclude.

    ``[tool.quality-gates]`` gets the tools, the settings carried over from the
    replaced hooks and their excludes; flake8's docstring codes and the checks
    the project kept for test files are settled here too.
    """
    tools = choose.choose_tools(req.tools, ws, found)
    suite = carry_settings(ws, found)
    choose.docstrings_off(ws, found, tools)
    kept_checks.keep(ws, found, scalar(config.top("exclude")) if config else None)
    common, globs = shared_exclude(config, found)
    suite["tools"] = list(tools)
    if globs:
        suite["exclude"] = list(dict.fromkeys([*ws.cfg.exclude, *globs]))
    suite_section(ws, suite)
    return tools, common


def _suite_hooks(
    ws: Workspace,
    config: precommit_file.Config | None,
    found: hooks.Found,
    tools: tuple[str, ...],
    common: str | None,
) -> list[SuiteHook]:
    """Return the suite's hooks, with the replaced hooks' dependencies carried over."""
    carried_deps, dropped = hooks.dependencies(found)
    hooks.install_optional(tools, carried_deps)
    if "flake8" in tools:
        own_env = not any(item.tool == "flake8" for item in found.replaced)
        plugins, notes = tox_plugins.carried(
            ws.root, carried_deps.get("flake8", []), own_env
        )
        if plugins:
            carried_deps.setdefault("flake8", []).extend(plugins)
        ws.notes += notes
    for dep, why in dropped.items():
        ws.notes.append(f"not carried over: additional dependency {dep} ({why})")
    pythons = language.Pythons(language.default(config))
    suite_hooks = hooks.groups(found, tools, carried_deps, common, pythons)
    ws.notes += pythons.notes
    return suite_hooks


def project_environment(ws: Workspace) -> str | None:
    """Return how CI builds the ``.venv`` mypy sees here, None without one.

    The baseline was taken with mypy seeing the project's .venv (or venv);
    CI must see the same: the project installed with its dependencies, or
    its requirements.txt.  What else the local .venv holds init cannot know:
    it says so.
    """
    if not any((ws.root / name).is_dir() for name in snapshot.ENVIRONMENTS):
        return None
    installable = any((ws.root / n).is_file() for n in ("setup.py", "setup.cfg"))
    if installable or ws.lookup("project", "name") is not None:
        install = "-e ."
    elif (ws.root / "requirements.txt").is_file():
        install = "-r requirements.txt"
    else:
        ws.notes.append(
            "mypy sees the project's .venv here, and CI has none: the workflow "
            "cannot build it (no pyproject.toml [project], setup.py or "
            "requirements.txt); add a step that does"
        )
        return None
    ws.notes.append(
        f"mypy sees the project's .venv here: the workflow builds one in CI with "
        f"`pip install {install}`; if yours holds more, say so in that step"
    )
    return install


def _baseline(
    plan: Plan, kept: Collection[baseline_mod.Entry] | None, report: Report
) -> None:
    """Keep an existing baseline (counting what it lacks), else write today's."""
    if kept is not None:
        known = {e.fingerprint for e in kept}
        plan.new_against_baseline = sum(
            1 for f in report.findings if f.fingerprint not in known
        )
        return
    entries = {baseline_mod.Entry.of(f) for f in report.findings}
    plan.changes.append(Change(plan.baseline, None, baseline_mod.render(entries)))


def write(root: Path, plan: Plan) -> None:
    """Write every change atomically, the record last."""
    for change in plan.changes:
        refuse_outside(
            root / change.path,
            root,
            "init",
            hint="replace the symlink with the file, or write it by hand",
        )
    for change in sorted(plan.changes, key=lambda c: c.path == record_mod.PATH):
        write_atomic(root / change.path, change.new)
