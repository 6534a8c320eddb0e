"""Data definitions: both forms (data and DSL) give the same spec; every schema real Amplify rejects is rejected
with Amplify's own message; ampliform refuses what Amplify silently drops; every problem is located, with a fix
(and exit 2 from the CLI); the access API the review tools read."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from reference_data import DATA_REFERENCE

sys.path.insert(0, str(Path(__file__).resolve().parent / "data_fixtures"))
from oracle_specs import definition_of, functions_of, groups_of, to_ampliform  # noqa: E402

from ampliform.data.access import Caller, allowed, data_access, operation_access  # noqa: E402
from ampliform.data.model import resolve  # noqa: E402
from ampliform.data.validate import data_problems  # noqa: E402
from ampliform.definition.data import DataSpec  # noqa: E402
from ampliform.definition.load import load_definition, parse_definition  # noqa: E402
from ampliform.definition.schema_dsl import a  # noqa: E402
from ampliform.errors import DefinitionError  # noqa: E402
from ampliform.plan.backend import guest_access_needed  # noqa: E402
from ampliform.plan.check import definition_problems  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = DATA_REFERENCE


def reference(name: str) -> dict:
    return json.loads((REFERENCE / f"{name}.json").read_text())


POST_DSL = a.schema({
    "Post": a.model({
        "title": a.string().required(),
        "content": a.string(),
        "picture": a.string(),
    }).authorization(lambda allow: [allow.owner(), allow.authenticated().to(["read"])]),
})

TODO_DSL = a.schema({
    "Todo": a.model({
        "content": a.string().required(),
        "done": a.boolean(),
        "dueAt": a.datetime(),
        "listId": a.id(),
        "priority": a.integer(),
        "score": a.float(),
    }).authorization(lambda allow: [
        allow.guest().to(["read"]),
        allow.groups(["admin"]).to(["create", "read", "update", "delete"]),
        allow.owner(),
    ]),
})

BLOG_DSL = a.schema({
    "PostStatus": a.enum(["DRAFT", "PUBLISHED", "ARCHIVED"]),
    "Location": a.customType({"lat": a.float().required(), "long": a.float().required(), "name": a.string()}),
    "Post": a.model({
        "title": a.string().required(),
        "body": a.string(),
        "status": a.ref("PostStatus").required(),
        "tags": a.string().array(),
        "views": a.integer().default(0),
        "location": a.ref("Location"),
        "createdAt": a.datetime(),
        "comments": a.hasMany("Comment", "postId"),
    }).secondaryIndexes(lambda index: [index("status").sortKeys(["createdAt"]).queryField("listByStatus")])
      .authorization(lambda allow: [allow.owner(), allow.authenticated().to(["read"])]),
    "Comment": a.model({"content": a.string().required(), "postId": a.id(), "post": a.belongsTo("Post", "postId")})
    .authorization(lambda allow: [allow.owner(), allow.authenticated().to(["read"])]),
})


def _normalised(spec: DataSpec) -> object:
    """A spec as the planners see it (``{ref: X, required: true}`` and ``{ref: "X!"}`` are the same field; the
    reference files list fields in sorted order)."""
    schema = resolve(spec)
    return {name: (sorted(map(repr, m.fields)), m.key, m.indexes, m.rules, m.disabled)
            for name, m in schema.models.items()}, schema.enums, schema.custom_types, schema.operations


@pytest.mark.parametrize(("case", "dsl"), [("post", POST_DSL), ("guest-groups", TODO_DSL), ("blog", BLOG_DSL)])
def test_reference_inputs_parse_validate_and_equal_the_dsl(case, dsl):
    spec_in = reference(case)["input"]
    definition = parse_definition(definition_of(spec_in))
    assert definition_problems(definition) == []
    assert _normalised(definition.data) == _normalised(dsl.spec)
    assert _normalised(parse_definition({"auth": {"groups": groups_of(spec_in)}, "data": dsl.to_data()}).data) \
        == _normalised(dsl.spec)


def test_backend_yaml_declares_the_tutorial_post():
    definition = load_definition(ROOT / "backend.yaml")
    assert definition_problems(definition) == []
    assert definition.data == DataSpec.model_validate(reference("post")["input"])
    assert not guest_access_needed(definition)


def test_shorthand_and_long_field_forms_are_the_same_type():
    forms = ["string![]!", {"type": "string![]", "required": True}, {"type": "string!", "array": True,
                                                                   "required": True}]
    shapes = {DataSpec.model_validate({"models": {"M": {"fields": {"a": f}, "authorization": [{"allow": "owner"}]}}})
              .models["M"].fields["a"].shape() for f in forms}
    assert len(shapes) == 1 and shapes.pop().values_required


def test_the_access_api_per_model_operation_and_field():
    post = data_access(POST_DSL.spec)["Post"]
    assert {op: sorted(p.kind for p in ps) for op, ps in post.operations.items()} == {
        "create": ["owner"], "update": ["owner"], "delete": ["owner"],
        "get": ["owner", "signed_in"], "list": ["owner", "signed_in"], "listen": ["owner", "signed_in"]}
    assert post.owner_fields == ("owner",) and not post.uses_iam and post.fields == {}
    assert [p.kind for p in allowed(post.operations["create"], Caller("guest"))] == []
    owner = allowed(post.operations["update"], Caller("user_pool"))
    assert [p.own_records for p in owner] == [True]
    todo = data_access(TODO_DSL.spec)["Todo"]
    assert todo.iam_operations("guest") == ("get", "list", "listen")
    assert todo.iam_operations("signed_in") == ("get", "list", "listen")
    assert [p.describe() for p in allowed(todo.operations["delete"], Caller("user_pool", ("admin",)))] == [
        "members of group admin", "the user named in `owner` (their own records)"]
    assert guest_access_needed({"auth": {"groups": ["admin"]}, "data": TODO_DSL.to_data()})
    fieldauth = DataSpec.model_validate(to_ampliform(reference("fieldauth")["input"]))
    document = data_access(fieldauth)["Document"]
    assert document.operations["delete"] == ()  # nobody may delete every field (Amplify's rule too)
    assert [p.kind for p in document.fields["title"]["read"]] == ["owner", "owner", "api_key"]
    assert [p.kind for p in document.fields["secret"]["read"]] == ["owner"]
    ops = operation_access(DataSpec.model_validate(to_ampliform(reference("ops")["input"])))
    assert [p.kind for p in ops["Query.echo"]] == ["signed_in", "api_key"]
    assert [(p.kind, p.group) for p in ops["Query.countTodos"]] == [("group", "admin")]


INVALID = reference("invalid")


@pytest.mark.parametrize("index", range(len(INVALID["input"])))
def test_every_schema_amplify_rejects_is_rejected_with_amplifys_message(index):
    spec_in, expected = INVALID["input"][index], INVALID["amplify"][index]
    message = expected.get("cause") or expected["error"]
    definition = parse_definition(definition_of(spec_in))
    problems = data_problems(definition.data, tuple(groups_of(spec_in)), tuple(functions_of(spec_in)))
    assert message in [p.message for p in problems], [p.message for p in problems]
    assert all(p.location.startswith("data") and p.fix for p in problems)


OWNER = [{"allow": "owner"}]


def problems_of(data: dict, groups=("admin",), functions=None) -> list:
    definition = parse_definition({"auth": {"groups": list(groups)}, "data": data})
    return data_problems(definition.data, tuple(groups), functions)


BAD = [
    ({"models": {"Post": {"fields": {"status": "string"}, "secondary_indexes": [{"partition": "state"}],
                          "authorization": OWNER}}},
     "secondary index 'postsByState': Post has no field 'state' (Amplify drops such an index silently)",
     "data.models.Post.secondary_indexes[0].partition"),
    ({"models": {"Post": {"fields": {"sku": "string!"}, "identifier": ["sku", "region"], "authorization": OWNER}}},
     "identifier names 'region', which Post does not declare", "data.models.Post.identifier[1]"),
    ({"models": {"1Bad": {"authorization": OWNER}}},
     "model name '1Bad' is not a valid GraphQL type name", 'data.models["1Bad"]'),
    ({"models": {"Query": {"authorization": OWNER}}},
     "type name 'Query' is taken by a GraphQL or AppSync type", "data.models.Query"),
    ({"models": {"Post": {"fields": {"title": "strin"}, "authorization": OWNER}}},
     "unknown field type 'strin'", "data.models.Post.fields.title.type"),
    ({"models": {"Post": {"fields": {"id": "int"}, "authorization": OWNER}}},
     "field 'id' is the record's identifier", "data.models.Post.fields.id"),
    ({"models": {"Post": {"fields": {"and": "string"}, "authorization": OWNER}}},
     "field name 'and' is reserved for filters (and, or, not)", "data.models.Post.fields.and"),
    ({"models": {"Post": {"authorization": [{"allow": "public", "to": ["read"]}]}}},
     "unknown rule kind 'public' in `allow`", "data.models.Post.authorization[0].allow"),
    ({"models": {"Post": {"authorization": [{"allow": "owner", "to": ["write"]}]}}},
     "unknown operation 'write'", "data.models.Post.authorization[0].to[0]"),
    ({"models": {"Post": {"authorization": [{"allow": "owner", "to": ["read", "get"]}]}}},
     "'get' operations are specified in addition to 'read'. Either remove 'read' to limit access only to 'get' or "
     "only keep 'read' to grant all get,list,search,listen,sync access.", "data.models.Post.authorization[0].to"),
    ({"models": {"Post": {"fields": {"t": {"type": "string", "authorization": [{"allow": "owner", "to": ["list"]}]}},
                          "authorization": OWNER}}},
     "'list' operation is not allowed at the field level.", "data.models.Post.fields.t.authorization[0].to"),
    ({"models": {"Post": {"authorization": [{"allow": "guest"}]}}},
     "a guest rule must list its operations in `to`", "data.models.Post.authorization[0]"),
    ({"models": {"Post": {"authorization": [{"allow": "groups", "groups": ["editors"]}]}}},
     'No auth IAM role found for "editors".', "data.models.Post.authorization[0].groups[0]"),
    ({"models": {"Post": {"authorization": [{"allow": "groups", "groups": []}]}}},
     "@auth rules using groups cannot have an empty list", "data.models.Post.authorization[0].groups"),
    ({"models": {"Post": {"authorization": [{"allow": "groups", "groups": ["admin"]}, {"allow": "group",
                                                                                          "group": "admin"}]}}},
     "@auth Post:userPools:staticGroup:admin:cognito:groups already exists for Post", "data.models.Post.authorization"),
    ({"models": {"Post": {"authorization": [{"allow": "authenticated", "provider": "oidc"}]}}},
     "Invalid provider (oidc) given!", "data.models.Post.authorization[0].provider"),
    ({"models": {"Post": {"authorization": [{"allow": "custom"}]}}},
     "@auth directive with 'function' provider found, but the project has no Lambda authentication provider "
     "configured.", "data.models.Post.authorization[0]"),
    ({"models": {"Post": {"fields": {"t": "string"}, "secondary_indexes": [{"partition": "t", "name": "x"}],
                          "authorization": OWNER}}},
     "The indexName is invalid. It should be between 3 and 255 characters. Only A–Z, a–z, 0–9, underscore "
     "characters, hyphens, and periods allowed.", "data.models.Post.secondary_indexes[0].name"),
    ({"models": {"Post": {"fields": {"done": "boolean"}, "secondary_indexes": [{"partition": "done"}],
                          "authorization": OWNER}}},
     "Boolean values cannot be used as sort keys.", "data.models.Post.secondary_indexes[0]"),
    ({"models": {"Post": {"authorization": OWNER}, "ModelPostConnection": {"authorization": OWNER}}},
     'There can be only one type named "ModelPostConnection".', "data (model ModelPostConnection)"),
    ({"models": {"Post": {"authorization": OWNER}}, "queries": {"getPost": {
        "returns": "string", "handler": {"custom": {"entry": "a.js"}}, "authorization": [{"allow": "authenticated"}]}}},
     "Object type extension 'Query' cannot redeclare field getPost", "data (custom operation getPost)"),
    ({"models": {"Post": {"authorization": OWNER}}, "queries": {"echo": {
        "returns": "string", "handler": {"function": "echoHandler"}, "authorization": [{"allow": "authenticated"}]}}},
     "function 'echoHandler' is not declared: this definition has no `functions:`",
     "data.queries.echo.handler.function"),
    ({"models": {"Post": {"authorization": OWNER}}, "subscriptions": {"live": {
        "for": {"ref": "Post"}, "handler": {"custom": {"entry": "a.js"}},
        "authorization": [{"allow": "authenticated"}]}}},
     "Invalid subscription definition. .mutations() modifier must be used with a Model ref subscription source. live "
     "is referencing Post without specifying a mutation", "data.subscriptions.live.for[0]"),
    ({"models": {"Post": {"fields": {"when": {"type": "date", "default": "tomorrow"}}, "authorization": OWNER}}},
     'Default value "tomorrow" is not a valid AWSDate.', "data.models.Post.fields.when.default"),
    ({"models": {"Post": {"authorization": OWNER}}, "authorization_modes": {"default": "oidc"}},
     "unknown authorization mode 'oidc'", "data.authorization_modes.default"),
    ({"models": {"Post": {"authorization": [{"allow": "resource", "resource": "fn"}]}}},
     "`allow: resource` rules belong to the schema's `authorization`", "data.models.Post.authorization[0].allow"),
]


@pytest.mark.parametrize(("data", "message", "location"), BAD, ids=[b[1][:40] for b in BAD])
def test_bad_definitions_are_reported_with_location_and_fix(data, message, location):
    problems = problems_of(data)
    found = [p for p in problems if p.message == message]
    assert found, [p.message for p in problems]
    assert found[0].location == location
    assert found[0].fix


def test_every_problem_in_one_run():
    problems = problems_of({"models": {
        "Post": {"fields": {"t": "strin", "u": {"ref": "Nope"}}, "authorization": [{"allow": "guest"}]},
        "Comment": {"fields": {"post": {"belongs_to": "Post", "references": "postId"}}, "authorization": OWNER}}})
    messages = [p.message for p in problems]
    assert "unknown field type 'strin'" in messages
    assert "Invalid ref. Post is referring to Nope which is not defined in the schema" in messages
    assert "a guest rule must list its operations in `to`" in messages
    assert any(m.startswith("Unable to find associated relationship definition in Post") for m in messages)


def test_empty_data_and_shape_errors():
    assert "declares no model or custom operation" in data_problems(DataSpec())[0].message
    with pytest.raises(DefinitionError) as err:
        parse_definition({"data": {"models": {"Post": {"fields": {"t": {"type": "string", "requird": True}},
                                                       "authorization": [{"allow": "owner", "too": ["read"]}]}}}})
    locations = {p.location: p.message for p in err.value.problems}
    assert locations["data.models.Post.fields.t.requird"] == "unknown key `requird`"
    assert locations["data.models.Post.authorization[0].too"] == "unknown key `too`"


def test_valid_variants_have_no_problems():
    assert problems_of({"models": {
        "Note": {"fields": {"owner": "string", "body": "json", "at": "timestamp", "createdAt": "datetime"},
                 "authorization": [{"allow": "owner", "to": ["create", "get", "listen"]},
                                   {"allow": "authenticated", "provider": "identity_pool", "to": ["list"]},
                                   {"allow": "groups", "groups": ["admin"]}]},
        "Doc": {"fields": {"author": "string", "editors": "string[]", "team": "string"},
                "authorization": [{"allow": "owner", "owner_field": "author"},
                                  {"allow": "owners_defined_in", "field": "editors", "identity_claim": "sub"},
                                  {"allow": "group_defined_in", "field": "team"}]},
    }}) == []


def test_cli_validate_exits_2_with_every_problem(tmp_path):
    from ampliform.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"auth": {"groups": []}, "data": {"models": {
        "Post": {"fields": {"title": "strin"}, "authorization": [{"allow": "groups", "groups": ["admin"]}]}}}}))
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2, result.output
    err = result.stderr if hasattr(result, "stderr") else result.output
    assert "error: unknown field type 'strin'" in err
    assert 'error: No auth IAM role found for "admin".' in err
    assert "data.models.Post.fields.title.type" in err
    good = CliRunner().invoke(main, ["validate", str(ROOT / "backend.yaml")])
    assert good.exit_code == 0, good.output
