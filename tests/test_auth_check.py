"""Meaning checks of `auth:` (and of it with the stack settings): Amplify's messages where Amplify has one.

The backends real Amplify rejects (`tests/reference/amplify/auth/auth-invalid*.json`) are rejected here with
Amplify's exact message; where Amplify accepts what Cognito or its own client cannot use (MFA without a
method, a custom attribute name over Cognito's limit, external providers without callback URLs, which
Amplify fills with CDK's `https://example.com`), ampliform rejects it before deployment. Every problem is
located and comes with a fix; all of a definition's problems come in one run.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from auth_reference import definition_of, reference, stack_config

from ampliform.auth.check import auth_problems, auth_settings_problems
from ampliform.definition.load import parse_definition
from ampliform.definition.settings import parse_settings
from ampliform.errors import DefinitionError


def all_problems(case_input: dict[str, Any]) -> list[tuple[str, str]]:
    """The definition's problems, then those of it with the stack settings (when these parse)."""
    definition = parse_definition(definition_of(case_input, with_functions=True))
    found = auth_problems(definition.auth)
    config, secret = stack_config(case_input)
    try:
        settings = parse_settings({k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}, "dev",
                                  secret_keys=secret)
    except DefinitionError as error:
        found += list(error.problems)
    else:
        found += auth_settings_problems(definition.auth, settings)
    return [(p.message, p.location) for p in found]


def amplify_message(result: dict[str, Any]) -> str:
    return result.get("cause") or result.get("details") or result["error"]


AMPLIFY_REJECTS = [
    ("auth-invalid", 0, "auth.multifactor.sms"),
    ("auth-invalid", 1, "stacks/Pulumi.dev.yaml: ampliform:callbackUrls"),
    ("auth-invalid", 2, "auth.login_with"),
    ("auth-invalid", 4, "auth.login_with.email.verification_email_body"),
    ("auth-invalid-more", 0, "auth.login_with"),
    ("auth-invalid-more", 2, "stacks/Pulumi.dev.yaml: ampliform:logoutUrls"),
    ("auth-invalid-more", 3, "auth.login_with.phone.verification_message"),
    ("auth-invalid-more", 4, "auth.multifactor.sms.sms_message"),
    ("auth-invalid-more", 5, "auth.login_with.email.verification_email_body"),
    ("auth-invalid-more", 6, "auth.access[0].to"),
]


@pytest.mark.parametrize(("name", "index", "location"), AMPLIFY_REJECTS, ids=lambda v: str(v))
def test_what_amplify_rejects_is_rejected_with_amplifys_message(name: str, index: int, location: str):
    case = reference(name)
    message = amplify_message(case["amplify"][index])
    assert (message, location) in all_problems(case["input"][index])


AMPLIFY_ACCEPTS_COGNITO_CANNOT = [
    (1, ("MFA is optional but no method is enabled", "auth.multifactor")),
    (7, ("invalid custom attribute name 'custom:thisnameiswaytoolongforcognito'",
         'auth.user_attributes["custom:thisnameiswaytoolongforcognito"]')),
    (8, ("You must define callbackUrls when configuring external login providers.",
         "stacks/Pulumi.dev.yaml: ampliform:callbackUrls")),
]


@pytest.mark.parametrize(("index", "expected"), AMPLIFY_ACCEPTS_COGNITO_CANNOT)
def test_what_amplify_lets_through_fails_here_before_deployment(index: int, expected: tuple[str, str]):
    case = reference("auth-invalid-more")
    assert "error" not in case["amplify"][index], "Amplify accepted it"
    assert expected in all_problems(case["input"][index])


def problems_of(auth: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.message, p.location) for p in auth_problems(parse_definition({"auth": auth}).auth)]


