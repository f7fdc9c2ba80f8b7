"""``audit-gates``: every gate file of a project, audited for gates that cannot fail."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from quality_gates import textfile, yamlnodes
from quality_gates.findings import Finding
from quality_gates.guards.integrity import (
    actioninputs,
    cibwconfig,
    configfiles,
    dockeractions,
    flake8plugins,
    formatchecks,
    makefiles,
    makegoals,
    mypyconfig,
    noxfiles,
    precommit,
    repotwins,
    scannerthresholds,
    workflows,
)
from quality_gates.guards.integrity.ignored import ignored_sections
from quality_gates.guards.integrity.packagescripts import PackageScripts
from quality_gates.guards.integrity.rules import finding
from quality_gates.guards.integrity.shadowing import shadowing
from quality_gates.guards.integrity.toxcommands import tox_commands
from quality_gates.guards.integrity.workflows import LocalActions
from quality_gates.sources import split_lines

WORKFLOW_DIR = ".github/workflows"


@dataclasses.dataclass
class Audit:
    """The findings, the files read (relative) and their lines, for fingerprints."""

    findings: list[Finding] = dataclasses.field(default_factory=list)
    files: list[str] = dataclasses.field(default_factory=list)
    lines_of: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)


def workflow_files(root: Path) -> list[str]:
    """Return ``.github/workflows/*.yml`` and ``*.yaml``, relative and sorted."""
    folder = root / WORKFLOW_DIR
    if not folder.is_dir():
        return []
    found = [
        p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file()
    ]
    return sorted(p.relative_to(root).as_posix() for p in found)


ACTION_FOLDERS = ("actions", ".github/actions")


def action_files(root: Path) -> list[str]:
    """List the repository's own actions (root, actions/, .github/actions/).

    An action a workflow uses from elsewhere in the repository (``uses:
    ./.github/meson_actions``) is one of them too.  Of a folder with both
    ``action.yml`` and ``action.yaml``, only ``action.yml`` is read: the
    one the runner loads.
    """
    found = {root / name for name in ("action.yml", "action.yaml")}
    for folder in ACTION_FOLDERS:
        for name in ("action.yml", "action.yaml"):
            found.update((root / folder).glob(f"**/{name}"))
    for used in _used_folders(root):
        found.update(used / name for name in ("action.yml", "action.yaml"))
    # the runner reads action.yml when it is there, action.yaml only if not
    found = {p for p in found if not (p.name == "action.yaml" and _yml_beside(p))}
    return sorted(p.relative_to(root).as_posix() for p in found if p.is_file())


def _yml_beside(path: Path) -> bool:
    return (path.parent / "action.yml").is_file()


_LOCAL_USES = re.compile(r"""^\s*(?:-\s*)?uses:\s*['"]?\./([^'"\s#@]+)""", re.M)


def _used_folders(root: Path) -> list[Path]:
    """Return the folders inside ``root`` that workflows name in ``uses: ./X``."""
    inside = root.resolve()
    folders = []
    for rel in workflow_files(root):
        text = textfile.read(root / rel).text
        for match in _LOCAL_USES.finditer(text):
            folder = root / match.group(1)
            real = folder.resolve()
            if real.is_relative_to(inside) and real != inside:
                folders.append(folder)
    return folders


def _local_actions(root: Path, texts: dict[str, textfile.Text]) -> LocalActions:
    """Read the repository's composite actions: inputs their steps run."""
    found: LocalActions = {}
    for rel, text in texts.items():
        parsed = yamlnodes.compose(text.text) if not text.problem else None
        if parsed is not None and parsed.root is not None and not parsed.error:
            folder = rel.rsplit("/", 1)[0] if "/" in rel else "."
            found[folder] = actioninputs.local_inputs(parsed.root)
            script = dockeractions.entrypoint(root, folder, parsed.root)
            if script is not None:
                found[folder][dockeractions.ENTRYPOINT] = script
    return found


