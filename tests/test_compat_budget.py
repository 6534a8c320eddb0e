"""Compat mode measures as Amplify deploys: IAM's inline limit, nothing kept in reserve, the bucket ARN given.

`example-40-signed-in-paths` (vendored from real Amplify) has 40 paths with signed-in read, write and delete:
Amplify deploys its one inline policy, so compat mode must accept it and count exactly Amplify's characters
for the ARN the bucket really has. The default mode keeps its worst-case ARN and its reserve.
"""

from __future__ import annotations

import json

import pytest
from reference_data import CASES

from ampliform.definition.load import parse_definition
from ampliform.errors import DefinitionError
from ampliform.iam.budget import INLINE_LIMIT, INLINE_RESERVE
from ampliform.plan.backend import compile_backend

CASE = json.loads((CASES / "example-40-signed-in-paths.json").read_text())
REAL_ARN = "arn:aws:s3:::amplify-d1a2b3c4-main-mybucket"
"""An ARN shaped like the buckets Amplify names (``amplify-<app>-<branch>-<name>``): 40 paths take 8,993
characters with it (the default mode's measure, worst-case ARN and 2,048 kept, would reject 25)."""


def amplify_size(arn: str) -> int:
    """The size IAM counts for Amplify's own policy of the case, with the bucket ARN `arn`."""
    doc = {"Version": "2012-10-17", "Statement": CASE["amplify"]["roles"]["authenticated"]}
    return len(json.dumps(doc, separators=(",", ":")).replace("arn:aws:s3:::BUCKET", arn))


def with_paths(count: int) -> dict:
    access = dict(list(CASE["input"]["storage"]["access"].items())[:count])
    return {"auth": CASE["input"]["auth"], "storage": {"name": "myBucket", "access": access}}


def test_compat_accepts_what_amplify_deploys_and_counts_its_characters():
    plan = compile_backend(parse_definition(CASE["input"]), {"myBucket": REAL_ARN}, compat=True)
    budget = plan.budgets["authenticated"]
    assert budget.inline_size == amplify_size(REAL_ARN)
    assert 8_500 < budget.inline_size <= INLINE_LIMIT
    assert budget.limits.inline_reserve == 0 and budget.managed_sizes == []


@pytest.mark.parametrize("count", [25, 40])
def test_compat_accepts_signed_in_paths_without_an_arn(count):
    """Without --bucket-arn the ARN is ``arn:aws:s3:::<name>``, counted as it is."""
    plan = compile_backend(parse_definition(with_paths(count)), compat=True)
    assert plan.budgets["authenticated"].inline_size <= INLINE_LIMIT


def test_compat_refuses_what_amplify_could_not_deploy_with_amplifys_numbers():
    access = {f"signed-in-{i:03d}/*": [{"allow": "authenticated", "to": ["read", "write", "delete"]}]
              for i in range(60)}
    definition = parse_definition({"storage": {"name": "myBucket", "access": access}})
    with pytest.raises(DefinitionError) as caught:
        compile_backend(definition, {"myBucket": REAL_ARN}, compat=True)
    (problem,) = caught.value.problems
    assert problem.message.startswith("Maximum policy size of 10240 bytes exceeded for role authenticated")
    assert problem.message.endswith(f"characters, {INLINE_LIMIT} are available.")
    assert "kept" not in problem.message


def test_the_default_mode_still_counts_the_worst_case_and_keeps_its_reserve():
    plan = compile_backend(parse_definition(CASE["input"]), {"myBucket": REAL_ARN})
    budget = plan.budgets["authenticated"]
    assert budget.limits.inline_reserve == INLINE_RESERVE
    assert budget.inline_size <= INLINE_LIMIT - INLINE_RESERVE
