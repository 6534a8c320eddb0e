"""Every auth option in the preview of a test stack (`tests/fixtures/auth-app`: the issue's `auth:` section).

The project is the program of this repository with the fixture's definition and stack files (dev: local
redirects, threat protection audit; prod: https only, enforced; secret fields encrypted as `pulumi config set
--secret --path` writes them). Shown, from the registered resources (inputs as the provider receives them):
sign-in attributes, schema (standard and custom), MFA with TOTP and SMS and the SNS role Cognito needs (both
trust conditions), the message templates, admin-only sign-up, recovery, the SES sender, threat protection
(the Plus plan), the tags, the hosted-UI domain, each identity provider with its mapping and secret
credentials, the web client's code flow, scopes, URLs and providers, the identity pool's login providers
and token check; the text preview's Auth section; the policy pack passing on both stacks; parliament on the
SMS role's documents.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import test_policy_pack
from iam_lint import lint

from ampliform.program.preview import render
from ampliform.program.runner import run_program

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "auth-app"
POOL = "ampliform-{stack}-auth-user-pool"
pack, pack_policies = test_policy_pack.pack, test_policy_pack.pack_policies
"""The policy pack as the Pulumi CLI loads it (fixtures of tests/test_policy_pack.py)."""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("auth-app")
    shutil.copytree(FIXTURE, target, dirs_exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, target / name)
    return target


@pytest.fixture(scope="module")
def previews(project: Path) -> dict[str, tuple[dict, object]]:
    return {stack: run_program(stack, project) for stack in ("dev", "prod")}


def resources(previews: dict, stack: str) -> dict[str, dict]:
    return {r["name"]: r for r in previews[stack][0]["resources"]}


def of_type(previews: dict, stack: str, typ: str) -> list[dict]:
    return [r for r in previews[stack][0]["resources"] if r["type"] == f"aws:{typ}"]


def test_user_pool_has_every_option(previews: dict):
    pool = resources(previews, "dev")[POOL.format(stack="dev")]["inputs"]
    assert pool["usernameAttributes"] == ["email", "phone_number"]
    assert pool["autoVerifiedAttributes"] == ["email", "phone_number"]
    assert pool["usernameConfiguration"] == {"caseSensitive": False}
    assert pool["userAttributeUpdateSettings"] == {"attributesRequireVerificationBeforeUpdates": ["email",
                                                                                                   "phone_number"]}
    schemas = {s["name"]: s for s in pool["schemas"]}
    assert list(schemas) == ["email", "phone_number", "preferred_username", "birthdate", "display_name", "age"]
    assert schemas["birthdate"] == {"name": "birthdate", "attributeDataType": "String", "mutable": False,
                                    "required": True, "stringAttributeConstraints": {"minLength": "10",
                                                                                     "maxLength": "10"}}
    assert schemas["display_name"]["stringAttributeConstraints"] == {"minLength": "1", "maxLength": "64"}
    assert schemas["age"]["attributeDataType"] == "Number"
    assert schemas["age"]["numberAttributeConstraints"] == {"minValue": "13", "maxValue": "120"}
    assert pool["mfaConfiguration"] == "OPTIONAL"
    assert pool["softwareTokenMfaConfiguration"] == {"enabled": True}
    assert pool["smsAuthenticationMessage"] == "Your MyApp sign-in code is {####}"
    assert pool["smsConfiguration"] == {"externalId": "ampliform-dev-auth-sms",
                                        "snsCallerArn": "<ampliform-dev-auth-sms-role.arn>"}
    assert pool["verificationMessageTemplate"] == {
        "defaultEmailOption": "CONFIRM_WITH_CODE", "emailMessage": "Your verification code is {####}.",
        "emailSubject": "Welcome to MyApp", "smsMessage": "MyApp code: {####}"}
    assert pool["adminCreateUserConfig"] == {"allowAdminCreateUserOnly": True, "inviteMessageTemplate": {
        "emailSubject": "You are invited to MyApp",
        "emailMessage": "Hello {username}, your temporary password is {####}.",
        "smsMessage": "MyApp: user {username}, password {####}"}}
    assert pool["accountRecoverySetting"] == {"recoveryMechanisms": [
        {"name": "verified_email", "priority": 1}, {"name": "verified_phone_number", "priority": 2}]}
    assert pool["emailConfiguration"] == {
        "emailSendingAccount": "DEVELOPER", "fromEmailAddress": "MyApp <no-reply@example.com>",
        "replyToEmailAddress": "support@example.com",
        "sourceArn": "arn:aws:ses:eu-west-1:<aws.accountId>:identity/no-reply@example.com"}
    assert pool["userPoolAddOns"] == {"advancedSecurityMode": "AUDIT"} and pool["userPoolTier"] == "PLUS"
    assert pool["tags"] == {"ampliform:env": "dev"}
    assert pool["deletionProtection"] == "INACTIVE"


def test_prod_pool_is_protected_and_enforces_threat_protection(previews: dict):
    pool = resources(previews, "prod")[POOL.format(stack="prod")]
    assert pool["options"]["protect"] is True and pool["options"]["retainOnDelete"] is True
    assert pool["inputs"]["deletionProtection"] == "ACTIVE"
    assert pool["inputs"]["userPoolAddOns"] == {"advancedSecurityMode": "ENFORCED"}
    assert pool["inputs"]["tags"] == {"ampliform:env": "prod"}


def test_the_sms_role_trusts_cognito_with_both_conditions_and_can_only_text(previews: dict):
    found = resources(previews, "dev")
    role, policy = found["ampliform-dev-auth-sms-role"]["inputs"], found["ampliform-dev-auth-sms-role-policy"]["inputs"]
    trust = json.loads(role["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "cognito-idp.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "ampliform-dev-auth-sms",
                                                       "aws:SourceAccount": "<aws.accountId>"}}
    assert policy["role"] == "<ampliform-dev-auth-sms-role.id>"
    document = json.loads(policy["policy"])
    assert [(s["Effect"], s["Action"], s["Resource"]) for s in document["Statement"]] == [
        ("Allow", "sns:Publish", "*"), ("Deny", "sns:Publish", "arn:*:sns:*:*:*")]
    assert lint(document) == [] and lint(trust) == []


def test_identity_providers_with_mappings_and_secret_credentials(previews: dict):
    providers = {r["inputs"]["providerName"]: r["inputs"] for r in of_type(previews, "dev",
                                                                           "cognito/identityProvider:IdentityProvider")}
    assert {n: p["providerType"] for n, p in providers.items()} == {
        "Google": "Google", "Facebook": "Facebook", "LoginWithAmazon": "LoginWithAmazon",
        "SignInWithApple": "SignInWithApple", "MicrosoftEntraID": "OIDC", "Corp": "SAML"}
    assert providers["Google"]["attributeMapping"] == {"email": "email", "name": "name"}
    for name in ("Google", "Facebook", "LoginWithAmazon", "SignInWithApple", "MicrosoftEntraID"):
        assert providers[name]["providerDetails"] == "[secret]", name  # its credentials make it a secret
    assert providers["Corp"]["providerDetails"] == {"MetadataURL": "https://idp.example.com/metadata.xml",
                                                    "IDPSignout": "false"}
    assert "v1:AAAA" not in json.dumps(previews["dev"][0])


def test_provider_details_are_planned_per_provider(project: Path):
    """What each provider's (secret) details hold, from the plan the component builds them from."""
    from ampliform.auth.federation import identity_providers
    from ampliform.definition.load import load_definition
    from ampliform.definition.settings import parse_settings, read_stack_file

    config, source = read_stack_file(project, "dev")
    settings = parse_settings(config, "dev", source)
    planned = {p.name: p for p in identity_providers(load_definition(project / "backend.yaml").auth, settings.auth)}
    assert planned["Google"].details == {"authorize_scopes": "email profile openid"}
    assert {k: (c.key, c.secret) for k, c in planned["Google"].credentials.items()} == {
        "client_id": ("ampliform:google.clientId", False),
        "client_secret": ("ampliform:google.clientSecret", True)}
    assert set(planned["SignInWithApple"].credentials) == {"client_id", "key_id", "team_id", "private_key"}
    assert planned["SignInWithApple"].credentials["private_key"].secret is True
    assert planned["Facebook"].details == {"authorize_scopes": "public_profile"}
    oidc = planned["MicrosoftEntraID"].details
    assert oidc["oidc_issuer"].startswith("https://login.microsoftonline.com/")
    assert oidc["attributes_request_method"] == "GET"
    secret = planned["MicrosoftEntraID"].credentials["client_secret"]
    assert secret.key == "ampliform:oidc.MicrosoftEntraID.clientSecret"


