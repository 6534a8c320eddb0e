"""parliament on every IAM document the components register: role policies (inline and managed), bucket
policies, trust policies and the Data roles' policies, for both stacks and for a definition using every kind
of principal (groups, guests, functions) and a map large enough to spill into managed policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run, run_program, stack_mocks
from iam_lint import lint

from ampliform.definition.load import parse_definition
from ampliform.definition.settings import read_stack_file
from ampliform.plan.backend import guest_access_needed
from ampliform.resources.auth import Auth, AuthArgs
from ampliform.resources.storage import Storage, StorageArgs

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT_INPUTS = {
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:iam/role:Role": "assumeRolePolicy",
}
EVERY_PRINCIPAL = {
    "auth": {"groups": ["admin", "editor"]},
    "storage": [
        {"name": "media", "is_default": True, "access": {
            "public/*": [{"allow": "guest", "to": ["read"]},
                         {"allow": "groups", "groups": ["admin"], "to": ["read", "write", "delete"]}],
            "public/drafts/*": [{"allow": "groups", "groups": ["editor"], "to": ["read", "write"]}],
            "protected/{entity_id}/*": [{"allow": "authenticated", "to": ["read"]},
                                        {"allow": "entity", "entity": "identity", "to": ["read", "write"]},
                                        {"allow": "resource", "resource": "thumbnailer", "to": ["read"]}]}},
        {"name": "bulk", "access": {f"area{i:03d}/*": [{"allow": "authenticated", "to": ["read", "write"]}]
                                    for i in range(250)}},
    ],
}


def documents(mocks) -> list[tuple[str, dict]]:
    found = []
    for resource in mocks.resources:
        key = DOCUMENT_INPUTS.get(resource.typ)
        if key and key in resource.inputs:
            found.append((f"{resource.typ} {resource.name}", json.loads(resource.inputs[key])))
    return found


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_document_of_the_stack_program_is_clean(stack):
    mocks = stack_mocks(stack)
    config, _ = read_stack_file(ROOT, stack)
    run_program(ROOT / "__main__.py", config)
    found = documents(mocks)
    kinds = {name.split()[0] for name, _ in found}
    assert {"aws:iam/rolePolicy:RolePolicy", "aws:s3/bucketPolicy:BucketPolicy", "aws:iam/role:Role"} <= kinds
    for name, document in found:
        assert lint(document) == [], name


def test_every_document_with_every_kind_of_principal_is_clean(mocks):
    definition = parse_definition(EVERY_PRINCIPAL)

    def program():
        import pulumi_aws as aws

        auth = Auth("a", AuthArgs(groups=definition.auth.groups, guest_access=guest_access_needed(definition)))
        thumbnailer = aws.iam.Role("thumbnailer", assume_role_policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "lambda.amazonaws.com"}}]}))
        Storage("s", StorageArgs(definition=definition, auth=auth, functions={"thumbnailer": thumbnailer}))

    run(program)
    found = documents(mocks)
    assert any(name.startswith("aws:iam/policy:Policy") for name, _ in found), "expected managed policies"
    assert len(found) > 15
    for name, document in found:
        assert lint(document) == [], name
