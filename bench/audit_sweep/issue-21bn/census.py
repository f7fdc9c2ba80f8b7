"""Census of lost-failure sites over the mirrored CI, and a seeded sample of them.

A site is one workflow step (``run:`` or ``uses:``) or one job with
``continue-on-error``, in ``.github/workflows/*.y*ml`` or a local
``action.y*ml``, at each mirror's HEAD.  Each site is tagged with the
lost-failure signals a plain grep sees; the rest are "untagged".

    census.py sites  MIRRORS_LIST > sites.tsv
    census.py sample sites.tsv   > sample.tsv

Files are read with ``git cat-file`` from the bare mirrors and parsed with
PyYAML's safe composer (no third-party code runs).
"""

from __future__ import annotations

import collections
import random
import re
import subprocess  # nosec B404 - fixed argument lists, never a shell
import sys
from pathlib import Path
from typing import Iterator

import yaml

MIRROR = Path("/work/.mirror")
SEED = 2414
TAGGED = 80
UNTAGGED = 30

SIGNALS: list[tuple[str, re.Pattern[str]]] = [
    ("or-true", re.compile(r"\|\|\s*true\b")),
    ("or-colon", re.compile(r"\|\|\s*:(\s|$|;|\))")),
    ("or-echo", re.compile(r"\|\|\s*echo\b")),
    ("or-exit0", re.compile(r"\|\|\s*exit\s+0\b")),
    ("set+e", re.compile(r"\bset\s+\+e\b|\bset\s+\+o\s+errexit\b")),
    ("exit-zero", re.compile(r"--exit-zero\b")),
    ("semi-exit0", re.compile(r";\s*exit\s+0\b")),
    ("devnull-or", re.compile(r"2>\s*/dev/null\s*\|\|")),
    ("soft-fail", re.compile(r"soft[-_]fail|no-fail\s*:\s*true|ignore[-_]outcome")),
    ("input-exit-code-0", re.compile(r"^\s*exit-code\s*:\s*['\"]?0['\"]?\s*$", re.M)),
    (
        "input-fail-false",
        re.compile(r"^\s*[\w-]*fail[\w-]*\s*:\s*['\"]?false['\"]?\s*$", re.M | re.I),
    ),
]
PIPE = re.compile(r"\|\s*(tee|tail|grep|head)\b")
PIPEFAIL = re.compile(r"pipefail")
IF_SOFT = re.compile(r"^\s*if\s*:.*(\bfalse\b|always\(\))", re.M)


