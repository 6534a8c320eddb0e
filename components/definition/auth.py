"""The `auth:` section of a definition: Amplify's `defineAuth` surface in snake_case (pydantic v2, strict, frozen).

Contract: `AuthSpec` holds what the user wrote — `groups`, `login_with` (email, phone, external providers),
`multifactor`, `user_attributes` (Amplify's standard attribute names in snake_case, and ``custom:<name>``),
`account_recovery`, `senders` (written `sender` too), `self_sign_up`, `triggers`, `access` — and checks
shape and types only (unknown keys, wrong types, unknown values; enumerations are case-insensitive, so
Amplify's ``OPTIONAL`` and ``optional`` are the same). Nothing per stack lives here: credentials, callback
and logout URLs and the domain prefix are stack settings (`ampliform.definition.auth_settings`). Meaning
(Amplify's rules and Cognito's) is checked by `ampliform.auth.check`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BeforeValidator, Field

from ampliform.definition.auth_providers import ExternalProviders
from ampliform.definition.base import StrictModel

STANDARD_ATTRIBUTES: dict[str, str] = {
    "address": "address", "birthdate": "birthdate", "email": "email", "family_name": "family_name",
    "fullname": "name", "gender": "gender", "given_name": "given_name", "last_update_time": "updated_at",
    "locale": "locale", "middle_name": "middle_name", "nickname": "nickname", "phone_number": "phone_number",
    "preferred_username": "preferred_username", "profile_page": "profile", "profile_picture": "picture",
    "timezone": "zoneinfo", "website": "website",
}
"""Amplify's standard attribute names (snake_case, as a definition writes them) → Cognito's attribute names."""

TRIGGER_EVENTS = ("create_auth_challenge", "custom_message", "define_auth_challenge", "post_authentication",
                  "post_confirmation", "pre_authentication", "pre_sign_up", "pre_token_generation",
                  "user_migration", "verify_auth_challenge_response")
"""Cognito's Lambda triggers, as Amplify names them (snake_case)."""

AUTH_ACTIONS: dict[str, tuple[str, ...]] = {
    "manage_users": ("AdminConfirmSignUp", "AdminCreateUser", "AdminDeleteUser", "AdminDeleteUserAttributes",
                     "AdminDisableUser", "AdminEnableUser", "AdminGetUser", "AdminListGroupsForUser",
                     "AdminRespondToAuthChallenge", "AdminSetUserMFAPreference", "AdminSetUserSettings",
                     "AdminUpdateUserAttributes", "AdminUserGlobalSignOut"),
    "manage_group_membership": ("AdminAddUserToGroup", "AdminRemoveUserFromGroup"),
    "manage_groups": ("GetGroup", "ListGroups", "CreateGroup", "DeleteGroup", "UpdateGroup"),
    "manage_user_devices": ("AdminForgetDevice", "AdminGetDevice", "AdminListDevices", "AdminUpdateDeviceStatus"),
    "manage_password_recovery": ("AdminResetUserPassword", "AdminSetUserPassword"),
    "manage_provider_for_user": ("AdminLinkProviderForUser",),
    "add_user_to_group": ("AdminAddUserToGroup",), "create_group": ("CreateGroup",),
    "create_user": ("AdminCreateUser",), "delete_group": ("DeleteGroup",), "delete_user": ("AdminDeleteUser",),
    "delete_user_attributes": ("AdminDeleteUserAttributes",), "disable_user": ("AdminDisableUser",),
    "enable_user": ("AdminEnableUser",), "forget_device": ("AdminForgetDevice",), "get_device": ("AdminGetDevice",),
    "get_group": ("GetGroup",), "get_user": ("AdminGetUser",), "list_users": ("ListUsers",),
    "list_users_in_group": ("ListUsersInGroup",), "list_devices": ("AdminListDevices",),
    "list_groups": ("ListGroups",), "list_groups_for_user": ("AdminListGroupsForUser",),
    "remove_user_from_group": ("AdminRemoveUserFromGroup",), "reset_user_password": ("AdminResetUserPassword",),
    "set_user_mfa_preference": ("AdminSetUserMFAPreference",), "set_user_password": ("AdminSetUserPassword",),
    "set_user_settings": ("AdminSetUserSettings",), "update_device_status": ("AdminUpdateDeviceStatus",),
    "update_group": ("UpdateGroup",), "update_user_attributes": ("AdminUpdateUserAttributes",),
}
"""Amplify's auth access actions (snake_case) → the ``cognito-idp:`` actions each grants on the user pool
(Amplify's own table, `@aws-amplify/backend-auth` userpool_access_policy_factory)."""

Recovery = Literal["email_only", "phone_only_without_mfa", "phone_without_mfa_and_email",
                   "email_and_phone_without_mfa", "phone_and_email", "none"]
"""Amplify's `accountRecovery` values (lower case)."""


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


Text = Annotated[str, Field(min_length=1, max_length=20_000)]


class UserInvitation(StrictModel):
    """The message an administrator-created user receives (``{username}`` and ``{code}`` placeholders)."""

    email_subject: Text | None = None
    email_body: Text | None = Field(default=None, description="With {username} and {code}.")
    sms_message: Text | None = Field(default=None, description="With {username} and {code}.")


