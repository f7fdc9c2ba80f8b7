#!/usr/bin/env python3
"""Choose and split the repositories of ``bench/audit_corpus_21c`` by its written rule.

The rule (README.md): 24 well-known projects from ``WELL_KNOWN`` (six strata,
the first four of each that the fetch tool provides and that have a workflow
with a ``run:`` step), and 20 small or mid projects from five name lists of
the code index (``candidates-*.txt``), fewer than 3,000 stored file versions,
each shuffled with ``random.Random(2131)``.  Walking a list in that order, a
repository qualifies when its snapshot has a workflow with a ``run:`` step
and a Python project file; it joins the *pattern* stratum when one of its CI
files contains a neutralising pattern (``PATTERNS``), the *clean* stratum
otherwise.  Each list gives its first ``PATTERN_QUOTA`` pattern repositories
and its first ``CLEAN_QUOTA`` clean one among its first ``EXAMINED_CAP``
candidates.  Only the presence of a pattern is looked at, never what it is
on: the truth is written by hand.

``python choose.py order`` prints what to fetch next; ``python choose.py
classify`` prints every verdict and the chosen set; ``python choose.py split``
prints the split table (development half first).
"""

from __future__ import annotations

import glob
import random
import re
import subprocess  # nosec B404 - fixed argument lists
import sys
import tomllib
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
MIRRORS = Path("/work/.mirror")
WELL_KNOWN = {
    "data-ml": [
        "joblib/joblib",
        "optuna/optuna",
        "arviz-devs/arviz",
        "scikit-learn-contrib/imbalanced-learn",
        "pyro-ppl/numpyro",
        "Lightning-AI/torchmetrics",
    ],
    "db-driver": [
        "psycopg/psycopg",
        "MagicStack/asyncpg",
        "PyMySQL/PyMySQL",
        "redis/redis-py",
        "mongodb/mongo-python-driver",
        "coleifer/peewee",
    ],
    "async-net": [
        "agronholm/anyio",
        "encode/uvicorn",
        "python-websockets/websockets",
        "MagicStack/uvloop",
        "python-hyper/h2",
        "aio-libs/aiobotocore",
    ],
    "devops": [
        "ansible/ansible-lint",
        "pyinfra-dev/pyinfra",
        "docker/docker-py",
        "ansible/molecule",
        "fabric/fabric",
        "boto/boto3",
    ],
    "docs": [
        "sphinx-doc/sphinx",
        "pydata/pydata-sphinx-theme",
        "mkdocstrings/mkdocstrings",
        "executablebooks/MyST-Parser",
        "pradyunsg/furo",
        "sphinx-doc/sphinx-autobuild",
    ],
    "test-tools": [
        "HypothesisWorks/hypothesis",
        "nedbat/coveragepy",
        "pytest-dev/pytest-xdist",
        "behave/behave",
        "nose-devs/nose2",
        "pytest-dev/pytest-cov",
    ],
}
WELL_KNOWN_QUOTA = 4
LISTS = ("scrapy", "celery", "python-sdk", "telegram-bot", "py-cli")
PATTERN_QUOTA = 3
CLEAN_QUOTA = 1
EXAMINED_CAP = 30  # candidates looked at per list, at most
EXTRA_CAP = 45  # walked on for more pattern repositories if the corpus is short
TARGET = 44
LIST_SEED = 2131
SPLIT_SEED = 21321
PATTERNS = re.compile(
    r"\|\|\s*(true|:|echo|exit 0)\b|continue-on-error:\s*true|--exit-zero"
    r"|set \+e|ignore_outcome|success_codes"
)
CI_FILES = re.compile(
    r"^(\.github/workflows/[^/]+\.ya?ml|\.github/actions/.+/action\.ya?ml"
    r"|action\.ya?ml|tox\.ini|noxfile\.py|Makefile|\.pre-commit-config\.yaml)$"
)
PYTHON = re.compile(r"^(pyproject\.toml|setup\.py|setup\.cfg|requirements[^/]*\.txt)$")
AGREEMENT_SDISTS = ("trio", "urllib3", "paramiko", "twisted", "xarray")


def _lines(name: str) -> list[str]:
    path = HERE / name
    return path.read_text().split() if path.exists() else []