def test_hosted_ui_domain_and_web_client(previews: dict):
    found = resources(previews, "dev")
    assert found["ampliform-dev-auth-domain"]["inputs"] == {"domain": "myapp-dev",
                                                             "userPoolId": "<ampliform-dev-auth-user-pool.id>"}
    client = found["ampliform-dev-auth-client"]
    c = client["inputs"]
    assert c["allowedOauthFlows"] == ["code"] and c["allowedOauthFlowsUserPoolClient"] is True
    assert c["allowedOauthScopes"] == ["email", "openid", "profile"]
    assert c["callbackUrls"] == ["http://localhost:3000/", "https://dev.example.com/"]
    assert c["logoutUrls"] == ["http://localhost:3000/"]
    assert c["supportedIdentityProviders"] == ["Google", "Facebook", "LoginWithAmazon", "SignInWithApple",
                                               "MicrosoftEntraID", "Corp", "COGNITO"]
    assert c["generateSecret"] is False and c["preventUserExistenceErrors"] == "ENABLED"
    idps = {r["name"] for r in of_type(previews, "dev", "cognito/identityProvider:IdentityProvider")}
    assert idps <= set(client["options"]["dependencies"]), "the client names providers that must exist first"
    prod = resources(previews, "prod")["ampliform-prod-auth-client"]["inputs"]
    assert prod["callbackUrls"] == ["https://app.example.com/"]
    assert resources(previews, "prod")["ampliform-prod-auth-domain"]["inputs"]["domain"] == "myapp"


