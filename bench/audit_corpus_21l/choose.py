#!/usr/bin/env python3
"""Choose and split the repositories of ``bench/audit_corpus_21l`` by its written rule.

The rule (README.md): 16 well-known projects from ``WELL_KNOWN`` (four
strata, the first four of each, in order, that the fetch tool provides and
that qualify), and 24 small or mid projects from six name lists of the code
index (``candidates-*.txt``), fewer than 3,000 stored file versions, each
shuffled with ``random.Random(LIST_SEED)``.  A repository qualifies when its
snapshot has a workflow with a ``run:`` step and a Python project file; it is
*pattern* when one of its CI files contains a neutralising pattern
(``PATTERNS``, presence only), *clean* otherwise.  Each list gives its first
``PATTERN_QUOTA`` pattern repositories and its first ``CLEAN_QUOTA`` clean
one among its first ``EXAMINED_CAP`` candidates; if the corpus is then short
of ``TARGET``, the lists are walked on, in order, up to ``EXTRA_CAP``, for
pattern repositories only.

A well-known project the rule excludes (``excluded()``) is passed over for
the next reserve.

``python choose.py order`` prints what to fetch next; ``python choose.py
classify`` prints every verdict; ``python choose.py split`` prints the split
table (development half first).  ``python choose.py b order|classify|split``
does the same for batch B (README.md, "Batch B").

Copied from ``bench/audit_corpus_21k/choose.py`` (its amended last walk-on
included); changed only: the well-known strata, the lists and their
replacements, the seeds, batch B's three lists, the fetch allowances and
stops, the sweeps read before each fetch, and the index pre-screen's second
step, which now applies to every list (README.md).
"""

from __future__ import annotations

import random
import re
import subprocess  # nosec B404 - fixed argument lists
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIRRORS = Path("/work/.mirror")
WELL_KNOWN = {  # four taken in order per stratum; the last two are reserves
    "optim": [
        "cvxpy/cvxpy",
        "coin-or/pulp",
        "Pyomo/pyomo",
        "anyoptimization/pymoo",
        "facebookresearch/nevergrad",
        "google/or-tools",
    ],
    "probprog": [
        "pymc-devs/pymc",
        "pyro-ppl/pyro",
        "stan-dev/cmdstanpy",
        "blackjax-devs/blackjax",
        "pymc-devs/pytensor",
        "pyro-ppl/funsor",
    ],
    "forecast": [
        "facebook/prophet",
        "Nixtla/statsforecast",
        "alkaline-ml/pmdarima",
        "blue-yonder/tsfresh",
        "Nixtla/neuralforecast",
        "awslabs/gluonts",
    ],
    "graph": [
        "igraph/python-igraph",
        "Qiskit/rustworkx",
        "networkit/networkit",
        "benedekrozemberczki/karateclub",
        "WestHealth/pyvis",
        "pygraphviz/pygraphviz",
    ],
}
WELL_KNOWN_QUOTA = 4
LISTS = ("core", "lab", "studio", "hub", "platform", "demo")
# Taken in order, each once, for a list that has no candidate after the
# exclusions (README.md, "The lists after the exclusions").
REPLACEMENTS = ("suite", "runner", "research", "toolbox")
PATTERN_QUOTA = 3
CLEAN_QUOTA = 1
EXAMINED_CAP = 30  # candidates looked at per list, at most
EXTRA_CAP = 45  # walked on for more pattern repositories if the corpus is short
# Then, if the corpus is still short, each list is walked again from its first
# candidate to its 60th, taking any that qualify and are not chosen yet
# (README.md, "Amendment: the last walk-on starts at each list's first").
ANY_CAP = 60
TARGET = 40
LIST_SEED = 2401
SPLIT_SEED = 24011
# Every earlier corpus folder and the sweeps' logs (all of them, by pattern)
EARLIER = tuple(
    sorted(
        p.name
        for p in HERE.parent.iterdir()
        if p.is_dir()
        and p.name != HERE.name
        and (p.name.startswith("audit_corpus") or p.name == "audit_sweep")
    )
)
PATTERNS = re.compile(
    r"\|\|\s*(true|:|echo|exit 0)\b|continue-on-error:\s*true|--exit-zero"
    r"|set \+e|ignore_outcome|success_codes"
)
CI_FILES = re.compile(
    r"^(\.github/workflows/[^/]+\.ya?ml|\.github/actions/.+/action\.ya?ml"
    r"|action\.ya?ml|tox\.ini|noxfile\.py|Makefile|\.pre-commit-config\.yaml)$"
)
PYTHON = re.compile(r"^(pyproject\.toml|setup\.py|setup\.cfg|requirements[^/]*\.txt)$")
REPO_NAME = re.compile(r"(?<![\w./-])([A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*)")
EXTRA_EXCLUDED_NAMES = ("twisted", "xarray")  # issue #21's own examples
# The rule's stop (README.md): when fetching cannot go on, every list's walk
# stops at its first candidate without a snapshot here; this file says why.
# Batch A may use FETCH_ALLOWANCE_A of the FETCH_ALLOWANCE calls, until
# STOP_AT; batch B the rest, until STOP_AT_B (fetch-log.txt counts them).
FETCH_ALLOWANCE = 170
FETCH_ALLOWANCE_A = 120
STOP_AT = "07:30 UTC"
STOPPED = HERE / "fetch-stopped.txt"
STOP = "fetching stopped, fetch-stopped.txt"
# Sweeps that run while this corpus is fetched: a candidate named in their
# files, or whose folder another fetch put in /work/.mirror (not in this
# corpus's fetch-log.txt), is passed over (passed-over.txt), checked just
# before each fetch with ``python choose.py check REPO``.
SWEEPS = tuple(sorted(Path("/work/wt").glob("sweep-21b*/bench/audit_sweep")))
PASSED_OVER = HERE / "passed-over.txt"


