"""The state of a walk through one script, and how its hits are recorded.

The base of ``flow.Walker``: the shell options and what the walk has seen so
far (gates, functions, values, reports), what is known of the project's
package scripts, and the recording of hits: one per place, certain or a note
by the evidence (``certainty``), and the gates whose failure fails the step.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Callable

from quality_gates.guards.integrity import rules
from quality_gates.guards.integrity.shell import parse
from quality_gates.guards.integrity.shell.records import Gate, Hit, Result, Shell
from tree_sitter import Node


def _unknown(words: list[str]) -> bool | None:
    """Know no package script (the audit has no project files)."""
    return None


def _checks_nothing(words: list[str]) -> bool:
    """Know no package script that checks (the audit has no project files)."""
    return False


def _no_stub(words: list[str]) -> str:
    """Know no package script that is a stub (the audit has no project files)."""
    return ""


_EXPLICIT = frozenset(("QG101", "QG102", "QG103"))


class WalkState:
    """What a walk has seen of one script, and the hits it records."""

    def __init__(
        self, shell: Shell, context: str, script: str, place: str = ""
    ) -> None:
        """Start in the state the step's shell gives."""
        self.state = dataclasses.replace(shell)
        self.context = context
        self.place = place
        self.result = Result()
        self.source = script.encode()
        self.pipestatus = "PIPESTATUS" in script
        self.heredocs = parse.heredocs(script)
        self.depth = 0
        self.gates = 0
        self.named = 0  # gates known by their own name, not only their step's
        self.tested = 0
        self.capturing = 0  # walking `out=$(...)` whose status a `||` judges
        self.serving = False  # the script started a service (`server &`)
        self.swallowing = 0  # ... and that `||` swallows the failure
        # walking `out=$(checker || true)` whose output is only reported: where
        # the output is carried (None: not walking such a capture)
        self.carrying: tuple[str, ...] | None = None
        self.outputs: dict[Gate, tuple[str, ...]] = {}  # ... per gate, for `||`
        self.inverted = 0  # walking a test whose success fails (`P | grep X && exit 1`)
        self.reports: set[str] = set()  # files the gates write their reports to
        self.judged: set[str] = set()  # runs whose status a `$?` read judged
        self.checks: list[Gate] = []  # every gate the script runs, as found
        self.functions: dict[str, list[Gate]] = {}  # what a call's status carries
        self.bodies: dict[str, Node] = {}  # each function's body
        # the shell options a call leaves changed (`relax() { set +e; }`)
        self.options_set: dict[str, dict[str, object]] = {}
        self.ignoring = ""  # a call in a tested place: errexit ignored in its body
        self.piping = 0  # walking a part of a pipeline (a subshell keeping -e)
        self.values: dict[str, str] = {}  # `tool=/path/to/helm`: what `$tool` runs
        self.loop_words: dict[str, list[str]] = {}  # `for f in tests/*.sh`: `$f`
        self.root: Node | None = None
        self.forced = False  # `trap 'exit 0' EXIT` seen
        self.fixing = False  # the job commits what its steps changed
        self._package_judges()

    def _package_judges(self) -> None:
        """Start with no knowledge of the project's package scripts."""
        # `npm run NAME` whose package.json script only fixes (None: unknown)
        self.package_fixes: Callable[[list[str]], bool | None] = _unknown
        # ... and whether it runs a checker by name (`compile: tsc -p ./`)
        self.package_checks: Callable[[list[str]], bool] = _checks_nothing
        # ... and whether it is a stub of a check (`lint: echo skip`)
        self.package_stub: Callable[[list[str]], str] = _no_stub
        # formatters (`check = true`), scanners (`exit-code: 1`) configured to
        self.config_checks: frozenset[str] = frozenset()
        self.env: dict[str, str] = {}  # the step's `env:`, as literals
        # the job commits what changed or reads the tree (`git diff --exit-code`)
        self.rewrites_caught = False
        # `npm run NAME` whose script only formats (`prettier --write`)
        self.package_rewrites: Callable[[list[str]], bool | None] = _unknown
        # the job builds to see the build pass: how surely a build is a check
        self.builds_checked = ""

    # ---- results -------------------------------------------------------

    def hit(
        self,
        rule: str,
        gate: Gate,
        detail: str,
        line: int | None = None,
        sinks: tuple[str, ...] = (),
        because: str = "",
        fix: str = "",
    ) -> None:
        """Record a hit for ``gate`` (at ``line`` when given: a ``set +e``).

        ``because``: why the evidence makes it plausible only, when it does.
        ``fix``: the fix of this shape, when the rule's own does not fit it.
        """
        if self.carrying is not None:
            sinks += self.carrying
        sinks += self.outputs.get(gate, ())
        where = gate.line if line is None else line
        snippet = gate.text if line is None else "set +"
        certain, why = self.certainty(gate, rule in _EXPLICIT)
        if because:
            certain, why = False, because
        by_shell = rule != "QG104" or (
            self.state.errexit_off_line is None and not self.ignoring
        )
        fix = fix or (rules.place_fix(rule, self.state.kind) if by_shell else "")
        hit = Hit(
            rule, where, snippet, detail, gate.key, gate.report, certain, why, sinks
        )
        by_name = gate.strength in ("context", "probe")  # a probe: `curl -s URL`
        self.add(dataclasses.replace(hit, fix=fix, by_name=by_name))

    def add(self, hit: Hit) -> None:
        """Keep one hit per place: a function's gate lost at two calls is one.

        The same hit again (``set +e`` then two calls) is dropped; one that
        differs only in its detail (``check a | tee x``, ``check b | tee y``)
        is named in the first one's detail.
        """
        hits = self.result.hits
        for index, old in enumerate(hits):
            if dataclasses.replace(old, detail=hit.detail) == hit:
                hits[index] = dataclasses.replace(old, detail=_also(old, hit))
                return
        hits.append(hit)

    def certainty(self, gate: Gate, explicit: bool) -> tuple[bool, str]:
        """Certain on a checker's own name, or a failure thrown away on purpose."""
        if self.place:
            return False, self.place
        if gate.strength == "probe":
            return False, (
                f"`{gate.key}` asks a local service, a health URL without "
                "`--fail` or a port and is a check only by its step's or "
                "target's name: it may be a look, not a probe"
            )
        if gate.strength == "named" or explicit:
            return True, ""
        return False, (
            f"`{gate.key}` counts as a check only because its step or job is named "
            "for checking, and nothing throws its failure away on purpose"
        )

    def observe(self, gates: list[Gate]) -> None:
        """Mark gates whose failure is seen (for honest twins)."""
        self.result.observed.update(gate.key for gate in gates)

    def fails_step(self, gates: list[Gate]) -> None:
        """Mark gates whose failure fails the step itself (errexit, last status).

        Not one carried to a later reader (``pylint > r.json || true`` read
        by a threshold check): that reader is then the check.
        """
        if self.forced:
            for gate in gates:
                detail = (
                    "an earlier `trap '... exit 0' EXIT` ends the script with "
                    f"success whatever `{gate.text}` returned"
                )
                self.hit("QG103", gate, detail)
            return
        self.observe(gates)
        self.result.named_seen |= any(gate.strength == "named" for gate in gates)


_MORE = re.compile(r"; and (\d+) more like it$")


def _also(old: Hit, new: Hit) -> str:
    """Name a second place in ``old``'s detail (from the third on, count them)."""
    detail = old.detail
    if new.detail == detail or f"; also {new.detail}" in detail:
        return detail
    more = _MORE.search(detail)
    if more:
        return detail[: more.start()] + f"; and {int(more.group(1)) + 1} more like it"
    if "; also " not in detail:
        return f"{detail}; also {new.detail}"
    return f"{detail}; and 1 more like it"