def test_identity_pool_lists_the_social_providers_and_checks_tokens(previews: dict):
    (pool,) = of_type(previews, "dev", "cognito/identityPool:IdentityPool")
    assert pool["inputs"]["supportedLoginProviders"] == "[secret]"  # client ids of secret settings
    assert [p["serverSideTokenCheck"] for p in pool["inputs"]["cognitoIdentityProviders"]] == [True]
    assert pool["inputs"]["allowClassicFlow"] is False


def test_the_text_preview_describes_every_option(project: Path, previews: dict):
    from ampliform.definition.load import load_definition
    from ampliform.plan.backend import plan_backend

    result, settings = previews["dev"]
    definition = load_definition(project / "backend.yaml")
    text = render(result, settings, definition, plan_backend(definition, project_dir=project))
    section = text[text.index("Auth (what each user pool was built with)"):text.index("Access matrix")]
    for fragment in ("sign-in: email, phone_number; administrators create users", "MFA: OPTIONAL (SMS, TOTP)",
                     "SMS: through <ampliform-dev-auth-sms-role.arn>", "birthdate (required, immutable, length 10-10)",
                     "display_name (length 1-64)", "age (number, 13..120)", "keep the original until verified: email,"
                     " phone_number", "recovery: verified_email, verified_phone_number",
                     "email: SES (DEVELOPER) from MyApp <no-reply@example.com>, reply to support@example.com",
                     "threat protection: AUDIT (feature plan PLUS)",
                     "provider Google (Google): authorize_scopes email profile openid; credentials secret; maps email,"
                     " name", "provider Corp (SAML): IDPSignout false, MetadataURL https://idp.example.com/metadata.xml;"
                     " credentials none", "hosted UI: myapp-dev.auth.<region>.amazoncognito.com",
                     "OAuth code, scopes email, openid, profile, callback http://localhost:3000/,"
                     " https://dev.example.com/, logout http://localhost:3000/",
                     "triggers: postConfirmation -> ampliform-dev-fn-addtogroup-function, preSignUp -> "
                     "ampliform-dev-fn-checkdomain-function",
                     "invoke permission ampliform-dev-auth-invoke-addtogroup: ampliform-dev-fn-addtogroup-function for"
                     " ampliform-dev-auth-user-pool only",
                     "identity pool: guests off; server-side token check on; login providers accounts.google.com,"
                     " appleid.apple.com, graph.facebook.com, www.amazon.com (client ids secret)"):
        assert fragment in section, fragment
    assert "v1:AAAA" not in text, "an encrypted value reached the preview"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_policy_pack_passes_on_the_test_stack(pack_policies: list, previews: dict, stack: str):
    violations = test_policy_pack.evaluate(pack_policies, test_policy_pack.preview_resources(previews[stack][0]))
    assert violations == [], violations


