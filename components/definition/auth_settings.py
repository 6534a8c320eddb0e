"""The auth stack settings: OAuth URLs, the hosted-UI domain, provider credentials (secrets), threat protection.

Contract: `AUTH_KEYS` are the ``ampliform:*`` keys this module owns (`ampliform.definition.settings` routes
them here). `parse_auth_settings(raw, secret_keys, at, env)` takes those keys (without the namespace) with
their values decoded from JSON, the names of the config keys Pulumi marks secret (``ampliform:google``, ...)
and the location prefix (``stacks/Pulumi.dev.yaml: ``), and returns ``(AuthSettings, problems)``; each
problem is located as ``<at>ampliform:<key>[.<field>]``.

- ``callbackUrls`` / ``logoutUrls``: lists of absolute URLs without a fragment, https except
  ``http://localhost`` (Cognito's rule); app schemes (``myapp://callback``) are allowed outside prod. In
  prod every URL is https, localhost excepted (the same rule as the policy pack's).
- ``authDomainPrefix``: the hosted-UI domain prefix (Cognito's rules: lower-case letters, digits and
  hyphens, at most 63, without ``aws``, ``amazon`` or ``cognito``).
- ``google`` / ``facebook`` / ``amazon`` ``{clientId, clientSecret}``, ``apple`` ``{clientId, keyId,
  privateKey, teamId}``, ``oidc`` ``{<provider name>: {clientId, clientSecret}}``: credentials. A
  ``clientSecret`` or ``privateKey`` must be a secret (``pulumi config set --secret --path ...``); a value
  Pulumi has not decrypted (``{secure: ...}`` in a stack file, as the offline preview reads it) is a
  `Credential` without a value. Every field of a key Pulumi marks secret is a secret.
- ``threatProtection``: ``off`` (default), ``audit`` or ``enforced`` (Cognito's Plus feature plan).
- ``mfaOffReason``: why MFA is off in prod (the policy pack accepts MFA off in prod only with it).

Pure: no pulumi import; `Credential.value` never appears in a repr or an error message.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ampliform.errors import Problem

NAMESPACE = "ampliform"
PROVIDER_FIELDS: dict[str, tuple[str, ...]] = {
    "google": ("clientId", "clientSecret"),
    "facebook": ("clientId", "clientSecret"),
    "amazon": ("clientId", "clientSecret"),
    "apple": ("clientId", "keyId", "privateKey", "teamId"),
}
"""Each social provider's credential setting and its fields."""
OIDC_FIELDS = ("clientId", "clientSecret")
SECRET_FIELDS = ("clientSecret", "privateKey")
"""Fields that must be Pulumi secrets."""
THREAT_PROTECTION = ("off", "audit", "enforced")
AUTH_KEYS = ("callbackUrls", "logoutUrls", "authDomainPrefix", *PROVIDER_FIELDS, "oidc", "threatProtection",
             "mfaOffReason")
AUTH_TEXT_KEYS = ("authDomainPrefix", "threatProtection", "mfaOffReason")
"""Keys whose value is kept as the raw string (the others are JSON-decoded, as Pulumi's get_object)."""

_DOMAIN_PREFIX = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://([^/?#]*)")
_TAG_TEXT = re.compile(r"^[\w\s.:/=+\-@]{1,256}$")


@dataclass(frozen=True)
class Credential:
    """One credential field of a stack setting: its value (None when Pulumi has not decrypted it, as offline)
    and whether it is a secret. The value never shows in a repr."""

    key: str
    """Where it is set, e.g. ``ampliform:google.clientSecret``."""
    value: str | None = field(repr=False)
    secret: bool


@dataclass(frozen=True)
class AuthSettings:
    """A stack's auth settings with defaults applied."""

    callback_urls: tuple[str, ...] = ()
    logout_urls: tuple[str, ...] = ()
    domain_prefix: str | None = None
    providers: Mapping[str, Mapping[str, Credential]] = field(default_factory=dict)
    """``google`` / ``facebook`` / ``amazon`` / ``apple`` → field → credential."""
    oidc: Mapping[str, Mapping[str, Credential]] = field(default_factory=dict)
    """OIDC provider name → field → credential."""
    threat_protection: str = "off"
    mfa_off_reason: str | None = None


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    callbackUrls: tuple[str, ...] | None = None  # noqa: N815 - config key
    logoutUrls: tuple[str, ...] | None = None  # noqa: N815 - config key
    authDomainPrefix: str | None = None  # noqa: N815 - config key
    threatProtection: Literal["off", "audit", "enforced"] | None = Field(default=None)  # noqa: N815
    mfaOffReason: str | None = None  # noqa: N815 - config key


