"""The ampliform-security rules for sign-in: OAuth flows, prod redirect URLs, prod MFA, the SMS role's trust.

Contract: pure checks in the form of `policies.py`'s (resource checks take ``(resource_type, props, name)``
and return messages; the stack check takes `StackResource`s and returns ``(message, urn)`` pairs); unknown
values never fail a check by themselves.

- `check_no_implicit_flow`: a user-pool client allows no ``implicit`` OAuth flow (tokens in the URL
  fragment; the code flow with PKCE is what Amplify's client uses).
- `check_prod_mfa`: a user pool tagged ``ampliform:env: prod`` has MFA ``OPTIONAL`` or ``ON``, unless it is
  tagged ``ampliform:mfa-off-reason`` with a reason (the stack setting ``ampliform:mfaOffReason`` is how a
  stack states it; the tag keeps the statement beside the pool, visible in every preview).
- `check_sms_role_trust`: a role that lets ``cognito-idp.amazonaws.com`` assume it (the SMS role) requires
  ``StringEquals sts:ExternalId`` (AWS's condition for it; ampliform also pins ``aws:SourceAccount``).
- `check_prod_redirects`: every callback and logout URL of a client of a prod user pool is https, localhost
  excepted. A client is tied to its pool through ``userPoolId``: its property dependency in a real preview,
  the placeholder ``<pool-resource.id>`` in the offline one, or the pool's known id.
- `sms_publish_only(statement, document)`: the one ``Resource "*"`` an ampliform role policy may hold:
  ``sns:Publish`` alone (SMS to a phone number has no ARN) in a document that denies it on every SNS topic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from iam_documents import (
    UNKNOWN,
    as_list,
    condition,
    is_allow,
    non_empty,
    parse_document,
    placeholder_resource,
    plain,
    statements,
)
from stack_records import StackResource

USER_POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
ROLE = "aws:iam/role:Role"
ENV_TAG = "ampliform:env"
MFA_OFF_TAG = "ampliform:mfa-off-reason"
COGNITO_IDP = "cognito-idp.amazonaws.com"
ALL_TOPICS = "arn:*:sns:*:*:*"
_LOCAL = re.compile(r"^https?://(localhost|127\.0\.0\.1)(:\d+)?(/|$)", re.IGNORECASE)


def check_no_implicit_flow(resource_type: str, props: Mapping[str, Any], name: str) -> list[str]:
    """A user-pool client's ``allowedOauthFlows`` holds no ``implicit``."""
    flows = plain(props).get("allowedOauthFlows") if resource_type == CLIENT else None
    if flows is UNKNOWN or not any(isinstance(f, str) and f.lower() == "implicit" for f in as_list(flows)):
        return []
    return [f'{name}: allows the implicit OAuth flow (tokens in the redirect URL); set allowedOauthFlows to'
            ' ["code"] (the authorization code flow with PKCE, what Amplify\'s client uses).']


def _tags(props: Mapping[str, Any]) -> Any:
    tags = props.get("tags")
    return tags if isinstance(tags, dict) or tags is UNKNOWN else {}


def check_prod_mfa(resource_type: str, props: Mapping[str, Any], name: str) -> list[str]:
    """A prod user pool has MFA on or optional, or states why not (see the module docstring)."""
    if resource_type != USER_POOL:
        return []
    props = plain(props)
    tags, mfa = _tags(props), props.get("mfaConfiguration", "OFF")
    if tags is UNKNOWN or mfa is UNKNOWN or tags.get(ENV_TAG) != "prod" or str(mfa).upper() != "OFF":
        return []
    if non_empty(tags.get(MFA_OFF_TAG)):
        return []
    return [f"{name}: a prod user pool with MFA off; turn it on (auth.multifactor: {{mode: optional, totp: true}})"
            " or state why it is off: set ampliform:mfaOffReason in the prod stack (it tags the pool"
            f" {MFA_OFF_TAG})."]


def check_sms_role_trust(resource_type: str, props: Mapping[str, Any], name: str) -> list[str]:
    """Every trust statement letting ``cognito-idp.amazonaws.com`` assume a role requires ``sts:ExternalId``."""
    if resource_type != ROLE:
        return []
    problems = []
    for label, st in statements(parse_document(plain(props).get("assumeRolePolicy"))):
        principal = st.get("Principal")
        services = as_list(principal.get("Service")) if isinstance(principal, dict) else []
        if COGNITO_IDP in services and is_allow(st) and not non_empty(condition(st, "StringEquals", "sts:ExternalId")):
            problems.append(f"{name}: trust policy statement {label} lets {COGNITO_IDP} assume the role without a"
                            ' StringEquals condition on sts:ExternalId; add Condition.StringEquals["sts:ExternalId"]'
                            " = the external id the user pool's smsConfiguration passes.")
    return problems


def sms_publish_only(statement: Mapping[str, Any], document: Any) -> bool:
    """The statement allows only ``sns:Publish`` and the document denies it on every SNS topic."""
    if [a for a in as_list(statement.get("Action")) if a != "sns:Publish"] or not as_list(statement.get("Action")):
        return False
    return any(not is_allow(st) and "sns:Publish" in as_list(st.get("Action"))
               and ALL_TOPICS in as_list(st.get("Resource")) for _, st in statements(document))


def _pool_of(client: StackResource, pools: Sequence[StackResource]) -> StackResource | None:
    value = plain(client.props).get("userPoolId")
    for pool in pools:
        if pool.name in client.user_pool_refs or (pool.urn and pool.urn in client.user_pool_refs):
            return pool
        if isinstance(value, str) and placeholder_resource(value) == pool.name:
            return pool
        if isinstance(value, str) and value in {plain(pool.props).get("id")} - {None, UNKNOWN}:
            return pool
    return None


def check_prod_redirects(resources: Sequence[StackResource]) -> list[tuple[str, str | None]]:
    """Redirect URLs of clients of prod user pools are https, localhost excepted (see the module docstring)."""
    pools = [r for r in resources if r.type == USER_POOL]
    problems: list[tuple[str, str | None]] = []
    for client in (r for r in resources if r.type == CLIENT):
        pool = _pool_of(client, pools)
        tags = _tags(plain(pool.props)) if pool is not None else {}
        if tags is UNKNOWN or tags.get(ENV_TAG) != "prod":
            continue
        props = plain(client.props)
        for key in ("callbackUrls", "logoutUrls"):
            urls = props.get(key)
            for url in [] if urls is UNKNOWN else as_list(urls):
                if isinstance(url, str) and not url.lower().startswith("https://") and not _LOCAL.match(url):
                    problems.append((f"{client.name}: {key} has {url!r}, which is not https, in the prod user pool"
                                     f" {pool.name if pool else '?'}; use an https:// URL (set"
                                     f" ampliform:{key} in the prod stack).", client.urn))
    return problems