def test_triggers_and_access_in_the_program_without_a_cycle(previews: dict):
    found = resources(previews, "dev")
    pool = found["ampliform-dev-auth-user-pool"]
    assert pool["inputs"]["lambdaConfig"] == {"preSignUp": "<ampliform-dev-fn-checkdomain-function.arn>",
                                              "postConfirmation": "<ampliform-dev-fn-addtogroup-function.arn>"}
    assert {"ampliform-dev-fn-checkdomain-function", "ampliform-dev-fn-addtogroup-function"} <= set(
        pool["options"]["dependencies"])
    for fn in ("checkdomain", "addtogroup"):
        permission = found[f"ampliform-dev-auth-invoke-{fn}"]["inputs"]
        assert permission == {"action": "lambda:InvokeFunction", "function": f"<ampliform-dev-fn-{fn}-function.arn>",
                              "principal": "cognito-idp.amazonaws.com",
                              "sourceArn": "<ampliform-dev-auth-user-pool.arn>", "sourceAccount": "<aws.accountId>"}
        function = found[f"ampliform-dev-fn-{fn}-function"]
        assert not [d for d in function["options"]["dependencies"] if d.startswith("ampliform-dev-auth")], fn
        assert "AMPLIFY_AUTH_USERPOOL_ID" not in json.dumps(function["inputs"])  # read from the event instead
    access = found["ampliform-dev-auth-access-function-addtogroup-0"]["inputs"]
    assert access["role"] == "<ampliform-dev-fn-addtogroup-role.id>"
    assert json.loads(access["policy"])["Statement"] == [{
        "Sid": "UserPoolAccess", "Effect": "Allow", "Action": ["cognito-idp:AdminAddUserToGroup"],
        "Resource": "<ampliform-dev-auth-user-pool.arn>"}]
    edges = {r["name"]: set(r["options"]["dependencies"]) for r in previews["dev"][0]["resources"]}
    seen: dict[str, int] = {}

    def acyclic(node: str) -> bool:
        seen[node] = 1
        ok = all(seen.get(n) != 1 and (n in seen or acyclic(n)) for n in edges.get(node, ()))
        seen[node] = 2
        return ok

    assert all(node in seen or acyclic(node) for node in edges)


def test_the_function_budgets_hold_exactly_what_is_attached(project: Path, previews: dict):
    """The plan counts auth's grant in the function's budget; the program attaches the same documents."""
    from ampliform.definition.load import load_definition
    from ampliform.plan.backend import plan_backend
    from ampliform.program.preview import attached_documents

    plan = plan_backend(load_definition(project / "backend.yaml"), project_dir=project)
    attached = attached_documents(previews["dev"][0])
    budget = plan.budgets["function:addToGroup"]
    assert [p.contributor for p in budget.placements] == ["function addToGroup", "auth"]
    planned = sorted(json.dumps(p.document, sort_keys=True) for p in budget.placements)
    assert len(attached["function:addToGroup"]) == len(planned) == 2
    actions = [a for _, text in attached["function:addToGroup"] for s in json.loads(text)["Statement"]
               for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]
    assert "cognito-idp:AdminAddUserToGroup" in actions
    assert "cognito-idp:AdminAddUserToGroup" not in json.dumps(attached["function:checkDomain"])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_iam_document_of_the_test_stack_is_clean(project: Path, stack: str):
    """parliament on every role policy and trust policy the test stack registers (the SMS role, the identity
    pool's roles, the functions' roles with auth's grant), under mocks with realistic ARNs."""
    from conftest import run_program as run_file
    from conftest import stack_mocks
    from test_iam_lint_components import documents

    from ampliform.definition.settings import read_stack_file

    mocks = stack_mocks(stack)
    config, _ = read_stack_file(project, stack)
    run_file(project / "__main__.py", config)
    found = dict(documents(mocks))
    assert {"aws:iam/role:Role ampliform-{s}-auth-sms-role", "aws:iam/rolePolicy:RolePolicy "
            "ampliform-{s}-auth-sms-role-policy", "aws:iam/rolePolicy:RolePolicy ampliform-{s}-auth-access-function-"
            "addtogroup-0"} <= {k.replace(f"-{stack}-", "-{s}-") for k in found}
    for name, document in found.items():
        assert lint(document) == [], name
