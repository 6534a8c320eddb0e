"""External sign-in providers of `auth.login_with.external_providers` (pydantic v2, strict and frozen).

Contract: Amplify's `externalProviders` in snake_case — `google`, `sign_in_with_apple`, `facebook`,
`login_with_amazon` (social), `oidc` (a list of OpenID Connect providers), `saml` (one SAML provider) and
`scopes` (the web client's OAuth scopes) — without what belongs to a stack: no credential (client ids,
secrets, keys come from the stack settings, `ampliform.definition.auth_settings`) and no callback or logout
URL or domain prefix (stack settings too). Writing one of those here is a located error saying where it
goes. Shape and types only; meaning is checked in `ampliform.auth.check`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from ampliform.definition.base import StrictModel

OAUTH_SCOPES: dict[str, str] = {
    "phone": "phone",
    "email": "email",
    "openid": "openid",
    "profile": "profile",
    "cognito_admin": "aws.cognito.signin.user.admin",
    "aws.cognito.signin.user.admin": "aws.cognito.signin.user.admin",
}
"""The scopes a web client may ask for, by the names a definition may use (Amplify's `OAuthScope` names in
lower case, or Cognito's own), and the scope Cognito knows."""

CREDENTIAL_KEYS = ("client_id", "client_secret", "key_id", "private_key", "team_id")
"""Keys Amplify takes as `secret(...)` in `defineAuth`; ampliform reads them from stack settings only."""

STACK_KEYS = {"callback_urls": "callbackUrls", "logout_urls": "logoutUrls", "domain_prefix": "authDomainPrefix"}
"""Amplify's per-deployment keys of `externalProviders` → the ampliform stack setting that holds them."""


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


Scope = Annotated[str, Field(min_length=1, max_length=256)]
AttributeMapping = dict[Annotated[str, Field(min_length=1)], Any]
"""Cognito attribute (Amplify's snake_case name, ``custom:<name>``, or ``custom: {name: provider attribute}``)
→ the provider's attribute name. Checked in `ampliform.auth.check`."""


class _Misplaced(StrictModel):
    """Keys accepted only to say where they belong (credentials and per-stack values)."""

    client_id: Any = Field(default=None, exclude=True, description="Not here: a stack setting (secret).")
    client_secret: Any = Field(default=None, exclude=True, description="Not here: a stack setting (secret).")


class _Provider(_Misplaced):
    scopes: tuple[Scope, ...] | None = Field(
        default=None, description="Scopes asked of the provider; default: the provider's usual minimum.")
    attribute_mapping: AttributeMapping = Field(
        default_factory=dict, description="User-pool attribute → provider attribute, e.g. {email: email}.")


class GoogleProvider(_Provider):
    """Sign in with Google (credentials: stack setting ``ampliform:google``)."""


class FacebookProvider(_Provider):
    """Sign in with Facebook (credentials: ``ampliform:facebook``)."""

    api_version: str | None = Field(default=None, description="Graph API version, e.g. v17.0.")


class AmazonProvider(_Provider):
    """Login with Amazon (credentials: ``ampliform:amazon``)."""


class AppleProvider(_Provider):
    """Sign in with Apple (credentials: ``ampliform:apple``)."""

    key_id: Any = Field(default=None, exclude=True, description="Not here: a stack setting.")
    private_key: Any = Field(default=None, exclude=True, description="Not here: a stack setting (secret).")
    team_id: Any = Field(default=None, exclude=True, description="Not here: a stack setting.")


class OidcEndpoints(StrictModel):
    """An OIDC provider's endpoints, when its issuer publishes no discovery document."""

    authorization: str = Field(description="The authorization endpoint URL.")
    token: str = Field(description="The token endpoint URL.")
    user_info: str = Field(description="The userinfo endpoint URL.")
    jwks_uri: str = Field(description="The JSON Web Key Set URL.")


class OidcProvider(_Provider):
    """An OpenID Connect provider (credentials: ``ampliform:oidc`` → ``{<name>: {clientId, clientSecret}}``)."""

    name: str = Field(description="The provider's name in the user pool, e.g. MicrosoftEntraID.")
    issuer_url: str = Field(description="The issuer URL (https).")
    attribute_request_method: Annotated[Literal["get", "post"], BeforeValidator(_lower)] = Field(
        default="get", description="How Cognito asks for the user's attributes: get or post.")
    identifiers: tuple[Annotated[str, Field(min_length=1, max_length=40)], ...] = Field(
        default=(), description="Email domains that route to this provider.")
    endpoints: OidcEndpoints | None = Field(default=None, description="Endpoints, when not discovered.")


class SamlMetadata(StrictModel):
    """Amplify's `metadata` of a SAML provider."""

    metadata_content: str = Field(min_length=1, description="The metadata URL, or the XML document itself.")
    metadata_type: Annotated[Literal["url", "file"], BeforeValidator(_lower)] = Field(
        default="url", description="url or file (the XML itself).")


class SamlProvider(StrictModel):
    """A SAML 2.0 provider (no credentials: the metadata says everything)."""

    name: str = Field(description="The provider's name in the user pool, e.g. Corp.")
    metadata_url: str | None = Field(default=None, description="The IdP's metadata URL (https).")
    metadata: SamlMetadata | None = Field(default=None, description="Amplify's form: {metadata_content, "
                                          "metadata_type}.")
    identifiers: tuple[Annotated[str, Field(min_length=1, max_length=40)], ...] = Field(
        default=(), description="Email domains that route to this provider.")
    idp_signout: bool = Field(default=False, description="Sign the user out of the IdP too.")
    attribute_mapping: AttributeMapping = Field(default_factory=dict, description="Attribute mapping.")


class ExternalProviders(StrictModel):
    """Amplify's `externalProviders`: social, OIDC and SAML providers and the web client's OAuth scopes."""

    google: GoogleProvider | None = None
    facebook: FacebookProvider | None = None
    login_with_amazon: AmazonProvider | None = None
    sign_in_with_apple: AppleProvider | None = None
    oidc: tuple[OidcProvider, ...] = Field(default=(), description="OpenID Connect providers.")
    saml: SamlProvider | None = None
    scopes: tuple[Annotated[str, BeforeValidator(_lower)], ...] | None = Field(
        default=None, description="The web client's OAuth scopes: phone, email, openid, profile, "
        "cognito_admin; default all five.")
    callback_urls: Any = Field(default=None, exclude=True, description="Not here: ampliform:callbackUrls.")
    logout_urls: Any = Field(default=None, exclude=True, description="Not here: ampliform:logoutUrls.")
    domain_prefix: Any = Field(default=None, exclude=True, description="Not here: ampliform:authDomainPrefix.")

    @property
    def social(self) -> dict[str, _Provider]:
        """The social providers given, by their definition key, in Amplify's order."""
        found = {"google": self.google, "facebook": self.facebook, "login_with_amazon": self.login_with_amazon,
                 "sign_in_with_apple": self.sign_in_with_apple}
        return {k: v for k, v in found.items() if v is not None}

    @property
    def any(self) -> bool:
        """Some provider is configured."""
        return bool(self.social or self.oidc or self.saml)
