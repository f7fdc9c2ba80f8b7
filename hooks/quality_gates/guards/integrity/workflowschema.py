"""What GitHub's workflow schema refuses before any job starts.

GitHub validates a workflow file against its schema (the one its parser,
``@actions/workflow-parser``, ships) before it starts a job: a key the
schema does not know, a required key missing, an id that is no id, an event
that does not exist, a ``needs`` naming no job, a cron that is no cron: the
file is refused and none of its jobs runs.  Each judgement here is one the
parser makes; where the schema allows a shape (even an experimental key), it
is no refusal.
"""

from __future__ import annotations

import re

import yaml
from quality_gates.yamlnodes import line_of, mapping, scalar, sequence

Refusal = tuple[int, str]  # line, why

_ROOT = frozenset(
    "on name description run-name defaults env permissions concurrency jobs".split()
)
_JOB = frozenset(
    "needs if strategy name runs-on timeout-minutes cancel-timeout-minutes "
    "continue-on-error container services env environment permissions "
    "concurrency outputs defaults steps snapshot".split()
)
_CALL = frozenset(
    "name uses with secrets needs if permissions concurrency strategy".split()
)
_RUN_STEP = frozenset(
    "name id if timeout-minutes run continue-on-error env working-directory "
    "shell".split()
)
_USES_STEP = frozenset(
    "name id if continue-on-error timeout-minutes uses with env".split()
)
# `background:` is in the schema, but the parser refuses it (not yet offered)
# steps of other kinds the schema knows (wait, cancel, parallel): not judged
_OTHER_STEPS = frozenset("wait wait-all cancel parallel".split())
EVENTS = frozenset(
    "branch_protection_rule check_run check_suite create delete deployment "
    "deployment_status discussion discussion_comment fork gollum image_version "
    "issue_comment issues label merge_group milestone page_build project "
    "project_card project_column public pull_request pull_request_comment "
    "pull_request_review pull_request_review_comment pull_request_target push "
    "registry_package release repository_dispatch schedule status watch "
    "workflow_call workflow_dispatch workflow_run".split()
)
_PR = "branches branches-ignore paths paths-ignore types"
# the keys an event's mapping may hold: `types` alone, unless listed here
_EVENT_KEYS = {
    "push": frozenset(
        "branches branches-ignore paths paths-ignore tags tags-ignore".split()
    ),
    "pull_request": frozenset(_PR.split()),
    "pull_request_target": frozenset(_PR.split()),
    "merge_group": frozenset("branches branches-ignore types".split()),
    "workflow_run": frozenset("branches branches-ignore types workflows".split()),
    "workflow_call": frozenset("inputs outputs secrets".split()),
    "workflow_dispatch": frozenset(["inputs"]),
    "image_version": frozenset("names types versions".split()),
}
_TYPES_ONLY = frozenset(["types"])
_NO_KEYS = frozenset(
    "create delete deployment deployment_status fork gollum page_build public "
    "schedule status".split()
)
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,99}")
# (low, high) of minute, hour, day of month, month, day of week
_CRON = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_MONTHS = {
    m: i
    for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)
}
_DAYS = {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}


def refusals(root: yaml.Node) -> list[Refusal]:
    """Each reason the schema refuses the workflow ``root``, with its line."""
    found = _unknown(root, _ROOT, "the workflow")
    top = mapping(root)
    if "on" not in top:
        found.append((line_of(root), "the workflow has no `on:` (its triggers)"))
    else:
        found += _events(top["on"][1])
    jobs = mapping(top["jobs"][1]) if "jobs" in top else {}
    for name, (key, job) in jobs.items():
        found += _job(name, key, job, set(jobs))
    return found + _cycle(jobs)


def _cycle(jobs: dict[str, tuple[yaml.Node, yaml.Node]]) -> list[Refusal]:
    """Return a job that needs itself, through any chain of ``needs``.

    GitHub matches a job id in ``needs`` without regard to case (the npm
    parser does not: there GitHub, which runs them, is followed).
    """
    graph = {
        name.lower(): {
            (scalar(n) or "").lower() for n in _needs(mapping(job).get("needs"))
        }
        for name, (_, job) in jobs.items()
    }
    for name, (key, _) in jobs.items():
        seen: set[str] = set()
        todo = list(graph[name.lower()])
        while todo:
            current = todo.pop()
            if current == name.lower():
                return [(line_of(key), f"job `{name}` needs itself (through `needs:`)")]
            if current in graph and current not in seen:
                seen.add(current)
                todo += graph[current]
    return []


def _unknown(node: yaml.Node, known: frozenset[str], where: str) -> list[Refusal]:
    return [
        (line_of(key), f"{where} has `{name}:`, a key GitHub does not know there")
        for name, (key, _) in mapping(node).items()
        if name not in known
    ]


