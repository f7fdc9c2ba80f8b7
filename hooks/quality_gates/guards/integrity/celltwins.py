"""A step allowed to fail in some matrix cells while its twin blocks in others.

``terraform fmt -check`` under ``if: contains(matrix.terraform, '1.5.')``
and the same command under ``if: contains(matrix.terraform, 'latest')``
with ``continue-on-error: true``: the project runs one check on every cell
and lets only the newest toolchain's cells disagree, as
``continue-on-error: ${{ matrix.experimental }}`` does in one step.  The
check still fails the job where it blocks: the lost run is an early
warning, a note at most.
"""

from __future__ import annotations

import yaml
from quality_gates.guards.integrity import expressions
from quality_gates.yamlnodes import scalar, value


def _condition(step: yaml.Node) -> str:
    return (scalar(value(step, "if")) or "").strip()


def blocking_cell_twin(steps: list[yaml.Node], index: int) -> str:
    """Why a continuing step's check blocks elsewhere in the matrix ('' if not).

    Its twin: another step of the job with the same ``run:`` text, no
    ``continue-on-error`` that is always true, and an ``if:`` of its own that
    reads the matrix, as the continuing step's ``if:`` does.
    """
    step = steps[index]
    run = (scalar(value(step, "run")) or "").strip()
    condition = _condition(step)
    if not run or "matrix." not in condition:
        return ""
    for other in steps:
        twin = _condition(other)
        if (
            other is not step
            and (scalar(value(other, "run")) or "").strip() == run
            and "matrix." in twin
            and twin != condition
            and not expressions.always_true(value(other, "continue-on-error"))
        ):
            return (
                f"the same command blocks under `if: {twin}`: this matrix "
                "cell is let fail on purpose, an early warning"
            )
    return ""
