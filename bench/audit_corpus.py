#!/usr/bin/env python3
"""Measure ``audit-gates`` against hand-read ground truth of real repositories' CI.

Each ``<corpus>/<owner>__<name>.toml`` names a commit and lists, as read by
hand, every neutralised gate in that commit's workflows and actions
(``[[gate]]``: file, line, kind, reason), look-alikes that are honest
(``[[honest]]``, for the reader), findings that would be right only as notes
(``[[doubtful]]``: the evidence makes them plausible, not certain), how many
``uses:`` are unpinned third-party references (``[actions] unpinned``) and
whether each workflow sets permissions (``[permissions]``: missing, set,
write-all, reusable, or invalid for a file that does not parse, listed under
``[[invalid]]``).  A corpus whose files name their ``half`` (development or
test, ``bench/audit_corpus_21``) is audited with its tool configs too.

A finding *fails* unless it is a note (severity info).  Recall counts the
gates a failing finding points at; precision is that of failing findings;
the notes' precision counts notes on a gate or a doubtful place.

Given the repositories as bare git mirrors (``--mirrors``, one folder
``<owner>+<name>/repo`` each), the script extracts ``.github/`` and the root
``action.yml`` of that commit (for a corpus with halves also the tool configs,
and from any folder the ``package.json`` files whose scripts a step may run,
the makefiles of ``make -C`` and the actions of ``uses: ./path``) into a temporary
folder, runs
``quality-gates audit-gates --format json`` there, and prints per repository
and in total: recall and precision of the gate rules, and the false alarms of
the pinned-action and permissions rules.  With ``--output`` it also writes the
table as Markdown.  Nothing fetched is kept.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "audit_corpus"
GATE_RULES = frozenset(
    "QG101 QG102 QG103 QG104 QG105 QG106 QG107 QG109 QG112 QG113 QG117".split()
)
_CONFIGS = (
    "tox.ini noxfile.py GNUmakefile makefile Makefile .pre-commit-config.yaml "
    "setup.cfg pyproject.toml "
    ".flake8 pytest.ini mypy.ini action.yml action.yaml "
    # the scanners' own config files, whose threshold makes a scan a check
    "trivy.yaml .grype.yaml .grype/config.yaml"
).split()
LINE_SLACK = 1  # a `||` continued on the next line may be reported on either


@dataclasses.dataclass
class Score:
    """One repository's counts."""

    repo: str
    held_out: bool = False
    half: str = ""
    truth: int = 0
    found: int = 0
    found_with_notes: int = 0
    findings: int = 0
    true_findings: int = 0
    notes_total: int = 0
    notes_true: int = 0
    false_notes: list[str] = dataclasses.field(default_factory=list)
    missed: list[str] = dataclasses.field(default_factory=list)
    false: list[str] = dataclasses.field(default_factory=list)
    unpinned: int = 0
    pin_findings: int = 0
    permission_false: list[str] = dataclasses.field(default_factory=list)
    permission_missed: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def pin_false(self) -> int:
        """Unpinned-action findings beyond the unpinned references read by hand."""
        return max(0, self.pin_findings - self.unpinned)


