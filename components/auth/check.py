"""Meaning checks of the `auth:` section, and of the stack settings it needs: every problem, located, in one run.

Contract:
- `auth_problems(auth)` checks a definition alone: group names (1 to 128 characters, no whitespace or
  control characters, each once: its position is its precedence, no two sharing a resource name,
  `ampliform.naming.slug`); sign-in methods; message templates and
  their placeholders; MFA; user attributes (`ampliform.auth.attributes`); external providers (names, URLs,
  scopes, attribute mappings, and no credential or per-stack value in the definition); triggers; access.
  Amplify's exact message where Amplify has one (``tests/reference/amplify/auth/auth-invalid*.json``).
- `auth_settings_problems(auth, settings)` checks the definition against a stack's settings: callback and
  logout URLs with external providers (Amplify's messages), the credentials of every provider declared and
  of no other, settings that would have no effect.
"""

from __future__ import annotations

import re

from ampliform.auth.attributes import attribute_problems
from ampliform.definition.auth import AUTH_ACTIONS, STANDARD_ATTRIBUTES, TRIGGER_EVENTS, AuthSpec
from ampliform.definition.auth_providers import CREDENTIAL_KEYS, OAUTH_SCOPES, STACK_KEYS, ExternalProviders
from ampliform.definition.auth_settings import NAMESPACE
from ampliform.definition.settings import Settings
from ampliform.errors import Problem, where
from ampliform.naming import slug

GROUP_PATTERN = re.compile(r"^[^\s\x00-\x1f]{1,128}$")
PROVIDER_NAME = re.compile(r"^[^_\s][^\s]{0,30}[^_\s]$")
RESERVED_PROVIDER_NAMES = {"cognito", "google", "facebook", "loginwithamazon", "signinwithapple"}
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
SETTING_OF = {"google": "google", "facebook": "facebook", "login_with_amazon": "amazon",
              "sign_in_with_apple": "apple"}
"""A social provider's definition key → the stack setting holding its credentials."""
CODE = "{code}"
LINK = re.compile(r"\{link(:[^}]*)?\}")
NEEDS_OPENID = ("phone", "email", "profile")


def auth_problems(auth: AuthSpec) -> list[Problem]:
    """Every problem of `auth`, in a stable order."""
    problems = _group_problems(auth)
    problems += _login_problems(auth)
    problems += _mfa_problems(auth)
    problems += attribute_problems(auth)
    if auth.login_with.external_providers is not None:
        problems += _provider_problems(auth.login_with.external_providers)
    problems += _sender_problems(auth)
    problems += _trigger_and_access_problems(auth)
    return problems


def _group_problems(auth: AuthSpec) -> list[Problem]:
    problems, seen = [], set()
    slugs: dict[str, str] = {}
    for i, group in enumerate(auth.groups):
        at = where("auth", "groups", i)
        if not GROUP_PATTERN.fullmatch(group):
            problems.append(Problem(f"Group name {group!r} is not a valid Cognito group name.", at,
                                    "Use 1 to 128 characters without spaces or control characters."))
        if group in seen:
            problems.append(Problem(f"Group {group!r} is declared more than once.", at,
                                    "Declare each group once; its position sets its precedence."))
        other = slugs.get(slug(group))
        if other is not None and other != group:
            problems.append(Problem(f"groups {other!r} and {group!r} would share the resource name {slug(group)!r}",
                                    at, "Give the groups names that differ in more than case and punctuation."))
        slugs.setdefault(slug(group), group)
        seen.add(group)
    return problems


