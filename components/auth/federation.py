"""Sign-in through other providers and the web client, as plain data: identity providers, OAuth, identity pool.

Contract (pure; the Auth component turns these into resources):
- `identity_providers(auth, settings)`: one `ProviderPlan` per external provider, in Amplify's order
  (Google, Facebook, Login with Amazon, Sign in with Apple, each OIDC provider, the SAML provider): its name
  and type in the user pool, the plain ``provider_details`` (scopes as each provider wants them joined, with
  each provider's usual minimum by default; OIDC issuer and request method; SAML metadata), the credentials
  from the stack settings (``client_id`` ... as `Credential`s, secret where secret), and the attribute
  mapping (email mapped automatically when email is the only sign-in attribute, SAML excepted, as Amplify
  does; then the definition's mapping with Amplify's names turned into Cognito's).
- `oauth_enabled(auth, settings)`: external providers or callback URLs ask for the hosted UI, its domain and
  the OAuth code flow on the web client. `client_args(auth, settings, providers)`: the web client's plain
  arguments: no secret (a browser app), SRP and refresh-token sign-in (plus custom auth when a custom
  challenge trigger exists), no user-existence errors, token revocation, and with OAuth the code flow only
  (never implicit), the scopes (Amplify's five by default), the stack's callback and logout URLs and the
  providers.
- `login_providers(auth, settings)`: the identity pool's ``supported_login_providers`` (Amplify lists the
  social providers' client ids under their token issuers).
- `domain_prefix(settings, project, stack)`: the hosted-UI domain prefix: ``ampliform:authDomainPrefix``, or
  a stable hash of project and stack (Amplify uses one of its backend id).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from ampliform.definition.auth import STANDARD_ATTRIBUTES, AuthSpec
from ampliform.definition.auth_providers import OAUTH_SCOPES
from ampliform.definition.auth_settings import AuthSettings, Credential

DEFAULT_SCOPES = ("phone", "email", "openid", "profile", "aws.cognito.signin.user.admin")
"""The web client's scopes when the definition names none (Amplify's default)."""
SOCIAL = {
    # definition key: (provider name and type, settings key, default scopes, scope separator, token issuer)
    "google": ("Google", "google", ("profile",), " ", "accounts.google.com"),
    "facebook": ("Facebook", "facebook", ("public_profile",), ",", "graph.facebook.com"),
    "login_with_amazon": ("LoginWithAmazon", "amazon", ("profile",), " ", "www.amazon.com"),
    "sign_in_with_apple": ("SignInWithApple", "apple", ("name",), " ", "appleid.apple.com"),
}
CREDENTIAL_DETAILS = {"clientId": "client_id", "clientSecret": "client_secret", "keyId": "key_id",
                      "privateKey": "private_key", "teamId": "team_id"}
"""A credential setting's field → the ``provider_details`` key Cognito reads it from."""
CUSTOM_CHALLENGE = ("define_auth_challenge", "create_auth_challenge", "verify_auth_challenge_response")
AUTH_FLOWS = ("ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH")
OUTPUT_NAMES = {"Google": "GOOGLE", "Facebook": "FACEBOOK", "LoginWithAmazon": "LOGIN_WITH_AMAZON",
                "SignInWithApple": "SIGN_IN_WITH_APPLE"}
"""The providers amplify_outputs' ``oauth.identity_providers`` may name (its schema's enum)."""


@dataclass(frozen=True)
class ProviderPlan:
    """One identity provider of the user pool."""

    name: str
    type: str
    details: dict[str, str]
    credentials: dict[str, Credential] = field(default_factory=dict)
    attribute_mapping: dict[str, str] = field(default_factory=dict)
    identifiers: tuple[str, ...] = ()


def _mapping(auth: AuthSpec, given: dict[str, Any], automatic: bool) -> dict[str, str]:
    login = auth.login_with
    out = {"email": "email"} if automatic and login.email_enabled and not login.phone_enabled else {}
    for key, value in given.items():
        if key == "custom" and isinstance(value, dict):
            out.update({f"custom:{k}": str(v) for k, v in value.items()})
        else:
            out[STANDARD_ATTRIBUTES.get(key, key)] = str(value)
    return out


