"""Provider credentials stay Pulumi secrets from the stack settings to the resources, and never appear in clear.

The test stack's program (`tests/fixtures/auth-app`) runs under mocks with its credentials as Pulumi hands
them to a deployed program: decrypted values, their keys listed as secret
(`pulumi.runtime.set_all_config(..., secret_keys=[...])`). Shown: every identity provider's details reach
the provider marked secret; no credential value appears anywhere else in any resource's inputs, in the
stack outputs or in the preview text; a secret field set in plain text, a credential in the definition, a
missing or unused credential setting are located errors and nothing is built.
"""

from __future__ import annotations

import json
import runpy
import shutil
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from conftest import stack_mocks
from pulumi.runtime import rpc

from ampliform.definition.settings import parse_settings
from ampliform.errors import DefinitionError
from ampliform.program.stack import plan_stack

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "auth-app"
SECRETS = {"ampliform:google": {"clientId": "1234.apps.googleusercontent.com", "clientSecret": "GOCSPX-google-s3cret"},
           "ampliform:apple": {"clientId": "com.example.app", "keyId": "KEYID12345", "teamId": "TEAMID1234",
                               "privateKey": "-----BEGIN PRIVATE KEY-----apple-s3cret"},
           "ampliform:facebook": {"clientId": "1234567890", "clientSecret": "facebook-s3cret"},
           "ampliform:amazon": {"clientId": "amzn1.application-oa2-client.x", "clientSecret": "amazon-s3cret"},
           "ampliform:oidc": {"MicrosoftEntraID": {"clientId": "entra-client", "clientSecret": "entra-s3cret"}}}
CLEAR = ("GOCSPX-google-s3cret", "apple-s3cret", "facebook-s3cret", "amazon-s3cret", "entra-s3cret")


def deployed_config() -> dict[str, str]:
    stack = yaml.safe_load((FIXTURE / "stacks" / "Pulumi.dev.yaml").read_text())["config"]
    config = {k: v if isinstance(v, str) else json.dumps(v) for k, v in stack.items()}
    config.update({k: json.dumps(v) for k, v in SECRETS.items()})
    return config


