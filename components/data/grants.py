"""The IAM side of Data's rules: what each identity-pool role may call, as statements for the budget.

Contract: `graphql_fields(models, kind)` lists the (type, field) pairs an identity-pool role of `kind`
(``guest``: the guest role; ``signed_in``: the authenticated and group roles) may call, with ``(<Model>, "*")``
and ``(Model<Model>Connection, "*")`` for the fields of what those calls return; `graphql_statements(api_arn,
fields)` is the one ``appsync:GraphQL`` statement allowing exactly those fields; `role_statements(spec,
groups, api_arn)` gives them per identity-pool role: the guest role for guest rules, the authenticated and
every group role for guest and identity-pool rules; no rule, no statement. Owner, user-pool and group rules
are enforced by the resolvers and need no IAM grant. (`ampliform.plan.contributions` hands these to the
budget.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ampliform.data.access import ModelAccess, data_access
from ampliform.data.names import ModelNames
from ampliform.definition.data import DataSpec
from ampliform.roles import ROLE_AUTHENTICATED, ROLE_GUEST, group_role

Statement = dict[str, Any]

def graphql_fields(models: Iterable[ModelAccess], kind: str) -> list[tuple[str, str]]:
    """The (type, field) pairs an identity-pool role of `kind` (``guest`` / ``signed_in``) may call."""
    out: list[tuple[str, str]] = []
    for access in models:
        operations = access.iam_operations(kind)
        if not operations:
            continue
        names = ModelNames(access.name)
        out.append((access.name, "*"))
        if "list" in operations:
            out.append((names.connection, "*"))
        for op in operations:
            out.extend(names.fields_of(op))
    return out


def graphql_statements(api_arn: str, fields: Sequence[tuple[str, str]]) -> list[Statement]:
    """``appsync:GraphQL`` on exactly these fields of the API (none for no field)."""
    if not fields:
        return []
    resources = [f"{api_arn}/types/{t}/*" if f == "*" else f"{api_arn}/types/{t}/fields/{f}" for t, f in fields]
    return [{"Sid": "GraphQLFields", "Effect": "Allow", "Action": "appsync:GraphQL", "Resource": resources}]


def role_statements(spec: DataSpec, groups: Sequence[str], api_arn: str) -> dict[str, list[Statement]]:
    """Per identity-pool role key, the statements Data's rules give it (guest first; empty roles left out)."""
    access = list(data_access(spec).values())
    out: dict[str, list[Statement]] = {}
    for role, kind in ((ROLE_GUEST, "guest"), (ROLE_AUTHENTICATED, "signed_in"),
                       *((group_role(g), "signed_in") for g in groups)):
        statements = graphql_statements(api_arn, graphql_fields(access, kind))
        if statements:
            out[role] = statements
    return out
