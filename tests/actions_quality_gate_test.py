"""The quality-gate action end to end under act (see act_harness for what is real)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from act_harness import Act, act, uses, workflow  # noqa: F401

pytestmark = pytest.mark.slow

CLEAN = '"""A clean module."""\n\n\ndef add(a: int, b: int) -> int:\n    """Add."""\n    return a + b\n'
FINDING = '"""A module with a finding."""\n\nimport subprocess\n\n\ndef run(cmd: str) -> None:\n    """Run."""\n    subprocess.call(cmd, shell=True)\n'
PYPROJECT = '[project]\nname = "consumer"\nversion = "0"\n\n[tool.quality-gates]\ntools = ["flake8", "bandit"]\n'


def gate_job(**inputs: str) -> dict[str, object]:
    return {
        "steps": [
            {"uses": "actions/checkout@v4"},
            {"id": "subject", "uses": uses("quality-gate"), "with": inputs},
        ]
    }


def test_push_with_a_finding_fails_with_summary_annotation_and_sarif(act: Act, project) -> None:
    project.write("pyproject.toml", PYPROJECT)
    project.write("pkg/clean.py", CLEAN)
    project.write("pkg/bad.py", FINDING)
    project.write(".github/workflows/gate.yml", workflow({"gate": gate_job(mode="all")}))
    project.commit("init")
    result = act.run(project.root)
    assert result.returncode != 0, result.log[-3000:]
    outputs = result.outputs["gate"]
    assert int(outputs["new-findings"]) >= 1
    assert outputs["sarif-file"].endswith("quality-gates.sarif")
    assert any("pkg/bad.py" in a and "bandit" in a for a in result.annotations()), result.log[-3000:]
