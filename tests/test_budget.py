"""The policy budget: merged statements, inline first, managed spill, clear errors beyond the quota."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from ampliform.access.compile import role_statements
from ampliform.access.render import bind_arn
from ampliform.cli import main
from ampliform.definition.load import parse_definition
from ampliform.errors import DefinitionError
from ampliform.iam.budget import INLINE_LIMIT, MANAGED_LIMIT, WORST_CASE_ARN_LENGTH, Limits, size_of
from ampliform.iam.evaluate import evaluate
from ampliform.plan.backend import plan_backend
from ampliform.review.probes import OWN_IDENTITY, probes

ARN = "arn:aws:s3:::BUCKET"


def signed_in_map(n: int, owner_every: int = 0) -> dict:
    access = {}
    for i in range(n):
        if owner_every and i % owner_every == 0:
            access[f"users{i:04d}/{{entity_id}}/*"] = [
                {"allow": "authenticated", "to": ["read"]},
                {"allow": "entity", "entity": "identity", "to": ["read", "write", "delete"]}]
        else:
            access[f"path{i:04d}/*"] = [{"allow": "authenticated", "to": ["read", "write", "delete"]}]
    return {"auth": {"groups": ["admin"]}, "storage": {"name": "BUCKET", "access": access}}


def total_chars(docs) -> int:
    return sum(size_of(d) for d in docs)


def test_500_signed_in_paths_fit_one_role_in_half_of_amplify():
    definition = parse_definition(signed_in_map(500))
    ours = plan_backend(definition, {"BUCKET": ARN})
    amplify = plan_backend(definition, {"BUCKET": ARN}, limits=Limits(inline=10**9, compat=True))
    budget = ours.budgets["authenticated"]
    assert budget.inline_size <= INLINE_LIMIT
    assert 1 <= len(budget.managed_sizes) <= 10
    assert all(size <= MANAGED_LIMIT for size in budget.managed_sizes)
    ours_chars = total_chars(ours.buckets["BUCKET"].roles["authenticated"])
    amplify_chars = total_chars(amplify.buckets["BUCKET"].roles["authenticated"])
    assert ours_chars * 2 <= amplify_chars, (ours_chars, amplify_chars)


def test_sizes_hold_for_the_longest_possible_bucket_arn():
    definition = parse_definition(signed_in_map(500, owner_every=7))
    backend = plan_backend(definition, {"BUCKET": ARN})
    longest = "arn:aws-us-gov:s3:::" + "b" * 63
    assert len(longest) == WORST_CASE_ARN_LENGTH
    for budget in backend.budgets.values():
        inline = 0
        for placement in budget.placements:
            real = size_of(bind_arn(placement.document, ARN, longest))
            assert real <= placement.size
            assert real <= (MANAGED_LIMIT if placement.kind == "managed" else INLINE_LIMIT)
            inline += real if placement.kind == "inline" else 0
        assert inline <= INLINE_LIMIT


def test_splitting_never_changes_the_meaning():
    data = signed_in_map(400, owner_every=5)
    data["storage"]["access"]["path0001/deep/*"] = [{"allow": "guest", "to": ["read"]}]
    definition = parse_definition(data)
    backend = plan_backend(definition, {"BUCKET": ARN})
    split_docs = backend.buckets["BUCKET"].roles
    assert len(split_docs["authenticated"]) > 2 and len(split_docs["group:admin"]) > 2
    bucket = definition.buckets[0]
    whole = role_statements(bucket, definition.auth.groups, ARN, compat=False)
    sample = random.Random(7).sample(list(bucket.access), 40) + ["path0001/deep/*", "path0001/*"]
    requests = [p.request(ARN, OWN_IDENTITY) for p in probes(sample)]
    for role in ("authenticated", "guest", "group:admin"):
        unsplit = [{"Version": "2012-10-17", "Statement": whole[role]}]
        assert [evaluate(split_docs[role], r).allowed for r in requests] == \
            [evaluate(unsplit, r).allowed for r in requests], role
    assert sum(evaluate(split_docs["authenticated"], r).allowed for r in requests) > 100


def test_beyond_the_quota_is_a_user_error_naming_the_fix():
    definition = parse_definition(signed_in_map(1000))
    with pytest.raises(DefinitionError) as caught:
        plan_backend(definition)
    message = str(caught.value)
    assert "role authenticated does not fit IAM's limits" in message and "managed policies" in message
    assert "ampliform:maxManagedPolicies" in message
    assert "role group:admin does not fit" in message  # every over-budget role is listed
    raised = plan_backend(definition, limits=Limits(managed_quota=20))
    assert len(raised.budgets["authenticated"].managed_sizes) > 10


def test_compat_mode_keeps_amplify_single_inline_policy_and_its_limit():
    small = plan_backend(parse_definition(signed_in_map(20)), limits=Limits(compat=True))
    assert [p.kind for p in small.budgets["authenticated"].placements] == ["inline"]
    with pytest.raises(DefinitionError) as caught:
        plan_backend(parse_definition(signed_in_map(100)), limits=Limits(compat=True))
    assert "Maximum policy size of 10240 bytes exceeded for role authenticated" in str(caught.value)
    assert "Remove --compat amplify" in str(caught.value)
    assert plan_backend(parse_definition(signed_in_map(100))).budgets["authenticated"].placements


def test_cli_validate_reports_budgets_and_over_budget_exits_2(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(signed_in_map(1000)))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and "error: role authenticated does not fit IAM's limits" in result.stderr
    ok = CliRunner().invoke(main, ["validate", str(path), "--max-managed-policies", "20", "--json"])
    assert ok.exit_code == 0, ok.output
    budget = json.loads(ok.stdout)["budgets"]["authenticated"]
    assert budget["managed"]["policies"] > 10 and budget["inline"]["used"] <= budget["inline"]["limit"]
