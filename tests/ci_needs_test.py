"""quality_gates.ci.needs: the job after the matrix fails unless every needed job succeeded."""

from __future__ import annotations

import json

import pytest
from quality_gates.ci import needs
from quality_gates.errors import GateError


def ctx(**results: str) -> str:
    return json.dumps({job: {"result": r, "outputs": {}} for job, r in results.items()})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "needs-json is empty", id="empty"),
        pytest.param("{not json", "not JSON", id="truncated"),
        pytest.param("[]", "JSON object", id="list"),
        pytest.param("{}", "names no job", id="no-job"),
        pytest.param(
            '{"t": {"result": "weird"}}', "no known result", id="unknown-result"
        ),
        pytest.param('{"t": 3}', "no known result", id="not-a-job"),
    ],
)
def test_bad_needs_json_is_an_error(text: str, message: str) -> None:
    with pytest.raises(GateError, match=message):
        needs.parse(text)


@pytest.mark.parametrize(
    ("results", "allowed", "expected"),
    [
        pytest.param({"test": "success"}, set(), [], id="success"),
        pytest.param(
            {"test": "failure"}, set(), ["needed job 'test' failed"], id="failure"
        ),
        pytest.param(
            {"test": "cancelled"},
            set(),
            ["needed job 'test' was cancelled"],
            id="cancelled",
        ),
        pytest.param(
            {"lint": "skipped"},
            set(),
            ["needed job 'lint' was skipped; allow it with allow-skipped"],
            id="skipped",
        ),
        pytest.param({"lint": "skipped"}, {"lint"}, [], id="skip-allowed"),
        pytest.param(
            {"lint": "skipped", "t": "failure"},
            {"*"},
            ["needed job 't' failed"],
            id="star-allows-skips-only",
        ),
    ],
)
def test_problems(
    results: dict[str, str], allowed: set[str], expected: list[str]
) -> None:
    assert (
        needs.problems(needs.parse(ctx(**results)), allow_skipped=allowed) == expected
    )
