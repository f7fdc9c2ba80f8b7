"""audit-gates on workflows GitHub refuses, judged as GitHub's own parser judges them.

Not blind: each shape below is a workflow, and whether GitHub refuses it is
the verdict of GitHub's workflow parser, ``@actions/workflow-parser`` 0.3.61
(npm), recorded here as data so the suite needs no npm.  The audit must
agree: QG109 where the parser refuses, nothing where it accepts (never a
QG109 on an accepted shape).  ``bench/workflow_parser/check.py table``
re-checks the recorded verdicts against the parser where npm is available.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_test import audit_project, gate_rules, line_of
from quality_gates.guards.integrity.workflows import audit_workflow
from quality_gates.textfile import Text

CI = ".github/workflows/ci.yml"


def job(
    extra: str = "",
    step_extra: str = "",
    run: str = "pytest",
    head: str = "on: push\n",
    jobid: str = "test",
    more: str = "",
) -> str:
    """One job running ``pytest``, with text put in at the job, its step, the top."""
    return (
        f"{head}jobs:\n  {jobid}:\n    runs-on: ubuntu-latest\n{extra}"
        f"    steps:\n      - run: {run}\n{step_extra}{more}"
    )


# fmt: off
SHAPES = {
 "plain": job(),
 "double-quoted string in expression": job(step_extra='        if: ${{ github.ref == "refs/heads/main" }}\n'),
 "single-quoted string in expression": job(step_extra="        if: ${{ github.ref == 'refs/heads/main' }}\n"),
 "double quotes in run expression": job(run='pytest ${{ "x" }}'),
 "double quotes outside expression": job(run='pytest -k "not slow"'),
 "unknown function": job(step_extra="        if: ${{ frobnicate(github.ref) }}\n"),
 "known function": job(step_extra="        if: ${{ startsWith(github.ref, 'refs/tags/') }}\n"),
 "unbalanced expression in run": job(run="pytest ${{ github.ref"),
 "unbalanced expression in if": job(step_extra="        if: ${{ github.ref == 'x'\n"),
 "secrets in step if": job(step_extra="        if: secrets.TOKEN != ''\n"),
 "secrets in job if": job(extra="    if: secrets.TOKEN != ''\n"),
 "env in step if": job(step_extra="        if: env.CI == 'true'\n"),
 "env in job if": job(extra="    if: env.CI == 'true'\n"),
 "steps in job if": job(extra="    if: steps.x.outcome == 'success'\n"),
 "matrix in job if": job(extra="    if: matrix.os == 'linux'\n"),
 "needs in job if": job(extra="    if: needs.other.result == 'success'\n"),
 "github in job if": job(extra="    if: github.event_name == 'push'\n"),
 "vars in job if": job(extra="    if: vars.ENABLED == 'true'\n"),
 "inputs in job if": job(extra="    if: inputs.run == true\n"),
 "matrix in on": "on:\n  push:\n    branches: ${{ matrix.b }}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
 "matrix in runs-on without strategy": job().replace("ubuntu-latest", "${{ matrix.os }}"),
 "secrets in runs-on": job().replace("ubuntu-latest", "${{ secrets.RUNNER }}"),
 "env in job env": job(extra="    env:\n      A: ${{ env.B }}\n"),
 "steps in step env": job(step_extra="        env:\n          A: ${{ steps.x.outputs.y }}\n"),
 "duplicate key in step": job(step_extra="        run: tox\n"),
 "duplicate job id": job() + "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: tox\n",
 "duplicate top key": job() + "on: pull_request\n",
 "with on run step": job(step_extra="        with:\n          a: b\n"),
 "unknown step key": job(step_extra="        frobnicate: true\n"),
 "unknown job key": job(extra="    frobnicate: true\n"),
 "unknown top key": "frobnicate: true\n" + job(),
 "run and uses in one step": job(step_extra="        uses: actions/checkout@v4\n"),
 "step with neither run nor uses": job(step_extra="      - name: nothing\n"),
 "missing runs-on": "on: push\njobs:\n  test:\n    steps:\n      - run: pytest\n",
 "missing steps": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
 "empty steps": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: []\n",
 "needs unknown job": job(extra="    needs: build\n"),
 "needs known job": job(extra="    needs: build\n", more="  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"),
 "needs cycle": job(extra="    needs: build\n", more="  build:\n    needs: test\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"),
 "needs itself": job(extra="    needs: test\n"),
 "job id starting with digit": job(jobid="1test"),
 "job id with dot": job(jobid="test.unit"),
 "job id with dash and underscore": job(jobid="_test-unit"),
 "tab in indentation": job().replace("    runs-on", "\truns-on"),
 "tab ending a line": job(head="on:\t\n  push:\t\n"),
 "tab inside run text": job(run="'pytest\tx'"),
 "unknown event": job(head="on: pushed\n"),
 "unknown event in list": job(head="on: [push, pul_request]\n"),
 "known events list": job(head="on: [push, pull_request, workflow_dispatch]\n"),
 "unknown event key in mapping": job(head="on:\n  push:\n    brunches: [main]\n"),
 "push with path": job(head="on:\n  push:\n    path: [src]\n"),
 "workflow_dispatch with branches": job(head="on:\n  workflow_dispatch:\n    branches: [main]\n"),
 "issues with types": job(head="on:\n  issues:\n    types: [opened]\n"),
 "issues with branches": job(head="on:\n  issues:\n    branches: [main]\n"),
 "create with branches": job(head="on:\n  create:\n    branches: [main]\n"),
 "invalid cron": job(head="on:\n  schedule:\n    - cron: '61 * * * *'\n"),
 "cron with four fields": job(head="on:\n  schedule:\n    - cron: '0 * * *'\n"),
 "valid cron": job(head="on:\n  schedule:\n    - cron: '0 3 * * 1-5'\n"),
 "branches and branches-ignore": job(head="on:\n  push:\n    branches: [main]\n    branches-ignore: [dev]\n"),
 "reusable call with steps": "on: push\njobs:\n  test:\n    uses: ./.github/workflows/r.yml\n    steps:\n      - run: pytest\n  t2:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
 "reusable call with runs-on": "on: push\njobs:\n  call:\n    uses: ./.github/workflows/r.yml\n    runs-on: ubuntu-latest\n  t2:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
 "reusable call plain": "on: push\njobs:\n  call:\n    uses: ./.github/workflows/r.yml\n  t2:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
 "reusable call bad ref": "on: push\njobs:\n  call:\n    uses: owner/repo/.github/workflows/r.yml\n  t2:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
 "no on": "jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
 "no jobs": "on: push\n",
 "continue-on-error string": job(step_extra="        continue-on-error: yes please\n"),
 "timeout not number": job(step_extra="        timeout-minutes: soon\n"),
 "step id duplicate": job(step_extra="        id: a\n      - run: tox\n        id: a\n"),
 "step id invalid": job(step_extra="        id: 1a\n"),
 "expression in uses": job(run="pytest", step_extra="      - uses: ${{ env.A }}\n"),
 "uses without ref": job(step_extra="      - uses: actions/checkout\n"),
 "hashFiles in job if": job(extra="    if: hashFiles('x') != ''\n"),
 "hashFiles in step if": job(step_extra="        if: hashFiles('x') != ''\n"),
 "always in job if": job(extra="    if: always()\n"),
 "success in step if literal": job(step_extra="        if: success()\n"),
 "unknown context": job(step_extra="        if: foo.bar == 'x'\n"),
 "comparison missing operand": job(step_extra="        if: github.ref ==\n"),
 "expression with trailing garbage": job(run="pytest ${{ github.ref }} }}"),
 "matrix used with strategy": job(extra="    strategy:\n      matrix:\n        py: ['3.11']\n").replace("run: pytest", "run: pytest --py ${{ matrix.py }}"),
 "strategy matrix empty": job(extra="    strategy:\n      matrix: {}\n"),
 "permissions invalid value": job(extra="    permissions:\n      contents: admin\n"),
 "permissions unknown scope": job(extra="    permissions:\n      frobs: read\n"),
 "concurrency expression secrets": job(extra="    concurrency: ${{ secrets.X }}\n"),
 "env at top reading env": "on: push\nenv:\n  A: ${{ env.B }}\n" + job()[9:],
 "workflow_call input in if": job(head="on:\n  workflow_call:\n    inputs:\n      go:\n        type: boolean\n", extra="    if: inputs.go\n"),
 "runs-on empty": job().replace("ubuntu-latest", "''"),
 "yaml anchor": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - &s\n        run: pytest\n      - *s\n",
 "yaml merge key": "on: push\njobs:\n  test: &j\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n  t2:\n    <<: *j\n",
 "job name with expression of steps": job(extra="    name: ${{ steps.x.outputs.y }}\n"),
 "step name with secrets": job(step_extra="        name: ${{ secrets.X }}\n"),
 "if with expression braces and secrets": job(step_extra="        if: ${{ secrets.TOKEN != '' }}\n"),
 "env in step with": job(step_extra="      - uses: a/b@v1\n        with:\n          x: ${{ env.A }}\n"),
 "job outputs reading steps": job(extra="    outputs:\n      a: ${{ steps.x.outputs.y }}\n"),
 "services with env context": job(extra="    services:\n      db:\n        image: postgres\n        env:\n          A: ${{ env.B }}\n"),
 "container image with secrets": job(extra="    container:\n      image: ${{ secrets.IMG }}\n"),
 "working-directory unknown key at job": job(extra="    working-directory: x\n"),
 "defaults run shell": job(extra="    defaults:\n      run:\n        shell: bash\n"),
 "on null push": job(head="on:\n  push:\n  pull_request:\n"),
 "number job id": job(jobid="123"),
 "nested expression": job(run="pytest ${{ format('{0}', ${{ github.ref }}) }}"),
 "if bare unbalanced parens": job(step_extra="        if: (github.ref == 'x'\n"),
 "single equals": job(step_extra="        if: github.ref = 'x'\n"),
 "double quote inside single-quoted string": job(run="pytest ${{ '\"x\"' }}"),
 "escaped single quote in string": job(step_extra="        if: github.ref != 'it''s'\n"),
 "closing braces inside string": job(run="pytest ${{ format('{0}}}', github.ref) }}"),
 "function names any case": job(step_extra="        if: StartsWith(github.ref, 'refs/tags/') && !Cancelled()\n"),
 "fromJSON and toJSON": job(run="pytest ${{ fromJSON(toJSON(github.event)).x }}"),
 "hashFiles in run": job(run="pytest ${{ hashFiles('**/x') }}"),
 "expression across lines": job(run="|\n          pytest ${{\n            github.ref }}"),
 "cron with names and steps": job(head="on:\n  schedule:\n    - cron: '*/15 0-6 1,15 JAN-MAR MON-FRI'\n"),
 "cron step out of range": job(head="on:\n  schedule:\n    - cron: '*/60 * * * *'\n"),
 "cron decimal": job(head="on:\n  schedule:\n    - cron: '1.5 * * * *'\n"),
 "cron day 7": job(head="on:\n  schedule:\n    - cron: '0 0 * * 7'\n"),
 "cron reversed range": job(head="on:\n  schedule:\n    - cron: '0 5-2 * * *'\n"),
 "cron as a block scalar": job(head="on:\n  schedule:\n    - cron: |\n        0 0 * * *\n"),
 "needs a job in other case": job(extra="    needs: Build\n", more="  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"),
 "needs list known": job(extra="    needs: [build]\n", more="  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"),
 "needs one unknown of two jobs": job(extra="    needs: [build, lint]\n", more="  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"),
 "step ids unique": job(step_extra="        id: a\n      - run: tox\n        id: b-2_c\n"),
 "uses step with with": job(step_extra="      - uses: actions/setup-python@v5\n        with:\n          python-version: '3.12'\n"),
 "job continue-on-error expression": job(extra="    continue-on-error: ${{ matrix.experimental }}\n"),
 "step background key": job(step_extra="        background: true\n"),
 "top description key": "description: x\n" + job(),
 "literal words": job(step_extra="        if: github.ref != null && true && !false\n"),
 "property named like a function": job(step_extra="        if: github.event.format == 'x'\n"),
 "index with string": job(step_extra="        if: github.event['pull_request'] != null\n"),
 "context in capitals": job(step_extra="        if: GitHub.ref == 'x'\n"),
 "dollar braces of shell in run": job(run="echo ${HOME} ${{ github.sha }}"),
 "shell double braces without dollar": job(run="'echo {{ x }}'"),
 "if expression then text": job(step_extra="        if: ${{ github.ref == 'x' }} && true\n"),
 "unknown function in run": job(run="pytest ${{ lower(github.ref) }}"),
 "double quote in with value expression": job(step_extra="      - uses: a/b@v1\n        with:\n          x: ${{ github.ref == \"x\" }}\n"),
 "event on mapping with types": job(head="on:\n  pull_request:\n    types: [opened, synchronize]\n"),
 "event name in capitals": job(head="on: Push\n"),
 "reusable call with secrets inherit": "on: push\njobs:\n  call:\n    uses: ./.github/workflows/r.yml\n    secrets: inherit\n    with:\n      a: ${{ github.ref }}\n",
 "needs cycle beside a free job": job(extra="    needs: build\n", more="  build:\n    needs: test\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ruff check\n"),
 "needs chain": job(extra="    needs: build\n", more="  build:\n    needs: lint\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ruff check\n"),
}
# fmt: on

# the parser's verdict (0.3.61): these it refuses, every other shape it accepts
REFUSED = frozenset(
    {
        "needs a job in other case",
        "push with path",
        "workflow_dispatch with branches",
        "issues with branches",
        "create with branches",
        "comparison missing operand",
        "concurrency expression secrets",
        "container image with secrets",
        "continue-on-error string",
        "cron as a block scalar",
        "cron day 7",
        "cron reversed range",
        "cron step out of range",
        "cron with four fields",
        "double quote in with value expression",
        "double quotes in run expression",
        "double-quoted string in expression",
        "duplicate job id",
        "duplicate key in step",
        "duplicate top key",
        "env at top reading env",
        "env in job env",
        "env in job if",
        "event name in capitals",
        "expression in uses",
        "hashFiles in job if",
        "if bare unbalanced parens",
        "if with expression braces and secrets",
        "invalid cron",
        "job id starting with digit",
        "job id with dot",
        "job name with expression of steps",
        "matrix in job if",
        "matrix in on",
        "missing runs-on",
        "needs cycle",
        "needs cycle beside a free job",
        "needs itself",
        "needs one unknown of two jobs",
        "needs unknown job",
        "nested expression",
        "no jobs",
        "no on",
        "number job id",
        "permissions invalid value",
        "permissions unknown scope",
        "reusable call with runs-on",
        "reusable call with steps",
        "run and uses in one step",
        "runs-on empty",
        "secrets in job if",
        "secrets in runs-on",
        "secrets in step if",
        "single equals",
        "step background key",
        "step id duplicate",
        "step id invalid",
        "step with neither run nor uses",
        "steps in job if",
        "tab in indentation",
        "timeout not number",
        "unbalanced expression in if",
        "unbalanced expression in run",
        "unknown context",
        "unknown event",
        "unknown event in list",
        "unknown event key in mapping",
        "unknown function",
        "unknown function in run",
        "unknown job key",
        "unknown step key",
        "unknown top key",
        "with on run step",
        "working-directory unknown key at job",
        "yaml merge key",
    }
)

# refused by the npm parser, run by GitHub: it matches `needs` to a job id
# without regard to case (explosion/spaCy's tests.yml has needed `Validate`
# for its job `validate` since 2023, and its jobs run); and it reads a cron
# written as a block scalar, trailing newline and all (apache/arrow's
# cpp_extra.yml has had `cron: |` since 2025-05-30, through 64 later edits,
# and runs on every pull request); GitHub is followed
GITHUB_RUNS = frozenset({"needs a job in other case", "cron as a block scalar"})


def _refused(text: str) -> list[str]:
    found = audit_workflow(".github/workflows/ci.yml", Text(text)).findings
    return [f.message for f in found if f.rule == "QG109"]


@pytest.mark.parametrize("name", sorted(set(SHAPES) - REFUSED | GITHUB_RUNS))
def test_a_workflow_the_parser_accepts_is_never_refused(name: str) -> None:
    assert _refused(SHAPES[name]) == []


@pytest.mark.parametrize("name", sorted(REFUSED - GITHUB_RUNS))
def test_a_workflow_the_parser_refuses_is_qg109(name: str) -> None:
    assert _refused(SHAPES[name])


def test_each_check_of_a_refused_workflow_is_reported_never_running(
    tmp_path: Path,
) -> None:
    text = SHAPES["with on run step"]
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert ("QG109", CI, line_of(text, "with:"), True) in found
    assert ("QG107", CI, line_of(text, "run: pytest"), True) in found


def test_the_same_workflow_written_right_is_clean(tmp_path: Path) -> None:
    assert gate_rules(audit_project(tmp_path, {CI: SHAPES["plain"]})) == []
