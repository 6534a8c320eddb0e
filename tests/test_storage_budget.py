"""Storage attaches what the policy budget placed: inline role policies first, the spill as managed policies."""

from __future__ import annotations

import json

from conftest import run

from ampliform.definition.load import parse_definition
from ampliform.iam.budget import INLINE_LIMIT, MANAGED_LIMIT, size_of
from ampliform.iam.evaluate import evaluate
from ampliform.resources.auth import Auth, AuthArgs
from ampliform.resources.storage import Storage, StorageArgs
from ampliform.review.probes import OWN_IDENTITY, probes

ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


def big_definition(n: int = 300):
    access = {f"folder{i:03d}/*": [{"allow": "authenticated", "to": ["read", "write", "delete"]}] for i in range(n)}
    return parse_definition({"storage": {"name": "files", "access": access}})


def test_large_map_spills_into_managed_policies_on_the_right_role(mocks):
    definition = big_definition()
    holder = {}

    def program():
        auth = Auth("a", AuthArgs(groups=(), guest_access=False))
        holder["storage"] = Storage("s", StorageArgs(definition=definition, auth=auth))

    run(program)
    assert mocks.resources
    inline = mocks.by_type(ROLE_POLICY)
    managed = mocks.by_type(POLICY)
    attachments = mocks.by_type(ATTACHMENT)
    assert inline and managed and len(managed) == len(attachments)
    authenticated_role = "a-authenticated-role"  # the mock gives a role its name as id
    assert {r.inputs["role"] for r in inline} == {authenticated_role}
    assert {r.inputs["role"] for r in attachments} == {authenticated_role}
    arns = {p.inputs.get("arn") or f"arn:aws:iam::123456789012:policy/{p.name}" for p in managed}
    assert {a.inputs["policyArn"] for a in attachments} == arns
    assert sum(size_of(json.loads(r.inputs["policy"])) for r in inline) <= INLINE_LIMIT
    assert all(size_of(json.loads(p.inputs["policy"])) <= MANAGED_LIMIT for p in managed)
    # together, the attached documents allow exactly what the compiled (placeholder-ARN) documents allow
    real_arn = "arn:aws:s3:::s-files-abc123"
    attached = [json.loads(r.inputs["policy"]) for r in [*inline, *managed]]
    compiled = holder["storage"].compiled["files"].roles["authenticated"]
    sample = [f"folder{i:03d}/*" for i in range(0, 300, 37)]
    for probe in probes(sample):
        assert evaluate(attached, probe.request(real_arn, OWN_IDENTITY)).allowed == \
            evaluate(compiled, probe.request("arn:aws:s3:::files", OWN_IDENTITY)).allowed, probe


def test_no_managed_policies_for_the_tutorial(mocks):
    def program():
        auth = Auth("a", AuthArgs(groups=(), guest_access=False))
        Storage("s", StorageArgs(definition=parse_definition({"storage": {"name": "b", "access": {
            "p/{entity_id}/*": [{"allow": "entity", "entity": "identity", "to": ["read", "write"]}]}}}), auth=auth))

    run(program)
    assert len(mocks.by_type(ROLE_POLICY)) == 1
    assert not mocks.by_type(POLICY) and not mocks.by_type(ATTACHMENT)


def test_two_storage_components_on_one_auth_share_each_roles_budget(mocks):
    """Each Storage alone fits the authenticated role; together they would overflow it. The second one stops
    the program before creating any of its own resources, naming the role and both components' shares."""
    half = {f"part{i:03d}/*": [{"allow": "authenticated", "to": ["read", "write", "delete"]}] for i in range(180)}
    first = parse_definition({"storage": {"name": "first", "access": half}})
    second = parse_definition({"storage": {"name": "second", "access": half}})
    from ampliform.errors import DefinitionError
    from ampliform.iam.budget import Limits

    limits = Limits(managed_quota=3)
    seen: dict = {}

    def program():
        auth = Auth("a", AuthArgs(policy_limits=limits))
        Storage("one", StorageArgs(definition=first, auth=auth, max_managed_policies=3))
        try:
            Storage("two", StorageArgs(definition=second, auth=auth, max_managed_policies=3))
        except DefinitionError as error:
            seen["error"] = error
        seen["budget"] = auth.policies.ledger.budgets["authenticated"]

    run(program)
    message = str(seen["error"])
    assert "role authenticated does not fit IAM's limits" in message
    assert "storage first " in message and "storage second " in message  # each contributor's share
    names = {r.name for r in mocks.resources}
    assert not any(n.startswith("two-") for n in names), "the overflowing Storage created resources"
    assert seen["budget"].shares() == {"storage first": seen["budget"].shares()["storage first"]}
    alone = plan_alone(second, limits)
    assert alone.managed_sizes and len(alone.managed_sizes) <= 3  # the second map alone would have fitted


def plan_alone(definition, limits):
    from ampliform.plan.backend import plan_backend

    return plan_backend(definition, limits=limits).budgets["authenticated"]
