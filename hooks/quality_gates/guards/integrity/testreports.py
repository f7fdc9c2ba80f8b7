"""Test results a later step publishes: what a continued test step still fails.

``continue-on-error`` on a test step, then a publisher that runs whatever
happened (``if: always()``) and reads the results the tests wrote:

* ``dorny/test-reporter`` fails its own step on a failed test
  (``fail-on-error`` defaults to true), and so does
  ``EnricoMi/publish-unit-test-result-action`` given ``action_fail: true``:
  the failure is carried on, the job fails;
* each otherwise (``fail-on-error: false``, EnricoMi's default, a publisher
  step under ``continue-on-error``) still turns failed tests into a failed
  check run of its own (EnricoMi's ``fail_on`` defaults to test failures;
  ``fail_on: nothing`` turns that off too) while the job and the workflow
  run stay green: the failure is shown where a branch rule may require it,
  not lost outright.
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity.consumers import JobView, StepView

CHECK_RUN = (
    "a later step publishes the test results as a check run of its own, which "
    "fails on failed tests while this job stays green"
)
_WHATEVER_HAPPENED = re.compile(r"\b(always|failure)\(\)|!\s*cancelled\(\)")
_FALSE = re.compile(r"(?i)^\s*['\"]?false['\"]?\s*$")
_TRUE = re.compile(r"(?i)^\s*['\"]?true['\"]?\s*$")
_NOTHING = re.compile(r"(?i)^\s*['\"]?nothing['\"]?\s*$")  # `fail_on: nothing`


def published(view: JobView | None, index: int) -> str:
    """``fails``, ``checks`` or ``""``: what the publishers after step ``index`` do."""
    if view is None:
        return ""
    verdicts = {_verdict(step) for step in view.steps[index + 1 :]}
    return "fails" if "fails" in verdicts else "checks" if "checks" in verdicts else ""


def _verdict(step: StepView) -> str:
    """Judge one later step: a publisher that fails, one that only checks, or ''.

    Both publishers create a check run that fails on failed tests; the step
    itself fails only as told (and not under ``continue-on-error``).
    """
    if not _WHATEVER_HAPPENED.search(step.cond):
        return ""  # a publisher skipped when the tests failed reads nothing
    action = step.uses.split("@", 1)[0].lower()
    if action == "dorny/test-reporter":
        fails = not _FALSE.match(step.argument("fail-on-error"))
    elif action.startswith("enricomi/publish-unit-test-result-action"):
        if _NOTHING.match(step.argument("fail_on")):
            return ""  # its check run passes whatever the tests did
        fails = bool(_TRUE.match(step.argument("action_fail")))
    else:
        return ""
    return "fails" if fails and not step.continued else "checks"
