"""Storage under mocks: bucket side resources, TLS deny, CORS, protection, policies on the right roles."""

from __future__ import annotations

import json

import pytest
from conftest import run

from ampliform.definition.load import parse_definition
from ampliform.errors import DefinitionError
from ampliform.plan.backend import compile_definition, guest_access_needed
from ampliform.resources.auth import Auth, AuthArgs
from ampliform.resources.storage import CORS_EXPOSE_HEADERS, Storage, StorageArgs

BUCKET = "aws:s3/bucket:Bucket"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"

TUTORIAL = {"storage": {"name": "myBucket", "access": {"post-pictures/{entity_id}/*": [
    {"allow": "authenticated", "to": ["read"]},
    {"allow": "entity", "entity": "identity", "to": ["write", "delete"]}]}}}

EVERYONE = {
    "auth": {"groups": ["admin", "editor"]},
    "storage": [
        {"name": "media", "is_default": True, "access": {
            "public/*": [{"allow": "guest", "to": ["read"]},
                         {"allow": "groups", "groups": ["admin"], "to": ["read", "write", "delete"]}],
            "protected/{entity_id}/*": [{"allow": "authenticated", "to": ["read"]},
                                        {"allow": "entity", "entity": "identity", "to": ["read", "write"]},
                                        {"allow": "resource", "resource": "thumbnailer", "to": ["read"]}]}},
        {"name": "archive", "access": {
            "reports/*": [{"allow": "groups", "groups": ["editor"], "to": ["get"]}]}},
    ],
}


def build(mocks, data, *, functions=None, guest=None, **kwargs):
    definition = parse_definition(data)
    holder = {}

    def program():
        needs_guest = guest_access_needed(definition) if guest is None else guest
        auth = Auth("a", AuthArgs(groups=definition.auth.groups, guest_access=needs_guest))
        args = StorageArgs(definition=definition, auth=auth, functions=functions or {}, **kwargs)
        holder["storage"] = Storage("s", args)

    run(program)
    assert mocks.resources, "no resources registered: mocks not installed?"
    return holder["storage"]


def inputs(mocks, name):
    return mocks.by_name()[name].inputs


def test_bucket_side_resources_dev(mocks):
    build(mocks, TUTORIAL, cors_origins=["http://localhost:3000"])
    (bucket,) = mocks.by_type(BUCKET)
    assert bucket.name == "s-mybucket" and bucket.inputs["forceDestroy"] is True
    physical = "s-mybucket-abc123"
    assert inputs(mocks, "s-mybucket-public-access-block") == {
        "bucket": physical, "blockPublicAcls": True, "blockPublicPolicy": True,
        "ignorePublicAcls": True, "restrictPublicBuckets": True}
    assert inputs(mocks, "s-mybucket-ownership")["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    (sse,) = inputs(mocks, "s-mybucket-encryption")["rules"]
    assert sse == {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}, "bucketKeyEnabled": True}
    (rule,) = inputs(mocks, "s-mybucket-lifecycle")["rules"]
    assert rule["status"] == "Enabled" and rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] > 0
    assert "s-mybucket-versioning" not in mocks.by_name()
    options = mocks.monitor.options[(BUCKET, "s-mybucket")]
    assert options["protect"] is False and options["retainOnDelete"] is False
    assert options["parent"].endswith("ampliform:index:Storage::s")


def test_tls_deny_is_the_only_bucket_policy(mocks):
    build(mocks, TUTORIAL)
    (policy,) = mocks.by_type("aws:s3/bucketPolicy:BucketPolicy")
    arn = "arn:aws:s3:::s-mybucket-abc123"
    (statement,) = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Effect"] == "Deny" and statement["Principal"] == "*" and statement["Action"] == "s3:*"
    assert statement["Resource"] == [arn, f"{arn}/*"]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert any("public-access-block" in d for d in mocks.monitor.options[
        ("aws:s3/bucketPolicy:BucketPolicy", "s-mybucket-policy")]["dependencies"])


def test_cors_from_settings(mocks):
    build(mocks, TUTORIAL, cors_origins=["https://app.example.com", "https://admin.example.com"])
    (rule,) = inputs(mocks, "s-mybucket-cors")["corsRules"]
    assert rule["allowedOrigins"] == ["https://app.example.com", "https://admin.example.com"]
    assert rule["allowedMethods"] == ["GET", "HEAD", "PUT", "POST", "DELETE"]
    assert rule["exposeHeaders"] == list(CORS_EXPOSE_HEADERS) and "ETag" in rule["exposeHeaders"]
    assert {"x-amz-request-id", "x-amz-id-2", "x-amz-server-side-encryption"} <= set(rule["exposeHeaders"])


def test_no_origins_means_no_cors_configuration(mocks):
    build(mocks, TUTORIAL)
    assert not mocks.by_type("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")


