"""Auth under mocks: the inputs each Cognito/IAM resource receives, and their options."""

from __future__ import annotations

import json

import pytest
from conftest import REGION, run

from ampliform.resources.auth import Auth, AuthArgs

ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment"
IDENTITY_POOL = "aws:cognito/identityPool:IdentityPool"
USER_POOL = "aws:cognito/userPool:UserPool"
GROUP = "aws:cognito/userGroup:UserGroup"


def build(mocks, **kwargs):
    run(lambda: Auth("a", AuthArgs(**kwargs)))
    assert mocks.resources, "no resources registered: mocks not installed?"
    return mocks.by_name()


def trust(resource) -> dict:
    statements = json.loads(resource.inputs["assumeRolePolicy"])["Statement"]
    assert len(statements) == 1
    return statements[0]


@pytest.mark.parametrize("guest", [False, True])
def test_every_cognito_role_has_aud_and_amr_conditions(mocks, guest):
    build(mocks, groups=("admin", "editor"), guest_access=guest)
    roles = mocks.by_type(ROLE)
    assert len(roles) == 1 + guest + 2
    for role in roles:
        st = trust(role)
        assert st["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
        assert st["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert st["Condition"]["StringEquals"] == {"cognito-identity.amazonaws.com:aud": "a-identity-pool-id"}
        amr = st["Condition"]["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"]
        expected = "unauthenticated" if role.name == "a-guest-role" else "authenticated"
        assert amr == expected, role.name


def test_no_guest_rule_means_no_guest_role_and_no_unauthenticated_identities(mocks):
    res = build(mocks)
    assert "a-guest-role" not in res
    assert [r.name for r in mocks.by_type(ROLE)] == ["a-authenticated-role"]
    pool = mocks.by_type(IDENTITY_POOL)[0].inputs
    assert pool["allowUnauthenticatedIdentities"] is False
    assert pool["allowClassicFlow"] is False
    (attachment,) = mocks.by_type(ATTACHMENT)
    assert set(attachment.inputs["roles"]) == {"authenticated"}


def test_guest_access_adds_guest_role_and_unauthenticated_identities(mocks):
    res = build(mocks, guest_access=True)
    pool = mocks.by_type(IDENTITY_POOL)[0].inputs
    assert pool["allowUnauthenticatedIdentities"] is True
    assert pool["allowClassicFlow"] is False
    (attachment,) = mocks.by_type(ATTACHMENT)
    assert attachment.inputs["roles"] == {
        "authenticated": "arn:aws:iam::123456789012:role/a-authenticated-role",
        "unauthenticated": "arn:aws:iam::123456789012:role/a-guest-role",
    }
    assert res["a-guest-role"].inputs["tags"] == {"ampliform:role": "guest"}


def test_groups_get_roles_and_precedence_in_declaration_order(mocks):
    res = build(mocks, groups=("admin", "editor", "viewer"))
    groups = mocks.by_type(GROUP)
    # registration order under mocks is not deterministic: compare by name
    precedence = {g.inputs["name"]: g.inputs["precedence"] for g in groups}
    assert precedence == {"admin": 0, "editor": 1, "viewer": 2}
    for g in groups:
        name = g.inputs["name"]
        assert g.inputs["roleArn"] == f"arn:aws:iam::123456789012:role/a-group-{name}-role"
        assert g.inputs["userPoolId"] == f"{REGION}_a-user-pool"
        assert res[f"a-group-{name}-role"].inputs["tags"] == {"ampliform:role": f"group:{name}"}


def test_exactly_one_role_attachment_with_token_mapping(mocks):
    build(mocks, groups=("admin",), guest_access=True)
    (attachment,) = mocks.by_type(ATTACHMENT)
    assert attachment.inputs["identityPoolId"] == "a-identity-pool-id"
    (mapping,) = attachment.inputs["roleMappings"]
    assert mapping["type"] == "Token"
    assert mapping["ambiguousRoleResolution"] == "AuthenticatedRole"
    pool_id = f"{REGION}_a-user-pool"
    assert mapping["identityProvider"] == f"cognito-idp.{REGION}.amazonaws.com/{pool_id}:a-client-id"
    (provider,) = mocks.by_type(IDENTITY_POOL)[0].inputs["cognitoIdentityProviders"]
    assert provider == {"clientId": "a-client-id", "serverSideTokenCheck": True,
                        "providerName": f"cognito-idp.{REGION}.amazonaws.com/{pool_id}"}


def test_user_pool_email_sign_in_and_password_policy_dev(mocks):
    res = build(mocks)
    pool = res["a-user-pool"].inputs
    assert pool["usernameAttributes"] == ["email"]
    assert pool["autoVerifiedAttributes"] == ["email"]
    policy = pool["passwordPolicy"]
    assert policy["minimumLength"] >= 8
    assert all(policy[f"require{k}"] for k in ("Lowercase", "Uppercase", "Numbers", "Symbols"))
    assert pool["deletionProtection"] == "INACTIVE"
    assert mocks.monitor.options[(USER_POOL, "a-user-pool")]["protect"] is False
    client = res["a-client"].inputs
    assert client["generateSecret"] is False
    assert client["userPoolId"] == f"{REGION}_a-user-pool"
    assert "ALLOW_USER_SRP_AUTH" in client["explicitAuthFlows"]


def test_prod_user_pool_is_protected(mocks):
    res = build(mocks, protect=True)
    assert res["a-user-pool"].inputs["deletionProtection"] == "ACTIVE"
    options = mocks.monitor.options[(USER_POOL, "a-user-pool")]
    assert options["protect"] is True and options["retainOnDelete"] is True


def test_children_are_parented_to_the_component(mocks):
    build(mocks, groups=("admin",), guest_access=True)
    (component,) = mocks.by_type("ampliform:index:Auth")
    assert component.name == "a"
    children = [(t, n) for (t, n) in mocks.monitor.options if not t.startswith(("ampliform:", "pulumi:"))]
    # user pool, client, identity pool, authenticated/guest/group roles, user group, role attachment
    assert len(children) == 8
    for key in children:
        assert mocks.monitor.options[key]["parent"].endswith("ampliform:index:Auth::a"), key
        assert key[1].startswith("a-")


def test_client_settings_report_what_was_configured(mocks):
    captured = {}

    def program():
        captured["auth"] = Auth("a", AuthArgs(groups=("admin", "editor")))

    run(program)
    assert mocks.resources
    settings = captured["auth"].client_settings()
    assert settings["groups"] == [{"admin": {"precedence": 0}}, {"editor": {"precedence": 1}}]
    assert settings["unauthenticated_identities_enabled"] is False
    assert settings["password_policy"]["min_length"] == mocks.by_name()["a-user-pool"].inputs[
        "passwordPolicy"]["minimumLength"]
    assert set(captured["auth"].roles) == {"authenticated", "group:admin", "group:editor"}


def test_groups_whose_resource_names_would_collide_are_a_user_error(mocks):
    """A group's resources are named by the group's name alone (never its position, so reordering groups
    renames nothing): two names that differ only in case cannot both have resources."""
    from ampliform.errors import DefinitionError

    with pytest.raises(DefinitionError, match="groups 'Admin' and 'admin' would share the resource name 'admin'"):
        build(mocks, groups=("Admin", "admin"))


def test_group_resources_are_named_by_the_group_alone(mocks):
    build(mocks, groups=("editor", "admin"))
    first = {r.inputs["name"]: r.name for r in mocks.by_type(GROUP)}
    assert first == {"editor": "a-group-editor", "admin": "a-group-admin"}
