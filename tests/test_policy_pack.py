"""Tests for the ampliform-security CrossGuard policy pack (``policy/``), fully offline.

Contract:
- The pack is loaded the way the Pulumi CLI loads it: ``policy/__main__.py`` runs with ``policy/`` on
  ``sys.path``, but with ``pulumi_policy.PolicyPack`` replaced by a recorder (the real one starts a gRPC
  server and blocks). Every fixture then runs through exactly the policies the CLI would enforce, so a rule
  deleted from ``policies.py`` or left out of ``__main__.py`` fails these tests.
- Policies are driven as pulumi-policy's analyzer drives them: props wrapped in its unknown-checking proxy,
  ``policy.validate(args, report_violation)`` for every resource policy and resource, and ``PolicyResource``
  records with ``bucket`` property dependencies for the stack policy.
- ``policy_fixtures/good_stack.json`` is a compliant stack shaped like the offline preview. Each bad fixture
  is one mutation of it and must produce exactly its violations (policy, resource, message fragment); each
  good variant (JSON string or dict documents, scalar or list Action / Resource, unknown values, deployed
  names) must produce none.
- The offline preview of both stacks (``ampliform.program.runner.run_preview``) passes every rule.
- ``PulumiPolicy.yaml``, ``policy/requirements.txt`` and ``.github/workflows/preview.yml`` parse and say what
  the CLI and CI need.
"""

from __future__ import annotations

import ast
import copy
import json
import runpy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi_policy
import pytest
import yaml
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy

ROOT = Path(__file__).resolve().parents[1]
POLICY_DIR = ROOT / "policy"
FIXTURES = Path(__file__).resolve().parent / "policy_fixtures"
if str(POLICY_DIR) not in sys.path:
    sys.path.insert(0, str(POLICY_DIR))  # as the CLI runs the pack: policies.py imports its sibling module

import iam_documents  # noqa: E402
import policies  # noqa: E402

TRUST = "cognito-trust-requires-aud-and-amr"
PAB = "s3-public-access-block-all-true"
SSE = "s3-encryption-sets-algorithm"
WILD = "iam-no-s3-wildcard-or-star-resource"
LIST = "iam-list-bucket-requires-prefix"
INLINE = "iam-role-no-inline-policies"
BASE = "s3-bucket-secure-baseline"
IMPLICIT = "cognito-no-implicit-oauth-flow"
SMS_TRUST = "cognito-sms-role-requires-external-id"
MFA = "cognito-prod-mfa-unless-stated"
HTTPS = "cognito-prod-https-redirect-urls"
EXPECTED_POLICIES = [TRUST, PAB, SSE, WILD, LIST, INLINE, IMPLICIT, SMS_TRUST, MFA, BASE, HTTPS]

OPTS = PolicyResourceOptions(protect=False, ignore_changes=[], delete_before_replace=None, aliases=[],
                             custom_timeouts=PolicyCustomTimeouts(0, 0, 0), additional_secret_outputs=[])

Resource = dict[str, Any]
Violation = tuple[str, str, str]  # (policy name, resource name, message)


# --- loading the pack and running it -------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack() -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The (args, kwargs) ``policy/__main__.py`` passes to PolicyPack, recorded instead of serving."""
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    class RecordingPolicyPack:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            calls.append((args, kwargs))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pulumi_policy, "PolicyPack", RecordingPolicyPack)
        runpy.run_path(str(POLICY_DIR), run_name="__main__")
    assert len(calls) == 1, "policy/__main__.py must construct exactly one PolicyPack"
    return calls[0]


@pytest.fixture(scope="module")
def pack_policies(pack: tuple[tuple[Any, ...], dict[str, Any]]) -> list[pulumi_policy.Policy]:
    return list(pack[1]["policies"])


def urn(res: Resource) -> str:
    return f"urn:pulumi:dev::ampliform::{res['type']}::{res['name']}"


def evaluate(pack_policies: list[pulumi_policy.Policy], resources: list[Resource]) -> list[Violation]:
    """Every violation the pack reports for `resources` ({type, name, props, bucket_refs?})."""
    found: list[Violation] = []
    for pol in pack_policies:
        if isinstance(pol, ResourceValidationPolicy):
            for res in resources:
                args = ResourceValidationArgs(res["type"], unknown_checking_proxy(copy.deepcopy(res["props"])),
                                              urn(res), res["name"], OPTS, None)
                report = _reporter(found, pol.name, lambda _urn, name=res["name"]: name)
                assert pol.validate(args, report) is None
    stack = [PolicyResource(r["type"], unknown_checking_proxy(copy.deepcopy(r["props"])), urn(r), r["name"],
                            OPTS, None, None, [], {}) for r in resources]
    by_name = {r.name: r for r in stack}
    for res, record in zip(resources, stack, strict=True):
        record.property_dependencies = {
            prop: [by_name[n] for n in res.get(refs, []) if n in by_name]
            for prop, refs in (("bucket", "bucket_refs"), ("userPoolId", "user_pool_refs"))}
    names = {r.urn: r.name for r in stack}
    for pol in pack_policies:
        if isinstance(pol, StackValidationPolicy):
            report = _reporter(found, pol.name, lambda u: names.get(u or "", "<stack>"))
            assert pol.validate(StackValidationArgs(stack), report) is None
    return found


def _reporter(found: list[Violation], policy: str, resource_of: Callable[[str | None], str]) -> Any:
    def report_violation(message: str, urn: str | None = None) -> None:
        found.append((policy, resource_of(urn), message))

    return report_violation