def _yaml_files(root: Path, audit: Audit) -> None:
    actions = {rel: textfile.read(root / rel) for rel in action_files(root)}
    local = _local_actions(root, actions)
    kinds = [(rel, workflows.audit_workflow) for rel in workflow_files(root)]
    kinds += [(rel, workflows.audit_action) for rel in actions]
    packages = PackageScripts(root)
    gating = frozenset(
        rel.rsplit("/", 1)[0] if "/" in rel else "."
        for rel, text in actions.items()
        if workflows.action_runs_gate(rel, text, local, packages)
    )
    runs: list[repotwins.WorkflowRuns] = []
    for rel, audit_file in kinds:
        text = actions.get(rel) or textfile.read(root / rel)
        result = audit_file(rel, text, local, packages, gating)
        audit.findings += result.findings
        audit.notes += result.notes
        audit.files.append(rel)
        audit.lines_of[rel] = text.lines
        read = repotwins.read(rel, text) if rel not in actions else None
        runs += [read] if read is not None else []
    repotwins.demote(audit.findings, runs, audit.lines_of)


def _makefile(root: Path) -> list[str]:
    """Return the makefile ``make`` reads at the root, the first one present.

    GNU make tries GNUmakefile, makefile and Makefile in that order (GNU make
    manual, 3.2 What Name to Give Your Makefile).
    """
    return next(([n] for n in makegoals.MAKEFILES if (root / n).is_file()), [])


def _make_runs(root: Path, audit: Audit, makefile: str) -> set[str] | None:
    """Return the Makefile targets CI runs (None: no workflow was read)."""
    if not any(rel.startswith(WORKFLOW_DIR) for rel in audit.files):
        return None
    texts = ["\n".join(audit.lines_of.get(rel, ())) for rel in audit.files]
    for extra in ("tox.ini", "noxfile.py", ".pre-commit-config.yaml"):
        if (root / extra).is_file():
            texts.append(textfile.read(root / extra).text)
    return makefiles.reached(makefile, makefiles.targets_called(texts))


def _script_files(root: Path, audit: Audit) -> None:
    """Audit the Makefile's recipes and the noxfile's sessions."""
    scripts = [(name, makefiles.audit) for name in _makefile(root)]
    for name, audit_file in [*scripts, (noxfiles.PATH, noxfiles.audit)]:
        if not (root / name).is_file():
            continue
        text = textfile.read(root / name)
        if text.problem:
            detail = f"{name} is {text.problem}"
            audit.findings.append(finding("QG109", name, text.line, detail))
        elif audit_file is makefiles.audit:
            runs = _make_runs(root, audit, text.text)
            checking = formatchecks.read(root) | scannerthresholds.from_files(root)
            found = makefiles.audit(text.text, runs, checking)
            audit.findings += [dataclasses.replace(f, path=name) for f in found]
        else:
            found = audit_file(text.text)
            audit.findings += [dataclasses.replace(f, path=name) for f in found]
        audit.files.append(name)
        audit.lines_of[name] = text.lines


def run(root: Path) -> Audit:
    """Audit the workflows, actions, pre-commit config and tool configs at ``root``."""
    audit = Audit()
    _yaml_files(root, audit)
    _script_files(root, audit)
    precommit_root = None
    if (root / precommit.PATH).is_file():
        text = textfile.read(root / precommit.PATH)
        precommit_root, _ = precommit.parse(text)
        audit.findings += precommit.audit(text)
        audit.files.append(precommit.PATH)
        audit.lines_of[precommit.PATH] = text.lines
    configs, broken = configfiles.load(root)
    audit.findings += broken
    audit.findings += shadowing(configs)
    audit.findings += ignored_sections(configs)
    audit.findings += tox_commands(configs, formatchecks.read(root))
    audit.findings += flake8plugins.plugin_codes(root, configs, precommit_root)
    audit.findings += mypyconfig.ignored_errors(configs)
    audit.findings += cibwconfig.test_commands(configs)
    for name, text_ in configs.texts.items():
        audit.files.append(name)
        audit.lines_of[name] = split_lines(text_)
    audit.files += [f.path for f in broken if f.path not in audit.files]
    return audit
