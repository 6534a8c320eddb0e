"""The GraphQL schema AppSync receives for a `DataSpec`: the same surface Amplify generates.

Contract: `render_schema(spec)` returns the SDL for a validated spec, deterministic (declaration order);
`build_document(schema)` the `Document` behind it. It holds: enums (declared and inline) and custom types
(with ``<Type>Input`` input types where models or arguments take them); per model the types of
`ampliform.data.schema_types`; the shared ``Model*Input`` filter types and ``ModelSortDirection``; custom
queries, mutations and subscriptions (arguments, return type, ``@aws_subscribe`` for subscriptions); and the
auth directives of `ampliform.data.schema_auth`. `type_owners(schema)` and `root_fields(schema)` list every
type name and every Query/Mutation/Subscription field with what defines it, for the collision checks.

Unlike Amplify's, the schema has no unused ``AmplifyAIConversationTurnErrorInput``. AppSync declares its
scalars and directives itself; `APPSYNC_PRELUDE` declares them for tools (graphql-core) that validate the
SDL — never send it to AppSync.
"""

from __future__ import annotations

from ampliform.data.matrix import Matrix, model_matrix
from ampliform.data.model import CustomType, Operation, Schema, resolve
from ampliform.data.rules import Rule
from ampliform.data.schema_auth import apply_directives, native_directives
from ampliform.data.schema_types import add_model
from ampliform.data.sdl import Document, FieldDef, TypeDef
from ampliform.definition.data import DataSpec

APPSYNC_PRELUDE = """\
scalar AWSDate
scalar AWSTime
scalar AWSDateTime
scalar AWSTimestamp
scalar AWSEmail
scalar AWSJSON
scalar AWSURL
scalar AWSPhone
scalar AWSIPAddress
directive @aws_subscribe(mutations: [String!]!) on FIELD_DEFINITION
directive @aws_iam on OBJECT | FIELD_DEFINITION
directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION
directive @aws_api_key on OBJECT | FIELD_DEFINITION
directive @aws_oidc on OBJECT | FIELD_DEFINITION
directive @aws_lambda on OBJECT | FIELD_DEFINITION
directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION
"""
"""AppSync's built-in scalars and directives, for validating the SDL outside AppSync."""

_ORDERED = ("ne", "eq", "le", "lt", "ge", "gt")
_SCALAR_INPUTS = {
    # name: (comparisons, extra operators)
    "String": (True, ("contains", "notContains", "between", "beginsWith")),
    "Int": (True, ("between",)),
    "Float": (True, ("between",)),
    "Boolean": (False, ()),
    "ID": (True, ("contains", "notContains", "between", "beginsWith")),
}
SHARED_TYPES = ("ModelAttributeTypes", "ModelSizeInput", "ModelSortDirection",
                *(f"Model{s}Input" for s in _SCALAR_INPUTS), *(f"ModelSubscription{s}Input" for s in _SCALAR_INPUTS),
                *(f"Model{s}KeyConditionInput" for s in ("String", "ID", "Int", "Float")))
"""The shared types the models' inputs use (no model, custom type or enum may take these names)."""


def _operators(scalar: str, ordered: bool, extra: tuple[str, ...]) -> list[FieldDef]:
    out = [FieldDef(op, scalar) for op in (_ORDERED if ordered else ("ne", "eq"))]
    return out + [FieldDef(op, f"[{scalar}]" if op == "between" else scalar) for op in extra]


def _shared_inputs(document: Document) -> None:
    for scalar, (ordered, extra) in _SCALAR_INPUTS.items():
        fields = _operators(scalar, ordered, extra) + [FieldDef("attributeExists", "Boolean"),
                                                        FieldDef("attributeType", "ModelAttributeTypes")]
        if scalar in ("String", "ID"):
            fields.append(FieldDef("size", "ModelSizeInput"))
        document.add(TypeDef("input", f"Model{scalar}Input", fields))
    for scalar, (ordered, extra) in _SCALAR_INPUTS.items():
        fields = _operators(scalar, ordered, extra)
        if scalar != "Boolean":
            fields += [FieldDef("in", f"[{scalar}]"), FieldDef("notIn", f"[{scalar}]")]
        document.add(TypeDef("input", f"ModelSubscription{scalar}Input", fields))
    document.add(TypeDef("enum", "ModelAttributeTypes", [FieldDef(v) for v in (
        "binary", "binarySet", "bool", "list", "map", "number", "numberSet", "string", "stringSet", "_null")]))
    document.add(TypeDef("input", "ModelSizeInput", _operators("Int", True, ("between",))))
    document.add(TypeDef("enum", "ModelSortDirection", [FieldDef("ASC"), FieldDef("DESC")]))