def _lines(name: str) -> list[str]:
    path = HERE / name
    return path.read_text().split() if path.exists() else []


def _rows(*names: str) -> list[str]:
    """Return the lines of this corpus's logs (batch C keeps its own)."""
    found: list[str] = []
    for name in names:
        path = HERE / name
        found += path.read_text().splitlines() if path.exists() else []
    return found


def excluded() -> set[str]:
    """Every owner/name named in an earlier corpus folder, and those already mirrored.

    Earlier folders: their truth files, candidate lists, logs, READMEs and
    choose.py (so their reserves and walked candidates too).
    """
    # mirrored-before.txt is `ls /work/.mirror`: owner+name, as fetch names them
    found = {r.replace("+", "/", 1).lower() for r in _lines("mirrored-before.txt")}
    for folder in EARLIER:
        for path in sorted((HERE.parent / folder).rglob("*")):
            if path.is_file() and path.suffix in (".toml", ".txt", ".md", ".py"):
                found.update(m.lower() for m in REPO_NAME.findall(path.read_text()))
    return found


def _fetched() -> set[str]:
    """Return the repositories this corpus fetched (``fetch-log.txt``)."""
    rows = _rows("fetch-log.txt", "fetch-log-c.txt")
    return {row.split("\t")[2].split()[0].lower() for row in rows if "\t" in row}


def found_elsewhere(repo: str) -> str:
    """Say why ``repo`` is passed over now, or return an empty string."""
    if repo.lower() in _fetched():
        return ""
    mirrored = {p.name.replace("+", "/", 1).lower() for p in MIRRORS.iterdir()}
    if repo.lower() in mirrored:
        return "in /work/.mirror, fetched by another"
    for sweep in SWEEPS:
        for path in sorted(sweep.rglob("*")) if sweep.is_dir() else []:
            if path.is_file() and path.suffix in (".toml", ".txt", ".md", ".py"):
                names = REPO_NAME.findall(path.read_text(errors="replace"))
                if repo.lower() in {m.lower() for m in names}:
                    return f"named in {path}"
    return ""


def check(repo: str) -> int:
    """Before a fetch: log ``repo`` as passed over if found elsewhere (exit 1)."""
    why = found_elsewhere(repo)
    if not why:
        print(f"fetch {repo}")
        return 0
    with PASSED_OVER.open("a") as log:
        log.write(f"{repo}\t{why}\n")
    print(f"passed over {repo}: {why}")
    return 1


def _passed_over() -> set[str]:
    rows = _rows(PASSED_OVER.name)
    return {row.split("\t")[0] for row in rows if "\t" in row}


def _prescreened() -> dict[str, str]:
    """Return the list candidates the index's listing passed over, with why.

    ``index-prescreen.txt``: ``repo<TAB>index-no-workflow`` or
    ``index-no-python``, written from ``find_files`` before fetching.
    """
    rows = _rows("index-prescreen.txt", "index-prescreen-c.txt")
    return dict(row.split("\t")[:2] for row in rows if "\t" in row)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.lower())


