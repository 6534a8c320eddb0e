"""The offline preview of both stacks with Data in the program, and the ``data`` section of
amplify_outputs.json it yields (valid against Amplify's schema, introspection equal to Amplify's)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from reference_data import REFERENCE as CONFORMANCE

from ampliform.program.outputs import build_outputs
from ampliform.program.runner import run_preview

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = CONFORMANCE

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_of_both_stacks_includes_the_data_resources(stack):
    project = ROOT
    result = run_preview(stack, project)
    resources = result["resources"]
    by_type: dict[str, list[dict]] = {}
    for r in resources:
        by_type.setdefault(r["type"], []).append(r)
    (component,) = by_type["ampliform:index:Data"]
    assert component["name"] == f"ampliform-{stack}-data"
    (table,) = by_type["aws:dynamodb/table:Table"]
    assert table["inputs"]["pointInTimeRecovery"] == {"enabled": True}
    assert table["inputs"]["deletionProtectionEnabled"] is (stack == "prod")
    assert table["options"]["protect"] is (stack == "prod")
    assert table["options"]["retainOnDelete"] is (stack == "prod")
    (api,) = by_type["aws:appsync/graphQLApi:GraphQLApi"]
    assert api["inputs"]["additionalAuthenticationProviders"] == [{"authenticationType": "AWS_IAM"}]
    assert api["inputs"]["userPoolConfig"]["userPoolId"].startswith("<")  # known after deployment
    assert len(by_type["aws:appsync/resolver:Resolver"]) == 9  # 2 queries, 3 mutations, 3 subscriptions, owner
    functions = {f["name"]: f for f in by_type["aws:appsync/function:Function"]}
    assert len(functions) == 4
    resolvers = {r["inputs"]["field"]: r["inputs"] for r in by_type["aws:appsync/resolver:Resolver"]}
    assert resolvers["updatePost"]["pipelineConfig"] == {"functions": [
        f"<ampliform-{stack}-data-UpdatePostAuthorize.functionId>",
        f"<ampliform-{stack}-data-UpdatePostWrite.functionId>"]}
    # the tutorial's Post opens nothing to IAM: no appsync:GraphQL grant on any Cognito role
    assert not [r for r in by_type["aws:iam/rolePolicy:RolePolicy"] if "appsync:GraphQL" in r["inputs"]["policy"]]
    assert "ampliform:index:Storage" in by_type  # the rest of the app is still there


def test_preview_outputs_make_a_valid_data_section_with_amplifys_introspection():
    result = run_preview("dev", ROOT)
    outputs = build_outputs(result["outputs"])
    schema = json.loads((REFERENCE / "schema" / "amplify_outputs_schema_v1.5.json").read_text())
    jsonschema.validate(outputs, schema)
    data = outputs["data"]
    assert data["default_authorization_type"] == "AMAZON_COGNITO_USER_POOLS"
    assert data["authorization_types"] == ["AWS_IAM"]
    assert data["aws_region"] == "eu-west-1"
    assert data["url"] == "<ampliform-dev-data-api.uris.GRAPHQL>"
    expected = json.loads((REFERENCE / "data" / "post.json").read_text())["amplify"]["outputs_data"]
    assert data["model_introspection"] == expected["model_introspection"]