def _login_problems(auth: AuthSpec) -> list[Problem]:
    login, at = auth.login_with, ("auth", "login_with")
    external = login.external_providers is not None and login.external_providers.any
    if not (login.email_enabled or login.phone_enabled):
        message = ("At least one of email or phone must be enabled." if external else
                   "At least one authentication method must be enabled. Configure email, phone, or external "
                   "providers in loginWith.")
        return [Problem(message, where(*at), "Add `email: true` (or `phone: true`) under auth.login_with.")]
    problems = []
    email = login.email_settings
    body = email.verification_email_body
    if body is not None and email.verification_email_style == "code" and CODE not in body:
        problems.append(Problem("Invalid email settings. Property 'verificationEmailBody' must utilize the 'code' "
                                "parameter at least once as a placeholder for the verification code.",
                                where(*at, "email", "verification_email_body"), "Put {code} in the body."))
    if body is not None and email.verification_email_style == "link" and not LINK.search(body):
        problems.append(Problem("Invalid email settings. Property 'verificationEmailBody' must utilize the 'link' "
                                "parameter at least once as a placeholder for the verification link.",
                                where(*at, "email", "verification_email_body"),
                                "Put {link} or {link:Link text} in the body."))
    subject = email.verification_email_subject
    if subject is not None and len(subject) > 140:
        problems.append(Problem("the verification email subject is longer than 140 characters (Cognito's limit)",
                                where(*at, "email", "verification_email_subject"), "Shorten it."))
    invitation = email.user_invitation
    if invitation is not None:
        for key in ("email_body", "sms_message"):
            text = getattr(invitation, key)
            if text is not None and not ("{username}" in text and CODE in text):
                problems.append(Problem(f"the invitation's {key} must contain {{username}} and {{code}}",
                                        where(*at, "email", "user_invitation", key),
                                        "Cognito sends the user name and a temporary password: put both "
                                        "placeholders in the text."))
    sms = login.phone_settings.verification_message
    if sms is not None and CODE not in sms:
        problems.append(Problem("Invalid phone settings. Property 'verificationMessage' must utilize the 'code' "
                                "parameter at least once as a placeholder for the verification code.",
                                where(*at, "phone", "verification_message"), "Put {code} in the message."))
    return problems


def _mfa_problems(auth: AuthSpec) -> list[Problem]:
    mfa, at = auth.multifactor, ("auth", "multifactor")
    if mfa.mode == "off":
        extra = [k for k in ("totp", "sms") if getattr(mfa, k) is not False]
        return [Problem(f"multifactor.{k} has no effect while mode is off", where(*at, k),
                        "Set `mode: optional` (or required), or remove it.") for k in extra]
    problems = []
    if auth.login_with.phone_enabled and not mfa.sms_enabled:
        problems.append(Problem("Invalid MFA settings. SMS must be enabled in multiFactor if loginWith phone is "
                                "enabled", where(*at, "sms"), "Add `sms: true`."))
    elif not (mfa.totp or mfa.sms_enabled):
        problems.append(Problem(f"MFA is {mfa.mode} but no method is enabled", where(*at),
                                "Enable `totp: true` and/or `sms: true`."))
    sms = mfa.sms
    if not isinstance(sms, bool) and CODE not in sms.sms_message:
        problems.append(Problem("Invalid MFA settings. Property 'smsMessage' must utilize the 'code' parameter at "
                                "least once as a placeholder for the verification code.",
                                where(*at, "sms", "sms_message"), "Put {code} in the message."))
    return problems


def _provider_problems(providers: ExternalProviders) -> list[Problem]:
    at = ("auth", "login_with", "external_providers")
    problems = [Problem(f"`{key}` is per stack, not part of the definition", where(*at, key),
                        f"Set `{NAMESPACE}:{setting}` in stacks/Pulumi.<stack>.yaml and remove it here.")
                for key, setting in STACK_KEYS.items() if getattr(providers, key) is not None]
    for key, provider in providers.social.items():
        problems += _credentials_here(provider, (*at, key), f"{NAMESPACE}:{SETTING_OF[key]}")
        problems += _mapping_problems(provider.attribute_mapping, (*at, key, "attribute_mapping"))
    names: dict[str, tuple[str | int, ...]] = {}
    for i, oidc in enumerate(providers.oidc):
        here = (*at, "oidc", i)
        problems += _credentials_here(oidc, here, f"{NAMESPACE}:oidc.{oidc.name}")
        problems += _name_problems(oidc.name, here, names)
        if not oidc.issuer_url.startswith("https://"):
            problems.append(Problem(f"OIDC issuer {oidc.issuer_url!r} is not an https URL",
                                    where(*here, "issuer_url"), "Use the issuer's https:// URL."))
        problems += _mapping_problems(oidc.attribute_mapping, (*here, "attribute_mapping"))
    if providers.saml is not None:
        saml, saml_at = providers.saml, (*at, "saml")
        problems += _name_problems(saml.name, saml_at, names)
        if (saml.metadata_url is None) == (saml.metadata is None):
            problems.append(Problem("a SAML provider needs exactly one of metadata_url and metadata", where(*saml_at),
                                    "Give `metadata_url: https://idp.example.com/metadata.xml`."))
        elif saml.metadata_url is not None and not saml.metadata_url.startswith("https://"):
            problems.append(Problem(f"SAML metadata URL {saml.metadata_url!r} is not an https URL",
                                    where(*saml_at, "metadata_url"), "Use the IdP's https:// metadata URL."))
        problems += _mapping_problems(saml.attribute_mapping, (*saml_at, "attribute_mapping"))
    return problems + _scope_problems(providers.scopes, (*at, "scopes"))