class EmailLogin(StrictModel):
    """Amplify's `loginWith.email` settings."""

    verification_email_style: Annotated[Literal["code", "link"], BeforeValidator(_lower)] = "code"
    verification_email_subject: Text | None = None
    verification_email_body: Text | None = Field(
        default=None, description="With {code} (style code), or {link} / {link:Text} (style link).")
    user_invitation: UserInvitation | None = None


class PhoneLogin(StrictModel):
    """Amplify's `loginWith.phone` settings."""

    verification_message: Text | None = Field(default=None, description="The SMS text, with {code}.")


class LoginWith(StrictModel):
    """How users sign in: email and/or phone number as the username, plus external providers."""

    email: bool | EmailLogin = Field(default=False, description="true, or the email settings.")
    phone: bool | PhoneLogin = Field(default=False, description="true, or the phone settings.")
    external_providers: ExternalProviders | None = None

    @property
    def email_enabled(self) -> bool:
        return self.email is not False

    @property
    def phone_enabled(self) -> bool:
        return self.phone is not False

    @property
    def email_settings(self) -> EmailLogin:
        return self.email if isinstance(self.email, EmailLogin) else EmailLogin()

    @property
    def phone_settings(self) -> PhoneLogin:
        return self.phone if isinstance(self.phone, PhoneLogin) else PhoneLogin()


class SmsMfa(StrictModel):
    """SMS MFA with its own message."""

    sms_message: Text = Field(description="The SMS text, with {code}.")


class Multifactor(StrictModel):
    """Amplify's `multifactor`: off, optional or required, and the methods."""

    mode: Annotated[Literal["off", "optional", "required"], BeforeValidator(_lower)] = "off"
    totp: bool = Field(default=False, description="Authenticator apps (TOTP).")
    sms: bool | SmsMfa = Field(default=False, description="Codes by SMS (needs the SNS role ampliform creates).")

    @property
    def sms_enabled(self) -> bool:
        return self.mode != "off" and self.sms is not False

    @property
    def totp_enabled(self) -> bool:
        return self.mode != "off" and self.totp


class StandardAttribute(StrictModel):
    """A standard attribute's settings."""

    mutable: bool = True
    required: bool = False


class CustomAttribute(StrictModel):
    """A custom attribute (``custom:<name>``); Cognito never makes these required."""

    type: Annotated[Literal["string", "number", "boolean", "datetime"], BeforeValidator(_lower)] = Field(
        validation_alias=AliasChoices("type", "data_type"), description="string, number, boolean or datetime.")
    mutable: bool = True
    min_len: Annotated[int, Field(ge=0, le=2048)] | None = None
    max_len: Annotated[int, Field(ge=0, le=2048)] | None = None
    min: int | None = None
    max: int | None = None


class EmailSender(StrictModel):
    """Send email through Amazon SES from a verified identity (Amplify's `senders.email`)."""

    from_email: Annotated[str, Field(min_length=3, max_length=254)]
    from_name: Annotated[str, Field(min_length=1, max_length=256)] | None = None
    reply_to: Annotated[str, Field(min_length=3, max_length=254)] | None = None
    configuration_set: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class Senders(StrictModel):
    """Amplify's `senders`."""

    email: EmailSender | None = None


class AuthAccess(StrictModel):
    """`allow.resource(<function>).to([...])`: what a function may do with the user pool."""

    function: Annotated[str, Field(min_length=1)]
    to: tuple[Annotated[str, BeforeValidator(_lower)], ...] = Field(
        description="Amplify's actions, e.g. add_user_to_group, manage_users.")


class AuthSpec(StrictModel):
    """`auth:` — Amplify's `defineAuth` in snake_case (see the module docstring)."""

    groups: tuple[Annotated[str, Field(min_length=1)], ...] = Field(
        default=(), description="User-pool groups; precedence is list order (the first wins).")
    login_with: LoginWith = Field(default_factory=lambda: LoginWith(email=True),
                                  description="Sign-in methods; default: email.")
    multifactor: Multifactor = Field(default_factory=Multifactor, description="MFA; default off.")
    user_attributes: dict[str, Any] = Field(
        default_factory=dict, description="Standard (snake_case) and custom:<name> attributes.")
    account_recovery: Annotated[Recovery, BeforeValidator(_lower)] | None = Field(
        default=None, description="How users recover their account; default from the sign-in methods.")
    senders: Senders = Field(default_factory=Senders, validation_alias=AliasChoices("senders", "sender"),
                             description="Email through Amazon SES.")
    self_sign_up: bool = Field(default=True, description="false: only administrators create users.")
    triggers: dict[str, Annotated[str, Field(min_length=1)]] = Field(
        default_factory=dict, description="Cognito trigger (pre_sign_up, ...) → function name.")
    access: tuple[AuthAccess, ...] = Field(default=(), description="Functions' access to the user pool.")

    @property
    def standard_attributes(self) -> dict[str, Any]:
        """The standard attributes written, by their definition name."""
        return {k: v for k, v in self.user_attributes.items() if not k.startswith("custom:")}

    @property
    def custom_attributes(self) -> dict[str, Any]:
        """The custom attributes written, by their name without ``custom:``."""
        return {k.removeprefix("custom:"): v for k, v in self.user_attributes.items() if k.startswith("custom:")}