def test_prod_bucket_is_versioned_protected_and_retained(mocks):
    build(mocks, TUTORIAL, versioning=True, protect=True, cors_origins=["https://app.example.com"])
    bucket = inputs(mocks, "s-mybucket")
    assert not bucket.get("forceDestroy")
    options = mocks.monitor.options[(BUCKET, "s-mybucket")]
    assert options["protect"] is True and options["retainOnDelete"] is True
    assert inputs(mocks, "s-mybucket-versioning")["versioningConfiguration"] == {"status": "Enabled"}
    rules = {r["id"]: r for r in inputs(mocks, "s-mybucket-lifecycle")["rules"]}
    assert set(rules) == {"abort-incomplete-multipart-uploads", "expire-noncurrent-versions"}
    assert rules["expire-noncurrent-versions"]["noncurrentVersionExpiration"]["noncurrentDays"] > 0


def test_each_compiled_policy_is_attached_to_the_right_role(mocks):
    build(mocks, EVERYONE, functions={"thumbnailer": "thumbnailer-role"})
    arns = {"media": "arn:aws:s3:::s-media-abc123", "archive": "arn:aws:s3:::s-archive-abc123"}
    expected = compile_definition(parse_definition(EVERYONE), bucket_arns=arns)
    role_of = {"authenticated": "a-authenticated-role", "guest": "a-guest-role",
               "group:admin": "a-group-admin-role", "group:editor": "a-group-editor-role",
               "function:thumbnailer": "thumbnailer-role"}
    attached = {}
    for rp in mocks.by_type(ROLE_POLICY):
        attached.setdefault(rp.inputs["role"], []).append(json.loads(rp.inputs["policy"]))
    wanted = {}
    for compiled in expected.values():
        for key, documents in compiled.roles.items():
            wanted.setdefault(role_of[key], []).extend(documents)
    assert {"a-guest-role", "thumbnailer-role", "a-group-admin-role", "a-group-editor-role"} <= set(wanted)
    assert set(attached) == set(wanted)
    for role, documents in wanted.items():
        key = lambda d: json.dumps(d, sort_keys=True)  # noqa: E731
        assert sorted(map(key, attached[role])) == sorted(map(key, documents)), role
    assert sum(map(len, wanted.values())) == len(mocks.by_type(ROLE_POLICY))


def test_roles_never_carry_inline_policies(mocks):
    build(mocks, EVERYONE, functions={"thumbnailer": "thumbnailer-role"})
    roles = mocks.by_type("aws:iam/role:Role")
    assert len(roles) == 4
    assert all("inlinePolicies" not in r.inputs for r in roles)


def test_several_buckets_each_fully_secured(mocks):
    storage = build(mocks, EVERYONE, functions={"thumbnailer": "thumbnailer-role"}, cors_origins=["https://x.io"])
    assert sorted(b.name for b in mocks.by_type(BUCKET)) == ["s-archive", "s-media"]
    assert storage.default_bucket == "media"
    for slug in ("media", "archive"):
        names = mocks.by_name()
        for part in ("public-access-block", "ownership", "encryption", "lifecycle", "cors", "policy"):
            assert f"s-{slug}-{part}" in names
    assert set(storage.paths) == {"media", "archive"}
    assert "public/*" in storage.paths["media"]


def test_function_role_given_as_arn_is_reduced_to_its_name(mocks):
    build(mocks, EVERYONE, functions={"thumbnailer": "arn:aws:iam::123456789012:role/service/thumbs"})
    roles = {rp.inputs["role"] for rp in mocks.by_type(ROLE_POLICY)}
    assert "thumbs" in roles and not any(r.startswith("arn:") for r in roles)


def test_function_not_passed_in_is_a_definition_error(mocks):
    with pytest.raises(DefinitionError) as info:
        build(mocks, EVERYONE)
    (problem,) = info.value.problems
    assert "thumbnailer" in problem.message and "functions=" in problem.fix
    assert problem.location == 'storage[0].access["protected/{entity_id}/*"][2]'


def test_guest_rule_without_guest_role_is_a_definition_error(mocks):
    with pytest.raises(DefinitionError) as info:
        build(mocks, EVERYONE, functions={"thumbnailer": "r"}, guest=False)
    assert any("guest" in p.message and p.location.startswith("storage[0]") for p in info.value.problems)


def test_storage_without_auth_is_a_definition_error(mocks):
    with pytest.raises(DefinitionError) as info:
        run(lambda: Storage("s", StorageArgs(definition=TUTORIAL)))
    assert "Auth" in info.value.problems[0].message


def test_invalid_definition_is_rejected_before_any_bucket(mocks):
    bad = {"storage": {"name": "b", "access": {"no-star": [{"allow": "authenticated", "to": ["read"]}]}}}
    with pytest.raises(DefinitionError):
        run(lambda: Storage("s", StorageArgs(definition=bad, auth=Auth("a"))))
    assert not mocks.by_type(BUCKET)


def test_guest_access_needed():
    assert guest_access_needed(EVERYONE) is True
    assert guest_access_needed(TUTORIAL) is False