def assert_violations(found: list[Violation], expected: list[tuple[str, str, str]]) -> None:
    """`found` is exactly `expected`: one violation per entry, same policy and resource, fragment in the
    message (and every message names its resource)."""
    remaining = list(found)
    for policy, resource, fragment in expected:
        match = next((v for v in remaining if v[:2] == (policy, resource) and fragment in v[2]), None)
        assert match is not None, f"no {policy} violation on {resource} containing {fragment!r}; got {found}"
        assert resource in match[2]
        remaining.remove(match)
    assert remaining == [], f"unexpected violations: {remaining}"


# --- fixtures --------------------------------------------------------------------------------------------

Mutation = Callable[[list[Resource]], None]
SUB = "${cognito-identity.amazonaws.com:sub}"
ARN = "<myBucket-bucket.arn>"


def good_stack() -> list[Resource]:
    return json.loads((FIXTURES / "good_stack.json").read_text())["resources"]


def find(stack: list[Resource], name: str) -> Resource:
    return next(r for r in stack if r["name"] == name)


def edit_doc(name: str, fn: Callable[[dict[str, Any]], Any], prop: str = "policy") -> Mutation:
    """A mutation applying `fn` to the document in `name`'s `prop`, kept in its form (JSON string or dict)."""

    def mutate(stack: list[Resource]) -> None:
        props = find(stack, name)["props"]
        doc = json.loads(props[prop]) if isinstance(props[prop], str) else props[prop]
        fn(doc)
        props[prop] = json.dumps(doc) if isinstance(props[prop], str) else doc

    return mutate


def edit_stmt(name: str, index: int, fn: Callable[[dict[str, Any]], Any], prop: str = "policy") -> Mutation:
    return edit_doc(name, lambda doc: fn(doc["Statement"][index]), prop)


def trust(name: str, fn: Callable[[dict[str, Any]], Any]) -> Mutation:
    return edit_stmt(name, 0, fn, prop="assumeRolePolicy")


def set_props(name: str, **values: Any) -> Mutation:
    return lambda stack: find(stack, name)["props"].update(values)


def remove(name: str) -> Mutation:
    return lambda stack: stack.remove(find(stack, name))


def add(*resources: Resource) -> Mutation:
    return lambda stack: stack.extend(copy.deepcopy(list(resources)))


def all_of(*mutations: Mutation) -> Mutation:
    def mutate(stack: list[Resource]) -> None:
        for m in mutations:
            m(stack)

    return mutate


def documents(fn: Callable[[Any], Any]) -> Mutation:
    """Apply `fn` to every policy document (policy, assumeRolePolicy) in the stack."""

    def mutate(stack: list[Resource]) -> None:
        for res in stack:
            for prop in ("policy", "assumeRolePolicy"):
                if prop in res["props"]:
                    res["props"][prop] = fn(res["props"][prop])

    return mutate


def each_statement(fn: Callable[[dict[str, Any]], Any]) -> Mutation:
    def on_doc(value: Any) -> Any:
        doc = json.loads(value) if isinstance(value, str) else value
        for st in doc["Statement"]:
            fn(st)
        return json.dumps(doc) if isinstance(value, str) else doc

    return documents(on_doc)


def scalars(st: dict[str, Any]) -> None:
    for key in ("Action", "Resource"):
        if isinstance(st.get(key), list) and len(st[key]) == 1:
            st[key] = st[key][0]


def lists(st: dict[str, Any]) -> None:
    for key in ("Action", "Resource"):
        if isinstance(st.get(key), str):
            st[key] = [st[key]]


def delete(path: str) -> Callable[[dict[str, Any]], None]:
    """Delete a key at a path ("Condition/StringEquals") inside a statement."""
    *parents, last = path.split("/")

    def fn(st: dict[str, Any]) -> None:
        for key in parents:
            st = st[key]
        del st[last]

    return fn