def identity_providers(auth: AuthSpec, settings: AuthSettings) -> list[ProviderPlan]:
    """The user pool's identity providers (see the module docstring)."""
    external = auth.login_with.external_providers
    if external is None:
        return []
    out = []
    for key, provider in external.social.items():
        name, setting, scopes, sep, _ = SOCIAL[key]
        details = {"authorize_scopes": sep.join(provider.scopes or scopes)}
        api_version = getattr(provider, "api_version", None)
        if api_version:
            details["api_version"] = api_version
        creds = {CREDENTIAL_DETAILS[k]: c for k, c in settings.providers.get(setting, {}).items()}
        out.append(ProviderPlan(name, name, details, creds, _mapping(auth, provider.attribute_mapping, True)))
    for oidc in external.oidc:
        details = {"authorize_scopes": " ".join(oidc.scopes or ("openid",)), "oidc_issuer": oidc.issuer_url,
                   "attributes_request_method": oidc.attribute_request_method.upper()}
        if oidc.endpoints is not None:
            details.update({"authorize_url": oidc.endpoints.authorization, "token_url": oidc.endpoints.token,
                            "attributes_url": oidc.endpoints.user_info, "jwks_uri": oidc.endpoints.jwks_uri})
        creds = {CREDENTIAL_DETAILS[k]: c for k, c in settings.oidc.get(oidc.name, {}).items()}
        out.append(ProviderPlan(oidc.name, "OIDC", details, creds, _mapping(auth, oidc.attribute_mapping, True),
                                oidc.identifiers))
    if external.saml is not None:
        saml = external.saml
        url = saml.metadata_url or (saml.metadata.metadata_content if saml.metadata and
                                    saml.metadata.metadata_type == "url" else None)
        details = {"MetadataURL": url} if url else {"MetadataFile": saml.metadata.metadata_content if saml.metadata
                                                    else ""}
        details["IDPSignout"] = "true" if saml.idp_signout else "false"
        out.append(ProviderPlan(saml.name, "SAML", details, {}, _mapping(auth, saml.attribute_mapping, False),
                                saml.identifiers))
    return out


def oauth_enabled(auth: AuthSpec, settings: AuthSettings) -> bool:
    """The hosted UI and the OAuth code flow are on (external providers or callback URLs)."""
    external = auth.login_with.external_providers
    return bool((external is not None and external.any) or settings.callback_urls)


def scopes(auth: AuthSpec) -> list[str]:
    """The web client's OAuth scopes, Cognito's names."""
    external = auth.login_with.external_providers
    given = external.scopes if external is not None else None
    return list(dict.fromkeys(OAUTH_SCOPES[s] for s in given)) if given else list(DEFAULT_SCOPES)


def client_args(auth: AuthSpec, settings: AuthSettings, providers: list[ProviderPlan]) -> dict[str, Any]:
    """The web client's plain arguments (see the module docstring)."""
    flows = list(AUTH_FLOWS)
    if any(event in auth.triggers for event in CUSTOM_CHALLENGE):
        flows.insert(0, "ALLOW_CUSTOM_AUTH")
    args: dict[str, Any] = {
        "generate_secret": False,
        "explicit_auth_flows": flows,
        "prevent_user_existence_errors": "ENABLED",
        "enable_token_revocation": True,
        "supported_identity_providers": [p.name for p in providers] + ["COGNITO"],
    }
    if oauth_enabled(auth, settings):
        args.update({
            "allowed_oauth_flows": ["code"],
            "allowed_oauth_flows_user_pool_client": True,
            "allowed_oauth_scopes": scopes(auth),
            "callback_urls": list(settings.callback_urls),
            "logout_urls": list(settings.logout_urls),
        })
    return args


def login_providers(auth: AuthSpec, settings: AuthSettings) -> dict[str, Credential]:
    """The identity pool's supported login providers: token issuer → the provider's client id."""
    external = auth.login_with.external_providers
    if external is None:
        return {}
    out = {}
    for key in external.social:
        _, setting, _, _, issuer = SOCIAL[key]
        client_id = settings.providers.get(setting, {}).get("clientId")
        if client_id is not None:
            out[issuer] = client_id
    return out


def domain_prefix(settings: AuthSettings, project: str, stack: str) -> str:
    """The hosted UI's domain prefix (see the module docstring)."""
    if settings.domain_prefix:
        return settings.domain_prefix
    return hashlib.sha512(f"ampliform/{project}/{stack}".encode()).hexdigest()[:20]


def oauth_outputs(auth: AuthSpec, settings: AuthSettings, providers: list[ProviderPlan], domain: str,
                  region: str) -> dict[str, Any] | None:
    """amplify_outputs' ``auth.oauth`` (Amplify's key order), or None without OAuth."""
    if not (oauth_enabled(auth, settings) and settings.callback_urls and settings.logout_urls):
        return None
    return {
        "identity_providers": [OUTPUT_NAMES[p.type] for p in providers if p.type in OUTPUT_NAMES],
        "redirect_sign_in_uri": list(settings.callback_urls),
        "redirect_sign_out_uri": list(settings.logout_urls),
        "response_type": "code",
        "scopes": scopes(auth),
        "domain": f"{domain}.auth.{region}.amazoncognito.com",
    }
