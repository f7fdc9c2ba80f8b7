"""Compare the audit's QG109 with GitHub's own workflow parser (not run by tests).

Needs node and ``npm install --prefix PREFIX @actions/workflow-parser``.

    python bench/workflow_parser/check.py table PREFIX [MODULE]
        re-check the verdicts of tests/MODULE.py (audit_gates_model_aa_test,
        or any test module with the same SHAPES and REFUSED)
    python bench/workflow_parser/check.py mirrors PREFIX MIRROR_DIR [EXCLUDE...]
        every workflow at HEAD of each bare repository MIRROR_DIR/*/repo:
        agreement counts (both refuse, only parser, only audit, neither)

The parser reads text only; no repository code is run.
"""

from __future__ import annotations

import importlib
import json
import subprocess  # nosec B404 - fixed argument lists
import sys
from pathlib import Path

from quality_gates.guards.integrity.workflows import audit_workflow
from quality_gates.textfile import Text, decode

HERE = Path(__file__).resolve().parent
FLOWS = ".github/workflows/"


def parser(prefix: str, items: dict[str, str]) -> dict[str, list[str]]:
    """Return the parser's errors for each named text (none: it accepts it)."""
    data = json.dumps([{"name": k, "content": v} for k, v in items.items()])
    argv = ["node", str(HERE / "oracle.mjs"), prefix]
    done = subprocess.run(argv, input=data, capture_output=True, text=True, check=True)
    return {item["name"]: item["errors"] for item in json.loads(done.stdout)}


def audit_refuses(name: str, text: Text) -> bool:
    """Tell whether the audit reports the workflow refused (QG109)."""
    found = audit_workflow(name, text).findings
    return any(f.rule == "QG109" for f in found)


def table(prefix: str, module: str = "audit_gates_model_aa_test") -> int:
    """Re-check each shape's recorded verdict; 1 if any differs."""
    sys.path.insert(0, str(HERE.parent.parent / "tests"))
    recorded_table = importlib.import_module(module)
    SHAPES: dict[str, str] = recorded_table.SHAPES
    REFUSED: frozenset[str] = recorded_table.REFUSED

    errors = parser(prefix, SHAPES)
    wrong = 0
    for name in SHAPES:
        recorded = name in REFUSED
        if bool(errors[name]) != recorded:
            wrong += 1
            print(f"recorded {recorded}, parser {errors[name][:1]}: {name}")
    print(f"{len(SHAPES) - wrong}/{len(SHAPES)} verdicts agree with the parser")
    return 1 if wrong else 0


def _git(repo: Path, *args: str) -> bytes:
    argv = ["git", "--git-dir", str(repo), *args]
    return subprocess.run(argv, capture_output=True, check=False).stdout


def workflows(repo: Path) -> dict[str, bytes]:
    """Each ``.github/workflows/*.yml`` file at HEAD of a bare repository."""
    names = _git(repo, "ls-tree", "-r", "--name-only", "HEAD", FLOWS).decode()
    wanted = [n for n in names.splitlines() if n.endswith((".yml", ".yaml"))]
    wanted = [n for n in wanted if "/" not in n[len(FLOWS) :]]
    return {n: _git(repo, "show", f"HEAD:{n}") for n in wanted}


def mirrors(prefix: str, root: str, exclude: list[str]) -> int:
    """Print the agreement counts, and each file where the two differ."""
    texts: dict[str, Text] = {}
    for repo in sorted(Path(root).glob("*/repo")):
        owner_name = repo.parent.name.replace("+", "/", 1)
        if owner_name.lower() in {e.lower() for e in exclude}:
            continue
        for name, data in workflows(repo).items():
            texts[f"{owner_name}:{name}"] = decode(data)
    readable = {k: t.text for k, t in texts.items() if not t.problem}
    errors: dict[str, list[str]] = {}
    keys = list(readable)
    for start in range(0, len(keys), 200):
        chunk = {k: readable[k] for k in keys[start : start + 200]}
        errors.update(parser(prefix, chunk))
    counts = {"both": 0, "only parser": 0, "only audit": 0, "neither": 0}
    for key, text in texts.items():
        audit = audit_refuses(key.split(":", 1)[1], text)
        github = bool(errors.get(key, ["unreadable"]))
        kind = {(True, True): "both", (True, False): "only parser"}.get(
            (github, audit), "only audit" if audit else "neither"
        )
        counts[kind] += 1
        if kind.startswith("only"):
            print(f"{kind}: {key}: {(errors.get(key) or [''])[0][:160]}")
    print(json.dumps({"files": len(texts), **counts}))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "table":
        sys.exit(table(*sys.argv[2:4]))
    sys.exit(mirrors(sys.argv[2], sys.argv[3], sys.argv[4:]))
