"""Compat mode measures as Amplify deploys: IAM's inline limit and the bucket ARN given.

`example-40-signed-in-paths` (vendored from real Amplify) has 40 paths with signed-in read, write and delete:
Amplify deploys its one inline policy, so compat mode must accept it and count exactly Amplify's characters
for the ARN the bucket really has. The default mode counts every ARN at its worst-case length.
"""

from __future__ import annotations

import json

import pytest
from reference_data import CASES

from ampliform.definition.load import parse_definition
from ampliform.errors import DefinitionError
from ampliform.iam.budget import INLINE_LIMIT, WORST_CASE_ARN_LENGTH, Limits
from ampliform.plan.backend import plan_backend

COMPAT = Limits(compat=True)

CASE = json.loads((CASES / "example-40-signed-in-paths.json").read_text())
REAL_ARN = "arn:aws:s3:::amplify-d1a2b3c4-main-mybucket"
"""An ARN shaped like the buckets Amplify names (``amplify-<app>-<branch>-<name>``): 40 paths take 8,993
characters with it (the default mode's old measure, worst-case ARN and 2,048 kept, rejected 25)."""


def amplify_size(arn: str) -> int:
    """The size IAM counts for Amplify's own policy of the case, with the bucket ARN `arn`."""
    doc = {"Version": "2012-10-17", "Statement": CASE["amplify"]["roles"]["authenticated"]}
    return len(json.dumps(doc, separators=(",", ":")).replace("arn:aws:s3:::BUCKET", arn))


def with_paths(count: int) -> dict:
    access = dict(list(CASE["input"]["storage"]["access"].items())[:count])
    return {"auth": CASE["input"]["auth"], "storage": {"name": "myBucket", "access": access}}


def test_compat_accepts_what_amplify_deploys_and_counts_its_characters():
    plan = plan_backend(parse_definition(CASE["input"]), {"myBucket": REAL_ARN}, COMPAT)
    budget = plan.budgets["authenticated"]
    assert budget.inline_size == amplify_size(REAL_ARN)
    assert 8_500 < budget.inline_size <= INLINE_LIMIT
    assert budget.managed_sizes == []


@pytest.mark.parametrize("count", [25, 40])
def test_compat_accepts_signed_in_paths_without_an_arn(count):
    """Without --bucket-arn the ARN is ``arn:aws:s3:::<name>``, counted as it is."""
    plan = plan_backend(parse_definition(with_paths(count)), limits=COMPAT)
    assert plan.budgets["authenticated"].inline_size <= INLINE_LIMIT


def test_compat_refuses_what_amplify_could_not_deploy_with_amplifys_numbers():
    access = {f"signed-in-{i:03d}/*": [{"allow": "authenticated", "to": ["read", "write", "delete"]}]
              for i in range(60)}
    definition = parse_definition({"storage": {"name": "myBucket", "access": access}})
    with pytest.raises(DefinitionError) as caught:
        plan_backend(definition, {"myBucket": REAL_ARN}, COMPAT)
    (problem,) = caught.value.problems
    assert problem.message.startswith("Maximum policy size of 10240 bytes exceeded for role authenticated")
    need = int(problem.message.split(" need ")[1].split(" characters")[0].replace(",", ""))
    assert INLINE_LIMIT < need < INLINE_LIMIT + 4_000, "counted with the ARN given, not the worst case"


def test_the_default_mode_still_counts_the_worst_case():
    """Each ARN of a default-mode document is counted at the longest a bucket ARN can be."""
    plan = plan_backend(parse_definition(CASE["input"]), {"myBucket": REAL_ARN})
    for placement in plan.budgets["authenticated"].placements:
        text = json.dumps(placement.document, separators=(",", ":"))
        extra = text.count('"' + REAL_ARN) * (WORST_CASE_ARN_LENGTH - len(REAL_ARN))
        assert extra > 0 and placement.size == len(text) + extra