def excluded() -> set[str]:
    """Every repository of the earlier corpora, and those already on the machine."""
    found = {repo.lower() for repo in _lines("mirrored-before.txt")}
    for pattern in (
        "audit_corpus/*.toml",
        "audit_corpus_21/*.toml",
        "audit_corpus_21b/*.toml",
    ):
        for path in glob.glob(str(HERE.parent / pattern)):
            found.add(tomllib.loads(Path(path).read_text())["repo"].lower())
    return found


def _is_excluded(repo: str, taken: set[str]) -> bool:
    name = repo.split("/")[1].lower()
    return repo.lower() in taken or name in AGREEMENT_SDISTS


def order(name: str) -> list[str]:
    """Return a name list in its shuffled order, the excluded left out."""
    rows = [
        line.split()
        for line in (HERE / f"candidates-{name}.txt").read_text().splitlines()
    ]
    names = [repo for repo, count in rows if int(count) < 3000]
    random.Random(LIST_SEED).shuffle(names)
    taken = excluded()
    return [repo for repo in names if not _is_excluded(repo, taken)]


def _git(mirror: Path, *args: str) -> str:
    return subprocess.run(  # nosec B603 B607
        ["git", f"--git-dir={mirror}", *args], capture_output=True, text=True
    ).stdout


def mirror_of(repo: str) -> Path:
    mirror = MIRRORS / repo.replace("/", "+") / "repo"
    return mirror / ".git" if (mirror / ".git").is_dir() else mirror


def classify(repo: str) -> tuple[str, str]:
    """Return ``(verdict, commit)``.

    The verdict is pattern, clean, no-workflow, no-python, no-snapshot or no-mirror.
    """
    if repo in _lines("no-snapshot.txt"):
        return "no-snapshot", ""
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


def _take_first(
    label: str,
    names: list[str],
    quota: int,
    judge: Callable[[str], tuple[str, str]],
    wanted: tuple[str, ...],
    out: list[str],
    chosen: list[tuple[str, str, str]],
) -> bool:
    """Take the first ``quota`` of ``names`` whose verdict is ``wanted``.

    Every verdict is written to ``out``; False when a mirror is missing.
    """
    count = 0
    for repo in names:
        if count >= quota:
            break
        verdict, commit = judge(repo)
        if verdict == "no-mirror":
            out.append(f"{label}\t{repo}\tno-mirror (fetch it, or record why not)")
            return False
        take = verdict in wanted
        count += take
        if take:
            chosen.append((repo, f"{label}/{verdict}", commit))
        mark = "chosen" if take else "-"
        out.append(f"{label}\t{repo}\t{verdict}\t{commit}\t{mark}")
    return True


def _well_known(out: list[str], chosen: list[tuple[str, str, str]]) -> bool:
    complete = True
    for stratum, names in WELL_KNOWN.items():
        wanted = ("pattern", "clean")
        quota = WELL_KNOWN_QUOTA
        complete &= _take_first(stratum, names, quota, classify, wanted, out, chosen)
    return complete


def _walk(
    name: str,
    start: int,
    stop: int,
    quota: dict[str, int],
    counts: dict[str, int],
    out: list[str],
    chosen: list[tuple[str, str, str]],
) -> int:
    """Walk ``order(name)[start:stop]``; return where it stopped.

    The answer is -1 when a candidate's mirror is missing.
    """
    names = order(name)
    for i in range(start, min(stop, len(names))):
        repo = names[i]
        if all(counts[k] >= quota[k] for k in quota):
            return i
        verdict, commit = classify(repo)
        if verdict == "no-mirror":
            out.append(f"{name}\t{repo}\tno-mirror (fetch it, or record why not)")
            return -1
        take = verdict in quota and counts[verdict] < quota[verdict]
        if take:
            counts[verdict] += 1
            chosen.append((repo, f"{name}/{verdict}", commit))
        out.append(f"{name}\t{repo}\t{verdict}\t{commit}\t{'chosen' if take else '-'}")
    return min(stop, len(names))