CASES: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
    ("unknown-standard-attribute-cognito-name", {"user_attributes": {"name": {"required": True}}},
     [("unknown standard attribute `name`", 'auth.user_attributes.name')]),
    ("custom-attribute-bad-constraints", {"user_attributes": {"custom:n": {"type": "number", "min": 5, "max": 1,
                                                                           "max_len": 3}}},
     [("min_len / max_len apply to string attributes only", 'auth.user_attributes["custom:n"]'),
      ("min is greater than its maximum", 'auth.user_attributes["custom:n"]')]),
    ("custom-attribute-required", {"user_attributes": {"custom:n": {"type": "string", "required": True}}},
     [("unknown key `required`", 'auth.user_attributes["custom:n"].required')]),
    ("mfa-off-with-methods", {"multifactor": {"mode": "off", "totp": True}},
     [("multifactor.totp has no effect while mode is off", "auth.multifactor.totp")]),
    ("invitation-without-placeholders", {"login_with": {"email": {"user_invitation": {"email_body": "Hi {username}"}}}},
     [("the invitation's email_body must contain {username} and {code}",
       "auth.login_with.email.user_invitation.email_body")]),
    ("scopes-unknown-and-without-openid", {"login_with": {"email": True, "external_providers": {
        "google": {}, "scopes": ["email", "calendar"]}}},
     [("unknown OAuth scope 'calendar'", "auth.login_with.external_providers.scopes[1]"),
      ("the phone, email and profile scopes need the openid scope", "auth.login_with.external_providers.scopes")]),
    ("provider-names", {"login_with": {"email": True, "external_providers": {
        "oidc": [{"name": "Google", "issuer_url": "http://idp.example.com"}, {"name": "Okta", "issuer_url":
                                                                               "https://a.okta.com"}],
        "saml": {"name": "Okta"}}}},
     [("invalid identity provider name 'Google'", "auth.login_with.external_providers.oidc[0].name"),
      ("OIDC issuer 'http://idp.example.com' is not an https URL",
       "auth.login_with.external_providers.oidc[0].issuer_url"),
      ("identity provider 'Okta' is declared more than once", "auth.login_with.external_providers.saml.name"),
      ("a SAML provider needs exactly one of metadata_url and metadata", "auth.login_with.external_providers.saml")]),
    ("attribute-mapping", {"login_with": {"email": True, "external_providers": {"google": {"attribute_mapping": {
        "name": "name", "email": 3, "custom": {"plan": ""}}}}}},
     [("unknown attribute `name` in the attribute mapping",
       "auth.login_with.external_providers.google.attribute_mapping.name"),
      ("a mapped attribute names a provider attribute",
       "auth.login_with.external_providers.google.attribute_mapping.email"),
      ("a mapped attribute names a provider attribute",
       "auth.login_with.external_providers.google.attribute_mapping.custom.plan")]),
    ("sender-address", {"senders": {"email": {"from_email": "no-reply", "reply_to": "support@example.com"}}},
     [("from_email 'no-reply' is not an email address", "auth.senders.email.from_email")]),
    ("triggers-and-access", {"triggers": {"pre_signup": "fn"}, "access": [{"function": "fn", "to": ["add_user"]}]},
     [("unknown auth trigger `pre_signup`", "auth.triggers.pre_signup"),
      ("unknown auth action `add_user`", "auth.access[0].to[0]")]),
    ("groups", {"groups": ["admin", "a b", "admin"]},
     [("Group name 'a b' is not a valid Cognito group name.", "auth.groups[1]"),
      ("Group 'admin' is declared more than once.", "auth.groups[2]")]),
]


@pytest.mark.parametrize(("auth", "expected"), [pytest.param(a, e, id=i) for i, a, e in CASES])
def test_auth_problems(auth: dict[str, Any], expected: list[tuple[str, str]]):
    assert problems_of(auth) == expected


def test_every_problem_has_a_fix():
    for _, auth, _ in CASES:
        assert all(p.fix for p in auth_problems(parse_definition({"auth": auth}).auth))


def test_a_good_definition_has_no_problem():
    definition = parse_definition(definition_of(reference("auth-mfa-attributes")["input"]))
    assert auth_problems(definition.auth) == []