def agreement_names() -> set[str]:
    """Project names whose sdists ``bench/agreement.toml`` uses, and #21's examples."""
    data = tomllib.loads((HERE.parent / "agreement.toml").read_text())
    names = {_norm(p["sdist"].split("==")[0]) for p in data.get("project", [])}
    return names | set(EXTRA_EXCLUDED_NAMES)


def is_excluded(repo: str, taken: set[str], agreement: set[str]) -> bool:
    """Tell whether the rule leaves ``repo`` out."""
    return repo.lower() in taken or _norm(repo.split("/")[1]) in agreement


def lists() -> list[str]:
    """Return the name lists walked: ``LISTS``, an empty one replaced if it can be."""
    spare = [name for name in REPLACEMENTS if order(name)]
    walked = []
    for name in LISTS:
        if order(name):
            walked.append(name)
        elif spare:
            walked.append(spare.pop(0))
    return walked


def order(name: str) -> list[str]:
    """Return a name list in its shuffled order, the excluded left out."""
    rows = [
        line.split()
        for line in (HERE / f"candidates-{name}.txt").read_text().splitlines()
        if line.strip()
    ]
    names = [repo for repo, count in rows if int(count) < 3000]
    random.Random(LIST_SEED).shuffle(names)
    taken, agreement = excluded(), agreement_names()
    well_known = {r.lower() for names_ in WELL_KNOWN.values() for r in names_}
    return [
        repo
        for repo in names
        if not is_excluded(repo, taken, agreement) and repo.lower() not in well_known
    ]


def _git(mirror: Path, *args: str) -> str:
    # errors="replace": a CI file that is not UTF-8 is read, not a crash
    return subprocess.run(  # nosec B603 B607
        ["git", f"--git-dir={mirror}", *args],
        capture_output=True,
        text=True,
        errors="replace",
    ).stdout


def mirror_of(repo: str) -> Path:
    """Return the bare git directory the fetch tool made for ``repo``."""
    mirror = MIRRORS / repo.replace("/", "+") / "repo"
    return mirror / ".git" if (mirror / ".git").is_dir() else mirror


def classify(repo: str) -> tuple[str, str]:
    """Return ``(verdict, commit)``.

    The verdict is pattern, clean, no-workflow, no-python, no-snapshot,
    passed-over or no-mirror.
    Only the presence of a pattern is tested, never what it is on.
    """
    if repo in _lines("no-snapshot.txt") + _lines("no-snapshot-c.txt"):
        return "no-snapshot", ""
    if repo in _passed_over():
        return "passed-over", ""
    screened = _prescreened()
    if repo in screened:
        return screened[repo], ""
    mirror = mirror_of(repo)
    if not mirror.is_dir():
        return "no-mirror", ""
    commit = _git(mirror, "rev-parse", "HEAD").strip()
    paths = _git(mirror, "ls-tree", "-r", "--name-only", commit).splitlines()
    ci = [p for p in paths if CI_FILES.match(p)]
    workflows = [p for p in ci if p.startswith(".github/workflows/")]
    texts = {p: _git(mirror, "show", f"{commit}:{p}") for p in ci}
    if not any(re.search(r"^\s*(-\s+)?run:", texts[p], re.M) for p in workflows):
        return "no-workflow", commit
    if not any(PYTHON.match(p.rsplit("/", 1)[-1]) for p in paths):
        return "no-python", commit
    hit = any(PATTERNS.search(text) for text in texts.values())
    return ("pattern" if hit else "clean"), commit


Chosen = list[tuple[str, str, str]]


def _well_known(out: list[str], chosen: Chosen) -> bool:
    complete = True
    taken, agreement = excluded(), agreement_names()
    for stratum, names in WELL_KNOWN.items():
        count = 0
        for repo in names:
            if count >= WELL_KNOWN_QUOTA:
                break
            if is_excluded(repo, taken, agreement):
                out.append(
                    f"{stratum}\t{repo}\texcluded (earlier corpus or mirrored)\t\t-"
                )
                continue
            verdict, commit = classify(repo)
            if verdict == "no-mirror":
                out.append(
                    f"{stratum}\t{repo}\tno-mirror (fetch it, or record why not)"
                )
                complete = False
                break
            take = verdict in ("pattern", "clean")
            count += take
            if take:
                chosen.append((repo, f"{stratum}/{verdict}", commit))
            out.append(
                f"{stratum}\t{repo}\t{verdict}\t{commit}\t{'chosen' if take else '-'}"
            )
    return complete