def _job(name: str, key: yaml.Node, job: yaml.Node, ids: set[str]) -> list[Refusal]:
    where = f"job `{name}`"
    found: list[Refusal] = []
    if not _ID.fullmatch(name):
        found.append((line_of(key), f"{where}: `{name}` is no valid job id"))
    keys = mapping(job)
    if not keys:
        return found
    calls = "uses" in keys
    found += _unknown(job, _CALL if calls else _JOB, where)
    if not calls and "runs-on" not in keys:
        found.append((line_of(key), f"{where} has no `runs-on:` (nor `uses:`)"))
    for need in _needs(keys.get("needs")):
        if (scalar(need) or "").lower() not in {i.lower() for i in ids}:
            what = f"{where} needs `{scalar(need)}`, which is no job of the workflow"
            found.append((line_of(need), what))
    steps = sequence(keys["steps"][1]) if "steps" in keys and not calls else []
    return found + _steps(where, steps)


def _needs(entry: tuple[yaml.Node, yaml.Node] | None) -> list[yaml.Node]:
    if entry is None:
        return []
    node = entry[1]
    items = [node] if isinstance(node, yaml.ScalarNode) else sequence(node)
    return [n for n in items if scalar(n) and "${{" not in (scalar(n) or "")]


def _steps(where: str, steps: list[yaml.Node]) -> list[Refusal]:
    found: list[Refusal] = []
    seen: set[str] = set()
    for index, step in enumerate(steps, 1):
        keys = mapping(step)
        if not keys or _OTHER_STEPS & set(keys):
            continue
        at = f"{where}, step {index}"
        if "run" in keys and "uses" in keys:
            found.append((line_of(step), f"{at} has both `run:` and `uses:`"))
        elif "run" not in keys and "uses" not in keys:
            found.append((line_of(step), f"{at} has neither `run:` nor `uses:`"))
        else:
            found += _unknown(step, _RUN_STEP if "run" in keys else _USES_STEP, at)
        ident = scalar(keys["id"][1]) if "id" in keys else None
        if ident is not None and "${{" not in ident:
            if not _ID.fullmatch(ident):
                found.append(
                    (line_of(keys["id"][1]), f"{at}: `{ident}` is no valid id")
                )
            elif ident in seen:
                found.append(
                    (line_of(keys["id"][1]), f"{at}: id `{ident}` is used twice")
                )
            seen.add(ident)
    return found


def _events(node: yaml.Node) -> list[Refusal]:
    if isinstance(node, yaml.ScalarNode):
        names = [node]
    elif isinstance(node, yaml.SequenceNode):
        names = [n for n in node.value if isinstance(n, yaml.ScalarNode)]
    else:
        names = [key for key, _ in mapping(node).values()]
    found = [
        (line_of(n), f"`on:` names `{scalar(n)}`, which is no event of GitHub")
        for n in names
        if scalar(n) not in EVENTS
    ]
    for event, (_, body) in mapping(node).items():
        if event in EVENTS and event != "schedule":
            known = _EVENT_KEYS.get(
                event, frozenset() if event in _NO_KEYS else _TYPES_ONLY
            )
            found += _unknown(body, known, f"`on: {event}`")
    for entry in sequence(mapping(node).get("schedule", (None, None))[1]):
        cron = mapping(entry).get("cron")
        text = scalar(cron[1]) if cron else None
        # GitHub runs a cron written as a block scalar (`cron: |`, a trailing
        # newline) that its npm parser refuses: apache/arrow's cpp_extra.yml
        if cron and text is not None and not valid_cron(text.strip()):
            found.append((line_of(cron[1]), f"`cron: '{text}'` is no valid cron"))
    return found


def valid_cron(text: str) -> bool:
    """Tell whether a cron line is one GitHub's parser accepts (its own rules)."""
    parts = re.split(r" +", text)
    if len(parts) != 5:
        return False
    names: tuple[dict[str, int], ...] = ({}, {}, {}, _MONTHS, _DAYS)
    return all(_cron(p, r, n) for p, r, n in zip(parts, _CRON, names))


def _cron(
    part: str, span: tuple[int, int], names: dict[str, int], nest: bool = True
) -> bool:
    if part.lower() in names or part == "*":
        return True
    if ("," in part or "/" in part or "-" in part) and not nest:
        return False
    if "," in part:
        return all(v and _cron(v, span, names) for v in part.split(","))
    if "/" in part:
        bits = part.split("/")
        step = _number(bits[1]) if len(bits) == 2 else None
        if len(bits) != 2 or not all(bits) or step is None or step <= 0:
            return False
        return _cron(bits[0], span, names) and _cron(bits[1], span, names, False)
    if "-" in part:
        bits = part.split("-")
        if len(bits) != 2 or not all(bits):
            return False
        ends = [names.get(b.lower(), _number(b)) for b in bits]
        ordered = None not in ends and (ends[1] or 0) >= (ends[0] or 0)
        return ordered and all(_cron(b, span, names, False) for b in bits)
    number = _number(part)
    return number is not None and span[0] <= number <= span[1]


def _number(text: str) -> float | None:
    """Read a number as JavaScript's ``+text`` does (None: NaN)."""
    text = text.strip()
    if not text:
        return 0.0
    try:
        return float(int(text, 16)) if text.lower().startswith("0x") else float(text)
    except ValueError:
        return None
