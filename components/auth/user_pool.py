"""The user pool's configuration as plain data: what `aws.cognito.UserPool` receives, from an `AuthSpec` (pure).

Contract: `user_pool_args(auth, threat_protection)` returns the pool's arguments in pulumi-aws snake_case,
every value plain (the Auth component adds what is known only at deployment: the SMS role's ARN and
external id, the SES identity's ARN, the trigger functions' ARNs, deletion protection and tags):

- sign-in: ``username_attributes`` and ``auto_verified_attributes`` from `login_with`, user names case
  insensitive, and ``user_attribute_update_settings`` keeping the original email / phone number until a
  new one is verified (as Amplify does);
- ``schemas`` (`ampliform.auth.attributes.schema`), Amplify's default password policy;
- ``account_recovery_setting`` (Amplify's default: email when email sign-in is on, else the phone);
- ``admin_create_user_config``: self sign-up unless ``self_sign_up: false``, and the invitation template;
- ``verification_message_template`` (code or link style; Amplify's texts by default; ``{code}`` becomes
  Cognito's ``{####}``, ``{link:Text}`` ``{##Text##}``);
- MFA: ``mfa_configuration`` (OFF / OPTIONAL / ON), TOTP, the MFA SMS text;
- ``email_configuration`` through SES (``DEVELOPER``) when `senders.email` is given;
- threat protection: ``user_pool_add_ons.advanced_security_mode`` (AUDIT / ENFORCED) on the Plus feature
  plan (``user_pool_tier``), only when asked for (it is billed per monthly active user).

`needs_sms_role(auth)` says whether Cognito sends SMS (phone sign-in or SMS MFA), so needs the SNS role.
"""

from __future__ import annotations

import re
from typing import Any

from ampliform.auth.attributes import schema, sign_in_attributes, verified_attributes
from ampliform.definition.auth import AuthSpec

PASSWORD_POLICY: dict[str, Any] = {
    "minimum_length": 8,
    "require_lowercase": True,
    "require_uppercase": True,
    "require_numbers": True,
    "require_symbols": True,
    "temporary_password_validity_days": 3,
}
"""Amplify's default password policy (also what the Amplify client validates against)."""

DEFAULT_CODE_MESSAGE = "The verification code to your new account is {####}"
DEFAULT_SUBJECT = "Verify your new account"
DEFAULT_LINK_MESSAGE = "Verify your account by clicking on {##Verify Email##}"
RECOVERY: dict[str, list[str]] = {
    "email_only": ["verified_email"],
    "phone_only_without_mfa": ["verified_phone_number"],
    "phone_without_mfa_and_email": ["verified_phone_number", "verified_email"],
    "email_and_phone_without_mfa": ["verified_email", "verified_phone_number"],
    "phone_and_email": ["verified_phone_number", "verified_email"],
    "none": ["admin_only"],
}
"""Amplify's account-recovery names → Cognito's recovery mechanisms, in priority order."""
MFA_MODES = {"off": "OFF", "optional": "OPTIONAL", "required": "ON"}


def code(text: str) -> str:
    """A template with Amplify's ``{code}`` placeholder in Cognito's form (``{####}``)."""
    return text.replace("{code}", "{####}")


def link(text: str) -> str:
    """A template with Amplify's ``{link}`` / ``{link:Text}`` placeholder in Cognito's form."""
    return re.sub(r"\{link(?::([^}]*))?\}", lambda m: "{##" + (m.group(1) or "Verify Email") + "##}", text)


def needs_sms_role(auth: AuthSpec) -> bool:
    """Cognito sends SMS for this pool (phone sign-in or SMS MFA), through the SNS role."""
    return auth.login_with.phone_enabled or auth.multifactor.sms_enabled


def recovery(auth: AuthSpec) -> list[str]:
    """The recovery mechanisms, by priority (Amplify's default from the sign-in methods)."""
    if auth.account_recovery is not None:
        return RECOVERY[auth.account_recovery]
    return RECOVERY["email_only" if auth.login_with.email_enabled else "phone_only_without_mfa"]


def user_pool_args(auth: AuthSpec, threat_protection: str = "off") -> dict[str, Any]:
    """The user pool's plain arguments (see the module docstring)."""
    verified = verified_attributes(auth)
    args: dict[str, Any] = {
        "username_attributes": sign_in_attributes(auth),
        "auto_verified_attributes": verified,
        "username_configuration": {"case_sensitive": False},
        "password_policy": dict(PASSWORD_POLICY),
        "schemas": schema(auth),
        "account_recovery_setting": {"recovery_mechanisms": [
            {"name": name, "priority": i + 1} for i, name in enumerate(recovery(auth))]},
        "admin_create_user_config": _admin_create(auth),
        "verification_message_template": _verification(auth),
        "mfa_configuration": MFA_MODES[auth.multifactor.mode],
    }
    if verified:
        args["user_attribute_update_settings"] = {"attributes_require_verification_before_updates": verified}
    if auth.multifactor.totp_enabled:
        args["software_token_mfa_configuration"] = {"enabled": True}
    sms = auth.multifactor.sms
    if auth.multifactor.sms_enabled and not isinstance(sms, bool):
        args["sms_authentication_message"] = code(sms.sms_message)
    sender = auth.senders.email
    if sender is not None:
        address = f"{sender.from_name} <{sender.from_email}>" if sender.from_name else sender.from_email
        email: dict[str, Any] = {"email_sending_account": "DEVELOPER", "from_email_address": address}
        if sender.reply_to:
            email["reply_to_email_address"] = sender.reply_to
        if sender.configuration_set:
            email["configuration_set"] = sender.configuration_set
        args["email_configuration"] = email
    if threat_protection != "off":
        args["user_pool_add_ons"] = {"advanced_security_mode": threat_protection.upper()}
        args["user_pool_tier"] = "PLUS"
    return args


def _admin_create(auth: AuthSpec) -> dict[str, Any]:
    config: dict[str, Any] = {"allow_admin_create_user_only": not auth.self_sign_up}
    invitation = auth.login_with.email_settings.user_invitation if auth.login_with.email_enabled else None
    if invitation is not None:
        template = {key: code(text) for key, text in (("email_subject", invitation.email_subject),
                                                      ("email_message", invitation.email_body),
                                                      ("sms_message", invitation.sms_message)) if text}
        if template:
            config["invite_message_template"] = template
    return config


def _verification(auth: AuthSpec) -> dict[str, Any]:
    email = auth.login_with.email_settings
    sms = auth.login_with.phone_settings.verification_message
    template: dict[str, Any] = {"sms_message": code(sms) if sms else DEFAULT_CODE_MESSAGE}
    if email.verification_email_style == "link":
        template["default_email_option"] = "CONFIRM_WITH_LINK"
        template["email_message_by_link"] = link(email.verification_email_body or DEFAULT_LINK_MESSAGE)
        template["email_subject_by_link"] = email.verification_email_subject or DEFAULT_SUBJECT
    else:
        template["default_email_option"] = "CONFIRM_WITH_CODE"
        template["email_message"] = code(email.verification_email_body or DEFAULT_CODE_MESSAGE)
        template["email_subject"] = email.verification_email_subject or DEFAULT_SUBJECT
    return dict(sorted(template.items()))
