"""The Data component under mocks beyond the tutorial: auth modes (API key default with a secret key, Lambda
authorizer, identity pool default), logging with its own least-privilege role, tags, tables keyed by
``identifier`` with every index a GSI, Lambda data sources for function handlers, and ``appsync:GraphQL``
grants for functions granted ``allow: resource``. Every IAM document is linted with parliament; table layout
changes are checked with the change-safety table (`ampliform.review.replacements`)."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest
from conftest import ACCOUNT, REGION, RecordingMocks, run
from parliament import analyze_policy_string
from reference_data import DATA_REFERENCE

sys.path.insert(0, str(Path(__file__).resolve().parent / "data_fixtures"))
from oracle_specs import groups_of, to_ampliform  # noqa: E402

from ampliform import Data, DataArgs  # noqa: E402
from ampliform.definition.data import DataSpec  # noqa: E402
from ampliform.errors import DefinitionError  # noqa: E402
from ampliform.resources.auth import Auth, AuthArgs  # noqa: E402
from ampliform.resources.policies import PolicyOwner  # noqa: E402
from ampliform.review.replacements import replacing  # noqa: E402
from ampliform.roles import function_role  # noqa: E402

API = "aws:appsync/graphQLApi:GraphQLApi"
TABLE = "aws:dynamodb/table:Table"
FIXTURES = Path(__file__).resolve().parent / "data_fixtures"
TODAY = datetime.date(2026, 1, 1)


def case(name: str) -> tuple[DataSpec, tuple[str, ...]]:
    spec_in = json.loads((DATA_REFERENCE / f"{name}.json").read_text())["input"]
    return DataSpec.model_validate(to_ampliform(spec_in)), tuple(groups_of(spec_in))


class FakeFunction:
    """What Data needs of a Function: the Lambda's ARN, its role and the role's policy owner."""

    def __init__(self, name: str):
        self.role = aws.iam.Role(f"fn-{name}-role", assume_role_policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "lambda.amazonaws.com"}}]}))
        self.function = aws.lambda_.Function(f"fn-{name}", role=self.role.arn, runtime="python3.12",
                                             handler="handler.handler", code=pulumi.AssetArchive({}))
        self.arn = self.function.arn
        self.policies = PolicyOwner({function_role(name): self.role})


def build(mocks: RecordingMocks, spec: DataSpec, groups=(), functions=(), **extra) -> dict:
    built: dict = {}

    def program() -> None:
        auth = Auth("auth", AuthArgs(groups=groups, guest_access=True))
        fns = {name: FakeFunction(name) for name in functions}
        built["data"] = data = Data("data", DataArgs(spec=spec, auth=auth, functions=fns, project_dir=FIXTURES,
                                                     today=TODAY, **extra))
        built["secret"] = None
        if data.api_key is not None:
            pulumi.Output.from_input(data.api_key.is_secret()).apply(lambda v: built.__setitem__("secret", v))

    run(program)
    assert mocks.by_type(API), "no resources registered: mocks not installed?"
    return built


def lint(document: dict) -> list:
    return [(f.issue, f.detail) for f in analyze_policy_string(json.dumps(document)).findings]


def policies_of(mocks: RecordingMocks) -> list[dict]:
    return [json.loads(r.inputs["policy"]) for r in mocks.resources
            if r.typ in ("aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy")]


def test_api_key_default_mode_with_a_dated_secret_key(mocks):
    spec, groups = case("fieldauth")
    built = build(mocks, spec, groups)
    (api,) = mocks.by_type(API)
    assert api.inputs["authenticationType"] == "API_KEY" and "userPoolConfig" not in api.inputs
    assert api.inputs["additionalAuthenticationProviders"] == [
        {"authenticationType": "AMAZON_COGNITO_USER_POOLS",
         "userPoolConfig": {"userPoolId": f"{REGION}_auth-user-pool", "awsRegion": REGION}},
        {"authenticationType": "AWS_IAM"}]
    (key,) = mocks.by_type("aws:appsync/apiKey:ApiKey")
    assert key.inputs["expires"] == "2026-01-31T00:00:00Z" and key.inputs["apiId"] == "data-api-id"
    assert built["secret"] is True


def test_lambda_authorizer_mode_and_function_handlers(mocks):
    spec, groups = case("rules")
    build(mocks, spec, groups, functions=("authorizer",))
    (api,) = mocks.by_type(API)
    lam = api.inputs["additionalAuthenticationProviders"][0]
    assert lam["authenticationType"] == "AWS_LAMBDA"
    assert lam["lambdaAuthorizerConfig"]["authorizerResultTtlInSeconds"] == 300
    assert lam["lambdaAuthorizerConfig"]["authorizerUri"].endswith("fn-authorizer")
    (permission,) = mocks.by_type("aws:lambda/permission:Permission")
    assert permission.inputs["principal"] == "appsync.amazonaws.com"
    assert permission.inputs["sourceArn"] == f"arn:aws:appsync:{REGION}:{ACCOUNT}:apis/data-api-id"

    ops, ops_groups = case("ops")
    with pytest.raises(DefinitionError, match="echoHandler, reportSender were never given to connect_functions"):
        build(RecordingMocks(), ops, ops_groups)


def test_custom_operations_get_lambda_data_sources_and_function_grants(mocks):
    spec, groups = case("ops")
    build(mocks, spec, groups, functions=("echoHandler", "reportSender"))
    sources = {r.inputs["name"]: r.inputs for r in mocks.by_type("aws:appsync/dataSource:DataSource")}
    echo = sources["echoHandlerLambdaDataSource"]
    assert echo["type"] == "AWS_LAMBDA" and echo["lambdaConfig"]["functionArn"].endswith("fn-echoHandler")
    resolvers = {(r.inputs["type"], r.inputs["field"]): r.inputs
                 for r in mocks.by_type("aws:appsync/resolver:Resolver")}
    assert resolvers[("Query", "echo")]["kind"] == "PIPELINE"
    functions = {f.inputs["name"]: f.inputs for f in mocks.by_type("aws:appsync/function:Function")}
    assert functions["QueryEchoInvoke"]["dataSource"] == "echoHandlerLambdaDataSource"
    assert functions["QueryCountTodosHandler"]["dataSource"] == "TodoTable"
    assert functions["QueryCountTodosHandler"]["code"] == (FIXTURES / "data/handlers/resolver.js").read_text()
    grants = [r for r in mocks.by_type("aws:iam/rolePolicy:RolePolicy") if r.inputs["role"] == "fn-reportSender-role"]
    (grant,) = grants
    resources = json.loads(grant.inputs["policy"])["Statement"][0]["Resource"]
    assert f"arn:aws:appsync:{REGION}:{ACCOUNT}:apis/data-api-id/types/Query/*" in resources
    assert not any("Mutation" in r for r in resources)  # `to: [query]` only
    invoke = [p for p in policies_of(mocks) if p["Statement"][0].get("Sid") == "InvokeHandler"]
    assert {tuple(p["Statement"][0]["Resource"]) for p in invoke} == {
        (f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn-{n}", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn-{n}:*")
        for n in ("echoHandler", "reportSender")}
    for document in policies_of(mocks):
        assert lint(document) == [], document


def test_logging_has_its_own_role_and_log_group_and_tags_reach_every_data_resource(mocks):
    spec, groups = case("blog")
    build(mocks, spec, groups, logging="ERROR", log_retention_days=14, tags={"team": "blog"})
    (api,) = mocks.by_type(API)
    assert api.inputs["logConfig"] == {"cloudwatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT}:role/data-api-logs-role",
                                       "fieldLogLevel": "ERROR", "excludeVerboseContent": True}
    res = mocks.by_name()
    trust = json.loads(res["data-api-logs-role"].inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "appsync.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    group = res["data-api-logs"].inputs
    assert group["name"] == "/aws/appsync/apis/data-api-id" and group["retentionInDays"] == 14
    (statement,) = json.loads(res["data-api-logs-policy"].inputs["policy"])["Statement"]
    assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/appsync/apis/data-api-id"
    assert statement["Resource"] == [group_arn, f"{group_arn}:log-stream:*"]
    tagged = [r for r in mocks.resources if r.typ in (API, TABLE, "aws:iam/role:Role") and r.name.startswith("data")]
    assert len(tagged) >= 6 and all(r.inputs["tags"]["team"] == "blog" for r in tagged)
    for document in policies_of(mocks):
        assert lint(document) == [], document


def test_identity_pool_default_mode(mocks):
    spec, groups = case("identitypool-default")
    build(mocks, spec, groups)
    (api,) = mocks.by_type(API)
    assert api.inputs["authenticationType"] == "AWS_IAM"
    assert api.inputs["additionalAuthenticationProviders"] == [{
        "authenticationType": "AMAZON_COGNITO_USER_POOLS",
        "userPoolConfig": {"userPoolId": f"{REGION}_auth-user-pool", "awsRegion": REGION}}]


def tables(mocks: RecordingMocks) -> dict[str, dict]:
    return {r.name: r.inputs for r in mocks.by_type(TABLE)}


def test_tables_are_keyed_by_identifier_with_every_index_a_gsi(mocks):
    spec, groups = case("blog")
    build(mocks, spec, groups)
    post, comment = tables(mocks)["data-Post-table"], tables(mocks)["data-Comment-table"]
    assert post["hashKey"] == "id" and "rangeKey" not in post and "localSecondaryIndexes" not in post
    assert post["globalSecondaryIndexes"] == [{"name": "postsByStatusAndCreatedAt", "projectionType": "ALL",
                                               "keySchemas": [{"attributeName": "status", "keyType": "HASH"},
                                                              {"attributeName": "createdAt", "keyType": "RANGE"}]}]
    assert post["attributes"] == [{"name": "id", "type": "S"}, {"name": "status", "type": "S"},
                                  {"name": "createdAt", "type": "S"}]
    assert comment["globalSecondaryIndexes"][0]["name"] == "gsi-Post.comments"
    keys, key_groups = case("keys")
    mocks.resources.clear()
    build(mocks, keys, key_groups)
    product = tables(mocks)["data-Product-table"]
    assert (product["hashKey"], product["rangeKey"]) == ("sku", "region")


def _blog(indexes: list, identifier: list | None = None) -> DataSpec:
    spec_in = json.loads((DATA_REFERENCE / "blog.json").read_text())["input"]
    data = to_ampliform(spec_in)
    data["models"]["Post"]["secondary_indexes"] = indexes
    if identifier is not None:
        data["models"]["Post"]["identifier"] = identifier
    return DataSpec.model_validate(data)


def test_adding_or_removing_a_gsi_updates_in_place_and_a_key_change_replaces_the_table():
    by_status = {"partition": "status", "sort": ["createdAt"], "query_field": "listByStatus"}
    by_title = {"partition": "title"}
    inputs = {}
    for label, spec in (("none", _blog([])), ("one", _blog([by_status])), ("two", _blog([by_status, by_title])),
                        ("key", _blog([by_status], identifier=["title"]))):
        recorder = _recording()
        build(recorder, spec)
        inputs[label] = tables(recorder)["data-Post-table"]
    for old, new in (("none", "one"), ("one", "two"), ("two", "one"), ("one", "none")):
        assert replacing(TABLE, inputs[old], inputs[new]) == [], (old, new)
        for key in ("hashKey", "rangeKey", "localSecondaryIndexes"):
            assert inputs[old].get(key) == inputs[new].get(key), (old, new, key)
        assert inputs[old]["globalSecondaryIndexes" if old != "none" else "attributes"] != \
            inputs[new]["globalSecondaryIndexes" if new != "none" else "attributes"]
    changed = replacing(TABLE, inputs["one"], inputs["key"])
    assert [r.input for r in changed] == ["hashKey"]
    assert changed[0].why == "a table's partition key cannot change"


def _recording() -> RecordingMocks:
    from conftest import stack_mocks

    return stack_mocks("dev")


def test_functions_connected_after_the_api_get_its_endpoint_and_everything_waits_for_them(mocks):
    spec, groups = case("ops")
    built: dict = {}

    def program() -> None:
        auth = Auth("auth", AuthArgs(groups=groups))
        data = Data("data", DataArgs(spec=spec, auth=auth, project_dir=FIXTURES, today=TODAY))
        assert data.pending == ["echoHandler", "reportSender"]
        built["environment"] = data.environment()
        data.connect_functions({name: FakeFunction(name) for name in data.pending})
        assert data.pending == []
        data.environment()["AMPLIFY_DATA_GRAPHQL_ENDPOINT"].apply(lambda url: built.__setitem__("url", url))

    run(program)
    assert built["url"] == f"https://data-api.appsync-api.{REGION}.amazonaws.com/graphql"
    sources = {r.inputs["name"]: r.inputs for r in mocks.by_type("aws:appsync/dataSource:DataSource")}
    assert sources["echoHandlerLambdaDataSource"]["lambdaConfig"]["functionArn"].endswith("function:fn-echoHandler")
    list_code = next(r.inputs["code"] for r in mocks.by_type("aws:appsync/resolver:Resolver")
                     if r.inputs["field"] == "listTodos")
    assert '"functions": {"fn-reportSender-role": ["query"]}' in list_code
    assert [r for r in mocks.by_type("aws:iam/rolePolicy:RolePolicy") if r.inputs["role"] == "fn-reportSender-role"]