def _walk(
    name: str,
    start: int,
    stop: int,
    quota: dict[str, int],
    counts: dict[str, int],
    out: list[str],
    chosen: Chosen,
) -> int:
    """Walk ``order(name)[start:stop]``; return where it stopped.

    The answer is -1 when a candidate's mirror is missing.
    """
    names = order(name)
    seen = {repo.lower() for repo, _, _ in chosen}
    for i in range(start, min(stop, len(names))):
        repo = names[i]
        if all(counts[k] >= quota[k] for k in quota):
            return i
        if repo.lower() in seen:
            out.append(f"{name}\t{repo}\talready chosen from an earlier list\t\t-")
            continue
        verdict, commit = classify(repo)
        if verdict == "no-mirror" and STOPPED.exists():
            out.append(f"{name}\t{repo}\tnot fetched: the walk stops here ({STOP})")
            return i
        if verdict == "no-mirror":
            out.append(f"{name}\t{repo}\tno-mirror (fetch it, or record why not)")
            return -1
        take = verdict in quota and counts[verdict] < quota[verdict]
        if take:
            counts[verdict] += 1
            chosen.append((repo, f"{name}/{verdict}", commit))
        out.append(f"{name}\t{repo}\t{verdict}\t{commit}\t{'chosen' if take else '-'}")
    return min(stop, len(names))


def _walk_any(name: str, start: int, need: int, out: list[str], chosen: Chosen) -> int:
    """Walk ``order(name)[start:ANY_CAP]`` taking any that qualify, ``need`` at most.

    The answer is where it stopped, or -1 when a candidate's mirror is missing.
    """
    counts = {"pattern": 0, "clean": 0}
    quota = {"pattern": need, "clean": need}
    names = order(name)
    for i in range(start, min(ANY_CAP, len(names))):
        if counts["pattern"] + counts["clean"] >= need:
            return i
        got = _walk(name, i, i + 1, quota, counts, out, chosen)
        if got != i + 1:  # a missing mirror (-1), or the rule's stop (i)
            return got
    return min(ANY_CAP, len(names))


def choose(out: list[str]) -> Chosen | None:
    """Return ``(repo, stratum, commit)`` for the chosen set.

    The answer is None when a candidate's mirror is missing.
    """
    chosen: Chosen = []
    complete = _well_known(out, chosen)
    walked = lists()
    counts = {name: {"pattern": 0, "clean": 0} for name in walked}
    reached = {}
    for name in walked:
        quota = {"pattern": PATTERN_QUOTA, "clean": CLEAN_QUOTA}
        reached[name] = _walk(name, 0, EXAMINED_CAP, quota, counts[name], out, chosen)
        complete &= reached[name] >= 0
    for name in walked:
        if len(chosen) >= TARGET or not complete:
            break
        quota = {"pattern": counts[name]["pattern"] + TARGET - len(chosen)}
        out.append(f"# {name}: walked on for {TARGET - len(chosen)} more")
        reached[name] = _walk(
            name, reached[name], EXTRA_CAP, quota, counts[name], out, chosen
        )
        complete &= reached[name] >= 0
    for name in walked:
        if len(chosen) >= TARGET or not complete:
            break
        out.append(f"# {name}: walked on for {TARGET - len(chosen)} more, any")
        complete &= _walk_any(name, 0, TARGET - len(chosen), out, chosen) >= 0
    return chosen if complete else None


def _print_split(chosen: Chosen, seed: int) -> None:
    names = sorted((repo for repo, _, _ in chosen), key=str.lower)
    random.Random(seed).shuffle(names)
    info = {repo: (stratum, commit) for repo, stratum, commit in chosen}
    half = len(names) // 2
    for i, repo in enumerate(names):
        stratum, commit = info[repo]
        date = _git(mirror_of(repo), "log", "-1", "--format=%cs", commit).strip()
        side = "development" if i < half else "test"
        print(f"| {side} | {repo} | {stratum} | `{commit}` | {date} |")


