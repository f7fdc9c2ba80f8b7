"""audit-gates on the shapes of bench/audit_corpus_21k's test half, after its blind run.

Not blind: each case is the general form of a false finding or a miss of
that corpus's first run (RESULTS-test.md), beside the twin that differs in the
one thing that decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_gates_model_i_test import _jobs
from audit_gates_model_test import audit_project, gate_rules, line_of

CI = ".github/workflows/ci.yml"


@pytest.mark.parametrize(
    ("name", "run", "lost"),
    [
        # an icon before the words: the step is still named for setting up
        ("🗄️ Setup test database", 'psql -c "DROP USER IF EXISTS u;" || true', False),
        ("🔄 Start services", 'psql -c "DROP USER IF EXISTS u;" || true', False),
        # twin: an icon before a name that says it tests
        ("🧪 Run tests", "pytest -q || true", True),
    ],
)
def test_icons_before_a_step_name(
    tmp_path: Path, name: str, run: str, lost: bool
) -> None:
    text = _jobs("""
        test:
          runs-on: ubuntu-latest
          steps:
            - name: <NAME>
              run: <RUN>
        """.replace("<NAME>", name).replace("<RUN>", run))
    found = gate_rules(audit_project(tmp_path, {CI: text}))
    assert found == ([("QG101", CI, line_of(text, "|| true"), True)] if lost else [])
