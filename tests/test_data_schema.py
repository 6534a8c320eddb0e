"""The generated GraphQL surface and model introspection, compared with what real Amplify generates.

Both schemas (ours and the reference's ``*.schema.graphql``) are parsed with graphql-core and compared
piece by piece: every operation with its arguments, return type and directives, every input type with its
fields, every object type with its fields and directives, every enum. The one type Amplify emits that we
leave out on purpose is ``AmplifyAIConversationTurnErrorInput`` (unused by models). The reference JSON's
``operations`` / ``type_directives`` are checked too, and ``model_introspection`` must equal Amplify's.
"""

from __future__ import annotations

import json

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    print_ast,
    validate_schema,
)
from reference_data import DATA_REFERENCE

from ampliform.data.introspection import model_introspection, outputs_data
from ampliform.data.schema import APPSYNC_PRELUDE, render_schema
from ampliform.definition.data import DataSpec
from ampliform.definition.schema_dsl import a

REFERENCE = DATA_REFERENCE
CASES = {"post": "post", "guest-groups": "guest-groups"}
LEFT_OUT = {"AmplifyAIConversationTurnErrorInput"}
"""Types in Amplify's schema that ours leaves out on purpose."""


def load(case: str) -> tuple[dict, DataSpec]:
    data = json.loads((REFERENCE / f"{case}.json").read_text())
    return data, DataSpec.model_validate(data["input"])


def build(sdl: str) -> GraphQLSchema:
    schema = build_schema(APPSYNC_PRELUDE + sdl)
    assert validate_schema(schema) == []
    return schema


def own_types(schema: GraphQLSchema) -> dict:
    prelude = build_schema(APPSYNC_PRELUDE)
    return {n: t for n, t in schema.type_map.items() if not n.startswith("__") and n not in prelude.type_map}


def directives_of(node) -> list[str]:
    return [print_ast(d) for d in ((node.directives if node else None) or [])]


def surface(schema: GraphQLSchema) -> dict:
    """Everything a client depends on, as comparable plain data."""
    out: dict = {}
    for name, t in own_types(schema).items():
        if isinstance(t, GraphQLObjectType):
            out[name] = {
                "kind": "type",
                "directives": directives_of(t.ast_node),
                "fields": {f: {"type": str(field.type), "args": {a: str(arg.type) for a, arg in field.args.items()},
                               "directives": directives_of(field.ast_node)} for f, field in t.fields.items()},
            }
        elif isinstance(t, GraphQLInputObjectType):
            out[name] = {"kind": "input", "fields": {f: str(field.type) for f, field in t.fields.items()}}
        elif isinstance(t, GraphQLEnumType):
            out[name] = {"kind": "enum", "values": list(t.values)}
        else:
            out[name] = {"kind": type(t).__name__}
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_schema_is_valid_graphql_and_equals_amplifys_surface(case):
    _, spec = load(case)
    ours = surface(build(render_schema(spec)))
    theirs = surface(build((REFERENCE / f"{case}.schema.graphql").read_text()))
    assert set(theirs) - set(ours) == LEFT_OUT
    assert set(ours) - set(theirs) == set()
    for name in sorted(ours):
        assert ours[name] == theirs[name], name
    for op_type in ("Query", "Mutation", "Subscription"):
        assert ours[op_type]["fields"], op_type


@pytest.mark.parametrize("case", list(CASES))
def test_operations_and_type_directives_equal_the_reference_json(case):
    data, spec = load(case)
    schema = build(render_schema(spec))
    for op_type, fields in data["amplify"]["operations"].items():
        t = schema.type_map[op_type]
        assert set(t.fields) == set(fields), op_type
        for field_name, expected in fields.items():
            field = t.fields[field_name]
            assert [f"{n}: {arg.type}" for n, arg in field.args.items()] == expected["args"], field_name
            assert str(field.type) == expected["returns"], field_name
            assert directives_of(field.ast_node) == expected["directives"], field_name
    for type_name, expected in data["amplify"]["type_directives"].items():
        assert directives_of(schema.type_map[type_name].ast_node) == expected


@pytest.mark.parametrize("case", list(CASES))
def test_model_introspection_and_data_outputs_equal_amplifys(case):
    data, spec = load(case)
    expected = data["amplify"]["outputs_data"]
    assert model_introspection(spec) == expected["model_introspection"]
    assert outputs_data(spec, expected["url"], expected["aws_region"]) == expected


def test_reference_input_order_does_not_matter_but_ours_is_declaration_order():
    spec = a.schema({"Post": a.model({"title": a.string().required(), "content": a.string()})
                     .authorization(lambda allow: [allow.owner()])}).spec
    fields = list(build(render_schema(spec)).type_map["Post"].fields)
    assert fields == ["title", "content", "id", "createdAt", "updatedAt", "owner"]
    assert render_schema(spec) == render_schema(spec)


def test_variants_change_the_surface_as_amplify_does():
    spec = a.schema({
        "Doc": a.model({"author": a.string(), "at": a.timestamp(), "mail": a.email()})
        .authorization(lambda allow: [allow.owner_defined_in("author"), allow.groups(["admin"])]),
        "Board": a.model({"title": a.string()}).authorization(lambda allow: [allow.guest().to(["read"])]),
    }).spec
    schema = build(render_schema(spec))
    doc = schema.type_map["Doc"]
    assert "owner" not in doc.fields and str(doc.fields["author"].type) == "String"
    assert list(schema.type_map["Subscription"].fields["onCreateDoc"].args) == ["filter", "author"]
    assert str(schema.type_map["ModelDocFilterInput"].fields["at"].type) == "ModelIntInput"
    assert str(schema.type_map["ModelDocFilterInput"].fields["mail"].type) == "ModelStringInput"
    # guest-only model: no owner field or argument, and no user-pool access at AppSync's level
    board = schema.type_map["Board"]
    assert "owner" not in board.fields
    assert list(schema.type_map["Subscription"].fields["onCreateBoard"].args) == ["filter"]
    assert directives_of(board.ast_node) == ["@aws_iam"]
    assert directives_of(schema.type_map["Query"].fields["listBoards"].ast_node) == ["@aws_iam"]
    intro = model_introspection(spec)["models"]
    assert intro["Doc"]["fields"]["author"]["type"] == "String"
    assert intro["Board"]["attributes"][1]["properties"]["rules"] == [
        {"allow": "public", "provider": "identityPool", "operations": ["read"]}]
    assert intro["Doc"]["attributes"][1]["properties"]["rules"][0]["ownerField"] == "author"