# Batch B (README.md): three lists, strong-pattern repositories only, with
# bench/audit_corpus_21g's batch B STRONG test, quota and walk-on; each list
# is walked to its 60th candidate.
LISTS_B = ("search", "model", "system")
QUOTA_B = 4
CAP_B = 60
TARGET_B = 12
LIST_SEED_B = 2401
SPLIT_SEED_B = 24012
# Batch B has its own allowance (what batch A left of FETCH_ALLOWANCE) and
# its own stop; its walks stop at their first candidate without a snapshot
# once fetch-stopped-b.txt exists (batch A's stop does not stop batch B).
FETCH_ALLOWANCE_B = FETCH_ALLOWANCE - FETCH_ALLOWANCE_A
STOP_AT_B = "07:40 UTC"
STOPPED_B = HERE / "fetch-stopped-b.txt"
STOP_B = "fetching stopped, fetch-stopped-b.txt"
_CHECKERS = (
    r"pytest|unittest|tox|nox|flake8|pylint|mypy|pyright|ruff|black|isort|bandit"
    r"|safety|pip-audit|semgrep|trivy|coverage|pydocstyle|pycodestyle|radon|vulture"
)
STRONG = re.compile(
    r"--exit-zero|continue-on-error:\s*true|soft_fail|--soft-fail|no-fail:\s*true"
    r"|exit-code:\s*['\"]?0\b"
    rf"|^.*\b({_CHECKERS})\b.*\|\|\s*(true|:|echo|exit 0)\b"
    rf"|^.*\b({_CHECKERS})\b.*\|\s*(tail|head|tee)\b",
    re.M,
)


def batch_a_names() -> set[str]:
    """Every repository batch A could look at: its well-known and name lists."""
    found = {r.lower() for names in WELL_KNOWN.values() for r in names}
    for name in LISTS + REPLACEMENTS:
        text = (HERE / f"candidates-{name}.txt").read_text()
        found.update(line.split()[0].lower() for line in text.splitlines() if line)
    return found


def order_b(
    name: str, taken: set[str], agreement: set[str], seed: int = LIST_SEED_B
) -> list[str]:
    """Return a batch B list in shuffled order, the excluded left out."""
    rows = [
        line.split()
        for line in (HERE / f"candidates-{name}.txt").read_text().splitlines()
        if line.strip()
    ]
    names = [repo for repo, count in rows if int(count) < 3000]
    random.Random(seed).shuffle(names)
    return [repo for repo in names if not is_excluded(repo, taken, agreement)]


def classify_b(repo: str) -> tuple[str, str]:
    """Like ``classify``, but ``strong`` or ``weak`` instead of pattern/clean."""
    verdict, commit = classify(repo)
    if verdict not in ("pattern", "clean"):
        return verdict, commit
    mirror = mirror_of(repo)
    paths = _git(mirror, "ls-tree", "-r", "--name-only", commit).splitlines()
    texts = [_git(mirror, "show", f"{commit}:{p}") for p in paths if CI_FILES.match(p)]
    return ("strong" if any(STRONG.search(t) for t in texts) else "weak"), commit


def _walk_b(
    name: str,
    names: list[str],
    start: int,
    quota: int,
    out: list[str],
    chosen: Chosen,
    stopped: Path = STOPPED_B,
) -> int:
    """Walk ``names[start:]`` until ``quota`` are taken; return where it stopped.

    The answer is -1 when a candidate's mirror is missing.
    """
    count = 0
    for i in range(start, len(names)):
        repo = names[i]
        if count >= quota:
            return i
        if repo.lower() in {r.lower() for r, _, _ in chosen}:
            out.append(f"{name}\t{repo}\talready chosen from an earlier list\t\t-")
            continue
        verdict, commit = classify_b(repo)
        if verdict == "no-mirror" and stopped.exists():
            why = f"fetching stopped, {stopped.name}"
            out.append(f"{name}\t{repo}\tnot fetched: the walk stops here ({why})")
            return i
        if verdict == "no-mirror":
            out.append(f"{name}\t{repo}\tno-mirror (fetch it, or record why not)")
            return -1
        take = verdict == "strong"
        count += take
        if take:
            chosen.append((repo, f"{name}/strong", commit))
        out.append(f"{name}\t{repo}\t{verdict}\t{commit}\t{'chosen' if take else '-'}")
    return len(names)


