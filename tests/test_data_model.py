"""Data models: both forms (data and DSL) give the same spec; bad definitions are rejected with clear problems
(and exit 2 from the CLI); the pure data modules never import pulumi."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from reference_data import DATA_REFERENCE

from ampliform.data.access import model_access
from ampliform.data.validate import data_problems
from ampliform.definition.data import DataSpec
from ampliform.definition.load import load_definition, parse_definition
from ampliform.definition.schema_dsl import a
from ampliform.errors import DefinitionError
from ampliform.plan.backend import guest_access_needed
from ampliform.plan.check import definition_problems

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


@pytest.mark.parametrize(("case", "dsl", "groups"), [("post", POST_DSL, ()), ("guest-groups", TODO_DSL, ("admin",))])
def test_reference_inputs_parse_validate_and_equal_the_dsl(case, dsl, groups):
    definition = parse_definition({"auth": {"groups": list(groups)}, "data": reference(case)["input"]})
    assert definition_problems(definition) == []
    assert definition.data == dsl.spec
    assert parse_definition({"auth": {"groups": list(groups)}, "data": dsl.to_data()}).data == dsl.spec


def test_backend_yaml_declares_the_tutorial_post():
    definition = load_definition(ROOT / "backend.yaml")
    assert definition_problems(definition) == []
    assert definition.data == DataSpec.model_validate(reference("post")["input"])
    assert not guest_access_needed(definition)


def test_shorthand_and_long_field_forms_are_the_same():
    short = DataSpec.model_validate({"models": {"M": {"fields": {"a": "int!", "b": "string"},
                                                      "authorization": [{"allow": "owner"}]}}})
    long = DataSpec.model_validate({"models": {"M": {"fields": {"a": {"type": "int", "required": True},
                                                                "b": {"type": "string"}},
                                                     "authorization": [{"allow": "owner"}]}}})
    assert short == long
    assert short.models["M"].fields["a"].required is True


def test_rules_resolve_per_operation():
    post = model_access("Post", POST_DSL.spec.models["Post"])
    assert post.owner_field == "owner"
    assert {op for op, g in post.grants.items() if g.user_pools} == {"get", "list", "listen"}
    assert all(g.owner for g in post.grants.values())
    assert not post.uses_iam
    todo = model_access("Todo", TODO_DSL.spec.models["Todo"])
    assert todo.iam_operations("guest") == ("get", "list", "listen")
    assert todo.iam_operations("signed_in") == ("get", "list", "listen")
    assert all(g.groups == ("admin",) for g in todo.grants.values())
    assert guest_access_needed({"auth": {"groups": ["admin"]}, "data": TODO_DSL.to_data()})
    iam = a.schema({"N": a.model({"t": a.string()}).authorization(
        lambda allow: [allow.authenticated("identityPool").to(["create", "get"])])})
    note = model_access("N", iam.spec.models["N"])
    assert note.iam_operations("guest") == ()
    assert note.iam_operations("signed_in") == ("create", "get")
    assert note.owner_field is None and not note.uses_user_pools


def problems_of(models: dict, groups=("admin",)) -> list:
    definition = parse_definition({"auth": {"groups": list(groups)}, "data": {"models": models}})
    return definition_problems(definition)


OWNER = [{"allow": "owner"}]
BAD = [
    ({"post": {"fields": {"t": "string"}, "authorization": OWNER}, "Post": {"fields": {}, "authorization": OWNER},
      "1Bad": {"authorization": OWNER}},
     "model name '1Bad' is not a valid GraphQL type name", 'data.models["1Bad"]'),
    ({"Query": {"authorization": OWNER}},
     "model name 'Query' is taken by a GraphQL or AppSync type", "data.models.Query"),
    ({"Post": {"fields": {"title": "strin"}, "authorization": OWNER}},
     "unknown field type 'strin'", "data.models.Post.fields.title.type"),
    ({"Post": {"fields": {"id": "id"}, "authorization": OWNER}},
     "field 'id' is added to every model automatically", "data.models.Post.fields.id"),
    ({"Post": {"fields": {"and": "string"}, "authorization": OWNER}},
     "field name 'and' is reserved for filters", "data.models.Post.fields.and"),
    ({"Post": {"fields": {"my-field": "string"}, "authorization": OWNER}},
     "field name 'my-field' is not a valid GraphQL field name", 'data.models.Post.fields["my-field"]'),
    ({"Post": {"fields": {"t": "string"}}},
     "model 'Post' has no authorization rules", "data.models.Post.authorization"),
    ({"Post": {"authorization": [{"allow": "public", "to": ["read"]}]}},
     "unknown rule kind 'public' in `allow`", "data.models.Post.authorization[0].allow"),
    ({"Post": {"authorization": [{"allow": "owner", "to": ["write"]}]}},
     "unknown operation 'write'", "data.models.Post.authorization[0].to[0]"),
    ({"Post": {"authorization": [{"allow": "owner", "to": []}]}},
     "`to` lists no operation", "data.models.Post.authorization[0].to"),
    ({"Post": {"authorization": [{"allow": "guest"}]}},
     "a guest rule must list its operations in `to`", "data.models.Post.authorization[0]"),
    ({"Post": {"authorization": [{"allow": "groups", "groups": ["editors"]}]}},
     'No auth IAM role found for "editors".', "data.models.Post.authorization[0].groups[0]"),
    ({"Post": {"authorization": [{"allow": "groups"}]}},
     "a groups rule needs at least one group", "data.models.Post.authorization[0].groups"),
    ({"Post": {"authorization": [{"allow": "authenticated", "groups": ["admin"]}]}},
     "`groups` does not apply to authenticated rules", "data.models.Post.authorization[0].groups"),
    ({"Post": {"authorization": [{"allow": "authenticated", "provider": "oidc"}]}},
     "unknown provider 'oidc'", "data.models.Post.authorization[0].provider"),
    ({"Post": {"authorization": [{"allow": "owner"}, {"allow": "owner", "owner_field": "editor"}]}},
     "model 'Post' has more than one owner rule", "data.models.Post.authorization[1]"),
    ({"Post": {"fields": {"owner": "int"}, "authorization": OWNER}},
     "owner field 'owner' is declared as int; the owner is an optional string", "data.models.Post.authorization[0]"),
    ({"Post": {"authorization": [{"allow": "owner", "owner_field": "createdAt"}]}},
     "owner field 'createdAt' cannot hold the owner", "data.models.Post.authorization[0].owner_field"),
    ({"Post": {"authorization": OWNER}, "ModelPostConnection": {"authorization": OWNER}},
     "model 'ModelPostConnection' generates 'ModelPostConnection', which model 'Post' also defines",
     "data.models.ModelPostConnection"),
]


@pytest.mark.parametrize(("models", "message", "location"), BAD, ids=[b[1][:40] for b in BAD])
def test_bad_models_are_reported_with_location_and_fix(models, message, location):
    problems = problems_of(models)
    found = [p for p in problems if message in p.message]
    assert found, [p.message for p in problems]
    assert found[0].location == location
    assert found[0].fix


def test_empty_models_and_shape_errors():
    assert "declares no model" in data_problems(DataSpec())[0].message
    with pytest.raises(DefinitionError) as err:
        parse_definition({"data": {"models": {"Post": {"fields": {"t": {"type": "string", "requird": True}},
                                                       "authorization": [{"allow": "owner", "too": ["read"]}]}}}})
    locations = {p.location: p.message for p in err.value.problems}
    assert locations["data.models.Post.fields.t.requird"] == "unknown key `requird`"
    assert locations["data.models.Post.authorization[0].too"] == "unknown key `too`"


def test_valid_variants_have_no_problems():
    assert problems_of({
        "Note": {"fields": {"owner": "string", "body": "json", "at": "timestamp"},
                 "authorization": [{"allow": "owner", "to": ["create", "get", "listen"]},
                                   {"allow": "authenticated", "provider": "identityPool", "to": ["list"]},
                                   {"allow": "groups", "groups": ["admin"]}]},
        "Doc": {"fields": {"author": "string"}, "authorization": [{"allow": "owner", "owner_field": "author"}]},
    }) == []


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