def _credentials_here(provider: object, at: tuple[str | int, ...], setting: str) -> list[Problem]:
    return [Problem(f"`{key}` is a credential: it never goes in the definition", where(*at, key),
                    f"Remove it and set `{setting}` in the stack settings (`pulumi config set --secret --path "
                    f"{setting}.<field> ...`).")
            for key in CREDENTIAL_KEYS if getattr(provider, key, None) is not None]


def _name_problems(name: str, at: tuple[str | int, ...], seen: dict[str, tuple[str | int, ...]]) -> list[Problem]:
    problems = []
    if not PROVIDER_NAME.fullmatch(name) or name.lower() in RESERVED_PROVIDER_NAMES:
        problems.append(Problem(f"invalid identity provider name {name!r}", where(*at, "name"),
                                "Use 3 to 32 characters without spaces, not starting or ending with _, and not "
                                "Cognito, Google, Facebook, LoginWithAmazon or SignInWithApple."))
    if name in seen:
        problems.append(Problem(f"identity provider {name!r} is declared more than once", where(*at, "name"),
                                "Give each provider its own name."))
    seen[name] = at
    return problems


def _mapping_problems(mapping: dict, at: tuple[str | int, ...]) -> list[Problem]:
    problems = []
    for key, value in mapping.items():
        if key == "custom" and isinstance(value, dict):
            bad = [k for k, v in value.items() if not isinstance(v, str) or not v]
            problems += [Problem("a mapped attribute names a provider attribute", where(*at, "custom", k),
                                 "Write `<custom name>: <provider attribute>`.") for k in bad]
        elif key != "custom" and not key.startswith("custom:") and key not in STANDARD_ATTRIBUTES:
            problems.append(Problem(f"unknown attribute `{key}` in the attribute mapping", where(*at, key),
                                    f"Map standard attributes ({', '.join(sorted(STANDARD_ATTRIBUTES))}) or "
                                    "custom:<name>."))
        elif key != "custom" and (not isinstance(value, str) or not value):
            problems.append(Problem("a mapped attribute names a provider attribute", where(*at, key),
                                    "Write `<user-pool attribute>: <provider attribute>`, e.g. `email: email`."))
    return problems


def _scope_problems(scopes: tuple[str, ...] | None, at: tuple[str | int, ...]) -> list[Problem]:
    if scopes is None:
        return []
    problems = [Problem(f"unknown OAuth scope {s!r}", where(*at, i),
                        "Use phone, email, openid, profile or cognito_admin.")
                for i, s in enumerate(scopes) if s not in OAUTH_SCOPES]
    if not scopes:
        problems.append(Problem("`scopes` lists no scope", where(*at), "List at least `openid`."))
    elif "openid" not in scopes and any(s in NEEDS_OPENID for s in scopes):
        problems.append(Problem("the phone, email and profile scopes need the openid scope", where(*at),
                                "Add `openid`."))
    return problems


def _sender_problems(auth: AuthSpec) -> list[Problem]:
    sender = auth.senders.email
    if sender is None:
        return []
    at = ("auth", "senders", "email")
    return [Problem(f"{key} {getattr(sender, key)!r} is not an email address", where(*at, key),
                    "Write an address such as no-reply@example.com (an identity verified in Amazon SES).")
            for key in ("from_email", "reply_to") if getattr(sender, key) and not EMAIL.fullmatch(getattr(sender, key))]


