"""The IAM side of Data's rules: what each IAM role may call, as statements for the budget.

Contract: `graphql_fields(schema, access, kind)` lists the (type, field) pairs an identity-pool role of `kind`
(``guest``: the guest role; ``signed_in``: the authenticated and group roles) may call: per model the root
fields of the operations its rules open to that kind (index queries with list, the subscriptions with
listen), ``(<Model>, "*")``, the connection type where a list returns it, the custom types its fields hold;
custom operations whose rules name that kind, with the custom types they return. `graphql_statements(api_arn,
fields)` is the one ``appsync:GraphQL`` statement allowing exactly those fields. `role_statements(spec, groups,
api_arn)` gives them per identity-pool role: the guest role for guest rules, the authenticated and every group
role for guest and identity-pool rules; no rule, no statement. `function_statements(spec, api_arn)` gives a
function granted ``allow: resource`` ``appsync:GraphQL`` on every field of the root types its actions name
(query: Query, mutate: Mutation, listen: Subscription) and on the object types they return. Owner, user-pool,
group, API-key and Lambda rules are enforced by the resolvers and need no IAM grant.
(`ampliform.plan.contributions` hands these to the budget.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ampliform.data.access import ModelAccess, schema_access, schema_operation_access
from ampliform.data.model import Schema, resolve
from ampliform.data.schema import _nested
from ampliform.definition.data import DataSpec
from ampliform.roles import ROLE_AUTHENTICATED, ROLE_GUEST, function_role, group_role

Statement = dict[str, Any]
KINDS = {"guest": ("guest",), "signed_in": ("guest", "identity_pool")}
ROOTS = {"query": "Query", "mutate": "Mutation", "listen": "Subscription"}


def _custom_types_of(schema: Schema, names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        for nested in _nested(schema, name, []):
            if nested not in out:
                out.append(nested)
    return out


def graphql_fields(schema: Schema, access: Mapping[str, ModelAccess], kind: str) -> list[tuple[str, str]]:
    """The (type, field) pairs an identity-pool role of `kind` (``guest`` / ``signed_in``) may call."""
    out: list[tuple[str, str]] = []
    custom: list[str] = []
    for name, model_access in access.items():
        operations = model_access.iam_operations(kind)
        if not operations:
            continue
        model = schema.models[name]
        n = model.names
        out.append((name, "*"))
        listed = "list" in operations or any(
            f.relation is not None and f.relation.model == name and f.relation.kind == "has_many"
            for other in schema.models.values() for f in other.fields)
        if listed and ("get" in operations or "list" in operations):
            out.append((n.connection, "*"))
        for op in operations:
            pairs = [pair for pair in n.fields_of(op) if _exists(model, pair)]
            out += pairs
            if op == "list":
                out += [("Query", i.query_field) for i in model.indexes if i.query_field]
        custom += [f.type.name for f in model.fields if f.type.kind == "custom"]
    for key, principals in schema_operation_access(schema).items():
        if any(p.kind in KINDS[kind] for p in principals):
            type_name, field_name = key.split(".", 1)
            out.append((type_name, field_name))
            operation = next(o for o in schema.operations if o.name == field_name and o.type_name == type_name)
            if operation.returns.kind == "custom":
                custom.append(operation.returns.name)
    out += [(name, "*") for name in _custom_types_of(schema, custom)]
    return list(dict.fromkeys(out))


def _exists(model, pair: tuple[str, str]) -> bool:
    type_name, field_name = pair
    n = model.names
    ops = {n.get: "get", n.list: "list", n.create: "create", n.update: "update", n.delete: "delete",
           **{n.subscription(p): p for p in ("onCreate", "onUpdate", "onDelete")}}
    return model.has(ops[field_name])


def graphql_statements(api_arn: str, fields: Sequence[tuple[str, str]]) -> list[Statement]:
    """``appsync:GraphQL`` on exactly these fields of the API (none for no field)."""
    if not fields:
        return []
    resources = [f"{api_arn}/types/{t}/*" if f == "*" else f"{api_arn}/types/{t}/fields/{f}" for t, f in fields]
    return [{"Sid": "GraphQLFields", "Effect": "Allow", "Action": "appsync:GraphQL", "Resource": resources}]


def role_statements(spec: DataSpec, groups: Sequence[str], api_arn: str) -> dict[str, list[Statement]]:
    """Per identity-pool role key, the statements Data's rules give it (guest first; empty roles left out)."""
    schema = resolve(spec)
    access = schema_access(schema)
    out: dict[str, list[Statement]] = {}
    for role, kind in ((ROLE_GUEST, "guest"), (ROLE_AUTHENTICATED, "signed_in"),
                       *((group_role(g), "signed_in") for g in groups)):
        statements = graphql_statements(api_arn, graphql_fields(schema, access, kind))
        if statements:
            out[role] = statements
    return out


def function_statements(spec: DataSpec, api_arn: str) -> dict[str, list[Statement]]:
    """Per function role key, what ``allow: resource`` gives it (see the module docstring)."""
    schema = resolve(spec)
    objects = [*schema.models, *(m.names.connection for m in schema.models.values()), *schema.custom_types]
    out: dict[str, list[Statement]] = {}
    for function, actions in schema.resource_grants:
        fields = [(ROOTS[a], "*") for a in ("query", "mutate", "listen") if a in actions]
        fields += [(name, "*") for name in objects]
        out.setdefault(function_role(function), []).extend(graphql_statements(api_arn, fields))
    return out


__all__ = ["function_statements", "graphql_fields", "graphql_statements", "role_statements"]
