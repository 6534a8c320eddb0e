"""The GraphQL schema AppSync receives for a set of models: the same surface Amplify generates.

Contract: `render_schema(spec)` returns the SDL for a validated `DataSpec`, deterministic (declaration
order). Per model ``X`` (plural ``Xs``): type ``X`` (its fields, ``id: ID!``, ``createdAt``/``updatedAt:
AWSDateTime!`` and, with an owner rule, the owner field), ``ModelXConnection``, ``getX(id)``,
``listXs(filter, limit, nextToken)``, ``createX``/``updateX``/``deleteX(input, condition)``,
``onCreateX``/``onUpdateX``/``onDeleteX(filter[, <owner field>])`` with ``@aws_subscribe``, the filter,
condition, subscription-filter and mutation input types, and the shared ``Model*Input`` types. Auth
directives, on the model's types and operations as Amplify puts them: ``@aws_iam`` always (IAM callers
are only let in by the roles' ``appsync:GraphQL`` grants, and the resolvers check the role) and
``@aws_cognito_user_pools`` when a rule lets user-pool callers in.

Unlike Amplify's, the schema has no unused ``AmplifyAIConversationTurnErrorInput``. AppSync declares its
scalars and directives itself; `APPSYNC_PRELUDE` declares them for tools (graphql-core) that validate the
SDL — never send it to AppSync.
"""

from __future__ import annotations

from ampliform.data.access import model_access
from ampliform.data.names import ModelNames
from ampliform.definition.data import SCALARS, DataSpec, ModelSpec

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

FILTER_SCALAR = {"String": "String", "Int": "Int", "Float": "Float", "Boolean": "Boolean", "ID": "ID",
                 "AWSTimestamp": "Int"}
"""GraphQL scalar → the scalar its filter input works on (every other AWS scalar filters as String)."""

_ORDERED = ("ne", "eq", "le", "lt", "ge", "gt")
_SCALAR_INPUTS = {
    # name: (scalar, comparisons, extra operators for the DynamoDB inputs)
    "String": ("String", True, ("contains", "notContains", "between", "beginsWith")),
    "Int": ("Int", True, ("between",)),
    "Float": ("Float", True, ("between",)),
    "Boolean": ("Boolean", False, ()),
    "ID": ("ID", True, ("contains", "notContains", "between", "beginsWith")),
}


def _operator_lines(scalar: str, ordered: bool, extra: tuple[str, ...]) -> list[str]:
    lines = [f"{op}: {scalar}" for op in (_ORDERED if ordered else ("ne", "eq"))]
    for op in extra:
        lines.append(f"{op}: [{scalar}]" if op == "between" else f"{op}: {scalar}")
    return lines


def _shared_inputs() -> list[str]:
    blocks = []
    for name, (scalar, ordered, extra) in _SCALAR_INPUTS.items():
        lines = _operator_lines(scalar, ordered, extra) + ["attributeExists: Boolean",
                                                          "attributeType: ModelAttributeTypes"]
        if scalar in ("String", "ID"):
            lines.append("size: ModelSizeInput")
        blocks.append(_block("input", f"Model{name}Input", lines))
    for name, (scalar, ordered, extra) in _SCALAR_INPUTS.items():
        lines = _operator_lines(scalar, ordered, extra)
        if scalar != "Boolean":
            lines += [f"in: [{scalar}]", f"notIn: [{scalar}]"]
        blocks.append(_block("input", f"ModelSubscription{name}Input", lines))
    blocks.append(_block("enum", "ModelAttributeTypes", ["binary", "binarySet", "bool", "list", "map", "number",
                                                         "numberSet", "string", "stringSet", "_null"]))
    blocks.append(_block("input", "ModelSizeInput", _operator_lines("Int", True, ("between",))))
    blocks.append(_block("enum", "ModelSortDirection", ["ASC", "DESC"]))
    return blocks


def _block(kind: str, name: str, lines: list[str], directives: str = "") -> str:
    head = f"{kind} {name}{' ' + directives if directives else ''} {{"
    return "\n".join([head, *(f"  {line}" for line in lines), "}"])


def graphql_type(type_name: str) -> str:
    """A field type as written (``string``) → its GraphQL scalar (``String``)."""
    return SCALARS[type_name]


def directives(model: ModelSpec, name: str) -> str:
    """The auth directives of a model's types and operations."""
    providers = ["@aws_iam"]
    if model_access(name, model).uses_user_pools:
        providers.append("@aws_cognito_user_pools")
    return " ".join(providers)