def git(mirror: Path, *args: str) -> str:
    """Return the output of one git command on a bare mirror."""
    done = subprocess.run(  # nosec B603 B607
        ["git", f"--git-dir={mirror}", *args],
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    return done.stdout


def mirror_of(name: str) -> Path:
    """Return the git directory of a mirror folder name."""
    root = MIRROR / name / "repo"
    return root / ".git" if (root / ".git").is_dir() else root


def ci_files(paths: list[str]) -> list[str]:
    """Return the workflow files and local actions among the tree's paths."""
    found = []
    for path in paths:
        if re.fullmatch(r"\.github/workflows/[^/]+\.ya?ml", path):
            found.append(path)
        elif re.search(r"(^|/)action\.ya?ml$", path) and "node_modules/" not in path:
            found.append(path)
    return found


def end_line(node: yaml.Node, lines: list[str]) -> int:
    """Return the 1-based last line with text of a node."""
    mark = node.end_mark  # where the next token starts (0-based)
    before = lines[mark.line][: mark.column] if mark.line < len(lines) else ""
    end = mark.line if before.strip() in ("", "-") else mark.line + 1
    while end > node.start_mark.line + 1 and (
        not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")
    ):
        end -= 1
    return end


def get(node: yaml.Node, key: str) -> yaml.Node | None:
    """Return a mapping node's value for key, if any."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def shell_of(*nodes: yaml.Node | None) -> str:
    """Return the first ``shell`` (step, then job defaults, then workflow)."""
    for node in nodes:
        if isinstance(node, yaml.ScalarNode):
            return str(node.value)
    return ""


def tags(text: str, shell: str, run: bool) -> list[str]:
    """Return the signals a plain grep sees in one site's text."""
    found = [name for name, rx in SIGNALS if rx.search(text)]
    if run and PIPE.search(text) and shell != "bash" and not PIPEFAIL.search(text):
        found.append("pipe-no-pipefail")
    if IF_SOFT.search(text):
        found.append("if-false-always")
    return found


def coe(value: yaml.Node | None) -> str:
    """Return the continue-on-error signal of a value node ('' if none)."""
    if not isinstance(value, yaml.ScalarNode):
        return ""
    text = str(value.value).strip().lower()
    if text == "true":
        return "coe-true"
    if "${{" in text:
        return "coe-expr"
    return ""


def defaults_shell(node: yaml.Node | None) -> yaml.Node | None:
    """Return ``defaults.run.shell`` of a workflow or job node."""
    run = get(get(node, "defaults") or yaml.MappingNode("", []), "run")
    return get(run, "shell") if run is not None else None


def step_sites(
    steps: yaml.Node | None, lines: list[str], shells: list[yaml.Node | None]
) -> Iterator[tuple[int, int, str, list[str]]]:
    """Yield (line, end, kind, tags) for each step of a steps list."""
    if not isinstance(steps, yaml.SequenceNode):
        return
    for step in steps.value:
        run = get(step, "run") is not None
        kind = "run" if run else "uses" if get(step, "uses") is not None else ""
        if not kind:
            continue
        start, end = step.start_mark.line + 1, end_line(step, lines)
        text = "\n".join(lines[start - 1 : end])
        found = tags(text, shell_of(get(step, "shell"), *shells), run)
        signal = coe(get(step, "continue-on-error"))
        yield start, end, kind, ([signal] if signal else []) + found


def job_sites(
    job: yaml.Node, lines: list[str]
) -> Iterator[tuple[int, int, str, list[str]]]:
    """Yield a job-level continue-on-error site."""
    for key, value in job.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "continue-on-error":
            signal = coe(value)
            if signal:
                yield key.start_mark.line + 1, end_line(job, lines), "job", [
                    "job-" + signal
                ]
            elif str(getattr(value, "value", "")).strip().lower() != "false":
                yield key.start_mark.line + 1, end_line(job, lines), "job", [
                    "job-coe-other"
                ]


def file_sites(path: str, text: str) -> Iterator[tuple[int, int, str, list[str]]]:
    """Yield every site of one workflow or action file."""
    lines = text.splitlines()
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        yield 0, 0, "unparsed", []
        return
    if not isinstance(root, yaml.MappingNode):
        return
    if path.startswith(".github/workflows/"):
        jobs = get(root, "jobs")
        if not isinstance(jobs, yaml.MappingNode):
            return
        for _, job in jobs.value:
            if not isinstance(job, yaml.MappingNode):
                continue
            yield from job_sites(job, lines)
            shells = [defaults_shell(job), defaults_shell(root)]
            yield from step_sites(get(job, "steps"), lines, shells)
    else:
        yield from step_sites(get(get(root, "runs") or root, "steps"), lines, [])


def sites(names: list[str]) -> Iterator[list[str]]:
    """Yield one row per site of every listed mirror."""
    for name in names:
        mirror = mirror_of(name)
        commit = git(mirror, "rev-parse", "HEAD").strip()
        if not commit:
            continue
        repo = name.replace("+", "/", 1)
        paths = git(mirror, "ls-tree", "-r", "--name-only", commit).splitlines()
        for path in ci_files(paths):
            text = git(mirror, "cat-file", "-p", f"{commit}:{path}")
            for line, end, kind, found in file_sites(path, text):
                yield [repo, commit, path, str(line), str(end), kind, ",".join(found)]


def allocate(strata: dict[str, list[list[str]]], total: int) -> dict[str, int]:
    """Share total over the strata in proportion to their sizes (largest remainder)."""
    size = sum(len(rows) for rows in strata.values())
    exact = {name: total * len(rows) / size for name, rows in strata.items()}
    counts = {name: int(value) for name, value in exact.items()}
    rest = sorted(exact, key=lambda name: (counts[name] - exact[name], name))
    for name in rest[: total - sum(counts.values())]:
        counts[name] += 1
    return counts


def sample(rows: list[list[str]]) -> list[list[str]]:
    """Return the seeded sample: TAGGED tagged sites by stratum, UNTAGGED run steps."""
    rng = random.Random(SEED)
    tagged = [row for row in rows if row[6]]
    frequency = collections.Counter(t for row in tagged for t in row[6].split(","))
    strata: dict[str, list[list[str]]] = collections.defaultdict(list)
    for row in tagged:  # a site's stratum is its rarest signal
        strata[min(row[6].split(","), key=lambda t: (frequency[t], t))].append(row)
    chosen = []
    for name, count in sorted(allocate(strata, TAGGED).items()):
        chosen += [[name] + row for row in rng.sample(strata[name], count)]
    plain = [row for row in rows if not row[6] and row[5] == "run"]
    chosen += [["untagged"] + row for row in rng.sample(plain, UNTAGGED)]
    return chosen


def main(argv: list[str]) -> int:
    """Run the census or draw the sample."""
    if argv[:1] == ["sites"]:
        names = [n.strip() for n in Path(argv[1]).read_text().splitlines() if n.strip()]
        print("repo\tcommit\tfile\tline\tend\tkind\tsignals")
        for row in sites(names):
            print("\t".join(row))
        return 0
    if argv[:1] == ["sample"]:
        lines = Path(argv[1]).read_text().splitlines()[1:]
        rows = [line.split("\t") for line in lines]
        rows = [row for row in rows if row[5] != "unparsed"]
        print("stratum\trepo\tcommit\tfile\tline\tend\tkind\tsignals")
        for row in sample(rows):
            print("\t".join(row))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