def inherited_rules(schema: Schema) -> dict[str, list[Rule]]:
    """Custom type → the rules of the custom operations returning it (and the types nested in it)."""
    out: dict[str, list[Rule]] = {}
    for operation in schema.operations:
        if operation.returns.kind != "custom":
            continue
        for name in _nested(schema, operation.returns.name, []):
            out.setdefault(name, []).extend(operation.rules)
    return out


def _nested(schema: Schema, name: str, seen: list[str]) -> list[str]:
    if name in seen or name not in schema.custom_types:
        return seen
    seen.append(name)
    for field in schema.custom_types[name].fields:
        if field.type.kind == "custom":
            _nested(schema, field.type.name, seen)
    return seen


def _custom_inputs(document: Document, schema: Schema, name: str) -> None:
    custom = schema.custom_types[name]
    if document.get(f"{name}Input") is not None:
        return
    document.add(TypeDef("input", f"{name}Input", [FieldDef(f.name, f.type.sdl(input_suffix=True))
                                                   for f in custom.fields]))
    for field in custom.fields:
        if field.type.kind == "custom":
            _custom_inputs(document, schema, field.type.name)


def _operation_field(operation: Operation) -> FieldDef:
    directives = []
    if operation.type_name == "Subscription":
        directives.append('@aws_subscribe(mutations: ["' + '", "'.join(operation.follows) + '"])')
    if operation.handler.kind == "custom":
        directives += native_directives(operation.rules)
    args = [(name, type_ref.sdl(input_suffix=True)) for name, type_ref in operation.arguments]
    return FieldDef(operation.name, operation.returns.sdl(), args, directives)


def matrices_of(schema: Schema) -> dict[str, Matrix]:
    """Every model's access matrix."""
    return {name: model_matrix(model) for name, model in schema.models.items()}


def build_document(schema: Schema, matrices: dict[str, Matrix] | None = None) -> Document:
    """The schema as a `Document` (see the module docstring)."""
    matrices = matrices if matrices is not None else matrices_of(schema)
    document = Document()
    for name, values in schema.enums.items():
        document.add(TypeDef("enum", name, [FieldDef(v) for v in values]))
    inherited = inherited_rules(schema)
    for name, custom in schema.custom_types.items():
        document.add(_custom_type(custom, inherited.get(name, [])))
    if schema.models:
        _shared_inputs(document)
    listed = {child for m in schema.models.values() for f in m.fields
              if f.relation is not None and f.relation.kind == "has_many" for child in (f.relation.model,)}
    for name, model in schema.models.items():
        has_query = model.has("list") or any(i.query_field for i in model.indexes)
        add_model(document, model, schema, matrices[name], listed=has_query or name in listed)
        for field in model.fields:
            if field.type.kind == "custom" and (model.has("create") or model.has("update")):
                _custom_inputs(document, schema, field.type.name)
    for operation in schema.operations:
        for _, type_ref in operation.arguments:
            if type_ref.kind == "custom":
                _custom_inputs(document, schema, type_ref.name)
        document.root(operation.type_name).add(_operation_field(operation))
    apply_directives(document, schema, matrices)
    for root in ("Query", "Mutation", "Subscription"):
        typedef = document.get(root)
        if typedef is not None and not typedef.fields:
            del document.types[root]
    return document


def _custom_type(custom: CustomType, rules: list[Rule]) -> TypeDef:
    return TypeDef("type", custom.name, [FieldDef(f.name, f.type.sdl()) for f in custom.fields],
                   native_directives(rules))


def render_schema(spec: DataSpec) -> str:
    """The SDL of a validated spec, as AppSync receives it."""
    return build_document(resolve(spec)).render()


def type_owners(schema: Schema) -> list[tuple[str, str]]:
    """Every type name the schema defines, with what defines it (a name may appear twice: a collision)."""
    out = [(name, f"enum {name}") for name in schema.enums]
    out += [(name, f"custom type {name}") for name in schema.custom_types]
    out += [(f"{name}Input", f"custom type {name}") for name in schema.custom_types]
    for name, model in schema.models.items():
        out += [(t, f"model {name}") for t in model.names.type_names()]
    return out


def root_fields(schema: Schema) -> list[tuple[str, str, str]]:
    """Every (root type, field, what defines it) of the schema."""
    out: list[tuple[str, str, str]] = []
    for name, model in schema.models.items():
        n = model.names
        fields = [("Query", n.get, "get"), ("Query", n.list, "list")]
        fields += [("Mutation", getattr(n, op), op) for op in ("create", "update", "delete")]
        fields += [("Subscription", n.subscription(p), p) for p in ("onCreate", "onUpdate", "onDelete")]
        out += [(t, f, f"model {name}") for t, f, op in fields if model.has(op)]
        out += [("Query", i.query_field, f"index {i.name} of {name}") for i in model.indexes if i.query_field]
    out += [(o.type_name, o.name, f"custom operation {o.name}") for o in schema.operations]
    return out