def outside_secrets(value: Any) -> list[str]:
    """Every string of `value` not inside a secret-marked subtree."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return []
        return [s for v in value.values() for s in outside_secrets(v)]
    if isinstance(value, list):
        return [s for v in value for s in outside_secrets(v)]
    return [value] if isinstance(value, str) else []


@pytest.fixture
def deployed(tmp_path: Path) -> tuple[Any, dict[str, Any]]:
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    shutil.copy(ROOT / "__main__.py", tmp_path / "__main__.py")
    mocks = stack_mocks("dev")
    pulumi.runtime.set_all_config(deployed_config(), secret_keys=list(SECRETS))
    exports: dict[str, Any] = {}

    def program() -> Any:
        runpy.run_path(str(tmp_path / "__main__.py"), run_name="__main__")
        root = pulumi.runtime.settings.get_root_resource()
        return pulumi.Output.from_input(dict(root.outputs)).apply(exports.update)  # type: ignore[union-attr]

    try:
        pulumi.runtime.test(program)()
    finally:
        pulumi.runtime.set_all_config({}, secret_keys=[])
    assert mocks.resources, "nothing was built"
    return mocks, exports


def test_credentials_reach_the_providers_as_secrets(deployed: tuple[Any, dict]):
    mocks, _ = deployed
    providers = mocks.by_type("aws:cognito/identityProvider:IdentityProvider")
    credentialed = [p for p in providers if p.inputs["providerType"] != "SAML"]
    assert len(credentialed) == 5
    for provider in credentialed:
        details = provider.inputs["providerDetails"]
        assert details[rpc._special_sig_key] == rpc._special_secret_sig, provider.name
        assert any(s in json.dumps(details["value"]) for s in CLEAR), provider.name  # the real value, kept secret


def test_no_credential_appears_in_clear(deployed: tuple[Any, dict]):
    mocks, exports = deployed
    for resource in mocks.resources:
        leaked = [s for s in outside_secrets(resource.inputs) if any(c in s for c in CLEAR)]
        assert leaked == [], resource.name
    assert not any(c in json.dumps(exports, default=str) for c in CLEAR)
    (pool,) = mocks.by_type("aws:cognito/identityPool:IdentityPool")
    logins = pool.inputs["supportedLoginProviders"]
    assert logins[rpc._special_sig_key] == rpc._special_secret_sig  # client ids of secret settings stay secret


def settings(**overrides: Any) -> dict[str, str]:
    config = {"aws:region": "eu-west-1", "ampliform:callbackUrls": '["https://app.example.com/"]',
              "ampliform:logoutUrls": '["https://app.example.com/"]'}
    config.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in overrides.items()})
    return config


def problems(config: dict[str, str], secret: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionError) as error:
        parse_settings(config, "dev", secret_keys=secret)
    return [(p.message, p.location) for p in error.value.problems]


def test_a_secret_field_in_plain_text_is_refused():
    found = problems(settings(**{"ampliform:google": {"clientId": "x", "clientSecret": "in-clear"}}))
    assert found == [("`ampliform:google.clientSecret` is a credential in plain text",
                      "stacks/Pulumi.dev.yaml: ampliform:google.clientSecret")]
    assert "in-clear" not in json.dumps(found)
    # the same value from a secret key, or encrypted in the stack file, is accepted
    parse_settings(settings(**{"ampliform:google": {"clientId": "x", "clientSecret": "s"}}), "dev",
                   secret_keys=["ampliform:google"])
    parse_settings(settings(**{"ampliform:google": {"clientId": "x", "clientSecret": {"secure": "v1:A"}}}), "dev")


def test_credential_shapes_are_checked_field_by_field():
    found = problems(settings(**{"ampliform:apple": {"clientId": "x", "keyId": 3, "teamId": "t", "extra": "e"},
                                 "ampliform:oidc": {"Okta": {"clientId": "o"}}}), ("ampliform:apple",))
    assert found == [
        ("unknown field `extra` in `ampliform:apple`", "stacks/Pulumi.dev.yaml: ampliform:apple.extra"),
        ("`ampliform:apple.keyId` must be a non-empty string", "stacks/Pulumi.dev.yaml: ampliform:apple.keyId"),
        ("missing `ampliform:apple.privateKey`", "stacks/Pulumi.dev.yaml: ampliform:apple.privateKey"),
        ("missing `ampliform:oidc.Okta.clientSecret`", "stacks/Pulumi.dev.yaml: ampliform:oidc.Okta.clientSecret"),
    ]


def test_a_credential_in_the_definition_is_refused(tmp_path: Path):
    from ampliform.auth.check import auth_problems
    from ampliform.definition.load import parse_definition

    definition = parse_definition({"auth": {"login_with": {"email": True, "external_providers": {
        "google": {"client_id": "1234", "client_secret": "s3cret"}, "callback_urls": ["https://x.example/"]}}}})
    found = [(p.message, p.location) for p in auth_problems(definition.auth)]
    assert found == [
        ("`callback_urls` is per stack, not part of the definition",
         "auth.login_with.external_providers.callback_urls"),
        ("`client_id` is a credential: it never goes in the definition",
         "auth.login_with.external_providers.google.client_id"),
        ("`client_secret` is a credential: it never goes in the definition",
         "auth.login_with.external_providers.google.client_secret"),
    ]


def test_missing_and_unused_credential_settings_are_located_errors(mocks: Any):
    from ampliform.definition.load import parse_definition

    definition = parse_definition({"auth": {"login_with": {"email": True, "external_providers": {
        "google": {}, "oidc": [{"name": "Okta", "issuer_url": "https://corp.okta.com"}]}}},
        "storage": {"name": "b", "access": {"a/*": [{"allow": "authenticated", "to": ["read"]}]}}})
    config = settings(**{"ampliform:facebook": {"clientId": "f", "clientSecret": {"secure": "v1:A"}},
                         "ampliform:oidc": {"Corp": {"clientId": "c", "clientSecret": {"secure": "v1:A"}}}})
    with pytest.raises(DefinitionError) as error:
        plan_stack(definition, parse_settings(config, "dev"))
    assert [p.location for p in error.value.problems] == [
        "stacks/Pulumi.dev.yaml: ampliform:google", "stacks/Pulumi.dev.yaml: ampliform:facebook",
        "stacks/Pulumi.dev.yaml: ampliform:oidc.Okta", "stacks/Pulumi.dev.yaml: ampliform:oidc.Corp"]
    assert mocks.resources == []


def test_the_preview_exits_2_naming_a_plain_text_secret(tmp_path: Path):
    from click.testing import CliRunner

    from ampliform.cli import main

    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    stack = tmp_path / "stacks" / "Pulumi.dev.yaml"
    text = stack.read_text()
    line = ("  ampliform:google: {clientId: 1234-dev.apps.googleusercontent.com, clientSecret: "
            "{secure: v1:AAAAAAAAAAAA}}")
    assert line in text
    stack.write_text(text.replace(line, "  ampliform:google: {clientId: x.apps, clientSecret: GOCSPX-in-clear}"))
    result = CliRunner().invoke(main, ["preview", "--stack", "dev", "--project-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[:2] == ["error: `ampliform:google.clientSecret` is a credential in plain text",
                                              "  at: stacks/Pulumi.dev.yaml: ampliform:google.clientSecret"]
    assert "GOCSPX-in-clear" not in result.output and result.stdout == ""
