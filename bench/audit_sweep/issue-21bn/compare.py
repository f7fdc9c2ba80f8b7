"""Run audit-gates on the sampled repositories and compare it site by site.

    compare.py [OUTPUT.md]

Reads ``labels.tsv`` (the hand labels, written before any audit ran), runs
``audit-gates`` on each sampled repository at the recorded commit (extracted
from the bare mirror as ``bench/audit_corpus.py`` does, with the root
configs), and matches each gate-rule finding to the site whose lines hold it
(+-1 line, as the scorer does).  Prints the agreement table.
"""

from __future__ import annotations

import collections
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from audit_corpus import (  # noqa: E402  (bench/ on the path first)
    GATE_RULES,
    LINE_SLACK,
    extract,
    run_audit,
)

MIRROR = Path("/work/.mirror")


def load() -> list[dict[str, str]]:
    """Return the labelled sites."""
    lines = (HERE / "labels.tsv").read_text().splitlines()
    head = lines[0].split("\t")
    return [dict(zip(head, line.split("\t"))) for line in lines[1:]]


def findings(repo: str, commit: str) -> list[dict[str, Any]]:
    """Return the gate-rule findings of audit-gates on one repository."""
    mirror = MIRROR / repo.replace("/", "+", 1) / "repo"
    if (mirror / ".git").is_dir():
        mirror = mirror / ".git"
    with tempfile.TemporaryDirectory(prefix="qg-census-") as tmp:
        extract(mirror, commit, Path(tmp), configs=True)
        report = run_audit(Path(tmp))
    return [f for f in report["findings"] if f["rule"] in GATE_RULES]


def on_site(site: dict[str, str], found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the findings whose line lies on the site."""
    first, last = int(site["line"]), int(site["end"])
    return [
        f
        for f in found
        if f["path"] == site["file"]
        and first - LINE_SLACK <= int(f["line"]) <= last + LINE_SLACK
    ]


def verdict(label: str, hits: list[dict[str, Any]]) -> str:
    """Name the agreement of one site."""
    failing = any(f["severity"] != "info" for f in hits)
    note = bool(hits) and not failing
    if label in ("gate", "refused"):  # refused: the workflow never runs
        return "found" if failing else "note only" if note else "MISSED"
    if label == "doubtful":
        return "failing (arguable)" if failing else "note" if note else "silent"
    return "FALSE FAILING" if failing else "false note" if note else "agree"


def main(argv: list[str]) -> int:
    """Run the comparison and print (or write) the table."""
    sites = load()
    cache: dict[tuple[str, str], list[dict[str, Any]]] = {}
    rows, tally = [], collections.Counter()
    for site in sites:
        key = (site["repo"], site["commit"])
        if key not in cache:
            cache[key] = findings(*key)
        hits = on_site(site, cache[key])
        result = verdict(site["label"], hits)
        tally[(site["label"], result)] += 1
        rules = ", ".join(
            f"{f['rule']}{'' if f['severity'] != 'info' else '(note)'}@{f['line']}"
            for f in hits
        )
        rows.append(
            f"| {site['n']} | {site['repo']} | {site['file']}:{site['line']} "
            f"| {site['label']} | {result} | {rules} |"
        )
    out = ["| n | repo | site | label | verdict | findings on the site |"]
    out += ["|---|---|---|---|---|---|", *rows, ""]
    out += [
        f"- {label} / {result}: {n}" for (label, result), n in sorted(tally.items())
    ]
    text = "\n".join(out) + "\n"
    if argv:
        Path(argv[0]).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
