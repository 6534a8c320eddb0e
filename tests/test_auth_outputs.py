"""amplify_outputs.json's `auth` section equals what Amplify writes, for every auth reference.

Each reference (real Amplify, `tests/reference/amplify/auth/`) becomes an ampliform project — the definition in
the data form, the credentials and URLs in the dev stack's settings (secret fields encrypted, as a stack file
holds them) — whose program is run offline; its exports give the file. Shown: key by key equal to Amplify's
`auth.outputs`, in Amplify's key order, with the deploy-time values aside (ids, region: placeholders on both
sides) and one documented difference, the hosted-UI domain: ampliform uses the stack's
`ampliform:authDomainPrefix` where Amplify ignores the domain prefix it is given and uses a hash; both are
`<prefix>.auth.<region>.amazoncognito.com`. The file validates against Amplify's schema 1.5.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from auth_reference import CASES, reference, write_project
from reference_data import OUTPUTS_SCHEMA

from ampliform.program.outputs import build_outputs
from ampliform.program.placeholders import PLACEHOLDER
from ampliform.program.runner import run_preview

SCHEMA = json.loads(OUTPUTS_SCHEMA.read_text())
IDS = ("user_pool_id", "user_pool_client_id", "identity_pool_id")
DOMAIN = re.compile(r"^([a-z0-9-]+)\.auth\.([A-Za-z0-9-]+)\.amazoncognito\.com$")
KEY_ORDER = ("user_pool_id", "aws_region", "user_pool_client_id", "identity_pool_id", "mfa_methods",
             "standard_required_attributes", "username_attributes", "user_verification_types", "groups",
             "mfa_configuration", "password_policy", "oauth", "unauthenticated_identities_enabled")
"""The order of Amplify's client-config (`AuthClientConfigContributor`)."""


def outputs_of(tmp_path: Path, name: str) -> tuple[dict, dict]:
    case = reference(name)
    project = write_project(tmp_path, case["input"], with_functions=True)
    exports = run_preview("dev", project)["outputs"]
    outputs = build_outputs(exports)
    jsonschema.Draft202012Validator(SCHEMA).validate(outputs)
    return outputs["auth"], case


@pytest.mark.parametrize("name", CASES)
def test_auth_section_equals_amplifys(tmp_path: Path, name: str):
    ours, case = outputs_of(tmp_path, name)
    amplify = case["amplify"]["auth"]["outputs"]
    assert set(ours) == set(amplify)
    assert list(ours) == [k for k in KEY_ORDER if k in ours]
    for key in IDS:
        assert PLACEHOLDER.fullmatch(ours[key]), (key, ours[key])
    assert ours["aws_region"] == "eu-west-1" and amplify["aws_region"] == "REGION"
    aside = {*IDS, "aws_region", "oauth"}
    assert {k: v for k, v in ours.items() if k not in aside} == {k: v for k, v in amplify.items() if k not in aside}
    if "oauth" in amplify:
        oauth, theirs = ours["oauth"], amplify["oauth"]
        assert list(oauth) == ["identity_providers", "redirect_sign_in_uri", "redirect_sign_out_uri",
                               "response_type", "scopes", "domain"]
        assert {k: v for k, v in oauth.items() if k != "domain"} == {k: v for k, v in theirs.items() if k != "domain"}
        (ours_prefix, ours_region), (_, their_region) = (DOMAIN.match(oauth["domain"]).groups(),
                                                          DOMAIN.match(theirs["domain"]).groups())
        assert (ours_region, their_region) == ("eu-west-1", "REGION")
        given = case["input"]["auth"]["loginWith"]["externalProviders"].get("domainPrefix")
        assert ours_prefix == (given or ours_prefix) and re.fullmatch(r"[a-z0-9-]{1,63}", ours_prefix)


def test_oidc_and_saml_providers_are_left_out_of_identity_providers_as_amplify_does(tmp_path: Path):
    """Amplify's client takes only the four social providers there (its schema's enum); OIDC and SAML
    providers are signed in with by name (`signInWithRedirect({provider: {custom: "Okta"}})`)."""
    ours, case = outputs_of(tmp_path, "auth-more-providers")
    assert ours["oauth"]["identity_providers"] == ["FACEBOOK", "LOGIN_WITH_AMAZON"]
    client = case["amplify"]["auth"]["user_pool_client"]["properties"]
    assert client["SupportedIdentityProviders"] == ["Facebook", "LoginWithAmazon", "Okta", "Corp", "COGNITO"]


def test_without_external_providers_there_is_no_oauth_section(tmp_path: Path):
    ours, case = outputs_of(tmp_path, "auth-mfa-attributes")
    assert "oauth" not in ours and "oauth" not in case["amplify"]["auth"]["outputs"]


def test_a_malformed_oauth_export_is_a_user_error():
    from ampliform.errors import DefinitionError

    exports = {"region": "eu-west-1", "user_pool_id": "p", "user_pool_client_id": "c",
               "unauthenticated_identities_enabled": False, "groups": [],
               "auth": {"username_attributes": ["email"], "standard_required_attributes": ["email"],
                        "user_verification_types": ["email"], "mfa_methods": [], "mfa_configuration": "OFF",
                        "password_policy": {"min_length": 8, "require_numbers": True, "require_lowercase": True,
                                            "require_uppercase": True, "require_symbols": True},
                        "oauth": {"identity_providers": ["GOOGLE"], "redirect_sign_in_uri": "https://a.example/",
                                  "response_type": "code", "scopes": ["openid"], "domain": "x.auth.eu-west-1."
                                  "amazoncognito.com"}}}
    with pytest.raises(DefinitionError) as error:
        build_outputs(exports)
    assert [p.message for p in error.value.problems] == [
        "`auth.oauth.redirect_sign_in_uri` has the wrong type (str)", "the stack outputs lack "
        "`auth.oauth.redirect_sign_out_uri`"]