def parse_auth_settings(raw: Mapping[str, Any], secret_keys: Collection[str], at: str,
                        env: str) -> tuple[AuthSettings, list[Problem]]:
    """The auth settings of one stack and every problem with them (see the module docstring)."""
    problems: list[Problem] = []
    plain = {k: v for k, v in raw.items() if k in _Config.model_fields}
    config = _shape(plain, at, problems)
    providers = {name: creds for name in PROVIDER_FIELDS if name in raw
                 if (creds := _credentials(name, raw[name], PROVIDER_FIELDS[name], secret_keys, at, problems))}
    oidc = _oidc(raw.get("oidc"), secret_keys, at, problems) if "oidc" in raw else {}
    callback = tuple(config.callbackUrls or ()) if config else ()
    logout = tuple(config.logoutUrls or ()) if config else ()
    for key, urls in (("callbackUrls", callback), ("logoutUrls", logout)):
        for i, url in enumerate(urls):
            problems += _url_problems(url, env, f"{at}{NAMESPACE}:{key}[{i}]")
    prefix = config.authDomainPrefix if config else None
    if prefix is not None and not _domain_prefix_ok(prefix):
        problems.append(Problem(f"invalid hosted-UI domain prefix {prefix!r}", f"{at}{NAMESPACE}:authDomainPrefix",
                                "Use 1 to 63 lower-case letters, digits and hyphens (not first or last), "
                                "without the words aws, amazon or cognito."))
    reason = config.mfaOffReason if config else None
    if reason is not None and not _TAG_TEXT.fullmatch(reason):
        problems.append(Problem("`ampliform:mfaOffReason` must be 1 to 256 letters, digits, spaces or _ . : / = + - @",
                                f"{at}{NAMESPACE}:mfaOffReason", "Write a short sentence, e.g. \"internal tool, "
                                "SSO enforces MFA\"."))
    settings = AuthSettings(callback, logout, prefix, providers, oidc,
                            (config.threatProtection if config else None) or "off", reason)
    return settings, problems


def _shape(plain: Mapping[str, Any], at: str, problems: list[Problem]) -> _Config | None:
    from pydantic import ValidationError

    try:
        return _Config.model_validate(dict(plain))
    except ValidationError as exc:
        for err in exc.errors():
            loc = err["loc"]
            key = f"{NAMESPACE}:{loc[0]}" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:])
            expected = "a list of URLs" if loc[0] in ("callbackUrls", "logoutUrls") else (
                "off, audit or enforced" if loc[0] == "threatProtection" else "a string")
            problems.append(Problem(f"`{key}` must be {expected}", f"{at}{key}", f"Set `{NAMESPACE}:{loc[0]}` to "
                                    f"{expected}."))
        return None


def _credential_value(value: Any) -> tuple[str | None, bool] | None:
    """A field's value and whether the stack file holds it encrypted (``{secure: ...}``); None if malformed."""
    if isinstance(value, str) and value:
        return value, False
    if isinstance(value, Mapping) and set(value) == {"secure"} and isinstance(value["secure"], str):
        return None, True
    return None


def _credentials(name: str, value: Any, fields: tuple[str, ...], secret_keys: Collection[str], at: str,
                 problems: list[Problem], setting: str | None = None) -> dict[str, Credential]:
    setting = setting or f"{NAMESPACE}:{name}"
    whole_secret = f"{NAMESPACE}:{name}" in secret_keys
    shape = "{" + ", ".join(fields) + "}"
    if not isinstance(value, Mapping):
        problems.append(Problem(f"`{setting}` must be a mapping {shape}", f"{at}{setting}",
                                f"Set each field: `pulumi config set --path {setting}.{fields[0]} ...`."))
        return {}
    out: dict[str, Credential] = {}
    for key in value:
        if key not in fields:
            problems.append(Problem(f"unknown field `{key}` in `{setting}`", f"{at}{setting}.{key}",
                                    f"Its fields are {', '.join(fields)}."))
    for key in fields:
        where = f"{setting}.{key}"
        if key not in value:
            flag = "--secret " if key in SECRET_FIELDS else ""
            problems.append(Problem(f"missing `{where}`", f"{at}{where}",
                                    f"`pulumi config set {flag}--path {where} <value>`."))
            continue
        parsed = _credential_value(value[key])
        if parsed is None:
            problems.append(Problem(f"`{where}` must be a non-empty string", f"{at}{where}",
                                    f"`pulumi config set --path {where} <value>`."))
            continue
        text, encrypted = parsed
        secret = whole_secret or encrypted
        if key in SECRET_FIELDS and not secret:
            problems.append(Problem(f"`{where}` is a credential in plain text", f"{at}{where}",
                                    f"Store it encrypted: `pulumi config set --secret --path {where} <value>` "
                                    "(and revoke the exposed one)."))
            continue
        out[key] = Credential(where, text, secret)
    return out if len(out) == len(fields) else {}


def _oidc(value: Any, secret_keys: Collection[str], at: str, problems: list[Problem]
          ) -> dict[str, dict[str, Credential]]:
    setting = f"{NAMESPACE}:oidc"
    if not isinstance(value, Mapping):
        problems.append(Problem(f"`{setting}` must be a mapping of provider name → {{clientId, clientSecret}}",
                                f"{at}{setting}", f"`pulumi config set --secret --path {setting}.<name>.clientSecret "
                                "<value>`."))
        return {}
    out = {}
    for name, creds in value.items():
        found = _credentials("oidc", creds, OIDC_FIELDS, secret_keys, at, problems, f"{setting}.{name}")
        if found:
            out[str(name)] = found
    return out


def _url_problems(url: str, env: str, location: str) -> list[Problem]:
    match = _SCHEME.match(url)
    if match is None or "#" in url:
        return [Problem(f"invalid redirect URL {url!r}", location,
                        "Write an absolute URL without a fragment, e.g. https://app.example.com/auth/callback.")]
    scheme, host = match.group(1).lower(), match.group(2).lower()
    local = host.split(":")[0] in ("localhost", "127.0.0.1")
    if scheme == "http" and not local:
        return [Problem(f"redirect URL {url!r} is not https", location,
                        "Cognito accepts http only for http://localhost; use https://.")]
    if env == "prod" and scheme != "https" and not local:
        return [Problem(f"redirect URL {url!r} is not https, which prod requires", location,
                        "In prod use https:// URLs (localhost excepted).")]
    return []


def _domain_prefix_ok(prefix: str) -> bool:
    return bool(_DOMAIN_PREFIX.fullmatch(prefix)) and not any(w in prefix for w in ("aws", "amazon", "cognito"))
