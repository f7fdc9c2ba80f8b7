"""audit-gates on more workflows GitHub refuses: its grammar, its contexts, its kinds.

Not blind: the shapes come from GitHub's workflow schema and expression
grammar (``@actions/workflow-parser`` 0.3.61 and ``@actions/expressions``),
each a general rule beside the twin it allows: the contexts each place of a
workflow offers (``on:`` none, ``run-name:`` github/inputs/vars, a job's
``env:`` no ``env``, a step's ``uses:`` literals only...), the grammar of an
expression (operands, operators, arguments of each function), and the kind
of value a key takes (a boolean, a number, a permission level, a label).
The parser's verdict is recorded here as data so the suite needs no npm;
``bench/workflow_parser/check.py table PREFIX audit_gates_model_ah_test``
re-checks it against the parser.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_aa_test import job
from audit_gates_model_test import audit_project, gate_rules, line_of
from quality_gates import cli
from quality_gates.guards.integrity import exprgrammar
from quality_gates.guards.integrity.workflows import audit_workflow
from quality_gates.textfile import Text

CI = ".github/workflows/ci.yml"
BODY = job()[len("on: push\n") :]
CALL = "on: push\njobs:\n  call:\n    uses: ./.github/workflows/r.yml\n"
MATRIX = "    strategy:\n      matrix:\n        a: [1]\n"


def _input(body: str) -> str:
    """Return a workflow run by hand, its one input ``a`` of the given keys."""
    return f"on:\n  workflow_dispatch:\n    inputs:\n      a:\n{body}" + BODY


# fmt: off
SHAPES = {
 # the contexts each place offers (the schema's `context` lists)
 "workflow name reads github": "name: ${{ github.ref }}\n" + job(),
 "workflow name literal expression": "name: ${{ 'ci' }}\n" + job(),
 "run-name reads inputs": "on: push\nrun-name: ${{ inputs.a }} ${{ github.actor }}\n" + BODY,
 "run-name reads secrets": "on: push\nrun-name: ${{ secrets.X }}\n" + BODY,
 "workflow concurrency reads env": "on: push\nconcurrency: ${{ env.X }}\n" + BODY,
 "workflow concurrency reads github": "on: push\nconcurrency: ${{ github.ref }}\n" + BODY,
 "workflow env reads secrets": "on: push\nenv:\n  A: ${{ secrets.X }}\n" + BODY,
 "on description reads github": _input("        description: 'x ${{ github.ref }}'\n"),
 "call input default reads github": "on:\n  workflow_call:\n    inputs:\n      a:\n        type: string\n        default: ${{ github.ref }}\n" + BODY,
 "call output value reads jobs": "on:\n  workflow_call:\n    outputs:\n      a:\n        value: ${{ jobs.test.outputs.x }}\n" + BODY,
 "call output value reads steps": "on:\n  workflow_call:\n    outputs:\n      a:\n        value: ${{ steps.x.outputs.y }}\n" + BODY,
 "step uses literal expression": job(step_extra="      - uses: ${{ 'a/b@v1' }}\n"),
 "call uses reads github": "on: push\njobs:\n  call:\n    uses: ${{ github.repository }}/.github/workflows/r.yml@v1\n",
 "step shell reads matrix": job(extra=MATRIX, step_extra="        shell: ${{ matrix.a }}\n"),
 "step shell literal expression": job(step_extra="        shell: ${{ 'bash' }}\n"),
 "defaults run reads env": job(extra="    defaults:\n      run:\n        working-directory: ${{ env.X }}\n"),
 "top defaults reads env": "on: push\ndefaults:\n  run:\n    shell: ${{ env.X }}\n" + BODY,
 "step working-directory reads env": job(step_extra="        working-directory: ${{ env.X }}\n"),
 "strategy matrix reads secrets": job(extra="    strategy:\n      matrix:\n        a: ['${{ secrets.X }}']\n"),
 "strategy matrix reads needs": job(extra="    strategy:\n      matrix:\n        a: ${{ fromJSON(needs.b.outputs.m) }}\n"),
 "container env reads secrets": job(extra="    container:\n      image: x\n      env:\n        A: ${{ secrets.X }}\n"),
 "container credentials read secrets": job(extra="    container:\n      image: x\n      credentials:\n        username: ${{ secrets.X }}\n"),
 "services image reads secrets": job(extra="    services:\n      db:\n        image: ${{ secrets.IMG }}\n"),
 "environment reads env": job(extra="    environment: ${{ env.X }}\n"),
 "environment url reads steps": job(extra="    environment:\n      name: x\n      url: ${{ steps.a.outputs.u }}\n"),
 "job name reads matrix": job(extra=MATRIX + "    name: ${{ matrix.a }}\n"),
 "job outputs read env": job(extra="    outputs:\n      a: ${{ env.X }}\n"),
 "call with reads secrets": CALL + "    with:\n      a: ${{ secrets.X }}\n",
 "call secrets read secrets": CALL + "    secrets:\n      a: ${{ secrets.X }}\n",
 # the functions each place offers, and their arguments
 "hashFiles in job env": job(extra="    env:\n      A: ${{ hashFiles('x') }}\n"),
 "hashFiles in step name": job(step_extra="        name: ${{ hashFiles('x') }}\n"),
 "always in run": job(run="echo ${{ always() }}"),
 "success with an argument in step if": job(step_extra="        if: success('a')\n"),
 "success with an argument in job if": job(extra="    if: success('a')\n"),
 "contains with one argument": job(step_extra="        if: contains('a')\n"),
 "case with even arguments": job(step_extra="        if: case(true, 'a', 'b', 'c')\n"),
 "case with odd arguments": job(step_extra="        if: case(true, 'a', 'b')\n"),
 "join with two arguments": job(run="echo ${{ join(github.event.x, ',') }}"),
 "trailing comma in call": job(run="echo ${{ format('{0}', 'a',) }}"),
 # the grammar
 "empty expression": job(run="echo ${{ }}"),
 "property after a dot missing": job(run="echo ${{ github. }}"),
 "star property": job(run="echo ${{ github.event.commits.*.id }}"),
 "star index": job(run="echo ${{ github.event.commits[*].id }}"),
 "property of a literal": job(run="echo ${{ 'a'.length }}"),
 "single ampersand": job(step_extra="        if: github.ref & 'x'\n"),
 "signed and hex numbers": job(step_extra="        if: github.run_number > -1 && 0x10 > +1.5e0\n"),
 "number with letters": job(step_extra="        if: github.run_number > 1a\n"),
 "dash in a property": job(run="echo ${{ steps.my-step.outputs.x-y }}"),
 "keyword in capitals": job(step_extra="        if: github.ref != NULL\n"),
 "keyword as property": job(run="echo ${{ github.event.true }}"),
 "string never closed in bare if": job(step_extra="        if: github.ref == 'x\n"),
 "two operands without operator": job(run="echo ${{ github.ref github.sha }}"),
 "not of a group": job(step_extra="        if: ${{ !(github.ref == 'x') }}\n"),
 "yes as bare step if": job(step_extra="        if: yes\n"),
 "true as bare step if": job(step_extra="        if: True\n"),
 # the kind of value a key takes
 "step continue-on-error yes": job(step_extra="        continue-on-error: yes\n"),
 "step continue-on-error True": job(step_extra="        continue-on-error: True\n"),
 "step continue-on-error quoted": job(step_extra="        continue-on-error: 'true'\n"),
 "step continue-on-error number": job(step_extra="        continue-on-error: 1\n"),
 "step continue-on-error empty": job(step_extra="        continue-on-error:\n"),
 "job continue-on-error string": job(extra="    continue-on-error: maybe\n"),
 "step timeout quoted": job(step_extra="        timeout-minutes: '5'\n"),
 "step timeout float and hex": job(step_extra="        timeout-minutes: 0x10\n      - run: tox\n        timeout-minutes: 5.5\n"),
 "step timeout boolean": job(step_extra="        timeout-minutes: true\n"),
 "step timeout expression in text": job(step_extra="        timeout-minutes: x${{ 5 }}\n"),
 "job timeout with unit": job(extra="    timeout-minutes: 5m\n"),
 "fail-fast no": job(extra="    strategy:\n      fail-fast: no\n      matrix:\n        a: [1]\n"),
 "max-parallel word": job(extra="    strategy:\n      max-parallel: two\n      matrix:\n        a: [1]\n"),
 "job cancel-in-progress yes": job(extra="    concurrency:\n      group: g\n      cancel-in-progress: yes\n"),
 "workflow cancel-in-progress quoted": "on: push\nconcurrency:\n  group: g\n  cancel-in-progress: 'true'\n" + BODY,
 "workflow cancel-in-progress expression": "on: push\nconcurrency:\n  group: g\n  cancel-in-progress: ${{ github.ref != 'main' }}\n" + BODY,
 "environment deployment word": job(extra="    environment:\n      name: x\n      deployment: nope\n"),
 "permissions empty": job(extra="    permissions:\n"),
 "permissions level in capitals": job(extra="    permissions:\n      contents: Read\n"),
 "permissions id-token read": job(extra="    permissions:\n      id-token: read\n"),
 "permissions models write": job(extra="    permissions:\n      models: write\n"),
 "permissions read-all quoted": "on: push\npermissions: 'read-all'\n" + BODY,
 "permissions read": job(extra="    permissions: read\n"),
 "permissions none mapping": job(extra="    permissions: {}\n"),
 "permissions level expression": job(extra="    permissions:\n      contents: ${{ 'read' }}\n"),
 "runs-on null": job().replace(" ubuntu-latest", ""),
 "runs-on list with an empty label": job().replace("ubuntu-latest", "[ubuntu-latest, '']"),
 "runs-on number": job().replace("ubuntu-latest", "123"),
 "runs-on group and labels": job().replace("ubuntu-latest", "\n      group: g\n      labels: [x]"),
 "runs-on mapping unknown key": job().replace("ubuntu-latest", "\n      lables: [x]"),
 "runs-on empty group": job().replace("ubuntu-latest", "\n      group: ''"),
 "string env value is a boolean": job(extra="    env:\n      A: true\n"),
}
# fmt: on

# the parser's verdict (0.3.61): these it refuses, every other shape it accepts
REFUSED = frozenset(
    {
        "workflow name reads github",
        "run-name reads secrets",
        "workflow concurrency reads env",
        "on description reads github",
        "call output value reads steps",
        "call uses reads github",
        "step shell reads matrix",
        "top defaults reads env",
        "strategy matrix reads secrets",
        "services image reads secrets",
        "environment reads env",
        "call with reads secrets",
        "hashFiles in job env",
        "always in run",
        "success with an argument in step if",
        "contains with one argument",
        "case with even arguments",
        "empty expression",
        "property after a dot missing",
        "property of a literal",
        "single ampersand",
        "number with letters",
        "keyword in capitals",
        "string never closed in bare if",
        "two operands without operator",
        "yes as bare step if",
        "step continue-on-error yes",
        "step continue-on-error quoted",
        "step continue-on-error number",
        "step continue-on-error empty",
        "job continue-on-error string",
        "step timeout quoted",
        "step timeout boolean",
        "job timeout with unit",
        "fail-fast no",
        "max-parallel word",
        "job cancel-in-progress yes",
        "workflow cancel-in-progress quoted",
        "environment deployment word",
        "permissions empty",
        "permissions level in capitals",
        "permissions id-token read",
        "permissions models write",
        "permissions read",
        "runs-on null",
        "runs-on list with an empty label",
        "runs-on mapping unknown key",
        "runs-on empty group",
    }
)


def _refused(text: str) -> list[str]:
    found = audit_workflow(CI, Text(text)).findings
    return [f.message for f in found if f.rule == "QG109"]


@pytest.mark.parametrize("name", sorted(set(SHAPES) - REFUSED))
def test_a_workflow_the_parser_accepts_is_never_refused(name: str) -> None:
    assert _refused(SHAPES[name]) == []


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_workflow_the_parser_refuses_is_qg109(name: str) -> None:
    assert _refused(SHAPES[name])


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("run-name reads secrets", "`secrets` is no context GitHub has there"),
        ("on description reads github", "`on:`: `github` is no context"),
        ("hashFiles in job env", "`hashFiles()` is no function GitHub has there"),
        ("contains with one argument", "`contains()` takes no 1 arguments"),
        ("single ampersand", "unexpected symbol `&`"),
        ("step continue-on-error yes", "`continue-on-error: yes` is not a boolean"),
        ("job timeout with unit", "`timeout-minutes: 5m` is not a number"),
        ("permissions id-token read", "`id-token: read` (GitHub takes write, none"),
        ("runs-on list with an empty label", "`runs-on:` has an empty label"),
    ],
)
def test_the_refusal_says_why(name: str, said: str) -> None:
    messages = _refused(SHAPES[name])
    assert any(said in m for m in messages), messages


def test_the_line_of_the_refusal_is_the_value_refused() -> None:
    text = SHAPES["fail-fast no"]
    found = audit_workflow(CI, Text(text)).findings
    assert [f.line for f in found if f.rule == "QG109"] == [line_of(text, "fail-fast")]


def test_a_check_of_a_refused_workflow_never_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = SHAPES["workflow concurrency reads env"]
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert ("QG109", CI, line_of(text, "concurrency:"), True) in found
    assert ("QG107", CI, line_of(text, "run: pytest"), True) in found
    monkeypatch.chdir(tmp_path)
    assert cli.main(["audit-gates"]) == 1
    out, _ = capsys.readouterr()
    assert "`env` is no context GitHub has there" in out
    assert "GitHub refuses the whole workflow" in out


def test_the_twin_that_reads_what_its_place_offers_is_clean(tmp_path: Path) -> None:
    text = SHAPES["workflow concurrency reads github"]
    assert gate_rules(audit_project(tmp_path, {CI: text})) == []


@pytest.mark.parametrize(
    ("expr", "offered", "why"),
    [
        ("a.b[0].c", ("a",), ""),
        ("A.b", ("a",), ""),
        ("b.c", ("a",), "`b` is no context GitHub has there"),
        ("(a.b == 'x') && !a.c || a.d >= 1.5", ("a",), ""),
        ("'it''s' == a", ("a",), ""),
        ("fromJSON(a)[0]", ("a",), ""),
        ("hashFiles('x')", ("hashFiles(1,255)",), ""),
        ("hashFiles()", ("hashFiles(1,255)",), "`hashFiles()` takes no 0 arguments"),
        ("a ==", ("a",), "unexpected end"),
        ("(a", ("a",), "unexpected symbol `EOF`"),
        ('a == "x"', ("a",), 'unexpected symbol `"x"`'),
        ("1.2.3", (), "unexpected symbol `1.2.3` (no number)"),
        ("Infinity > NaN", (), ""),
    ],
)
def test_the_grammar_of_an_expression(expr: str, offered: tuple, why: str) -> None:
    contexts, functions = exprgrammar.functions_of(offered)
    assert exprgrammar.problem(expr, contexts, functions) == why
