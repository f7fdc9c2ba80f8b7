"""audit-gates on the false findings of a full-read sweep (bench/audit_sweep/issue-21be).

Not blind: each case is the general form of a finding the audit got wrong
there, beside the twin that differs in the one thing that decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"

# ---- gofmt prints unless told to write (-w); a listing before `exit 1` -------

_TESTED = """
if [ "$(gofmt -s -l . | wc -l)" -gt 0 ]; then
  echo "Code is not formatted. Run 'gofmt -s -w .'"
  gofmt -s -l .
  exit 1
fi
"""


def _fmt_step(script: str) -> str:
    return _jobs(
        """
        lint:
          runs-on: ubuntu-latest
          steps:
            - name: Run go fmt check
              run: |
                <SCRIPT>
        """,
        SCRIPT=script,
    )


def test_a_listing_on_the_path_to_exit_1_reports_a_decided_failure(
    tmp_path: Path,
) -> None:
    """The `if` tested gofmt's output; the listing after it only shows why."""
    found = gate_rules(audit_project(tmp_path, {CI: _fmt_step(_TESTED)}))
    assert found == []


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("gofmt -s -l .", "only prints what it would change"),
        ("gofmt -d .", "only prints what it would change"),
        ("gofmt -s -w .", "rewrites the files"),
    ],
    ids=["lists", "diffs", "writes"],
)
def test_gofmt_rewrites_only_with_w(tmp_path: Path, command: str, says: str) -> None:
    """`gofmt -l`/`-d` print and exit 0; only `-w` rewrites: both lose the check."""
    found = audit_project(tmp_path, {CI: _fmt_step(command)})
    assert gate_rules(found) == [
        ("QG106", CI, line_of(_fmt_step(command), command), True)
    ]
    assert says in next(m for r, _, _, _, m in found if r == "QG106")


def test_a_tested_listing_is_the_check(tmp_path: Path) -> None:
    found = gate_rules(
        audit_project(tmp_path, {CI: _fmt_step('test -z "$(gofmt -l .)"')})
    )
    assert found == []


_MAKE_FMT = (
    "fmt-check:\n"
    '\t@if [ "$$(gofmt -s -l . | wc -l)" -gt 0 ]; then \\\n'
    '\t\techo "Code is not formatted"; \\\n'
    "\t\tgofmt -s -l .; \\\n"
    "\t\texit 1; \\\n"
    "\tfi\n"
)


@pytest.mark.parametrize(
    ("makefile", "rules"),
    [
        (_MAKE_FMT, []),
        ("fmt-check:\n\tgofmt -s -l .\n", [("QG106", "Makefile", 2, True)]),
    ],
    ids=["listing-then-exit-1", "listing-alone"],
)
def test_a_make_target_reads_gofmt_alike(
    tmp_path: Path, makefile: str, rules: list[tuple[str, str, int, bool]]
) -> None:
    assert gate_rules(audit_project(tmp_path, {"Makefile": makefile})) == rules


# ---- a step named for running the migrations sets up the database ------------


@pytest.mark.parametrize(
    ("name", "rules"),
    [
        ("Run migrations", []),
        ("Apply database migrations", []),
        ("Verify migrations", [("QG102",)]),
        ("Run migration tests", [("QG102",)]),
    ],
    ids=["run-migrations", "apply-db-migrations", "verify", "migration-tests"],
)
def test_a_migration_step_is_setup(
    tmp_path: Path, name: str, rules: list[tuple[str]]
) -> None:
    """Its table count is a log line; a step named for verifying checks."""
    query = (
        'psql -h localhost -U ci -d test -c "SELECT COUNT(*) FROM'
        ' information_schema.tables" || echo "Could not verify tables"'
    )
    text = _jobs(
        """
        test:
          runs-on: ubuntu-latest
          steps:
            - name: <NAME>
              run: |
                pnpm run migrate
                <QUERY>
        """.replace("<NAME>", name),
        QUERY=query,
    )
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert [(r,) for r, *_ in found] == rules


# ---- a sub-make is judged by the targets it runs -----------------------------


@pytest.mark.parametrize(
    ("target", "rules"),
    [
        ("delete-cluster-data", []),
        ("clean", []),
        ("cluster-start", []),
        ("integration", [("QG101", "Makefile", 2, False)]),
    ],
    ids=["deletes", "cleans", "starts", "tests"],
)
def test_an_ignored_sub_make_of_a_setup_target_loses_nothing(
    tmp_path: Path, target: str, rules: list[tuple[str, str, int, bool]]
) -> None:
    """`-$(MAKE) delete-cluster-data` in `long-tests`: cleanup before the tests."""
    makefile = (
        f"long-tests:\n\t@-$(MAKE) {target}\n"
        "\tgo test -v ./integrationtests -tags integrationtests\n"
    )
    assert gate_rules(audit_project(tmp_path, {"Makefile": makefile})) == rules
