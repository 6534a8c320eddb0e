"""Data under mocks, wired to Auth as ``__main__.py`` does: the API's auth modes, tables (on demand, point-in-time
recovery, encryption, protection in prod), one data-source role per table scoped to that table, one resolver
per field, and ``appsync:GraphQL`` grants only where rules open the API to IAM callers (compared with
Amplify's role policies for the same models). Every generated IAM policy is linted with parliament."""

from __future__ import annotations

import json

import pytest
from conftest import ACCOUNT, REGION, RecordingMocks, run
from graphql import build_schema
from parliament import analyze_policy_string
from reference_data import DATA_REFERENCE

from ampliform import Data, DataArgs
from ampliform.data.introspection import model_introspection
from ampliform.data.schema import APPSYNC_PRELUDE, render_schema
from ampliform.definition.data import DataSpec
from ampliform.definition.schema_dsl import a
from ampliform.errors import DefinitionError
from ampliform.resources.auth import Auth, AuthArgs
from ampliform.resources.data import TABLE_ACTIONS

REFERENCE = DATA_REFERENCE
API = "aws:appsync/graphQLApi:GraphQLApi"
TABLE = "aws:dynamodb/table:Table"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
DATA_SOURCE = "aws:appsync/dataSource:DataSource"
RESOLVER = "aws:appsync/resolver:Resolver"
FUNCTION = "aws:appsync/function:Function"


def reference(case: str) -> dict:
    return json.loads((REFERENCE / f"{case}.json").read_text())


POST = DataSpec.model_validate(reference("post")["input"])
TODO = DataSpec.model_validate(reference("guest-groups")["input"])


def build(mocks: RecordingMocks, spec: DataSpec, groups: tuple[str, ...] = (), guest: bool = False,
          protect: bool = False) -> dict:
    """Auth + Data as the program wires them; returns the registered resources by name."""
    built: dict = {}

    def program() -> None:
        auth = Auth("auth", AuthArgs(groups=groups, guest_access=guest, protect=protect))
        built["data"] = Data("data", DataArgs(spec=spec, auth=auth, protect=protect))
        built["outputs"] = {}
        auth.user_pool.id.apply(lambda v: built["outputs"].__setitem__("user_pool_id", v))
        for key in ("url", "region", "outputs_data"):
            getattr(built["data"], key).apply(lambda v, key=key: built["outputs"].__setitem__(key, v))

    run(program)
    assert mocks.by_type(API), "no resources registered: mocks not installed?"
    return built


def policy(resource) -> dict:
    return json.loads(resource.inputs["policy"])


def lint(document: dict) -> list:
    findings = analyze_policy_string(json.dumps(document)).findings
    return [(f.issue, f.detail) for f in findings]


def test_api_uses_the_user_pool_by_default_and_iam_as_additional_mode(mocks):
    built = build(mocks, POST)
    (api,) = mocks.by_type(API)
    assert api.inputs["authenticationType"] == "AMAZON_COGNITO_USER_POOLS"
    assert api.inputs["userPoolConfig"] == {"userPoolId": built["outputs"]["user_pool_id"], "awsRegion": REGION,
                                            "defaultAction": "ALLOW"}
    assert api.inputs["additionalAuthenticationProviders"] == [{"authenticationType": "AWS_IAM"}]
    assert api.inputs["schema"] == render_schema(POST)
    outputs = built["outputs"]
    assert outputs["url"] == f"https://data-api.appsync-api.{REGION}.amazonaws.com/graphql"
    assert outputs["region"] == REGION
    assert outputs["outputs_data"] == {
        "url": outputs["url"], "aws_region": REGION, "default_authorization_type": "AMAZON_COGNITO_USER_POOLS",
        "authorization_types": ["AWS_IAM"], "model_introspection": model_introspection(POST)}
    assert mocks.monitor.options[("ampliform:index:Data", "data")]["parent"].endswith("::ampliform-dev")