@pytest.mark.parametrize(("config", "expected"), [
    ({"ampliform:authDomainPrefix": "my-aws-app"}, ["invalid hosted-UI domain prefix 'my-aws-app'"]),
    ({"ampliform:callbackUrls": '["http://app.example.com/", "https://x.example/#frag", "myapp://cb"]'},
     ["redirect URL 'http://app.example.com/' is not https", "invalid redirect URL 'https://x.example/#frag'"]),
    ({"ampliform:env": "prod", "ampliform:corsOrigins": '["https://a.example"]',
      "ampliform:callbackUrls": '["myapp://cb", "http://localhost:3000/", "https://a.example/"]'},
     ["redirect URL 'myapp://cb' is not https, which prod requires"]),
    ({"ampliform:threatProtection": "full"}, ["`ampliform:threatProtection` must be off, audit or enforced"]),
    ({"ampliform:callbackUrls": "https://one.example/"}, ["`ampliform:callbackUrls` must be a list of URLs"]),
    ({"ampliform:mfaOffReason": "why?"}, ["`ampliform:mfaOffReason` must be 1 to 256 letters, digits, spaces or "
                                          "_ . : / = + - @"]),
])
def test_auth_settings_problems(config: dict[str, str], expected: list[str]):
    with pytest.raises(DefinitionError) as error:
        parse_settings({"aws:region": "eu-west-1", **config}, "dev")
    assert [p.message for p in error.value.problems] == expected
    assert all(p.location.startswith("stacks/Pulumi.dev.yaml: ampliform:") for p in error.value.problems)


def test_settings_that_would_have_no_effect_are_reported():
    definition = parse_definition({"auth": {"multifactor": {"mode": "optional", "totp": True}}})
    settings = parse_settings({"aws:region": "eu-west-1", "ampliform:authDomainPrefix": "myapp",
                               "ampliform:logoutUrls": '["https://a.example/"]', "ampliform:mfaOffReason": "x"}, "dev")
    assert [p.message for p in auth_settings_problems(definition.auth, settings)] == [
        "`logoutUrls` without `callbackUrls` has no effect",
        "`authDomainPrefix` has no effect without sign-in redirects",
        "`mfaOffReason` is set, but MFA is not off"]


def test_the_program_reports_definition_and_settings_problems_together(tmp_path):
    from ampliform.program.stack import plan_stack

    definition = parse_definition({"auth": {"groups": ["a b"], "login_with": {"email": True, "external_providers": {
        "google": {}}}}, "storage": {"name": "b", "access": {"a/*": [{"allow": "authenticated", "to": ["read"]}]}}})
    with pytest.raises(DefinitionError) as error:
        plan_stack(definition, parse_settings({"aws:region": "eu-west-1"}, "dev"))
    assert [p.location for p in error.value.problems] == [
        "auth.groups[0]", "stacks/Pulumi.dev.yaml: ampliform:callbackUrls",
        "stacks/Pulumi.dev.yaml: ampliform:logoutUrls", "stacks/Pulumi.dev.yaml: ampliform:google"]


def test_auth_triggers_and_access_name_declared_functions(tmp_path):
    from ampliform.plan.check import definition_problems

    (tmp_path / "functions" / "hook").mkdir(parents=True)
    (tmp_path / "functions" / "hook" / "handler.py").write_text("def handler(event, context):\n    return event\n")
    definition = parse_definition({
        "auth": {"triggers": {"pre_sign_up": "hook", "post_confirmation": "missing"},
                 "access": [{"function": "other", "to": ["add_user_to_group"]}]},
        "functions": {"hook": {"handler": "functions/hook/handler.py"}},
        "storage": {"name": "b", "access": {"a/*": [{"allow": "authenticated", "to": ["read"]}]}}})
    found = [(p.message, p.location) for p in definition_problems(definition, project_dir=tmp_path)]
    assert ("auth names unknown function 'missing'", "auth.triggers.post_confirmation") in found
    assert ("auth names unknown function 'other'", "auth.access[0].function") in found
    assert not [m for m, _ in found if "is not used" in m], "a function only auth uses is used"
