"""The preview's Auth section: what each user pool of a mock run was built with, as lines a person reads.

Contract: `auth_lines(result)` reads a mock run's result (`ampliform.program.runner`: resources with their
inputs in the provider's camelCase) and describes each user pool from what was registered, not from the
definition: sign-in attributes and self sign-up, MFA and its methods, the SMS role, the schema attributes,
account recovery, the email sender, threat protection, the Lambda triggers; the identity providers and the
hosted UI (domain, OAuth flows, scopes, callback and logout URLs) of its web client; the identity pool's
guest access, token check and login providers. Secret inputs never appear (only which provider has them):
a provider's details holding a credential are a secret as a whole, so its other details (scopes, issuer) come
from the plan of `definition` and `settings` (`ampliform.auth.federation`), which built them.
"""

from __future__ import annotations

from typing import Any

from ampliform.auth.federation import identity_providers, login_providers
from ampliform.definition.model import Definition
from ampliform.definition.settings import Settings
from ampliform.program.outputs import SECRET
from ampliform.program.placeholders import PLACEHOLDER

USER_POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
PROVIDER = "aws:cognito/identityProvider:IdentityProvider"
DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain"
IDENTITY_POOL = "aws:cognito/identityPool:IdentityPool"
PERMISSION = "aws:lambda/permission:Permission"
SHOWN_DETAILS = ("authorize_scopes", "oidc_issuer", "attributes_request_method", "MetadataURL", "IDPSignout")
"""Provider details the summary shows (never a credential)."""


def _of(resources: list[dict[str, Any]], typ: str, parent: str | None) -> list[dict[str, Any]]:
    return [r for r in resources if r["type"] == typ and r["parent"] == parent]


def _join(values: Any) -> str:
    return ", ".join(str(v) for v in values) if values else "-"


def _attribute(entry: dict[str, Any]) -> str:
    flags = [f for f, on in (("required", entry.get("required")), ("immutable", entry.get("mutable") is False)) if on]
    kind = entry.get("attributeDataType", "String")
    strings, numbers = entry.get("stringAttributeConstraints") or {}, entry.get("numberAttributeConstraints") or {}
    if kind == "String" and strings and (strings.get("minLength"), strings.get("maxLength")) != ("0", "2048"):
        flags.append(f"length {strings.get('minLength')}-{strings.get('maxLength')}")
    if kind == "Number" and numbers and (numbers.get("minValue"), numbers.get("maxValue")) != ("0", None):
        flags.append(f"{numbers.get('minValue', '')}..{numbers.get('maxValue', '')}")
    described = ([kind.lower()] if kind != "String" else []) + flags
    return entry["name"] + (f" ({', '.join(described)})" if described else "")


def _pool_lines(pool: dict[str, Any]) -> list[str]:
    p = pool["inputs"]
    mfa = p.get("mfaConfiguration", "OFF")
    methods = [m for m, on in (("SMS", "smsConfiguration" in p and mfa != "OFF"),
                               ("TOTP", (p.get("softwareTokenMfaConfiguration") or {}).get("enabled"))) if on]
    admin = (p.get("adminCreateUserConfig") or {}).get("allowAdminCreateUserOnly")
    recovery = [m["name"] for m in (p.get("accountRecoverySetting") or {}).get("recoveryMechanisms", [])]
    email = p.get("emailConfiguration") or {}
    sender = (f"SES ({email.get('emailSendingAccount')}) from {email.get('fromEmailAddress')}"
              + (f", reply to {email['replyToEmailAddress']}" if email.get("replyToEmailAddress") else "")
              if email else "Cognito's default")
    addons = (p.get("userPoolAddOns") or {}).get("advancedSecurityMode", "OFF")
    template = p.get("verificationMessageTemplate") or {}
    lines = [
        f"  user pool {pool['name']}",
        f"    sign-in: {_join(p.get('usernameAttributes'))}; "
        + ("administrators create users (no self sign-up)" if admin else "self sign-up on"),
        f"    MFA: {mfa}" + (f" ({', '.join(methods)})" if methods else ""),
        "    SMS: " + (f"through {p['smsConfiguration'].get('snsCallerArn')}" if "smsConfiguration" in p else "off"),
        f"    attributes: {_join(_attribute(a) for a in p.get('schemas') or [])}",
        f"    verification: {template.get('defaultEmailOption', '-')}; keep the original until verified: "
        f"{_join((p.get('userAttributeUpdateSettings') or {}).get('attributesRequireVerificationBeforeUpdates'))}",
        f"    recovery: {_join(recovery)}",
        f"    email: {sender}",
        f"    threat protection: {addons}" + (f" (feature plan {p['userPoolTier']})" if p.get("userPoolTier") else ""),
    ]
    triggers = p.get("lambdaConfig") or {}
    if triggers:
        lines.append(f"    triggers: {_join(f'{k} -> {_name(v)}' for k, v in sorted(triggers.items()))}")
    return lines


