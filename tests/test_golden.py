"""Golden files: the compiled policies of representative maps, compared exactly (troposphere-style).

Each `tests/golden/<case>/definition.yaml` compiles (default mode) to `expected.json`: the `compile` command's
JSON (per bucket, per role, the policy documents, and the client paths) plus where the budget placed each
document (inline or managed, its size). A change of policy text shows in a pull request's diff of these files.
They are never rewritten by a normal test run: regenerate them with `make golden` (pytest --update-golden).
Cases: the tutorial map, groups (guest/group/owner/function rules), nesting (deeper than Amplify), spill
(managed policies beyond the inline room).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ampliform.definition.load import load_definition
from ampliform.plan.backend import plan_backend

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "definition.yaml").is_file())


def compiled(case: str) -> dict[str, Any]:
    plan = plan_backend(load_definition(GOLDEN / case / "definition.yaml"))
    return {
        "buckets": {name: bucket.to_json() for name, bucket in plan.buckets.items()},
        "placements": {role: [{"contributor": p.contributor, "kind": p.kind, "size": p.size}
                              for p in budget.placements] for role, budget in plan.budgets.items()},
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def test_the_cases_are_there():
    assert set(CASES) == {"groups", "nesting", "spill", "tutorial"}


@pytest.mark.parametrize("case", CASES)
def test_compiled_policies_equal_the_golden_file(case: str, request: pytest.FixtureRequest):
    expected = GOLDEN / case / "expected.json"
    actual = render(compiled(case))
    if request.config.getoption("--update-golden"):
        expected.write_text(actual)
    assert expected.is_file(), f"no golden file for {case}: run `make golden`"
    assert actual == expected.read_text(), f"{case}: compiled policies changed; review, then `make golden`"


def test_the_spill_case_really_spills():
    placements = compiled("spill")["placements"]["authenticated"]
    assert {p["kind"] for p in placements} == {"inline", "managed"}