def put(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set a key at a path ("Condition/Bool/aws:SecureTransport") inside a statement."""
    *parents, last = path.split("/")

    def fn(st: dict[str, Any]) -> None:
        for key in parents:
            st = st[key]
        st[last] = value

    return fn


AUD_KEY = "cognito-identity.amazonaws.com:aud"
AMR_KEY = "cognito-identity.amazonaws.com:amr"
NO_AUD = "without a StringEquals condition on cognito-identity.amazonaws.com:aud"
NO_AMR = "without a ForAnyValue:StringLike condition on cognito-identity.amazonaws.com:amr"
NO_PAB = "has no BucketPublicAccessBlock with blockPublicAcls"
NO_SSE = "has no BucketServerSideEncryptionConfiguration"
NO_TLS = "has no bucket policy denying insecure transport"
BUCKET = "myBucket-bucket"
ROLE_POLICY = "myBucket-authenticated"  # JSON-string document: 0 GetObject, 1 Put/Delete, 2 ListBucket
MANAGED = "myBucket-group-admin"  # dict document: 0 AdminObjects, 1 AdminList
BARE_BUCKET = {"type": "aws:s3/bucket:Bucket", "name": "logs-bucket", "props": {}}
STAR_INLINE = json.dumps({"Version": "2012-10-17",
                          "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})

BAD: list[tuple[str, Mutation, list[tuple[str, str, str]]]] = [
    # rule 1: Cognito trust conditions
    ("trust-without-aud", trust("auth-authenticated", delete("Condition/StringEquals")),
     [(TRUST, "auth-authenticated", f"statement #0 lets cognito-identity.amazonaws.com assume the role {NO_AUD}")]),
    ("trust-empty-aud", trust("auth-group-admin", put(f"Condition/StringEquals/{AUD_KEY}", "")),
     [(TRUST, "auth-group-admin", NO_AUD)]),
    ("trust-without-amr", trust("auth-authenticated", delete("Condition/ForAnyValue:StringLike")),
     [(TRUST, "auth-authenticated", NO_AMR)]),
    ("trust-empty-amr-list", trust("auth-authenticated", put(f"Condition/ForAnyValue:StringLike/{AMR_KEY}", [])),
     [(TRUST, "auth-authenticated", NO_AMR)]),
    ("trust-amr-under-plain-StringLike", trust("auth-authenticated", lambda st: st["Condition"].update(
        {"StringLike": st["Condition"].pop("ForAnyValue:StringLike")})),
     [(TRUST, "auth-authenticated", NO_AMR)]),
    ("trust-no-condition-dict-document", all_of(
        documents(lambda v: json.loads(v) if isinstance(v, str) else v),
        trust("auth-group-admin", delete("Condition"))),
     [(TRUST, "auth-group-admin", NO_AUD), (TRUST, "auth-group-admin", NO_AMR)]),
    ("trust-second-statement-list-principal", edit_doc("auth-authenticated", lambda doc: doc["Statement"].append(
        {"Sid": "Extra", "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
         "Principal": {"Federated": ["accounts.google.com", "cognito-identity.amazonaws.com"]}}),
        prop="assumeRolePolicy"),
     [(TRUST, "auth-authenticated", f'statement #1 (Sid "Extra") lets cognito-identity.amazonaws.com assume'
       f" the role {NO_AUD}"), (TRUST, "auth-authenticated", NO_AMR)]),
    # rule 2: buckets
    ("pab-flag-false", set_props("myBucket-public-access", blockPublicPolicy=False),
     [(PAB, "myBucket-public-access", "leaves blockPublicPolicy not true"), (BASE, BUCKET, NO_PAB)]),
    ("pab-flags-missing", lambda s: [find(s, "myBucket-public-access")["props"].pop(f)
                                     for f in ("ignorePublicAcls", "restrictPublicBuckets")],
     [(PAB, "myBucket-public-access", "leaves ignorePublicAcls, restrictPublicBuckets not true"),
      (BASE, BUCKET, NO_PAB)]),
    ("pab-missing", remove("myBucket-public-access"), [(BASE, BUCKET, NO_PAB)]),
    ("pab-on-another-bucket", set_props("myBucket-public-access", bucket="<other-bucket.id>"),
     [(BASE, BUCKET, NO_PAB)]),
    ("sse-missing", remove("myBucket-sse"), [(BASE, BUCKET, NO_SSE)]),
    ("sse-rule-without-algorithm", set_props("myBucket-sse", rules=[{"applyServerSideEncryptionByDefault": {}}]),
     [(SSE, "myBucket-sse", "rule 0 sets no sseAlgorithm")]),
    ("sse-without-rules", set_props("myBucket-sse", rules=[]), [(SSE, "myBucket-sse", "has no rules")]),
    ("bucket-policy-missing", remove("myBucket-policy"), [(BASE, BUCKET, NO_TLS)]),
    ("tls-statement-allows", edit_stmt("myBucket-policy", 0, put("Effect", "Allow")), [(BASE, BUCKET, NO_TLS)]),
    ("tls-objects-only", edit_stmt("myBucket-policy", 0, put("Resource", [f"{ARN}/*"])), [(BASE, BUCKET, NO_TLS)]),
    ("tls-bucket-only", edit_stmt("myBucket-policy", 0, put("Resource", ARN)), [(BASE, BUCKET, NO_TLS)]),
    ("tls-prefix-only", edit_stmt("myBucket-policy", 0, put("Resource", [ARN, f"{ARN}/public/*"])),
     [(BASE, BUCKET, NO_TLS)]),
    ("tls-condition-true", edit_stmt("myBucket-policy", 0, put("Condition/Bool/aws:SecureTransport", "true")),
     [(BASE, BUCKET, NO_TLS)]),
    ("tls-one-action", edit_stmt("myBucket-policy", 0, put("Action", "s3:GetObject")), [(BASE, BUCKET, NO_TLS)]),
    ("tls-one-principal", edit_stmt("myBucket-policy", 0, put("Principal", {"AWS": "arn:aws:iam::1:root"})),
     [(BASE, BUCKET, NO_TLS)]),
    ("second-bucket-without-side-resources", add(BARE_BUCKET),
     [(BASE, "logs-bucket", NO_PAB), (BASE, "logs-bucket", NO_SSE), (BASE, "logs-bucket", NO_TLS)]),
    ("bucket-v2-without-side-resources", add({**BARE_BUCKET, "type": "aws:s3/bucketV2:BucketV2"}),
     [(BASE, "logs-bucket", NO_PAB), (BASE, "logs-bucket", NO_SSE), (BASE, "logs-bucket", NO_TLS)]),
    # rule 3: identity policies
    ("action-s3-star-scalar", edit_stmt(ROLE_POLICY, 0, put("Action", "s3:*")),
     [(WILD, ROLE_POLICY, 'policy statement #0 allows "s3:*", which grants every S3 action'),
      (LIST, ROLE_POLICY, "statement #0 allows s3:ListBucket without an s3:prefix condition")]),
    ("action-star-in-list-dict-document", edit_stmt(MANAGED, 1, lambda st: st["Action"].append("*")),
     [(WILD, MANAGED, 'statement #1 (Sid "AdminList") allows "*", which grants every action of every service')]),
    ("action-uppercase-S3-star", edit_stmt(ROLE_POLICY, 1, put("Action", ["S3:*"])),
     [(WILD, ROLE_POLICY, '"S3:*", which grants every S3 action'), (LIST, ROLE_POLICY, "statement #1")]),
    ("action-s3-glob-without-colon", edit_stmt(ROLE_POLICY, 1, put("Action", "s3*")),
     [(WILD, ROLE_POLICY, '"s3*", which grants every S3 action'), (LIST, ROLE_POLICY, "statement #1")]),
    ("action-star-colon-star", edit_stmt(MANAGED, 1, put("Action", "*:*")),
     [(WILD, MANAGED, '"*:*", which grants every action of every service')]),
    ("resource-star-scalar", edit_stmt(ROLE_POLICY, 0, put("Resource", "*")),
     [(WILD, ROLE_POLICY, 'statement #0 allows on Resource "*"')]),
    ("resource-star-in-list-dict-document", edit_stmt(MANAGED, 0, lambda st: st["Resource"].append("*")),
     [(WILD, MANAGED, 'statement #0 (Sid "AdminObjects") allows on Resource "*"')]),
    ("not-action-allow", edit_stmt(ROLE_POLICY, 1, lambda st: st.update(NotAction=st.pop("Action"))),
     [(WILD, ROLE_POLICY, "statement #1 allows with NotAction")]),
    ("not-resource-allow", edit_stmt(MANAGED, 0, lambda st: st.update(NotResource=st.pop("Resource"))),
     [(WILD, MANAGED, 'statement #0 (Sid "AdminObjects") allows with NotResource')]),
    ("unknown-effect-checked-as-allow", all_of(
        documents(lambda v: json.loads(v) if isinstance(v, str) else v),
        edit_stmt(ROLE_POLICY, 0, lambda st: st.update(Effect=UNKNOWN_STRING_VALUE, Resource="*"))),
     [(WILD, ROLE_POLICY, 'statement #0 allows on Resource "*"')]),
    ("invalid-json-document", set_props(ROLE_POLICY, policy="{not json"),
     [(WILD, ROLE_POLICY, "policy is not valid JSON")]),
    ("list-bucket-without-condition", edit_stmt(ROLE_POLICY, 2, delete("Condition")),
     [(LIST, ROLE_POLICY, "policy statement #2 allows s3:ListBucket without an s3:prefix condition")]),
    ("list-bucket-prefix-if-exists", edit_stmt(ROLE_POLICY, 2, lambda st: st.update(
        Condition={"StringLikeIfExists": st["Condition"]["StringLike"]})), [(LIST, ROLE_POLICY, "statement #2")]),
    ("list-bucket-prefix-for-all-values", edit_stmt(ROLE_POLICY, 2, lambda st: st.update(
        Condition={"ForAllValues:StringLike": st["Condition"]["StringLike"]})), [(LIST, ROLE_POLICY, "#2")]),
    ("list-bucket-prefix-star", edit_stmt(MANAGED, 1, put("Condition/StringLike/s3:prefix", ["*"])),
     [(LIST, MANAGED, 'statement #1 (Sid "AdminList") allows s3:ListBucket without')]),
    ("list-bucket-prefix-empty", edit_stmt(MANAGED, 1, put("Condition/StringLike/s3:prefix", "")),
     [(LIST, MANAGED, "AdminList")]),
    ("list-glob-action-without-condition", edit_stmt(MANAGED, 0, lambda st: st["Action"].append("s3:List*")),
     [(LIST, MANAGED, 'statement #0 (Sid "AdminObjects") allows s3:ListBucket without')]),
    ("role-inline-policy", set_props("auth-authenticated", inlinePolicies=[{"name": "extra", "policy": STAR_INLINE}]),
     [(INLINE, "auth-authenticated", 'sets inlinePolicies ("extra")'),
      (WILD, "auth-authenticated", 'inline policy "extra" statement #0 allows on Resource "*"')]),
    # sign-in
    ("sms-publish-without-the-topic-deny", edit_doc("auth-sms-role-policy", lambda doc: doc["Statement"].pop(1)),
     [(WILD, "auth-sms-role-policy", 'statement #0 (Sid "SendSms") allows on Resource "*"')]),
    ("star-beside-sms-publish", edit_stmt("auth-sms-role-policy", 0, put("Action", ["sns:Publish", "sns:Subscribe"])),
     [(WILD, "auth-sms-role-policy", 'allows on Resource "*"')]),
    ("implicit-oauth-flow", set_props("auth-client", allowedOauthFlows=["code", "implicit"]),
     [(IMPLICIT, "auth-client", "allows the implicit OAuth flow")]),
    ("sms-role-without-external-id", trust("auth-sms-role", delete("Condition/StringEquals/sts:ExternalId")),
     [(SMS_TRUST, "auth-sms-role", "without a StringEquals condition on sts:ExternalId")]),
    ("prod-mfa-off", set_props("auth-user-pool", mfaConfiguration="OFF"),
     [(MFA, "auth-user-pool", "a prod user pool with MFA off")]),
    ("prod-mfa-unset", lambda s: find(s, "auth-user-pool")["props"].pop("mfaConfiguration"),
     [(MFA, "auth-user-pool", "MFA off")]),
    ("prod-mfa-off-empty-reason", set_props("auth-user-pool", mfaConfiguration="OFF", tags={
        "ampliform:env": "prod", "ampliform:mfa-off-reason": " "}), [(MFA, "auth-user-pool", "MFA off")]),
    ("prod-http-callback", set_props("auth-client", callbackUrls=["http://app.example.com/"]),
     [(HTTPS, "auth-client", "callbackUrls has 'http://app.example.com/', which is not https")]),
    ("prod-app-scheme-logout", set_props("auth-client", logoutUrls=["myapp://signout"]),
     [(HTTPS, "auth-client", "logoutUrls has 'myapp://signout'")]),
    ("prod-localhost-lookalike", set_props("auth-client", callbackUrls=["http://localhost.evil.example/"]),
     [(HTTPS, "auth-client", "not https")]),
    ("prod-client-by-dependency", all_of(
        set_props("auth-client", userPoolId=UNKNOWN_STRING_VALUE, callbackUrls=["http://app.example.com/"]),
        lambda s: find(s, "auth-client").update(user_pool_refs=["auth-user-pool"])),
     [(HTTPS, "auth-client", "not https")]),
]

GOOD: list[tuple[str, Mutation]] = [
    ("as-is", lambda stack: None),
    ("documents-as-dicts", documents(lambda v: json.loads(v) if isinstance(v, str) else v)),
    ("documents-as-json-strings", documents(lambda v: v if isinstance(v, str) else json.dumps(v))),
    ("scalar-action-and-resource", each_statement(scalars)),
    ("list-action-and-resource", each_statement(lists)),
    ("narrow-wildcard-actions", edit_stmt(ROLE_POLICY, 0, put("Action", ["s3:Get*", "s3:*Object", "s3:?etObject"]))),
    ("denies-may-use-wildcards", edit_doc(ROLE_POLICY, lambda doc: doc["Statement"].extend([
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "NotPrincipal": {"AWS": "x"}},
        {"Effect": "Deny", "Action": "s3:ListBucket", "Resource": ARN}]))),
    ("list-prefix-under-other-restricting-operators", all_of(
        edit_stmt(ROLE_POLICY, 2, lambda st: st.update(Condition={"ForAnyValue:StringLike": {"S3:Prefix": "a/*"}})),
        edit_stmt(MANAGED, 1, lambda st: st.update(Condition={"StringEquals": {"s3:prefix": ["admin/"]},
                                                               "StringNotLike": {"s3:prefix": "admin/x/*"}})))),
    ("guest-role-and-list-aud", add({"type": "aws:iam/role:Role", "name": "auth-guest", "props": {
        "assumeRolePolicy": {"Statement": [{
            "Effect": "Allow", "Principal": {"Federated": ["cognito-identity.amazonaws.com"]},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {AUD_KEY: ["<auth-identity-pool.id>"]},
                          "ForAnyValue:StringLike": {AMR_KEY: "unauthenticated"}}}]}}})),
    ("other-trust-needs-no-cognito-conditions", add({"type": "aws:iam/role:Role", "name": "data-appsync", "props": {
        "assumeRolePolicy": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "appsync.amazonaws.com"},
                                            "Action": "sts:AssumeRole"}]}}})),
    ("inline-policies-provider-placeholder",
     set_props("auth-authenticated", inlinePolicies=[{"name": "", "policy": ""}])),
    ("kms-encryption-and-tls-variants", all_of(
        set_props("myBucket-sse", rules=[{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]),
        edit_stmt("myBucket-policy", 0, lambda st: st.update(
            Principal={"AWS": "*"}, Action=["*"], Condition={"Bool": {"AWS:SecureTransport": False}})))),
    ("bucket-v2-with-v2-encryption", lambda stack: [
        r.update(type=r["type"].replace("bucket:Bucket", "bucketV2:BucketV2").replace(
            "Configuration:BucketServerSideEncryptionConfiguration",
            "ConfigurationV2:BucketServerSideEncryptionConfigurationV2")) for r in stack]),
    ("deployed-names", all_of(
        set_props(BUCKET, bucket="mybucket-abc123", arn="arn:aws:s3:::mybucket-abc123"),
        lambda stack: [r["props"].update(bucket="mybucket-abc123") for r in stack
                       if r["props"].get("bucket") == "<myBucket-bucket.id>"],
        documents(lambda v: v.replace(ARN, "arn:aws:s3:::mybucket-abc123") if isinstance(v, str) else v))),
    ("unknown-until-deployment", all_of(  # a real first preview: documents and bucket ids not known yet
        documents(lambda v: UNKNOWN_STRING_VALUE),
        lambda stack: [r.update(bucket_refs=[BUCKET]) or r["props"].update(bucket=UNKNOWN_STRING_VALUE)
                       for r in stack if r["props"].get("bucket") == "<myBucket-bucket.id>"],
        set_props("myBucket-public-access", blockPublicAcls=UNKNOWN_BOOLEAN_VALUE),
        set_props("myBucket-sse", rules=UNKNOWN_STRING_VALUE),
        set_props("auth-group-admin", inlinePolicies=UNKNOWN_STRING_VALUE))),
    ("unknowns-inside-documents", all_of(
        documents(lambda v: json.loads(v) if isinstance(v, str) else v),
        trust("auth-authenticated", put(f"Condition/StringEquals/{AUD_KEY}", UNKNOWN_STRING_VALUE)),
        edit_stmt(ROLE_POLICY, 0, put("Resource", [UNKNOWN_STRING_VALUE])),
        edit_stmt(ROLE_POLICY, 2, put("Condition/StringLike/s3:prefix", UNKNOWN_STRING_VALUE)),
        edit_stmt("myBucket-policy", 0, put("Resource", [UNKNOWN_STRING_VALUE, UNKNOWN_STRING_VALUE])),
        edit_stmt(MANAGED, 1, put("Condition", UNKNOWN_STRING_VALUE)))),
    ("whole-document-placeholder", set_props(ROLE_POLICY, policy="<myBucket-authenticated-doc.json>")),
    ("dev-pool-may-have-mfa-off-and-http", all_of(
        set_props("auth-user-pool", mfaConfiguration="OFF", tags={"ampliform:env": "dev"}),
        set_props("auth-client", callbackUrls=["http://app.example.com/", "myapp://callback"]))),
    ("prod-mfa-off-with-a-reason", set_props("auth-user-pool", mfaConfiguration="OFF", tags={
        "ampliform:env": "prod", "ampliform:mfa-off-reason": "internal tool, SSO enforces MFA"})),
    ("prod-mfa-on-and-deployed-pool-id", all_of(
        set_props("auth-user-pool", mfaConfiguration="ON", id="eu-west-1_AbCdEf"),
        set_props("auth-client", userPoolId="eu-west-1_AbCdEf", callbackUrls=["https://app.example.com/cb"]))),
    ("sign-in-values-unknown", all_of(
        set_props("auth-user-pool", mfaConfiguration=UNKNOWN_STRING_VALUE, tags=UNKNOWN_STRING_VALUE),
        set_props("auth-client", allowedOauthFlows=UNKNOWN_STRING_VALUE, callbackUrls=UNKNOWN_STRING_VALUE))),
    ("client-of-another-pool", set_props("auth-client", userPoolId="<other-pool.id>",
                                         callbackUrls=["http://app.example.com/"])),
]


# --- tests: wiring ---------------------------------------------------------------------------------------


def test_main_constructs_the_pack_with_every_policy_mandatory(pack: Any) -> None:
    args, kwargs = pack
    assert (list(args) + [kwargs.get("name")])[0] == "ampliform-security"
    assert kwargs["enforcement_level"] is EnforcementLevel.MANDATORY
    assert [p.name for p in kwargs["policies"]] == EXPECTED_POLICIES
    assert kwargs["policies"] is policies.POLICIES
    assert [type(p) for p in kwargs["policies"]] == [ResourceValidationPolicy] * 9 + [StackValidationPolicy] * 2
    assert all(p.enforcement_level is None for p in kwargs["policies"])  # the pack's MANDATORY applies


def test_only_main_constructs_a_policy_pack() -> None:
    for module in ("policies.py", "iam_documents.py"):
        tree = ast.parse((POLICY_DIR / module).read_text())
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        used |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        assert "PolicyPack" not in used, module


def test_every_policy_has_a_bad_fixture() -> None:
    assert {policy for _, _, expected in BAD for policy, _, _ in expected} == set(EXPECTED_POLICIES)


# --- tests: fixtures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("mutation", "expected"), [pytest.param(m, e, id=i) for i, m, e in BAD])
def test_bad_fixture_reports_its_violations(pack_policies: Any, mutation: Mutation, expected: Any) -> None:
    stack = good_stack()
    mutation(stack)
    assert_violations(evaluate(pack_policies, stack), expected)


@pytest.mark.parametrize("mutation", [pytest.param(m, id=i) for i, m in GOOD])
def test_good_fixture_has_no_violations(pack_policies: Any, mutation: Mutation) -> None:
    stack = good_stack()
    mutation(stack)
    assert evaluate(pack_policies, stack) == []


def test_fixture_mutations_change_the_stack() -> None:
    """Guards the good variants: each one (but "as-is") really alters the stack it checks."""
    for name, mutation in GOOD[1:]:
        stack = good_stack()
        mutation(stack)
        assert stack != good_stack(), name


def test_messages_name_the_resource_and_the_fix(pack_policies: Any) -> None:
    cases = [
        (trust("auth-authenticated", delete("Condition")), [
            "auth-authenticated: trust policy statement #0 lets cognito-identity.amazonaws.com assume the role"
            " without a StringEquals condition on cognito-identity.amazonaws.com:aud; add"
            ' Condition.StringEquals["cognito-identity.amazonaws.com:aud"] = <identity pool id> so only your'
            " identity pool's identities can assume it.",
            "auth-authenticated: trust policy statement #0 lets cognito-identity.amazonaws.com assume the role"
            " without a ForAnyValue:StringLike condition on cognito-identity.amazonaws.com:amr; add"
            ' Condition["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"] = "authenticated"'
            ' (or "unauthenticated" for the guest role).']),
        (set_props("myBucket-public-access", ignorePublicAcls=False), [
            "myBucket-public-access: public access block leaves ignorePublicAcls not true; set blockPublicAcls,"
            " blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all to true.",
            "bucket myBucket-bucket has no BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy,"
            " ignorePublicAcls and restrictPublicBuckets all true; add an"
            " aws.s3.BucketPublicAccessBlock(bucket=myBucket-bucket.id) setting all four to true."]),
        (all_of(remove("myBucket-sse"), remove("myBucket-policy")), [
            "bucket myBucket-bucket has no BucketServerSideEncryptionConfiguration; add an"
            " aws.s3.BucketServerSideEncryptionConfiguration(bucket=myBucket-bucket.id) whose rule sets"
            ' sseAlgorithm "AES256" or "aws:kms".',
            "bucket myBucket-bucket has no bucket policy denying insecure transport; add an"
            ' aws.s3.BucketPolicy(bucket=myBucket-bucket.id) with a statement Effect "Deny", Principal "*",'
            ' Action "s3:*", Resource [<bucket ARN>, <bucket ARN>/*], Condition {"Bool":'
            ' {"aws:SecureTransport": "false"}}.']),
        (set_props("myBucket-sse", rules=[{"bucketKeyEnabled": True}]), [
            "myBucket-sse: server-side encryption rule 0 sets no sseAlgorithm; set"
            ' rules[0].applyServerSideEncryptionByDefault.sseAlgorithm to "AES256" or "aws:kms".']),
        (edit_stmt(ROLE_POLICY, 0, lambda st: st.update(Action="s3:*", Resource="*")), [
            'myBucket-authenticated: policy statement #0 allows "s3:*", which grants every S3 action; list only'
            " the actions the role needs (e.g. s3:GetObject, s3:PutObject).",
            'myBucket-authenticated: policy statement #0 allows on Resource "*"; scope Resource to the ARNs'
            " the role needs (for S3: the bucket ARN for s3:ListBucket, <bucket ARN>/<path>/* for objects).",
            "myBucket-authenticated: policy statement #0 allows s3:ListBucket without an s3:prefix condition,"
            ' so every key in the bucket can be listed; add Condition.StringLike["s3:prefix"] ='
            ' ["<path>/*", "<path>/"] for the paths it may list.']),
        (set_props("auth-group-admin", inlinePolicies=[{"name": "a", "policy": "{}"}, {"name": "b", "policy": "{}"}]), [
            'auth-group-admin: sets inlinePolicies ("a", "b"); ampliform attaches permissions as separate'
            " resources, so move each one into an aws.iam.RolePolicy(role=auth-group-admin.id)."]),
    ]
    for mutation, messages in cases:
        stack = good_stack()
        mutation(stack)
        assert sorted(m for _, _, m in evaluate(pack_policies, stack)) == sorted(messages)


# --- tests: the pure functions and the unknown handling ---------------------------------------------------


@pytest.mark.parametrize(("pattern", "s3", "everything"), [
    ("*", True, True), ("*:*", True, True), ("s3:*", True, False), ("S3:*", True, False), ("s3*", True, False),
    ("s3:?*", True, False), ("s?:*", True, False), ("s3:Get*", False, False), ("s3:?", False, False),
    ("s3:ListBucket", False, False), ("s3-object-lambda:*", False, False), ("iam:*", False, False),
])
def test_grants_all_of(pattern: str, s3: bool, everything: bool) -> None:
    assert iam_documents.grants_all_of(pattern, "s3") is s3
    assert iam_documents.grants_all_of(pattern, None) is everything


def test_plain_turns_proxies_and_sentinels_into_unknown() -> None:
    proxied = unknown_checking_proxy({"a": UNKNOWN_STRING_VALUE, "b": [1, UNKNOWN_BOOLEAN_VALUE], "c": {"d": "x"}})
    assert iam_documents.plain(proxied) == {"a": iam_documents.UNKNOWN, "b": [1, iam_documents.UNKNOWN],
                                            "c": {"d": "x"}}


@pytest.mark.parametrize("check", [check for check, _ in policies.RESOURCE_CHECKS.values()])
@pytest.mark.parametrize("typ", [policies.ROLE, policies.ROLE_POLICY, policies.MANAGED_POLICY,
                                 policies.PUBLIC_ACCESS_BLOCK, *policies.SSE_TYPES])
def test_checks_survive_unknown_props(check: Any, typ: str) -> None:
    """Every property unknown (pulumi-policy's proxy raises on access): no crash, no violation."""
    keys = ("policy", "assumeRolePolicy", "inlinePolicies", "rules", "bucket", *policies.PAB_FLAGS)
    props = unknown_checking_proxy({k: UNKNOWN_STRING_VALUE for k in keys})
    assert check(typ, props, "r") == []


def test_parse_document_forms() -> None:
    doc = {"Statement": {"Effect": "Allow"}}
    assert iam_documents.parse_document(json.dumps(doc)) == doc
    assert iam_documents.parse_document(doc) == doc
    assert iam_documents.parse_document(None) is None
    assert iam_documents.parse_document(UNKNOWN_STRING_VALUE) is iam_documents.UNKNOWN
    assert iam_documents.parse_document("<x-doc.json>") is iam_documents.UNKNOWN
    assert iam_documents.parse_document("[1]") == "not a JSON object"
    assert [label for label, _ in iam_documents.statements(doc)] == ["#0"]  # a single statement, not a list


# --- tests: the offline preview of both stacks -----------------------------------------------------------


def preview_resources(preview: dict[str, Any]) -> list[Resource]:
    """The preview's resources as fixtures: props are the inputs. No property dependencies: in the preview a
    side resource's ``bucket`` is the placeholder ``<bucket-name.id>``, which must link it by itself."""
    return [{"type": r["type"], "name": r["name"], "props": dict(r["inputs"] or {})} for r in preview["resources"]]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_offline_preview_passes_every_rule(pack_policies: Any, stack: str) -> None:
    from ampliform.program.runner import run_preview  # fails loudly until the offline preview exists

    resources = preview_resources(run_preview(stack, ROOT))
    types = {r["type"] for r in resources}
    assert {"aws:s3/bucket:Bucket", "aws:iam/role:Role"} <= types, sorted(types)
    assert types & {policies.ROLE_POLICY, policies.MANAGED_POLICY}, "no identity policy in the preview"
    assert any("cognito-identity.amazonaws.com" in json.dumps(r["props"].get("assumeRolePolicy"))
               for r in resources if r["type"] == policies.ROLE), "no role trusting Cognito in the preview"
    violations = evaluate(pack_policies, resources)
    assert violations == [], "\n".join(f"[{p}] {m}" for p, _, m in violations)
    # the preview's side resources are what satisfies the bucket rule: without them, every bucket fails it
    buckets = sorted(r["name"] for r in resources if r["type"] == "aws:s3/bucket:Bucket")
    side = {policies.PUBLIC_ACCESS_BLOCK, policies.BUCKET_POLICY, *policies.SSE_TYPES}
    stripped = evaluate(pack_policies, [r for r in resources if r["type"] not in side])
    assert sorted(name for policy, name, _ in stripped if policy == BASE) == sorted(buckets * 3)


# --- tests: inside pulumi-policy's own analyzer ------------------------------------------------------------


def test_pulumi_policy_analyzer_runs_the_pack(pack_policies: Any) -> None:
    """The pack inside pulumi-policy's analyzer servicer (an internal API of the pinned 1.21.0, what the
    CLI talks to over gRPC): protobuf properties, unknown sentinels, property dependencies."""
    from google.protobuf import struct_pb2
    from pulumi.runtime.proto import analyzer_pb2 as pb
    from pulumi_policy.policy import _PolicyAnalyzerServicer

    servicer = _PolicyAnalyzerServicer("ampliform-security", "0.1.0", pack_policies, EnforcementLevel.MANDATORY,
                                       None, None, None, None, None, None, None)

    def struct(props: dict[str, Any]) -> struct_pb2.Struct:
        out = struct_pb2.Struct()
        out.update(props)
        return out

    def analyze(typ: str, props: dict[str, Any]) -> list[Any]:
        request = pb.AnalyzeRequest(type=typ, properties=struct(props), urn=f"urn:x::{typ}::r", name="r")
        return list(servicer.Analyze(request, None).diagnostics)

    wild = json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    diagnostics = analyze(policies.ROLE_POLICY, {"policy": wild, "role": UNKNOWN_STRING_VALUE})
    assert sorted(d.policyName for d in diagnostics) == [LIST, WILD, WILD]  # s3:*, Resource *, no s3:prefix
    assert {d.enforcementLevel for d in diagnostics} == {pb.EnforcementLevel.MANDATORY}
    assert all("r: policy statement #0" in d.message for d in diagnostics)
    assert analyze(policies.ROLE_POLICY, {"policy": UNKNOWN_STRING_VALUE}) == []

    flags = dict.fromkeys(policies.PAB_FLAGS, True)
    bucket_urn = "urn:x::aws:s3/bucket:Bucket::b"

    def analyze_stack(link: bool) -> list[tuple[str, str]]:
        deps = {"bucket": pb.AnalyzerPropertyDependencies(urns=[bucket_urn])} if link else {}
        side = [(policies.PUBLIC_ACCESS_BLOCK, flags), (policies.SSE_TYPES[0], {"rules": UNKNOWN_STRING_VALUE}),
                (policies.BUCKET_POLICY, {"policy": UNKNOWN_STRING_VALUE})]
        resources = [pb.AnalyzerResource(type="aws:s3/bucket:Bucket", properties=struct({}), urn=bucket_urn, name="b")]
        resources += [pb.AnalyzerResource(type=typ, urn=f"urn:x::{typ}::s{i}", name=f"s{i}", propertyDependencies=deps,
                                          properties=struct({**props, "bucket": UNKNOWN_STRING_VALUE}))
                      for i, (typ, props) in enumerate(side)]
        response = servicer.AnalyzeStack(pb.AnalyzeStackRequest(resources=resources), None)
        return [(d.policyName, d.urn) for d in response.diagnostics]

    assert analyze_stack(link=True) == []
    assert analyze_stack(link=False) == [(BASE, bucket_urn)] * 3


# --- tests: the pack's project files and the CI workflow ---------------------------------------------------


def _pins(path: Path) -> dict[str, str]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return {name.lower().replace("-", "_"): version
            for name, _, version in (line.partition("==") for line in lines if "==" in line)}


def test_policy_project_files() -> None:
    project = yaml.safe_load((POLICY_DIR / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert project["runtime"]["options"]["virtualenv"] == "venv"
    assert (POLICY_DIR / "__main__.py").is_file()
    pins, root_pins = _pins(POLICY_DIR / "requirements.txt"), _pins(ROOT / "requirements.txt")
    assert set(pins) == {"pulumi", "pulumi_policy", "protobuf", "grpcio"}
    assert pins == {name: root_pins[name] for name in pins}


def test_workflow_previews_with_the_pack_and_comments_on_the_pr() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "preview.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert "pull_request" in triggers
    assert workflow["permissions"]["pull-requests"] == "write"
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/checkout@") for u in uses)
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert str(python["with"]["python-version"]) == "3.11"
    runs = [s.get("run", "") for s in steps]
    tests_at = next(i for i, r in enumerate(runs) if "make test" in r)
    assert any("policy/requirements.txt" in r and "policy/venv" in r for r in runs)
    pulumi_at = uses.index("pulumi/actions@v6")
    assert tests_at < pulumi_at
    pulumi_step = steps[pulumi_at]
    assert pulumi_step["with"]["command"] == "preview"
    assert pulumi_step["with"]["stack-name"] == "dev"
    assert pulumi_step["with"]["policyPacks"] == "policy"
    assert (ROOT / pulumi_step["with"]["policyPacks"] / "PulumiPolicy.yaml").is_file()
    assert pulumi_step["with"]["comment-on-pr"] is True
    env = pulumi_step["env"]
    for secret in ("PULUMI_ACCESS_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert env[secret] == f"${{{{ secrets.{secret} }}}}"
    # after Pulumi's preview: the deployed prod state, ampliform's change-safety check and diff, one comment
    export_at = next(i for i, r in enumerate(runs) if "pulumi stack export --stack prod --file prod.state.json" in r)
    review_at = next(i for i, r in enumerate(runs) if "ampliform preview --stack prod --state prod.state.json" in r)
    assert pulumi_at < export_at < review_at
    assert "ampliform diff base-backend.yaml backend.yaml" in runs[review_at]
    assert 'git show "origin/${{ github.base_ref }}:backend.yaml"' in runs[review_at]
    comment = next(s for s in steps if s.get("uses", "").startswith("actions/github-script@"))
    assert "safety.txt" in comment["with"]["script"] and "diff.txt" in comment["with"]["script"]
    refuse = steps[-1]
    assert refuse["if"] == "steps.review.outputs.safety != '0'" and "exit 1" in refuse["run"]