class _ModelSchema:
    """The SDL pieces of one model."""

    def __init__(self, name: str, model: ModelSpec):
        self.name, self.model, self.names = name, model, ModelNames(name)
        self.directives = directives(model, name)
        self.owner = model_access(name, model).owner_field
        self.implicit_owner = self.owner is not None and self.owner not in model.fields

    def _fields(self, kind: str) -> list[str]:
        """Declared fields as `name: <input type>` for one kind of type."""
        out = []
        for field, spec in self.model.fields.items():
            scalar = graphql_type(spec.type)
            if kind in ("type", "create"):
                out.append(f"{field}: {scalar}{'!' if spec.required else ''}")
            elif kind == "update":
                out.append(f"{field}: {scalar}")
            elif kind == "filter":
                out.append(f"{field}: Model{FILTER_SCALAR.get(scalar, 'String')}Input")
            elif kind == "subscription":
                out.append(f"{field}: ModelSubscription{FILTER_SCALAR.get(scalar, 'String')}Input")
        return out

    def types(self) -> list[str]:
        n = self.names
        fields = self._fields("type") + ["id: ID!", "createdAt: AWSDateTime!", "updatedAt: AWSDateTime!"]
        if self.implicit_owner:
            fields.append(f"{self.owner}: String")
        owner_filter = [f"{self.owner}: ModelStringInput"] if self.implicit_owner else []
        return [
            _block("type", self.name, fields, self.directives),
            _block("type", n.connection, [f"items: [{self.name}]!", "nextToken: String"], self.directives),
            _block("input", n.filter_input, self._fields("filter") + [
                "id: ModelIDInput", "createdAt: ModelStringInput", "updatedAt: ModelStringInput",
                f"and: [{n.filter_input}]", f"or: [{n.filter_input}]", f"not: {n.filter_input}", *owner_filter]),
            _block("input", n.condition_input, self._fields("filter") + [
                f"and: [{n.condition_input}]", f"or: [{n.condition_input}]", f"not: {n.condition_input}",
                "createdAt: ModelStringInput", "updatedAt: ModelStringInput", *owner_filter]),
            _block("input", n.create_input, self._fields("create") + ["id: ID"]),
            _block("input", n.update_input, self._fields("update") + ["id: ID!"]),
            _block("input", n.delete_input, ["id: ID!"]),
            _block("input", n.subscription_filter_input, self._fields("subscription") + [
                "id: ModelSubscriptionIDInput", "createdAt: ModelSubscriptionStringInput",
                "updatedAt: ModelSubscriptionStringInput", f"and: [{n.subscription_filter_input}]",
                f"or: [{n.subscription_filter_input}]", *owner_filter]),
        ]

    def queries(self) -> list[str]:
        n, d = self.names, self.directives
        return [f"{n.get}(id: ID!): {self.name} {d}",
                f"{n.list}(filter: {n.filter_input}, limit: Int, nextToken: String): {n.connection} {d}"]

    def mutations(self) -> list[str]:
        n, d = self.names, self.directives
        return [f"{field}(input: {kind}!, condition: {n.condition_input}): {self.name} {d}"
                for field, kind in ((n.create, n.create_input), (n.update, n.update_input),
                                    (n.delete, n.delete_input))]

    def subscriptions(self) -> list[str]:
        n, d = self.names, self.directives
        owner_arg = f", {self.owner}: String" if self.owner else ""
        return [f'{field}(filter: {n.subscription_filter_input}{owner_arg}): {self.name} '
                f'@aws_subscribe(mutations: ["{mutation}"]) {d}' for field, mutation in n.subscriptions.items()]


def render_schema(spec: DataSpec) -> str:
    """The SDL of every model of `spec` (validated), as AppSync receives it."""
    models = [_ModelSchema(name, model) for name, model in spec.models.items()]
    blocks = [m.types()[0] for m in models] + _shared_inputs()
    for m in models:
        blocks += m.types()[1:]
    blocks.append(_block("type", "Query", [line for m in models for line in m.queries()]))
    blocks.append(_block("type", "Mutation", [line for m in models for line in m.mutations()]))
    blocks.append(_block("type", "Subscription", [line for m in models for line in m.subscriptions()]))
    return "\n\n".join(blocks) + "\n"
