"""The ampliform-security CrossGuard rules: pure checks plus the pulumi-policy objects that wrap them.

Contract:
- Every check is a pure function. Resource checks take ``(resource_type, props, name)`` and return a list
  of violation messages (empty = compliant); `check_bucket_baseline` takes the whole stack as
  `StackResource` records and returns ``(message, urn)`` pairs. Each message names the resource and says
  what to change. ``props`` are the provider's camelCase inputs, as plain values or as pulumi-policy's
  unknown-checking proxies; policy documents may be JSON strings or dicts, and Action / Resource may be a
  string or a list.
- Unknown values (not known until deployment) never crash a check and never cause a violation by
  themselves: a document, flag or Resource that is unknown is skipped, and the same rule checks the known
  value when ``pulumi up`` runs the pack again. That covers pulumi-policy's unknown sentinels and the
  offline preview's whole-value placeholders (``<resource-name.attribute>``, e.g. ``<myBucket-bucket.id>``),
  which relate a bucket's side resources to the bucket by name.
- The sign-in rules (`cognito_rules`): no implicit OAuth flow, the SMS role's ``sts:ExternalId``, prod MFA
  unless stated, https redirect URLs in prod; `check_no_wildcards` accepts one ``Resource "*"``: the SMS
  role's ``sns:Publish`` to phone numbers, in a document denying it on every topic.
- `POLICIES` is the pack's list of policies, in the order `RESOURCE_CHECKS` / `STACK_CHECKS` name them.
  Building it constructs no `PolicyPack` (that starts a server and blocks): only ``__main__.py`` does.
- Like ``__main__.py``, this module imports its sibling `iam_documents` as a top-level module: the CLI runs
  the pack directory with ``policy/`` first on ``sys.path`` (tests do the same).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from cognito_rules import (
    check_no_implicit_flow,
    check_prod_mfa,
    check_prod_redirects,
    check_sms_role_trust,
    sms_publish_only,
)
from iam_documents import (
    UNKNOWN,
    as_list,
    condition,
    glob_match,
    grants_all_of,
    is_allow,
    non_empty,
    parse_document,
    placeholder_resource,
    plain,
    statements,
)
from pulumi_policy import (
    Policy,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from stack_records import StackResource

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"
BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SSE_TYPES = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"

COGNITO = "cognito-identity.amazonaws.com"
AUD, AMR = f"{COGNITO}:aud", f"{COGNITO}:amr"
PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
PREFIX_OPERATORS = ("StringEquals", "StringLike", "ForAnyValue:StringEquals", "ForAnyValue:StringLike")
"""Operators under which ``s3:prefix`` restricts listing. ``...IfExists``, ``ForAllValues:`` and ``Null``
also pass a request that has no prefix at all, so they do not count."""


# --- rule 1: roles trusting Cognito identity carry aud and amr ----------------------------------------


def check_cognito_trust(resource_type: str, props: Mapping[str, Any], name: str) -> list[str]:
    """Every trust statement for ``cognito-identity.amazonaws.com`` needs ``StringEquals aud`` and
    ``ForAnyValue:StringLike amr``, both non-empty."""
    if resource_type != ROLE:
        return []
    doc = parse_document(plain(props).get("assumeRolePolicy"))
    problems = []
    for label, st in statements(doc):
        principal = st.get("Principal")
        federated = as_list(principal.get("Federated")) if isinstance(principal, dict) else []
        if COGNITO not in federated or not is_allow(st):
            continue
        where = f"{name}: trust policy statement {label} lets {COGNITO} assume the role without"
        if not non_empty(condition(st, "StringEquals", AUD)):
            problems.append(f'{where} a StringEquals condition on {AUD}; add Condition.StringEquals["{AUD}"]'
                            " = <identity pool id> so only your identity pool's identities can assume it.")
        if not non_empty(condition(st, "ForAnyValue:StringLike", AMR)):
            problems.append(f'{where} a ForAnyValue:StringLike condition on {AMR}; add Condition'
                            f'["ForAnyValue:StringLike"]["{AMR}"] = "authenticated" (or "unauthenticated"'
                            " for the guest role).")
    return problems


# --- rule 2 (per resource): public access block and encryption settings ------------------------------


def check_public_access_block(resource_type: str, props: Mapping[str, Any], name: str) -> list[str]:
    """A public access block sets all four flags to true (a missing flag is false)."""
    if resource_type != PUBLIC_ACCESS_BLOCK:
        return []
    props = plain(props)
    off = [f for f in PAB_FLAGS if props.get(f) not in (True, UNKNOWN)]
    if not off:
        return []
    return [f"{name}: public access block leaves {', '.join(off)} not true; set blockPublicAcls,"
            " blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all to true."]


def check_encryption_algorithm(resource_type: str, props: Mapping[str, Any], name: str) -> list[str]:
    """A server-side encryption configuration has rules, each setting an sseAlgorithm."""
    if resource_type not in SSE_TYPES:
        return []
    rules = plain(props).get("rules")
    if rules is UNKNOWN:
        return []
    if not as_list(rules):
        return [f'{name}: server-side encryption configuration has no rules; add a rule whose'
                ' applyServerSideEncryptionByDefault.sseAlgorithm is "AES256" or "aws:kms".']
    problems = []
    for i, rule in enumerate(as_list(rules)):
        default = rule.get("applyServerSideEncryptionByDefault") if isinstance(rule, dict) else None
        algorithm = default.get("sseAlgorithm") if isinstance(default, dict) else default
        if not non_empty(algorithm):
            problems.append(f"{name}: server-side encryption rule {i} sets no sseAlgorithm; set rules[{i}]"
                            '.applyServerSideEncryptionByDefault.sseAlgorithm to "AES256" or "aws:kms".')
    return problems


# --- rule 3: identity policies (role policies, managed policies, inline policies) ---------------------


def identity_documents(resource_type: str, props: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """``(where, parsed document)`` for each identity policy a resource carries."""
    props = plain(props)
    if resource_type in (ROLE_POLICY, MANAGED_POLICY):
        yield "policy", parse_document(props.get("policy"))
    elif resource_type == ROLE and props.get("inlinePolicies") is not UNKNOWN:
        for i, entry in enumerate(as_list(props.get("inlinePolicies"))):
            if isinstance(entry, dict) and entry.get("policy"):
                yield f'inline policy "{entry.get("name") or i}"', parse_document(entry["policy"])


def check_no_wildcards(resource_type: str, props: Mapping[str, Any], name: str) -> list[str]:
    """Allow statements name their actions and resources: no action pattern granting all of S3 (or
    everything), no Resource ``*``, no NotAction / NotResource."""
    problems = []
    for where, doc in identity_documents(resource_type, props):
        if isinstance(doc, str):
            problems.append(f"{name}: {where} is {doc}; fix the document so it can be checked.")
        for label, st in statements(doc):
            if not is_allow(st):
                continue
            at = f"{name}: {where} statement {label} allows"
            for action in as_list(st.get("Action")):
                if grants_all_of(action, "s3"):
                    everything = grants_all_of(action, None)
                    scope = "every action of every service" if everything else "every S3 action"
                    problems.append(f'{at} "{action}", which grants {scope}; list only the actions the role'
                                    " needs (e.g. s3:GetObject, s3:PutObject).")
            star = any(isinstance(r, str) and r.strip() == "*" for r in as_list(st.get("Resource")))
            if star and not sms_publish_only(st, doc):
                problems.append(f'{at} on Resource "*"; scope Resource to the ARNs the role needs (for S3:'
                                " the bucket ARN for s3:ListBucket, <bucket ARN>/<path>/* for objects).")
            for key, instead in (("NotAction", "Action with the exact actions"),
                                 ("NotResource", "Resource with the exact ARNs")):
                if key in st:
                    problems.append(f"{at} with {key}, which grants everything not listed; use {instead}.")
    return problems


def check_list_bucket_prefix(resource_type: str, props: Mapping[str, Any], name: str) -> list[str]:
    """Every Allow whose actions include s3:ListBucket restricts it with an ``s3:prefix`` condition."""
    problems = []
    for where, doc in identity_documents(resource_type, props):
        for label, st in statements(doc):
            actions = as_list(st.get("Action"))
            lists = any(isinstance(a, str) and glob_match(a, "s3:ListBucket") for a in actions)
            if is_allow(st) and lists and not _restricts_prefix(st):
                problems.append(
                    f"{name}: {where} statement {label} allows s3:ListBucket without an s3:prefix condition,"
                    ' so every key in the bucket can be listed; add Condition.StringLike["s3:prefix"] ='
                    ' ["<path>/*", "<path>/"] for the paths it may list.')
    return problems


def _restricts_prefix(st: dict[str, Any]) -> bool:
    for operator in PREFIX_OPERATORS:
        values = as_list(condition(st, operator, "s3:prefix"))
        if any(v is UNKNOWN or (isinstance(v, str) and v.strip() not in ("", "*")) for v in values):
            return True
    return False


def check_no_inline_policies(resource_type: str, props: Mapping[str, Any], name: str) -> list[str]:
    """Roles carry no ``inlinePolicies`` (the provider's empty placeholder entry does not count)."""
    inline = plain(props).get("inlinePolicies") if resource_type == ROLE else None
    if inline is UNKNOWN:
        return []
    entries = [e for e in as_list(inline)
               if e is UNKNOWN or not isinstance(e, dict) or e.get("name") or e.get("policy")]
    if not entries:
        return []
    names = ", ".join(f'"{e["name"]}"' if isinstance(e, dict) and e.get("name") else "?" for e in entries)
    return [f"{name}: sets inlinePolicies ({names}); ampliform attaches permissions as separate resources, so"
            f" move each one into an aws.iam.RolePolicy(role={name}.id)."]


# --- rule 2 (stack): every bucket has its public access block, encryption and TLS-only policy ----------


def check_bucket_baseline(resources: Sequence[StackResource]) -> list[tuple[str, str | None]]:
    """Each bucket has a public access block with all four flags true, a server-side encryption
    configuration, and a bucket policy denying requests without TLS on the bucket and its objects.
    Returns ``(message, bucket urn)`` pairs."""
    problems: list[tuple[str, str | None]] = []
    for bucket in (r for r in resources if r.type in BUCKET_TYPES):
        side = [r for r in resources if _refers_to(r, bucket)]
        b = bucket.name
        if not any(r.type == PUBLIC_ACCESS_BLOCK and not check_public_access_block(r.type, r.props, "")
                   for r in side):
            problems.append((f"bucket {b} has no BucketPublicAccessBlock with blockPublicAcls,"
                             " blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true; add an"
                             f" aws.s3.BucketPublicAccessBlock(bucket={b}.id) setting all four to true.",
                             bucket.urn))
        if not any(r.type in SSE_TYPES for r in side):
            problems.append((f"bucket {b} has no BucketServerSideEncryptionConfiguration; add an"
                             f" aws.s3.BucketServerSideEncryptionConfiguration(bucket={b}.id) whose rule sets"
                             ' sseAlgorithm "AES256" or "aws:kms".', bucket.urn))
        if not any(r.type == BUCKET_POLICY and _denies_insecure_transport(r.props) for r in side):
            problems.append((f"bucket {b} has no bucket policy denying insecure transport; add an"
                             f' aws.s3.BucketPolicy(bucket={b}.id) with a statement Effect "Deny", Principal'
                             ' "*", Action "s3:*", Resource [<bucket ARN>, <bucket ARN>/*], Condition'
                             ' {"Bool": {"aws:SecureTransport": "false"}}.', bucket.urn))
    return problems


def _refers_to(resource: StackResource, bucket: StackResource) -> bool:
    """Whether `resource`'s ``bucket`` property is `bucket`: by property dependency, by the offline
    preview's placeholder, or by the bucket's known name / id."""
    if bucket.name in resource.bucket_refs or (bucket.urn and bucket.urn in resource.bucket_refs):
        return True
    value = plain(resource.props).get("bucket") if "bucket" in resource.props else None
    if not isinstance(value, str):
        return False
    if placeholder_resource(value) is not None:
        return placeholder_resource(value) == bucket.name
    props = plain(bucket.props)
    return value in {props.get("bucket"), props.get("id"), props.get("arn")} - {None, UNKNOWN}


def _denies_insecure_transport(props: Mapping[str, Any]) -> bool:
    doc = parse_document(plain(props).get("policy"))
    if doc is UNKNOWN:
        return True  # not known until deployment; checked again by `pulumi up`
    for _, st in statements(doc):
        principal = st.get("Principal")
        everyone = principal in ("*", UNKNOWN) or (
            isinstance(principal, dict) and any(p in ("*", UNKNOWN) for p in as_list(principal.get("AWS"))))
        secure = as_list(condition(st, "Bool", "aws:SecureTransport"))
        insecure_only = bool(secure) and all(v is UNKNOWN or str(v).lower() == "false" for v in secure)
        actions = as_list(st.get("Action"))
        if (st.get("Effect") in ("Deny", UNKNOWN) and everyone and insecure_only
                and any(a is UNKNOWN or grants_all_of(a, "s3") for a in actions)
                and _covers_bucket_and_objects(as_list(st.get("Resource")))):
            return True
    return False


def _covers_bucket_and_objects(resources: list[Any]) -> bool:
    """Resource includes the bucket itself (no ``/``) and all its objects (``<bucket>/*``); a bucket policy
    can only name its own bucket, so the shape is what matters."""
    if any(r is UNKNOWN or r == "*" for r in resources):
        return True
    strings = [r for r in resources if isinstance(r, str)]
    bucket = any("/" not in r for r in strings)
    objects = any(r.endswith("/*") and "/" not in r[:-2] for r in strings)
    return bucket and objects


# --- the policies -------------------------------------------------------------------------------------

ResourceCheck = Callable[[str, Mapping[str, Any], str], list[str]]

RESOURCE_CHECKS: dict[str, tuple[ResourceCheck, str]] = {
    "cognito-trust-requires-aud-and-amr": (
        check_cognito_trust,
        "Roles trusting cognito-identity.amazonaws.com require the aud and amr conditions."),
    "s3-public-access-block-all-true": (
        check_public_access_block,
        "S3 public access blocks set all four flags to true."),
    "s3-encryption-sets-algorithm": (
        check_encryption_algorithm,
        "S3 server-side encryption configurations set an algorithm in every rule."),
    "iam-no-s3-wildcard-or-star-resource": (
        check_no_wildcards,
        "Role and managed policies allow no s3:* / * actions, no Resource *, no NotAction / NotResource."),
    "iam-list-bucket-requires-prefix": (
        check_list_bucket_prefix,
        "Role and managed policies allow s3:ListBucket only with an s3:prefix condition."),
    "iam-role-no-inline-policies": (
        check_no_inline_policies,
        "Roles carry no inlinePolicies; permissions are separate aws.iam.RolePolicy resources."),
    "cognito-no-implicit-oauth-flow": (
        check_no_implicit_flow,
        "User-pool clients use the OAuth code flow, never the implicit flow."),
    "cognito-sms-role-requires-external-id": (
        check_sms_role_trust,
        "Roles trusting cognito-idp.amazonaws.com (the SMS role) require sts:ExternalId."),
    "cognito-prod-mfa-unless-stated": (
        check_prod_mfa,
        "Prod user pools have MFA on or optional, unless tagged with the reason it is off."),
}

StackCheck = Callable[[Sequence[StackResource]], list[tuple[str, str | None]]]


def _redirects(resources: Sequence[StackResource]) -> list[tuple[str, str | None]]:
    return check_prod_redirects(resources)


STACK_CHECKS: dict[str, tuple[StackCheck, str]] = {
    "s3-bucket-secure-baseline": (
        check_bucket_baseline,
        "Every S3 bucket has a public access block (all four flags true), encryption and a TLS-only"
        " bucket policy."),
    "cognito-prod-https-redirect-urls": (
        _redirects,
        "Callback and logout URLs of prod user-pool clients are https (localhost excepted)."),
}


def _resource_validator(check: ResourceCheck) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for message in check(args.resource_type, args.props, args.name):
            report_violation(message, None)

    return validate


def stack_resources(args: StackValidationArgs) -> list[StackResource]:
    """The stack's resources as the stack checks see them (plain props, property dependencies)."""
    def refs(r: Any, prop: str) -> tuple[str, ...]:
        return tuple(d.urn for d in (r.property_dependencies or {}).get(prop, []))

    return [StackResource(type=r.resource_type, name=r.name, props=plain(r.props), urn=r.urn,
                          bucket_refs=refs(r, "bucket"), user_pool_refs=refs(r, "userPoolId"))
            for r in args.resources]


def _stack_validator(check: StackCheck) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for message, urn in check(stack_resources(args)):
            report_violation(message, urn)

    return validate


POLICIES: list[Policy] = [
    *(ResourceValidationPolicy(name=name, description=description, validate=_resource_validator(check))
      for name, (check, description) in RESOURCE_CHECKS.items()),
    *(StackValidationPolicy(name=name, description=description, validate=_stack_validator(check))
      for name, (check, description) in STACK_CHECKS.items()),
]