def extract(mirror: Path, commit: str, into: Path, configs: bool = False) -> None:
    """``.github/`` and a root ``action.yml`` of ``commit`` (and the tool configs).

    With the configs come the ``package.json`` files (outside
    ``node_modules``): ``npm run NAME`` runs what their scripts say; and the
    Lighthouse CI configs a Lighthouse step may assert by; and the scanners'
    configs (``trivy.yaml``) that set their thresholds.

    Files are read one by one (``git cat-file``): ``git archive`` leaves out
    whatever ``.gitattributes`` marks ``export-ignore``, ``.github`` included.
    """
    paths = subprocess.run(  # nosec B603 B607
        ["git", f"--git-dir={mirror}", "ls-tree", "-r", "--name-only", commit],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    roots = ("action.yml", "action.yaml", *(_CONFIGS if configs else ()))
    prefixes = (".github/", "actions/") if configs else (".github/",)
    for path in paths:
        if not (path.startswith(prefixes) or path in roots or _package(path, configs)):
            continue
        done = subprocess.run(  # nosec B603 B607
            ["git", f"--git-dir={mirror}", "cat-file", "-p", f"{commit}:{path}"],
            check=False,
            capture_output=True,
        )
        if done.returncode:  # a blob the snapshot lists but does not hold
            print(f"not in the snapshot, left out: {path}", file=sys.stderr)
            continue
        data = done.stdout
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (into / ".git").mkdir(exist_ok=True)  # the project root for audit-gates


_ANYWHERE = frozenset(
    "package.json GNUmakefile makefile Makefile action.yml action.yaml".split()
)


def _package(path: str, configs: bool) -> bool:
    """Tell a file in any folder that a step may run or use.

    A ``package.json`` whose scripts a step may run (``npm --prefix web run
    lint``), a makefile of ``make -C docs lint``, an action a workflow uses
    from its folder (``uses: ./tools/ci``), or a Lighthouse CI config
    (``.lighthouserc.json``, ``lighthouserc.yml``): treosh/lighthouse-ci-action's
    ``configPath`` decides by its assertions whether the action fails.
    """
    parts = path.split("/")
    wanted = parts[-1] in _ANYWHERE or "lighthouserc" in parts[-1].lower()
    return configs and wanted and "node_modules" not in parts


def run_audit(folder: Path) -> dict[str, Any]:
    """Run the command as a user would, JSON out."""
    env = dict(os.environ, QUALITY_GATES_CACHE_DIR=str(folder / ".qg-cache"))
    proc = subprocess.run(  # nosec B603
        [sys.executable, "-m", "quality_gates", "audit-gates", "--format", "json"],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"audit-gates failed in {folder}: {proc.stderr}")
    report: dict[str, Any] = json.loads(proc.stdout)
    report["stderr"] = proc.stderr
    return report


def _matches(finding: dict[str, Any], gate: dict[str, Any]) -> bool:
    """Tell whether a finding is on a line of the gate (``line`` to ``end``), +-1."""
    first, last = int(gate["line"]), int(gate.get("end", gate["line"]))
    line = int(finding["line"])
    return (
        finding["path"] == gate["file"]
        and first - LINE_SLACK <= line <= last + LINE_SLACK
    )


def _places(truth: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    gates = truth.get("gate", []) + [
        dict(item, kind="invalid") for item in truth.get("invalid", [])
    ]
    return gates, truth.get("doubtful", [])


def score(truth: dict[str, Any], report: dict[str, Any]) -> Score:
    """Compare one report with its ground truth."""
    result = Score(truth["repo"], bool(truth.get("held_out")), truth.get("half", ""))
    gates, doubtful = _places(truth)
    counted = [f for f in report["findings"] if f["rule"] in GATE_RULES]
    counted = [
        f for f in counted if f["rule"] != "QG109" or any(_matches(f, g) for g in gates)
    ]
    failing = [f for f in counted if f["severity"] != "info"]
    notes = [f for f in counted if f["severity"] == "info"]
    result.truth, result.findings = len(gates), len(failing)
    for gate in truth.get("gate", []):
        if any(_matches(f, gate) for f in failing):
            result.found += 1
        else:
            result.missed.append(
                f"{gate['file']}:{gate['line']} {gate.get('kind', '')}".rstrip()
            )
        result.found_with_notes += any(_matches(f, gate) for f in counted)
    result.truth = len(truth.get("gate", []))
    for item in failing:
        if any(_matches(item, gate) for gate in gates):
            result.true_findings += 1
        else:
            result.false.append(f"{item['path']}:{item['line']} {item['rule']}")
    result.notes_total = len(notes)
    for item in notes:
        if any(_matches(item, place) for place in gates + doubtful):
            result.notes_true += 1
        else:
            result.false_notes.append(f"{item['path']}:{item['line']} {item['rule']}")
    result.unpinned = int(truth.get("actions", {}).get("unpinned", 0))
    result.pin_findings = len(
        {(f["path"], f["line"]) for f in report["findings"] if f["rule"] == "QG110"}
    )  # a step reused through a YAML alias is one `uses:` line
    _permissions(truth, report, result)
    result.notes = [line for line in report.get("notes", []) if "not parsed" in line]
    return result


def _permissions(truth: dict[str, Any], report: dict[str, Any], result: Score) -> None:
    """QG111 against ``missing``; QG114 against ``write-all``.

    ``set`` says a block is there, not what it grants: a ``write-all`` block
    is set, so QG114 on a ``set`` workflow is neither false nor missed.
    """
    rules = {"missing": "QG111", "write-all": "QG114"}
    for path, state in truth.get("permissions", {}).items():
        if state == "invalid":
            continue  # a workflow that does not parse has no jobs to grant anything
        for wanted, rule in rules.items():
            flagged = any(
                f["path"] == path and f["rule"] == rule for f in report["findings"]
            )
            if state == wanted and not flagged:
                result.permission_missed.append(path)
            if state != wanted and flagged and (rule == "QG111" or state != "set"):
                result.permission_false.append(path)


def measure(
    mirrors: Path, names: list[str], corpus: Path = CORPUS, half: str = ""
) -> list[Score]:
    """Score every corpus repository whose mirror is present."""
    scores = []
    for path in sorted(corpus.glob("*.toml")):
        truth = tomllib.loads(path.read_text())
        owner, name = truth["repo"].split("/")
        mirror = mirrors / f"{owner}+{name}" / "repo"
        if (mirror / ".git").is_dir():
            mirror = mirror / ".git"  # a snapshot stored as a clone with a work tree
        if names and truth["repo"] not in names:
            continue
        if half and truth.get("half") != half:
            continue
        if not mirror.is_dir():
            print(f"skipped {truth['repo']}: no mirror at {mirror}", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory(prefix="qg-corpus-") as tmp:
            extract(mirror, truth["commit"], Path(tmp), configs="half" in truth)
            scores.append(score(truth, run_audit(Path(tmp))))
    return scores


def _ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def totals(label: str, scores: list[Score]) -> str:
    """One line of totals for ``scores``."""
    truth = sum(s.truth for s in scores)
    found = sum(s.found for s in scores)
    with_notes = sum(s.found_with_notes for s in scores)
    findings = sum(s.findings for s in scores)
    true = sum(s.true_findings for s in scores)
    notes = sum(s.notes_total for s in scores)
    notes_true = sum(s.notes_true for s in scores)
    return (
        f"{label}: {len(scores)} repositories; neutralised gates read by hand: "
        f"{truth}; recall {_ratio(found, truth)} ({found}/{truth}; with notes "
        f"{with_notes}/{truth}); precision of failing findings "
        f"{_ratio(true, findings)} "
        f"({true}/{findings}); precision of notes {_ratio(notes_true, notes)} "
        f"({notes_true}/{notes}); "
        f"unpinned-action false alarms: {sum(s.pin_false for s in scores)}; "
        f"permissions false alarms: {sum(len(s.permission_false) for s in scores)}, "
        f"missed: {sum(len(s.permission_missed) for s in scores)}\n"
    )


def _details(scores: list[Score]) -> list[str]:
    """One line per repository with something missed, false or noted."""
    return [
        f"- {s.repo}: "
        + "; ".join(
            [f"missed {m}" for m in s.missed]
            + [f"false {f}" for f in s.false]
            + [f"false note {f}" for f in s.false_notes]
            + [f"permissions false {p}" for p in s.permission_false]
            + [f"permissions missed {p}" for p in s.permission_missed]
            + [f"note {n}" for n in s.notes]
        )
        for s in scores
        if s.missed
        or s.false
        or s.false_notes
        or s.permission_false
        or s.permission_missed
        or s.notes
    ]


def table(scores: list[Score]) -> str:
    """Return the per-repository table and the totals, as Markdown."""
    head = (
        "| repository | neutralised gates | found | failing findings | true |"
        " notes | true notes | unpinned read / flagged | permissions false / missed |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = [
        f"| {s.repo}{' (held out)' if s.held_out else ''}"
        f"{f' ({s.half})' if s.half else ''} | {s.truth} | {s.found} |"
        f" {s.findings} | {s.true_findings} | {s.notes_total} | {s.notes_true} |"
        f" {s.unpinned} / {s.pin_findings} |"
        f" {len(s.permission_false)} / {len(s.permission_missed)} |"
        for s in scores
    ]
    held = [s for s in scores if s.held_out]
    summary = "\n\n" + totals("all", scores)
    if held:
        summary += totals("held out", held)
        summary += totals("the rest", [s for s in scores if not s.held_out])
    for half in sorted({s.half for s in scores if s.half}):
        summary += totals(f"{half} half", [s for s in scores if s.half == half])
    return head + "\n".join(rows) + summary + "\n".join(_details(scores)) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Parse options, measure, print (and write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--output", type=Path, help="also write the table here")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus folder")
    parser.add_argument("--half", default="", help="only this half (development, test)")
    parser.add_argument("repos", nargs="*", help="owner/name to measure (default all)")
    args = parser.parse_args(argv)
    scores = measure(args.mirrors, args.repos, args.corpus, args.half)
    if not scores:
        parser.error(f"no corpus repository has a mirror under {args.mirrors}")
    text = table(scores)
    print(text)
    if args.output:
        args.output.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
