"""The auth plan: everything the Auth component builds, as plain data, from a definition and a stack's settings.

Contract: `plan_auth(auth, settings, project, stack, region)` checks `auth` together with the settings
(`ampliform.auth.check.auth_settings_problems`; the definition's own problems are `ampliform.plan.check`'s)
and returns an `AuthPlan`: the user pool's arguments (`ampliform.auth.user_pool`), whether Cognito needs
the SNS role for SMS, the SES identity to send from, the web client's arguments, the hosted-UI domain
prefix (only with OAuth), the identity providers and the identity pool's login providers
(`ampliform.auth.federation`), the Lambda triggers (Cognito's ``lambda_config`` key → function name), the
functions' user-pool actions (`ampliform.auth.access`), the user pool's tags (``ampliform:env``, and
``ampliform:mfa-off-reason`` when the stack states why MFA is off) and the sign-in settings a client needs
(`client_settings`: amplify_outputs' ``auth`` section without the ids, region, guest flag and groups,
which the component knows). `default_plan(groups)` is the plan of Amplify's default (email sign-in) for a
stack without settings. Pure: no pulumi import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ampliform.auth.access import function_actions
from ampliform.auth.attributes import required_attributes, sign_in_attributes, verified_attributes
from ampliform.auth.check import auth_settings_problems
from ampliform.auth.federation import (
    ProviderPlan,
    client_args,
    domain_prefix,
    identity_providers,
    login_providers,
    oauth_enabled,
    oauth_outputs,
)
from ampliform.auth.user_pool import needs_sms_role, user_pool_args
from ampliform.definition.auth import AuthSpec
from ampliform.definition.auth_settings import AuthSettings, Credential
from ampliform.definition.settings import Settings
from ampliform.errors import DefinitionError

ENV_TAG = "ampliform:env"
MFA_OFF_TAG = "ampliform:mfa-off-reason"
MFA_METHODS = (("sms_enabled", "SMS"), ("totp_enabled", "TOTP"))


@dataclass(frozen=True)
class AuthPlan:
    """What the Auth component builds (see the module docstring)."""

    spec: AuthSpec
    user_pool: dict[str, Any]
    sms_role: bool
    ses_identity: str | None
    client: dict[str, Any]
    domain: str | None
    providers: tuple[ProviderPlan, ...]
    login_providers: dict[str, Credential]
    triggers: dict[str, str]
    access: dict[str, tuple[str, ...]]
    tags: dict[str, str]
    client_settings: dict[str, Any] = field(default_factory=dict)

    @property
    def groups(self) -> tuple[str, ...]:
        return self.spec.groups


def plan_auth(auth: AuthSpec, settings: Settings, project: str, stack: str, region: str | None = None) -> AuthPlan:
    """The auth plan of one stack, or a `DefinitionError` listing every settings problem."""
    DefinitionError.raise_if(auth_settings_problems(auth, settings))
    return _plan(auth, settings.auth, settings.env, project, stack, region or settings.region)


def default_plan(groups: tuple[str, ...] | list[str] = ()) -> AuthPlan:
    """The plan of email sign-in with `groups` and no stack settings (Amplify's default `defineAuth`)."""
    return _plan(AuthSpec(groups=tuple(groups)), AuthSettings(), "dev", "ampliform", "dev", "REGION")


def _plan(auth: AuthSpec, settings: AuthSettings, env: str, project: str, stack: str, region: str) -> AuthPlan:
    providers = identity_providers(auth, settings)
    domain = domain_prefix(settings, project, stack) if oauth_enabled(auth, settings) else None
    tags = {ENV_TAG: env}
    if settings.mfa_off_reason and auth.multifactor.mode == "off":
        tags[MFA_OFF_TAG] = settings.mfa_off_reason
    sender = auth.senders.email
    return AuthPlan(
        spec=auth,
        user_pool=user_pool_args(auth, settings.threat_protection),
        sms_role=needs_sms_role(auth),
        ses_identity=sender.from_email if sender is not None else None,
        client=client_args(auth, settings, providers),
        domain=domain,
        providers=tuple(providers),
        login_providers=login_providers(auth, settings),
        triggers=dict(auth.triggers),
        access=function_actions(auth),
        tags=tags,
        client_settings=client_settings(auth, settings, providers, domain, region),
    )


def client_settings(auth: AuthSpec, settings: AuthSettings, providers: list[ProviderPlan], domain: str | None,
                    region: str) -> dict[str, Any]:
    """The sign-in settings of amplify_outputs' ``auth`` section (``mfa_configuration`` as Cognito spells it)."""
    mfa = auth.multifactor
    out: dict[str, Any] = {
        "username_attributes": sign_in_attributes(auth),
        "standard_required_attributes": required_attributes(auth),
        "user_verification_types": verified_attributes(auth),
        "mfa_configuration": user_pool_args(auth)["mfa_configuration"],
        "mfa_methods": [name for attr, name in MFA_METHODS if getattr(mfa, attr)],
        "password_policy": _password_policy(user_pool_args(auth)["password_policy"]),
    }
    oauth = oauth_outputs(auth, settings, providers, domain, region) if domain else None
    if oauth is not None:
        out["oauth"] = oauth
    return out


def _password_policy(policy: dict[str, Any]) -> dict[str, Any]:
    return {
        "min_length": policy.get("minimum_length", 8),
        "require_lowercase": bool(policy.get("require_lowercase")),
        "require_uppercase": bool(policy.get("require_uppercase")),
        "require_numbers": bool(policy.get("require_numbers")),
        "require_symbols": bool(policy.get("require_symbols")),
    }
