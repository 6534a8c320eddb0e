"""The blog example (``examples/blog``: the issue's definition, a Python handler for the custom query): previewed
offline like a user would (``ampliform preview --project-dir examples/blog``), its amplify_outputs valid against
Amplify's schema, its schema equal to what real Amplify generates for the same models (the ``blog`` reference's
models are the same but for one field), and its resolvers run under node — posts by status newest first, a post's
comments, and ``echo`` answered by the Python handler with the event AppSync would send it."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from reference_data import OUTPUTS_SCHEMA

sys.path.insert(0, str(Path(__file__).resolve().parent / "data_fixtures"))
from harness import ALICE, API_KEY, BOB, call, error_type, run_resolvers  # noqa: E402

from ampliform.cli import main  # noqa: E402
from ampliform.definition.load import load_definition  # noqa: E402
from ampliform.plan.check import definition_problems  # noqa: E402
from ampliform.program.outputs import build_outputs  # noqa: E402
from ampliform.program.runner import run_preview  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BLOG = ROOT / "examples" / "blog"


def test_the_blog_definition_is_valid():
    definition = load_definition(BLOG / "backend.yaml")
    assert definition_problems(definition, project_dir=BLOG) == []
    assert definition.data is not None and set(definition.data.models) == {"Post", "Comment"}


def test_the_blog_previews_offline_with_every_data_resource():
    result = CliRunner().invoke(main, ["preview", "--project-dir", str(BLOG)])
    assert result.exit_code == 0, result.output
    assert "ampliform:index:Data  blog-dev-data" in result.output
    assert "aws:appsync/resolver:Resolver  blog-dev-data-Query-listByStatus" in result.output
    plan = run_preview("dev", BLOG)
    by_name = {r["name"]: r for r in plan["resources"]}
    post = by_name["blog-dev-data-Post-table"]["inputs"]
    assert post["globalSecondaryIndexes"][0]["name"] == "postsByStatusAndCreatedAt"
    assert by_name["blog-dev-data-Comment-table"]["inputs"]["globalSecondaryIndexes"][0]["name"] == "gsi-Post.comments"
    api = by_name["blog-dev-data-api"]["inputs"]
    assert api["authenticationType"] == "AMAZON_COGNITO_USER_POOLS"
    assert [p["authenticationType"] for p in api["additionalAuthenticationProviders"]] == ["API_KEY", "AWS_IAM"]
    assert api["tags"]["app"] == "blog"
    source = by_name["blog-dev-data-echoHandler-ds"]["inputs"]
    assert source["type"] == "AWS_LAMBDA"
    assert source["lambdaConfig"]["functionArn"] == "<blog-dev-fn-echohandler-function.arn>"
    assert by_name["blog-dev-data-Query-echo"]["inputs"]["kind"] == "PIPELINE"
    assert by_name["blog-dev-fn-echohandler-function"]["inputs"]["runtime"].startswith("python3")
    outputs = build_outputs(plan["outputs"])
    jsonschema.validate(outputs, json.loads(OUTPUTS_SCHEMA.read_text()))
    assert outputs["data"]["api_key"] == "<blog-dev-data-api-key.key>"
    assert outputs["data"]["model_introspection"]["queries"]["echo"]["type"] == {"nonModel": "EchoResponse"}


def test_the_prod_stack_protects_the_tables_and_logs_errors():
    plan = run_preview("prod", BLOG)
    by_name = {r["name"]: r for r in plan["resources"]}
    table = by_name["blog-prod-data-Post-table"]
    assert table["options"]["protect"] and table["options"]["retainOnDelete"]
    assert table["inputs"]["deletionProtectionEnabled"] is True
    assert by_name["blog-prod-data-api"]["inputs"]["logConfig"]["fieldLogLevel"] == "ERROR"
    assert by_name["blog-prod-data-api-logs"]["inputs"]["retentionInDays"] == 90


def _handler():
    spec = importlib.util.spec_from_file_location("echo_handler", BLOG / "functions" / "echo" / "handler.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run resolver code")
def test_the_blog_resolvers_and_its_python_handler():
    spec = load_definition(BLOG / "backend.yaml").data
    assert spec is not None
    posts = [
        call("Mutation.createPost", ALICE, input={"id": "p1", "title": "Draft", "status": "DRAFT",
                                                  "createdAt": "2025-01-01T00:00:00.000Z"}),
        call("Mutation.createPost", ALICE, input={"id": "p2", "title": "Hello", "status": "PUBLISHED",
                                                  "createdAt": "2025-01-02T00:00:00.000Z", "tags": ["intro"],
                                                  "location": {"lat": 48.85, "long": 2.35, "name": "Paris"}}),
        call("Mutation.createPost", BOB, input={"id": "p3", "title": "Bob's", "status": "PUBLISHED",
                                                "createdAt": "2025-01-03T00:00:00.000Z"}),
        call("Mutation.createComment", BOB, input={"id": "c1", "content": "Welcome", "postId": "p2"}),
    ]
    first = run_resolvers(spec, [*posts, {**call("Query.echo", BOB, content="hi"), "lambda": {"echoHandler": {}}}])
    assert all(r["error"] is None for r in first[:4])
    assert first[1]["data"]["views"] == 0 and first[1]["data"]["owner"] == "alice"
    (invocation,) = first[4]["invocations"]
    answer = _handler()(invocation["payload"], None)  # the Python handler, with the event AppSync sends
    assert answer["content"] == "hi" and isinstance(answer["executionDuration"], float)
    results = run_resolvers(spec, [
        *posts,
        call("Query.listByStatus", BOB, status="PUBLISHED", sortDirection="DESC",
             select={"comments": {"select": {"post": {}}}}),
        call("Mutation.updatePost", BOB, input={"id": "p2", "title": "not his"}),
        {**call("Query.echo", BOB, content="hi"), "lambda": {"echoHandler": answer}},
        {**call("Query.echo", API_KEY, content="hi"), "lambda": {"echoHandler": answer}},
        call("Query.listPosts", API_KEY),
    ])
    listed, hijack, echo, key_echo, key_list = results[4:]
    assert [p["id"] for p in listed["data"]["items"]] == ["p3", "p2"]
    assert listed["operations"][0] == {"table": "Post", "operation": "Query", "index": "postsByStatusAndCreatedAt"}
    hello = listed["data"]["items"][1]
    assert [c["content"] for c in hello["comments"]["items"]] == ["Welcome"]
    assert hello["comments"]["items"][0]["post"]["title"] == "Hello"
    assert hello["location"] == {"lat": 48.85, "long": 2.35, "name": "Paris"}
    assert error_type(hijack) == "Unauthorized"
    assert echo["data"] == answer
    assert error_type(key_echo) == "Unauthorized" and error_type(key_list) == "Unauthorized"