def batch_b(argv: list[str]) -> int:
    """``b order`` / ``b classify`` / ``b split`` for batch B."""
    taken = excluded() | batch_a_names()
    agreement = agreement_names()
    lists = {name: order_b(name, taken, agreement)[:CAP_B] for name in LISTS_B}
    if argv[:1] == ["order"]:
        for name, names in lists.items():
            print(name, " ".join(names))
        return 0
    out: list[str] = []
    chosen: Chosen = []
    reached = {}
    for name, names in lists.items():
        reached[name] = _walk_b(name, names, 0, QUOTA_B, out, chosen)
    complete = all(r >= 0 for r in reached.values())
    for name, names in lists.items():
        if len(chosen) >= TARGET_B or not complete:
            break
        out.append(f"# {name}: walked on for {TARGET_B - len(chosen)} more")
        got = _walk_b(name, names, reached[name], TARGET_B - len(chosen), out, chosen)
        complete &= got >= 0
    if argv[:1] == ["classify"] or not complete:
        print("\n".join(out))
    if argv[:1] == ["split"] and complete:
        _print_split(chosen, SPLIT_SEED_B)
    return 0 if complete else 1


# Batch C (README.md, "Batch C"): six more lists, strong-pattern repositories
# only, batch B's test; each list gives its first QUOTA_C among its first
# CAP_C candidates, then the walk-on, list by list, to the EXTRA_CAP_C-th.
LISTS_C = ("bridge", "sandbox", "analytics", "backup", "inventory", "notifier")
REPLACEMENTS_C = ("insights", "reporter", "sentinel", "guard")
QUOTA_C = 4
CAP_C = 45
EXTRA_CAP_C = 70
TARGET_C = 20
LIST_SEED_C = 2402
SPLIT_SEED_C = 24013
FETCH_ALLOWANCE_C = 100
STOP_AT_C = "07:52 UTC"
STOPPED_C = HERE / "fetch-stopped-c.txt"


def excluded_c() -> set[str]:
    """Batch C's exclusions: batch A's, its own mirror listing, batches A and B."""
    found = {r.replace("+", "/", 1).lower() for r in _lines("mirrored-before-c.txt")}
    found |= excluded() | batch_a_names()
    for name in LISTS_B:
        text = (HERE / f"candidates-{name}.txt").read_text()
        found.update(line.split()[0].lower() for line in text.splitlines() if line)
    return found


def lists_c() -> dict[str, list[str]]:
    """Return batch C's lists in order, an empty one replaced if it can be."""
    taken, agreement = excluded_c(), agreement_names()
    spare = [n for n in REPLACEMENTS_C if (HERE / f"candidates-{n}.txt").exists()]
    walked: dict[str, list[str]] = {}
    for name in LISTS_C:
        names = order_b(name, taken, agreement, LIST_SEED_C)
        while not names and spare:
            name = spare.pop(0)
            names = order_b(name, taken, agreement, LIST_SEED_C)
        if names:
            walked[name] = names[:EXTRA_CAP_C]
    return walked


def batch_c(argv: list[str]) -> int:
    """``c order`` / ``c classify`` / ``c split`` for batch C."""
    lists = lists_c()
    if argv[:1] == ["order"]:
        for name, names in lists.items():
            print(name, " ".join(names))
        return 0
    out: list[str] = []
    chosen: Chosen = []
    reached = {}
    for name, names in lists.items():
        first = names[:CAP_C]
        reached[name] = _walk_b(name, first, 0, QUOTA_C, out, chosen, STOPPED_C)
    complete = all(r >= 0 for r in reached.values())
    for name, names in lists.items():
        if len(chosen) >= TARGET_C or not complete:
            break
        need = TARGET_C - len(chosen)
        out.append(f"# {name}: walked on for {need} more")
        got = _walk_b(name, names, reached[name], need, out, chosen, STOPPED_C)
        complete &= got >= 0
    if argv[:1] == ["classify"] or not complete:
        print("\n".join(out))
    if argv[:1] == ["split"] and complete:
        _print_split(chosen, SPLIT_SEED_C)
    return 0 if complete else 1


def main(argv: list[str]) -> int:
    """Print the order, the verdicts, or the split."""
    if argv[:1] == ["b"]:
        return batch_b(argv[1:])
    if argv[:1] == ["c"]:
        return batch_c(argv[1:])
    if argv[:1] == ["check"]:
        return check(argv[1])
    if argv[:1] == ["order"]:
        for name in lists():
            print(name, " ".join(order(name)[:ANY_CAP]))
        return 0
    out: list[str] = []
    chosen = choose(out)
    if argv[:1] == ["classify"] or chosen is None:
        print("\n".join(out))
        return 0 if chosen is not None else 1
    _print_split(chosen, SPLIT_SEED)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
