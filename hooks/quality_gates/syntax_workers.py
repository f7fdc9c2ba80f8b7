"""Syntax verdicts of many files: half judged here, half in a second process.

Every file a run reads is compiled once to tell whether it is valid Python
(``sources.syntax_problem``), before any tool starts: a tool is never given
a file that would stop it.  On a cold run of a large tree that is the gate's
largest cost of its own (django: 2,823 files, ~1.9 s of one core), and the
second core is idle then.  So when there is enough to judge, a second
process of this interpreter judges half of the files (their texts go
through its standard input, so it judges exactly what was read) while this
one judges the rest.  The verdicts are the same either way: the same
``verdict`` function, the same interpreter.  A worker that fails or answers
anything unexpected is not trusted: its files are judged here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from quality_gates import processes, sources

# below this many characters to judge, the worker's start-up and the texts'
# copy (~0.15 s of CPU) buy too little: pytest's 3.9 MB (0.35 s of compile)
# stays here, django's 18 MB (1.9 s) is split
MIN_SPLIT_CHARS = 8_000_000
# the worker imports this very package (the folder that holds it comes first)
WORKER = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from quality_gates.syntax_workers import serve; serve()"
)
PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)

# None (valid), or [line, column, message, whether it parses at all]
Verdict = list[Any] | None


def verdict(name: str, text: str) -> Verdict:
    """Judge a file's syntax: None, or [line, column, message, whether it parses]."""
    problem = sources.syntax_problem(name, text)
    if problem is None:
        return None
    return [problem.line, problem.column, problem.message, sources.parses(text)]


def verdicts(texts: Mapping[str, str], jobs: int) -> dict[str, Verdict]:
    """Judge every text; with ``jobs`` > 1 and enough text, half in a worker."""
    names = list(texts)
    if jobs < 2 or sum(map(len, texts.values())) < MIN_SPLIT_CHARS:
        return {name: verdict(name, texts[name]) for name in names}
    mine, theirs = halves(names, texts)
    with processes.pool(1) as pool:
        future = pool.submit(_ask, {name: texts[name] for name in theirs})
        found = {name: verdict(name, texts[name]) for name in mine}
        answered = future.result()
    for name in theirs:
        found[name] = answered[name] if name in answered else verdict(name, texts[name])
    return found


def halves(names: Sequence[str], texts: Mapping[str, str]) -> tuple[list[str], ...]:
    """Split ``names`` in two runs of about the same number of characters."""
    total = sum(len(texts[name]) for name in names)
    acc = 0
    for i, name in enumerate(names):
        if acc >= total / 2:
            return list(names[:i]), list(names[i:])
        acc += len(texts[name])
    return list(names), []


def _ask(texts: dict[str, str]) -> dict[str, Verdict]:
    """Ask a worker for the verdicts of ``texts``; {} when it fails (judged here)."""
    if not texts:
        return {}
    try:
        proc = processes.run(
            [sys.executable, "-P", "-c", WORKER, PACKAGE_PARENT],
            cwd=sys.prefix,  # never the project: nothing there is imported
            input=json.dumps(texts),
        )
    except (OSError, processes.Stopped):
        return {}
    if proc.returncode != 0:
        return {}
    return _answers(proc.stdout, texts)


def _answers(stdout: str, texts: Mapping[str, str]) -> dict[str, Verdict]:
    """Keep the worker's verdicts that have ``verdict``'s shape, for named files."""
    try:
        data = json.loads(stdout)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        name: value
        for name, value in data.items()
        if name in texts and well_formed(value)
    }


def well_formed(value: object) -> bool:
    """Tell whether ``value`` has the shape ``verdict`` returns."""
    return value is None or (
        isinstance(value, list)
        and len(value) == 4
        and [type(v) for v in value] == [int, int, str, bool]
    )


def serve() -> None:
    """Be the worker: read JSON {name: text}, write {name: verdict} to stdout."""
    texts = json.loads(sys.stdin.read())
    json.dump({name: verdict(name, text) for name, text in texts.items()}, sys.stdout)