def choose(out: list[str]) -> list[tuple[str, str, str]] | None:
    """Return ``(repo, stratum, commit)`` for the chosen set.

    The answer is None when a candidate's mirror is missing.
    """
    chosen: list[tuple[str, str, str]] = []
    complete = _well_known(out, chosen)
    counts = {name: {"pattern": 0, "clean": 0} for name in LISTS}
    reached = {}
    for name in LISTS:
        quota = {"pattern": PATTERN_QUOTA, "clean": CLEAN_QUOTA}
        reached[name] = _walk(name, 0, EXAMINED_CAP, quota, counts[name], out, chosen)
        complete &= reached[name] >= 0
    for name in LISTS:
        if len(chosen) >= TARGET or not complete:
            break
        quota = {"pattern": counts[name]["pattern"] + TARGET - len(chosen)}
        out.append(f"# {name}: walked on for {TARGET - len(chosen)} more")
        complete &= (
            _walk(name, reached[name], EXTRA_CAP, quota, counts[name], out, chosen) >= 0
        )
    return chosen if complete else None


# Batch B (README.md): three more lists, strong-pattern repositories only.
LISTS_B = ("mlops", "ci-cd", "python-template")
QUOTA_B = 6
CAP_B = 40
LIST_SEED_B = 2132
SPLIT_SEED_B = 21322
_CHECKERS = (
    r"pytest|unittest|tox|nox|flake8|pylint|mypy|pyright|ruff|black|isort|bandit"
    r"|safety|pip-audit|semgrep|trivy|coverage|pydocstyle|pycodestyle|radon|vulture"
)
STRONG = re.compile(
    r"--exit-zero|continue-on-error:\s*true|soft_fail|--soft-fail|no-fail:\s*true"
    r"|exit-code:\s*['\"]?0\b"
    rf"|^.*\b({_CHECKERS})\b.*\|\|\s*(true|:|echo|exit 0)\b",
    re.M,
)


def order_b(name: str, taken: set[str]) -> list[str]:
    """Return a batch B list in shuffled order, without excluded or batch A names."""
    rows = [
        line.split()
        for line in (HERE / f"candidates-{name}.txt").read_text().splitlines()
    ]
    names = [repo for repo, count in rows if int(count) < 3000]
    random.Random(LIST_SEED_B).shuffle(names)
    return [repo for repo in names if not _is_excluded(repo, taken)]


def classify_b(repo: str) -> tuple[str, str]:
    """Like ``classify``, but ``strong`` or ``weak`` instead of pattern/clean."""
    verdict, commit = classify(repo)
    if verdict not in ("pattern", "clean"):
        return verdict, commit
    mirror = mirror_of(repo)
    paths = _git(mirror, "ls-tree", "-r", "--name-only", commit).splitlines()
    texts = [_git(mirror, "show", f"{commit}:{p}") for p in paths if CI_FILES.match(p)]
    return ("strong" if any(STRONG.search(t) for t in texts) else "weak"), commit


def batch_b(argv: list[str]) -> int:
    """``b order`` / ``b classify`` / ``b split`` for batch B."""
    first = choose([]) or []
    taken = excluded() | {repo.lower() for repo, _, _ in first}
    out: list[str] = []
    chosen: list[tuple[str, str, str]] = []
    complete = True
    for name in LISTS_B:
        names = order_b(name, taken)[:CAP_B]
        if argv[:1] == ["order"]:
            print(name, " ".join(names))
            continue
        complete &= _take_first(
            name, names, QUOTA_B, classify_b, ("strong",), out, chosen
        )
    for line in out:
        if argv[:1] == ["classify"] or "no-mirror" in line:
            print(line)
    if argv[:1] == ["split"] and complete:
        _print_split(chosen, SPLIT_SEED_B)
    return 0 if complete else 1


def _print_split(chosen: list[tuple[str, str, str]], seed: int) -> None:
    names = sorted((repo for repo, _, _ in chosen), key=str.lower)
    random.Random(seed).shuffle(names)
    info = {repo: (stratum, commit) for repo, stratum, commit in chosen}
    half = len(names) // 2
    for i, repo in enumerate(names):
        stratum, commit = info[repo]
        date = _git(mirror_of(repo), "log", "-1", "--format=%cs", commit).strip()
        side = "development" if i < half else "test"
        print(f"| {side} | {repo} | {stratum} | `{commit}` | {date} |")


def main(argv: list[str]) -> int:
    """Print the order, the verdicts, or the split."""
    if argv[:1] == ["b"]:
        return batch_b(argv[1:])
    if argv[:1] == ["order"]:
        for name in LISTS:
            print(name, " ".join(order(name)[:EXTRA_CAP]))
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