def _trigger_and_access_problems(auth: AuthSpec) -> list[Problem]:
    problems = [Problem(f"unknown auth trigger `{event}`", where("auth", "triggers", event),
                        f"Use one of: {', '.join(TRIGGER_EVENTS)}.")
                for event in auth.triggers if event not in TRIGGER_EVENTS]
    for i, rule in enumerate(auth.access):
        at = where("auth", "access", i, "to")
        if not rule.to:
            problems.append(Problem("At least one action must be specified.", at,
                                    "Ensure all resource access rules specify at least one action."))
        problems += [Problem(f"unknown auth action `{action}`", f"{at}[{j}]",
                             f"Use Amplify's actions: {', '.join(AUTH_ACTIONS)}.")
                     for j, action in enumerate(rule.to) if action not in AUTH_ACTIONS]
    return problems


def auth_settings_problems(auth: AuthSpec, settings: Settings) -> list[Problem]:
    """Every problem of `auth` together with the stack's settings (see the module docstring)."""
    stack, at = settings.auth, f"stacks/Pulumi.{settings.stack}.yaml: {NAMESPACE}:"
    providers = auth.login_with.external_providers or ExternalProviders()
    problems = []
    if providers.any and not stack.callback_urls:
        problems.append(Problem("You must define callbackUrls when configuring external login providers.",
                                f"{at}callbackUrls", f"Set `{NAMESPACE}:callbackUrls: [https://app.example.com/]`."))
    if providers.any and not stack.logout_urls:
        problems.append(Problem("You must define logoutUrls when configuring external login providers.",
                                f"{at}logoutUrls", f"Set `{NAMESPACE}:logoutUrls: [https://app.example.com/]`."))
    elif stack.callback_urls and not stack.logout_urls:
        problems.append(Problem("`callbackUrls` need `logoutUrls` (Amplify's client signs out through them)",
                                f"{at}logoutUrls", f"Set `{NAMESPACE}:logoutUrls: [https://app.example.com/]`."))
    if stack.logout_urls and not (providers.any or stack.callback_urls):
        problems.append(Problem("`logoutUrls` without `callbackUrls` has no effect", f"{at}logoutUrls",
                                f"Set `{NAMESPACE}:callbackUrls` too, or remove it."))
    if stack.domain_prefix is not None and not (providers.any or stack.callback_urls):
        problems.append(Problem("`authDomainPrefix` has no effect without sign-in redirects", f"{at}authDomainPrefix",
                                "Add external providers or `callbackUrls`, or remove it."))
    declared = {SETTING_OF[key] for key in providers.social}
    for setting in sorted(declared - set(stack.providers)):
        problems.append(Problem(f"missing setting `{NAMESPACE}:{setting}` for the declared provider", f"{at}{setting}",
                                f"`pulumi config set --secret --path {NAMESPACE}:{setting}.clientSecret ...` and each "
                                "other field (see README, Sign-in providers)."))
    for setting in sorted(set(stack.providers) - declared):
        problems.append(Problem(f"`{NAMESPACE}:{setting}` is set, but the definition declares no such provider",
                                f"{at}{setting}", "Declare it under auth.login_with.external_providers, or remove "
                                "the setting."))
    names = {o.name for o in providers.oidc}
    problems += [Problem(f"missing setting `{NAMESPACE}:oidc.{n}` for the declared OIDC provider", f"{at}oidc.{n}",
                         f"`pulumi config set --secret --path {NAMESPACE}:oidc.{n}.clientSecret ...` and clientId.")
                 for n in sorted(names - set(stack.oidc))]
    problems += [Problem(f"`{NAMESPACE}:oidc.{n}` is set, but the definition declares no OIDC provider {n!r}",
                         f"{at}oidc.{n}", "Fix the name, or remove the setting.")
                 for n in sorted(set(stack.oidc) - names)]
    if stack.mfa_off_reason is not None and auth.multifactor.mode != "off":
        problems.append(Problem("`mfaOffReason` is set, but MFA is not off", f"{at}mfaOffReason", "Remove it."))
    return problems