def _name(value: Any) -> str:
    match = PLACEHOLDER.fullmatch(str(value))
    return match.group(1) if match else str(value)


def auth_lines(result: dict[str, Any], definition: Definition | None = None,
               settings: Settings | None = None) -> list[str]:
    """The Auth section's lines (none without a user pool)."""
    resources = result["resources"]
    planned: dict[str, dict[str, str]] = {}
    issuers: list[str] = []
    if definition is not None and settings is not None:
        planned = {p.name: p.details for p in identity_providers(definition.auth, settings.auth)}
        issuers = sorted(login_providers(definition.auth, settings.auth))
    lines: list[str] = []
    for pool in (r for r in resources if r["type"] == USER_POOL):
        lines += _pool_lines(pool)
        parent = pool["parent"]
        for provider in _of(resources, PROVIDER, parent):
            i = provider["inputs"]
            details = i.get("providerDetails") or {}
            secret = details == SECRET
            details = planned.get(str(i.get("providerName")), {}) if secret else details
            shown = {k: v for k, v in details.items() if k in SHOWN_DETAILS}
            lines.append(f"    provider {i.get('providerName')} ({i.get('providerType')}): "
                         f"{_join(f'{k} {v}' for k, v in sorted(shown.items()))}; credentials "
                         f"{'secret' if secret else 'none'}; maps {_join(sorted(i.get('attributeMapping') or {}))}")
        for domain in _of(resources, DOMAIN, parent):
            lines.append(f"    hosted UI: {domain['inputs'].get('domain')}.auth.<region>.amazoncognito.com")
        for client in _of(resources, CLIENT, parent):
            c = client["inputs"]
            lines.append(f"    web client {client['name']}: flows {_join(c.get('explicitAuthFlows'))}; OAuth "
                         + (f"{_join(c.get('allowedOauthFlows'))}, scopes {_join(c.get('allowedOauthScopes'))}, "
                            f"callback {_join(c.get('callbackUrls'))}, logout {_join(c.get('logoutUrls'))}"
                            if c.get("allowedOauthFlows") else "off")
                         + f"; providers {_join(c.get('supportedIdentityProviders'))}")
        for ip in _of(resources, IDENTITY_POOL, parent):
            i = ip["inputs"]
            check = all(p.get("serverSideTokenCheck") for p in i.get("cognitoIdentityProviders") or [])
            logins = i.get("supportedLoginProviders") or {}
            listed = f"{_join(issuers)} (client ids secret)" if logins == SECRET else _join(sorted(logins))
            lines.append(f"    identity pool: guests {'on' if i.get('allowUnauthenticatedIdentities') else 'off'}; "
                         f"server-side token check {'on' if check else 'off'}; login providers {listed}")
        permissions = [r for r in _of(resources, PERMISSION, parent) if r["inputs"].get("principal") ==
                       "cognito-idp.amazonaws.com"]
        for permission in permissions:
            lines.append(f"    invoke permission {permission['name']}: {_name(permission['inputs'].get('function'))}"
                         f" for {_name(permission['inputs'].get('sourceArn'))} only")
    return lines
