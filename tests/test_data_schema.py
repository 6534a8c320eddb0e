"""The generated GraphQL surface, model introspection and table layout, compared with what real Amplify generates.

Every reference case in ``tests/reference/amplify/data`` (each an oracle spec, mapped to ampliform's data form by
``data_fixtures/oracle_specs.py``) is compared piece by piece: both schemas (ours and the reference's processed
SDL) parsed with graphql-core; every type with its fields, every operation with its arguments (in order), return
type and directives (in order), every input type, every enum; the reference's ``operations`` and
``type_directives`` views; ``model_introspection`` and the whole ``data`` section of amplify_outputs; each
table's keys, attribute definitions and GSIs. The one type Amplify emits that we leave out on purpose is
``AmplifyAIConversationTurnErrorInput`` (unused by models).
"""

from __future__ import annotations

import json
import sys

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

sys.path.insert(0, str(DATA_REFERENCE.parents[2] / "data_fixtures"))
from oracle_specs import to_ampliform  # noqa: E402

from ampliform.data.introspection import model_introspection, outputs_data  # noqa: E402
from ampliform.data.model import resolve  # noqa: E402
from ampliform.data.names import pluralize  # noqa: E402
from ampliform.data.schema import APPSYNC_PRELUDE, render_schema  # noqa: E402
from ampliform.data.tables import table_layout  # noqa: E402
from ampliform.definition.data import DataSpec  # noqa: E402
from ampliform.definition.schema_dsl import a  # noqa: E402

REFERENCE = DATA_REFERENCE
CASES = ["post", "guest-groups", "blog", "keys", "fieldauth", "rules", "ops", "indexes", "apikey-ops",
         "identitypool-default", "lambda-default", "schema-rules"]
LEFT_OUT = {"AmplifyAIConversationTurnErrorInput"}
"""Types in Amplify's schema that ours leaves out on purpose."""


def load(case: str) -> tuple[dict, DataSpec]:
    data = json.loads((REFERENCE / f"{case}.json").read_text())
    return data, DataSpec.model_validate(to_ampliform(data["input"]))


def their_sdl(case: str, data: dict) -> str:
    sdl = data["amplify"].get("graphql_schema")
    return sdl if sdl is not None else (REFERENCE / f"{case}.schema.graphql").read_text()


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
    """Everything a client depends on, as comparable plain data (directives and arguments in order)."""
    out: dict = {}
    for name, t in own_types(schema).items():
        if isinstance(t, GraphQLObjectType):
            out[name] = {
                "kind": "type",
                "directives": directives_of(t.ast_node),
                "fields": {f: {"type": str(field.type), "args": [f"{a}: {arg.type}" for a, arg in field.args.items()],
                               "directives": directives_of(field.ast_node)} for f, field in t.fields.items()},
            }
        elif isinstance(t, GraphQLInputObjectType):
            out[name] = {"kind": "input", "fields": {f: str(field.type) for f, field in t.fields.items()}}
        elif isinstance(t, GraphQLEnumType):
            out[name] = {"kind": "enum", "values": list(t.values)}
        else:
            out[name] = {"kind": type(t).__name__}
    return out


@pytest.mark.parametrize("case", CASES)
def test_schema_is_valid_graphql_and_equals_amplifys_surface(case):
    data, spec = load(case)
    ours = surface(build(render_schema(spec)))
    theirs = surface(build(their_sdl(case, data)))
    assert set(theirs) - set(ours) == LEFT_OUT
    assert set(ours) - set(theirs) == set()
    for name in sorted(ours):
        assert ours[name] == theirs[name], name
    assert ours["Query"]["fields"], "no query"


@pytest.mark.parametrize("case", CASES)
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
        if "." in type_name:
            parent, field_name = type_name.split(".")
            assert directives_of(schema.type_map[parent].fields[field_name].ast_node) == expected, type_name
        else:
            assert directives_of(schema.type_map[type_name].ast_node) == expected, type_name


@pytest.mark.parametrize("case", CASES)
def test_model_introspection_and_data_outputs_equal_amplifys(case):
    data, spec = load(case)
    expected = data["amplify"]["outputs_data"]
    assert model_introspection(spec) == expected["model_introspection"]
    assert outputs_data(spec, expected["url"], expected["aws_region"], expected.get("api_key")) == expected


def _their_table(table: dict) -> tuple:
    keys = {k["keyType"]: k["attributeName"] for k in table["key_schema"]}
    indexes = set()
    for index in table["global_secondary_indexes"] or []:
        ks = {k["keyType"]: k["attributeName"] for k in index["keySchema"]}
        indexes.add((index["indexName"], ks["HASH"], ks.get("RANGE"), index["projection"]["projectionType"],
                     tuple(index["projection"].get("nonKeyAttributes", ()))))
    attributes = frozenset((a["attributeName"], a["attributeType"]) for a in table["attribute_definitions"])
    return keys["HASH"], keys.get("RANGE"), attributes, frozenset(indexes)


@pytest.mark.parametrize("case", CASES)
def test_tables_have_amplifys_keys_attributes_and_indexes(case):
    data, spec = load(case)
    schema = resolve(spec)
    assert set(schema.models) == set(data["amplify"]["tables"])
    for model, table in data["amplify"]["tables"].items():
        layout = table_layout(schema.models[model], schema)
        ours = (layout.hash_key, layout.range_key, frozenset(layout.attributes),
                frozenset((i.name, i.hash_key, i.range_key, i.projection, i.non_key_attributes)
                          for i in layout.global_indexes))
        assert ours == _their_table(table), model
        assert table["key_schema"][0]["attributeName"] == layout.hash_key


def test_plural_names_are_amplifys():
    plurals = json.loads((REFERENCE / "pluralize.json").read_text())["plurals"]
    assert len(plurals) > 40
    assert {word: pluralize(word) for word in plurals} == plurals


def test_reference_input_order_does_not_matter_but_ours_is_declaration_order():
    spec = a.schema({"Post": a.model({"title": a.string().required(), "content": a.string()})
                     .authorization(lambda allow: [allow.owner()])}).spec
    fields = list(build(render_schema(spec)).type_map["Post"].fields)
    assert fields == ["title", "content", "id", "createdAt", "updatedAt", "owner"]
    assert render_schema(spec) == render_schema(spec)


def test_an_undeclared_owner_list_is_a_list_of_strings():
    """Amplify writes an undeclared `ownersDefinedIn` field as a single String (and then treats it as one
    owner); ampliform declares it a list, as the rule means."""
    spec = a.schema({"Doc": a.model({"title": a.string()}).authorization(
        lambda allow: [allow.owner(), allow.owners_defined_in("editors").to(["read"])])}).spec
    schema = build(render_schema(spec))
    assert str(schema.type_map["Doc"].fields["editors"].type) == "[String]"
    assert list(schema.type_map["Subscription"].fields["onCreateDoc"].args) == ["filter", "owner"]
