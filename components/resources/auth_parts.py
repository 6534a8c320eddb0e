"""Parts of the Auth component: the identity-pool roles' trust, the SNS role for SMS, trigger permissions,
credentials as inputs.

Contract:
- `trust_policy(identity_pool_id, amr)`: the trust policy of a role the identity pool hands out to `amr`
  identities (``authenticated`` / ``unauthenticated``): both the ``aud`` and the ``amr`` conditions, always.
- `sms_role(name, parent)`: the role Cognito assumes to send SMS (verification codes, SMS MFA) through
  Amazon SNS: trusted by ``cognito-idp.amazonaws.com`` only, with the two conditions AWS documents for it —
  ``sts:ExternalId`` equal to the external id the user pool passes (``<name>-sms``) and ``aws:SourceAccount``
  equal to this account — and one inline ``aws.iam.RolePolicy`` allowing ``sns:Publish``, which for SMS to a
  phone number has no resource ARN (Resource ``*``), and denying it on every SNS topic, so the role can text
  phone numbers and publish nowhere else.
- `trigger_permissions(name, triggers, functions, user_pool, parent)`: per trigger function, one
  ``aws.lambda_.Permission`` letting ``cognito-idp.amazonaws.com`` invoke it, for this user pool only
  (``source_arn``, and ``source_account``). The functions never receive the pool's id from the program (a
  trigger reads it from its event, ``event["userPoolId"]``), so the pool (whose ``lambda_config`` names the
  functions) depends on them and nothing depends back: no cycle (amplify-backend #3286, #1850).
- `access_policies(name, plan, functions, user_pool, parent)`: the user-pool actions `auth.access` grants each
  function (`ampliform.plan.contributions.auth_contributions`: contributor ``auth``, role ``function:<name>``,
  the pool's ARN placeholder `AUTH_USER_POOL`), spent from the function's budget (``fn.policies``: place,
  then create with the placeholder bound to this pool's ARN). The role's policy depends on the pool; the
  function does not.
- `identity_providers(name, plan, user_pool, values, parent)`: one ``aws.cognito.IdentityProvider`` per
  planned provider (``<name>-idp-<provider>``), its credentials in ``provider_details`` as Pulumi secrets.
- `credential_input(credential, values)`: a stack-settings credential as a resource input, a Pulumi secret
  when the setting is secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from ampliform.auth.plan import AuthPlan
from ampliform.definition.auth_settings import Credential
from ampliform.iam.document import POLICY_VERSION
from ampliform.naming import slug
from ampliform.plan.contributions import AUTH_USER_POOL, auth_contributions

COGNITO_IDENTITY = "cognito-identity.amazonaws.com"
COGNITO_IDP = "cognito-idp.amazonaws.com"


def trust_policy(identity_pool_id: pulumi.Input[str], amr: str) -> pulumi.Output[str]:
    """The trust policy of an identity-pool role (see the module docstring)."""
    return pulumi.Output.json_dumps(
        {
            "Version": POLICY_VERSION,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": COGNITO_IDENTITY},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {f"{COGNITO_IDENTITY}:aud": identity_pool_id},
                        "ForAnyValue:StringLike": {f"{COGNITO_IDENTITY}:amr": amr},
                    },
                }
            ],
        },
        sort_keys=True,
    )


def sms_trust_policy(external_id: str, account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Cognito may assume the SMS role only with the pool's external id, from this account."""
    return pulumi.Output.json_dumps({
        "Version": POLICY_VERSION,
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": COGNITO_IDP},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": external_id, "aws:SourceAccount": account_id}},
        }],
    }, sort_keys=True)


SMS_POLICY: dict[str, Any] = {
    "Version": POLICY_VERSION,
    "Statement": [
        {"Sid": "SendSms", "Effect": "Allow", "Action": "sns:Publish", "Resource": "*"},
        {"Sid": "NoTopics", "Effect": "Deny", "Action": "sns:Publish", "Resource": "arn:*:sns:*:*:*"},
    ],
}
"""The SMS role's permissions: text phone numbers (``sns:Publish`` has no ARN for them), publish to no topic."""


def sms_role(name: str, parent: pulumi.Resource) -> aws.iam.Role:
    """The SNS role of a user pool named `name` (see the module docstring)."""
    child = pulumi.ResourceOptions(parent=parent)
    account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent)).account_id
    role = aws.iam.Role(f"{name}-sms-role", assume_role_policy=sms_trust_policy(f"{name}-sms", account),
                        tags={"ampliform:role": "cognito-sms"}, opts=child)
    aws.iam.RolePolicy(f"{name}-sms-role-policy", role=role.id,
                       policy=pulumi.Output.json_dumps(SMS_POLICY, sort_keys=True), opts=child)
    return role


def trigger_permissions(name: str, triggers: Mapping[str, str], functions: Mapping[str, Any],
                        user_pool: aws.cognito.UserPool, parent: pulumi.Resource) -> dict[str, aws.lambda_.Permission]:
    """Invoke permissions of the trigger functions, for this user pool only (see the module docstring)."""
    account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent)).account_id
    out = {}
    for fn in sorted(set(triggers.values())):
        out[fn] = aws.lambda_.Permission(
            f"{name}-invoke-{slug(fn)}",
            action="lambda:InvokeFunction",
            function=functions[fn].arn,
            principal=COGNITO_IDP,
            source_arn=user_pool.arn,
            source_account=account,
            opts=pulumi.ResourceOptions(parent=parent),
        )
    return out


def access_policies(name: str, plan: AuthPlan, functions: Mapping[str, Any], user_pool: aws.cognito.UserPool,
                    parent: pulumi.Resource) -> list[pulumi.CustomResource]:
    """The access policies of `functions` (see the module docstring)."""
    created: list[pulumi.CustomResource] = []
    for contribution in auth_contributions(plan.spec):
        fn = contribution.role.removeprefix("function:")
        if fn not in functions:
            continue
        owner = functions[fn].policies
        placed = owner.place([contribution])
        created += owner.create(f"{name}-access", [contribution], placed,
                                {AUTH_USER_POOL.text: user_pool.arn}, parent)
    return created


def identity_providers(name: str, plan: AuthPlan, user_pool: aws.cognito.UserPool,
                       values: Mapping[str, pulumi.Input[str]], parent: pulumi.Resource
                       ) -> dict[str, aws.cognito.IdentityProvider]:
    """The user pool's identity providers, by provider name (see the module docstring)."""
    out = {}
    for provider in plan.providers:
        details: dict[str, pulumi.Input[str]] = dict(provider.details)
        for key, credential in provider.credentials.items():
            details[key] = credential_input(credential, values)
        out[provider.name] = aws.cognito.IdentityProvider(
            f"{name}-idp-{slug(provider.name)}",
            user_pool_id=user_pool.id,
            provider_name=provider.name,
            provider_type=provider.type,
            provider_details=details,
            attribute_mapping=provider.attribute_mapping or None,
            idp_identifiers=list(provider.identifiers) or None,
            opts=pulumi.ResourceOptions(parent=parent),
        )
    return out


def credential_input(credential: Credential, values: Mapping[str, pulumi.Input[str]]) -> pulumi.Input[str]:
    """The credential's value as an input: given in `values` (always a secret), or the settings' value."""
    if credential.key in values:
        return pulumi.Output.secret(values[credential.key])
    if credential.value is None:
        raise ValueError(f"no value for {credential.key}: the stack settings hold it encrypted; pass it in "
                         "AuthArgs.credentials")
    return pulumi.Output.secret(credential.value) if credential.secret else credential.value