@pytest.mark.parametrize("protect", [False, True])
def test_tables_on_demand_with_point_in_time_recovery_and_encryption(mocks, protect):
    build(mocks, POST, protect=protect)
    (table,) = mocks.by_type(TABLE)
    inputs = table.inputs
    assert inputs["hashKey"] == "id" and inputs["attributes"] == [{"name": "id", "type": "S"}]
    assert inputs["billingMode"] == "PAY_PER_REQUEST"
    assert inputs["pointInTimeRecovery"] == {"enabled": True}
    assert inputs["serverSideEncryption"] == {"enabled": True}
    assert inputs["deletionProtectionEnabled"] is protect
    options = mocks.monitor.options[(TABLE, "data-Post-table")]
    assert options["protect"] is protect and options["retainOnDelete"] is protect
    assert options["parent"].endswith("ampliform:index:Data::data")


def test_each_data_source_role_is_scoped_to_its_own_table_and_api(mocks):
    both = DataSpec(models={**POST.models, **TODO.models})
    build(mocks, both, groups=("admin",), guest=True)
    res = mocks.by_name()
    api_arn = f"arn:aws:appsync:{REGION}:{ACCOUNT}:apis/data-api-id"
    for model in ("Post", "Todo"):
        table_arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/data-{model}-table-0a1b2c"
        trust = json.loads(res[f"data-{model}-ds-role"].inputs["assumeRolePolicy"])["Statement"]
        assert trust == [{"Effect": "Allow", "Principal": {"Service": "appsync.amazonaws.com"},
                          "Action": "sts:AssumeRole",
                          "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT},
                                        "ArnLike": {"aws:SourceArn": api_arn}}}]
        attached = [p for p in mocks.by_type(ROLE_POLICY) if p.inputs["role"] == f"data-{model}-ds-role"]
        assert len(attached) == 1
        document = policy(attached[0])
        (statement,) = document["Statement"]
        assert statement["Resource"] == [table_arn, f"{table_arn}/index/*"]
        assert statement["Action"] == list(TABLE_ACTIONS)
        assert lint(document) == []
        source = res[f"data-{model}-ds"].inputs
        assert source["type"] == "AMAZON_DYNAMODB" and source["name"] == f"{model}Table"
        assert source["dynamodbConfig"] == {"tableName": f"data-{model}-table-0a1b2c", "region": REGION}
        assert source["serviceRoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/data-{model}-ds-role"
    assert res["data-none-ds"].inputs["type"] == "NONE"


def test_one_resolver_per_field_on_the_right_data_source(mocks):
    build(mocks, TODO, groups=("admin",), guest=True)
    schema = build_schema(APPSYNC_PRELUDE + render_schema(TODO))
    expected = {(t, f) for t in ("Query", "Mutation", "Subscription") for f in schema.type_map[t].fields}
    resolvers = {(r.inputs["type"], r.inputs["field"]): r.inputs for r in mocks.by_type(RESOLVER)}
    assert set(resolvers) == expected | {("Todo", "owner")}
    assert len(mocks.by_type(RESOLVER)) == len(resolvers)
    functions = {f.name: f.inputs for f in mocks.by_type(FUNCTION)}
    assert set(functions) == {"data-UpdateTodoAuthorize", "data-UpdateTodoWrite", "data-DeleteTodoAuthorize",
                              "data-DeleteTodoWrite"}
    for key, inputs in resolvers.items():
        assert inputs["runtime"] == {"name": "APPSYNC_JS", "runtimeVersion": "1.0.0"}, key
        assert inputs["apiId"] == "data-api-id"
        assert "export function request(ctx)" in inputs["code"]
        if key in (("Mutation", "updateTodo"), ("Mutation", "deleteTodo")):
            op = key[1][:6].capitalize()
            assert inputs["kind"] == "PIPELINE" and "dataSource" not in inputs
            assert inputs["pipelineConfig"] == {"functions": [f"data-{op}TodoAuthorize-fid",
                                                              f"data-{op}TodoWrite-fid"]}
        elif key[0] in ("Subscription", "Todo"):
            assert inputs["kind"] == "UNIT" and inputs["dataSource"] == "NONE_DS", key
        else:
            assert inputs["kind"] == "UNIT" and inputs["dataSource"] == "TodoTable", key
    for name, inputs in functions.items():
        assert inputs["dataSource"] == "TodoTable" and inputs["runtime"]["name"] == "APPSYNC_JS", name
    # the IAM roles the resolvers recognise are the Auth component's
    code = resolvers[("Query", "listTodos")]["code"]
    assert f'"iam": {{"account": "{ACCOUNT}", "guest": "auth-guest-role", "signedIn": ' \
           '["auth-authenticated-role", "auth-group-admin-role"], "functions": {}}' in code


def test_no_iam_grants_without_guest_or_identity_pool_rules(mocks):
    build(mocks, POST)
    policies = [p.name for p in mocks.by_type(ROLE_POLICY)]
    assert policies == ["data-Post-ds-policy"]


def field_of(arn: str) -> str:
    return arn.split("/types/", 1)[1]


def test_iam_grants_only_what_guest_rules_allow_compared_with_amplify(mocks):
    build(mocks, TODO, groups=("admin",), guest=True)
    res = mocks.by_name()
    grants = {p.inputs["role"]: policy(p) for p in mocks.by_type(ROLE_POLICY) if p.name.startswith("data-graphql")}
    assert set(grants) == {"auth-guest-role", "auth-authenticated-role", "auth-group-admin-role"}
    reads = {"Todo/*", "ModelTodoConnection/*", "Query/fields/getTodo", "Query/fields/listTodos",
             "Subscription/fields/onCreateTodo", "Subscription/fields/onUpdateTodo", "Subscription/fields/onDeleteTodo"}
    amplify = reference("guest-groups")["amplify"]["role_policies"]
    for role, document in grants.items():
        assert lint(document) == [], role
        (statement,) = document["Statement"]
        assert statement["Action"] == "appsync:GraphQL"
        assert all(arn.startswith(f"arn:aws:appsync:{REGION}:{ACCOUNT}:apis/data-api-id/types/")
                   for arn in statement["Resource"])
        ours = {field_of(arn) for arn in statement["Resource"]}
        assert ours == reads, role
        key = {"auth-guest-role": "guest", "auth-authenticated-role": "authenticated"}.get(role)
        if key is None:
            # Amplify gives group roles nothing; DESIGN: group roles keep what signed-in users get
            assert amplify["group:admin"] == []
            continue
        theirs = {field_of(arn) for st in amplify[key] for arn in st["Resource"]}
        # Amplify also grants the mutations (the resolvers then refuse them); we grant only what rules allow,
        # plus the connection type's fields that a list returns
        assert theirs - ours == {"Mutation/fields/createTodo", "Mutation/fields/updateTodo",
                                 "Mutation/fields/deleteTodo"}
        assert ours - theirs == {"ModelTodoConnection/*"}
    assert res["data-graphql-guest-0"].inputs["role"] == "auth-guest-role"


def test_identity_pool_rules_grant_only_the_signed_in_roles(mocks):
    spec = a.schema({"Note": a.model({"body": a.string()}).authorization(
        lambda allow: [allow.authenticated("identityPool").to(["create", "get"])])}).spec
    build(mocks, spec, groups=("admin",))
    grants = {p.inputs["role"]: policy(p) for p in mocks.by_type(ROLE_POLICY) if p.name.startswith("data-graphql")}
    assert set(grants) == {"auth-authenticated-role", "auth-group-admin-role"}
    for document in grants.values():
        assert {field_of(arn) for arn in document["Statement"][0]["Resource"]} == {
            "Note/*", "Mutation/fields/createNote", "Query/fields/getNote"}


def test_bad_specs_and_a_missing_guest_role_fail_before_any_data_resource(mocks):
    with pytest.raises(DefinitionError, match="no guest role"):
        build(mocks, TODO, groups=("admin",), guest=False)
    data_types = ("aws:appsync", "aws:dynamodb", "ampliform:index:Data")
    assert not [r for r in mocks.resources if r.typ.startswith(data_types)]
    bad = DataSpec.model_validate({"models": {"Post": {"fields": {"t": "strin"},
                                                       "authorization": [{"allow": "owner"}]}}})
    with pytest.raises(DefinitionError, match="unknown field type 'strin'"):
        build(mocks, bad)
    with pytest.raises(DefinitionError, match='No auth IAM role found for "admin"'):
        build(mocks, TODO, groups=(), guest=True)
